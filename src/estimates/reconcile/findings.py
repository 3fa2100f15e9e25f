"""What the stages find: which claims are excluded or disputed, and the conflicts on the way.

Each of the level, running-total and linked stages takes the `Findings` of the stages
before it and gives new ones: it opens them (`Findings.open`, a working copy, `Marks`),
marks claims and records conflicts, and closes them again (`Marks.close`). A conflict is
recorded either in bulk, as pairs of claims (`pairs`: reason codes into `REASON_CODES`,
first rows, second rows, gaps), or one at a time (`found`: reason, rows, gap, and the
numbers of the relations it needs). The `conflicts` stage turns them into the tables.

>>> start = Findings.start(3, ())
>>> marks = start.open()
>>> marks.excluded[1] = True
>>> done = marks.close()
>>> done.excluded.tolist(), start.excluded.tolist()
([False, True, False], [False, False, False])
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from estimates.reconcile.groups import Groups
from estimates.reconcile.reasons import Reason
from estimates.reconcile.table import Table

__all__ = ["REASON_CODES", "Findings", "Found", "Marks", "by_weight", "lightest", "reason_of", "settle_ties"]

#: the reasons in code order: ``pairs`` hold each conflict's reason as its place here
REASON_CODES = list(Reason)

#: a conflict of two claims found in bulk: (reason codes, first rows, second rows, gaps)
Pairs = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]
#: a conflict found alone: (reason, claim rows, gap, numbers of the relations it needs)
Found = tuple[Reason, list[int], float, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Findings:
    """The claims excluded and disputed so far, and the conflicts found, in finding order."""

    #: the claims excluded (not kept)
    excluded: NDArray[np.bool_]
    #: the claims disputed (the weights could not decide)
    disputed: NDArray[np.bool_]
    #: conflicts of two claims found in bulk, all before those of `found`
    pairs: tuple[Pairs, ...]
    #: conflicts found one at a time
    found: tuple[Found, ...]
    #: the conflicts (sorted member rows) whose lightest claims weigh the same: disputed
    tied: frozenset[tuple[int, ...]]
    #: the relations that cannot hold whatever the claims: (numbers of a minimal set)
    broken: tuple[tuple[int, ...], ...]

    @classmethod
    def start(cls, n: int, broken: tuple[tuple[int, ...], ...]) -> Findings:
        """Nothing found yet among `n` claims but the relations `broken` on their own."""
        return cls(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), (), (), frozenset(), broken)

    def open(self) -> Marks:
        """A working copy for one stage to mark."""
        return Marks(self.excluded.copy(), self.disputed.copy(), list(self.pairs), list(self.found),
                     set(self.tied), list(self.broken))


@dataclass(slots=True)
class Marks:
    """One stage's working copy of `Findings` (see there); `close` gives them back."""

    excluded: NDArray[np.bool_]
    disputed: NDArray[np.bool_]
    pairs: list[Pairs] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    tied: set[tuple[int, ...]] = field(default_factory=set)
    broken: list[tuple[int, ...]] = field(default_factory=list)

    def close(self) -> Findings:
        """The findings as they stand."""
        return Findings(self.excluded, self.disputed, tuple(self.pairs), tuple(self.found),
                        frozenset(self.tied), tuple(self.broken))


def by_weight(t: Table, rows: list[int]) -> list[int]:
    """Claims from lightest to heaviest; among equals the greatest id first."""
    ids = dict(zip(rows, t.ids_at(rows).tolist(), strict=True))
    by_id = sorted(rows, key=ids.__getitem__, reverse=True)
    return sorted(by_id, key=lambda k: float(t.weight[k]))


def lightest(t: Table, rows: list[int]) -> int:
    """The claim to exclude from a conflict: the lightest, then the greatest id."""
    return by_weight(t, rows)[0]


def settle_ties(t: Table, m: Marks, undecided: list[tuple[int, list[int]]], live: set[int],
                holds: Callable[[set[int]], bool],
                conflict_of: Callable[[set[int]], Found | None] | None = None) -> None:
    """Ties left by the greedy stages: a claim excluded from a conflict, and a claim of the
    same weight in that conflict that is kept where swapping the two still `holds` (the
    weights could not decide between them). Both are disputed and set aside, so the
    range covers either choice; the conflict's sentence says so. A claim excluded only
    in favour of claims of its weight that are now disputed, and that holds with the
    claims kept, is disputed too (three readings of one thing, each alone a heaviest
    choice). Then every pair of disputed claims that cannot hold together with the kept
    claims and shares no conflict gets one (`conflict_of`: a minimal conflict of a set
    that does not hold), so each such pair is covered by a listed contradiction."""
    weight = t.weight
    for loser, conflict in undecided:
        if m.disputed[loser] or not m.excluded[loser]:
            continue
        rivals = [k for k in conflict if k != loser and k in live and not m.disputed[k]
                  and float(weight[k]) == float(weight[loser])]
        swapped = [k for k in rivals if holds((live - {k}) | {loser})]
        if swapped:
            m.disputed[[loser, *swapped]] = True
            m.excluded[swapped] = True
            live.difference_update(swapped)
            m.tied.add(tuple(sorted(conflict)))
    changed = True
    while changed:
        changed = False
        for loser, conflict in undecided:
            if m.disputed[loser] or not m.excluded[loser]:
                continue
            others = [k for k in conflict if k != loser]
            if others and all(m.disputed[k] and float(weight[k]) == float(weight[loser])
                              for k in others) and holds(live | {loser}):
                m.disputed[loser] = True
                m.tied.add(tuple(sorted(conflict)))
                changed = True
    if conflict_of is None:
        return
    disputed = sorted({k for _, conflict in undecided for k in conflict if m.disputed[k]})
    shared = {frozenset(pair) for _, conflict in undecided
              for pair in itertools.combinations(conflict, 2)}
    for x, y in itertools.combinations(disputed, 2):
        if frozenset((x, y)) in shared or holds(live | {x, y}) \
                or not (holds(live | {x}) and holds(live | {y})):
            continue
        found = conflict_of(live | {x, y})  # holding with either alone: it has both
        if found is not None:
            m.found.append(found)
            m.tied.add(tuple(sorted(found[1])))
            shared.update(frozenset(pair) for pair in itertools.combinations(found[1], 2))


def reason_of(t: Table, g: Groups, conflict: list[int]) -> Reason:
    """What conflicts: claims on linked quantities (a relation), increases over one period
    (disjoint), a rate or an increase against the totals, or totals that would fall."""
    rows = np.asarray(conflict)
    if t.expression[rows].any() or np.unique(g.q[rows]).size > 1:
        return Reason.RELATION
    periodic = ~t.is_value[rows]
    if periodic.all() and not t.is_rate[rows].any() and np.unique(t.pstart[rows]).size == 1 \
            and np.unique(t.pend[rows]).size == 1:
        return Reason.DISJOINT
    if t.is_rate[rows].any():
        return Reason.RATE_VS_TOTALS
    if periodic.any():
        return Reason.INCREASE_VS_TOTALS
    if t.cumulative[rows].all() and not (
            np.unique(t.start[rows]).size == 1 and np.unique(t.end[rows]).size == 1):
        return Reason.FALLING_TOTAL
    return Reason.DISJOINT
