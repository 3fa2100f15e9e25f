"""Issue 17: every decision explained — each contradiction carries the arithmetic that fails."""

import json
from pathlib import Path

import pandas as pd

from estimates import reconcile
from estimates.report import render

DATA = Path(__file__).resolve().parents[1] / "data"


def frame(*rows: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"id": f"c{i}", **row} for i, row in enumerate(rows)]).fillna("")


def test_zelensky_eleven_thousand_in_kursk_against_at_most_10000_dispatched_states_the_numbers() -> None:
    # the seed's Zelensky claim, against a dispatch figure that cannot hold with it
    result = reconcile(pd.DataFrame([
        {"id": "zelensky", "quantity": "dprk.troops.kursk", "value": "Eleven thousand",
         "unit": "person", "as_of": "2024-11-15", "claimant": "Volodymyr Zelensky"},
        {"id": "sakhuja", "quantity": "dprk.troops.dispatched", "value": "at most 10,000",
         "unit": "person", "as_of": "2024-11-15", "kind": "cumulative",
         "claimant": "Vijay Sakhuja"}]).fillna(""),
        relations=["dprk.troops.kursk <= dprk.troops.in_russia",
                   "dprk.troops.in_russia <= dprk.troops.dispatched"])
    (row,) = result.contradictions.itertuples()
    assert row.reason == "relation"
    assert ("Eleven thousand of dprk.troops.kursk is 10,500 to 11,500 person, so it needs at "
            "least 10,500 of dprk.troops.dispatched") in row.explanation
    assert "at most 10,000 of dprk.troops.dispatched allows at most 10,000" in row.explanation
    assert "they miss by at least 500 person" in row.explanation and row.gap == 500


def test_two_readings_that_do_not_meet_state_both_intervals_and_the_gap() -> None:
    result = reconcile(frame(
        {"quantity": "russia.losses", "value": "712,610", "unit": "person", "as_of": "2024-11-15",
         "claimant": "Sakhuja"},
        {"quantity": "russia.losses", "value": "as high as 700,000", "unit": "person",
         "as_of": "2024-11-15", "claimant": "Radakin"}))
    (row,) = result.contradictions.itertuples()
    assert row.reason == "disjoint"
    assert "712,610 is 712,605 to 712,615 person" in row.explanation
    assert "as high as 700,000 is 0 to 700,000 person" in row.explanation
    assert "they are 12,605 person apart" in row.explanation


def test_falling_running_total_states_how_far_it_would_fall() -> None:
    result = reconcile(frame(
        {"quantity": "k", "low": "5000", "high": "6000", "as_of": "2024-10-01", "kind": "cumulative"},
        {"quantity": "k", "low": "1000", "high": "2000", "as_of": "2024-11-01", "kind": "cumulative"}))
    (row,) = result.contradictions.itertuples()
    assert "5,000 to 6,000" in row.explanation and "1,000 to 2,000" in row.explanation
    assert "it would fall by at least 3,000" in row.explanation


def test_increase_against_totals_states_each_claim_and_the_mismatch() -> None:
    result = reconcile(frame(
        {"quantity": "k", "low": "100", "high": "100", "as_of": "2024-09-30", "kind": "cumulative"},
        {"quantity": "k", "low": "200", "high": "200", "as_of": "2024-10-31", "kind": "cumulative"},
        {"quantity": "k", "low": "50", "high": "60", "period": "2024-10", "as_of": "2024-10-31"}))
    (row,) = result.contradictions.itertuples()
    assert row.reason == "increase_vs_totals"
    assert "exactly 100" in row.explanation and "exactly 200" in row.explanation
    assert "50 to 60" in row.explanation and "they miss by at least 40" in row.explanation


def test_rate_against_totals_states_rate_times_days() -> None:
    result = reconcile(frame(
        {"quantity": "russia.losses", "value": "1,354 per day", "unit": "person/day",
         "period": "2024-10", "as_of": "2024-10-31"},
        {"quantity": "russia.losses", "value": "10,000", "unit": "person", "period": "2024-10",
         "as_of": "2024-10-31"}))
    (row,) = result.contradictions.itertuples()
    assert row.reason == "rate_vs_totals"
    assert "1,354 per day is 1,353.5 to 1,354.5 person / day, so over 31 days" in row.explanation


def _why(result: object) -> dict[str, str]:
    return result.claims.set_index("id")["why"].to_dict()  # type: ignore[attr-defined]


def test_excluded_claim_says_in_which_contradiction_and_lighter_than_which_claims() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "approximately 3,000", "as_of": "2024-10-23"},
        {"quantity": "t", "value": "3000", "as_of": "2024-10-24"},
        {"quantity": "t", "value": "over 10,000", "as_of": "2024-10-27"}))
    why = _why(result)
    assert why["c0"] == why["c1"] == ""
    assert why["c2"].startswith("excluded in C") and "lighter than c" in why["c2"]


def test_disputed_claims_say_with_which_they_are_tied() -> None:
    result = reconcile(frame(
        {"quantity": "l", "value": "712,610", "as_of": "2024-11-15"},
        {"quantity": "l", "value": "as high as 700,000", "as_of": "2024-11-15"}))
    assert _why(result) == {"c0": "disputed in C1, tied with c1", "c1": "disputed in C1, tied with c0"}


def test_superseded_claim_names_the_later_reading_and_invalid_claim_its_problem() -> None:
    reading = {"quantity": "killed", "unit": "person", "as_of": "2023-01-31", "period": "2023-01",
               "kind": "cumulative", "claimant": "UN mission"}
    result = reconcile(frame({**reading, "value": "177", "published": "2023-02-10"},
                             {**reading, "value": "198", "published": "2023-06-10"},
                             {"quantity": "killed", "value": "many", "as_of": "2023-01-31"}))
    why = _why(result)
    assert why["c0"].startswith("superseded by c1") and why["c1"] == ""
    assert why["c2"].startswith("invalid: ") and len(why["c2"]) > len("invalid: ")


def test_table_and_markdown_list_the_claims_not_kept_after_the_contradictions() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "approximately 3,000", "as_of": "2024-10-23"},
        {"quantity": "t", "value": "3000", "as_of": "2024-10-24"},
        {"quantity": "t", "value": "over 10,000", "as_of": "2024-10-27"}))
    table = render(result, "table")
    assert table.index("Contradictions (1)") < table.index("Not kept (1)")
    assert "  c2: excluded in C1, lighter than c1" in table
    markdown = render(result, "markdown")
    assert markdown.index("## Contradictions") < markdown.index("## Not kept (1)")
    assert "- **c2**: excluded in C1, lighter than c1" in markdown


def test_times_are_datetime_columns_beside_the_text_as_of_with_nat_when_absent() -> None:
    result = reconcile(frame(
        {"quantity": "t", "value": "3000", "as_of": "2024-10-24"},
        {"quantity": "t", "value": "4000", "as_of": "2025-03"},
        {"quantity": "t", "value": "many", "as_of": ""}))
    ranges = result.ranges.set_index("as_of")
    assert str(ranges["as_of_start"].dtype) == str(ranges["as_of_end"].dtype) == "datetime64[ns]"
    assert ranges.loc["2024-10-24", "as_of_start"] == pd.Timestamp("2024-10-24")
    assert ranges.loc["2025-03", "as_of_start"] == pd.Timestamp("2025-03-01")
    assert ranges.loc["2025-03", "as_of_end"] == pd.Timestamp("2025-03-31")
    claims = result.claims.set_index("id")
    assert str(claims["as_of_start"].dtype) == "datetime64[ns]"
    assert claims.loc["c1", "as_of_end"] == pd.Timestamp("2025-03-31")
    assert pd.isna(claims.loc["c2", "as_of_start"]) and pd.isna(claims.loc["c2", "as_of_end"])


def test_json_and_csv_write_the_times_as_iso_dates() -> None:
    result = reconcile(frame({"quantity": "t", "value": "4000", "as_of": "2025-03"}))
    ranges = json.loads(render(result, "json"))["ranges"]
    assert (ranges[0]["as_of_start"], ranges[0]["as_of_end"]) == ("2025-03-01", "2025-03-31")
    assert json.loads(result.to_json())["ranges"][0]["as_of_end"] == "2025-03-31"
    assert "t,2025-03,2025-03-01,2025-03-31," in render(result, "csv")


def test_seed_derived_killed_range_names_the_claims_and_relations_it_comes_from() -> None:
    result = reconcile(DATA / "estimates.csv", relations=DATA / "relations.txt")
    ranges = result.ranges.set_index(["quantity", "as_of"])
    killed = ranges.loc[("dprk.killed.kursk", "2025-03")]
    assert killed["derived"] and list(killed["claims"]) == []
    assert {"s4-dprk-killed-share-a-third", "s4-dprk-casualties-over-5000-ukmod"} <= \
        set(killed["derived_from"])
    assert any(r.startswith("dprk.casualties.kursk = dprk.killed.kursk + dprk.wounded.kursk (line ")
               for r in killed["relations"])
    stated = ranges[~ranges["derived"]]
    assert stated["derived_from"].list.len().eq(0).all() and stated["relations"].list.len().eq(0).all()


def test_seed_table_says_what_the_derived_ranges_come_from_after_the_not_kept_claims() -> None:
    result = reconcile(DATA / "estimates.csv", relations=DATA / "relations.txt")
    table = render(result, "table")
    derived = table[table.index("Derived ranges: what they come from"):]
    assert table.index("Not kept (2)") < table.index("Derived ranges: what they come from")
    assert "dprk.killed.kursk" in derived and "s4-dprk-killed-share-a-third" in derived
    assert "dprk.casualties.kursk = dprk.killed.kursk + dprk.wounded.kursk (line " in derived
    assert "## Derived ranges: what they come from" in render(result, "markdown")


def test_relation_conflict_beyond_a_chain_of_inequalities_states_each_claims_interval() -> None:
    result = reconcile(frame({"quantity": "k", "value": "100", "as_of": "2024-10-01"},
                             {"quantity": "w", "value": "100", "as_of": "2024-10-01"},
                             {"quantity": "c", "value": "150", "as_of": "2024-10-01"}),
                       relations=["c = k + w"])
    (row,) = result.contradictions.itertuples()
    assert row.reason == "relation"
    for name in ("k", "w", "c"):
        assert f"dimensionless of {name}" in row.explanation
    assert "through the relations they miss by at least" in row.explanation
