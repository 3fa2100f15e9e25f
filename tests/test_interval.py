"""Interval arithmetic: set semantics, outward rounding as tight as floats allow, laws."""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from estimates import EmptyIntervalError, Interval, IntervalArray, InvalidBoundError
from tests.strategies import finite_floats, intervals, nested_intervals, points_in

MAX = sys.float_info.max
INF = math.inf
EMPTY = Interval.empty()
OPS: dict[str, Callable[[object, object], object]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}


def floor_float(q: Fraction) -> float:
    """The largest float64 at or below q (-inf below every float)."""
    if q > Fraction(MAX):
        return MAX
    if q < -Fraction(MAX):
        return -INF
    f = float(q)
    return math.nextafter(f, -INF) if Fraction(f) > q else f


def ceil_float(q: Fraction) -> float:
    """The smallest float64 at or above q (+inf above every float)."""
    return -floor_float(-q)


def corners(x: Interval, y: Interval, op: str) -> list[Fraction]:
    fx, fy = (Fraction(x.low), Fraction(x.high)), (Fraction(y.low), Fraction(y.high))
    return [OPS[op](a, b) for a in fx for b in fy]  # type: ignore[misc]


# --- inclusion and tightness against exact rationals -------------------------------------


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
@given(data=st.data())
def test_result_contains_every_exact_combination_of_points(op: str, data: st.DataObject) -> None:
    x, y = data.draw(intervals()), data.draw(intervals())
    a, b = data.draw(points_in(x)), data.draw(points_in(y))
    assume(not (op == "/" and b == 0))
    result = OPS[op](x, y)
    exact = OPS[op](a, b)
    assert Fraction(result.low) <= exact if math.isfinite(result.low) else result.low == -INF
    assert exact <= Fraction(result.high) if math.isfinite(result.high) else result.high == INF


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
@given(x=intervals(), y=intervals())
def test_bounds_are_the_nearest_floats_outside_the_exact_result(op: str, x: Interval, y: Interval) -> None:
    assume(not (op == "/" and y.low <= 0 <= y.high))
    result = OPS[op](x, y)
    exact = corners(x, y, op)
    assert result.low == floor_float(min(exact))
    assert result.high == ceil_float(max(exact))


dyadic = st.builds(lambda m, e: math.ldexp(m, e), st.integers(-2**20, 2**20), st.integers(-30, 30))


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
@given(x=intervals(dyadic), y=intervals(st.sampled_from([-8.0, -2.0, -0.5, 0.25, 1.0, 4.0]) | dyadic))
def test_exact_float_results_are_not_widened(op: str, x: Interval, y: Interval) -> None:
    assume(not (op == "/" and y.low <= 0 <= y.high))
    result, exact = OPS[op](x, y), corners(x, y, op)
    for bound, value in ((result.low, min(exact)), (result.high, max(exact))):
        if Fraction(float(value)) == value:
            assert bound == float(value)


def test_seed_rate_times_a_month_contains_the_monthly_total() -> None:
    per_day = Interval(1353.5, 1354.5)  # "1,354 per day", as written: ±0.5
    assert per_day * 31 == Interval(41958.5, 41989.5)
    assert 41980 in per_day * 31


def test_inexact_sum_is_widened_by_one_float_step() -> None:
    result = Interval(0.1) + Interval(0.2)
    assert result.low < 0.3 < result.high or result.low <= Fraction(3, 10) <= result.high
    assert Fraction(result.low) < Fraction(0.1) + Fraction(0.2) < Fraction(result.high)
    assert math.nextafter(result.low, INF) == result.high


# --- monotonicity, lattice laws, the empty interval ---------------------------------------


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
@given(pair=nested_intervals(), y=intervals(unbounded=True))
def test_wider_operand_gives_wider_result(op: str, pair: tuple[Interval, Interval], y: Interval) -> None:
    inner, outer = pair
    assert OPS[op](inner, y).issubset(OPS[op](outer, y))
    assert OPS[op](y, inner).issubset(OPS[op](y, outer))


@given(x=intervals(unbounded=True, empty=True), y=intervals(unbounded=True, empty=True),
       z=intervals(unbounded=True, empty=True))
def test_intersection_and_hull_laws(x: Interval, y: Interval, z: Interval) -> None:
    assert x & y == y & x and x | y == y | x
    assert (x & y) & z == x & (y & z) and (x | y) | z == x | (y | z)
    assert x & x == x and x | x == x
    assert (x & y).issubset(x) and x.issubset(x | y)
    assert x & (x | y) == x and x | (x & y) == x
    assert x | EMPTY == x and (x & EMPTY).is_empty
    assert x.overlaps(y) == (not (x & y).is_empty)


@given(x=intervals(unbounded=True), y=intervals(unbounded=True), v=finite_floats)
def test_value_is_in_intersection_exactly_when_in_both(x: Interval, y: Interval, v: float) -> None:
    assert (v in (x & y)) == (v in x and v in y)
    assert v in (x | y) or (v not in x and v not in y)


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
@given(x=intervals(unbounded=True, empty=True))
def test_the_empty_interval_absorbs_every_operation(op: str, x: Interval) -> None:
    assert OPS[op](x, EMPTY).is_empty and OPS[op](EMPTY, x).is_empty


# --- tables: infinities, signed zeros, division by zero-touching intervals ------------------


@pytest.mark.parametrize(
    ("x", "op", "y", "expected"),
    [
        (Interval(1, 2), "/", Interval(0, 1), Interval(1, INF)),
        (Interval(1, 2), "/", Interval(-1, 1), Interval(-INF, INF)),
        (Interval(1, 2), "/", Interval(0, 0), EMPTY),
        (Interval(1, 2), "/", Interval(-1, 0), Interval(-INF, -1)),
        (Interval(-2, -1), "/", Interval(0, 1), Interval(-INF, -1)),
        (Interval(-2, -1), "/", Interval(-1, 0), Interval(1, INF)),
        (Interval(-1, 2), "/", Interval(0, 1), Interval(-INF, INF)),
        (Interval(0, 0), "/", Interval(-1, 1), Interval(0, 0)),
        (Interval(0, 2), "/", Interval(0, 4), Interval(0, INF)),
        (Interval(0, 0), "/", Interval(0, 0), EMPTY),
        (Interval(1, 2), "/", Interval(-0.0, 1), Interval(1, INF)),
        (Interval(1, 2), "/", Interval(-1, -0.0), Interval(-INF, -1)),
        (Interval(1, INF), "/", Interval(1, INF), Interval(0, INF)),
        (Interval(0, 0), "*", Interval(-INF, INF), Interval(0, 0)),
        (Interval(0, 5), "*", Interval(1, INF), Interval(0, INF)),
        (Interval(-INF, -1), "*", Interval(-INF, -1), Interval(1, INF)),
        (Interval(-1, 1), "*", Interval(-INF, INF), Interval(-INF, INF)),
        (Interval(-INF, 3), "+", Interval(1, INF), Interval(-INF, INF)),
        (Interval(-INF, 3), "-", Interval(-INF, 1), Interval(-INF, INF)),
        (Interval(MAX, MAX), "+", Interval(MAX, MAX), Interval(MAX, INF)),
        (Interval(-MAX, -MAX), "*", Interval(2, 2), Interval(-INF, -MAX)),
        (Interval(5e-324, 5e-324), "*", Interval(0.5, 0.5), Interval(0, 5e-324)),
        (Interval(-0.0, 0.0), "+", Interval(-0.0, -0.0), Interval(0, 0)),
        (Interval(1, 1), "/", Interval(3, 3), Interval(1 / 3, math.nextafter(1 / 3, 1))),
    ],
)
def test_special_values(x: Interval, op: str, y: Interval, expected: Interval) -> None:
    assert OPS[op](x, y) == expected


def test_plain_numbers_work_on_either_side() -> None:
    assert 1 + Interval(1, 2) == Interval(2, 3) == Interval(1, 2) + 1
    assert 10 - Interval(1, 2) == Interval(8, 9)
    assert 2 * Interval(1, 2) == Interval(2, 4)
    assert 1 / Interval(2, 4) == Interval(0.25, 0.5)
    assert -Interval(1, 2) == Interval(-2, -1)


def test_an_integer_too_precise_for_a_float_is_enclosed() -> None:
    big = 2**60 + 1
    point = Interval(big)
    assert Fraction(point.low) < big < Fraction(point.high)


@pytest.mark.parametrize(
    ("low", "high", "error", "names"),
    [
        (3, 1, EmptyIntervalError, "3"),
        (math.nan, 1, InvalidBoundError, "nan"),
        (0, math.nan, InvalidBoundError, "nan"),
        (INF, INF, InvalidBoundError, "inf"),
        (-INF, -INF, InvalidBoundError, "-inf"),
    ],
)
def test_invalid_bounds_raise_a_clear_error(low: float, high: float, error: type, names: str) -> None:
    with pytest.raises(error, match=names) as caught:
        Interval(low, high)
    assert isinstance(caught.value, ValueError)


def test_properties_and_repr() -> None:
    x = Interval(10, 20)
    assert (x.width, x.midpoint, 15 in x, 21 in x) == (10, 15, True, False)
    assert Interval(-INF, 5).midpoint == -INF and Interval.whole().midpoint == 0
    assert math.isnan(EMPTY.width) and 1 not in EMPTY
    for value in (x, Interval(-INF, 2.5), Interval(0, INF), EMPTY):
        assert eval(repr(value), {"Interval": Interval}) == value
    with pytest.raises(AttributeError):
        x.low = 3  # type: ignore[misc]


# --- the vectorised form ---------------------------------------------------------------------


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
@given(pairs=st.lists(st.tuples(intervals(unbounded=True, empty=True),
                                 intervals(unbounded=True, empty=True)), min_size=1, max_size=30))
def test_arrays_give_the_scalar_bounds(op: str, pairs: list[tuple[Interval, Interval]]) -> None:
    xs = IntervalArray._raw(np.array([p[0].low for p in pairs]), np.array([p[0].high for p in pairs]))
    ys = IntervalArray._raw(np.array([p[1].low for p in pairs]), np.array([p[1].high for p in pairs]))
    result = OPS[op](xs, ys)
    for i, (x, y) in enumerate(pairs):
        expected = OPS[op](x, y)
        assert (result[i].low, result[i].high) == (expected.low, expected.high)


def test_arrays_broadcast_a_scalar_and_reject_bad_bounds() -> None:
    xs = IntervalArray([1, 10], [2, 20])
    assert (2 * xs)[1] == Interval(20, 40) and (xs / 2)[0] == Interval(0.5, 1)
    assert list(xs & Interval(1.5, 15)) == [Interval(1.5, 2), Interval(10, 15)]
    with pytest.raises(EmptyIntervalError, match=r"positions \[1\]"):
        IntervalArray([1, 5], [2, 3])


def test_numpy_arrays_combine_as_point_intervals_on_either_side() -> None:
    xs = IntervalArray([1, 10], [2, 20])
    days = np.array([31.0, 30.0])
    for result in (xs * days, days * xs):
        assert isinstance(result, IntervalArray)
        assert list(result) == [Interval(31, 62), Interval(300, 600)]
