"""Rates keep their time unit: "a month", "per week", "/day", "daily", in the value or the unit
column, are per that time, converted exactly to the per-day rates the reconciler uses (issue 15,
point 4)."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import reconcile
from estimates.claims import read_claims
from estimates.errors import ClaimsError
from estimates.parse import parse


def claims(*rows: dict[str, str]) -> pd.DataFrame:
    """A claims frame: one troop total before the rates, then the rows given."""
    base = {"id": "total", "quantity": "x.recruits", "value": "5,000 troops", "as_of": "2024-09-30",
            "kind": "cumulative"}
    return pd.DataFrame([base, *({"id": f"r{i}", "quantity": "x.recruits", **row}
                                 for i, row in enumerate(rows))]).fillna("")


def per_day(frame: pd.DataFrame, claim: str) -> tuple[float, float]:
    table = read_claims(frame).set_index(pd.Index(frame["id"]))
    return float(table.loc[claim, "low"]), float(table.loc[claim, "high"])


def test_rate_a_month_keeps_its_month() -> None:
    frame = claims({"value": "about 1,000 a month", "as_of": "2024-12-31",
                    "period": "2024-10-01/2024-12-31"})
    result = reconcile(frame)
    rate = result.claims.set_index("id").loc["r0"]
    # three calendar months of 900 to 1,100 each, over their 92 days
    assert (rate["low"], rate["high"]) == pytest.approx((900 * 3 / 92, 1100 * 3 / 92))
    assert rate["unit"] == "person / day"
    ranges = result.ranges.set_index("as_of")
    # not 900-1,100 a day (a running total of 91,500+): 5,000 plus 2,700 to 3,300
    assert (ranges.loc["2024-12-31", "low"], ranges.loc["2024-12-31", "high"]) == \
        pytest.approx((4950 + 2700, 5050 + 3300))
    assert ranges.loc["2024-12-31", "unit"] == "person"


def test_a_rate_a_month_over_a_calendar_month_is_that_months_worth() -> None:
    low, high = per_day(claims({"value": "1,000 a month", "as_of": "2024-02-29",
                                "period": "2024-02"}), "r0")
    assert (low * 29, high * 29) == pytest.approx((950, 1050))


def test_a_rate_a_year_over_a_calendar_year_is_that_years_worth() -> None:
    halo = parse("12,000").interval
    low, high = per_day(claims({"value": "12,000 a year", "as_of": "2024-12-31",
                                "period": "2024"}), "r0")
    assert (low * 366, high * 366) == pytest.approx((halo.low, halo.high))


def test_per_month_over_a_period_of_no_whole_months_is_pints_month() -> None:
    low, high = per_day(claims({"value": "1,000 a month", "as_of": "2024-11-14",
                                "period": "2024-10-15/2024-11-14"}), "r0")
    assert (low, high) == pytest.approx((950 / 30.4375, 1050 / 30.4375))


@pytest.mark.parametrize("value", ["700 a week", "700 per week", "700/week", "700 weekly",
                                   "700 every week", "700 soldiers a week"])
def test_a_rate_a_week_is_a_seventh_of_it_a_day(value: str) -> None:
    halo = parse("700").interval
    low, high = per_day(claims({"value": value, "as_of": "2024-10-31", "period": "2024-10"}), "r0")
    assert (low, high) == pytest.approx((halo.low / 7, halo.high / 7))


@pytest.mark.parametrize("value", ["100 a day", "100 per day", "100/day", "100 daily",
                                   "100 on a daily basis", "100 troops per day"])
def test_a_rate_a_day_is_read_as_it_is(value: str) -> None:
    halo = parse("100").interval
    low, high = per_day(claims({"value": value, "as_of": "2024-10-31", "period": "2024-10"}), "r0")
    assert (low, high) == (halo.low, halo.high)


@pytest.mark.parametrize(("unit", "value"), [
    ("person/month", "about 1,000"), ("/month", "about 1,000"), ("per month", "about 1,000"),
    ("a month", "about 1,000"), ("monthly", "about 1,000"), ("troops a month", "about 1,000"),
    ("person", "about 1,000 a month"), ("/month", "about 1,000 troops"),
    ("person / month", "about 1,000 troops a month"), ("", "about 1,000 troops monthly"),
])
def test_the_unit_column_and_the_value_give_the_rate_its_month(unit: str, value: str) -> None:
    frame = claims({"value": value, "unit": unit, "as_of": "2024-10-31", "period": "2024-10"})
    table = read_claims(frame)
    assert per_day(frame, "r0") == pytest.approx((900 / 31, 1100 / 31))
    assert table["unit"].tolist() == ["person", "person"]
    assert table["measure"].tolist() == ["value", "rate"]


def test_a_rate_of_a_quantity_with_no_unit_is_per_day_of_that_quantity() -> None:
    frame = pd.DataFrame({"id": ["a"], "quantity": ["x.total"], "value": ["about 1,000 a month"],
                          "as_of": ["2024-10-31"], "period": ["2024-10"], "kind": ["cumulative"]})
    result = reconcile(frame).claims
    assert (result.loc[0, "low"], result.loc[0, "high"]) == pytest.approx((900 / 31, 1100 / 31))


@pytest.mark.parametrize(("unit", "value", "problem"), [
    ("person/day", "1,000 a month", "disagrees with the value, which is per month"),
    ("container/month", "1,000 troops a month", "disagrees with the value, which counts person"),
    ("person", "a third", "disagrees with the value, a ratio"),
])
def test_a_unit_column_that_says_otherwise_than_the_value_is_a_problem(
        unit: str, value: str, problem: str) -> None:
    frame = claims({"value": value, "unit": unit, "as_of": "2024-10-31", "period": "2024-10"})
    with pytest.raises(ClaimsError) as caught:
        read_claims(frame)
    found = caught.value.problems
    assert [3, "unit", unit, problem] in found[["line", "column", "value", "problem"]].values.tolist()


def test_a_ratio_on_a_counted_quantity_is_a_problem_naming_both() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x.killed"] * 2,
                          "value": ["300 troops", "a third"], "as_of": ["2024-10-31"] * 2})
    with pytest.raises(ClaimsError) as caught:
        read_claims(frame)
    found = caught.value.problems
    assert found[["line", "column", "value"]].values.tolist() == [[3, "value", "a third"]]
    assert found.loc[0, "problem"] == ("is dimensionless (a ratio) but x.killed is given in person, "
                                       "a different dimension")


def _month_start(start: int) -> dt.date:
    return dt.date(2000 + start // 12, start % 12 + 1, 1)


@given(first=st.integers(0, 12 * 40), months=st.integers(1, 30), count=st.integers(0, 10**9))
def test_a_rate_per_month_over_whole_months_adds_up_to_that_many_months(
        first: int, months: int, count: int) -> None:
    start, end = _month_start(first), _month_start(first + months)
    frame = pd.DataFrame({"id": ["r"], "quantity": ["x"], "low": [str(count)], "high": [str(count)],
                          "unit": ["person/month"], "as_of": [str(end - dt.timedelta(days=1))],
                          "period": [f"{start}/{end - dt.timedelta(days=1)}"], "kind": ["cumulative"]})
    table = read_claims(frame)
    days = (end - start).days
    exact = Fraction(count * months, days)  # per day, exactly
    low, high = table.loc[0, "low"], table.loc[0, "high"]
    assert Fraction(low) <= exact <= Fraction(high)  # rounded outward, never losing the exact rate
    assert high - low <= 4 * math.ulp(high)  # and by no more than a rounding or two


@pytest.mark.parametrize(("written", "read"), [
    ("troops a month", "person / month"), ("per month", "1 / month"), ("/month", "1 / month"),
    ("monthly", "1 / month"), ("soldiers daily", "person / day"), ("person per annum", "person / year"),
    ("containers every week", "container / week"), ("person/day", "person / day"),
])
def test_a_unit_written_with_rate_words_is_per_that_time(written: str, read: str) -> None:
    from estimates.units import parse_unit

    assert str(parse_unit(written)) == read  # pint alone reads "a month" as a month times a year


def test_a_rate_with_no_period_on_one_day_is_read_over_that_day_with_a_warning() -> None:
    """"1,354 per day" dated 1 October with no period: read as that day's average, and the
    analyst is told so (and where), since reporters rarely mean a single day; a rate dated
    to a month is that month's average and needs no warning."""
    from estimates.claims import PeriodWarning

    day = claims({"value": "1,354 per day", "as_of": "2024-10-01", "kind": "cumulative"},
                 {"value": "1,354 per day", "as_of": "2024-10-02", "kind": "cumulative"})
    with pytest.warns(PeriodWarning, match=r"2 rates have no period .*\(lines 3, 4\)"):
        table = read_claims(day)
    assert (table["period_end"] - table["period_start"]).tolist()[1:] == [1, 1]
    month = claims({"value": "1,354 per day", "as_of": "2024-10", "kind": "cumulative"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", PeriodWarning)
        read_claims(month)
