"""The reconciler's engine: closed bounds, revisions, then the level, running-total and linked stages.

Rules (see the README):

- **Times.** Claims on a *level* quantity are compared when their times lie within
  ``window`` days (default 7) of the first time of their cluster; clusters further apart
  are different times, and disjoint ranges between consecutive ones are *changes* with the
  rate they imply. Claims on a *cumulative* quantity are compared at the same time span;
  across times the total may not fall.
- **Kept set.** Each source's claims on one quantity at one time share its weight (n claims
  from one claimant weigh 1/n each). On one quantity the kept claims are the heaviest
  consistent set, exactly: for a level quantity at one time the claims holding the point of
  greatest covering weight (`estimates.sweep`); for a running total the heaviest set a
  non-decreasing total can meet (`estimates.cumulative`, a dynamic programme). Increases and
  rates against the totals, and relations between quantities, are then resolved greedily
  (finding the heaviest feasible subsystem there is NP-hard): *greedy drop*, the lightest
  claim of each minimal conflict is excluded until what is left holds; then *greedy
  re-admission*, every excluded claim of that running total or linked group, heaviest first
  (ties by id), comes back when the kept claims and it still hold together. So the kept set
  is exact on one quantity and a maximal (not always heaviest) consistent set across
  relations. Contradictions found on the way stay reported: they are findings.
- **Relations** in an explanation are only those the conflict needs (a minimal set: each is
  dropped in turn while the conflict remains). Units and the kind of a quantity that only
  relations or expression claims name are settled first (`estimates.quantities`).
- **Ranges** are exact for linear constraints: running totals and increases by shortest
  paths (sums rounded outward only when inexact), linked groups by HiGHS linear programming
  with each bound certified by an exact rational dual certificate (`estimates.linear`);
  values are never negative. Ranges are reported at the times claims are about: the
  ``as_of`` of value claims, the end of the period of increases and rates, and for a
  quantity that only relations or expression claims mention, the times of those claims.
- **Best point**: the weighted median of the kept claims' points (their ``best`` if
  given, else the middle of a finite interval, else its finite end), clipped to the range;
  with no such claim the middle of a finite range, else its finite end.

The example is the package's (`estimates.reconcile`); `reconcile` below has its own.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from estimates.claims import (
    TEXT,
    Claims,
    arrow_cells,
    as_categorical,
    categorical_text,
    is_claims_table,
    read_claims,
)
from estimates.csvfile import KEPT_TEXT
from estimates.cumulative import consistent_totals, difference_bounds, heaviest_running_totals, negative_cycle
from estimates.errors import UsageError
from estimates.expression import Linear, Ratio, Relation, read_expression, read_relations
from estimates.interval import IntervalArray
from estimates.linear import System
from estimates.quantities import settle_quantities
from estimates.reconcile.bounds import closed_bounds, counted, whole
from estimates.reconcile.reasons import UNDECIDED, Reason, fill, interval_words, number_words
from estimates.reconcile.result import (
    CHANGE_COLUMNS,
    CONTRADICTION_COLUMNS,
    REVISION_COLUMNS,
    Reconciliation,
)
from estimates.reconcile.revisions import find_revisions
from estimates.sweep import anchor_clusters, heaviest_point_ties, key_counts, partners, tied_points
from estimates.timeline import MISSING, as_dates, format_period, format_span, read_instants

__all__ = ["DEFAULT_WINDOW", "Reason", "Reconciliation", "reconcile"]

#: Days within which level claims are compared (the default of ``window``).
DEFAULT_WINDOW = 7
_BATCH = 16  # linked groups solved side by side in one programme (HiGHS's fixed cost is shared)
_SCALE = 1_000_000  # weights become integers in millionths, so sweep sums are exact

#: the longest comparison window accepted, in days (a century)
MAX_WINDOW = 36_525
_STATUSES = ["disputed", "excluded", "invalid", "kept", "superseded"]
_EMPTY: tuple[str, ...] = ()
#: what the stages up to `_plain_ranges` keep for the next (`_Reconciler._release`)
_WORKING = ("names", "q", "group", "in_linked", "time_of", "level_rows", "level_slot", "cum_value",
            "cum_period", "value_node", "value_by_node", "period_nodes", "node_q", "node_start",
            "node_end", "node_low", "node_high", "local", "block_of_node")


_REASONS = list(Reason)


def reconcile(claims: Claims | str | Path | pd.DataFrame,
              relations: str | Path | Iterable[str | Relation] | None = None, *,
              window: float = DEFAULT_WINDOW, at: Iterable[Any] | None = None,
              revisions: bool = True, lexicon: Any = None,
              halo: str = "digits") -> Reconciliation:
    """Reconcile claims (a table from `read_claims`, a raw DataFrame or a CSV path) with relations.

    Invalid rows are kept in the result's ``claims`` with status ``invalid``. `window`: the
    days within which level claims are compared (a whole number from 0 to `MAX_WINDOW`);
    `at`: dates (``"2024-11-01"``, dates or timestamps) at which ranges are wanted besides
    those the claims name; `revisions`: whether a source's later reading supersedes its
    earlier one (``docs/rules.md``).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": ["t", "k"], "quantity": ["c", "k / c"],
    ...                       "low": ["5000", "0.3"], "high": ["", "0.4"],
    ...                       "as_of": ["2025-03", "2025-03"]})
    >>> ranges = reconcile(frame, ["c = k + w"]).ranges.set_index("quantity")
    >>> round(float(ranges.loc["k", "low"]), 9)
    1500.0
    """
    table = claims if isinstance(claims, pd.DataFrame) and is_claims_table(claims) else \
        read_claims(claims, lexicon=lexicon, halo=halo, skip_invalid=True)
    rules = () if relations is None else read_relations(relations)
    settled = settle_quantities(table, rules)  # units across relations; DimensionError
    return _Reconciler(settled.claims.reset_index(drop=True), rules, _window_days(window),
                       _days(at), revisions, settled.unclaimed).run()


def _window_days(window: Any) -> int:
    """The window as whole days; `UsageError` unless it is a number from 0 to `MAX_WINDOW`.

    >>> _window_days(7.0)
    7
    """
    try:
        days = float(window)
    except (TypeError, ValueError):
        days = math.nan
    if not (0 <= days <= MAX_WINDOW) or days != int(days):
        raise UsageError(f"window {window!r} is not a whole number of days from 0 to {MAX_WINDOW:,}")
    return int(days)


def _days(at: Iterable[Any] | None) -> NDArray[np.int64]:
    """The day numbers (instants, as `timeline` counts them) of the dates in `at`.

    >>> _days(["2024-11-01"]).tolist()
    [20029]
    """
    if at is None:
        return np.zeros(0, dtype=np.int64)
    texts = [str(pd.Timestamp(a).date()) if not isinstance(a, str) else a.strip() for a in at]
    start, end, error = read_instants(texts)
    bad = [t for t, e, s0, e0 in zip(texts, error, start, end, strict=True)
           if e is not None or s0 != e0]
    if bad:
        raise UsageError(f"at: {', '.join(map(repr, bad))} is not a date (YYYY-MM-DD)")
    return np.unique(end.astype(np.int64))


def _strings(values: NDArray[np.object_]) -> pd.api.extensions.ExtensionArray:
    """Text for a result column: pandas' str dtype held in Python strings (`claims.TEXT`)."""
    return pd.array(values, dtype=TEXT, copy=False)


def _text_at(column: pd.Series, rows: NDArray[np.int64]) -> NDArray[np.object_]:
    """``column.to_numpy(object)[rows]``, from a Categorical's codes when the column is one
    (as `read_claims` makes the text columns), so no cell of the other rows is made.

    >>> _text_at(pd.Series(["a", "b", "a"], dtype="category"), np.array([2, 1])).tolist()
    ['a', 'b']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        texts = np.append(column.cat.categories.to_numpy(object), "")  # code -1: missing
        return texts[column.cat.codes.to_numpy()[rows]]
    return column.to_numpy(object)[rows]


def _factorize(column: pd.Series, rows: NDArray[np.bool_] | slice,
               ) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    """`pd.factorize` of ``column[rows]`` (codes in any order), from a Categorical's codes when
    the column is one (as `read_claims` makes the quantity names): no names are hashed."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(column.to_numpy(object)[rows])
        return codes, np.asarray(uniques, dtype=object)
    codes = column.cat.codes.to_numpy()[rows]
    used = np.zeros(len(column.cat.categories) + 1, dtype=bool)
    used[codes] = True  # a missing name (code -1) marks the extra last place
    compact = np.r_[np.cumsum(used[:-1]) - 1, -1]
    return compact[codes].astype(np.intp, copy=False), column.cat.categories.to_numpy(object)[used[:-1]]


def _ranks(texts: NDArray[np.object_]) -> NDArray[np.int64]:
    """Dense ranks of strings in Python's order (equal strings share one), as
    ``pd.factorize(texts, sort=True)`` gives; sorted as numpy strings, which is faster."""
    try:
        values = texts.astype(np.dtypes.StringDType())
    except UnicodeEncodeError:  # lone surrogates have no UTF-8
        return pd.factorize(texts, sort=True)[0].astype(np.int64)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(texts.size, dtype=np.int64)
    values = values[order]
    ranks[order] = np.cumsum(np.r_[False, values[1:] != values[:-1]])
    return ranks


def _lexsort(keys: Sequence[NDArray[np.int64]]) -> NDArray[np.intp]:
    """`np.lexsort` of integer keys (the last is the first key), as one stable sort of a
    combined key when their spans multiply below 2**62 (twice as fast)."""
    if keys[0].size == 0:
        return np.zeros(0, dtype=np.intp)
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    if math.prod(spans) >= 2**62:
        return np.lexsort(keys)
    combined = np.zeros(keys[0].size, dtype=np.int64)
    for k, low, span in zip(keys[::-1], lows[::-1], spans[::-1], strict=True):
        combined *= span
        combined += k
        combined -= low
    return np.argsort(combined, kind="stable")


def _middle(low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.float64]:
    """The middle of each interval when finite, else its finite end (infinite when none)."""
    out = low / 2
    out += high / 2
    np.copyto(out, np.where(np.isfinite(low), low, high), where=~(np.isfinite(low) & np.isfinite(high)))
    return out


def _code_starts(codes: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    """Where each of 0..size-1 starts in sorted `codes` (plus the end):
    ``np.searchsorted(codes, np.arange(size + 1))`` by counting."""
    return np.r_[0, np.cumsum(np.bincount(codes, minlength=size))]


def _runs(sorted_keys: NDArray[Any]) -> NDArray[np.int64]:
    """Start positions of the runs of equal values in a sorted array (plus its length)."""
    if sorted_keys.size == 0:
        return np.zeros(1, dtype=np.int64)
    return np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1, sorted_keys.size]


class _Reconciler:
    def __init__(self, table: pd.DataFrame, relations: Sequence[Relation], window: int,
                 at: NDArray[np.int64], revisions: bool, unclaimed: pd.DataFrame) -> None:
        t = table
        self.unclaimed = unclaimed
        self.table = t
        self.relations = list(relations)
        #: the relations that cannot hold whatever the claims: (numbers of a minimal set)
        self.broken: list[tuple[int, ...]] = []
        #: the relations that link quantities: (number, relation); one with no quantity
        #: left (``0 <= -1 + a - a``) holds or is broken on its own
        self.linking: list[tuple[int, Relation]] = []
        for number, relation in enumerate(self.relations):
            form, op = relation.normal()
            if form.names:
                self.linking.append((number, relation))
            elif not (form.constant == 0 if op == "=" else form.constant <= 0):
                self.broken.append((number,))
        self.window = window
        self.at = at
        self.revising = revisions
        self.n = len(t)
        self.valid = t["problem"].isna().to_numpy()
        self.expression = t["expression"].to_numpy(bool)
        self.is_value = (t["measure"] == "value").to_numpy(bool)
        self.is_rate = (t["measure"] == "rate").to_numpy(bool)
        self.cumulative = (t["kind"] == "cumulative").to_numpy(bool)
        self.low = t["low"].to_numpy(np.float64)
        self.high = t["high"].to_numpy(np.float64)
        self.start = t["as_of_start"].to_numpy(np.int64)
        self.end = t["as_of_end"].to_numpy(np.int64)
        self.pstart = t["period_start"].to_numpy(np.int64)
        self.pend = t["period_end"].to_numpy(np.int64)
        self.weight = t["weight"].to_numpy(np.float64)
        self.ids = _arrow_text(t["id"].array)
        self.excluded = np.zeros(self.n, dtype=bool)
        self.disputed = np.zeros(self.n, dtype=bool)
        #: (reason, claim rows, gap, numbers of the relations the conflict needs)
        self.found: list[tuple[Reason, list[int], float, tuple[int, ...]]] = []
        #: the conflicts (sorted member rows) whose lightest claims weigh the same: disputed
        self.tied: set[tuple[int, ...]] = set()
        #: conflicts of two claims found in bulk, all before those of `found`: (reason
        #: codes into `_REASONS`, first rows, second rows, gaps)
        self.pairs: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64],
                               NDArray[np.float64]]] = []
        self.expressions: dict[int, Linear | Ratio] = {
            int(k): read_expression(t.at[k, "quantity"])
            for k in np.flatnonzero(self.expression & self.valid)}

    @functools.cached_property
    def quantity(self) -> NDArray[np.object_]:
        """Each claim's quantity name, made when linked groups need them one by one."""
        return self.table["quantity"].to_numpy(object)

    def names_at(self, rows: NDArray[np.int64]) -> NDArray[np.object_]:
        """The quantity names of the claims `rows`."""
        return _text_at(self.table["quantity"], rows)

    def tie(self, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """A tie-break per claim that depends only on its id (so row order does not matter)."""
        ids = self.ids_at(rows)
        try:
            return pd.util.hash_array(ids, categorize=False).view(np.int64)
        except UnicodeEncodeError:  # a lone surrogate: hashed by its bytes, one char each
            ids = np.array([i.encode("utf-8", "surrogatepass").decode("latin-1") for i in ids.tolist()],
                           dtype=object)
            return pd.util.hash_array(ids, categorize=False).view(np.int64)

    def ids_at(self, rows: NDArray[np.int64] | list[int]) -> NDArray[np.object_]:
        """The ids of the claims `rows`, as Python strings."""
        if isinstance(self.ids, np.ndarray):
            return self.ids[rows]
        if len(rows) <= 16:  # a conflict's few claims: no compute call (tens of µs each)
            return np.array([self.ids[int(k)].as_py() for k in rows], dtype=object)
        taken = pc.take(self.ids, np.asarray(rows, dtype=np.int64))
        return np.asarray(taken.to_numpy(zero_copy_only=False), dtype=object)

    # ----------------------------------------------------------------- groups
    def _groups(self) -> None:
        t = self.table
        plain = self.valid & ~self.expression
        codes, uniques = _factorize(t["quantity"], plain)
        names: dict[str, int] = dict(zip(map(str, uniques.tolist()), itertools.count()))
        edges: list[tuple[int, int]] = []
        links = [e.names for e in self.expressions.values()] + [r.names for _, r in self.linking]
        for linked in links:
            for name in linked:
                names.setdefault(name, len(names))
            edges += [(names[linked[0]], names[n]) for n in linked[1:]]
        self.names = names
        self.name_of = np.array(list(names), dtype=object)
        graph = sparse.coo_matrix((np.ones(len(edges)), ([a for a, _ in edges], [b for _, b in edges])),
                                  shape=(len(names),) * 2)
        _, self.component = connected_components(graph, directed=False)
        self.linked = np.zeros(int(self.component.max(initial=-1)) + 1, dtype=bool)
        for linked in links:
            self.linked[self.component[names[linked[0]]]] = True
        q = np.full(self.n, -1, dtype=np.int64)
        q[plain] = codes
        for k, e in self.expressions.items():
            q[k] = names[e.names[0]] if e.names else -1
        self.q = q
        component = np.r_[self.component, -1]  # q = -1 (no quantity) has no group
        self.group = component[q]
        # increases of a level quantity are solved as linear programmes
        periodic_level = plain & ~self.is_value & ~self.cumulative
        self.linked[self.group[periodic_level & (q >= 0)]] = True
        first = np.full(len(names), -1, dtype=np.int64)
        rows = np.flatnonzero(plain)
        first[codes[::-1]] = rows[::-1]
        has = first >= 0
        kinds = np.full(len(names), "level", dtype=object)
        units = np.full(len(names), "", dtype=object)
        kinds[has] = _text_at(t["kind"], first[has])
        units[has] = _text_at(t["unit"], first[has])
        if not has.all():  # named only by relations or expression claims: as settled
            found = self.unclaimed.reindex(self.name_of[~has])
            units[~has] = found["unit"].fillna("dimensionless").to_numpy(object)
            kinds[~has] = found["kind"].fillna("level").to_numpy(object)
        self.kind_of_q, self.unit_of_q = kinds, units
        self.in_linked = np.r_[self.linked, False][self.group]
        self._close_bounds()

    def _close_bounds(self) -> None:
        """Open ends excluded and counts whole (`bounds.closed_bounds`); a claim of a count
        with no whole number in it is invalid."""
        codes, units = pd.factorize(self.unit_of_q)
        self.count_q = np.array([counted(str(u)) for u in units], dtype=bool)[codes] \
            if codes.size else np.zeros(0, dtype=bool)
        whole_values = np.r_[self.count_q, False][self.q] & ~self.is_rate & ~self.expression
        for k, expression in self.expressions.items():
            whole_values[k] = isinstance(expression, Linear) and all(
                c.denominator == 1 for _, c in expression.terms) and \
                expression.constant.denominator == 1 and \
                all(self.count_q[self.names[n]] for n in expression.names)
        t = self.table
        closed = closed_bounds(self.low, self.high, t["low_open"].to_numpy(bool),
                               t["high_open"].to_numpy(bool), whole_values)
        self.low, self.high = closed.low, closed.high
        empty = closed.empty & self.valid
        self.problem: pd.Series = t["problem"]
        if empty.any():
            self.problem = t["problem"].astype(object).copy()
            self.problem[empty] = "holds no whole number, and counts are whole"
            self.valid = self.valid & ~empty

    def _lane(self, start: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.int64]:
        """Which level times may be compared: times no longer than the window share lane 0
        (clustered by the window); a coarser time (a month, a year: some day in it) is
        compared only with times of the very same span, its own lane, since some day of it
        always lies outside the window of any one claim."""
        coarse = end - start > self.window
        return np.where(coarse, 1 + start * 100_000 + (end - start), 0)

    def _shares(self, slot: NDArray[np.int64], rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """Integer weights: each source's claims in one slot share its weight (`slot` sorted)."""
        weight = self.weight[rows]  # worked in place: weight / share * _SCALE, rounded, at least 1
        weight /= key_counts(slot, self.source_codes[rows], self.source_names.size)
        weight *= _SCALE
        return np.maximum(np.rint(weight, out=weight), 1, out=weight).astype(np.int64)

    # ----------------------------------------------------------------- level quantities
    def _level(self) -> None:
        self.level_tied = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        rows = np.flatnonzero(self.valid & ~self.expression & self.is_value & ~self.cumulative
                              & (self.q >= 0))
        # in quantity and time order, so the slots below come in order (and every later sort
        # by slot finds its input sorted)
        lane = self._lane(self.start[rows], self.end[rows])
        rows = rows[_lexsort((self.end[rows], self.start[rows], lane, self.q[rows]))]
        self.level_rows = rows
        if rows.size == 0:
            self.level_slot = np.zeros(0, dtype=np.int64)
            return
        q = self.q[rows]
        slot = anchor_clusters(_run_numbers(q, self._lane(self.start[rows], self.end[rows])),
                               self.start[rows], self.end[rows],
                               np.full(rows.size, self.window, dtype=np.int64), ordered=True)
        self.level_slot = slot
        weight = self._shares(slot, rows)
        low, high = self.low[rows], self.high[rows]
        kept, _, tied = heaviest_point_ties(slot, low, high, weight)
        if kept.all():
            return
        # partners only where something was excluded (tie-break by id, so order does not matter)
        busy = np.zeros(int(slot.max()) + 1, dtype=bool)
        busy[slot[~kept]] = True
        sub = np.flatnonzero(busy[slot])
        if tied.any():
            kept = self._ties(rows, slot, sub[tied[slot[sub]]], weight, kept)
        mate = partners(slot[sub], low[sub], high[sub], kept[sub], self.tie(rows[sub]))
        kept |= self.disputed[rows]
        self.excluded[rows[~kept]] = True
        out = np.flatnonzero(~kept[sub])
        a, b = rows[sub[out]], rows[sub[mate[out]]]
        gap = np.maximum(self.low[a] - self.high[b], self.low[b] - self.high[a])
        self.pairs.append((np.full(a.size, _REASONS.index(Reason.DISJOINT)), b, a, gap))

    def _ties(self, rows: NDArray[np.int64], slot: NDArray[np.int64], sub: NDArray[np.int64],
              weight: NDArray[np.int64], kept: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """Where several choices of level claims weigh the most, the claims in some but not
        all of them are disputed (not excluded) and their range covers every choice; the
        claims every choice holds are kept. Returns the claims that hold the first choice
        (whose partners name the excluded claims' conflicts). Linked groups are left to the
        linear programmes."""
        s, low, high = slot[sub], self.low[rows[sub]], self.high[rows[sub]]
        count, points = tied_points(s, low, high, weight[sub])
        starts = np.r_[0, np.cumsum(count)[:-1]]
        tied = (count[s] > 1) & ~self.in_linked[rows[sub]]
        if not tied.any():
            return kept
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
        self.level_tied = (slots, tie_low, tie_high)
        out = kept.copy()
        out[sub[at]] = first
        disputed = holds_any & ~holds_all
        self.disputed[rows[sub[at[disputed]]]] = True
        # each disputed claim outside the first choice against one of that choice it does not
        # meet: the minimal conflicts the weights could not decide
        mine = rows[sub[at]]
        mate = partners(s, low, high, first, self.tie(mine))
        outside = np.flatnonzero(disputed & ~first)
        a, b = mine[outside], mine[mate[outside]]
        gap = np.maximum(self.low[a] - self.high[b], self.low[b] - self.high[a])
        self.pairs.append((np.full(a.size, _REASONS.index(Reason.DISJOINT)), b, a, gap))
        self.tied.update(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))
        return out

    # ----------------------------------------------------------------- running totals
    def _cumulative(self) -> None:
        plain = self.valid & ~self.expression & self.cumulative & (self.q >= 0)
        value = np.flatnonzero(plain & self.is_value)
        period = np.flatnonzero(plain & ~self.is_value)
        self.cum_value, self.cum_period = value, period
        keys_q = np.concatenate([self.q[value], self.q[period], self.q[period]])
        keys_s = np.concatenate([self.start[value], self.pstart[period], self.pend[period]])
        keys_e = np.concatenate([self.end[value], self.pstart[period], self.pend[period]])
        if keys_q.size == 0:
            self.node_q = np.zeros(0, dtype=np.int64)
            return
        order = _lexsort((keys_e, keys_s, keys_q))
        sq, ss, se = keys_q[order], keys_s[order], keys_e[order]
        new = np.r_[True, (sq[1:] != sq[:-1]) | (ss[1:] != ss[:-1]) | (se[1:] != se[:-1])]
        node_id = np.empty(order.size, dtype=np.int64)
        node_id[order] = np.cumsum(new) - 1
        self.node_q, self.node_start, self.node_end = sq[new], ss[new], se[new]
        m = value.size
        self.value_node = node_id[:m]
        self.value_by_node = order[order < m]  # value claims in node order
        self.period_nodes = (node_id[m:m + period.size], node_id[m + period.size:])
        # each quantity's nodes are consecutive; local number = id - first id of the quantity
        nq = self.node_q
        q_first = _runs(nq)
        self.q_blocks = q_first
        block_of_node = np.repeat(np.arange(q_first.size - 1), np.diff(q_first))
        self.local = np.arange(nq.size) - q_first[block_of_node]
        chained = np.ones(q_first.size - 1, dtype=bool)
        same = nq[1:] == nq[:-1]
        broken = same & (self.node_end[:-1] > self.node_start[1:])
        chained[block_of_node[1:][broken]] = False
        self.block_of_node, self.chained = block_of_node, chained
        # the keys are not needed by the stages below: free them (tens of MB per million claims)
        del keys_q, keys_s, keys_e, order, sq, ss, se, new
        self._heaviest_totals()
        self._totals_bounds()
        self._disputed_totals()

    def _disputed_totals(self) -> None:
        """At a time whose values are disputed, the range covers each tied choice: the bounds
        the other claims give, met with the hull of the disputed claims."""
        disputed = self.disputed[self.cum_value]
        if not disputed.any():
            return
        rows, nodes = self.cum_value[disputed], self.value_node[disputed]
        low = np.full(self.node_q.size, np.inf)
        high = np.full(self.node_q.size, -np.inf)
        np.minimum.at(low, nodes, self.low[rows])
        np.maximum.at(high, nodes, self.high[rows])
        at = np.unique(nodes)
        self.node_low[at] = np.maximum(self.node_low[at], low[at])
        self.node_high[at] = np.minimum(self.node_high[at], high[at])

    def _heaviest_totals(self) -> None:
        rows, node = self.cum_value, self.value_node
        if rows.size == 0:
            return
        block = self.block_of_node[node]
        chain = self.chained[block]
        by_node = self.value_by_node
        weight = np.empty(rows.size, dtype=np.int64)
        weight[by_node] = self._shares(node[by_node], rows[by_node])
        order = by_node[chain[by_node]]  # node ids are in (q, time) order
        r, b = rows[order], block[order]
        offsets = _runs(b)
        n_nodes = np.diff(self.q_blocks)[b[offsets[:-1]]]
        at = node[order]
        local, low, high = self.local[at], self.low[r], self.high[r]
        consistent = consistent_totals(offsets, local, low, high)
        # ranks matter only among claims at one node of a total that is searched
        shared = np.flatnonzero((np.bincount(at)[at] > 1) & np.repeat(~consistent, np.diff(offsets)))
        rank = np.zeros(order.size, dtype=np.int64)
        rank[shared] = self.tie(r[shared])
        kept, partner = heaviest_running_totals(offsets, local, n_nodes, low, high, weight[order],
                                                rank, consistent)
        out = np.flatnonzero(~kept)
        self.excluded[r[out]] = True
        later_first = node[order][partner[out]] > node[order][out]
        k, j = r[out], r[partner[out]]
        self._record_totals(np.where(later_first, j, k), np.where(later_first, k, j))
        shares = weight[order]
        even = np.flatnonzero((shares[out] == shares[partner[out]]) & (at[out] == at[partner[out]]))
        if even.size:
            self._total_ties(out[even], partner[out[even]], r, at, b)
        loose = np.flatnonzero(~chain)
        loose = loose[np.argsort(block[loose], kind="stable")]
        for a, z in itertools.pairwise(_runs(block[loose]).tolist()):
            self._heaviest_partial(rows[loose[a:z]], node[loose[a:z]], weight[loose[a:z]])

    def _total_ties(self, out: NDArray[np.int64], mate: NDArray[np.int64], rows: NDArray[np.int64],
                    node: NDArray[np.int64], block: NDArray[np.int64]) -> None:
        """Ties among a running total's values: an excluded claim whose kept partner at the same
        time weighs the same, and which every other kept claim of the total allows (an earlier low at most its
        high, a later high at least its low, a claim at its time meeting it), could take the
        partner's place. Both are disputed and set aside (`out`, `mate`: positions in `rows`,
        in chain order, with their `node` and total `block`)."""
        low, high = self.low[rows], self.high[rows]
        starts = _runs(block)  # the claims of each total are consecutive
        segment = np.repeat(np.arange(starts.size - 1), np.diff(starts))
        for i, m in zip(out.tolist(), mate.tolist(), strict=True):
            k, j = int(rows[i]), int(rows[m])
            if self.disputed[k] or self.disputed[j] or self.excluded[j]:
                continue
            same = np.arange(starts[segment[i]], starts[segment[i] + 1])
            others = same[~self.excluded[rows[same]] & (same != m)]
            before, after = node[others] < node[i], node[others] > node[i]
            here = ~before & ~after
            clash = (before & (low[others] > high[i])) | (after & (high[others] < low[i])) \
                | (here & ((low[others] > high[i]) | (high[others] < low[i])))
            if not clash.any():
                self.disputed[[k, j]] = True
                self.excluded[[k, j]] = True
                self.tied.add((min(k, j), max(k, j)))

    def _by_weight(self, rows: list[int]) -> list[int]:
        """Claims from lightest to heaviest; among equals the greatest id first."""
        ids = dict(zip(rows, self.ids_at(rows).tolist(), strict=True))
        by_id = sorted(rows, key=ids.__getitem__, reverse=True)
        return sorted(by_id, key=lambda k: float(self.weight[k]))

    def _lightest(self, rows: list[int]) -> int:
        """The claim to exclude from a conflict: the lightest, then the greatest id."""
        return self._by_weight(rows)[0]

    def _settle_ties(self, undecided: list[tuple[int, list[int]]], live: set[int],
                     holds: Any) -> None:
        """Ties left by the greedy stages: a claim excluded from a conflict, and a claim of the
        same weight in that conflict that is kept where swapping the two still `holds` (the
        weights could not decide between them). Both are disputed and set aside, so the
        range covers either choice; the conflict's sentence says so."""
        for loser, conflict in undecided:
            if self.disputed[loser] or not self.excluded[loser]:
                continue
            rivals = [k for k in conflict if k != loser and k in live and not self.disputed[k]
                      and float(self.weight[k]) == float(self.weight[loser])]
            swapped = [k for k in rivals if holds((live - {k}) | {loser})]
            if swapped:
                self.disputed[[loser, *swapped]] = True
                self.excluded[swapped] = True
                live.difference_update(swapped)
                self.tied.add(tuple(sorted(conflict)))

    def _record_totals(self, a: NDArray[np.int64], b: NDArray[np.int64]) -> None:
        """Record that claims ``a[i]`` and ``b[i]`` on one running total cannot both hold."""
        start, end = self.start, self.end
        same = (start[a] == start[b]) & (end[a] == end[b])
        a_first = (start[a] < start[b]) | ((start[a] == start[b]) & (
            (end[a] < end[b]) | ((end[a] == end[b]) & (self.ids_at(a) <= self.ids_at(b)))))
        earlier, later = np.where(a_first, a, b), np.where(a_first, b, a)
        gap = np.where(same, np.maximum(self.low[a] - self.high[b], self.low[b] - self.high[a]),
                       self.low[earlier] - self.high[later])
        reason = np.where(same, _REASONS.index(Reason.DISJOINT), _REASONS.index(Reason.FALLING_TOTAL))
        self.pairs.append((reason, earlier, later, gap))

    def _heaviest_partial(self, rows: NDArray[np.int64], node: NDArray[np.int64],
                          weight: NDArray[np.int64]) -> None:
        """Exact heaviest set when some times overlap (spans): a small integer programme."""
        start, end = self.node_start[node], self.node_end[node]
        low, high = self.low[rows], self.high[rows]
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
            self.excluded[rows[k]] = True
            if mates.size:
                mate = mates[np.argmin(self.tie(rows[mates]))]
                self._record_totals(rows[[k]], rows[[mate]])

    def _edges(self, blocks: NDArray[np.int64], everything: bool = False) -> tuple[NDArray[Any], ...]:
        """Difference edges (block, u, v, tag) and weights of the running totals in `blocks`:
        of every claim with `everything`, else of the claims not excluded less those that
        `_node_limits` gives (the nodes' own edges)."""
        wanted = np.zeros(self.q_blocks.size - 1, dtype=bool)
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

        nodes = np.arange(self.node_q.size)
        blk = self.block_of_node
        local = self.local + 1
        none = np.full(nodes.size, -1, dtype=np.int64)
        same = np.flatnonzero(self.node_q[1:] == self.node_q[:-1])
        chain = self.chained[blk[same]]
        s = same[chain]
        if everything:
            add(blk, local, np.zeros_like(local), np.zeros(nodes.size), none)  # never negative
            add(blk[s], local[s + 1], local[s], np.zeros(s.size), none[s])  # total never falls
        for b in np.unique(blk[same[~chain]]):
            if not wanted[b]:
                continue
            first, last = self.q_blocks[b], self.q_blocks[b + 1]
            i, j = np.nonzero(self.node_end[first:last, None] <= self.node_start[None, first:last])
            add(np.full(i.size, b), j + 1, i + 1, np.zeros(i.size), np.full(i.size, -1))
        if everything:
            r, nd = self.cum_value, self.value_node
            b, loc = blk[nd], local[nd]
            add(b, np.zeros_like(loc), loc, self.high[r], r)
            add(b, loc, np.zeros_like(loc), np.where(self.low[r] > 0, -self.low[r], np.inf), r)
        live = ~self.excluded[self.cum_period] | everything
        r = self.cum_period[live]
        na, nb = self.period_nodes[0][live], self.period_nodes[1][live]
        low, high = self.low[r], self.high[r]
        rate = self.is_rate[r]
        if rate.any():
            days = (self.pend[r] - self.pstart[r]).astype(np.float64)
            total = IntervalArray._raw(low[rate], high[rate]) * days[rate]
            low, high = low.copy(), high.copy()
            low[rate], high[rate] = whole(total.low, total.high, self.count_q[self.q[r[rate]]])
        add(blk[na], local[na], local[nb], high, r)
        add(blk[na], local[nb], local[na], -low, r)
        arrays = [np.concatenate(p) if p else np.zeros(0) for p in
                  (parts_b, parts_u, parts_v, parts_w, parts_t)]
        order = np.argsort(arrays[0], kind="stable")
        return tuple(a[order] for a in arrays)

    def _node_limits(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """Per node: the greatest low of its claims not excluded (at least 0: a total is never
        negative), their least high, and whether the next node of a chained total is later."""
        live = ~self.excluded[self.cum_value]
        rows, nodes = self.cum_value[live], self.value_node[live]
        floor, ceiling = np.zeros(self.node_q.size), np.full(self.node_q.size, np.inf)
        np.maximum.at(floor, nodes, self.low[rows])
        np.minimum.at(ceiling, nodes, self.high[rows])
        rising = np.r_[(self.node_q[1:] == self.node_q[:-1]) & self.chained[self.block_of_node[:-1]],
                       False]
        return floor, ceiling, rising

    def _totals_bounds(self) -> None:
        blocks = np.arange(self.q_blocks.size - 1)
        self.node_low = np.zeros(self.node_q.size)
        self.node_high = np.full(self.node_q.size, np.inf)
        cyclic = np.flatnonzero(self._bounds_of(blocks, self._edges(blocks), self._node_limits()))
        if cyclic.size == 0:
            return
        edges = self._edges(cyclic, everything=True)
        cuts = np.asarray(np.searchsorted(edges[0], np.r_[cyclic, cyclic[-1] + 1]), dtype=np.int64)
        _, u, v, w, tag = edges
        for b, lo, hi in zip(cyclic.tolist(), cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            self._break_cycles(b, u[lo:hi], v[lo:hi], w[lo:hi], tag[lo:hi])
        tag = edges[4]
        live = (tag < 0) | ~self.excluded[np.maximum(tag, 0)]
        self._bounds_of(cyclic, tuple(a[live] for a in edges))

    def _bounds_of(self, blocks: NDArray[np.int64], edges: tuple[NDArray[Any], ...],
                   limits: tuple[NDArray[Any], ...] | None = None) -> NDArray[np.bool_]:
        """Shortest-path bounds of the nodes of `blocks` (with `_node_limits`, of every node);
        returns the blocks with a negative cycle."""
        block, u, v, w, _ = edges
        sizes = np.diff(self.q_blocks)[blocks] + 1
        node_offsets = np.r_[0, np.cumsum(sizes)]
        position = np.zeros(self.q_blocks.size - 1, dtype=np.int64)
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
        chosen = np.zeros(self.q_blocks.size - 1, dtype=bool)
        chosen[blocks] = True
        nodes = np.flatnonzero(chosen[self.block_of_node])  # blocks are ascending
        self.node_low[nodes] = np.maximum(lower[~origin], 0.0)
        self.node_high[nodes] = upper[~origin]
        out = np.zeros(self.q_blocks.size - 1, dtype=bool)
        out[blocks[cyclic]] = True
        return out

    def _break_cycles(self, block: int, u: NDArray[np.int64], v: NDArray[np.int64],
                      w: NDArray[np.float64], tag: NDArray[np.int64]) -> None:
        """Resolve the conflicts of one running total that its increases or rates bring."""
        n = int(self.q_blocks[block + 1] - self.q_blocks[block]) + 1
        fixed = tag < 0

        def cycle_with(claims: set[int]) -> NDArray[np.int64]:
            return negative_cycle(n, u, v, w, fixed | np.isin(tag, list(claims)))

        live = {int(x) for x in tag if x >= 0 and not self.excluded[x]}
        undecided: list[tuple[int, list[int]]] = []
        while (cycle := cycle_with(live)).size:
            conflict = sorted({int(x) for x in tag[cycle] if x >= 0}, key=lambda k: -self.weight[k])
            for k in list(conflict):
                if cycle_with(set(conflict) - {k}).size:
                    conflict = [c for c in conflict if c != k]
            gap = -sum(w[cycle].tolist())
            loser = self._lightest(conflict)
            live.discard(loser)
            self.excluded[loser] = True
            ids = dict(zip(conflict, self.ids_at(conflict).tolist(), strict=True))
            rows = sorted(conflict, key=lambda k: (self.start[k], self.end[k], ids[k]))
            undecided.append((loser, rows))
            self.found.append((self._reason(rows), rows, float(gap), ()))
        # greedy re-admission, heaviest first: a claim comes back when no cycle returns with it
        for k in self._by_weight(sorted({int(x) for x in tag if x >= 0} - live))[::-1]:
            if not self.disputed[k] and not cycle_with(live | {k}).size:
                live.add(k)
                self.excluded[k] = False
        self._settle_ties(undecided, live, lambda kept: not cycle_with(kept).size)

    # ----------------------------------------------------------------- linked groups
    def _linked(self) -> None:
        """Solve each linked group (relations, expression claims) as a linear system."""
        self.lp_ranges: list[tuple[int, int, int, float, float, list[int], bool]] = []
        #: beside each of `lp_ranges`: its group's kept claims and relation numbers
        self.lp_sources: list[tuple[list[int], list[int]]] = []
        self.broken_groups: set[int] = set()
        #: per linked group, the (excluded claim, its conflict) pairs that may be ties
        self.undecided: dict[int, list[tuple[int, list[int]]]] = {}
        rows = np.flatnonzero(self.valid & self.in_linked & (self.q >= 0))
        if rows.size == 0:
            return
        self._times(rows)
        self._rate_totals(rows)
        order = rows[np.argsort(self.group[rows], kind="stable")]
        starts = _runs(self.group[order])
        self.group_rows = {int(self.group[order[a]]): order[a:b]
                           for a, b in itertools.pairwise(starts)}
        names_by_group: dict[int, list[str]] = {}
        for name, i in self.names.items():
            g = int(self.component[i])
            if self.linked[g]:
                names_by_group.setdefault(g, []).append(name)
        times_group = self.times["group"].to_numpy(np.int64)
        torder = np.argsort(times_group, kind="stable")
        tstarts = _runs(times_group[torder])
        self.group_times = {int(times_group[torder[a]]): np.sort(torder[a:b])
                            for a, b in itertools.pairwise(tstarts)}
        # each relation once in normal form: (number, [(name, coefficient)], op, constant)
        self.relations_by_group: dict[int, list[tuple[int, list[tuple[str, float]], str, float]]] = {}
        for number, relation in self.linking:
            g = int(self.component[self.names[relation.names[0]]])
            form, op = relation.normal()
            terms = [(name, float(c)) for name, c in form.terms]
            self.relations_by_group.setdefault(g, []).append((number, terms, op, float(form.constant)))
        built = [b for b in (self._build_group(int(group), names_by_group.get(int(group), []))
                             for group in np.flatnonzero(self.linked)) if b is not None]
        if not built:
            return
        # every group in one system: propagation over all at once finds most groups that
        # cannot hold as they stand (the rest fail their first witness programme, below)
        stacked, offsets = System.stack([b.system for b in built])
        ends = np.r_[offsets[1:], stacked.n].tolist()
        live = [self._live(b) for b in built]
        bounds = stacked.bounds([k for kept in live for k in kept])
        failing = np.r_[0, np.cumsum(bounds[0] > bounds[1])]
        for b, start, end in zip(built, offsets.tolist(), ends, strict=True):
            if failing[end] > failing[start]:
                self._resolve_group(b, infeasible=True)
        blocked = self._blocked()
        for b in built:
            self._readmit(b, blocked)
        changed = [i for i, b in enumerate(built) if self._live(b) != live[i]]
        if changed:  # bounds again where the claims kept have changed
            again, _ = System.stack([built[i].system for i in changed])
            fresh = again.bounds([k for i in changed for k in self._live(built[i])])
            at = np.concatenate([np.arange(offsets[i], ends[i]) for i in changed])
            for whole, redone in zip(bounds, fresh, strict=True):
                whole[at] = redone
        for first in range(0, len(built), _BATCH):
            chunk = built[first:first + _BATCH]
            part = tuple(a[offsets[first]:ends[first + len(chunk) - 1]] for a in bounds)
            for b, (lows, highs) in zip(chunk, self._chunk_ranges(chunk, part, blocked), strict=True):
                self._report_group(b, lows, highs)

    def _chunk_ranges(self, chunk: list[_Group], bounds: tuple[NDArray[Any], ...],
                      blocked: dict[int, list[list[int]]]) -> list[tuple[NDArray[np.float64], ...]]:
        """The ranges of a few groups, solved side by side (sharing each programme); when one
        of them cannot hold, each half on its own."""
        if len(chunk) == 1:
            return [self._group_ranges(chunk[0], bounds, blocked)]
        together, offsets = System.stack([b.system for b in chunk])
        spans = [(o, o + b.system.n) for b, o in zip(chunk, offsets.tolist(), strict=True)]
        try:
            low, high = together.ranges([k for b in chunk for k in self._live(b)], bounds)  # type: ignore[arg-type]
        except ValueError:  # a conflict propagation did not see
            half = len(chunk) // 2
            middle = spans[half][0]
            return (self._chunk_ranges(chunk[:half], tuple(a[:middle] for a in bounds), blocked)
                    + self._chunk_ranges(chunk[half:], tuple(a[middle:] for a in bounds), blocked))
        return [(low[start:end], high[start:end]) for start, end in spans]

    def _group_ranges(self, b: _Group, bounds: tuple[NDArray[Any], ...],
                      blocked: dict[int, list[list[int]]]) -> tuple[NDArray[np.float64], ...]:
        """The ranges of one group, resolving a conflict propagation did not see first."""
        try:
            return b.system.ranges(self._live(b), bounds)  # type: ignore[arg-type]
        except ValueError:
            since = len(self.found)
            self._resolve_group(b)
            if id(b) in self.broken_groups:
                return np.full(b.system.n, np.nan), np.full(b.system.n, np.nan)
            self._readmit(b, self._blocked(since, blocked))
            return b.system.ranges(self._live(b))

    def _times(self, rows: NDArray[np.int64]) -> None:
        """Times of the linked groups; level quantities cluster them by the window."""
        value = rows[self.is_value[rows]]
        periodic = rows[~self.is_value[rows]]
        groups = np.unique(self.group[rows])
        asked_group = np.repeat(groups, self.at.size)
        asked_day = np.tile(self.at, groups.size)
        group = np.concatenate([self.group[value], self.group[periodic], asked_group,
                                self.group[periodic]])
        start = np.concatenate([self.start[value], self.pend[periodic], asked_day,
                                self.pstart[periodic]])
        end = np.concatenate([self.end[value], self.pend[periodic], asked_day,
                              self.pstart[periodic]])
        # the times a claim names (not a period's start) and the dates asked for are reported
        named = np.r_[np.ones(group.size - periodic.size, dtype=bool), np.zeros(periodic.size, bool)]
        times = pd.DataFrame({"group": group, "start": start, "end": end, "named": named})
        times = times.groupby(["group", "start", "end"], as_index=False, sort=False)["named"].any()
        times["lane"] = self._lane(times["start"].to_numpy(np.int64), times["end"].to_numpy(np.int64))
        times = times.sort_values(["group", "lane", "start", "end"]).reset_index(drop=True)
        g = times["group"].to_numpy(np.int64)
        times["cluster"] = anchor_clusters(_run_numbers(g, times["lane"].to_numpy(np.int64)),
                                           times["start"].to_numpy(np.int64),
                                           times["end"].to_numpy(np.int64),
                                           np.full(len(times), self.window, dtype=np.int64),
                                           ordered=True)
        self.times = times
        self.time_start = times["start"].to_numpy(np.int64)
        self.time_end = times["end"].to_numpy(np.int64)
        self.time_cluster = times["cluster"].to_numpy(np.int64)
        self.time_named = times["named"].to_numpy(bool)
        self.cluster_named = np.zeros(int(self.time_cluster.max(initial=-1)) + 1, dtype=bool)
        np.logical_or.at(self.cluster_named, self.time_cluster, self.time_named)
        self.cluster_of_time: list[int] = self.time_cluster.tolist()
        self.time_spans = list(zip(self.time_start.tolist(), self.time_end.tolist(), strict=True))
        self.cumulative_names = {name for name, i in self.names.items()
                                 if self.kind_of_q[i] == "cumulative"}
        self.time_index = {key: k for k, key in enumerate(zip(
            g.tolist(), self.time_start.tolist(), self.time_end.tolist(), strict=True))}
        self.time_of = np.full(self.n, -1, dtype=np.int64)
        self.time_of[value] = [self.time_index[key] for key in zip(
            self.group[value].tolist(), self.start[value].tolist(), self.end[value].tolist(),
            strict=True)]

    def _rate_totals(self, rows: NDArray[np.int64]) -> None:
        """The increase over its period that each rate claim of `rows` gives (rate times days)."""
        rate = rows[self.is_rate[rows]]
        days = self.pend[rate] - self.pstart[rate]
        total = IntervalArray._raw(self.low[rate], self.high[rate]) * days
        low, high = whole(total.low, total.high, self.count_q[self.q[rate]])
        self.rate_totals: dict[int, tuple[float, float]] = dict(zip(
            rate.tolist(), zip(low.tolist(), high.tolist(), strict=True), strict=True))

    def _slot(self, name: str, time: int) -> tuple[str, int]:
        """The variable of `name` at time row `time`: its cluster if level, the time if cumulative."""
        if name in self.cumulative_names:
            return name, time
        return name, -1 - self.cluster_of_time[time]

    def _build_group(self, group: int, names: list[str]) -> _Group | None:
        """The linear system of one linked group: its claims, relations and running-total order."""
        times = self.group_times.get(group, np.zeros(0, dtype=np.int64))
        variables: dict[tuple[str, int], int] = {}
        known: dict[tuple[str, int], int] = {}  # (name, time row) -> variable

        def var(name: str, time: int) -> int:
            index = known.get((name, time))
            if index is None:
                index = known[name, time] = variables.setdefault(self._slot(name, time),
                                                                 len(variables))
            return index

        slot = self._slot
        for name in names:  # every variable up front, so relations and order look them up
            for time in times.tolist():
                known[name, time] = variables.setdefault(slot(name, time), len(variables))
        if not variables:
            return None
        system = System(len(variables))
        every = self.group_rows.get(group, np.zeros(0, dtype=np.int64))
        spoken_by = self._add_claims(system, every, var, group)
        relation_rows: set[tuple[Any, ...]] = set()
        for number, terms, op, constant in self.relations_by_group.get(group, []):
            for time in times.tolist():
                coefficients: dict[int, float] = {}
                for name, c in terms:
                    index = known[name, time]
                    coefficients[index] = coefficients.get(index, 0.0) + c
                key = (tuple(sorted(coefficients.items())), op)
                if key in relation_rows:
                    continue
                relation_rows.add(key)
                system.add(coefficients, -math.inf if op == "<=" else -constant, -constant, -1,
                           rule=number)
        pairs = self._in_order(times)
        for name in names:
            if self.kind_of_q[self.names[name]] != "cumulative":
                continue
            for a, b in pairs:
                system.add_row((known[name, a], known[name, b]), (-1.0, 1.0), 0.0, math.inf, -1)
        return _Group(system, variables, every, spoken_by, times)

    def _in_order(self, times: NDArray[np.int64]) -> list[tuple[int, int]]:
        """The pairs of time rows (a, b) with a ending before b starts that a running total
        must not fall across: instants in order need only consecutive pairs; spans that
        overlap need every pair."""
        ordered = times[np.lexsort((self.time_end[times], self.time_start[times]))]
        start, end = self.time_start[ordered].tolist(), self.time_end[ordered].tolist()
        instants = start == end
        rows = ordered.tolist()
        return [(rows[i], rows[j]) for i in range(len(rows))
                for j in (range(i + 1, min(i + 2, len(rows))) if instants else range(i + 1, len(rows)))
                if end[i] <= start[j]]

    def _add_claims(self, system: System, every: NDArray[np.int64], var: Any, group: int,
                    ) -> dict[int, set[tuple[str, int]]]:
        """Add the rows of the claims `every`; return the variables each speaks about."""
        spoken_by: dict[int, set[tuple[str, int]]] = {}
        plain = self.is_value[every] & ~self.expression[every]
        for k, simple, name, time, low, high in zip(
                every.tolist(), plain.tolist(), self.quantity[every].tolist(),
                self.time_of[every].tolist(), self.low[every].tolist(), self.high[every].tolist(),
                strict=True):
            if simple:  # most claims: one variable within bounds
                system.add_row((var(name, time),), (1.0,), low, high, k)
                spoken_by[k] = {self._slot(name, time)}
            else:
                spoken_by[k] = self._claim_rows(system, k, var, group)
        return spoken_by

    def _live(self, b: _Group) -> list[int]:
        """The group's claims not excluded."""
        return b.every[~self.excluded[b.every]].tolist()

    def _resolve_group(self, b: _Group, infeasible: bool = False) -> None:
        """Greedy drop: exclude the lightest claim of each minimal conflict until the rest hold
        (`infeasible`: they are known not to hold as they stand)."""
        system = b.system
        active = self._live(b)
        while infeasible or not system.feasible(active):
            infeasible = False
            removal = self._by_weight(active)
            conflict = system.minimal_conflict(active, removal)
            if not conflict:
                if not system.feasible([]):  # the relations cannot hold on their own
                    self.broken.append(tuple(system.needed_rules([])))
                    self.broken_groups.add(id(b))
                break
            loser = self._lightest(conflict)
            self.found.append((self._reason(conflict), conflict, system.violation(conflict),
                               tuple(system.needed_rules(conflict))))
            self.excluded[loser] = True
            active.remove(loser)
            self.undecided.setdefault(id(b), []).append((loser, conflict))

    def _blocked(self, since: int = 0, out: dict[int, list[list[int]]] | None = None,
                 ) -> dict[int, list[list[int]]]:
        """For each claim of a linked group, the other members of the conflicts it is in: the
        pairs found in bulk (unless adding to `out`) and `found` from entry `since` on."""
        if out is None:
            out = {}
            for _, first, second, _ in self.pairs:
                linked = self.in_linked[first] | self.in_linked[second]
                for a, b in zip(first[linked].tolist(), second[linked].tolist(), strict=True):
                    out.setdefault(a, []).append([b])
                    out.setdefault(b, []).append([a])
        for _, rows, _, _ in self.found[since:]:
            for k in rows:
                out.setdefault(int(k), []).append([int(j) for j in rows if j != k])
        return out

    def _readmit(self, b: _Group, blocked: dict[int, list[list[int]]]) -> None:
        """Greedy re-admission, heaviest first: an excluded claim comes back when the kept
        claims and it still hold together (never while a conflict it is in is all kept)."""
        candidates = [int(row) for row in b.every if self.excluded[row] and not self.disputed[row]
                      and not any(
            not self.excluded[others].any() for others in blocked.get(int(row), []))]
        active = self._live(b)
        for k in self._by_weight(candidates)[::-1]:
            if b.system.feasible([*active, k]):
                active.append(k)
                self.excluded[k] = False
        undecided = self.undecided.pop(id(b), [])
        if undecided:
            self._settle_ties(undecided, set(active), lambda kept: b.system.feasible(sorted(kept)))

    def _report_group(self, b: _Group, low: NDArray[np.float64], high: NDArray[np.float64]) -> None:
        """The ranges of one group's variables that claims speak about."""
        if id(b) in self.broken_groups:
            return
        before = len(self.lp_ranges)
        self._report_variables(b, low, high)
        kept = b.every[~(self.excluded | self.disputed | ~self.valid)[b.every]]
        numbers = [n for n, _, _, _ in self.relations_by_group.get(int(self.group[b.every[0]]), [])]
        self.lp_sources.extend([(kept.tolist(), numbers)] * (len(self.lp_ranges) - before))

    def _report_variables(self, b: _Group, low: NDArray[np.float64], high: NDArray[np.float64]) -> None:
        """`_report_group` for a group that holds: a range per variable claims speak about."""
        active = b.every[~self.excluded[b.every]]
        times = b.times
        mentioned: set[tuple[str, int]] = set().union(*(b.spoken_by[k] for k in active.tolist()))
        plain = active[self.is_value[active] & ~self.expression[active]]
        direct: dict[tuple[str, int], list[int]] = {}
        for k, name, time in zip(plain.tolist(), self.quantity[plain].tolist(),
                                 self.time_of[plain].tolist(), strict=True):
            direct.setdefault(self._slot(name, time), []).append(k)
        lows, highs = low.tolist(), high.tolist()
        asked = set(self.at.tolist())
        spans: dict[int, tuple[int, int]] = {}  # each cluster's first and last day
        for cluster_number, first, last in zip(self.time_cluster[times].tolist(),
                                               self.time_start[times].tolist(),
                                               self.time_end[times].tolist(), strict=True):
            known = spans.get(cluster_number)
            spans[cluster_number] = (first, last) if known is None else \
                (min(known[0], first), max(known[1], last))
        for (name, slot), index in b.variables.items():
            members = direct.get((name, slot), [])
            named = bool(self.cluster_named[-1 - slot]) if slot < 0 else bool(self.time_named[slot])
            if not members and (name, slot) not in mentioned and not (
                    named and (math.isfinite(highs[index]) or lows[index] > 0)):
                continue
            if slot < 0:
                span = spans[-1 - slot]
                cluster = times[self.time_cluster[times] == -1 - slot] if asked else times
                days = [d for d in asked if span[0] <= d <= span[1] and bool(
                    ((self.time_start[cluster] == d) & (self.time_end[cluster] == d)).any())] \
                    if asked and span[0] < span[1] else []
                if days:  # a date asked for inside a cluster: its own row
                    for day in sorted(days):
                        self.lp_ranges.append((self.names[name], day, day, lows[index],
                                               highs[index], [], True))
                    if not members and (name, slot) not in mentioned and not any(
                            self.time_named[t] and (self.time_start[t], self.time_end[t]) not in
                            {(d, d) for d in days} for t in cluster.tolist()):
                        continue
            else:
                span = self.time_spans[slot]
            self.lp_ranges.append((self.names[name], *span, lows[index], highs[index],
                                   members, not members))

    def _claim_rows(self, system: System, k: int, var: Any, group: int) -> set[tuple[str, int]]:
        """Add claim k's rows; return the variables (name, slot) it speaks about."""
        low, high = float(self.low[k]), float(self.high[k])
        if self.is_value[k]:
            time = int(self.time_of[k])
            if k in self.expressions:
                expression = self.expressions[k]
                spoken = {self._slot(n, time) for n in expression.names}
                if isinstance(expression, Ratio):
                    numerator = _coefficients(expression.numerator, lambda n: var(n, time))
                    denominator = _coefficients(expression.denominator, lambda n: var(n, time))
                    shift = float(expression.numerator.constant)
                    for bound, lo, hi in ((low, 0.0, math.inf), (high, -math.inf, 0.0)):
                        if math.isfinite(bound):
                            row = dict(numerator)
                            for i, c in denominator.items():
                                row[i] = row.get(i, 0.0) - bound * c
                            constant = shift - bound * float(expression.denominator.constant)
                            system.add(row, lo - constant, hi - constant, k)
                    return spoken
                coefficients = _coefficients(expression, lambda n: var(n, time))
                constant = float(expression.constant)
                system.add(coefficients, low - constant, high - constant, k)
                return spoken
            name = self.quantity[k]
            system.add({var(name, time): 1.0}, low, high, k)
            return {self._slot(name, time)}
        first = self.time_index[(group, int(self.pstart[k]), int(self.pstart[k]))]
        last = self.time_index[(group, int(self.pend[k]), int(self.pend[k]))]
        if self.is_rate[k]:
            low, high = self.rate_totals[k]
        name = self.quantity[k]
        system.add({var(name, last): 1.0, var(name, first): -1.0}, low, high, k)
        return {self._slot(name, last)}

    def _reason(self, conflict: list[int]) -> Reason:
        """What conflicts: claims on linked quantities (a relation), increases over one period
        (disjoint), a rate or an increase against the totals, or totals that would fall."""
        rows = np.asarray(conflict)
        if self.expression[rows].any() or np.unique(self.q[rows]).size > 1:
            return Reason.RELATION
        periodic = ~self.is_value[rows]
        if periodic.all() and not self.is_rate[rows].any() and np.unique(self.pstart[rows]).size == 1 \
                and np.unique(self.pend[rows]).size == 1:
            return Reason.DISJOINT
        if self.is_rate[rows].any():
            return Reason.RATE_VS_TOTALS
        if periodic.any():
            return Reason.INCREASE_VS_TOTALS
        if self.cumulative[rows].all() and not (
                np.unique(self.start[rows]).size == 1 and np.unique(self.end[rows]).size == 1):
            return Reason.FALLING_TOTAL
        return Reason.DISJOINT

    # ----------------------------------------------------------------- ranges
    def _plain_ranges(self) -> tuple[list[NDArray[Any]], NDArray[np.int64], NDArray[np.int64]]:
        """Ranges of the quantities no relation links: columns and (member row, range) pairs,
        by range. Frees the working arrays (`_release`), read here for the last time."""
        lp = self._lp_ranges()
        parts = [part for part in (self._level_ranges(), self._total_ranges(), lp)
                 if part is not None]
        if self.at.size:
            parts += [part for part in (self._level_at(parts[0] if parts else None),
                                        self._totals_at()) if part is not None]
        self._release()
        if not parts:
            return ([np.zeros(0, dtype=d) for d in (np.int64, np.int64, np.int64, np.float64,
                                                    np.float64, bool)],
                    np.zeros(0, np.int64), np.zeros(0, np.int64))
        count = 0
        for part in parts:  # range numbers run on from one part to the next
            if part is lp:
                self.lp_first = count
            part[7] += count
            count += part[0].size
        # joined a column at a time, each column's pieces freed once joined (pop)
        pieces = [list(column) for column in zip(*parts, strict=True)]
        del parts
        joined = [np.concatenate(pieces.pop(0)) for _ in range(8)]
        return joined[:6], joined[6], joined[7]

    def _level_at(self, level: list[NDArray[Any]] | None) -> list[NDArray[Any]] | None:
        """Ranges of the unlinked level quantities at the dates asked for (`at`): the range of
        the nearest time whose window holds the date (none when no claim is that close)."""
        if level is None or level[0].size == 0 or self.kind_of_q[level[0][0]] != "level":
            return None
        q, start, end, low, high = level[:5]
        out: list[list[Any]] = [[], [], [], [], []]
        for day in self.at.tolist():
            distance = np.maximum(np.maximum(start - day, day - end), 0)
            near = (distance <= self.window) & ~((start == day) & (end == day))
            near &= end - start <= self.window  # a coarse time does not pin a day
            if not near.any():
                continue
            rows = np.flatnonzero(near)
            rows = rows[np.lexsort((distance[rows], q[rows]))]
            rows = rows[np.r_[True, q[rows][1:] != q[rows][:-1]]]
            for column, values in zip(out, (q[rows], np.full(rows.size, day), np.full(rows.size, day),
                                            low[rows], high[rows]), strict=True):
                column.append(values)
        return self._part(out)

    def _totals_at(self) -> list[NDArray[Any]] | None:
        """Ranges of the unlinked running totals at the dates asked for (`at`): at least the
        greatest bound of a total known before the date, at most the least known after it."""
        if not self.node_q.size:
            return None
        nodes = np.flatnonzero(~self.linked[self.component[self.node_q]])
        if nodes.size == 0:
            return None
        q = self.node_q[nodes]
        out: list[list[Any]] = [[], [], [], [], []]
        names = np.unique(q)
        for day in self.at.tolist():
            before = self.node_end[nodes] <= day
            after = self.node_start[nodes] >= day
            low = np.zeros(self.name_of.size)
            high = np.full(self.name_of.size, np.inf)
            np.maximum.at(low, q[before], self.node_low[nodes[before]])
            np.minimum.at(high, q[after], self.node_high[nodes[after]])
            exact = np.zeros(self.name_of.size, dtype=bool)
            exact[q[(self.node_start[nodes] == day) & (self.node_end[nodes] == day)]] = True
            which = names[~exact[names]]
            for column, values in zip(out, (which, np.full(which.size, day), np.full(which.size, day),
                                            low[which], high[which]), strict=True):
                column.append(values)
        return self._part(out)

    @staticmethod
    def _part(columns: list[list[Any]]) -> list[NDArray[Any]] | None:
        """Ranges of no claim of their own as a part of `_plain_ranges`."""
        if not columns[0]:
            return None
        q, start, end, low, high = (np.concatenate(c) for c in columns)
        return [q.astype(np.int64), start.astype(np.int64), end.astype(np.int64),
                low.astype(np.float64), high.astype(np.float64), np.ones(q.size, dtype=bool),
                np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)]

    def _level_ranges(self) -> list[NDArray[Any]] | None:
        """`_plain_ranges` of the level quantities: columns, member rows, their ranges."""
        rows = self.level_rows
        keep = ~self.excluded[rows] & ~self.in_linked[rows]
        rows, slot = rows[keep], self.level_slot[keep]  # slots are sorted
        if rows.size == 0:
            return None
        runs = _runs(slot)
        heads = runs[:-1]
        low = np.maximum.reduceat(self.low[rows], heads)
        high = np.minimum.reduceat(self.high[rows], heads)
        tied, tie_low, tie_high = getattr(self, "level_tied", (np.zeros(0, np.int64),) * 3)
        if tied.size:
            at = np.searchsorted(slot[heads], tied)
            low[at], high[at] = tie_low, tie_high
        return [self.q[rows[heads]], np.minimum.reduceat(self.start[rows], heads),
                np.maximum.reduceat(self.end[rows], heads), low, high,
                np.zeros(heads.size, bool), rows, np.repeat(np.arange(heads.size), np.diff(runs))]

    def _total_ranges(self) -> list[NDArray[Any]] | None:
        """`_plain_ranges` of the running totals."""
        if not self.node_q.size:
            return None
        linked_q = self.linked[self.component[self.node_q]]
        live = ~self.excluded[self.cum_value] | self.disputed[self.cum_value]
        value_nodes = self.value_node[live]
        report = np.zeros(self.node_q.size, dtype=bool)
        report[value_nodes] = True
        report[self.period_nodes[1][~self.excluded[self.cum_period]]] = True
        report &= ~linked_q
        nodes = np.flatnonzero(report)
        index = np.full(self.node_q.size, -1, dtype=np.int64)
        index[nodes] = np.arange(nodes.size)
        has = np.zeros(self.node_q.size, dtype=bool)
        has[value_nodes] = True
        by_node = self.value_by_node[live[self.value_by_node]]  # so ranges come in order
        take = by_node[index[self.value_node[by_node]] >= 0]
        return [self.node_q[nodes], self.node_start[nodes], self.node_end[nodes],
                self.node_low[nodes], self.node_high[nodes], ~has[nodes],
                self.cum_value[take], index[self.value_node[take]]]

    def _lp_ranges(self) -> list[NDArray[Any]] | None:
        """`_plain_ranges` of the linked groups (`lp_ranges`)."""
        lp = getattr(self, "lp_ranges", None)
        if not lp:
            return None
        sizes = [len(r[5]) for r in lp]
        return [*(np.array([r[c] for r in lp], dtype=dtype) for c, dtype in
                  ((0, np.int64), (1, np.int64), (2, np.int64), (3, np.float64),
                   (4, np.float64), (6, bool))),
                np.array([k for r in lp for k in r[5]], dtype=np.int64),
                np.repeat(np.arange(len(lp)), sizes)]

    def _ranges(self) -> tuple[pd.DataFrame, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """The ranges table, and each range's quantity number, first and last day."""
        (q, start, end, low, high, derived), mrow, mrange = self._plain_ranges()
        # each range's distinct sources, in name order
        n_sources = max(self.source_names.size, 1)
        source = mrange * n_sources
        source += self.source_rank[self.source_codes[mrow]]
        del self.source_codes  # its last use
        source.sort(kind="stable")  # sorted but within ranges: timsort finds the runs
        source = source[np.r_[True, source[1:] != source[:-1]]] if source.size else source
        np.maximum(low, 0.0, out=low)
        count = self.count_q[q]
        low[:], high[:] = whole(low, high, count)  # linked ranges round inward (sound)
        size = q.size  # mrange is sorted
        best = self._best(mrow, mrange, size, low, high)
        best = np.where(count, np.minimum(np.maximum(np.round(best), low), high), best)
        span, as_of = _distinct(format_span, start, end, ordered=True)
        name_rank = np.empty(self.name_of.size, dtype=np.int64)
        name_rank[np.argsort(self.name_of, kind="stable")] = np.arange(self.name_of.size)
        final = np.argsort(name_rank[q] * max(as_of.size, 1) + span, kind="stable")
        # the lists are made in their final order: the ids are gathered once, not twice
        bounds, rows = _reordered(_code_starts(mrange, size), final, mrow)
        del mrow, mrange
        claims = _id_lists(self.ids, bounds, rows, ordered=True)
        bounds, rows = _reordered(_code_starts(source // n_sources, size), final, source % n_sources)
        del source
        by_rank = np.empty_like(self.source_names)
        by_rank[self.source_rank] = self.source_names
        sources = _id_lists(_arrow_text(by_rank), bounds, rows, encoded=True)
        del bounds, rows
        derived_from, relations = self._derivations(derived, final)
        q = q[final]
        frame = pd.DataFrame({"quantity": _strings(self.name_of[q]),
                              "as_of": _strings(as_of[span[final]]),
                              "as_of_start": as_dates(start[final]),
                              "as_of_end": as_dates(end[final]),
                              "low": low[final], "high": high[final], "best": best[final],
                              "unit": _strings(self.unit_of_q[q]),
                              "kind": _strings(self.kind_of_q[q]),
                              "claims": claims, "sources": sources,
                              "derived": derived[final], "derived_from": derived_from,
                              "relations": relations}, copy=False)
        return frame, q, start[final], end[final]

    def _derivations(self, derived: NDArray[np.bool_], final: NDArray[np.int64]
                     ) -> tuple[pd.api.extensions.ExtensionArray, pd.api.extensions.ExtensionArray]:
        """What each range (in `final` order) is derived from: for a derived range of a linked
        group, the group's kept claims (any of which can bound it through the relations) and
        the group's relations, with their lines; empty lists for the others. Few ranges are
        derived, so the loop is over them alone."""
        size = final.size
        claim_rows: dict[int, list[int]] = {}
        relation_numbers: dict[int, list[int]] = {}
        first = getattr(self, "lp_first", 0)
        for i, (rows, numbers) in enumerate(getattr(self, "lp_sources", [])):
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
        texts = np.array([self._relation_text(n, True) for n in range(len(self.relations))],
                         dtype=object)
        claims = _id_lists(self.ids, np.r_[0, np.cumsum(claims_count)],
                           np.array([k for r in ordered for k in claim_rows[r]], dtype=np.int64),
                           ordered=True)
        relations = _id_lists(_arrow_text(texts), np.r_[0, np.cumsum(relations_count)],
                              np.array([n for r in ordered for n in relation_numbers[r]],
                                       dtype=np.int64))
        return claims, relations

    def _best(self, mrow: NDArray[np.int64], mrange: NDArray[np.int64], size: int,
              low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.float64]:
        """The documented best point: weighted median of the claims' points, clipped into the range."""
        best = _middle(low, high)
        p = _middle(self.low[mrow], self.high[mrow])
        given = self.table["best"].to_numpy(np.float64)[mrow]
        np.copyto(p, given, where=~np.isnan(given))
        del given  # each array here is as long as all the ranges' claims: hold few at once
        usable = np.isfinite(p)
        r, w = mrange, self.weight[mrow]
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

    # ----------------------------------------------------------------- output
    def _describe(self, rows: NDArray[np.int64]) -> NDArray[np.object_]:
        """Each claim as an explanation names it: ``over 10,000 (Sakhuja, 2024-10-27)``."""
        t = self.table

        def column(name: str) -> NDArray[np.object_]:
            return _text_at(t[name], rows)

        written = column("value")
        blank = np.flatnonzero(written == "")
        codes, texts = _distinct(_interval_text, self.low[rows[blank]], self.high[rows[blank]])
        written[blank] = texts[codes]
        who, outlet = column("claimant"), column("outlet")
        fill = np.flatnonzero(who == "")  # the outlet, else the id
        who[fill] = np.where(outlet[fill] != "", outlet[fill], "claim " + self.ids_at(rows[fill]))
        when = column("as_of")
        fill = np.flatnonzero(when == "")
        when[fill] = "published " + _text_at(t["published"], rows[fill])
        over = np.flatnonzero(column("measure") != "value")
        period = column("period")[over]
        unwritten = np.flatnonzero(period == "")
        codes, texts = _distinct(format_period, self.pstart[rows[over[unwritten]]],
                                 self.pend[rows[over[unwritten]]])
        period[unwritten] = texts[codes]
        when[over] = when[over] + ", over " + period
        return written + " (" + who + ", " + when + ")"

    def _explain(self, reason: NDArray[np.int64], member: NDArray[np.int64],
                 bounds: NDArray[np.int64], rules: NDArray[np.object_],
                 gap: NDArray[np.float64]) -> NDArray[np.object_]:
        """The sentence of each conflict, with its arithmetic and `gap`; conflict i is of
        claims ``member[bounds[i]:bounds[i+1]]``."""
        size = reason.size
        if size == 0:
            return np.zeros(0, dtype=object)
        codes, rows = pd.factorize(member)
        texts = self._describe(rows)[codes]
        first, last = bounds[:-1], bounds[1:] - 1
        # "a and b", "a, b and c"
        separator = np.full(member.size, ", ", dtype=object)
        separator[first] = ""
        separator[last] = " and "
        listing = np.add.reduceat(separator + texts, first)
        quantity = self.names_at(member[first])
        relations_code = _REASONS.index(Reason.RELATIONS)
        within = np.where(~self.is_value[member[first]], "over the same period",
                          np.where(self.cumulative[member[first]], "at the same time",
                                   f"within {self.window} days")).astype(object)
        relations = np.array(["; ".join(self._relation_text(r, code == relations_code)
                                        for r in numbers) if numbers else ""
                              for code, numbers in zip(reason.tolist(), rules, strict=True)],
                             dtype=object)
        with_rules = np.where(relations != "", " with " + relations, "").astype(object)
        # the arithmetic: each claim's interval (of its quantity where relations link several)
        linked = np.repeat(reason == _REASONS.index(Reason.RELATION), np.diff(bounds))
        plain, named = self._workings(rows)
        separator[:] = "; "
        separator[first] = ": "
        working = np.add.reduceat(separator + np.where(linked, named[codes], plain[codes]), first)
        for i in np.flatnonzero(reason == _REASONS.index(Reason.RELATION)).tolist():
            chain = self._through_order(member[bounds[i]:bounds[i + 1]], rules[i])
            if chain:
                working[i] = chain
        unit = _text_at(self.table["unit"], member[first])
        known = np.isfinite(gap) & (gap > 0)
        gaps = np.full(size, "", dtype=object)
        gap_codes, gap_texts = _distinct(lambda g, u: f"{number_words(g)} {u}", gap[known],
                                         unit[known])
        gaps[known] = gap_texts[gap_codes]
        out = np.empty(size, dtype=object)
        for code in np.unique(reason).tolist():
            which = reason == code
            rule = _REASONS[code]
            fields = {"claims": listing[which], "first": texts[first[which]],
                      "last": texts[last[which]], "quantity": quantity[which],
                      "when": within[which],
                      "relations": (relations if rule is Reason.RELATIONS else with_rules)[which]}
            out[which] = fill(rule.sentence, fields)
            if rule is Reason.RELATIONS:
                continue
            out[which] = out[which] + working[which]
            short = which & known
            if rule.shortfall and short.any():
                out[short] = out[short] + fill(rule.shortfall, {"gap": gaps[short]})
        if self.tied:
            pairs = np.array([t for t in self.tied if len(t) == 2], dtype=np.int64).reshape(-1, 2)
            two = np.flatnonzero(np.diff(bounds) == 2)
            low, high = member[bounds[two]], member[bounds[two] + 1]
            key = np.minimum(low, high) * self.n + np.maximum(low, high)
            undecided = two[np.isin(key, pairs[:, 0] * self.n + pairs[:, 1])]
            larger = [t for t in self.tied if len(t) != 2]
            if larger:
                many = np.flatnonzero(np.diff(bounds) > 2)
                undecided = np.r_[undecided, [i for i in many.tolist() if tuple(sorted(
                    member[bounds[i]:bounds[i + 1]].tolist())) in self.tied]].astype(np.int64)
            out[undecided] = out[undecided] + UNDECIDED
        return out

    def _workings(self, rows: NDArray[np.int64]) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
        """What each claim of `rows` (few: the members of conflicts) allows, in its unit:
        ``712,610 is exactly 712,610 person``; a rate with the increase over its period; and
        the same with the quantity named (``... person of dprk.troops.kursk``)."""
        t = self.table
        written = _text_at(t["value"], rows)
        unit = " " + _text_at(t["unit"], rows)
        low, high = self.low[rows], self.high[rows]
        codes, texts = _distinct(interval_words, low, high)
        text = np.where(written != "", written + " is ", "").astype(object) + texts[codes]
        for i in np.flatnonzero(self.is_rate[rows]).tolist():  # few: a loop
            k = int(rows[i])
            days = float(self.pend[k] - self.pstart[k])
            text[i] += (f"{unit[i]} / day, so over {number_words(days)} days "
                        f"{interval_words(low[i] * days, high[i] * days)}")
        plain = text + unit
        named = plain + " of " + self.names_at(rows)
        return plain, named

    def _through_order(self, rows: NDArray[np.int64], numbers: tuple[int, ...]) -> str:
        """For two claims linked only by relations ``x <= y`` (a chain of them): what the
        smaller side's claim needs of the larger side, and what the larger side's allows
        (``: Eleven thousand of dprk.troops.kursk needs at least 10,500 of
        dprk.troops.dispatched; at most 10,000 of dprk.troops.dispatched allows at most
        10,000``); "" for other conflicts (their claims' intervals are stated instead)."""
        if rows.size != 2 or not numbers or not self.is_value[rows].all() \
                or self.expression[rows].any():
            return ""
        above: dict[str, set[str]] = {}
        for number in numbers:
            form, op = self.relations[number].normal()
            terms = dict(form.terms)
            if op != "<=" or form.constant != 0 or len(terms) != 2 \
                    or sorted(terms.values()) != [-1, 1]:
                return ""
            small, large = sorted(terms, key=lambda name: -terms[name])
            above.setdefault(small, set()).add(large)

        def reaches(start: str, goal: str) -> bool:
            seen, todo = {start}, [start]
            while todo:
                for name in above.get(todo.pop(), ()):
                    if name == goal:
                        return True
                    if name not in seen:
                        seen.add(name)
                        todo.append(name)
            return False

        a, b = rows.tolist()
        names = self.names_at(rows).tolist()
        if not reaches(names[0], names[1]):
            if not reaches(names[1], names[0]):
                return ""
            a, b = b, a
            names.reverse()
        written = _text_at(self.table["value"], np.array([a, b], dtype=np.int64))
        unit = _text_at(self.table["unit"], np.array([a], dtype=np.int64))[0]
        said = [w or interval_words(float(self.low[k]), float(self.high[k]))
                for w, k in zip(written.tolist(), (a, b), strict=True)]
        return (f": {said[0]} of {names[0]} is {interval_words(self.low[a], self.high[a])} "
                f"{unit}, so it needs at least {number_words(self.low[a])} of {names[1]}; "
                f"{said[1]} of {names[1]} allows at most {number_words(self.high[b])}")

    def _relation_text(self, number: int, line: bool) -> str:
        """A relation as an explanation names it: its text, with `line` its line too."""
        relation = self.relations[number]
        return f"{relation} (line {relation.line})" if line and relation.line is not None \
            else str(relation)

    def run(self) -> Reconciliation:
        codes, self.source_names = _factorize(self.table["source"], slice(None))
        self.source_codes = codes.astype(np.int64, copy=False)
        del codes  # `_ranges` frees the array
        self.source_rank = np.empty(self.source_names.size, dtype=np.int64)
        self.source_rank[np.argsort(self.source_names, kind="stable")] = \
            np.arange(self.source_names.size)
        self._groups()
        self.invalid = ~self.valid
        self._revisions()
        self._level()
        self._cumulative()
        self._linked()
        ranges, q, start, end = self._ranges()
        changes = self._changes(ranges, q, start, end)
        del q, start, end  # before the claims table, the output's largest
        return Reconciliation(ranges, *self._contradictions_and_claims(), changes=changes,
                              revisions=self._revision_table())

    def _broken_relations(self, contradictions: pd.DataFrame) -> pd.DataFrame:
        """The contradictions of relations that cannot hold whatever the claims, after those
        of claims: no claims, the relations with their lines."""
        found = list(dict.fromkeys(self.broken))
        first = len(contradictions) + 1
        names = [", ".join(sorted({n for r in rules for n in self.relations[r].names}))
                 for rules in found]
        listed = np.array(["; ".join(self._relation_text(r, True) for r in rules) for rules in found],
                          dtype=object)
        extra = pd.DataFrame({
            "id": _strings(np.array([f"C{first + k}" for k in range(len(found))], dtype=object)),
            "reason": _strings(np.full(len(found), str(Reason.RELATIONS), dtype=object)),
            "quantity": _strings(np.array(names, dtype=object)),
            "claims": _id_lists(_arrow_text(np.zeros(0, dtype=object)),
                                np.zeros(len(found) + 1, dtype=np.int64)),
            "explanation": _strings(fill(Reason.RELATIONS.sentence, {"relations": listed})),
            "gap": np.full(len(found), np.nan),
            "unit": _strings(np.full(len(found), "", dtype=object))},
            columns=list(CONTRADICTION_COLUMNS))
        return extra if contradictions.empty else pd.concat([contradictions, extra], ignore_index=True)

    def _revisions(self) -> None:
        """Claims superseded by a later reading of their source (`revisions`) take no part."""
        self.superseded_by = np.full(self.n, -1, dtype=np.int64)
        if not self.revising:
            return
        t = self.table
        codes, texts = _coded(t["published"])
        start, end, _ = read_instants(texts)
        measure = self.is_value.astype(np.int8) + 2 * self.is_rate.astype(np.int8)
        expression = np.zeros(self.n, dtype=np.int32)  # which expression, for expression claims
        if self.expressions:
            rows = np.fromiter(self.expressions, dtype=np.int64)
            expression[rows] = 1 + pd.factorize(_text_at(t["quantity"], rows))[0]
        found = find_revisions(
            (self.source_codes, self.q, expression, measure, self.start, self.end, self.pstart,
             self.pend),
            codes, (start, end), self.valid & (start != MISSING)[codes],
            lambda rows: _ranks(self.ids_at(rows)))
        self.superseded_by = found.superseded_by
        self.valid = self.valid & ~found.superseded

    def _revision_table(self) -> pd.DataFrame:
        """One row per superseded claim: what it was about, both readings and the change."""
        earlier = np.flatnonzero(self.superseded_by >= 0)
        if earlier.size == 0:
            return pd.DataFrame(columns=list(REVISION_COLUMNS))
        later = self.superseded_by[earlier]
        t = self.table
        low, high = t["low"].to_numpy(np.float64), t["high"].to_numpy(np.float64)
        point = _middle(low, high)
        given = t["best"].to_numpy(np.float64)
        point = np.where(np.isnan(given), point, given)
        written = _text_at(t["value"], np.r_[earlier, later])
        bounds = np.r_[earlier, later]
        blank = written == ""
        written[blank] = [_interval_text(a, b) for a, b in zip(
            low[bounds[blank]].tolist(), high[bounds[blank]].tolist(), strict=True)]
        period = np.full(earlier.size, "", dtype=object)
        over = np.flatnonzero(~self.is_value[earlier])
        codes, periods = _distinct(format_period, self.pstart[earlier[over]], self.pend[earlier[over]])
        period[over] = periods[codes]
        codes, spans = _distinct(format_span, self.start[earlier], self.end[earlier])
        return pd.DataFrame({
            "quantity": _strings(_text_at(t["quantity"], earlier)),
            "as_of": _strings(spans[codes]), "period": _strings(period),
            "source": _strings(_text_at(t["source"], earlier)),
            "earlier": _strings(self.ids_at(earlier)), "later": _strings(self.ids_at(later)),
            "earlier_value": _strings(written[:earlier.size]),
            "later_value": _strings(written[earlier.size:]),
            "earlier_low": low[earlier], "earlier_high": high[earlier],
            "later_low": low[later], "later_high": high[later],
            "change": point[later] - point[earlier],
            "unit": _strings(_text_at(t["unit"], earlier))}, columns=list(REVISION_COLUMNS))

    def _release(self) -> None:
        """Drop the working arrays of the stages up to `_plain_ranges` (about 0.6 GB at 10
        million claims), so that the output built after them reuses their memory."""
        for name in _WORKING:
            self.__dict__.pop(name, None)

    def _conflicts(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64],
                                  NDArray[np.float64], NDArray[np.object_]]:
        """Every distinct conflict (the first found of each set of claims), sorted by quantity and
        ids: (reason codes, member rows, bounds of each conflict's members, gaps, rules)."""
        pairs = [np.concatenate(part) for part in zip(*self.pairs, strict=True)] if self.pairs \
            else [np.zeros(0, dtype=np.int64)] * 3 + [np.zeros(0)]
        found = self.found
        reason = np.r_[pairs[0], [_REASONS.index(r) for r, _, _, _ in found]].astype(np.int64)
        sizes = np.r_[np.full(pairs[1].size, 2), [len(rows) for _, rows, _, _ in found]].astype(np.int64)
        member = np.r_[np.column_stack(pairs[1:3]).ravel(),
                       [k for _, rows, _, _ in found for k in rows]].astype(np.int64)
        gap = np.r_[pairs[3], [g for _, _, g, _ in found]].astype(np.float64)
        rules = np.empty(reason.size, dtype=object)
        rules.fill(())
        rules[pairs[1].size:] = [numbers for _, _, _, numbers in found]
        bounds = np.r_[0, np.cumsum(sizes)]
        # key: the ranks of the conflict's ids, ascending, then -1s (a shorter tuple sorts first)
        rank = _ranks(self.ids_at(member))
        conflict = np.repeat(np.arange(reason.size), sizes)
        width = int(sizes.max(initial=0))
        key = np.full((reason.size, width), np.iinfo(np.int64).max)
        key[conflict, np.arange(member.size) - bounds[conflict]] = rank
        key.sort(axis=1)
        key[key == np.iinfo(np.int64).max] = -1
        first = ~pd.DataFrame(key).duplicated().to_numpy()
        quantity = _ranks(self.names_at(member[bounds[:-1]]))
        order = np.flatnonzero(first)
        order = order[np.lexsort([*key[order].T[::-1], quantity[order]])]
        sizes = sizes[order]
        new_bounds = np.r_[0, np.cumsum(sizes)]
        take = np.repeat(bounds[order] - new_bounds[:-1], sizes) + np.arange(new_bounds[-1])
        return reason[order], member[take], new_bounds, gap[order], rules[order]

    def _contradictions_and_claims(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        t = self.table
        reason, member, bounds, gap, rules = self._conflicts()
        first = member[bounds[:-1]]
        names: NDArray[np.object_] = np.strings.add("C", np.arange(1, reason.size + 1).astype(str)
                                                    ).astype(object)
        columns = {
            "id": _strings(names),
            "reason": _strings(np.array([r.value for r in _REASONS], dtype=object)[reason]),
            "quantity": _strings(self.names_at(first)),
            "claims": _id_lists(self.ids, bounds, rows=member),
            "explanation": _strings(self._explain(reason, member, bounds, rules, gap)),
            "gap": gap, "unit": _strings(_text_at(t["unit"], first))}
        if reason.size == 0:  # the dtypes of an empty table, as they have always been
            columns.update({k: [] for k in ("id", "reason", "quantity", "explanation", "unit")})
        contradictions = pd.DataFrame(columns, columns=list(CONTRADICTION_COLUMNS))
        if self.broken:
            contradictions = self._broken_relations(contradictions)
        # the contradictions of each claim, in order
        conflict = np.repeat(np.arange(reason.size), np.diff(bounds))
        by_row = np.argsort(member, kind="stable")
        within = _id_lists(_arrow_text(names[conflict[by_row]]),
                           _code_starts(member[by_row], self.n))
        status = pd.Categorical.from_codes(  # in text order, as `read_claims` makes categories
            np.select([self.invalid, self.superseded_by >= 0, self.disputed, self.excluded],
                      [2, 4, 0, 1], 3).astype(np.int8), _STATUSES)
        superseded = np.flatnonzero(self.superseded_by >= 0)
        recode, distinct = pd.factorize(self.ids_at(self.superseded_by[superseded]), sort=True)
        later_codes = np.full(self.n, -1, dtype=np.int64)
        later_codes[superseded] = recode
        later = pd.Categorical.from_codes(later_codes, validate=False, dtype=pd.CategoricalDtype(
            pd.Index(np.asarray(distinct, dtype=object), dtype=object)))
        codes, texts = _coded(t["as_of"])
        published, dates = _coded(t["published"])
        codes = np.where((texts == "")[codes], published + texts.size, codes)
        as_of = as_categorical(codes, np.r_[texts, dates])
        codes, texts = _coded(t["period"])
        unwritten = np.flatnonzero((texts == "")[codes] & ~self.is_value & self.valid)
        formatted, periods = _distinct(format_period, self.pstart[unwritten], self.pend[unwritten])
        codes[unwritten] = formatted + texts.size
        period = as_categorical(codes, np.r_[texts, periods])
        claims = pd.DataFrame({
            "id": t["id"], "line": t["line"], "quantity": t["quantity"],
            "claimant": t["claimant"],
            "as_of": as_of, "as_of_start": as_dates(self.start), "as_of_end": as_dates(self.end),
            "measure": t["measure"], "period": period, "value": t["value"],
            "low": t["low"], "high": t["high"], "low_open": t["low_open"].to_numpy(bool),
            "high_open": t["high_open"].to_numpy(bool), "best": t["best"],
            "unit": _rate_units(t["unit"], self.is_rate), "weight": t["weight"],
            "source": t["source"], "status": status,
            "superseded_by": later, "contradictions": within, "problem": self.problem,
            "why": _strings(self._why(names, member, bounds))}, copy=False)
        return contradictions, claims

    def _why(self, names: NDArray[np.object_], member: NDArray[np.int64],
             bounds: NDArray[np.int64]) -> NDArray[np.object_]:
        """Why each claim is not kept ("" for a kept one): invalid (its problem), superseded
        (by which reading), excluded (in which contradiction, lighter than which claims) or
        disputed (tied with which claims, in which contradiction). The loop is over the
        members of contradictions, which are few."""
        why = np.full(self.n, "", dtype=object)
        problem = np.asarray(self.problem, dtype=object)
        invalid = np.flatnonzero(self.invalid)
        why[invalid] = "invalid"
        stated = invalid[pd.notna(problem[invalid])]
        why[stated] = "invalid: " + problem[stated]
        superseded = np.flatnonzero((self.superseded_by >= 0) & ~self.invalid)
        why[superseded] = "superseded by " + self.ids_at(self.superseded_by[superseded]) \
            + ", a later reading of its source"
        ids = self.ids_at(member)
        kept = ~(self.excluded | self.disputed | self.invalid | (self.superseded_by >= 0))
        sizes = np.diff(bounds)
        conflict = np.repeat(np.arange(sizes.size), sizes)
        # each member's part: "in C1, lighter than b" / "in C1, tied with b" / "in C1"
        mates = np.full(member.size, "", dtype=object)
        pair = sizes[conflict] == 2
        other = np.where(np.arange(member.size) == bounds[conflict], 1, -1) + np.arange(member.size)
        other = np.where(pair, other, 0)
        excluded = self.excluded[member] & ~self.disputed[member]
        disputed = self.disputed[member]
        mate = member[other]
        lighter = pair & excluded & kept[mate]
        mates[lighter] = ", lighter than " + ids[other[lighter]]
        tied = pair & disputed & self.disputed[mate]
        mates[tied] = ", tied with " + ids[other[tied]]
        for i in np.flatnonzero(sizes > 2).tolist():  # few: a loop
            rows = member[bounds[i]:bounds[i + 1]].tolist()
            texts = ids[bounds[i]:bounds[i + 1]].tolist()
            for j, (k, own) in enumerate(zip(rows, texts, strict=True)):
                keep = kept if not self.disputed[k] else self.disputed
                others = [t for r, t in zip(rows, texts, strict=True) if keep[r] and t != own]
                if others and (self.excluded[k] or self.disputed[k]):
                    word = "tied with" if self.disputed[k] else "lighter than"
                    mates[bounds[i] + j] = f", {word} {_and(others)}"
        part = np.flatnonzero((excluded | disputed) & (why[member] == ""))
        if part.size:
            order = part[np.argsort(member[part], kind="stable")]
            rows = member[order]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            separator = np.full(order.size, "; ", dtype=object)
            separator[starts] = np.where(self.disputed[rows[starts]], "disputed ", "excluded ")
            joined = np.add.reduceat(separator + "in " + names[conflict[order]] + mates[order],
                                     starts)
            why[rows[starts]] = joined
        alone = np.flatnonzero((self.excluded | self.disputed) & (why == ""))
        why[alone] = np.where(self.disputed[alone], "disputed", "excluded")
        return why

    def _changes(self, ranges: pd.DataFrame, range_q: NDArray[np.int64],
                 range_start: NDArray[np.int64], range_end: NDArray[np.int64]) -> pd.DataFrame:
        """The changes between consecutive ranges of each level quantity (`range_q`,
        `range_start`, `range_end`: each range's quantity number, first and last day); a
        range of a coarse date (longer than the window) pins no day, so it takes no part."""
        rows = np.flatnonzero((self.kind_of_q[range_q] == "level")
                              & (range_end - range_start <= self.window))
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


def _and(texts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _run_numbers(*keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """For rows sorted by `keys`, the number of each run of equal keys (0, 1, ...).

    >>> _run_numbers(np.array([0, 0, 1, 1]), np.array([0, 5, 5, 5])).tolist()
    [0, 1, 2, 2]
    """
    new = np.zeros(keys[0].size, dtype=bool)
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    return np.cumsum(new)


def _coded(column: pd.Series) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    """A text column as a code per row (a copy) and the texts: a Categorical's own codes and
    categories (`categorical_text`), else `pd.factorize`.

    >>> [a.tolist() for a in _coded(pd.Series(["b", None, "b"], dtype="category"))]
    [[0, 1, 0], ['b', '']]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return categorical_text(column)
    codes, texts = pd.factorize(column)
    return codes.astype(np.int64), np.asarray(texts, dtype=object)


def _rate_units(unit: pd.Series, rate: NDArray[np.bool_]) -> pd.Categorical:
    """Each claim's unit, per day for a rate (``1 / day`` when it has none), as a Categorical
    made from the units' codes.

    >>> _rate_units(pd.Series(["km", "", "km"]), np.array([False, True, True])).tolist()
    ['km', '1 / day', 'km / day']
    """
    codes, texts = _coded(unit)
    per_day = np.where(texts != "", texts, "1") + " / day"
    return as_categorical(np.where(rate, codes + texts.size, codes), np.r_[texts, per_day])


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


def _by_size(bounds: NDArray[np.int64]) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """The runs ``bounds[i]:bounds[i+1]``, a length at a time: (run numbers, their positions as rows)."""
    counts = np.diff(bounds)
    by_size = np.argsort(_narrow(counts), kind="stable")
    for a, b in itertools.pairwise(_runs(counts[by_size]).tolist()):
        which = by_size[a:b]
        yield which, bounds[which][:, None] + np.arange(counts[which[0]])


def _narrow(keys: NDArray[np.int64]) -> NDArray[Any]:
    """Small non-negative keys as 16-bit integers, which numpy's stable sort orders by radix."""
    return keys.astype(np.uint16) if keys.size and keys.min() >= 0 and keys.max() < 2**16 else keys


def _sorted_within(values: NDArray[Any], bounds: NDArray[np.int64]) -> NDArray[np.int64]:
    """The order that sorts `values` within each run ``bounds[i]:bounds[i+1]`` (stable)."""
    order = np.arange(values.size)
    for _, at in _by_size(bounds):
        if at.shape[1] > 1:
            order[at] = np.take_along_axis(at, np.argsort(values[at], axis=1, kind="stable"), axis=1)
    return order


def _tuples(values: NDArray[np.object_], bounds: NDArray[np.int64], *, ordered: bool,
            rows: NDArray[np.int64] | None = None) -> NDArray[np.object_]:
    """Tuples of ``values[bounds[i]:bounds[i+1]]`` (sorted when `ordered`), as an object array;
    with `rows`, of ``values[rows[bounds[i]:bounds[i+1]]]``."""
    out = np.empty(bounds.size - 1, dtype=object)
    for which, at in _by_size(bounds):
        block = values[at if rows is None else rows[at]]
        if ordered and at.shape[1] == 2:  # the common case, without a sort call per row
            swap = block[:, 1] < block[:, 0]
            block[swap] = block[swap][:, ::-1]
        elif ordered and at.shape[1] > 2:
            block.sort(axis=1)
        items = zip(*block.T.tolist(), strict=True) if at.shape[1] else itertools.repeat(_EMPTY)
        out[which] = np.fromiter(items, dtype=object, count=which.size)
    return out


def _arrow_text(texts: NDArray[np.object_] | pd.api.extensions.ExtensionArray,
                ) -> pa.Array | NDArray[np.object_]:
    """Text as one Arrow array of large strings (no copy when Arrow holds it already), or as
    Python strings when some text has no UTF-8 (a lone surrogate: `claims.arrow_cells`)."""
    if not (isinstance(texts, pd.api.extensions.ExtensionArray) and texts.dtype == KEPT_TEXT):
        texts = arrow_cells(None, np.asarray(texts, dtype=object))
    if texts.dtype != KEPT_TEXT:
        return texts.to_numpy(object)
    array = pa.array(texts)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _reordered(bounds: NDArray[np.int64], order: NDArray[np.int64], rows: NDArray[np.int64],
               ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The runs ``rows[bounds[i]:bounds[i+1]]`` taken in the order `order`: (bounds, rows).

    >>> [a.tolist() for a in _reordered(np.array([0, 2, 3]), np.array([1, 0]), np.array([5, 6, 7]))]
    [[0, 1, 3], [7, 5, 6]]
    """
    counts = np.diff(bounds)[order]
    new = np.r_[0, np.cumsum(counts)]
    at = np.repeat(bounds[order] - new[:-1], counts)
    at += np.arange(new[-1])
    return new, rows[at]


def _id_lists(values: pa.Array | NDArray[np.object_], bounds: NDArray[np.int64],
              rows: NDArray[np.int64] | None = None, *, ordered: bool = False,
              encoded: bool = False) -> pd.api.extensions.ExtensionArray:
    """Lists of ``values[rows[bounds[i]:bounds[i+1]]]`` (each sorted when `ordered`) as an
    `ID_LISTS` array, or with `encoded` (few values, many rows) as lists of a dictionary
    array: codes into `values`, each value held once (not sorted: give the rows in order);
    as tuples in an object array when `values` are Python strings, which Arrow cannot hold.

    >>> _id_lists(pa.array(["a", "b", "c"], pa.large_string()), np.array([0, 0, 2, 2, 3, 3]),
    ...           rows=np.array([2, 0, 1]), ordered=True).tolist()
    [[], ['a', 'c'], [], ['b'], []]
    """
    if isinstance(values, np.ndarray):
        return pd.array(_tuples(values, bounds, ordered=ordered, rows=rows), dtype=object)
    if encoded and rows is not None:
        taken = pa.DictionaryArray.from_arrays(pa.array(rows, pa.int32()), values)
    else:
        taken = values if rows is None else pc.take(values, rows)
    if ordered and len(taken) > 1:
        # already in order (as when ids ascend with the rows): a run of comparisons, no sort
        later = np.array(pc.greater(taken[:-1], taken[1:]))
        edges = bounds[1:-1]  # the last of one list against the first of the next
        later[edges[(edges > 0) & (edges < len(taken))] - 1] = False
        if later.any():
            group = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
            order = pc.sort_indices(pa.table({"group": group, "id": taken}),
                                    sort_keys=[("group", "ascending"), ("id", "ascending")])
            taken = pc.take(taken, order)
    offsets = pa.array(bounds, pa.int32())
    return pd.arrays.ArrowExtensionArray(pa.ListArray.from_arrays(offsets, taken))


def _distinct(function: Any, a: NDArray[Any], b: NDArray[Any], *, ordered: bool = False,
              ) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    """``function(a[i], b[i])`` called once per distinct pair: (pair code per i, value per code).

    With `ordered` the codes follow the order of the pairs (by a, then b).
    """
    a_codes, a_values = pd.factorize(a, sort=ordered)
    b_codes, b_values = pd.factorize(b, sort=ordered)
    width = max(len(b_values), 1)
    codes, pairs = pd.factorize(a_codes * width + b_codes, sort=ordered)
    values = np.empty(len(pairs), dtype=object)
    values[:] = [function(a_values[p // width], b_values[p % width]) for p in pairs.tolist()]
    return codes.astype(np.int64), values


def _coefficients(form: Linear, var: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    for name, coefficient in form.terms:
        index = var(name)
        out[index] = out.get(index, 0.0) + float(coefficient)
    return out


def _interval_text(low: float, high: float) -> str:
    if math.isinf(high):
        return f"at least {low:,.6g}"
    if math.isinf(low):
        return f"at most {high:,.6g}"
    return f"{low:,.6g} to {high:,.6g}"
