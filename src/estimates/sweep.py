"""The heaviest consistent set of intervals, for many groups at once, by a sweep over their ends.

In one dimension intervals that meet pairwise share a point (Helly), so the heaviest
consistent set of claims on one quantity at one time is the set of intervals holding the
point of greatest covering weight. A sweep over each group's ends in order (a compiled
kernel, one group after another) finds that point for every group; weights are integers so
the sums are exact and the answer does not depend on the order of the claims.

>>> kept, point, _ = heaviest_point(np.array([0, 0, 0]), np.array([1.0, 2.0, 10.0]),
...                                 np.array([3.0, 4.0, 11.0]), np.array([1, 1, 1]))
>>> kept.tolist(), point.tolist()
([True, True, False], [2.0])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates._kernel import njit

__all__ = ["anchor_clusters", "heaviest_point", "key_counts", "partners",
           "prefix_max_before", "tied_points"]


@njit(cache=True)
def _sweep(bounds: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
           weight: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    point = np.full(bounds.size - 1, np.nan)
    tied = np.zeros(bounds.size - 1, dtype=np.bool_)
    for g in range(bounds.size - 1):
        a, b = bounds[g], bounds[g + 1]
        if b == a:
            continue
        lows, highs = np.argsort(low[a:b]) + a, np.argsort(high[a:b]) + a
        # merge the ends in order, a low before a high at the same coordinate (closed intervals)
        running, best, j, dropped = 0, -1, 0, False
        for i in lows:
            while j < b - a and high[highs[j]] < low[i]:
                running -= weight[highs[j]]
                j += 1
                dropped = True
            running += weight[i]
            if running > best:
                best, point[g], dropped, tied[g] = running, low[i], False, False
            elif running == best and dropped:
                tied[g] = True  # another set of claims, as heavy: see `tied_points`
    return point, tied


@njit(cache=True)
def _tied(bounds: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
          weight: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    count = np.zeros(bounds.size - 1, dtype=np.int64)
    points = np.empty(low.size, dtype=np.float64)
    emitted = 0
    for g in range(bounds.size - 1):
        a, b = bounds[g], bounds[g + 1]
        if b == a:
            continue
        lows, highs = np.argsort(low[a:b]) + a, np.argsort(high[a:b]) + a
        best = np.int64(-1)
        for sweep in range(2):  # the greatest weight, then each distinct set that reaches it
            running, j, dropped = np.int64(0), 0, True
            for i in lows:
                while j < b - a and high[highs[j]] < low[i]:
                    running -= weight[highs[j]]
                    j += 1
                    dropped = True
                running += weight[i]
                if sweep == 0:
                    best = max(best, running)
                elif running == best and dropped:
                    points[emitted] = low[i]
                    emitted += 1
                    count[g] += 1
                    dropped = False
    return count, points[:emitted].copy()


def tied_points(group: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
                weight: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """For groups 0..G-1 of closed intervals (sorted by group), every heaviest consistent
    choice: a point held by each distinct heaviest set, in order (more than one: a tie).

    Returns (number of such points per group, the points of all groups one after another).

    >>> count, points = tied_points(np.array([0, 0, 1]), np.array([9.5, 11.5, 1.0]),
    ...                             np.array([10.5, 12.5, 2.0]), np.array([1, 1, 1]))
    >>> count.tolist(), points.tolist()
    ([2, 1], [9.5, 11.5, 1.0])
    """
    size = int(group.max()) + 1 if group.size else 0
    bounds = np.searchsorted(group, np.arange(size + 1))
    return _tied(bounds, np.asarray(low, np.float64), np.asarray(high, np.float64),
                 np.asarray(weight, np.int64))


def heaviest_point(group: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
                   weight: NDArray[np.int64],
                   ) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.bool_]]:
    """For groups 0..G-1 of closed intervals, keep those holding the heaviest point (the smallest).

    Returns the kept mask per interval, the point per group (NaN for a group with no
    interval), and per group whether another set of intervals is as heavy as the one kept (a
    tie, whose choices `tied_points` lists).

    >>> kept, point, tied = heaviest_point(np.array([0, 0]), np.array([1.0, 5.0]),
    ...                                    np.array([2.0, 6.0]), np.array([1, 1]))
    >>> kept.tolist(), tied.tolist()
    ([True, False], [True])
    """
    size = int(group.max()) + 1 if group.size else 0
    # in group order already (as `reconcile` gives them): views, not copies
    order = slice(None) if np.all(group[1:] >= group[:-1]) else np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(size + 1))
    point, tied = _sweep(bounds, np.asarray(low[order], np.float64), np.asarray(high[order], np.float64),
                         np.asarray(weight[order], np.int64))
    at = point[group]
    return (low <= at) & (at <= high), point, tied


def partners(group: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
             kept: NDArray[np.bool_], rank: NDArray[np.int64]) -> NDArray[np.int64]:
    """For each excluded interval, a kept one of its group that it does not meet (-1 for kept ones).

    An excluded interval lies wholly below the greatest kept low or wholly above the least
    kept high; ties go to the smallest `rank`.
    """
    result = np.full(group.size, -1, dtype=np.int64)
    kept_rows = np.flatnonzero(kept)
    if kept_rows.size == 0 or kept.all():
        return result
    size = int(group.max()) + 1
    by_low = kept_rows[np.lexsort((rank[kept_rows], -low[kept_rows], group[kept_rows]))]
    by_high = kept_rows[np.lexsort((rank[kept_rows], high[kept_rows], group[kept_rows]))]
    top_low = np.full(size, -1, dtype=np.int64)
    top_high = np.full(size, -1, dtype=np.int64)
    top_low[group[by_low][::-1]] = by_low[::-1]  # first of each group wins
    top_high[group[by_high][::-1]] = by_high[::-1]
    out = np.flatnonzero(~kept)
    below = top_low[group[out]]
    above = top_high[group[out]]
    has = below >= 0
    use_below = has & (high[out] < np.where(has, low[np.maximum(below, 0)], np.inf))
    result[out] = np.where(use_below, below, above)
    return result


@njit(cache=True)
def _anchor(group: NDArray[np.int64], start: NDArray[np.int64], end: NDArray[np.int64],
            window: NDArray[np.int64]) -> NDArray[np.int64]:
    out = np.empty(group.size, dtype=np.int64)
    cluster = -1
    anchor_end = 0
    for i in range(group.size):
        if i == 0 or group[i] != group[i - 1] or start[i] - anchor_end > window[i]:
            cluster += 1
            anchor_end = end[i]
        out[i] = cluster
    return out


def anchor_clusters(group: NDArray[np.int64], start: NDArray[np.int64], end: NDArray[np.int64],
                    window: NDArray[np.int64], *, ordered: bool = False) -> NDArray[np.int64]:
    """Cluster times within each group: a cluster takes every time starting at most `window`
    days after its first time ends (so any two times in it are within the window of the first).

    Input in any order (with `ordered`, sorted by group, start and end); returns a cluster
    number per row.
    """
    if ordered:
        return _anchor(group, start, end, window)
    order = np.lexsort((end, start, group))
    clusters = np.empty(group.size, dtype=np.int64)
    clusters[order] = _anchor(group[order], start[order], end[order], window[order])
    return clusters


@njit(cache=True)
def _key_counts(group: NDArray[np.int64], key: NDArray[np.int64], n_keys: int) -> NDArray[np.int64]:
    count = np.zeros(n_keys, dtype=np.int64)
    out = np.empty(group.size, dtype=np.int64)
    a = 0
    for i in range(group.size + 1):
        if i == group.size or group[i] != group[a]:
            for j in range(a, i):
                count[key[j]] += 1
            for j in range(a, i):
                out[j] = count[key[j]]
            for j in range(a, i):
                count[key[j]] = 0
            a = i
    return out


def key_counts(group: NDArray[np.int64], key: NDArray[np.int64], n_keys: int) -> NDArray[np.int64]:
    """For rows sorted by group, how many rows of its group share its key (keys in 0..n_keys-1).

    >>> key_counts(np.array([0, 0, 0, 1]), np.array([2, 0, 2, 2]), 3).tolist()
    [2, 1, 2, 1]
    """
    return _key_counts(np.asarray(group, np.int64), np.asarray(key, np.int64), n_keys)


def prefix_max_before(group: NDArray[np.int64], key: NDArray[np.int64], value: NDArray[np.float64],
                      query_group: NDArray[np.int64], query_key: NDArray[np.int64],
                      ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """For each query, the greatest `value` among rows of its group with ``key <= query_key``.

    Returns (that maximum, -inf when none; the row holding it, -1 when none). Keys are day
    numbers (well inside +-2**31).
    """
    if group.size == 0:
        return np.full(query_group.size, -np.inf), np.full(query_group.size, -1, dtype=np.int64)
    composite = (group.astype(np.int64) << 32) + (key.astype(np.int64) + (1 << 31))
    order = np.argsort(composite, kind="stable")
    sorted_key, g, v = composite[order], group[order], value[order]
    running = pd.Series(v).groupby(g).cummax().to_numpy()
    index = np.arange(v.size)
    holder_pos = np.maximum.accumulate(np.where(v == running, index, -1))
    query = (query_group.astype(np.int64) << 32) + (query_key.astype(np.int64) + (1 << 31))
    position = np.searchsorted(sorted_key, query, side="right") - 1
    safe = np.maximum(position, 0)
    valid = (position >= 0) & (g[safe] == query_group)
    best = np.where(valid, running[safe], -np.inf)
    holder = np.where(valid, order[holder_pos[safe]], -1)
    return best, holder
