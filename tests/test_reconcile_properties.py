import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimates import read_claims, reconcile
from estimates.reconcile.columns import _id_lists
from estimates.reconcile.sorting import _lexsort, _ranks
from strategies_claims import claim_rows, claims_around_truth, count_claims, history_claims

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RELATIONS = ["q.a <= q.b"]


def _summary(result):  # type: ignore[no-untyped-def]
    ranges = result.ranges.drop(columns=["best", "as_of_start", "as_of_end"]).round(6).astype(str)
    ranges = ranges.sort_values(["quantity", "as_of"]).reset_index(drop=True)
    found = zip(result.contradictions["reason"], result.contradictions["claims"], strict=True)
    contradictions = sorted((r, tuple(sorted(c))) for r, c in found)
    status = result.claims.set_index("id")["status"].sort_index()
    return ranges, contradictions, status


@SETTINGS
@given(claim_rows(), st.randoms(use_true_random=False))
def test_shuffling_the_claims_changes_nothing(rows: pd.DataFrame, random) -> None:  # type: ignore[no-untyped-def]
    shuffled = rows.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    a, b = _summary(reconcile(rows)), _summary(reconcile(shuffled))
    pd.testing.assert_frame_equal(a[0], b[0])
    assert a[1] == b[1]
    pd.testing.assert_series_equal(a[2], b[2])


@SETTINGS
@given(claims_around_truth())
def test_claims_around_a_hidden_truth_are_never_flagged_and_ranges_hold_it(case) -> None:  # type: ignore[no-untyped-def]
    rows, truth = case
    result = reconcile(rows)
    assert result.contradictions.empty
    assert (result.claims["status"] == "kept").all()
    for row in result.ranges.itertuples():
        assert row.low <= truth[row.quantity] <= row.high
        assert row.low <= row.best <= row.high


def _conflicts(rows: pd.DataFrame, relations: list[str]) -> bool:
    return not reconcile(rows.reset_index(drop=True), relations).contradictions.empty


@SETTINGS
@given(claim_rows(max_size=6), st.booleans())
def test_every_contradiction_is_infeasible_and_minimal(rows: pd.DataFrame, linked: bool) -> None:
    relations = RELATIONS if linked else []
    result = reconcile(rows, relations)
    for ids in result.contradictions["claims"]:
        subset = rows[rows["id"].isin(ids)]
        assert _conflicts(subset, relations)
        for drop in ids:
            assert not _conflicts(subset[subset["id"] != drop], relations)


@given(st.lists(st.text(max_size=4), max_size=30))
def test_id_ranks_follow_pythons_order_of_strings(texts: list[str]) -> None:
    values = np.array(texts, dtype=object)
    expected = [sorted(set(texts)).index(t) for t in texts]
    assert _ranks(values).tolist() == expected


@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(-(2**40), 2**40), st.integers(0, 3)),
                max_size=30))
def test_combined_key_sort_is_lexsort(rows: list[tuple[int, int, int]]) -> None:
    keys = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)] if rows \
        else [np.zeros(0, dtype=np.int64)] * 3
    assert _lexsort(keys).tolist() == np.lexsort(keys).tolist()


def test_id_ranks_of_strings_with_no_utf8_still_follow_pythons_order() -> None:
    texts = ["b", "\ud800", "a", "b", "\U0001f600"]  # a lone surrogate: the slower path
    assert _ranks(np.array(texts, dtype=object)).tolist() == \
        [sorted(set(texts)).index(t) for t in texts]


@given(st.lists(st.lists(st.text(alphabet="ab\u00e9\U0001f600", max_size=3), max_size=4), max_size=6),
       st.randoms(use_true_random=False))
def test_id_lists_are_the_items_of_each_run_sorted_as_python_sorts(
        lists: list[list[str]], random: object) -> None:
    items = [item for items in lists for item in items]
    rows = list(range(len(items)))
    random.shuffle(rows)  # type: ignore[attr-defined]
    values = [""] * len(items)  # the items placed at shuffled rows, gathered back by `rows`
    for item, row in zip(items, rows, strict=True):
        values[row] = item
    bounds = np.r_[0, np.cumsum([len(items) for items in lists])].astype(np.int64)
    made = _id_lists(pa.array(values, pa.large_string()), bounds, np.array(rows, dtype=np.int64),
                     ordered=True)
    assert made.tolist() == [sorted(items) for items in lists]
    unsorted = _id_lists(pa.array(values, pa.large_string()), bounds, np.array(rows, dtype=np.int64))
    assert unsorted.tolist() == lists


def _whole_values(claims: pd.DataFrame, top: int = 60) -> dict[str, set[int]]:
    """Every whole value in 0..top that each day's claims allow, tried one by one (open ends
    excluded); for a running total, those some non-decreasing history allows."""
    table = read_claims(claims)
    allowed: dict[str, set[int]] = {}
    for day, rows in table.groupby(table["as_of"].astype(str)):
        allowed[day] = {v for v in range(top + 1) if all(
            (r.low < v or (r.low == v and not r.low_open))
            and (v < r.high or (v == r.high and not r.high_open)) for r in rows.itertuples())}
    if (table["kind"] == "cumulative").any():
        days = sorted(allowed)
        forward, backward = dict(allowed), dict(allowed)
        for a, b in itertools.pairwise(days):
            forward[b] = {v for v in forward[b] if any(u <= v for u in forward[a])}
        for a, b in itertools.pairwise(days[::-1]):
            backward[b] = {v for v in backward[b] if any(w >= v for w in backward[a])}
        allowed = {d: forward[d] & backward[d] for d in days}
    return allowed


@SETTINGS
@given(st.booleans(), st.data())
def test_whole_number_ranges_hold_every_whole_value_the_claims_allow_and_no_other_issue_15(
        cumulative: bool, data: st.DataObject) -> None:
    claims = data.draw(count_claims(cumulative=cumulative))
    result = reconcile(claims)
    status = result.claims.set_index("id")["status"]
    for claim in status.index[status == "invalid"]:  # a count with no whole value of its own
        assert not any(_whole_values(claims[claims["id"] == claim]).values())
    claims = claims[claims["id"].isin(status.index[status != "invalid"])]
    if claims.empty:
        return
    allowed = _whole_values(claims)
    # one quantity: the claims contradict exactly when no history of whole values holds them all
    assert result.contradictions.empty == all(allowed.values())
    if not result.contradictions.empty:
        return
    for row in result.ranges.itertuples():
        values = allowed[row.as_of]
        assert row.low == min(values)
        assert row.high == max(values) or (max(values) == 60 and row.high > 60)


@SETTINGS
@given(history_claims(), st.randoms(use_true_random=False))
def test_claims_around_a_hidden_history_are_never_flagged_issue_15(case, random) -> None:  # type: ignore[no-untyped-def]
    rows, truth = case
    shuffled = rows.sample(frac=1, random_state=random.randint(0, 2**31)).reset_index(drop=True)
    result = reconcile(shuffled)
    assert result.contradictions.empty
    assert set(result.claims["status"]) <= {"kept", "superseded"}
    ranges = result.ranges.set_index(["quantity", "as_of"])
    for (quantity, day), true in truth.items():
        if (quantity, day) in ranges.index:
            row = ranges.loc[(quantity, day)]
            assert row["low"] <= true <= row["high"]
