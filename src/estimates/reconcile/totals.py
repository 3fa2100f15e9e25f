"""The running-total stage: on each cumulative quantity, the heaviest totals that never fall.

A running total's claims sit at *nodes*: the distinct times of its values and the ends of
its increases and rates. The kept values are the heaviest set a non-decreasing total can
meet (`estimates.cumulative`, a dynamic programme; a small integer programme where times
overlap); a value left out conflicts with one kept value (`falling_total`, or `disjoint`
at the same time). Then increases and rates are checked against the totals as difference
constraints: shortest paths give each node's bounds, and a negative cycle is a conflict,
resolved greedily (the lightest claim of each minimal cycle excluded, then every excluded
claim re-admitted, heaviest first, when no cycle returns). Ties are disputed.

>>> import pandas as pd
>>> from estimates.reconcile import reconcile
>>> frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x", "x"], "low": ["50", "10"],
...                       "high": ["60", "20"], "as_of": ["2024-10-01", "2024-11-01"],
...                       "kind": ["cumulative"] * 2, "claimant": ["A", "B"]})
>>> reconcile(frame).contradictions["reason"].tolist()
['falling_total']
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from estimates.cumulative import consistent_totals, difference_bounds, heaviest_running_totals, negative_cycle
from estimates.interval import IntervalArray
from estimates.reconcile.bounds import whole
from estimates.reconcile.findings import (
    REASON_CODES,
    Findings,
    Found,
    Marks,
    by_weight,
    lightest,
    reason_of,
    settle_ties,
)
from estimates.reconcile.groups import Groups
from estimates.reconcile.reasons import Reason
from estimates.reconcile.sorting import _lexsort, _runs
from estimates.reconcile.table import Sources, Table

__all__ = ["Nodes", "Totals", "weigh_totals"]


@dataclass(frozen=True, slots=True)
class Nodes:
    """The running totals' claims and the times (nodes) they are about, by quantity."""

    #: the valid value claims on running totals
    cum_value: NDArray[np.int64]
    #: the valid increase and rate claims on running totals
    cum_period: NDArray[np.int64]
    #: each node's quantity, first and last day (in quantity and time order)
    node_q: NDArray[np.int64]
    node_start: NDArray[np.int64]
    node_end: NDArray[np.int64]
    #: the node of each of `cum_value`
    value_node: NDArray[np.int64]
    #: the places in `cum_value` in node order
    value_by_node: NDArray[np.int64]
    #: the nodes of each of `cum_period`: (at its period's start, at its end)
    period_nodes: tuple[NDArray[np.int64], NDArray[np.int64]]
    #: each node's number within its quantity's nodes
    local: NDArray[np.int64]
    #: where each quantity's nodes (a block) start (plus the end)
    q_blocks: NDArray[np.int64]
    #: each node's block
    block_of_node: NDArray[np.int64]
    #: whether each block's nodes are instants in order (none overlaps the next)
    chained: NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Totals:
    """The running totals' nodes and each node's bounds, and the findings so far."""

    #: the nodes (None when no running total has claims)
    nodes: Nodes | None
    #: each node's least and greatest total
    node_low: NDArray[np.float64]
    node_high: NDArray[np.float64]
    #: the findings with those of this stage
    findings: Findings


def weigh_totals(t: Table, s: Sources, g: Groups, before: Findings) -> Totals:
    """The heaviest consistent claims of each running total and its nodes' bounds."""
    m = before.open()
    nd = _nodes(t, g)
    if nd is None:
        return Totals(None, np.zeros(0), np.zeros(0), m.close())
    _heaviest_totals(t, s, nd, m)
    node_low, node_high = _totals_bounds(t, g, nd, m)
    _disputed_totals(t, nd, m, node_low, node_high)
    return Totals(nd, node_low, node_high, m.close())


def _nodes(t: Table, g: Groups) -> Nodes | None:
    """The nodes of the running totals (None when there are no claims on one)."""
    plain = t.valid & ~t.expression & t.cumulative & (g.q >= 0)
    value = np.flatnonzero(plain & t.is_value)
    period = np.flatnonzero(plain & ~t.is_value)
    keys_q = np.concatenate([g.q[value], g.q[period], g.q[period]])
    keys_s = np.concatenate([t.start[value], t.pstart[period], t.pend[period]])
    keys_e = np.concatenate([t.end[value], t.pstart[period], t.pend[period]])
    if keys_q.size == 0:
        return None
    order = _lexsort((keys_e, keys_s, keys_q))
    sq, ss, se = keys_q[order], keys_s[order], keys_e[order]
    new = np.r_[True, (sq[1:] != sq[:-1]) | (ss[1:] != ss[:-1]) | (se[1:] != se[:-1])]
    node_id = np.empty(order.size, dtype=np.int64)
    node_id[order] = np.cumsum(new) - 1
    node_q, node_start, node_end = sq[new], ss[new], se[new]
    count = value.size
    value_by_node = order[order < count]  # value claims in node order
    # the keys are not needed by the stages below: free them (tens of MB per million claims)
    del keys_q, keys_s, keys_e, order, sq, ss, se, new
    # each quantity's nodes are consecutive; local number = id - first id of the quantity
    q_first = _runs(node_q)
    block_of_node = np.repeat(np.arange(q_first.size - 1), np.diff(q_first))
    chained = np.ones(q_first.size - 1, dtype=bool)
    same = node_q[1:] == node_q[:-1]
    broken = same & (node_end[:-1] > node_start[1:])
    chained[block_of_node[1:][broken]] = False
    return Nodes(value, period, node_q, node_start, node_end, node_id[:count], value_by_node,
                 (node_id[count:count + period.size], node_id[count + period.size:]),
                 np.arange(node_q.size) - q_first[block_of_node], q_first, block_of_node, chained)


def _disputed_totals(t: Table, nd: Nodes, m: Marks, node_low: NDArray[np.float64],
                     node_high: NDArray[np.float64]) -> None:
    """At a time whose values are disputed, the range covers each tied choice: the bounds
    the other claims give, met with the hull of the disputed claims."""
    disputed = m.disputed[nd.cum_value]
    if not disputed.any():
        return
    rows, nodes = nd.cum_value[disputed], nd.value_node[disputed]
    low = np.full(nd.node_q.size, np.inf)
    high = np.full(nd.node_q.size, -np.inf)
    np.minimum.at(low, nodes, t.low[rows])
    np.maximum.at(high, nodes, t.high[rows])
    at = np.unique(nodes)
    node_low[at] = np.maximum(node_low[at], low[at])
    node_high[at] = np.minimum(node_high[at], high[at])


def _heaviest_totals(t: Table, s: Sources, nd: Nodes, m: Marks) -> None:
    rows, node = nd.cum_value, nd.value_node
    if rows.size == 0:
        return
    block = nd.block_of_node[node]
    chain = nd.chained[block]
    by_node = nd.value_by_node
    weight = np.empty(rows.size, dtype=np.int64)
    weight[by_node] = s.shares(t.weight, node[by_node], rows[by_node])
    order = by_node[chain[by_node]]  # node ids are in (q, time) order
    r, b = rows[order], block[order]
    offsets = _runs(b)
    n_nodes = np.diff(nd.q_blocks)[b[offsets[:-1]]]
    at = node[order]
    local, low, high = nd.local[at], t.low[r], t.high[r]
    consistent = consistent_totals(offsets, local, low, high)
    # ranks matter only among claims at one node of a total that is searched
    shared = np.flatnonzero((np.bincount(at)[at] > 1) & np.repeat(~consistent, np.diff(offsets)))
    rank = np.zeros(order.size, dtype=np.int64)
    rank[shared] = t.tie(r[shared])
    kept, partner = heaviest_running_totals(offsets, local, n_nodes, low, high, weight[order],
                                            rank, consistent)
    out = np.flatnonzero(~kept)
    m.excluded[r[out]] = True
    later_first = node[order][partner[out]] > node[order][out]
    k, j = r[out], r[partner[out]]
    _record_totals(t, m, np.where(later_first, j, k), np.where(later_first, k, j))
    shares = weight[order]
    even = np.flatnonzero((shares[out] == shares[partner[out]]) & (at[out] == at[partner[out]]))
    if even.size:
        _total_ties(t, m, out[even], partner[out[even]], r, at, b)
    loose = np.flatnonzero(~chain)
    loose = loose[np.argsort(block[loose], kind="stable")]
    for a, z in itertools.pairwise(_runs(block[loose]).tolist()):
        _heaviest_partial(t, nd, m, rows[loose[a:z]], node[loose[a:z]], weight[loose[a:z]])


def _total_ties(t: Table, m: Marks, out: NDArray[np.int64], mate: NDArray[np.int64],
                rows: NDArray[np.int64], node: NDArray[np.int64], block: NDArray[np.int64]) -> None:
    """Ties among a running total's values: an excluded claim whose kept partner at the same
    time weighs the same, and which every other kept claim of the total allows (an earlier low at most its
    high, a later high at least its low, a claim at its time meeting it), could take the
    partner's place. Both are disputed and set aside (`out`, `mate`: positions in `rows`,
    in chain order, with their `node` and total `block`)."""
    low, high = t.low[rows], t.high[rows]
    starts = _runs(block)  # the claims of each total are consecutive
    segment = np.repeat(np.arange(starts.size - 1), np.diff(starts))
    for i, p in zip(out.tolist(), mate.tolist(), strict=True):
        k, j = int(rows[i]), int(rows[p])
        if m.disputed[k] or m.disputed[j] or m.excluded[j]:
            continue
        same = np.arange(starts[segment[i]], starts[segment[i] + 1])
        others = same[~m.excluded[rows[same]] & (same != p)]
        before, after = node[others] < node[i], node[others] > node[i]
        here = ~before & ~after
        clash = (before & (low[others] > high[i])) | (after & (high[others] < low[i])) \
            | (here & ((low[others] > high[i]) | (high[others] < low[i])))
        if not clash.any():
            m.disputed[[k, j]] = True
            m.excluded[[k, j]] = True
            m.tied.add((min(k, j), max(k, j)))


def _record_totals(t: Table, m: Marks, a: NDArray[np.int64], b: NDArray[np.int64]) -> None:
    """Record that claims ``a[i]`` and ``b[i]`` on one running total cannot both hold."""
    start, end = t.start, t.end
    same = (start[a] == start[b]) & (end[a] == end[b])
    a_first = (start[a] < start[b]) | ((start[a] == start[b]) & (
        (end[a] < end[b]) | ((end[a] == end[b]) & (t.ids_at(a) <= t.ids_at(b)))))
    earlier, later = np.where(a_first, a, b), np.where(a_first, b, a)
    gap = np.where(same, np.maximum(t.low[a] - t.high[b], t.low[b] - t.high[a]),
                   t.low[earlier] - t.high[later])
    reason = np.where(same, REASON_CODES.index(Reason.DISJOINT), REASON_CODES.index(Reason.FALLING_TOTAL))
    m.pairs.append((reason, earlier, later, gap))


def _heaviest_partial(t: Table, nd: Nodes, m: Marks, rows: NDArray[np.int64], node: NDArray[np.int64],
                      weight: NDArray[np.int64]) -> None:
    """Exact heaviest set when some times overlap (spans): a small integer programme."""
    start, end = nd.node_start[node], nd.node_end[node]
    low, high = t.low[rows], t.high[rows]
    n = rows.size
    i, j = np.triu_indices(n, 1)
    same = (node[i] == node[j])
    before = end[i] <= start[j]
    after = end[j] <= start[i]
    clash = (same & ((low[i] > high[j]) | (low[j] > high[i]))) | (before & (low[i] > high[j])) \
        | (after & (low[j] > high[i]))
    i, j = i[clash], j[clash]
    if i.size == 0:
        return
    matrix = sparse.coo_matrix((np.ones(2 * i.size), (np.r_[np.arange(i.size)] .repeat(2),
                                np.column_stack([i, j]).ravel())), shape=(i.size, n))
    from scipy.optimize import LinearConstraint, milp  # rare: loaded when needed (0.2 s)

    result = milp(-weight.astype(np.float64), integrality=np.ones(n),
                  bounds=(0, 1), constraints=LinearConstraint(matrix, -np.inf, 1))
    kept = np.rint(result.x).astype(bool) if result.x is not None else np.ones(n, dtype=bool)
    for k in np.flatnonzero(~kept):
        mates = np.r_[j[(i == k) & kept[j]], i[(j == k) & kept[i]]]
        m.excluded[rows[k]] = True
        if mates.size:
            mate = mates[np.argmin(t.tie(rows[mates]))]
            _record_totals(t, m, rows[[k]], rows[[mate]])


def _edges(t: Table, g: Groups, nd: Nodes, m: Marks, blocks: NDArray[np.int64], everything: bool = False,
           ) -> tuple[NDArray[Any], ...]:
    """Difference edges (block, u, v, tag) and weights of the running totals in `blocks`:
    of every claim with `everything`, else of the claims not excluded less those that
    `_node_limits` gives (the nodes' own edges)."""
    wanted = np.zeros(nd.q_blocks.size - 1, dtype=bool)
    wanted[blocks] = True
    parts_b: list[NDArray[Any]] = []
    parts_u: list[NDArray[Any]] = []
    parts_v: list[NDArray[Any]] = []
    parts_w: list[NDArray[Any]] = []
    parts_t: list[NDArray[Any]] = []

    def add(block: NDArray[np.int64], u: NDArray[np.int64], v: NDArray[np.int64],
            w: NDArray[np.float64], tag: NDArray[np.int64]) -> None:
        keep = wanted[block] & np.isfinite(w)
        for part, values in zip((parts_b, parts_u, parts_v, parts_w, parts_t),
                                (block, u, v, w, tag), strict=True):
            part.append(values[keep])

    nodes = np.arange(nd.node_q.size)
    blk = nd.block_of_node
    local = nd.local + 1
    none = np.full(nodes.size, -1, dtype=np.int64)
    same = np.flatnonzero(nd.node_q[1:] == nd.node_q[:-1])
    chain = nd.chained[blk[same]]
    s = same[chain]
    if everything:
        add(blk, local, np.zeros_like(local), np.zeros(nodes.size), none)  # never negative
        add(blk[s], local[s + 1], local[s], np.zeros(s.size), none[s])  # total never falls
    for b in np.unique(blk[same[~chain]]):
        if not wanted[b]:
            continue
        first, last = nd.q_blocks[b], nd.q_blocks[b + 1]
        i, j = np.nonzero(nd.node_end[first:last, None] <= nd.node_start[None, first:last])
        add(np.full(i.size, b), j + 1, i + 1, np.zeros(i.size), np.full(i.size, -1))
    if everything:
        r, at = nd.cum_value, nd.value_node
        b, loc = blk[at], local[at]
        add(b, np.zeros_like(loc), loc, t.high[r], r)
        add(b, loc, np.zeros_like(loc), np.where(t.low[r] > 0, -t.low[r], np.inf), r)
    live = ~m.excluded[nd.cum_period] | everything
    r = nd.cum_period[live]
    na, nb = nd.period_nodes[0][live], nd.period_nodes[1][live]
    low, high = t.low[r], t.high[r]
    rate = t.is_rate[r]
    if rate.any():
        days = (t.pend[r] - t.pstart[r]).astype(np.float64)
        total = IntervalArray._raw(low[rate], high[rate]) * days[rate]
        low, high = low.copy(), high.copy()
        low[rate], high[rate] = whole(total.low, total.high, g.count_q[g.q[r[rate]]])
    add(blk[na], local[na], local[nb], high, r)
    add(blk[na], local[nb], local[na], -low, r)
    arrays = [np.concatenate(p) if p else np.zeros(0) for p in
              (parts_b, parts_u, parts_v, parts_w, parts_t)]
    order = np.argsort(arrays[0], kind="stable")
    return tuple(a[order] for a in arrays)


def _node_limits(t: Table, nd: Nodes, m: Marks,
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Per node: the greatest low of its claims not excluded (at least 0: a total is never
    negative), their least high, and whether the next node of a chained total is later."""
    live = ~m.excluded[nd.cum_value]
    rows, nodes = nd.cum_value[live], nd.value_node[live]
    floor, ceiling = np.zeros(nd.node_q.size), np.full(nd.node_q.size, np.inf)
    np.maximum.at(floor, nodes, t.low[rows])
    np.minimum.at(ceiling, nodes, t.high[rows])
    rising = np.r_[(nd.node_q[1:] == nd.node_q[:-1]) & nd.chained[nd.block_of_node[:-1]],
                   False]
    return floor, ceiling, rising


def _totals_bounds(t: Table, g: Groups, nd: Nodes, m: Marks,
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each node's bounds (least, greatest total), resolving the conflicts that increases
    and rates bring first where they make a negative cycle."""
    blocks = np.arange(nd.q_blocks.size - 1)
    node_low = np.zeros(nd.node_q.size)
    node_high = np.full(nd.node_q.size, np.inf)
    cyclic = np.flatnonzero(_bounds_of(nd, blocks, _edges(t, g, nd, m, blocks), node_low, node_high,
                                       _node_limits(t, nd, m)))
    if cyclic.size == 0:
        return node_low, node_high
    edges = _edges(t, g, nd, m, cyclic, everything=True)
    cuts = np.asarray(np.searchsorted(edges[0], np.r_[cyclic, cyclic[-1] + 1]), dtype=np.int64)
    _, u, v, w, tag = edges
    for b, lo, hi in zip(cyclic.tolist(), cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        _break_cycles(t, g, nd, m, b, u[lo:hi], v[lo:hi], w[lo:hi], tag[lo:hi])
    tag = edges[4]
    live = (tag < 0) | ~m.excluded[np.maximum(tag, 0)]
    _bounds_of(nd, cyclic, tuple(a[live] for a in edges), node_low, node_high)
    disputed = np.unique(tag[(tag >= 0) & m.disputed[np.maximum(tag, 0)]])
    if disputed.size:
        _cover_disputed(nd, edges, live, disputed, node_low, node_high)
    return node_low, node_high


def _cover_disputed(nd: Nodes, edges: tuple[NDArray[Any], ...], live: NDArray[np.bool_],
                    disputed: NDArray[np.int64], node_low: NDArray[np.float64],
                    node_high: NDArray[np.float64]) -> None:
    """Where increases or rates of a total are disputed, its nodes' bounds cover each tied
    choice: the hull, over the disputed claims, of the bounds the kept claims give with
    that one (`edges`: of the totals with cycles, in block order; `live`: the kept ones).
    A round per disputed claim of a total, each over all such totals at once."""
    block, tag = edges[0], edges[4]
    owner = np.full(int(disputed.max()) + 1, -1, dtype=np.int64)
    at = np.flatnonzero(np.isin(tag, disputed))
    owner[tag[at]] = block[at]
    claim_block = owner[disputed]
    order = np.lexsort((disputed, claim_block))
    claim_block, claims = claim_block[order], disputed[order]
    depth = np.arange(claims.size) - np.searchsorted(claim_block, claim_block)
    hull_low, hull_high = np.full(node_low.size, np.inf), np.full(node_high.size, -np.inf)
    scratch_low, scratch_high = node_low.copy(), node_high.copy()
    for d in range(int(depth.max()) + 1):
        blocks, chosen = claim_block[depth == d], claims[depth == d]
        pick = np.full(nd.q_blocks.size - 1, -2, dtype=np.int64)
        pick[blocks] = chosen
        take = np.isin(block, blocks) & (live | (tag == pick[block]))
        _bounds_of(nd, blocks, tuple(a[take] for a in edges), scratch_low, scratch_high)
        nodes = np.flatnonzero(np.isin(nd.block_of_node, blocks))
        hull_low[nodes] = np.minimum(hull_low[nodes], scratch_low[nodes])
        hull_high[nodes] = np.maximum(hull_high[nodes], scratch_high[nodes])
    nodes = np.flatnonzero(np.isin(nd.block_of_node, np.unique(claim_block)))
    node_low[nodes], node_high[nodes] = hull_low[nodes], hull_high[nodes]


def _bounds_of(nd: Nodes, blocks: NDArray[np.int64], edges: tuple[NDArray[Any], ...],
               node_low: NDArray[np.float64], node_high: NDArray[np.float64],
               limits: tuple[NDArray[Any], ...] | None = None) -> NDArray[np.bool_]:
    """Shortest-path bounds of the nodes of `blocks` (with `_node_limits`, of every node),
    set in `node_low` and `node_high`; returns the blocks with a negative cycle."""
    block, u, v, w, _ = edges
    sizes = np.diff(nd.q_blocks)[blocks] + 1
    node_offsets = np.r_[0, np.cumsum(sizes)]
    position = np.zeros(nd.q_blocks.size - 1, dtype=np.int64)
    position[blocks] = np.arange(blocks.size)
    edge_offsets = np.searchsorted(position[block], np.arange(blocks.size + 1), side="left") \
        if block.size else np.zeros(blocks.size + 1, dtype=np.int64)
    origin = np.zeros(int(node_offsets[-1]), dtype=bool)
    origin[node_offsets[:-1]] = True
    if limits is not None:
        limits = tuple(np.insert(limit, node_offsets[:-1] - np.arange(blocks.size), 0)
                       for limit in limits)
    lower, upper, cyclic = difference_bounds(node_offsets, edge_offsets, u, v, w,
                                             *(limits or ()))
    chosen = np.zeros(nd.q_blocks.size - 1, dtype=bool)
    chosen[blocks] = True
    nodes = np.flatnonzero(chosen[nd.block_of_node])  # blocks are ascending
    node_low[nodes] = np.maximum(lower[~origin], 0.0)
    node_high[nodes] = upper[~origin]
    out = np.zeros(nd.q_blocks.size - 1, dtype=bool)
    out[blocks[cyclic]] = True
    return out


def _break_cycles(t: Table, g: Groups, nd: Nodes, m: Marks, block: int, u: NDArray[np.int64],
                  v: NDArray[np.int64], w: NDArray[np.float64], tag: NDArray[np.int64]) -> None:
    """Resolve the conflicts of one running total that its increases or rates bring."""
    n = int(nd.q_blocks[block + 1] - nd.q_blocks[block]) + 1
    fixed = tag < 0

    def cycle_with(claims: set[int]) -> NDArray[np.int64]:
        return negative_cycle(n, u, v, w, fixed | np.isin(tag, list(claims)))

    def conflict_in(claims: set[int]) -> Found | None:
        """A minimal conflict among `claims` (None when they hold)."""
        cycle = cycle_with(claims)
        if not cycle.size:
            return None
        conflict = sorted({int(x) for x in tag[cycle] if x >= 0}, key=lambda k: -t.weight[k])
        for k in list(conflict):
            if cycle_with(set(conflict) - {k}).size:
                conflict = [c for c in conflict if c != k]
        ids = dict(zip(conflict, t.ids_at(conflict).tolist(), strict=True))
        rows = sorted(conflict, key=lambda k: (t.start[k], t.end[k], ids[k]))
        return reason_of(t, g, rows), rows, float(-sum(w[cycle].tolist())), ()

    live = {int(x) for x in tag if x >= 0 and not m.excluded[x]}
    undecided: list[tuple[int, list[int]]] = []
    while (found := conflict_in(live)) is not None:
        rows = found[1]
        loser = lightest(t, rows)
        live.discard(loser)
        m.excluded[loser] = True
        undecided.append((loser, rows))
        m.found.append(found)
    # greedy re-admission, heaviest first: a claim comes back when no cycle returns with it
    for k in by_weight(t, sorted({int(x) for x in tag if x >= 0} - live))[::-1]:
        if not m.disputed[k] and not cycle_with(live | {k}).size:
            live.add(k)
            m.excluded[k] = False
    settle_ties(t, m, undecided, live, lambda kept: not cycle_with(kept).size, conflict_in)
