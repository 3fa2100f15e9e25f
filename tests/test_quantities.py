"""Units across relations and expression claims: a bare number takes its quantity's unit, a
quantity with no claims takes its linked quantities' unit, and a link that joins dimensions
is an input error naming its file and line (issue 15, point 8)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import reconcile
from estimates.claims import read_claims
from estimates.errors import DimensionError, EstimatesError
from estimates.quantities import PROBLEM_COLUMNS, settle_quantities

CLAIMS = ("id,quantity,value,unit,as_of\n"
          "total,dprk.total,\"5,000 troops\",,2024-10-31\n"
          "troops,dprk.troops,\"3,000 troops\",,2024-10-31\n"
          "boxes,dprk.containers,200 containers,,2024-10-31\n")


def files(tmp_path: Path, claims: str, relations: str) -> tuple[Path, Path]:
    claims_file, relations_file = tmp_path / "claims.csv", tmp_path / "relations.txt"
    claims_file.write_text(claims, encoding="utf-8")
    relations_file.write_text(relations, encoding="utf-8")
    return claims_file, relations_file


def frame(rows: list[tuple[str, str, str]], unit: list[str] | None = None) -> pd.DataFrame:
    """Claims (id, quantity, value) about 2024-10-31."""
    table = pd.DataFrame(rows, columns=["id", "quantity", "value"]).assign(as_of="2024-10-31")
    return table.assign(unit=unit) if unit is not None else table


def test_relation_adding_troops_to_containers_is_an_input_error_naming_its_line(tmp_path: Path) -> None:
    claims, relations = files(tmp_path, CLAIMS, "# totals\n\ndprk.total = dprk.troops + dprk.containers\n")
    with pytest.raises(DimensionError) as caught:
        reconcile(claims, relations)
    assert isinstance(caught.value, EstimatesError) and isinstance(caught.value, ValueError)
    found = caught.value.problems
    assert list(found.columns) == list(PROBLEM_COLUMNS)
    assert found[["file", "line", "column", "value"]].values.tolist() == [
        [str(relations), 3, "", "dprk.total = dprk.troops + dprk.containers"]]
    assert found.loc[0, "problem"] == ("the relation joins different dimensions: person (dprk.total, "
                                       "dprk.troops) and container (dprk.containers)")
    assert f"{relations}:3: the relation joins" in str(caught.value)


def test_every_relation_joining_dimensions_is_listed() -> None:
    claims = read_claims(frame([("t", "a", "5 troops"), ("c", "b", "5 containers"),
                                ("m", "d", "5 missiles")]))
    with pytest.raises(DimensionError) as caught:
        settle_quantities(claims, ["a <= b", "a >= 0", "b = d + 0"])
    assert caught.value.problems["line"].tolist() == [1, 3]


def test_a_conflict_through_a_quantity_with_no_claims_names_where_its_unit_came_from() -> None:
    claims = read_claims(frame([("t", "a", "5 troops"), ("c", "d", "5 containers")]))
    with pytest.raises(DimensionError) as caught:
        settle_quantities(claims, ["a = b + c", "c = d"])
    found = caught.value.problems
    assert found["line"].tolist() == [2]
    assert found.loc[0, "problem"] == ("the relation joins different dimensions: person (c from "
                                       "<relations>:1) and container (d)")


def test_bare_about_300_on_a_person_quantity_keeps_killed_and_wounded_in_persons() -> None:
    rows = [("c", "dprk.casualties", "about 300"), ("k", "dprk.killed", "over 100 killed")]
    result = reconcile(frame(rows), ["dprk.casualties = dprk.killed + dprk.wounded"])
    units = result.ranges.groupby("quantity")["unit"].agg(set).to_dict()
    assert units == {"dprk.casualties": {"person"}, "dprk.killed": {"person"}, "dprk.wounded": {"person"}}
    assert result.claims["unit"].tolist() == ["person", "person"]


def test_a_quantity_nothing_gives_a_unit_is_dimensionless() -> None:
    result = reconcile(frame([("c", "x.total", "about 300")]), ["x.total = x.a + x.b"])
    assert set(result.ranges["unit"]) == {"dimensionless"}


def test_ratio_of_like_quantities_is_dimensionless_and_gives_its_sides_one_unit() -> None:
    rows = [("c", "dprk.casualties", "over 5,000 casualties"),
            ("k", "dprk.killed / dprk.casualties", "approximately a third")]
    result = reconcile(frame(rows))
    ranges = result.ranges.set_index("quantity")
    assert ranges.loc["dprk.killed", "unit"] == "person"
    assert result.claims.set_index("id").loc["k", "unit"] == "dimensionless"
    assert ranges.loc["dprk.killed", "low"] == pytest.approx(5000 * 0.3, rel=1e-3)


def test_ratio_of_troops_to_containers_without_its_unit_is_an_input_error_on_its_line() -> None:
    rows = [("t", "x.troops", "1,200 troops"), ("b", "x.boxes", "100 containers"),
            ("r", "x.troops / x.boxes", "about 12")]
    with pytest.raises(DimensionError) as caught:
        reconcile(frame(rows))
    found = caught.value.problems
    assert found[["file", "line", "column", "value"]].values.tolist() == [
        ["<frame>", 4, "quantity", "x.troops / x.boxes"]]
    assert "person (x.troops) and container (x.boxes)" in found.loc[0, "problem"]
    assert "needs its unit" in found.loc[0, "problem"]


def test_ratio_of_troops_to_containers_in_its_unit_links_them() -> None:
    rows = [("t", "x.troops", "1,200 troops"), ("r", "x.troops / x.boxes", "12"),
            ("b", "x.boxes", "100 containers")]
    result = reconcile(frame(rows, unit=["", "person/container", ""]))
    assert result.claims.set_index("id").loc["r", "unit"] == "person / container"
    assert result.contradictions.empty


def test_ratio_claim_in_a_unit_its_sides_do_not_make_is_an_input_error() -> None:
    rows = [("t", "x.troops", "1,200 troops"), ("b", "x.boxes", "100 containers"),
            ("r", "x.troops / x.boxes", "12")]
    with pytest.raises(DimensionError) as caught:
        reconcile(frame(rows, unit=["", "", "container/person"]))
    assert caught.value.problems["line"].tolist() == [4]
    assert caught.value.problems.loc[0, "problem"] == (
        "is in container / person, but x.troops / x.boxes is in person / container "
        "(person over container)")


def test_a_sum_claim_in_containers_of_quantities_in_persons_is_an_input_error_on_each_line() -> None:
    rows = [("k", "x.killed", "100 killed"), ("s", "x.killed + x.wounded", "300 containers"),
            ("s2", "x.killed + x.wounded", "310 containers")]
    with pytest.raises(DimensionError) as caught:
        reconcile(frame(rows))
    found = caught.value.problems
    assert found["line"].tolist() == [3, 4]
    assert found.loc[0, "problem"] == ("joins different dimensions: person (x.killed) and "
                                       "container (the claim)")


def test_a_sum_claim_with_a_bare_number_takes_its_terms_unit() -> None:
    rows = [("k", "x.killed", "100 killed"), ("s", "x.killed + x.wounded", "about 300")]
    result = reconcile(frame(rows))
    assert result.claims["unit"].tolist() == ["person", "person"]
    assert set(result.ranges["unit"]) == {"person"}


def test_half_of_a_sum_over_a_number_reads_the_number_in_the_terms_unit() -> None:
    rows = [("l", "dprk.lost / 11000", "approximately half"), ("t", "dprk.lost", "over 5,000 troops")]
    result = reconcile(frame(rows))
    assert result.contradictions.empty
    lost = result.ranges.set_index("quantity").loc["dprk.lost"]
    # "over 5,000" excludes 5,000: a whole count of at least 5,001 (issue 15)
    assert (lost["low"], lost["high"], lost["unit"]) == (5001, 6050, "person")


def test_linked_quantities_in_two_units_of_one_dimension_share_the_more_stated_one() -> None:
    table = read_claims(pd.DataFrame({
        "id": ["a", "b", "c"], "quantity": ["road.a", "road.b", "road.b"], "low": ["1", "2", "2"],
        "high": ["1", "3", "3"], "unit": ["mile", "km", "km"], "as_of": "2024-10-31"}))
    settled = settle_quantities(table, ["road.total = road.a + road.b"])
    assert settled.claims["unit"].tolist() == ["kilometer"] * 3
    assert settled.claims.loc[0, "low"] <= 1.609344 <= settled.claims.loc[0, "high"]
    assert settled.claims.loc[0, "high"] - settled.claims.loc[0, "low"] < 1e-12
    assert settled.unclaimed.loc["road.total", "unit"] == "kilometer"


def test_a_quantity_tied_by_equality_only_to_running_totals_is_a_running_total() -> None:
    table = read_claims(pd.DataFrame({"id": ["k", "w"], "quantity": ["x.killed", "x.wounded"],
                                      "value": ["100 killed", "200 wounded"], "as_of": "2024-10-31",
                                      "kind": "cumulative"}))
    settled = settle_quantities(table, ["x.casualties = x.killed + x.wounded", "x.missing <= x.killed"])
    assert settled.unclaimed.to_dict("index") == {
        "x.casualties": {"unit": "person", "kind": "cumulative"},
        "x.missing": {"unit": "person", "kind": "level"}}


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "reconcile"])
def test_command_line_reports_a_relation_joining_troops_and_containers_with_exit_2(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from estimates.cli import main

    claims, relations = files(tmp_path, CLAIMS, "dprk.total = dprk.troops + dprk.containers\n")
    code = main([command, str(claims), "--relations", str(relations)])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err and out == ""
    assert (f"{relations}:1: the relation joins different dimensions: person (dprk.total, dprk.troops) "
            "and container (dprk.containers) ('dprk.total = dprk.troops + dprk.containers')") in err


@pytest.mark.parametrize("command", ["validate", "reconcile"])
def test_command_line_reports_an_expression_claim_joining_dimensions_at_its_line(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from estimates.cli import main

    claims, _ = files(tmp_path, CLAIMS + "sum,dprk.troops + dprk.containers,about 3200,,2024-10-31\n", "")
    code = main([command, str(claims)])
    _, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert f"{claims}:5:quantity: joins different dimensions: container (dprk.containers) and " \
           "person (dprk.troops) ('dprk.troops + dprk.containers')" in err


# --- properties ------------------------------------------------------------------------------

UNITS = ("", "troops", "containers")


@st.composite
def linked_quantities(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, ...]]]:
    """Units of a few quantities ("" for a bare number) and relations joining them and two
    quantities with no claims."""
    count = draw(st.integers(2, 6))
    units = draw(st.lists(st.sampled_from(UNITS), min_size=count, max_size=count))
    relations = draw(st.lists(st.lists(st.integers(0, count + 1), min_size=2, max_size=3,
                                       unique=True).map(tuple), max_size=5))
    return units, relations


@given(linked_quantities())
def test_settling_fails_exactly_when_linked_quantities_state_two_dimensions(
        drawn: tuple[list[str], list[tuple[int, ...]]]) -> None:
    units, relations = drawn
    claims = read_claims(frame([(f"c{i}", f"q{i}", f"5 {unit}".strip()) for i, unit in enumerate(units)]))
    lines = [f"q{r[0]} = {' + '.join(f'q{i}' for i in r[1:])}" for r in relations]
    group = list(range(len(units) + 2))  # the component of each quantity, by union-find

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for members in relations:
        for other in members[1:]:
            group[root(other)] = root(members[0])
    stated: dict[int, set[str]] = {root(i): set() for i in range(len(units) + 2)}
    for i, unit in enumerate(units):
        if unit:
            stated[root(i)].add(unit)
    torn = {r for r, found in stated.items() if len(found) > 1}
    if torn:
        with pytest.raises(DimensionError) as caught:
            settle_quantities(claims, lines)
        blamed = set(caught.value.problems["line"])
        assert blamed and all(root(relations[line - 1][0]) in torn for line in blamed)
        return
    settled = settle_quantities(claims, lines)
    expected = {"troops": "person", "containers": "container"}
    for i in range(len(units) + 2):
        found = stated[root(i)]
        unit = expected[next(iter(found))] if found else "dimensionless"
        if i < len(units):
            assert settled.claims.loc[i, "unit"] == unit
        elif any(i in r for r in relations):
            assert settled.unclaimed.loc[f"q{i}", "unit"] == unit


@given(linked_quantities())
def test_settling_settled_claims_changes_nothing(drawn: tuple[list[str], list[tuple[int, ...]]]) -> None:
    units, relations = drawn
    claims = read_claims(frame([(f"c{i}", f"q{i}", f"5 {unit}".strip()) for i, unit in enumerate(units)]))
    lines = [f"q{r[0]} = {' + '.join(f'q{i}' for i in r[1:])}" for r in relations]
    try:
        once = settle_quantities(claims, lines)
    except DimensionError:
        return
    twice = settle_quantities(once.claims, lines)
    assert twice.claims["unit"].tolist() == once.claims["unit"].tolist()
    assert twice.unclaimed.equals(once.unclaimed)
