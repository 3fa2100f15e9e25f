"""Issue 15, "right answers on real reporting": an analyst's case for each numbered point,
and the seed claims' story; with issue 16's engine items (relations that cannot hold, the
window)."""

import math
from pathlib import Path

import pandas as pd
import pytest

from estimates import Reason, reconcile
from estimates.errors import EstimatesError

DATA = Path(__file__).resolve().parents[1] / "data"


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"id": f"c{i}", **row} for i, row in enumerate(rows)]).fillna("")


def statuses(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {str(k): str(v) for k, v in result.claims.set_index("id")["status"].items()}


# ----------------------------------------------------------------- 1. open ends
def test_over_100_and_fewer_than_100_on_one_day_contradict_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "over 100 troops", "as_of": "2024-11-01", "claimant": "A",
         "grade": "E5"},
        {"quantity": "t", "value": "fewer than 100 troops", "as_of": "2024-11-01", "claimant": "B"}))
    assert result.contradictions["reason"].tolist() == ["disjoint"]
    assert statuses(result) == {"c0": "excluded", "c1": "kept"}
    assert result.ranges["high"].iloc[0] == 99  # "fewer than 100" keeps no 100


def test_an_open_end_is_excluded_from_the_range_and_the_best_point_issue_15() -> None:
    (row,) = reconcile(frame({"quantity": "t", "value": "over 12,340 troops",
                              "as_of": "2024-11-01"})).ranges.itertuples()
    assert row.low == 12_341 and row.best == 12_341 and math.isinf(row.high)


def test_open_ends_of_a_real_quantity_that_only_touch_do_not_meet_issue_15() -> None:
    result = reconcile(frame({"quantity": "share", "value": "over 30%", "as_of": "2024-11-01"},
                             {"quantity": "share", "value": "under 30%", "as_of": "2024-11-01"}))
    assert result.contradictions["reason"].tolist() == ["disjoint"]  # they cannot both hold


def test_an_open_end_holds_in_a_running_total_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "k", "value": "over 500 persons", "as_of": "2024-10-01", "kind": "cumulative"},
        {"quantity": "k", "low": "500", "high": "500", "unit": "person", "as_of": "2024-11-01",
         "kind": "cumulative"}))
    # "over 500" then exactly 500 a month later: the total would fall
    assert result.contradictions["reason"].tolist() == ["falling_total"]


def test_an_open_end_holds_through_a_relation_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "c", "value": "over 5,000 persons", "as_of": "2025-03-28"},
        {"quantity": "k", "low": "5000", "high": "5000", "unit": "person", "as_of": "2025-03-28"},
        {"quantity": "w", "low": "0", "high": "0", "unit": "person", "as_of": "2025-03-28"}),
        ["c = k + w"])
    assert result.contradictions["reason"].tolist() == ["relation"]


# ----------------------------------------------------------------- 2. whole counts
def test_564_and_565_killed_on_one_day_contradict_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "killed", "value": "564", "unit": "person", "as_of": "2024-11-01", "claimant": "A",
         "grade": "E5"},
        {"quantity": "killed", "value": "565", "unit": "person", "as_of": "2024-11-01", "claimant": "B"}))
    assert result.contradictions["reason"].tolist() == ["disjoint"]
    (row,) = result.ranges.itertuples()
    assert (row.low, row.high) == (565, 565)


def test_a_killed_range_from_a_share_of_casualties_has_whole_bounds_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "casualties", "value": "over 5,000 persons", "as_of": "2025-03"},
        {"quantity": "casualties / 11000", "value": "approximately half", "as_of": "2025-03"},
        {"quantity": "killed / casualties", "value": "approximately a third", "as_of": "2025-03"}),
        ["casualties = killed + wounded"])
    ranges = result.ranges.set_index("quantity")
    for name in ("casualties", "killed", "wounded"):
        low, high = ranges.loc[name, "low"], ranges.loc[name, "high"]
        assert low == int(low) and high == int(high), name
    assert ranges.loc["killed", "high"] == 2_218  # not 2,218.33


def test_rates_and_ratios_stay_real_numbers_issue_15() -> None:
    (row,) = reconcile(frame({"quantity": "share", "low": "0.25", "high": "0.333",
                              "as_of": "2024-11-01"})).ranges.itertuples()
    assert (row.low, row.high) == (0.25, 0.333)


# ----------------------------------------------------------------- 3. coarse dates
def test_a_year_dated_level_claim_does_not_pin_the_days_of_that_year_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "More than 10,000 troops", "as_of": "2024", "claimant": "S3"},
        {"quantity": "t", "value": "approximately 3,000 troops", "as_of": "2024-10-23", "claimant": "US"},
        {"quantity": "t", "value": "3000 troops", "as_of": "2024-11-01", "claimant": "NIS"}))
    assert result.contradictions.empty
    assert set(statuses(result).values()) == {"kept"}
    assert result.ranges.set_index("as_of").loc["2024-10-23", "high"] == 3_300


def test_3000_versus_10000_within_one_window_stays_a_contradiction_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "3000 troops", "as_of": "2024-11-01", "claimant": "NIS"},
        {"quantity": "t", "value": "10,000 troops", "as_of": "2024-11-05", "claimant": "Sakhuja"}))
    assert result.contradictions["reason"].tolist() == ["disjoint"]


def test_claims_with_the_same_coarse_date_are_about_the_same_moment_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "3000 troops", "as_of": "2025-03", "claimant": "A", "grade": "E5"},
        {"quantity": "t", "value": "10,000 troops", "as_of": "2025-03", "claimant": "B"}))
    assert result.contradictions["reason"].tolist() == ["disjoint"]


def test_a_running_total_known_to_some_day_of_a_year_bounds_the_totals_around_it_issue_15() -> None:
    rows = [{"quantity": "d", "value": "11,000 troops", "as_of": "2024", "kind": "cumulative"},
            {"quantity": "d", "value": "over 20,000 troops", "as_of": "2023-12-31", "kind": "cumulative"}]
    assert reconcile(frame(*rows)).contradictions["reason"].tolist() == ["falling_total"]
    later = reconcile(frame(rows[0], {"quantity": "d", "value": "3,000 troops",
                                      "as_of": "2025-01-05", "kind": "cumulative"}))
    assert later.contradictions["reason"].tolist() == ["falling_total"]


@pytest.mark.skipif(not (DATA / "estimates.csv").exists(), reason="no seed data")
def test_seed_claims_tell_the_growth_story_issue_15() -> None:
    result = reconcile(DATA / "estimates.csv", DATA / "relations.txt")
    ranges = result.ranges.set_index(["quantity", "as_of"])
    in_russia = ranges.loc["dprk.troops.in_russia"]
    late_october = in_russia.loc["2024-10-23/2024-10-24"]
    assert late_october["low"] >= 2_700 and late_october["high"] <= 3_300  # about 3,000
    dispatched = ranges.loc["dprk.troops.dispatched"]
    assert dispatched.loc["2024-11-12", "low"] > 10_000  # over 10,000 by mid-November
    assert dispatched.loc["2024-10-24", "low"] == 3_000
    status = statuses(result)
    for claim in ("s1-dprk-in-russia-3000-nis", "s2-dprk-in-russia-approx-3000-us",
                  "s3-dprk-in-russia-more-than-10000", "s2-dprk-dispatched-at-least-3000-kirby"):
        assert status[claim] == "kept", claim


@pytest.mark.skipif(not (DATA / "estimates.csv").exists(), reason="no seed data")
def test_seed_1354_a_day_agrees_with_41980_in_october_and_killed_comes_from_over_5000_issue_15() -> None:
    result = reconcile(DATA / "estimates.csv", DATA / "relations.txt")
    status = statuses(result)
    assert status["s0-russia-losses-1354-per-day"] == status["s0-russia-losses-41980-october"] == "kept"
    killed = result.ranges.set_index(["quantity", "as_of"]).loc[("dprk.killed.kursk", "2025-03")]
    # over 5,000 casualties (so at least 5,001), about a third of them killed: whole persons
    assert killed["low"] == 1_501 and killed["high"] == 2_218
    assert "rate_vs_totals" not in set(result.contradictions["reason"])


# ----------------------------------------------------------------- 5. ranges at more times
def test_a_sum_has_a_range_on_the_day_its_parts_are_claimed_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "killed", "value": "1,000 persons", "as_of": "2024-10-31"},
        {"quantity": "injured", "value": "3,000 persons", "as_of": "2024-10-31"},
        {"quantity": "casualties", "value": "over 100 persons", "as_of": "2024-09-30"}),
        ["casualties = killed + injured"])
    ranges = result.ranges.set_index(["quantity", "as_of"])
    row = ranges.loc[("casualties", "2024-10-31")]
    assert (row["low"], row["high"]) == (3_900, 4_100) and row["derived"]  # 950-1,050 + 2,950-3,050


def test_ranges_at_dates_asked_for_issue_15() -> None:
    rows = frame(
        {"quantity": "total", "low": "100", "high": "100", "unit": "person", "as_of": "2024-10-01",
         "kind": "cumulative"},
        {"quantity": "total", "low": "200", "high": "200", "unit": "person", "as_of": "2024-11-01",
         "kind": "cumulative"},
        {"quantity": "level", "value": "50 persons", "as_of": "2024-10-10"})
    result = reconcile(rows, at=["2024-10-15", "2024-12-25"])
    ranges = result.ranges.set_index(["quantity", "as_of"])
    total = ranges.loc[("total", "2024-10-15")]
    assert (total["low"], total["high"]) == (100, 200)  # between the claims, by monotonicity
    assert ranges.loc[("total", "2024-12-25"), "low"] == 200
    assert ranges.loc[("level", "2024-10-15"), "low"] == 50  # within the window of a claim
    assert ("level", "2024-12-25") not in ranges.index  # a level is not known far from a claim


def test_a_date_asked_for_must_be_a_date_issue_15() -> None:
    with pytest.raises(EstimatesError, match="2024-13-01"):
        reconcile(frame({"quantity": "t", "value": "5", "as_of": "2024-10-01"}), at=["2024-13-01"])


# ----------------------------------------------------------------- 6. revisions
def _monthly(*readings: tuple[str, str, str]) -> pd.DataFrame:
    return frame(*({"quantity": "killed", "value": value, "unit": "person", "as_of": "2023-01-31",
                    "period": "2023-01", "kind": "cumulative", "claimant": claimant,
                    "published": published} for value, claimant, published in readings))


def test_a_later_reading_by_the_same_source_supersedes_the_earlier_issue_15() -> None:
    result = reconcile(_monthly(("177", "UN mission", "2023-02-10"), ("198", "UN mission", "2023-06-10")))
    assert result.contradictions.empty
    assert statuses(result) == {"c0": "superseded", "c1": "kept"}
    assert result.claims.set_index("id").loc["c0", "superseded_by"] == "c1"
    (revision,) = result.revisions.itertuples()
    assert (revision.earlier, revision.later, revision.earlier_value, revision.later_value) == \
        ("c0", "c1", "177", "198")
    assert revision.change == 21 and revision.period == "2023-01"
    assert result.ranges["low"].tolist() == [198]


def test_different_sources_and_undated_readings_never_revise_each_other_issue_15() -> None:
    others = reconcile(_monthly(("177", "UN mission", "2023-02-10"), ("198", "Ministry", "2023-06-10")))
    assert others.revisions.empty and not others.contradictions.empty
    undated = reconcile(_monthly(("177", "UN mission", ""), ("198", "UN mission", "2023-06-10")))
    assert undated.revisions.empty


def test_revisions_can_be_turned_off_issue_15() -> None:
    result = reconcile(_monthly(("177", "UN mission", "2023-02-10"), ("198", "UN mission", "2023-06-10")),
                       revisions=False)
    assert result.revisions.empty and "superseded" not in statuses(result).values()
    assert len(result.contradictions) == 1


# ----------------------------------------------------------------- 7. ties
def test_equal_weights_that_disagree_are_disputed_in_any_order_issue_15() -> None:
    rows = frame({"quantity": "t", "value": "12,000 troops", "as_of": "2024-11-01", "claimant": "A"},
                 {"quantity": "t", "value": "10,000 troops", "as_of": "2024-11-01", "claimant": "B"})
    for order in ([0, 1], [1, 0]):
        result = reconcile(rows.iloc[order].reset_index(drop=True))
        assert statuses(result) == {"c0": "disputed", "c1": "disputed"}
        (row,) = result.ranges.itertuples()
        assert (row.low, row.high) == (9_500, 12_500)
        (conflict,) = result.contradictions.itertuples()
        assert conflict.reason == Reason.DISJOINT and "weights could not decide" in conflict.explanation


def test_equal_weights_on_a_running_total_at_one_time_are_disputed_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "sent", "value": "12,000 troops", "as_of": "2024-11-01", "kind": "cumulative",
         "claimant": "A"},
        {"quantity": "sent", "value": "10,000 troops", "as_of": "2024-11-01", "kind": "cumulative",
         "claimant": "B"},
        {"quantity": "sent", "value": "20,000 troops", "as_of": "2024-12-01", "kind": "cumulative",
         "claimant": "C"}))
    assert statuses(result) == {"c0": "disputed", "c1": "disputed", "c2": "kept"}
    first = result.ranges.set_index("as_of").loc["2024-11-01"]
    assert (first["low"], first["high"]) == (9_500, 12_500)
    assert "weights could not decide" in result.contradictions["explanation"].iloc[0]


def test_a_heavier_side_is_not_a_tie_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "12,000 troops", "as_of": "2024-11-01", "claimant": "A", "grade": "E5"},
        {"quantity": "t", "value": "10,000 troops", "as_of": "2024-11-01", "claimant": "B"}))
    assert statuses(result) == {"c0": "excluded", "c1": "kept"}


# ----------------------------------------------------------------- 9. reasons
def test_two_increases_over_one_period_that_differ_are_disjoint_issue_15() -> None:
    result = reconcile(frame(
        {"quantity": "losses", "value": "712,610 persons", "period": "2022-02-24/2024-11-15",
         "as_of": "2024-11-15", "kind": "cumulative", "claimant": "A"},
        {"quantity": "losses", "value": "as high as 700,000 persons", "period": "2022-02-24/2024-11-15",
         "as_of": "2024-11-15", "kind": "cumulative", "claimant": "B", "grade": "E5"}))
    (row,) = result.contradictions.itertuples()
    assert row.reason == "disjoint" and "over the same period" in row.explanation
    assert "rate" not in row.explanation


def test_every_reason_has_a_sentence_with_known_fields() -> None:
    fields = {"claims", "first", "last", "quantity", "when", "relations"}
    for reason in Reason:
        assert reason.sentence
        import string
        used = {name for _, name, _, _ in string.Formatter().parse(reason.sentence) if name}
        assert used <= fields, reason


# ----------------------------------------------------------------- issue 16: the engine's input
def test_relations_that_cannot_hold_together_are_a_contradiction_naming_their_lines_issue_16() -> None:
    rows = frame({"quantity": "a", "value": "5", "as_of": "2024-11-01"})
    result = reconcile(rows, ["a = b + 1", "b = a + 1"])
    (row,) = result.contradictions.itertuples()
    assert row.reason == "relations" and list(row.claims) == []
    assert "(line 1)" in row.explanation and "(line 2)" in row.explanation
    constant = reconcile(rows, ["0 <= -1 + a - a"])
    assert constant.contradictions["reason"].tolist() == ["relations"]


def test_relations_that_cannot_hold_among_quantities_without_claims_are_reported_issue_16() -> None:
    """c and d have no claims, so their group is never solved at a time: their relations,
    which fail at any time, are still a contradiction naming their lines."""
    rows = frame({"quantity": "a", "value": "5", "as_of": "2024-11-01"})
    result = reconcile(rows, ["c = d + 1", "d = c + 1", "e <= f"])
    (row,) = result.contradictions.itertuples()
    assert row.reason == "relations" and row.quantity == "c, d"
    assert "c = d + 1 (line 1)" in row.explanation and "d = c + 1 (line 2)" in row.explanation
    assert reconcile(rows, ["c = d + 1"]).contradictions.empty


@pytest.mark.parametrize("window", [math.nan, math.inf, 1e300, -1, 2.5])
def test_a_window_that_is_not_a_number_of_days_is_an_error_issue_16(window: float) -> None:
    with pytest.raises(EstimatesError, match="window"):
        reconcile(frame({"quantity": "t", "value": "5", "as_of": "2024-10-01"}), window=window)
