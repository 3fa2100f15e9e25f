import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from estimates.cumulative import consistent_totals, difference_bounds, heaviest_running_totals, negative_cycle
from estimates.sweep import heaviest_point, key_counts


def test_heaviest_point_keeps_the_heaviest_overlapping_set() -> None:
    kept, point, _ = heaviest_point(np.array([0, 0, 0, 1]), np.array([1.0, 2.0, 10.0, 5.0]),
                                 np.array([3.0, 4.0, 11.0, 6.0]), np.array([1, 1, 3, 1]))
    assert kept.tolist() == [False, False, True, True] and point.tolist() == [10.0, 5.0]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9), st.integers(0, 4), st.integers(1, 3)),
                min_size=1, max_size=30))
def test_heaviest_point_is_the_least_point_of_greatest_covering_weight(
        claims: list[tuple[int, int, int, int]]) -> None:
    group, low, width, weight = (np.array(c) for c in zip(*claims, strict=True))
    high = low + width
    kept, point, _ = heaviest_point(group, low.astype(float), high.astype(float), weight)
    for g in np.unique(group):
        mine = group == g
        cover = {x: weight[mine & (low <= x) & (x <= high)].sum() for x in low[mine].tolist()}
        best = max(cover.values())
        assert point[g] == min(x for x, w in cover.items() if w == best)
        assert (kept[mine] == ((low[mine] <= point[g]) & (point[g] <= high[mine]))).all()


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


def test_running_totals_pair_an_excluded_claim_with_the_least_rank_at_one_node() -> None:
    # two kept claims at node 1 with one low, both above the excluded claim at node 2
    offsets, node, n_nodes = np.array([0, 4]), np.array([0, 1, 1, 2]), np.array([3])
    low, high = np.array([0.0, 50.0, 50.0, 10.0]), np.array([60.0, 60.0, 60.0, 20.0])
    weight = np.array([1, 2, 2, 1])
    for rank, mate in ((np.array([0, 5, 3, 0]), 2), (np.array([0, 3, 5, 0]), 1)):
        kept, partner = heaviest_running_totals(offsets, node, n_nodes, low, high, weight, rank)
        assert kept.tolist() == [True, True, True, False] and partner[3] == mate


def test_node_limits_bound_like_the_edges_they_stand_for() -> None:
    # one block: origin and two nodes; x1 in [5, 10], x2 <= 7, x1 <= x2
    listed = difference_bounds(np.array([0, 3]), np.array([0, 4]), np.array([1, 0, 0, 2]),
                               np.array([0, 1, 2, 1]), np.array([-5.0, 10.0, 7.0, 0.0]))
    limited = difference_bounds(np.array([0, 3]), np.array([0, 0]), np.zeros(0, np.int64),
                                np.zeros(0, np.int64), np.zeros(0), floor=np.array([0, 5.0, -np.inf]),
                                ceiling=np.array([0, 10.0, 7.0]), rising=np.array([False, True, False]))
    for a, b in zip(listed, limited, strict=True):
        assert a.tolist() == b.tolist()
    assert limited[0].tolist()[1:] == [5.0, 5.0] and limited[1].tolist()[1:] == [7.0, 7.0]


def test_negative_cycle_lists_the_edges_of_the_cycle_in_order() -> None:
    u, v, w = np.array([0, 1, 2, 1]), np.array([1, 2, 0, 0]), np.array([1.0, 1.0, -5.0, 9.0])
    assert negative_cycle(3, u, v, w, np.ones(4, dtype=bool)).tolist() == [0, 1, 2]
    assert negative_cycle(3, u, v, w, np.array([True, True, False, True])).size == 0


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


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), max_size=40))
def test_key_counts_count_the_rows_of_a_group_sharing_a_key(rows: list[tuple[int, int]]) -> None:
    rows.sort(key=lambda r: r[0])  # sorted by group, keys in any order
    group = np.array([g for g, _ in rows], dtype=np.int64)
    key = np.array([k for _, k in rows], dtype=np.int64)
    assert key_counts(group, key, 5).tolist() == [rows.count(r) for r in rows]


@given(st.lists(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9), st.integers(0, 4)),
                         min_size=1, max_size=6), min_size=1, max_size=5))
def test_consistent_totals_are_those_the_search_keeps_whole(
        totals: list[list[tuple[int, int, int]]]) -> None:
    claims = [sorted(total) for total in totals]  # (node, low, width) in node order
    offsets = np.r_[0, np.cumsum([len(c) for c in claims])]
    node, low, width = (np.array(v) for v in zip(*[c for total in claims for c in total],
                                                  strict=True))
    n_nodes = np.array([max(n for n, _, _ in total) + 1 for total in claims])
    high = (low + width).astype(float)
    consistent = consistent_totals(offsets, node, low.astype(float), high)
    kept, _ = heaviest_running_totals(offsets, node, n_nodes, low.astype(float), high,
                                      np.ones(node.size, dtype=np.int64))
    whole = np.logical_and.reduceat(kept, offsets[:-1])
    assert consistent.tolist() == whole.tolist()
