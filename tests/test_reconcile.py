import json
from pathlib import Path

import pandas as pd
import pytest

import estimates
from estimates import Reason, reconcile

DATA = Path(__file__).resolve().parents[1] / "data"


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"id": f"c{i}", **row} for i, row in enumerate(rows)]).fillna("")


def test_disjoint_claims_at_one_time_are_a_contradiction_and_the_heavier_side_is_kept() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "approximately 3,000", "as_of": "2024-10-23", "claimant": "US officials"},
        {"quantity": "t", "value": "3000", "as_of": "2024-10-24", "claimant": "NIS"},
        {"quantity": "t", "value": "over 10,000", "as_of": "2024-10-27", "claimant": "Sakhuja"}))
    (row,) = result.contradictions.itertuples()
    assert row.reason == "disjoint" == Reason.DISJOINT
    assert "c2" in row.claims and "within 7 days" in row.explanation
    assert "over 10,000 (Sakhuja, 2024-10-27)" in row.explanation
    assert result.claims.set_index("id")["status"].to_dict() == {"c0": "kept", "c1": "kept", "c2": "excluded"}
    assert result.ranges["low"].iloc[0] == 2950 and result.ranges["high"].iloc[0] == 3050


def test_level_claims_further_apart_than_the_window_are_a_change_not_a_contradiction() -> None:
    result = reconcile(frame({"quantity": "t", "low": "3000", "high": "3000", "as_of": "2024-10-01"},
                             {"quantity": "t", "low": "10000", "high": "10000", "as_of": "2024-10-31"}))
    assert result.contradictions.empty
    (change,) = result.changes.itertuples()
    assert change.days == 30 and change.rate_low <= 7000 / 30 <= change.rate_high
    wide = reconcile(frame({"quantity": "t", "low": "3000", "high": "3000", "as_of": "2024-10-01"},
                           {"quantity": "t", "low": "10000", "high": "10000", "as_of": "2024-10-31"}),
                     window=60)
    assert len(wide.contradictions) == 1


def test_running_total_that_falls_is_a_contradiction() -> None:
    result = reconcile(frame(
        {"quantity": "k", "low": "5000", "high": "6000", "as_of": "2024-10-01", "kind": "cumulative"},
        {"quantity": "k", "low": "1000", "high": "2000", "as_of": "2024-11-01", "kind": "cumulative"}))
    (row,) = result.contradictions.itertuples()
    assert row.reason == "falling_total" and "cannot fall" in row.explanation
    assert row.gap == 3000


def test_rising_running_total_is_consistent_and_tightened_by_order() -> None:
    result = reconcile(frame(
        {"quantity": "k", "low": "5000", "high": "9000", "as_of": "2024-10-01", "kind": "cumulative"},
        {"quantity": "k", "low": "1000", "high": "6000", "as_of": "2024-11-01", "kind": "cumulative"}))
    assert result.contradictions.empty
    assert result.ranges[["low", "high"]].values.tolist() == [[5000, 6000], [5000, 6000]]


def test_increase_over_a_period_must_match_the_totals_at_its_ends() -> None:
    rows = [{"quantity": "k", "low": "100", "high": "100", "as_of": "2024-09-30", "kind": "cumulative"},
            {"quantity": "k", "low": "200", "high": "200", "as_of": "2024-10-31", "kind": "cumulative"}]
    ok = reconcile(frame(*rows, {"quantity": "k", "low": "90", "high": "110", "period": "2024-10",
                                 "as_of": "2024-10-31"}))
    assert ok.contradictions.empty
    bad = reconcile(frame(*rows, {"quantity": "k", "low": "50", "high": "60", "period": "2024-10",
                                  "as_of": "2024-10-31"}))
    assert bad.contradictions["reason"].tolist() == ["increase_vs_totals"]  # no rate: issue 15
    assert sorted(bad.contradictions["claims"].iloc[0]) == ["c0", "c1", "c2"]


def test_rate_over_a_month_uses_its_calendar_length_seed_1354_per_day() -> None:
    result = reconcile(frame(
        {"quantity": "russia.losses", "value": "1,354 per day", "unit": "person/day",
         "period": "2024-10", "as_of": "2024-10-31"},
        {"quantity": "russia.losses", "value": "41,980", "unit": "person", "period": "2024-10",
         "as_of": "2024-10-31"}))
    assert result.contradictions.empty
    assert set(result.claims["status"]) == {"kept"}
    thirty = reconcile(frame(
        {"quantity": "r", "value": "1,354 per day", "period": "2024-11", "as_of": "2024-11-30"},
        {"quantity": "r", "value": "41,980", "period": "2024-11", "as_of": "2024-11-30"}))
    assert thirty.contradictions["reason"].tolist() == ["rate_vs_totals"]


def test_relation_links_quantities_and_its_violation_is_reported() -> None:
    rows = frame({"quantity": "c", "low": "100", "high": "100", "as_of": "2024-10-01"},
                 {"quantity": "k", "low": "30", "high": "40", "as_of": "2024-10-01"})
    ranges = reconcile(rows, ["c = k + w"]).ranges.set_index("quantity")
    assert ranges.loc["w", "low"] == pytest.approx(60) and ranges.loc["w", "high"] == pytest.approx(70)
    bad = reconcile(frame({"quantity": "c", "low": "100", "high": "100", "as_of": "2024-10-01"},
                          {"quantity": "k", "low": "130", "high": "140", "as_of": "2024-10-01"}),
                    ["k <= c"])
    (row,) = bad.contradictions.itertuples()
    assert row.reason == "relation" and "k <= c" in row.explanation


def test_expression_claim_seed_a_third_of_over_5000_casualties_bounds_the_killed() -> None:
    result = reconcile(frame(
        {"quantity": "dprk.casualties.kursk", "value": "over 5,000", "as_of": "2025-03",
         "confidence": "highly likely", "claimant": "UK Ministry of Defence"},
        {"quantity": "dprk.killed.kursk / dprk.casualties.kursk", "value": "approximately a third",
         "as_of": "2025-03", "claimant": "UK Ministry of Defence"}),
        ["dprk.casualties.kursk = dprk.killed.kursk + dprk.wounded.kursk"])
    killed = result.ranges.set_index("quantity").loc["dprk.killed.kursk"]
    assert killed["low"] == pytest.approx(1500, rel=1e-6) and killed["high"] == float("inf")
    assert killed["low"] <= killed["best"] <= killed["high"] and bool(killed["derived"])


def test_seed_half_of_an_initial_force_of_11000_agrees_with_over_5000() -> None:
    result = reconcile(frame(
        {"quantity": "dprk.casualties.kursk", "value": "over 5,000", "as_of": "2025-03"},
        {"quantity": "dprk.casualties.kursk / 11000", "value": "approximately half", "as_of": "2025-03"}))
    assert result.contradictions.empty
    casualties = result.ranges.set_index("quantity").loc["dprk.casualties.kursk"]
    assert casualties["low"] >= 5000 - 1e-3 and casualties["high"] == pytest.approx(6050, rel=1e-6)


def test_weights_decide_which_side_is_kept() -> None:
    rows = [{"quantity": "t", "low": "3000", "high": "3000", "as_of": "2024-10-01", "grade": "E5"},
            {"quantity": "t", "low": "9000", "high": "9000", "as_of": "2024-10-01", "grade": "A1"}]
    status = reconcile(frame(*rows)).claims.set_index("id")["status"]
    assert status.to_dict() == {"c0": "excluded", "c1": "kept"}


def test_one_claimant_repeated_by_many_outlets_counts_as_one_source() -> None:
    repeated = [{"quantity": "t", "low": "3000", "high": "3000", "as_of": "2024-10-01",
                 "claimant": "US officials", "outlet": outlet} for outlet in ("WSJ", "BBC", "AFP", "BS")]
    others = [{"quantity": "t", "low": "9000", "high": "11000", "as_of": "2024-10-01", "claimant": name}
              for name in ("Zelensky", "Budanov")]
    status = reconcile(frame(*repeated, *others)).claims.set_index("id")["status"]
    assert (status[["c4", "c5"]] == "kept").all() and (status[["c0", "c1", "c2", "c3"]] == "excluded").all()


def test_invalid_rows_are_listed_with_their_problem_and_json_has_null_for_unbounded() -> None:
    result = reconcile(frame({"quantity": "t", "value": "over 10", "as_of": "2024-10-01"},
                             {"quantity": "t", "value": "gibberish words", "as_of": "2024-10-01"}))
    assert result.claims["status"].tolist() == ["kept", "invalid"]
    document = json.loads(result.to_json())
    assert set(document) >= {"ranges", "contradictions", "claims"}
    assert document["ranges"][0]["high"] is None
    assert {"quantity", "as_of", "low", "high", "best", "unit"} <= set(document["ranges"][0])


def test_accessor_gives_the_same_as_the_function() -> None:
    rows = frame({"quantity": "t", "low": "1", "high": "5", "as_of": "2024-10-01"})
    assert estimates.reconcile(rows).ranges.equals(rows.estimates.reconcile().ranges)


def test_one_planted_running_total_against_many_honest_ones_is_the_one_excluded() -> None:
    """Regression (generator, seed 0, q000032.wounded): greedy pairwise exclusion kept a planted
    'over 310,000' and excluded the honest claims that each conflict only with it."""
    honest = [{"quantity": "w", "low": str(1000 * m), "high": str(1000 * m + 500),
               "as_of": f"2024-{m:02d}-01", "kind": "cumulative", "claimant": f"S{m}"}
              for m in range(2, 10)]
    planted = {"quantity": "w", "value": "over 310,000", "as_of": "2024-01-01",
               "kind": "cumulative", "claimant": "P", "grade": "A1"}
    result = reconcile(frame(planted, *honest))
    status = result.claims.set_index("id")["status"]
    assert status["c0"] == "excluded" and (status.drop("c0") == "kept").all()
    assert set(result.contradictions["reason"]) == {"falling_total"}
    assert all("c0" in claims for claims in result.contradictions["claims"])


def test_heaviest_running_totals_beats_dropping_the_lightest_of_each_pair() -> None:
    # a (weight 1) at t1 is above b and c (D4: weight 0.69 each) later: dropping a keeps 1.39
    rows = [{"quantity": "k", "low": "500", "high": "600", "as_of": "2024-01-01", "kind": "cumulative"},
            {"quantity": "k", "low": "100", "high": "200", "as_of": "2024-02-01", "kind": "cumulative",
             "grade": "D4", "claimant": "X"},
            {"quantity": "k", "low": "150", "high": "250", "as_of": "2024-03-01", "kind": "cumulative",
             "grade": "D4", "claimant": "Y"}]
    status = reconcile(frame(*rows)).claims.set_index("id")["status"].to_dict()
    assert status == {"c0": "excluded", "c1": "kept", "c2": "kept"}


def test_linear_ranges_are_exact_not_widened_seed_half_of_11000() -> None:
    result = reconcile(frame(
        {"quantity": "c", "value": "over 5,000 troops", "as_of": "2025-03"},
        {"quantity": "c / 11000", "low": "0.45", "high": "0.55", "as_of": "2025-03"}))
    row = result.ranges.iloc[0]
    assert row["low"] == 5001 and row["high"] == 6050  # whole persons, "over" excludes 5,000


def test_period_ends_are_not_reported_as_ranges_of_their_own() -> None:
    result = reconcile(frame(
        {"quantity": "k", "low": "100", "high": "100", "as_of": "2024-11-15", "kind": "cumulative"},
        {"quantity": "k", "low": "10", "high": "20", "period": "2024-10", "as_of": "2024-10-31",
         "kind": "cumulative"}))
    assert result.ranges["as_of"].tolist() == ["2024-10-31", "2024-11-15"]
    assert result.ranges["low"].tolist() == [10, 100] and result.ranges["high"].tolist() == [100, 100]


def test_table_where_every_claim_is_invalid_reconciles_to_nothing_but_lists_them() -> None:
    table = estimates.read_claims(frame({"quantity": "t", "low": "1", "high": "2", "as_of": "2024-13"}),
                                  skip_invalid=True)
    for relations in (None, ["t <= u"]):
        result = reconcile(table, relations)
        assert result.ranges.empty and result.contradictions.empty
        (claim,) = result.claims.itertuples()
        assert claim.status == "invalid" and "month 13" in claim.problem


def test_empty_table_reconciles_to_empty_tables() -> None:
    empty = pd.DataFrame(columns=["id", "quantity", "low", "high", "as_of"])
    for relations in (None, ["a = b + c"]):
        result = reconcile(empty, relations)
        assert result.ranges.empty and result.contradictions.empty and result.claims.empty


def test_table_whose_only_valid_claims_are_expressions_keeps_them() -> None:
    result = reconcile(frame({"quantity": "k / c", "value": "approximately a third", "as_of": "2024-10"},
                             {"quantity": "c", "value": "10", "as_of": "2024-13"}), ["c = k + w"])
    assert result.claims.set_index("id")["status"].to_dict() == {"c0": "kept", "c1": "invalid"}
    assert result.contradictions.empty


def test_claim_excluded_on_its_quantity_is_readmitted_when_relations_exclude_its_rivals() -> None:
    # seed: 'more than 10,000' in Russia loses to two 3,000 claims (disjoint), then 'eleven
    # thousand' in Kursk excludes both 3,000 claims through kursk <= in_russia: it comes back
    result = reconcile(frame(
        {"quantity": "r", "value": "approximately 3,000", "as_of": "2024-10-23", "claimant": "US",
         "grade": "C3"},
        {"quantity": "r", "value": "3000", "as_of": "2024-10-24", "claimant": "NIS", "grade": "C3"},
        {"quantity": "r", "value": "more than 10,000", "as_of": "2024-10-25", "claimant": "S3",
         "grade": "B2"},
        {"quantity": "k", "value": "eleven thousand", "as_of": "2024-10-24", "claimant": "Z", "grade": "B2"},
        {"quantity": "k", "value": "over 10,000", "as_of": "2024-10-24", "claimant": "Y", "grade": "B2"},
        {"quantity": "k", "value": "11,000", "as_of": "2024-10-24", "claimant": "X", "grade": "B2"}),
        ["k <= r"])
    status = result.claims.set_index("id")["status"].to_dict()
    assert status == {"c0": "excluded", "c1": "excluded", "c2": "kept", "c3": "kept", "c4": "kept",
                      "c5": "kept"}
    assert set(result.contradictions["reason"]) == {"disjoint", "relation"}  # still reported
    in_russia = result.ranges.set_index("quantity").loc["r"]
    assert in_russia["low"] == pytest.approx(10_500) and "c2" in in_russia["claims"]


def test_running_total_claim_dropped_greedily_is_readmitted_when_it_fits() -> None:
    rows = [{"quantity": "k", "low": "100", "high": "100", "as_of": "2024-09-30", "kind": "cumulative",
             "claimant": "A", "grade": "A1"},
            {"quantity": "k", "low": "200", "high": "200", "as_of": "2024-10-31", "kind": "cumulative",
             "claimant": "B", "grade": "A1"},
            {"quantity": "k", "low": "50", "high": "60", "period": "2024-10", "as_of": "2024-10-31",
             "kind": "cumulative", "claimant": "C"},
            {"quantity": "k", "low": "95", "high": "105", "period": "2024-10", "as_of": "2024-10-31",
             "kind": "cumulative", "claimant": "D", "grade": "E5"}]
    result = reconcile(frame(*rows))
    status = result.claims.set_index("id")["status"]
    assert (status[["c0", "c1"]] == "kept").all()
    # the lightest claim of every conflict may be dropped, but whatever fits is let back in
    kept = result.claims[result.claims["status"] == "kept"]["id"].tolist()
    assert not _conflicts_alone(frame(*rows).set_index("id").loc[kept].reset_index())
    for k in status.index[status == "excluded"]:
        assert _conflicts_alone(frame(*rows).set_index("id").loc[[*kept, k]].reset_index())


def _conflicts_alone(rows: pd.DataFrame, relations: list[str] | None = None) -> bool:
    return not reconcile(rows, relations).contradictions.empty


def test_relation_explanation_names_only_the_relations_the_conflict_needs() -> None:
    result = reconcile(frame({"quantity": "k", "low": "100", "high": "100", "as_of": "2024-10-01"},
                             {"quantity": "c", "low": "50", "high": "50", "as_of": "2024-10-01"},
                             {"quantity": "s", "low": "1", "high": "2", "as_of": "2024-10-01"}),
                       ["k <= c", "s <= c", "c <= d", "c = k + w"])
    (row,) = result.contradictions.itertuples()
    assert row.reason == "relation"
    named = row.explanation.split(" with ", 1)[1].split(": ", 1)[0].split("; ")
    assert len(named) == 1 and named[0] in ("k <= c", "c = k + w")


def test_claims_table_carries_claimant_measure_period_best_and_open_ends_rates_per_day() -> None:
    result = reconcile(frame(
        {"quantity": "russia.losses", "value": "1,354 per day", "period": "2024-10",
         "as_of": "2024-10-31", "claimant": "ISW", "best": "1354"},
        {"quantity": "russia.losses", "value": "over 41,000", "unit": "person", "period": "2024-10",
         "as_of": "2024-10-31", "claimant": "UK"}))
    claims = result.claims.set_index("id")
    assert {"claimant", "measure", "period", "best", "low_open", "high_open"} <= set(claims.columns)
    assert claims.loc["c0", ["claimant", "measure", "period", "best"]].tolist() == \
        ["ISW", "rate", "2024-10", 1354.0]
    assert claims.loc["c0", "unit"] == "person / day" and claims.loc["c1", "unit"] == "person"
    assert claims.loc["c1", "measure"] == "increase" and bool(claims.loc["c1", "low_open"])
    assert bool(claims.loc["c1", "high_open"]) and not bool(claims.loc["c0", "low_open"])


def test_quantities_only_in_relations_take_unit_and_kind_from_what_they_are_linked_to() -> None:
    result = reconcile(frame(
        {"quantity": "c", "value": "5,000", "unit": "person", "as_of": "2025-03", "kind": "cumulative"},
        {"quantity": "k / c", "value": "approximately a third", "as_of": "2025-03"}),
        ["c = k + w"])
    ranges = result.ranges.set_index("quantity")
    assert ranges.loc["k", "unit"] == ranges.loc["w", "unit"] == "person"
    assert ranges.loc["k", "kind"] == ranges.loc["w", "kind"] == "cumulative"


def test_lists_of_ids_are_arrow_lists_sorted_within_each_range() -> None:
    frame = pd.DataFrame({"id": ["z", "a", "m", "q"], "quantity": ["x"] * 4,
                          "low": ["10", "12", "11", "50"], "high": ["20", "30", "25", "60"],
                          "as_of": ["2024-10-01"] * 4, "claimant": ["P", "Q", "R", "S"]})
    result = reconcile(frame)
    assert result.ranges["claims"].dtype == estimates.ID_LISTS
    assert result.ranges["claims"].tolist() == [["a", "m", "z"]]
    assert result.ranges["sources"].tolist() == [["P", "Q", "R"]]
    # q is excluded, shown against one kept claim (the partner found for it)
    (pair,) = result.contradictions["claims"]
    (partner,) = set(pair) - {"q"}
    within = result.claims.set_index("id")["contradictions"].to_dict()
    assert within == {"z": [], "a": [], "m": [], "q": ["C1"]} | {partner: ["C1"]}


def test_ids_arrow_cannot_hold_are_listed_as_tuples_of_python_strings() -> None:
    lone = "\udc80"  # a lone surrogate has no UTF-8
    frame = pd.DataFrame({"id": pd.Series([lone, "b", "c"], dtype=object), "quantity": ["x"] * 3,
                          "low": ["10", "12", "50"], "high": ["20", "30", "60"],
                          "as_of": ["2024-10-01", "2024-10-02", "2024-10-03"]})
    result = reconcile(frame)
    assert result.ranges["claims"].tolist() == [("b", lone)]
    assert [sorted(c) for c in result.contradictions["claims"]] == [["c", lone]]
