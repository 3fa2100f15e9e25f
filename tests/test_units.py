"""Units: the registry's countables, dimension checks, outward conversion."""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import Interval, UnitError, UnitMismatchError, ureg
from estimates.quantity import QuantityInterval
from estimates.units import conversion_factor, parse_unit
from tests.strategies import intervals, report_floats

RATE_UNITS = ["person/day", "person/week", "person/month", "person/year", "person/hour"]


@pytest.mark.parametrize(
    "alias", ["person", "persons", "people", "troop", "troops", "soldier", "soldiers", "fighter",
              "fighters", "man", "men", "personnel", "casualty", "casualties"],
)
def test_person_aliases_are_one_dimension(alias: str) -> None:
    assert ureg.Quantity(1, alias).to("person").magnitude == 1


@pytest.mark.parametrize("countable", ["container", "shipment", "missile", "tank", "vehicle"])
def test_other_countables_have_their_own_dimension(countable: str) -> None:
    assert parse_unit(countable).dimensionality != parse_unit("person").dimensionality
    with pytest.raises(UnitMismatchError):
        conversion_factor(parse_unit(countable), parse_unit("person"))


def test_adding_troops_to_containers_names_both_units() -> None:
    troops = QuantityInterval(Interval(100, 200), "troops")
    containers = QuantityInterval(Interval(5, 6), "containers")
    with pytest.raises(UnitMismatchError, match="'person' and 'container'") as caught:
        troops + containers
    assert isinstance(caught.value, TypeError)


def test_unknown_unit_is_an_error_naming_it() -> None:
    with pytest.raises(UnitError, match="'furlongs of soldiers'"):
        parse_unit("furlongs of soldiers")


def test_rate_times_period_is_a_count_in_persons() -> None:
    per_day = QuantityInterval(Interval(1353.5, 1354.5), "person/day")
    month = QuantityInterval(Interval(31), "day")
    total = per_day * month
    assert total.unit == parse_unit("person")
    assert total.magnitude == Interval(41958.5, 41989.5)
    assert 41980 * ureg.person in total


def test_conversion_factors_are_exact_fractions() -> None:
    assert conversion_factor(parse_unit("person/day"), parse_unit("person/week")) == 7
    assert conversion_factor(parse_unit("person/month"), parse_unit("person/day")) == Fraction(16, 487)


@pytest.mark.parametrize("source", RATE_UNITS)
@pytest.mark.parametrize("target", RATE_UNITS)
@given(magnitude=intervals(report_floats))
def test_conversion_there_and_back_contains_the_original(
    source: str, target: str, magnitude: Interval
) -> None:
    original = QuantityInterval(magnitude, source)
    there = original.to(target)
    exact_factor = conversion_factor(parse_unit(source), parse_unit(target))
    assert Fraction(there.magnitude.low) <= Fraction(magnitude.low) * exact_factor
    assert Fraction(magnitude.high) * exact_factor <= Fraction(there.magnitude.high)
    assert magnitude.issubset(there.to(source).magnitude)


@given(magnitude=intervals(report_floats), scale=st.integers(1, 10**6))
def test_conversion_to_the_same_unit_changes_nothing(magnitude: Interval, scale: int) -> None:
    assert QuantityInterval(magnitude * scale, "person").to("troops").magnitude == magnitude * scale


@pytest.mark.parametrize("text", ["{", "person/(", "1/0 day", "**", "person day day /"])
def test_malformed_units_are_unit_errors(text: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(text)


@given(text=st.text(max_size=12))
def test_no_text_makes_parse_unit_raise_anything_but_unit_error(text: str) -> None:
    with contextlib.suppress(UnitError):
        parse_unit(text)


@pytest.mark.parametrize("text", ["week**1000000", "9**9**9", "week^13", "week**(10**10)",
                                  "m**2.5", "person/" + "day*" * 100, "person ** 1e400",
                                  # powers of powers, other spellings of a power (issue 16)
                                  "(" * 10 + "9**12" + ")**12" * 10, "(" * 10 + "week**12" + ")**12" * 10,
                                  "week**1_000_000", "week⁹⁹⁹⁹⁹⁹⁹⁹⁹", "week^(10^10)", "week**12 * week"])
def test_unit_powers_that_pint_would_compute_for_ever_are_refused_first_issue_16(text: str) -> None:
    with pytest.raises(UnitError, match="powers of whole numbers"):
        parse_unit(text)


@pytest.mark.parametrize(("text", "unit"), [("m**+12", "meter ** 12"), ("km^(2)", "kilometer ** 2"),
                                            ("(km/h)**2", "kilometer ** 2 / hour ** 2"), ("m²", "meter ** 2"),
                                            ("person/day**2", "person / day ** 2")])
def test_small_powers_in_any_spelling_still_read(text: str, unit: str) -> None:
    assert str(parse_unit(text)) == unit


@pytest.mark.parametrize("text", ["(week**12)**12", "week**12*week**12*week**12", "m*" * 12 + "m",
                                  "(m**-12)**2"])
def test_unit_powers_built_of_small_ones_are_refused_as_the_large_ones_issue_16(text: str) -> None:
    """Each power is at most 12, the unit's is not: the text is refused when read, so each
    row is listed with its problem, not one error about 'week ** 144' when units settle."""
    with pytest.raises(UnitError, match="powers of whole numbers"):
        parse_unit(text)


def test_two_installs_never_share_pint_s_disk_cache_issue_16(monkeypatch: pytest.MonkeyPatch) -> None:
    import pint

    from estimates import units

    here = units._cache_folder()
    monkeypatch.setattr(pint, "__file__", "/elsewhere/venv/site-packages/pint/__init__.py")
    assert units._cache_folder() != here
    assert units.ureg.cache_folder == here


def test_a_half_written_or_unwritable_disk_cache_of_pint_leaves_the_registry_working_issue_16(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from estimates import units

    monkeypatch.setattr(units, "_cache_folder", lambda: tmp_path / "pint")
    units._cached_registry()  # fills the cache
    for cached in (tmp_path / "pint").glob("*.pickle"):
        cached.write_bytes(cached.read_bytes()[:10])  # as another process still writing it
    assert str(units._cached_registry().parse_units("troops / day")) == "person / day"
    monkeypatch.setattr(units, "_cache_folder", lambda: tmp_path / "pint" / "x.pickle" / "under a file")
    assert str(units._cached_registry().parse_units("troops / day")) == "person / day"
