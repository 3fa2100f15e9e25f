"""The linked stage: quantities joined by relations or expression claims, as linear systems.

Each linked group (`groups`) is one system (`estimates.linear`): a variable per quantity
and time (a level quantity's times clustered by the window, a running total's each its
own and never falling), a row per claim and per relation at each time. The groups' claims
are resolved greedily: *greedy drop* excludes the lightest claim of each minimal conflict
until the rest hold, then *greedy re-admission* brings back every excluded claim,
heaviest first, that the kept claims still hold with. Ranges come from HiGHS with each
bound certified, a few groups solved side by side; a group whose relations cannot hold on
their own gives no ranges. Ranges are reported for every variable a claim speaks about and
at every time a claim names, or the dates asked for.

>>> import pandas as pd
>>> from estimates.reconcile import reconcile
>>> frame = pd.DataFrame({"id": ["k", "w"], "quantity": ["k", "w"], "low": ["10", "5"],
...                       "high": ["20", "8"], "as_of": ["2024-10-31", "2024-10-31"]})
>>> ranges = reconcile(frame, ["c = k + w"]).ranges.set_index("quantity")
>>> ranges.loc["c", ["low", "high"]].tolist()
[15.0, 28.0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.expression import Linear, Ratio
from estimates.interval import IntervalArray
from estimates.linear import System
from estimates.reconcile.bounds import whole
from estimates.reconcile.findings import Findings, Found, Marks, by_weight, lightest, reason_of, settle_ties
from estimates.reconcile.groups import Groups
from estimates.reconcile.sorting import _run_numbers, _runs
from estimates.reconcile.table import Table
from estimates.sweep import anchor_clusters

__all__ = ["Linked", "LinkedRange", "link_groups"]

_BATCH = 16  # linked groups solved side by side in one programme (HiGHS's fixed cost is shared)
_SWAPS_TOGETHER = 64  # fewer tie swaps than this are each tried by the solver (`_swaps_fail`)

#: a range of a linked group: (quantity, first day, last day, low, high, the claims on the
#: variable itself, derived: no claim is on the variable itself)
LinkedRange = tuple[int, int, int, float, float, list[int], bool]


#: each linked group's relations in normal form: (number, [(name, coefficient)], op, constant)
_Rules = dict[int, list[tuple[int, list[tuple[str, float]], str, float]]]


@dataclass(frozen=True, slots=True)
class Linked:
    """The ranges of the linked groups, what each is derived from, and the findings so far."""

    #: the ranges, group by group
    ranges: list[LinkedRange]
    #: beside each range: its group's kept claims and relation numbers
    sources: list[tuple[list[int], list[int]]]
    #: the findings with those of this stage
    findings: Findings


@dataclass(frozen=True, slots=True)
class _Context:
    """What the linked groups' systems are built from: the claims, their times, and per
    group its claims, times and relations."""

    t: Table
    g: Groups
    #: each claim's quantity name
    quantity: NDArray[np.object_]
    #: each time row's first and last day, cluster, and whether a claim names it
    time_start: NDArray[np.int64]
    time_end: NDArray[np.int64]
    time_cluster: NDArray[np.int64]
    time_named: NDArray[np.bool_]
    #: whether a claim names some time of each cluster
    cluster_named: NDArray[np.bool_]
    cluster_of_time: list[int]
    time_spans: list[tuple[int, int]]
    #: the time row of each (group, first day, last day)
    time_index: dict[tuple[int, int, int], int]
    #: each value claim's time row (-1 for others)
    time_of: NDArray[np.int64]
    #: whether each claim's low and high ends are excluded ("over", "fewer than")
    low_open: NDArray[np.bool_]
    high_open: NDArray[np.bool_]
    #: the names of the running totals
    cumulative_names: set[str]
    #: the increase over its period of each rate claim (rate times days)
    rate_totals: dict[int, tuple[float, float]]
    #: per group: its claims, its time rows, its relations in normal form
    group_rows: dict[int, NDArray[np.int64]]
    group_times: dict[int, NDArray[np.int64]]
    relations_by_group: _Rules


@dataclass(slots=True)
class _Work:
    """The linked stage's working state: its marks, the ranges found so far, and the groups
    whose relations cannot hold or whose conflicts may be ties."""

    m: Marks
    lp_ranges: list[LinkedRange] = field(default_factory=list)
    lp_sources: list[tuple[list[int], list[int]]] = field(default_factory=list)
    broken_groups: set[int] = field(default_factory=set)
    #: per linked group, the (excluded claim, its conflict) pairs that may be ties
    undecided: dict[int, list[tuple[int, list[int]]]] = field(default_factory=dict)


def link_groups(t: Table, g: Groups, before: Findings) -> Linked:
    """Solve each linked group (relations, expression claims) as a linear system."""
    w = _Work(before.open())
    rows = np.flatnonzero(t.valid & g.in_linked & (g.q >= 0))
    relations = _relations_by_group(t, g)
    w.m.broken.extend(_broken_without_claims(relations, {int(k) for k in np.unique(g.group[rows])}))
    if rows.size == 0:
        return Linked(w.lp_ranges, w.lp_sources, w.m.close())
    c = _context(t, g, rows, relations)
    names_by_group: dict[int, list[str]] = {}
    for name, i in g.names.items():
        group = int(g.component[i])
        if g.linked[group]:
            names_by_group.setdefault(group, []).append(name)
    built = [b for b in (_build_group(c, int(group), names_by_group.get(int(group), []))
                         for group in np.flatnonzero(g.linked)) if b is not None]
    if not built:
        return Linked(w.lp_ranges, w.lp_sources, w.m.close())
    # every group in one system: propagation over all at once finds most groups that
    # cannot hold as they stand (the rest fail their first witness programme, below)
    stacked, offsets = System.stack([b.system for b in built])
    ends = np.r_[offsets[1:], stacked.n].tolist()
    live = [_live(w, b) for b in built]
    bounds = stacked.bounds([k for kept in live for k in kept])
    failing = np.r_[0, np.cumsum(bounds[0] > bounds[1])]
    for b, start, end in zip(built, offsets.tolist(), ends, strict=True):
        if failing[end] > failing[start]:
            _resolve_group(c, w, b, infeasible=True)
        elif b.system.has_strict:  # may hold only at an excluded end, which bounds miss
            _resolve_group(c, w, b)
    _bulk_ties(c, w, built)
    blocked = _blocked(c, w)
    for b in built:
        _readmit(c, w, b, blocked)
    _settle(c, w, built)
    changed = [i for i, b in enumerate(built) if _live(w, b) != live[i]]
    if changed:  # bounds again where the claims kept have changed
        again, _ = System.stack([built[i].system for i in changed])
        fresh = again.bounds([k for i in changed for k in _live(w, built[i])])
        at = np.concatenate([np.arange(offsets[i], ends[i]) for i in changed])
        for whole_bounds, redone in zip(bounds, fresh, strict=True):
            whole_bounds[at] = redone
    for first in range(0, len(built), _BATCH):
        chunk = built[first:first + _BATCH]
        part = tuple(a[offsets[first]:ends[first + len(chunk) - 1]] for a in bounds)
        for b, (lows, highs) in zip(chunk, _chunk_ranges(c, w, chunk, part, blocked), strict=True):
            _report_group(c, w, b, lows, highs)
    return Linked(w.lp_ranges, w.lp_sources, w.m.close())


def _relations_by_group(t: Table, g: Groups) -> _Rules:
    """Each linked group's relations, once each in normal form: (number, [(name,
    coefficient)], op, constant)."""
    by_group: _Rules = {}
    for number, relation in t.linking:
        linked = int(g.component[g.names[relation.names[0]]])
        form, op = relation.normal()
        terms = [(name, float(coefficient)) for name, coefficient in form.terms]
        by_group.setdefault(linked, []).append((number, terms, op, float(form.constant)))
    return by_group


def _add_relation(system: System, number: int, terms: list[tuple[str, float]], op: str,
                  constant: float, variable: Callable[[str], int],
                  seen: set[tuple[Any, ...]] | None = None) -> None:
    """Relation `number` (in normal form) as a row of `system`, each name the variable
    `variable` gives it; not again if `seen` holds the same row."""
    coefficients: dict[int, float] = {}
    for name, coefficient in terms:
        index = variable(name)
        coefficients[index] = coefficients.get(index, 0.0) + coefficient
    if seen is not None:
        key = (tuple(sorted(coefficients.items())), op)
        if key in seen:
            return
        seen.add(key)
    system.add(coefficients, -math.inf if op == "<=" else -constant, -constant, -1, rule=number)


def _broken_without_claims(relations: _Rules, claimed: set[int]) -> list[tuple[int, ...]]:
    """The relations of each linked group that no claim speaks of which cannot hold on
    their own (``c = d + 1`` with ``d = c + 1``): a group with claims finds those when it
    is solved; one without has no time to be solved at, but its relations fail at any."""
    broken = []
    for group, rules in relations.items():
        if group in claimed:
            continue
        index = {name: k for k, name in enumerate(dict.fromkeys(n for _, terms, _, _ in rules
                                                                for n, _ in terms))}
        system = System(len(index))
        for number, terms, op, constant in rules:
            _add_relation(system, number, terms, op, constant, index.__getitem__)
        if not system.feasible([]):
            broken.append(tuple(system.needed_rules([])))
    return broken


def _context(t: Table, g: Groups, rows: NDArray[np.int64], relations: _Rules) -> _Context:
    """The times of the linked groups (level quantities cluster them by the window), the
    rates' increases, and each group's claims, times and relations (`rows`: the claims;
    `relations`: `_relations_by_group`)."""
    value = rows[t.is_value[rows]]
    periodic = rows[~t.is_value[rows]]
    groups = np.unique(g.group[rows])
    asked_group = np.repeat(groups, t.at.size)
    asked_day = np.tile(t.at, groups.size)
    group = np.concatenate([g.group[value], g.group[periodic], asked_group, g.group[periodic]])
    start = np.concatenate([t.start[value], t.pend[periodic], asked_day, t.pstart[periodic]])
    end = np.concatenate([t.end[value], t.pend[periodic], asked_day, t.pstart[periodic]])
    # the times a claim names (not a period's start) and the dates asked for are reported
    named = np.r_[np.ones(group.size - periodic.size, dtype=bool), np.zeros(periodic.size, bool)]
    times = pd.DataFrame({"group": group, "start": start, "end": end, "named": named})
    times = times.groupby(["group", "start", "end"], as_index=False, sort=False)["named"].any()
    times["lane"] = t.lane(times["start"].to_numpy(np.int64), times["end"].to_numpy(np.int64))
    times = times.sort_values(["group", "lane", "start", "end"]).reset_index(drop=True)
    time_group = times["group"].to_numpy(np.int64)
    times["cluster"] = anchor_clusters(_run_numbers(time_group, times["lane"].to_numpy(np.int64)),
                                       times["start"].to_numpy(np.int64),
                                       times["end"].to_numpy(np.int64),
                                       np.full(len(times), t.window, dtype=np.int64),
                                       ordered=True)
    time_start = times["start"].to_numpy(np.int64)
    time_end = times["end"].to_numpy(np.int64)
    time_cluster = times["cluster"].to_numpy(np.int64)
    time_named = times["named"].to_numpy(bool)
    cluster_named = np.zeros(int(time_cluster.max(initial=-1)) + 1, dtype=bool)
    np.logical_or.at(cluster_named, time_cluster, time_named)
    time_index = {key: k for k, key in enumerate(zip(
        time_group.tolist(), time_start.tolist(), time_end.tolist(), strict=True))}
    time_of = np.full(t.n, -1, dtype=np.int64)
    time_of[value] = [time_index[key] for key in zip(
        g.group[value].tolist(), t.start[value].tolist(), t.end[value].tolist(), strict=True)]
    order = rows[np.argsort(g.group[rows], kind="stable")]
    starts = _runs(g.group[order])
    torder = np.argsort(time_group, kind="stable")
    tstarts = _runs(time_group[torder])
    return _Context(
        t=t, g=g, quantity=t.quantity(), time_start=time_start, time_end=time_end,
        time_cluster=time_cluster, time_named=time_named, cluster_named=cluster_named,
        cluster_of_time=time_cluster.tolist(),
        time_spans=list(zip(time_start.tolist(), time_end.tolist(), strict=True)),
        time_index=time_index, time_of=time_of,
        low_open=t.frame["low_open"].to_numpy(bool), high_open=t.frame["high_open"].to_numpy(bool),
        cumulative_names={name for name, i in g.names.items() if g.kind_of_q[i] == "cumulative"},
        rate_totals=_rate_totals(t, g, rows),
        group_rows={int(g.group[order[a]]): order[a:b] for a, b in itertools.pairwise(starts)},
        group_times={int(time_group[torder[a]]): np.sort(torder[a:b])
                     for a, b in itertools.pairwise(tstarts)},
        relations_by_group=relations)


def _rate_totals(t: Table, g: Groups, rows: NDArray[np.int64]) -> dict[int, tuple[float, float]]:
    """The increase over its period that each rate claim of `rows` gives (rate times days)."""
    rate = rows[t.is_rate[rows]]
    days = t.pend[rate] - t.pstart[rate]
    total = IntervalArray._raw(t.low[rate], t.high[rate]) * days
    low, high = whole(total.low, total.high, g.count_q[g.q[rate]])
    return dict(zip(rate.tolist(), zip(low.tolist(), high.tolist(), strict=True), strict=True))


@dataclass(frozen=True, slots=True)
class _Group:
    """One linked group's linear system and how its variables and claims map to it."""

    #: rows of the group's claims, relations and running-total order
    system: System
    #: variable index of each (quantity name, slot)
    variables: dict[tuple[str, int], int]
    #: the claim rows of the group
    every: NDArray[np.int64]
    #: the variables each claim speaks about
    spoken_by: dict[int, set[tuple[str, int]]]
    #: the group's time rows
    times: NDArray[np.int64]


def _chunk_ranges(c: _Context, w: _Work, chunk: list[_Group], bounds: tuple[NDArray[Any], ...],
                  blocked: dict[int, list[list[int]]]) -> list[tuple[NDArray[np.float64], ...]]:
    """The ranges of a few groups, solved side by side (sharing each programme); when one
    of them cannot hold, each half on its own."""
    if len(chunk) == 1:
        return [_group_ranges(c, w, chunk[0], bounds, blocked)]
    together, offsets = System.stack([b.system for b in chunk])
    spans = [(o, o + b.system.n) for b, o in zip(chunk, offsets.tolist(), strict=True)]
    try:
        low, high = together.ranges([k for b in chunk for k in _live(w, b)], bounds)  # type: ignore[arg-type]
    except ValueError:  # a conflict propagation did not see
        half = len(chunk) // 2
        middle = spans[half][0]
        return (_chunk_ranges(c, w, chunk[:half], tuple(a[:middle] for a in bounds), blocked)
                + _chunk_ranges(c, w, chunk[half:], tuple(a[middle:] for a in bounds), blocked))
    return [(low[start:end], high[start:end]) for start, end in spans]


def _group_ranges(c: _Context, w: _Work, b: _Group, bounds: tuple[NDArray[Any], ...],
                  blocked: dict[int, list[list[int]]]) -> tuple[NDArray[np.float64], ...]:
    """The ranges of one group, resolving a conflict propagation did not see first."""
    try:
        return b.system.ranges(_live(w, b), bounds)  # type: ignore[arg-type]
    except ValueError:
        since = len(w.m.found)
        _resolve_group(c, w, b)
        if id(b) in w.broken_groups:
            return np.full(b.system.n, np.nan), np.full(b.system.n, np.nan)
        _readmit(c, w, b, _blocked(c, w, since, blocked))
        _settle(c, w, [b])
        return b.system.ranges(_live(w, b))


def _slot(c: _Context, name: str, time: int) -> tuple[str, int]:
    """The variable of `name` at time row `time`: its cluster if level, the time if cumulative."""
    if name in c.cumulative_names:
        return name, time
    return name, -1 - c.cluster_of_time[time]


def _build_group(c: _Context, group: int, names: list[str]) -> _Group | None:
    """The linear system of one linked group: its claims, relations and running-total order."""
    times = c.group_times.get(group, np.zeros(0, dtype=np.int64))
    variables: dict[tuple[str, int], int] = {}
    known: dict[tuple[str, int], int] = {}  # (name, time row) -> variable

    def var(name: str, time: int) -> int:
        index = known.get((name, time))
        if index is None:
            index = known[name, time] = variables.setdefault(_slot(c, name, time),
                                                             len(variables))
        return index

    for name in names:  # every variable up front, so relations and order look them up
        for time in times.tolist():
            known[name, time] = variables.setdefault(_slot(c, name, time), len(variables))
    if not variables:
        return None
    system = System(len(variables))
    every = c.group_rows.get(group, np.zeros(0, dtype=np.int64))
    spoken_by = _add_claims(c, system, every, var, group)
    relation_rows: set[tuple[Any, ...]] = set()
    for number, terms, op, constant in c.relations_by_group.get(group, []):
        for time in times.tolist():
            _add_relation(system, number, terms, op, constant,
                          lambda name: known[name, time], relation_rows)  # noqa: B023 (called at once)
    pairs = _in_order(c, times)
    for name in names:
        if c.g.kind_of_q[c.g.names[name]] != "cumulative":
            continue
        for a, b in pairs:
            system.add_row((known[name, a], known[name, b]), (-1.0, 1.0), 0.0, math.inf, -1)
    return _Group(system, variables, every, spoken_by, times)


def _in_order(c: _Context, times: NDArray[np.int64]) -> list[tuple[int, int]]:
    """The pairs of time rows (a, b) with a ending before b starts that a running total
    must not fall across: instants in order need only consecutive pairs; spans that
    overlap need every pair."""
    ordered = times[np.lexsort((c.time_end[times], c.time_start[times]))]
    start, end = c.time_start[ordered].tolist(), c.time_end[ordered].tolist()
    instants = start == end
    rows = ordered.tolist()
    return [(rows[i], rows[j]) for i in range(len(rows))
            for j in (range(i + 1, min(i + 2, len(rows))) if instants else range(i + 1, len(rows)))
            if end[i] <= start[j]]


def _add_claims(c: _Context, system: System, every: NDArray[np.int64], var: Any, group: int,
                ) -> dict[int, set[tuple[str, int]]]:
    """Add the rows of the claims `every`; return the variables each speaks about."""
    spoken_by: dict[int, set[tuple[str, int]]] = {}
    plain = c.t.is_value[every] & ~c.t.expression[every]
    for k, simple, name, time, low, high in zip(
            every.tolist(), plain.tolist(), c.quantity[every].tolist(),
            c.time_of[every].tolist(), c.t.low[every].tolist(), c.t.high[every].tolist(),
            strict=True):
        if simple:  # most claims: one variable within bounds
            system.add_row((var(name, time),), (1.0,), low, high, k)
            spoken_by[k] = {_slot(c, name, time)}
        else:
            spoken_by[k] = _claim_rows(c, system, k, var, group)
    return spoken_by


def _live(w: _Work, b: _Group) -> list[int]:
    """The group's claims not excluded."""
    return b.every[~w.m.excluded[b.every]].tolist()


def _resolve_group(c: _Context, w: _Work, b: _Group, infeasible: bool = False) -> None:
    """Greedy drop: exclude the lightest claim of each minimal conflict until the rest hold
    (`infeasible`: they are known not to hold as they stand)."""
    system = b.system
    active = _live(w, b)
    while infeasible or not system.feasible(active):
        infeasible = False
        removal = by_weight(c.t, active)
        conflict = system.minimal_conflict(active, removal)
        if not conflict:
            if not system.feasible([]):  # the relations cannot hold on their own
                w.m.broken.append(tuple(system.needed_rules([])))
                w.broken_groups.add(id(b))
            break
        loser = lightest(c.t, conflict)
        w.m.found.append((reason_of(c.t, c.g, conflict), conflict, system.violation(conflict),
                           tuple(system.needed_rules(conflict))))
        w.m.excluded[loser] = True
        active.remove(loser)
        w.undecided.setdefault(id(b), []).append((loser, conflict))


def _bulk_ties(c: _Context, w: _Work, built: list[_Group]) -> None:
    """The conflicts of two linked claims that the stages before found in bulk (they leave
    ties in linked groups to this one) where both weigh the same: each is undecided, so
    re-admission settles it as a tie when the excluded claim could take the kept one's place."""
    if not w.m.pairs:
        return
    first = np.concatenate([p[1] for p in w.m.pairs])
    second = np.concatenate([p[2] for p in w.m.pairs])
    pick = np.flatnonzero(c.g.in_linked[first] & c.g.in_linked[second]
                          & (c.g.group[first] == c.g.group[second])
                          & (c.t.weight[first] == c.t.weight[second])
                          & (w.m.excluded[first] != w.m.excluded[second])
                          & ~w.m.disputed[first] & ~w.m.disputed[second])
    if pick.size == 0:
        return
    by_group = {int(c.g.group[b.every[0]]): b for b in built if b.every.size}
    for a, b in zip(first[pick].tolist(), second[pick].tolist(), strict=True):
        group = by_group.get(int(c.g.group[a]))
        if group is not None:
            w.undecided.setdefault(id(group), []).append((a if w.m.excluded[a] else b, [a, b]))


def _blocked(c: _Context, w: _Work, since: int = 0, out: dict[int, list[list[int]]] | None = None,
             ) -> dict[int, list[list[int]]]:
    """For each claim of a linked group, the other members of the conflicts it is in: the
    pairs found in bulk (unless adding to `out`) and `found` from entry `since` on."""
    if out is None:
        out = {}
        for _, first, second, _ in w.m.pairs:
            linked = c.g.in_linked[first] | c.g.in_linked[second]
            for a, b in zip(first[linked].tolist(), second[linked].tolist(), strict=True):
                out.setdefault(a, []).append([b])
                out.setdefault(b, []).append([a])
    for _, rows, _, _ in w.m.found[since:]:
        for k in rows:
            out.setdefault(int(k), []).append([int(j) for j in rows if j != k])
    return out


def _readmit(c: _Context, w: _Work, b: _Group, blocked: dict[int, list[list[int]]]) -> None:
    """Greedy re-admission, heaviest first: an excluded claim comes back when the kept
    claims and it still hold together (never while a conflict it is in is all kept)."""
    candidates = [int(row) for row in b.every if w.m.excluded[row] and not w.m.disputed[row]
                  and not any(
        not w.m.excluded[others].any() for others in blocked.get(int(row), []))]
    active = _live(w, b)
    for k in by_weight(c.t, candidates)[::-1]:
        if b.system.feasible([*active, k]):
            active.append(k)
            w.m.excluded[k] = False


def _settle(c: _Context, w: _Work, groups: list[_Group]) -> None:
    """Settle the ties of `groups` after re-admission (`findings.settle_ties`). The first
    swaps the ties ask about are tried for all groups at once first (`_swaps_fail`)."""
    todo = [b for b in groups if w.undecided.get(id(b))]
    if not todo:
        return
    known = _swaps_fail(c, w, todo)
    for b in todo:
        undecided = w.undecided.pop(id(b))

        def holds(kept: set[int], b: _Group = b) -> bool:
            verdict = known.get((id(b), frozenset(kept)))
            return b.system.feasible(sorted(kept)) if verdict is None else verdict

        def conflict_in(claims: set[int], b: _Group = b) -> Found | None:
            return _conflict_in(c, b, claims)

        settle_ties(c.t, w.m, undecided, set(_live(w, b)), holds, conflict_in)


def _swaps_fail(c: _Context, w: _Work, groups: list[_Group]) -> dict[tuple[int, frozenset[int]], bool]:
    """Which swaps cannot hold: a group's kept claims with an undecided claim in place of a
    kept rival of its weight, where bound propagation over the groups side by side (a round
    per swap of a group) proves some variable has no value. The rest, and groups with
    excluded ends, are left to `System.feasible`."""
    trials: list[list[tuple[_Group, frozenset[int]]]] = []
    for b in groups:
        if b.system.has_strict:
            continue
        live = set(_live(w, b))
        swaps = {frozenset((live - {k}) | {loser}) for loser, conflict in w.undecided[id(b)]
                 for k in conflict if k != loser and k in live
                 and float(c.t.weight[k]) == float(c.t.weight[loser])}
        for depth, kept in enumerate(sorted(swaps, key=sorted)):
            if depth == len(trials):
                trials.append([])
            trials[depth].append((b, kept))
    known: dict[tuple[int, frozenset[int]], bool] = {}
    for round_ in trials:
        if len(round_) < _SWAPS_TOGETHER:  # propagation costs about the same for a few
            break
        stacked, _ = System.stack([b.system for b, _ in round_])
        low, high, _ = stacked.bounds([k for _, kept in round_ for k in kept], rays=False)
        refuted = np.zeros(len(round_), dtype=bool)
        refuted[stacked.block[low > high]] = True
        for (b, kept), fails in zip(round_, refuted.tolist(), strict=True):
            if fails:
                known[id(b), kept] = False
    return known


def _conflict_in(c: _Context, b: _Group, claims: set[int]) -> Found | None:
    """A minimal conflict among `claims` of group `b` (None when they hold)."""
    active = sorted(claims)
    conflict = b.system.minimal_conflict(active, by_weight(c.t, active))
    if not conflict:
        return None
    return (reason_of(c.t, c.g, conflict), conflict, b.system.violation(conflict),
            tuple(b.system.needed_rules(conflict)))


def _report_group(c: _Context, w: _Work, b: _Group, low: NDArray[np.float64],
                  high: NDArray[np.float64]) -> None:
    """The ranges of one group's variables that claims speak about."""
    if id(b) in w.broken_groups:
        return
    before = len(w.lp_ranges)
    _report_variables(c, w, b, low, high)
    kept = b.every[~(w.m.excluded | w.m.disputed | ~c.t.valid)[b.every]]
    numbers = [n for n, _, _, _ in c.relations_by_group.get(int(c.g.group[b.every[0]]), [])]
    w.lp_sources.extend([(kept.tolist(), numbers)] * (len(w.lp_ranges) - before))


def _report_variables(c: _Context, w: _Work, b: _Group, low: NDArray[np.float64],
                      high: NDArray[np.float64]) -> None:
    """`_report_group` for a group that holds: a range per variable claims speak about."""
    active = b.every[~w.m.excluded[b.every]]
    times = b.times
    mentioned: set[tuple[str, int]] = set().union(*(b.spoken_by[k] for k in active.tolist()))
    plain = active[c.t.is_value[active] & ~c.t.expression[active]]
    direct: dict[tuple[str, int], list[int]] = {}
    for k, name, time in zip(plain.tolist(), c.quantity[plain].tolist(),
                             c.time_of[plain].tolist(), strict=True):
        direct.setdefault(_slot(c, name, time), []).append(k)
    for k in active[~c.t.is_value[active]].tolist():  # an increase or rate: at its period's end
        direct.setdefault(next(iter(b.spoken_by[k])), []).append(k)
    lows, highs = low.tolist(), high.tolist()
    asked = set(c.t.at.tolist())
    spans: dict[int, tuple[int, int]] = {}  # each cluster's first and last day
    for cluster_number, first, last in zip(c.time_cluster[times].tolist(),
                                           c.time_start[times].tolist(),
                                           c.time_end[times].tolist(), strict=True):
        known = spans.get(cluster_number)
        spans[cluster_number] = (first, last) if known is None else \
            (min(known[0], first), max(known[1], last))
    for (name, slot), index in b.variables.items():
        members = direct.get((name, slot), [])
        named = bool(c.cluster_named[-1 - slot]) if slot < 0 else bool(c.time_named[slot])
        if not members and (name, slot) not in mentioned and not (
                named and (math.isfinite(highs[index]) or lows[index] > 0)):
            continue
        if slot < 0:
            span = spans[-1 - slot]
            cluster = times[c.time_cluster[times] == -1 - slot] if asked else times
            days = [d for d in asked if span[0] <= d <= span[1] and bool(
                ((c.time_start[cluster] == d) & (c.time_end[cluster] == d)).any())] \
                if asked and span[0] < span[1] else []
            if days:  # a date asked for inside a cluster: its own row
                for day in sorted(days):
                    w.lp_ranges.append((c.g.names[name], day, day, lows[index],
                                           highs[index], [], True))
                if not members and (name, slot) not in mentioned and not any(
                        c.time_named[t] and (c.time_start[t], c.time_end[t]) not in
                        {(d, d) for d in days} for t in cluster.tolist()):
                    continue
        else:
            span = c.time_spans[slot]
        w.lp_ranges.append((c.g.names[name], *span, lows[index], highs[index],
                               members, not members))


def _claim_rows(c: _Context, system: System, k: int, var: Any, group: int) -> set[tuple[str, int]]:
    """Add claim k's rows; return the variables (name, slot) it speaks about."""
    low, high = float(c.t.low[k]), float(c.t.high[k])
    if c.t.is_value[k]:
        time = int(c.time_of[k])
        if k in c.t.expressions:
            expression = c.t.expressions[k]
            spoken = {_slot(c, n, time) for n in expression.names}
            if isinstance(expression, Ratio):
                numerator = _coefficients(expression.numerator, lambda n: var(n, time))
                denominator = _coefficients(expression.denominator, lambda n: var(n, time))
                shift = float(expression.numerator.constant)
                # an excluded end holds with a margin; a ratio of 0 / 0 is no ratio, so
                # "more than half" and "less than half" cannot both hold
                for bound, lo, hi, strict in ((low, 0.0, math.inf, (bool(c.low_open[k]), False)),
                                              (high, -math.inf, 0.0, (False, bool(c.high_open[k])))):
                    if math.isfinite(bound):
                        row = dict(numerator)
                        for i, coefficient in denominator.items():
                            row[i] = row.get(i, 0.0) - bound * coefficient
                        row = {i: value for i, value in row.items() if value != 0.0}
                        constant = shift - bound * float(expression.denominator.constant)
                        if row:
                            system.add(row, lo - constant, hi - constant, k, strict=strict)
                return spoken
            coefficients = _coefficients(expression, lambda n: var(n, time))
            constant = float(expression.constant)
            system.add(coefficients, low - constant, high - constant, k,
                       strict=(bool(c.low_open[k]), bool(c.high_open[k])))
            return spoken
        name = c.quantity[k]
        system.add({var(name, time): 1.0}, low, high, k)
        return {_slot(c, name, time)}
    first = c.time_index[(group, int(c.t.pstart[k]), int(c.t.pstart[k]))]
    last = c.time_index[(group, int(c.t.pend[k]), int(c.t.pend[k]))]
    if c.t.is_rate[k]:
        low, high = c.rate_totals[k]
    name = c.quantity[k]
    system.add({var(name, last): 1.0, var(name, first): -1.0}, low, high, k)
    return {_slot(c, name, last)}


def _coefficients(form: Linear, var: Any) -> dict[int, float]:
    """The coefficient of each variable of a linear form (`var`: a name's variable)."""
    out: dict[int, float] = {}
    for name, coefficient in form.terms:
        index = var(name)
        out[index] = out.get(index, 0.0) + float(coefficient)
    return out
