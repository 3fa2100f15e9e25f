"""Running totals: the heaviest set of claims a non-decreasing total can meet, and its bounds.

A cumulative quantity is a running total ``X(t)`` that never falls. Its claims are

- *values* ``X(t) in [low, high]`` at a time node ``t`` (a day, or a span such as a month
  when the report does not pin the day), and
- *increases* ``X(b) - X(a) in [low, high]`` over a period from node ``a`` to node ``b``
  (an average rate times the period's length is an increase).

Every constraint is a difference of two variables (a value is ``X(t) - X(origin)``), so the
system is a graph: the greatest value of ``X(t)`` is the shortest path from the origin to
``t``, the least is minus the shortest path back, and claims that cannot hold together are
a cycle of negative length (`difference_bounds`, Bellman-Ford per quantity, sums rounded up
so the bounds stay sound and are exact whenever the sums are).

For value claims alone the heaviest consistent set is exact (`heaviest_running_totals`):
when a quantity's nodes form a chain, a set is consistent exactly when every earlier claim's
low is at most every later claim's high, and a dynamic programme over the candidate levels
(the claims' lows) finds the heaviest such set in ``O(nodes x levels + claims)`` per quantity.

>>> kept, partner = heaviest_running_totals(
...     np.array([0, 4]), np.array([0, 1, 2, 3]), np.array([4]),
...     np.array([100.0, 310_000.0, 150.0, 200.0]), np.array([120.0, np.inf, 160.0, 210.0]),
...     np.array([1, 2, 1, 1]))
>>> kept.tolist(), partner.tolist()
([True, False, True, True], [-1, 2, -1, -1])
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from estimates._kernel import njit

__all__ = ["consistent_totals", "difference_bounds", "heaviest_running_totals", "negative_cycle"]


@njit(cache=True)
def _dp_segment(node: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
                weight: NDArray[np.int64], rank: NDArray[np.int64], n_nodes: int,
                kept: NDArray[np.bool_], partner: NDArray[np.int64], base: int) -> None:
    n = node.size
    levels = np.unique(low)
    v = levels.size
    g = np.zeros((n_nodes, v), dtype=np.int64)
    diff = np.zeros(v + 1, dtype=np.int64)
    first = np.zeros(n_nodes + 1, dtype=np.int64)
    for i in range(n):
        first[node[i] + 1] += 1
    for t in range(n_nodes):
        first[t + 1] += first[t]
    for t in range(n_nodes):
        diff[:] = 0
        for i in range(first[t], first[t + 1]):
            a = np.searchsorted(levels, low[i])
            b = np.searchsorted(levels, high[i], side="right")
            if b > a:
                diff[a] += weight[i]
                diff[b] -= weight[i]
        best = np.int64(0)
        cover = np.int64(0)
        for j in range(v):
            if t > 0 and g[t - 1, j] > best:
                best = g[t - 1, j]
            cover += diff[j]
            g[t, j] = best + cover
    # back-track from the heaviest final level (the least on ties)
    j = 0
    for k in range(v):
        if g[n_nodes - 1, k] > g[n_nodes - 1, j]:
            j = k
    for t in range(n_nodes - 1, -1, -1):
        level = levels[j]
        for i in range(first[t], first[t + 1]):
            kept[base + i] = low[i] <= level <= high[i]
        if t > 0:
            jj = 0
            for k in range(j + 1):
                if g[t - 1, k] > g[t - 1, jj]:
                    jj = k
            j = jj
    # a kept claim each excluded one cannot hold with: a greater low at or before its node,
    # else a smaller high at or after it (one exists, or the excluded claim could be kept);
    # the first such in time, then the least rank at one node
    top = -np.inf
    holder = -1
    for t in range(n_nodes):
        for i in range(first[t], first[t + 1]):
            if kept[base + i] and (low[i] > top or (low[i] == top and holder >= 0
                                                    and node[holder] == t and rank[i] < rank[holder])):
                top, holder = low[i], i
        for i in range(first[t], first[t + 1]):
            if not kept[base + i] and top > high[i]:
                partner[base + i] = base + holder
    floor = np.inf
    holder = -1
    for t in range(n_nodes - 1, -1, -1):
        for i in range(first[t], first[t + 1]):
            if kept[base + i] and (high[i] < floor or (high[i] == floor and holder >= 0
                                                       and node[holder] == t and rank[i] < rank[holder])):
                floor, holder = high[i], i
        for i in range(first[t], first[t + 1]):
            if not kept[base + i] and partner[base + i] < 0 and floor < low[i]:
                partner[base + i] = base + holder


@njit(cache=True)
def _consistent_all(offsets: NDArray[np.int64], node: NDArray[np.int64], low: NDArray[np.float64],
                    high: NDArray[np.float64]) -> NDArray[np.bool_]:
    out = np.ones(offsets.size - 1, dtype=np.bool_)
    for s in range(offsets.size - 1):
        a, b = offsets[s], offsets[s + 1]
        if b - a < 2:
            continue
        # quick accept: with a consistent set (no earlier low above a later high) keep all
        top = -np.inf
        ok = True
        t0 = node[a]
        pending = -np.inf
        for i in range(a, b):
            if node[i] != t0:
                t0 = node[i]
                top = max(top, pending)
            pending = max(pending, low[i])
            if top > high[i]:
                ok = False
                break
        if ok:
            # same-node claims must also meet each other
            i = a
            while i < b:
                j = i
                lo, hi = -np.inf, np.inf
                while j < b and node[j] == node[i]:
                    lo, hi = max(lo, low[j]), min(hi, high[j])
                    j += 1
                if lo > hi:
                    ok = False
                    break
                i = j
        out[s] = ok
    return out


@njit(cache=True)
def _dp_all(offsets: NDArray[np.int64], node: NDArray[np.int64], n_nodes: NDArray[np.int64],
            low: NDArray[np.float64], high: NDArray[np.float64], weight: NDArray[np.int64],
            rank: NDArray[np.int64], consistent: NDArray[np.bool_],
            ) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    kept = np.ones(node.size, dtype=np.bool_)
    partner = np.full(node.size, -1, dtype=np.int64)
    for s in range(offsets.size - 1):
        if not consistent[s]:
            a, b = offsets[s], offsets[s + 1]
            _dp_segment(node[a:b], low[a:b], high[a:b], weight[a:b], rank[a:b], n_nodes[s], kept,
                        partner, a)
    return kept, partner


def consistent_totals(offsets: NDArray[np.int64], node: NDArray[np.int64],
                      low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which running totals (laid out as for `heaviest_running_totals`) keep all their claims:
    no earlier low above a later high, and the claims at each node meet."""
    return _consistent_all(np.asarray(offsets, np.int64), np.asarray(node, np.int64),
                           np.asarray(low, np.float64), np.asarray(high, np.float64))


def heaviest_running_totals(offsets: NDArray[np.int64], node: NDArray[np.int64],
                            n_nodes: NDArray[np.int64], low: NDArray[np.float64],
                            high: NDArray[np.float64], weight: NDArray[np.int64],
                            rank: NDArray[np.int64] | None = None,
                            consistent: NDArray[np.bool_] | None = None,
                            ) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """The heaviest consistent value claims of each running total whose nodes form a chain.

    Claims are sorted by quantity, then node; quantity ``s`` holds claims
    ``offsets[s]:offsets[s+1]`` at nodes ``0..n_nodes[s]-1`` in time order. Weights are
    integers, so sums are exact. Returns (kept mask; for each excluded claim a kept one it
    cannot hold with, -1 for kept claims): of those that qualify, the first in time, then the
    least `rank` at one node (default: the first in order). `consistent` is
    `consistent_totals` when known (ranks matter only in the other totals).
    """
    if node.size == 0:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    rank = np.arange(node.size) if rank is None else rank
    if consistent is None:
        consistent = consistent_totals(offsets, node, low, high)
    return _dp_all(np.asarray(offsets, np.int64), np.asarray(node, np.int64), np.asarray(n_nodes, np.int64),
                   np.asarray(low, np.float64), np.asarray(high, np.float64), np.asarray(weight, np.int64),
                   np.asarray(rank, np.int64), consistent)


@njit(cache=True)
def _add_up(a: float, b: float) -> float:
    """a + b rounded up (toward +inf): the float sum, nudged when it was rounded down."""
    s = a + b
    if math.isinf(s):
        return s
    bb = s - a
    error = (a - (s - bb)) + (b - bb)
    if error > 0.0:
        s = np.nextafter(s, np.inf)
    return s


@njit(cache=True)
def _shortest(n: int, u: NDArray[np.int64], v: NDArray[np.int64], w: NDArray[np.float64],
              dist: NDArray[np.float64]) -> bool:
    """Bellman-Ford from node 0 into `dist`; True when a negative cycle is reachable."""
    dist[:] = np.inf
    dist[0] = 0.0
    for _ in range(n + 1):
        changed = False
        for e in range(u.size):
            du = dist[u[e]]
            if du < np.inf:
                nd = _add_up(du, w[e])
                if nd < dist[v[e]]:
                    dist[v[e]] = nd
                    changed = True
        if not changed:
            return False
    return True


@njit(cache=True)
def _bounds_all(node_offsets: NDArray[np.int64], edge_offsets: NDArray[np.int64],
                u: NDArray[np.int64], v: NDArray[np.int64], w: NDArray[np.float64],
                floor: NDArray[np.float64], ceiling: NDArray[np.float64], rising: NDArray[np.bool_],
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    upper = np.empty(node_offsets[-1], dtype=np.float64)
    lower = np.empty(node_offsets[-1], dtype=np.float64)
    cyclic = np.zeros(node_offsets.size - 1, dtype=np.bool_)
    for s in range(node_offsets.size - 1):
        a, b = node_offsets[s], node_offsets[s + 1]
        ea, eb = edge_offsets[s], edge_offsets[s + 1]
        # the block's edges: the listed ones, then those of the node limits
        size = eb - ea
        for i in range(a + 1, b):
            size += int(np.isfinite(floor[i])) + int(np.isfinite(ceiling[i])) \
                + int(rising[i] and i + 1 < b)
        bu = np.empty(size, dtype=np.int64)
        bv = np.empty(size, dtype=np.int64)
        bw = np.empty(size, dtype=np.float64)
        k = eb - ea
        bu[:k] = u[ea:eb]
        bv[:k] = v[ea:eb]
        bw[:k] = w[ea:eb]
        for i in range(a + 1, b):
            if np.isfinite(floor[i]):
                bu[k], bv[k], bw[k] = i - a, 0, 0.0 - floor[i]
                k += 1
            if np.isfinite(ceiling[i]):
                bu[k], bv[k], bw[k] = 0, i - a, ceiling[i]
                k += 1
            if rising[i] and i + 1 < b:
                bu[k], bv[k], bw[k] = i + 1 - a, i - a, 0.0
                k += 1
        forward = np.empty(b - a, dtype=np.float64)
        backward = np.empty(b - a, dtype=np.float64)
        bad = _shortest(b - a, bu, bv, bw, forward)
        bad |= _shortest(b - a, bv, bu, bw, backward)
        cyclic[s] = bad
        for i in range(b - a):
            upper[a + i] = forward[i]
            lower[a + i] = 0.0 - backward[i]
    return lower, upper, cyclic


def difference_bounds(node_offsets: NDArray[np.int64], edge_offsets: NDArray[np.int64],
                      u: NDArray[np.int64], v: NDArray[np.int64], w: NDArray[np.float64],
                      floor: NDArray[np.float64] | None = None,
                      ceiling: NDArray[np.float64] | None = None,
                      rising: NDArray[np.bool_] | None = None,
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Bounds of ``x[v] - x[u] <= w`` systems, one per block, each with its origin at local node 0.

    Block ``s`` owns nodes ``node_offsets[s]:node_offsets[s+1]`` and edges
    ``edge_offsets[s]:edge_offsets[s+1]`` (``u``, ``v`` local node numbers). Limits per node
    (indexed like the nodes, origins included and ignored) add edges without listing them:
    ``x >= floor``, ``x <= ceiling`` and, where `rising`, ``x <= x`` of the block's next node
    (infinite limits and False add none). Returns (least, greatest value of each node
    relative to its origin; a negative cycle per block, when the bounds of that block mean
    nothing).

    >>> lower, upper, cyclic = difference_bounds(np.array([0, 3]), np.array([0, 4]),
    ...     np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]), np.array([10.0, -5.0, 3.0, 0.0]))
    >>> lower.tolist(), upper.tolist(), cyclic.tolist()
    ([0.0, 5.0, 5.0], [0.0, 10.0, 13.0], [False])
    """
    size = int(node_offsets[-1])
    return _bounds_all(np.asarray(node_offsets, np.int64), np.asarray(edge_offsets, np.int64),
                       np.asarray(u, np.int64), np.asarray(v, np.int64), np.asarray(w, np.float64),
                       np.full(size, -np.inf) if floor is None else np.asarray(floor, np.float64),
                       np.full(size, np.inf) if ceiling is None else np.asarray(ceiling, np.float64),
                       np.zeros(size, dtype=bool) if rising is None else np.asarray(rising, bool))


@njit(cache=True)
def negative_cycle(n: int, u: NDArray[np.int64], v: NDArray[np.int64], w: NDArray[np.float64],
                   active: NDArray[np.bool_]) -> NDArray[np.int64]:
    """The edges (in order) of a negative cycle of the `active` ``x[v] - x[u] <= w`` edges over
    nodes 0..n-1, by Bellman-Ford from every node at once; empty when there is none.

    >>> negative_cycle(2, np.array([0, 1]), np.array([1, 0]), np.array([10.0, -20.0]),
    ...                np.array([True, True])).tolist()
    [0, 1]
    """
    dist = np.zeros(n)
    via = np.full(n, -1, dtype=np.int64)
    touched = -1
    for _ in range(n + 1):
        touched = -1
        for e in range(u.size):
            if active[e] and dist[u[e]] + w[e] < dist[v[e]] - 1e-9 * max(1.0, abs(dist[v[e]])):
                dist[v[e]] = dist[u[e]] + w[e]
                via[v[e]] = e
                touched = v[e]
        if touched < 0:
            return np.zeros(0, dtype=np.int64)
    node = touched
    for _ in range(n):
        node = u[via[node]]
    cycle = np.empty(n + 1, dtype=np.int64)
    size = 0
    current = node
    while True:
        cycle[size] = via[current]
        size += 1
        current = u[via[current]]
        if current == node:
            return cycle[:size][::-1].copy()
