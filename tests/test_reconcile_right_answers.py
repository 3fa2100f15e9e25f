"""Issue 15, "right answers": wrong answers a new analyst found in the reconciler, each an
analyst's case (claims, relations, what a careful analyst concludes)."""

import warnings
from pathlib import Path

import pandas as pd

from estimates import read_claims, read_relations, reconcile


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"id": f"c{i}", **row} for i, row in enumerate(rows)]).fillna("")


def claims(*rows: tuple[str, ...], header: str) -> pd.DataFrame:
    """Claims as rows of a CSV file with `header` (the ids in the first column)."""
    names = header.split(",")
    return pd.DataFrame([dict(zip(names, row, strict=True)) for row in rows])


def statuses(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {str(k): str(v) for k, v in result.claims.set_index("id")["status"].items()}


def why(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {str(k): str(v) for k, v in result.claims.set_index("id")["why"].items()}


# ------------------------------------------------- 1. ties once relations are involved
def test_equal_weights_stay_disputed_when_a_relation_links_the_quantity_issue_15() -> None:
    # "1,000 in Russia" (A) against "at least 3,000" (B), equal weight, and 500 in Kursk,
    # which is part of Russia: either reading fits Kursk, so the weights cannot decide
    result = reconcile(claims(
        ("a", "x.in_russia", "1000", "person", "2024-10-01", "A"),
        ("b", "x.in_russia", "at least 3000", "person", "2024-10-01", "B"),
        ("k", "x.kursk", "500", "person", "2024-10-01", "K"),
        header="id,quantity,value,unit,as_of,claimant"), ["x.kursk <= x.in_russia"])
    assert statuses(result) == {"a": "disputed", "b": "disputed", "k": "kept"}
    assert result.contradictions["explanation"].str.contains("could not decide").all()
    (russia,) = result.ranges[result.ranges["quantity"] == "x.in_russia"].itertuples()
    assert russia.low <= 950 and russia.high == float("inf")  # covers both readings


# ------------------------------------------------- 2. three-way ties
def pairs_listed(result) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(ids) for ids in result.contradictions["claims"]}


INCREASES = "id,quantity,value,unit,as_of,period,kind,claimant"


def test_three_equal_increases_over_one_month_are_all_disputed_issue_15() -> None:
    # 41,000, 60,000 and 4,500 losses in October from three equally trusted sources: any
    # one could be right, no two can, so each is disputed and each pair is a contradiction
    result = reconcile(claims(
        ("a", "y", "41,000", "person", "2024-10-31", "2024-10", "cumulative", "A"),
        ("b", "y", "60,000", "person", "2024-10-31", "2024-10", "cumulative", "B"),
        ("c", "y", "4,500", "person", "2024-10-31", "2024-10", "cumulative", "C"),
        header=INCREASES))
    assert statuses(result) == {"a": "disputed", "b": "disputed", "c": "disputed"}
    assert pairs_listed(result) == {frozenset("ab"), frozenset("ac"), frozenset("bc")}
    assert result.contradictions["explanation"].str.contains("could not decide").all()
    assert all("tied with" in text for text in why(result).values())


def test_three_equal_rates_over_one_month_are_all_disputed_issue_15() -> None:
    result = reconcile(claims(
        ("a", "r", "1,354 per day", "person/day", "2024-10-31", "2024-10", "cumulative", "A"),
        ("b", "r", "2,000 per day", "person/day", "2024-10-31", "2024-10", "cumulative", "B"),
        ("c", "r", "1,000 per week", "person/week", "2024-10-31", "2024-10", "cumulative", "C"),
        header=INCREASES))
    assert statuses(result) == {"a": "disputed", "b": "disputed", "c": "disputed"}
    assert pairs_listed(result) == {frozenset("ab"), frozenset("ac"), frozenset("bc")}
    assert set(result.contradictions["reason"]) == {"rate_vs_totals"}


def test_three_disjoint_levels_on_one_day_list_every_pair_issue_15() -> None:
    result = reconcile(claims(
        ("a", "x", "1000", "person", "2024-10-01", "A"),
        ("b", "x", "2000", "person", "2024-10-01", "B"),
        ("c", "x", "3000", "person", "2024-10-01", "C"),
        header="id,quantity,value,unit,as_of,claimant"))
    assert statuses(result) == {"a": "disputed", "b": "disputed", "c": "disputed"}
    assert pairs_listed(result) == {frozenset("ab"), frozenset("ac"), frozenset("bc")}


# ------------------------------------------------- 3. ranges of disputed increases
def test_two_equal_increases_give_a_total_covering_both_readings_issue_15() -> None:
    # 41,000 or 60,000 losses in October, equally trusted: by the end of October the running
    # total is at least the smaller reading (nothing bounds it above)
    result = reconcile(claims(
        ("a", "y", "41,000", "person", "2024-10-31", "2024-10", "cumulative", "A"),
        ("b", "y", "60,000", "person", "2024-10-31", "2024-10", "cumulative", "B"),
        header=INCREASES))
    assert statuses(result) == {"a": "disputed", "b": "disputed"}
    (row,) = result.ranges.itertuples()
    assert (row.as_of, row.low, row.high) == ("2024-10-31", 40_500, float("inf"))


def test_a_total_after_two_equal_increases_covers_both_readings_issue_15() -> None:
    # 100,000 (95,000 to 105,000 as written) by the end of September, then 41,000 or 60,000
    # in October: the total at the end of October is 135,500 to 165,500, whichever holds
    result = reconcile(claims(
        ("s", "y", "100,000", "person", "2024-09-30", "", "cumulative", "S"),
        ("a", "y", "41,000", "person", "2024-10-31", "2024-10", "cumulative", "A"),
        ("b", "y", "60,000", "person", "2024-10-31", "2024-10", "cumulative", "B"),
        header=INCREASES))
    assert statuses(result) == {"s": "kept", "a": "disputed", "b": "disputed"}
    october = result.ranges.set_index("as_of").loc["2024-10-31"]
    assert (october["low"], october["high"]) == (135_500, 165_500)


# ------------------------------------------------- 4. a rate's revision keeps its time unit
def test_a_revised_rate_is_listed_per_day_issue_15() -> None:
    # the ministry's October average, 1,354 a day, revised a fortnight later to 1,500 a day
    result = reconcile(claims(
        ("m5", "russia.losses", "1,354 per day", "person/day", "2024-10-31", "2024-10",
         "cumulative", "Ministry", "2024-11-05"),
        ("m5r", "russia.losses", "1,500 per day", "person/day", "2024-10-31", "2024-10",
         "cumulative", "Ministry", "2024-11-20"),
        header=INCREASES + ",published"))
    (revision,) = result.revisions.itertuples()
    assert (revision.earlier, revision.later, revision.change) == ("m5", "m5r", 146)
    assert revision.unit == "person / day"


# ------------------------------------------------- 5. provenance of ranges from increases
def test_a_total_bounded_by_an_increase_and_a_rate_names_them_issue_15() -> None:
    # "41,980 in October" (an op-ed) and "1,354 a day" in October (the ministry): the total
    # at the end of October is their range, and it says where it comes from
    result = reconcile(claims(
        ("m6", "russia.losses", "41,980", "person", "2024-10-31", "2024-10", "cumulative",
         "Sakhuja"),
        ("m5", "russia.losses", "1,354 per day", "person/day", "2024-10-31", "2024-10",
         "cumulative", "Healey"),
        header=INCREASES))
    (row,) = result.ranges.itertuples()
    assert list(row.claims) == ["m5", "m6"] and list(row.sources) == ["Healey", "Sakhuja"]
    assert not row.derived
    assert row.best == row.low  # the total's best is not an increase's middle


def test_seed_ranges_from_increases_list_their_claims_issue_15() -> None:
    data = Path(__file__).resolve().parents[1] / "data"
    result = reconcile(read_claims(data / "estimates.csv"), read_relations(data / "relations.txt"))
    ranges = result.ranges
    provenance = ranges["claims"].map(len) + ranges["derived_from"].map(len)
    assert (provenance > 0).all(), ranges.loc[provenance == 0, ["quantity", "as_of"]]


def test_a_linked_total_bounded_by_an_increase_names_it_issue_15() -> None:
    result = reconcile(claims(
        ("m6", "x.losses", "41,980", "person", "2024-10-31", "2024-10", "cumulative", "S"),
        ("k", "x.killed", "10,000", "person", "2024-10-31", "", "cumulative", "K"),
        header=INCREASES), ["x.killed <= x.losses"])
    losses = result.ranges.set_index("quantity").loc["x.losses"]
    assert list(losses["claims"]) == ["m6"] and list(losses["sources"]) == ["S"]
    assert losses["low"] == 41_975


# ------------------------------------------------- 6. open ends on ratios
RATIOS = "id,quantity,value,unit,as_of,claimant"


def test_more_than_half_and_less_than_half_of_one_ratio_contradict_issue_15() -> None:
    # "more than half of them were killed" and "less than half": no count makes both true
    # (0 of 0 is no share at all), so they contradict, with nothing else in the set
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no numpy warnings on the way
        result = reconcile(claims(("a", "k / c", "more than half", "", "2025-03", "A"),
                                  ("b", "k / c", "less than half", "", "2025-03", "B"),
                                  header=RATIOS))
    assert pairs_listed(result) == {frozenset("ab")}
    assert statuses(result) == {"a": "disputed", "b": "disputed"}


def test_a_count_beside_two_contradicting_ratios_stands_issue_15() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = reconcile(claims(("a", "k / c", "more than half", "", "2025-03", "A"),
                                  ("b", "k / c", "less than half", "", "2025-03", "B"),
                                  ("c1", "c", "100", "person", "2025-03", "C"),
                                  header=RATIOS))
    assert pairs_listed(result) == {frozenset("ab")}  # minimal: c1 is no part of it
    assert statuses(result) == {"a": "disputed", "b": "disputed", "c1": "kept"}
    c = result.ranges.set_index("quantity").loc["c"]
    assert (c["low"], c["high"]) == (95, 105)


def test_more_than_half_of_a_hundred_is_at_least_48_issue_15() -> None:
    result = reconcile(claims(("a", "k / c", "more than half", "", "2025-03", "A"),
                              ("c1", "c", "100", "person", "2025-03", "C"), header=RATIOS))
    assert result.contradictions.empty
    k = result.ranges.set_index("quantity").loc["k"]
    assert k["low"] == 48  # over half of at least 95: more than 47.5
