"""The level stage: on each level quantity at each time, the heaviest consistent claims.

Claims on a *level* quantity are compared when their times lie within the window of the
first time of their cluster (a coarse time, a month or a year, only with the very same
span); each cluster is a *slot*. In a slot the kept claims are those holding the point of
greatest covering weight (`estimates.sweep`), each source's claims sharing its weight; a
claim left out is in conflict with one kept claim it does not meet (`disjoint`). Where
several points weigh the most, the claims in some but not all of the choices are disputed
and the slot's range covers every choice. Claims in linked groups are weighed here too;
their ties are left to the linear programmes.

>>> import pandas as pd
>>> from estimates.reconcile import reconcile
>>> frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x", "x"], "value": ["12,000", "10,000"],
...                       "as_of": ["2024-10-01", "2024-10-01"]})
>>> reconcile(frame).claims["status"].tolist()
['disputed', 'disputed']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from estimates.reconcile.findings import REASON_CODES, Findings, Marks
from estimates.reconcile.groups import Groups
from estimates.reconcile.reasons import Reason
from estimates.reconcile.sorting import _lexsort, _run_numbers
from estimates.reconcile.table import Sources, Table
from estimates.sweep import anchor_clusters, heaviest_point, partners, tied_points

__all__ = ["Levels", "weigh_levels"]


@dataclass(frozen=True, slots=True)
class Levels:
    """The level claims by slot, the ranges of tied slots, and the findings so far."""

    #: the valid claims on level quantities, in quantity and time order
    rows: NDArray[np.int64]
    #: each of `rows`' slot (ascending)
    slot: NDArray[np.int64]
    #: the slots whose heaviest choice is tied, with the range covering every choice:
    #: (slots, lows, highs)
    tied: tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]
    #: the findings with those of this stage
    findings: Findings


def weigh_levels(t: Table, s: Sources, g: Groups, before: Findings) -> Levels:
    """The heaviest consistent level claims of each slot (see the module)."""
    m = before.open()
    rows = np.flatnonzero(t.valid & ~t.expression & t.is_value & ~t.cumulative & (g.q >= 0))
    # in quantity and time order, so the slots below come in order (and every later sort
    # by slot finds its input sorted)
    lane = t.lane(t.start[rows], t.end[rows])
    rows = rows[_lexsort((t.end[rows], t.start[rows], lane, g.q[rows]))]
    no_ties = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if rows.size == 0:
        return Levels(rows, np.zeros(0, dtype=np.int64), no_ties, m.close())
    q = g.q[rows]
    slot = anchor_clusters(_run_numbers(q, t.lane(t.start[rows], t.end[rows])),
                           t.start[rows], t.end[rows],
                           np.full(rows.size, t.window, dtype=np.int64), ordered=True)
    weight = s.shares(t.weight, slot, rows)
    low, high = t.low[rows], t.high[rows]
    kept, _, tied = heaviest_point(slot, low, high, weight)
    if kept.all():
        return Levels(rows, slot, no_ties, m.close())
    # partners only where something was excluded (tie-break by id, so order does not matter)
    busy = np.zeros(int(slot.max()) + 1, dtype=bool)
    busy[slot[~kept]] = True
    sub = np.flatnonzero(busy[slot])
    ties = no_ties
    if tied.any():
        kept, ties = _ties(t, g, m, rows, slot, sub[tied[slot[sub]]], weight, kept)
    mate = partners(slot[sub], low[sub], high[sub], kept[sub], t.tie(rows[sub]))
    kept |= m.disputed[rows]
    m.excluded[rows[~kept]] = True
    out = np.flatnonzero(~kept[sub])
    a, b = rows[sub[out]], rows[sub[mate[out]]]
    gap = np.maximum(t.low[a] - t.high[b], t.low[b] - t.high[a])
    m.pairs.append((np.full(a.size, REASON_CODES.index(Reason.DISJOINT)), b, a, gap))
    return Levels(rows, slot, ties, m.close())


def _ties(t: Table, g: Groups, m: Marks, rows: NDArray[np.int64], slot: NDArray[np.int64],
          sub: NDArray[np.int64], weight: NDArray[np.int64], kept: NDArray[np.bool_],
          ) -> tuple[NDArray[np.bool_], tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]]:
    """Where several choices of level claims weigh the most, the claims in some but not
    all of them are disputed (not excluded) and their range covers every choice; the
    claims every choice holds are kept. Returns the claims that hold the first choice
    (whose partners name the excluded claims' conflicts), and the tied slots with the
    range of every choice. Linked groups are left to the linear programmes."""
    s, low, high = slot[sub], t.low[rows[sub]], t.high[rows[sub]]
    count, points = tied_points(s, low, high, weight[sub])
    starts = np.r_[0, np.cumsum(count)[:-1]]
    tied = (count[s] > 1) & ~g.in_linked[rows[sub]]
    if not tied.any():
        return kept, (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    at = np.flatnonzero(tied)
    s, low, high = s[at], low[at], high[at]
    holds_all = np.ones(at.size, dtype=bool)
    holds_any = np.zeros(at.size, dtype=bool)
    first = np.zeros(at.size, dtype=bool)
    slots = np.unique(s)
    tie_low, tie_high = np.full(slots.size, np.inf), np.full(slots.size, -np.inf)
    where = np.searchsorted(slots, s)
    for k in range(int(count[slots].max())):
        has = k < count[s]
        point = np.where(has, points[np.minimum(starts[s] + k, points.size - 1)], np.nan)
        holds = has & (low <= point) & (point <= high)
        holds_all &= holds | ~has
        holds_any |= holds
        if k == 0:
            first = holds
        choice_low = np.full(slots.size, -np.inf)
        choice_high = np.full(slots.size, np.inf)
        np.maximum.at(choice_low, where[holds], low[holds])
        np.minimum.at(choice_high, where[holds], high[holds])
        real = k < count[slots]
        tie_low[real] = np.minimum(tie_low[real], choice_low[real])
        tie_high[real] = np.maximum(tie_high[real], choice_high[real])
    out = kept.copy()
    out[sub[at]] = first
    disputed = holds_any & ~holds_all
    m.disputed[rows[sub[at[disputed]]]] = True
    # every two disputed claims of a slot that do not meet: the minimal conflicts the
    # weights could not decide (in one dimension, a set that cannot hold has such a pair)
    mine = rows[sub[at]]
    lower, upper = _disjoint_pairs(s[disputed], low[disputed], high[disputed])
    b, a = mine[disputed][lower], mine[disputed][upper]
    gap = t.low[a] - t.high[b]
    m.pairs.append((np.full(a.size, REASON_CODES.index(Reason.DISJOINT)), b, a, gap))
    m.tied.update(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))
    return out, (slots, tie_low, tie_high)


def _disjoint_pairs(slot: NDArray[np.int64], low: NDArray[np.float64], high: NDArray[np.float64],
                    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every two intervals of one slot that do not meet, as (lower, upper) positions: the
    upper's low above the lower's high.

    >>> _disjoint_pairs(np.array([0, 0, 0]), np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    (array([0, 0, 1]), array([1, 2, 2]))
    """
    values, rank = np.unique(np.r_[low, high], return_inverse=True)
    span = values.size + 1
    low_key, high_key = slot * span + rank[:low.size], slot * span + rank[low.size:]
    order = np.argsort(low_key, kind="stable")
    keys = low_key[order]
    first = np.searchsorted(keys, high_key, side="right")
    end = np.searchsorted(keys, (slot + 1) * span, side="left")
    count = np.maximum(end - first, 0)
    lower = np.repeat(np.arange(slot.size), count)
    step = np.arange(lower.size) - np.repeat(np.cumsum(count) - count, count)
    return lower, order[np.repeat(first, count) + step]
