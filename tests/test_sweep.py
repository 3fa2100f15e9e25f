import numpy as np

from estimates.cumulative import difference_bounds, heaviest_running_totals
from estimates.sweep import heaviest_point


def test_heaviest_point_keeps_the_heaviest_overlapping_set() -> None:
    kept, point = heaviest_point(np.array([0, 0, 0, 1]), np.array([1.0, 2.0, 10.0, 5.0]),
                                 np.array([3.0, 4.0, 11.0, 6.0]), np.array([1, 1, 3, 1]))
    assert kept.tolist() == [False, False, True, True] and point.tolist() == [10.0, 5.0]


def test_running_totals_keep_the_heaviest_non_decreasing_set() -> None:
    # one heavy claim early and high against three lighter later ones: the three weigh more
    kept, partner = heaviest_running_totals(
        np.array([0, 4]), np.array([0, 1, 2, 3]), np.array([4]),
        np.array([900.0, 100.0, 200.0, 300.0]), np.array([np.inf, 150.0, 250.0, 350.0]),
        np.array([2, 1, 1, 1]))
    assert kept.tolist() == [False, True, True, True] and partner[0] in (1, 2, 3)


def test_running_totals_with_claims_at_one_node_must_meet() -> None:
    kept, _ = heaviest_running_totals(np.array([0, 3]), np.array([0, 0, 1]), np.array([2]),
                                      np.array([10.0, 30.0, 5.0]), np.array([20.0, 40.0, 50.0]),
                                      np.array([1, 3, 1]))
    assert kept.tolist() == [False, True, True]


def test_difference_bounds_are_shortest_paths_and_find_negative_cycles() -> None:
    # x1 in [5, 10], x2 - x1 in [0, 3]
    lower, upper, cyclic = difference_bounds(
        np.array([0, 3]), np.array([0, 4]), np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]),
        np.array([10.0, -5.0, 3.0, 0.0]))
    assert lower.tolist()[1:] == [5.0, 5.0] and upper.tolist()[1:] == [10.0, 13.0]
    assert not cyclic[0]
    # x1 <= 10 and x1 >= 20
    _, _, cyclic = difference_bounds(np.array([0, 2]), np.array([0, 2]), np.array([0, 1]),
                                     np.array([1, 0]), np.array([10.0, -20.0]))
    assert cyclic[0]
