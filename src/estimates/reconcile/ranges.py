"""The ranges stage: each quantity's range at each time, its best point and its provenance.

The ranges come in parts, one per stage that found them: the level slots (the kept claims
met, or a tied slot's every choice), the running totals' nodes, the linked groups'
variables, and with ``at=`` the level and running-total ranges at the dates asked for.
`range_parts` takes them from the stages' outcomes; `join_parts` joins them (after the
outcomes are dropped: the joined columns reuse their memory); `range_table` makes the
table: bounds never negative and whole for counts, the best point (the weighted median of
the kept claims' points, clipped to the range; else the middle of a finite range, else its
finite end), the claims and sources of each range, and for a derived range of a linked
group the claims and relations it comes from. `find_changes` lists the moves between
consecutive ranges of a level quantity, with the rate they imply.

>>> import pandas as pd
>>> from estimates.reconcile import reconcile
>>> frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x", "x"], "low": ["10", "20"],
...                       "high": ["12", "30"], "as_of": ["2024-10-01", "2024-10-21"]})
>>> result = reconcile(frame)
>>> result.ranges["best"].tolist(), result.changes["days"].tolist()
([11.0, 25.0], [20])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.interval import IntervalArray
from estimates.reconcile.bounds import _middle, whole
from estimates.reconcile.columns import _arrow_text, _distinct, _id_lists, _reordered, _strings
from estimates.reconcile.findings import Findings
from estimates.reconcile.groups import Groups, Quantities
from estimates.reconcile.levels import Levels
from estimates.reconcile.linked import LinkedRange
from estimates.reconcile.result import CHANGE_COLUMNS
from estimates.reconcile.sorting import _code_starts, _lexsort, _runs, _sorted_within
from estimates.reconcile.table import Sources, Table
from estimates.reconcile.totals import Totals
from estimates.timeline import as_dates, format_span

__all__ = ["PlainRanges", "Ranges", "find_changes", "join_parts", "range_parts", "range_table"]

#: one part of the ranges: columns (quantity, first day, last day, low, high, derived),
#: then the member claims' rows and the range number of each
Part = list[NDArray[Any]]


@dataclass(frozen=True, slots=True)
class PlainRanges:
    """The ranges joined, in part order, with their member claims."""

    #: each range's quantity number, first and last day, bounds, and whether it is derived
    #: (no claim is about it directly)
    q: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    derived: NDArray[np.bool_]
    #: the member claims' rows, by range, and the range of each
    member_rows: NDArray[np.int64]
    member_range: NDArray[np.int64]
    #: the number of the first range of the linked groups
    lp_first: int


@dataclass(frozen=True, slots=True)
class Ranges:
    """The ranges table, and each range's quantity number, first and last day."""

    frame: pd.DataFrame
    q: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]


def range_parts(t: Table, g: Groups, levels: Levels, totals: Totals, linked: list[LinkedRange],
                findings: Findings) -> tuple[list[Part], int]:
    """The parts of the ranges (levels, running totals, linked groups, then those at the
    dates asked for), and the number of the first range of the linked groups."""
    lp = _lp_ranges(linked)
    parts = [part for part in (_level_ranges(t, g, levels, findings), _total_ranges(g, totals, findings), lp)
             if part is not None]
    if t.at.size:
        parts += [part for part in (_level_at(t, g, parts[0] if parts else None),
                                    _totals_at(t, g, totals)) if part is not None]
    count = 0
    lp_first = 0
    for part in parts:  # range numbers run on from one part to the next
        if part is lp:
            lp_first = count
        part[7] += count
        count += part[0].size
    return parts, lp_first


def join_parts(parts: list[Part], lp_first: int) -> PlainRanges:
    """The parts joined; `parts` is emptied, so each column's pieces are freed once joined."""
    if not parts:
        joined = [np.zeros(0, dtype=d) for d in (np.int64, np.int64, np.int64, np.float64,
                                                 np.float64, bool, np.int64, np.int64)]
    else:  # joined a column at a time, each column's pieces freed once joined (pop)
        pieces = [list(column) for column in zip(*parts, strict=True)]
        parts.clear()
        joined = [np.concatenate(pieces.pop(0)) for _ in range(8)]
    q, start, end, low, high, derived, rows, number = joined
    del joined
    return PlainRanges(q, start, end, low, high, derived, rows, number, lp_first)


def range_table(t: Table, s: Sources, quantities: Quantities, plain: PlainRanges,
                sources: list[tuple[list[int], list[int]]]) -> Ranges:
    """The ranges table (`sources`: beside each linked range, its group's kept claims and
    relation numbers). Give `plain` as a value no one else holds: its member arrays are
    dropped as soon as they are read (each is as long as all the ranges' claims)."""
    q, start, end, low, high, derived = plain.q, plain.start, plain.end, plain.low, plain.high, plain.derived
    mrow, mrange, lp_first = plain.member_rows, plain.member_range, plain.lp_first
    del plain
    # each range's distinct sources, in name order
    n_sources = max(s.names.size, 1)
    source = mrange * n_sources
    source += s.rank[s.codes[mrow]]
    source.sort(kind="stable")  # sorted but within ranges: timsort finds the runs
    source = source[np.r_[True, source[1:] != source[:-1]]] if source.size else source
    np.maximum(low, 0.0, out=low)
    count = quantities.count_q[q]
    low[:], high[:] = whole(low, high, count)  # linked ranges round inward (sound)
    size = q.size  # mrange is sorted
    best = _best(t, mrow, mrange, size, low, high)
    best = np.where(count, np.minimum(np.maximum(np.round(best), low), high), best)
    span, as_of = _distinct(format_span, start, end, ordered=True)
    name_rank = np.empty(quantities.name_of.size, dtype=np.int64)
    name_rank[np.argsort(quantities.name_of, kind="stable")] = np.arange(quantities.name_of.size)
    final = np.argsort(name_rank[q] * max(as_of.size, 1) + span, kind="stable")
    # the lists are made in their final order: the ids are gathered once, not twice
    bounds, rows = _reordered(_code_starts(mrange, size), final, mrow)
    del mrow, mrange
    claims = _id_lists(t.ids, bounds, rows, ordered=True)
    bounds, rows = _reordered(_code_starts(source // n_sources, size), final, source % n_sources)
    del source
    by_rank = np.empty_like(s.names)
    by_rank[s.rank] = s.names
    source_lists = _id_lists(_arrow_text(by_rank), bounds, rows, encoded=True)
    del bounds, rows
    derived_from, relations = _derivations(t, derived, final, sources, lp_first)
    q = q[final]
    frame = pd.DataFrame({"quantity": _strings(quantities.name_of[q]),
                          "as_of": _strings(as_of[span[final]]),
                          "as_of_start": as_dates(start[final]),
                          "as_of_end": as_dates(end[final]),
                          "low": low[final], "high": high[final], "best": best[final],
                          "unit": _strings(quantities.unit_of_q[q]),
                          "kind": _strings(quantities.kind_of_q[q]),
                          "claims": claims, "sources": source_lists,
                          "derived": derived[final], "derived_from": derived_from,
                          "relations": relations}, copy=False)
    return Ranges(frame, q, start[final], end[final])




def _level_at(t: Table, g: Groups, level: list[NDArray[Any]] | None) -> list[NDArray[Any]] | None:
    """Ranges of the unlinked level quantities at the dates asked for (`at`): the range of
    the nearest time whose window holds the date (none when no claim is that close)."""
    if level is None or level[0].size == 0 or g.kind_of_q[level[0][0]] != "level":
        return None
    q, start, end, low, high = level[:5]
    out: list[list[Any]] = [[], [], [], [], []]
    for day in t.at.tolist():
        distance = np.maximum(np.maximum(start - day, day - end), 0)
        near = (distance <= t.window) & ~((start == day) & (end == day))
        near &= end - start <= t.window  # a coarse time does not pin a day
        if not near.any():
            continue
        rows = np.flatnonzero(near)
        rows = rows[np.lexsort((distance[rows], q[rows]))]
        rows = rows[np.r_[True, q[rows][1:] != q[rows][:-1]]]
        for column, values in zip(out, (q[rows], np.full(rows.size, day), np.full(rows.size, day),
                                        low[rows], high[rows]), strict=True):
            column.append(values)
    return _part(out)


def _totals_at(t: Table, g: Groups, totals: Totals) -> list[NDArray[Any]] | None:
    """Ranges of the unlinked running totals at the dates asked for (`at`): at least the
    greatest bound of a total known before the date, at most the least known after it."""
    nd = totals.nodes
    if nd is None:
        return None
    nodes = np.flatnonzero(~g.linked[g.component[nd.node_q]])
    if nodes.size == 0:
        return None
    q = nd.node_q[nodes]
    out: list[list[Any]] = [[], [], [], [], []]
    names = np.unique(q)
    for day in t.at.tolist():
        before = nd.node_end[nodes] <= day
        after = nd.node_start[nodes] >= day
        low = np.zeros(g.name_of.size)
        high = np.full(g.name_of.size, np.inf)
        np.maximum.at(low, q[before], totals.node_low[nodes[before]])
        np.minimum.at(high, q[after], totals.node_high[nodes[after]])
        exact = np.zeros(g.name_of.size, dtype=bool)
        exact[q[(nd.node_start[nodes] == day) & (nd.node_end[nodes] == day)]] = True
        which = names[~exact[names]]
        for column, values in zip(out, (which, np.full(which.size, day), np.full(which.size, day),
                                        low[which], high[which]), strict=True):
            column.append(values)
    return _part(out)


def _part(columns: list[list[Any]]) -> list[NDArray[Any]] | None:
    """Ranges of no claim of their own as a part of `range_parts`."""
    if not columns[0]:
        return None
    q, start, end, low, high = (np.concatenate(c) for c in columns)
    return [q.astype(np.int64), start.astype(np.int64), end.astype(np.int64),
            low.astype(np.float64), high.astype(np.float64), np.ones(q.size, dtype=bool),
            np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)]


def _level_ranges(t: Table, g: Groups, levels: Levels, m: Findings) -> list[NDArray[Any]] | None:
    """`range_parts` of the level quantities: columns, member rows, their ranges."""
    rows = levels.rows
    keep = ~m.excluded[rows] & ~g.in_linked[rows]
    rows, slot = rows[keep], levels.slot[keep]  # slots are sorted
    if rows.size == 0:
        return None
    runs = _runs(slot)
    heads = runs[:-1]
    low = np.maximum.reduceat(t.low[rows], heads)
    high = np.minimum.reduceat(t.high[rows], heads)
    tied, tie_low, tie_high = levels.tied
    if tied.size:
        at = np.searchsorted(slot[heads], tied)
        low[at], high[at] = tie_low, tie_high
    return [g.q[rows[heads]], np.minimum.reduceat(t.start[rows], heads),
            np.maximum.reduceat(t.end[rows], heads), low, high,
            np.zeros(heads.size, bool), rows, np.repeat(np.arange(heads.size), np.diff(runs))]


def _total_ranges(g: Groups, totals: Totals, m: Findings) -> list[NDArray[Any]] | None:
    """`range_parts` of the running totals."""
    nd = totals.nodes
    if nd is None:
        return None
    linked_q = g.linked[g.component[nd.node_q]]
    live = ~m.excluded[nd.cum_value] | m.disputed[nd.cum_value]
    value_nodes = nd.value_node[live]
    periodic = ~m.excluded[nd.cum_period] | m.disputed[nd.cum_period]
    period_end = nd.period_nodes[1][periodic]
    report = np.zeros(nd.node_q.size, dtype=bool)
    report[value_nodes] = True
    report[period_end] = True
    report &= ~linked_q
    nodes = np.flatnonzero(report)
    index = np.full(nd.node_q.size, -1, dtype=np.int64)
    index[nodes] = np.arange(nodes.size)
    by_node = nd.value_by_node[live[nd.value_by_node]]  # so ranges come in order
    take = by_node[index[nd.value_node[by_node]] >= 0]
    # the members: the values at the node, and the increases and rates that end there
    rows = np.r_[nd.cum_value[take], nd.cum_period[periodic][index[period_end] >= 0]]
    number = np.r_[index[nd.value_node[take]], index[period_end][index[period_end] >= 0]]
    order = np.argsort(number, kind="stable")
    has = np.zeros(nodes.size, dtype=bool)
    has[number] = True
    return [nd.node_q[nodes], nd.node_start[nodes], nd.node_end[nodes],
            totals.node_low[nodes], totals.node_high[nodes], ~has, rows[order], number[order]]


def _lp_ranges(lp: list[LinkedRange]) -> list[NDArray[Any]] | None:
    """`range_parts` of the linked groups."""
    if not lp:
        return None
    sizes = [len(r[5]) for r in lp]
    return [*(np.array([r[c] for r in lp], dtype=dtype) for c, dtype in
              ((0, np.int64), (1, np.int64), (2, np.int64), (3, np.float64),
               (4, np.float64), (6, bool))),
            np.array([k for r in lp for k in r[5]], dtype=np.int64),
            np.repeat(np.arange(len(lp)), sizes)]


def _derivations(t: Table, derived: NDArray[np.bool_], final: NDArray[np.int64],
                 sources: list[tuple[list[int], list[int]]], first: int,
                 ) -> tuple[pd.api.extensions.ExtensionArray, pd.api.extensions.ExtensionArray]:
    """What each range (in `final` order) is derived from: for a derived range of a linked
    group, the group's kept claims (any of which can bound it through the relations) and
    the group's relations, with their lines; empty lists for the others. Few ranges are
    derived, so the loop is over them alone (`sources`: beside each linked range from
    `first` on, its group's kept claims and relation numbers)."""
    size = final.size
    claim_rows: dict[int, list[int]] = {}
    relation_numbers: dict[int, list[int]] = {}
    for i, (rows, numbers) in enumerate(sources):
        if derived[first + i]:
            claim_rows[first + i], relation_numbers[first + i] = rows, numbers
    position = np.empty(size, dtype=np.int64)
    position[final] = np.arange(size)
    ordered = sorted(claim_rows, key=lambda r: int(position[r]))
    claims_count = np.zeros(size, dtype=np.int64)
    relations_count = np.zeros(size, dtype=np.int64)
    at = position[ordered]
    claims_count[at] = [len(claim_rows[r]) for r in ordered]
    relations_count[at] = [len(relation_numbers[r]) for r in ordered]
    texts = np.array([t.relation_text(n, True) for n in range(len(t.relations))], dtype=object)
    claims = _id_lists(t.ids, np.r_[0, np.cumsum(claims_count)],
                       np.array([k for r in ordered for k in claim_rows[r]], dtype=np.int64),
                       ordered=True)
    relations = _id_lists(_arrow_text(texts), np.r_[0, np.cumsum(relations_count)],
                          np.array([n for r in ordered for n in relation_numbers[r]],
                                   dtype=np.int64), encoded=True)  # each text held once
    return claims, relations


def _best(t: Table, mrow: NDArray[np.int64], mrange: NDArray[np.int64], size: int,
          low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.float64]:
    """The documented best point: weighted median of the claims' points, clipped into the range."""
    best = _middle(low, high)
    p = _middle(t.low[mrow], t.high[mrow])
    given = t.frame["best"].to_numpy(np.float64)[mrow]
    np.copyto(p, given, where=~np.isnan(given))
    del given  # each array here is as long as all the ranges' claims: hold few at once
    usable = np.isfinite(p) & t.is_value[mrow]  # an increase's or rate's point is no total
    r, w = mrange, t.weight[mrow]
    if not usable.all():
        r, p, w = r[usable], p[usable], w[usable]
    del usable
    if r.size == 0:
        return best
    runs = _runs(r)  # r is sorted
    order = _sorted_within(p, runs)
    p = p[order]
    w = w[order]
    del order
    heads = runs[:-1]
    total = np.add.reduceat(w, heads)
    cumulative = np.cumsum(w)
    del w
    base = np.r_[0.0, cumulative[runs[1:-1] - 1]]
    at = np.searchsorted(cumulative, base + total / 2, side="left")
    at = np.clip(at, heads, runs[1:] - 1)
    median = p[at]
    which = r[heads]
    if which.size == size:  # every range, in order
        return np.minimum(np.maximum(median, low), high)
    best[which] = np.minimum(np.maximum(median, low[which]), high[which])
    return best


def find_changes(window: int, quantities: Quantities, found: Ranges) -> pd.DataFrame:
    """The changes between consecutive ranges of each level quantity; a range of a coarse
    date (longer than the `window`) pins no day, so it takes no part."""
    ranges, range_q, range_start, range_end = found.frame, found.q, found.start, found.end
    rows = np.flatnonzero((quantities.kind_of_q[range_q] == "level")
                          & (range_end - range_start <= window))
    if rows.size < 2:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    q, start = range_q[rows], range_start[rows]
    order = rows[_lexsort((start, q))]
    low, high = ranges["low"].to_numpy(np.float64), ranges["high"].to_numpy(np.float64)
    a, b = order[:-1], order[1:]
    moved = (range_q[a] == range_q[b]) & ((low[b] > high[a]) | (high[b] < low[a]))
    a, b = a[moved], b[moved]
    days = np.maximum(range_start[b] - range_start[a], 1)
    rate = (IntervalArray._raw(low[b], high[b]) - IntervalArray._raw(low[a], high[a])) \
        / days.astype(np.float64)
    as_of = ranges["as_of"].to_numpy(object)
    return pd.DataFrame({
        "quantity": _strings(ranges["quantity"].to_numpy(object)[b]),
        "from_as_of": _strings(as_of[a]), "to_as_of": _strings(as_of[b]),
        "from_low": low[a], "from_high": high[a], "to_low": low[b],
        "to_high": high[b], "days": days, "rate_low": rate.low, "rate_high": rate.high,
        "unit": _strings(ranges["unit"].to_numpy(object)[b] + " / day")},
        columns=list(CHANGE_COLUMNS))
