"""Hypothesis strategies shared by the tests: floats, intervals, points inside them."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import strategies as st

from estimates import Interval

#: every finite float64, subnormals and the largest ones included
finite_floats = st.floats(allow_nan=False, allow_infinity=False)

#: floats reports actually hold: counts, rates and ratios of moderate size
report_floats = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


@st.composite
def intervals(draw: st.DrawFn, bounds: st.SearchStrategy[float] = finite_floats,
              unbounded: bool = False, empty: bool = False) -> Interval:
    """Intervals with bounds from `bounds`; optionally infinite ends and the empty interval."""
    if empty and draw(st.integers(0, 19)) == 0:
        return Interval.empty()
    a, b = sorted((draw(bounds), draw(bounds)))
    if unbounded and draw(st.booleans()):
        a = -math.inf
    if unbounded and draw(st.booleans()):
        b = math.inf
    return Interval(a, b)


@st.composite
def points_in(draw: st.DrawFn, interval: Interval) -> Fraction:
    """An exact rational point inside a finite, non-empty interval."""
    low, high = Fraction(interval.low), Fraction(interval.high)
    t = draw(st.fractions(min_value=0, max_value=1, max_denominator=10**6))
    choice = draw(st.sampled_from(["low", "high", "inside"]))
    return low if choice == "low" else high if choice == "high" else low + t * (high - low)


@st.composite
def nested_intervals(draw: st.DrawFn) -> tuple[Interval, Interval]:
    """A pair (inner, outer) with inner a subset of outer."""
    outer = draw(intervals())
    a, b = sorted((draw(points_in(outer)), draw(points_in(outer))))
    return Interval(float(a) if float(a) >= outer.low else outer.low,
                    float(b) if float(b) <= outer.high else outer.high), outer
