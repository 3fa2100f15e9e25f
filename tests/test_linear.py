"""Linear systems: proven bounds, tight ranges, conflicts; checked against scipy's linprog."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.optimize import linprog

from estimates.linear import System, propagate

Row = tuple[dict[int, float], float, float, int]


@st.composite
def systems(draw: st.DrawFn, n_max: int = 4) -> tuple[int, list[Row]]:
    """Small systems with integer data: sums and differences, bounds on single variables."""
    n = draw(st.integers(1, n_max))
    rows: list[Row] = []
    for tag in range(draw(st.integers(1, 7))):
        size = draw(st.integers(1, min(3, n)))
        variables = draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size, unique=True))
        coefficients = {i: float(draw(st.sampled_from([-2, -1, 1, 1, 1, 3]))) for i in variables}
        low = float(draw(st.integers(-50, 100)))
        high = low + draw(st.integers(0, 60))
        shape = draw(st.sampled_from(["both", "at least", "at most"]))
        low, high = (low, math.inf) if shape == "at least" else \
            (-math.inf, high) if shape == "at most" else (low, high)
        rows.append((coefficients, low, high, tag))
    return n, rows


def build(n: int, rows: list[Row]) -> System:
    system = System(n)
    for coefficients, low, high, tag in rows:
        system.add(coefficients, low, high, tag)
    return system


def inequalities(n: int, rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
    """The rows as ``A x <= b`` for scipy's linprog (the reference solver)."""
    a_ub, b_ub = [], []
    for coefficients, low, high, _ in rows:
        line = np.array([coefficients.get(j, 0.0) for j in range(n)])
        for sign, end in ((1.0, high), (-1.0, -low)):
            if math.isfinite(end):
                a_ub.append(sign * line)
                b_ub.append(end)
    return np.array(a_ub).reshape(-1, n), np.array(b_ub)


def scipy_extreme(n: int, rows: list[Row], i: int, sign: float) -> tuple[int, float]:
    """(status, optimum) of minimising sign * x_i with scipy's linprog."""
    a_ub, b_ub = inequalities(n, rows)
    objective = np.zeros(n)
    objective[i] = sign
    result = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    return result.status, (sign * result.fun if result.status == 0 else math.nan)


@given(systems())
def test_ranges_match_a_linear_programme_per_variable_and_stay_on_the_safe_side(
        drawn: tuple[int, list[Row]]) -> None:
    n, rows = drawn
    system = build(n, rows)
    if not system.feasible():
        with pytest.raises(ValueError):
            system.ranges()
        return
    low, high = system.ranges()
    for i in range(n):
        status, least = scipy_extreme(n, rows, i, 1.0)
        assume(status == 0)  # scipy itself in numerical trouble: no reference
        assert low[i] <= least + 1e-9 * max(1.0, abs(least))
        assert low[i] == pytest.approx(least, rel=1e-7, abs=1e-7)
        status, most = scipy_extreme(n, rows, i, -1.0)
        assume(status in (0, 3))
        if status == 3:  # unbounded
            assert high[i] == math.inf
        else:
            assert high[i] >= most - 1e-9 * max(1.0, abs(most))
            assert high[i] == pytest.approx(most, rel=1e-7, abs=1e-7)


@given(systems(), st.lists(st.floats(-1, 1), min_size=4, max_size=4))
def test_propagated_bounds_hold_at_every_solution(drawn: tuple[int, list[Row]],
                                                   direction: list[float]) -> None:
    n, rows = drawn
    system = build(n, rows)
    assume(system.feasible())
    low, high = propagate(n, system.compiled)
    a_ub, b_ub = inequalities(n, rows)
    # a vertex in a random direction (kept finite by a box far outside the data)
    point = linprog(np.array(direction[:n]), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1e6), method="highs")
    assume(point.status == 0)
    assert np.all(low <= point.x + 1e-7) and np.all(point.x <= high + 1e-7)


def test_integer_sums_are_exact() -> None:
    system = System(3)
    system.add({0: 1.0, 1: -1.0, 2: -1.0}, 0.0, 0.0, tag=-1)  # c = k + w
    system.add({0: 1.0}, 100.0, 100.0, tag=0)
    system.add({1: 1.0}, 60.0, 70.0, tag=1)
    low, high = system.ranges()
    assert low.tolist() == [100.0, 60.0, 30.0] and high.tolist() == [100.0, 70.0, 40.0]


def test_a_ratio_bound_beyond_propagation_is_found_and_certified() -> None:
    # w = c - k with k >= 0.3 c and c <= 6050: w <= 0.7 * 6050, which propagation alone misses
    system = System(3)
    system.add({0: 1.0, 1: -1.0, 2: -1.0}, 0.0, 0.0, tag=-1)
    system.add({0: 1.0}, 5000.0, 6050.0, tag=0)
    system.add({1: 1.0, 0: -0.3}, 0.0, math.inf, tag=1)
    assert propagate(3, system.compiled)[1][2] > 4500
    _, high = system.ranges()
    assert 4235.0 <= high[2] <= 4235.0 * (1 + 1e-12)


def test_a_variable_on_a_ray_is_unbounded_and_one_pinned_by_a_sum_is_not() -> None:
    system = System(3)
    system.add({0: 1.0, 1: -1.0}, 0.0, 0.0, tag=-1)  # x0 = x1, both free upward
    system.add({0: 1.0}, 5.0, math.inf, tag=0)
    system.add({2: 1.0, 1: 1.0}, -math.inf, 50.0, tag=1)  # x2 + x1 <= 50 bounds all three
    _, high = system.ranges()
    assert high.tolist() == [50.0, 50.0, 45.0]
    free = System(2)
    free.add({0: 1.0, 1: -1.0}, 0.0, 0.0, tag=-1)
    free.add({0: 1.0}, 5.0, math.inf, tag=0)
    assert free.ranges()[1].tolist() == [math.inf, math.inf]


@given(systems(n_max=3))
def test_a_minimal_conflict_cannot_hold_and_every_smaller_set_can(drawn: tuple[int, list[Row]]) -> None:
    n, rows = drawn
    system = build(n, rows)
    tags = system.tags()
    assume(not system.feasible(tags))
    conflict = system.minimal_conflict(tags)
    assert not system.feasible(conflict)
    for dropped in conflict:
        assert system.feasible([t for t in conflict if t != dropped])


def test_stacked_systems_keep_their_variables_apart() -> None:
    first, second = System(2), System(1)
    first.add({0: 1.0, 1: 1.0}, 10.0, 10.0, tag=-1)
    first.add({0: 1.0}, 3.0, 4.0, tag=0)
    second.add({0: 1.0}, 7.0, 9.0, tag=1)
    stacked, offsets = System.stack([first, second])
    assert offsets.tolist() == [0, 2]
    low, high = stacked.ranges()
    assert low.tolist() == [3.0, 6.0, 7.0] and high.tolist() == [4.0, 7.0, 9.0]
    low, high, endless = stacked.bounds([1])  # without tag 0, x0 and x1 share the 10
    assert low.tolist() == [0.0, 0.0, 7.0] and high.tolist() == [10.0, 10.0, 9.0]
    assert not endless.any()
