"""Linear constraints over linked quantities, solved with HiGHS (through highspy).

A `System` is a set of two-sided rows ``low <= a . x <= high`` over variables ``x >= 0``,
each row tagged with the claim it comes from (or -1 for relations and running-total order,
which conflict resolution never drops); a relation's rows also carry its ``rule`` number.
`System.stack` puts many systems side by side, so proven bounds (`System.bounds`) come for
all linked groups at once. A system answers: is it feasible, what are its proven bounds,
what is the range of each variable, which minimal set of tags cannot hold together, which
rules that conflict needs, and by how much it fails (an elastic programme). Each system keeps
one HiGHS model and switches rows on and off by their bounds between solves; rows that only
bound one variable (with coefficient 1) go to the solver as column bounds, which cost it less.

Ranges are proven, then shown tight:

1. *Bound propagation* over the rows gives bounds that every feasible x obeys. Sums are
   exact where all the numbers are integers (below 2**53); otherwise each bound is widened
   outward by the rounding error the float arithmetic can have made.
2. A *witness*: a few programmes, each minimising (or maximising) the sum of the variables
   whose bound is not yet shown tight, over all blocks at once; a variable that sits at its
   proven bound (within 1e-9 relative) in the optimum shows that bound is attained.
3. Upper bounds that propagation leaves infinite are shown infinite by one programme over
   the recession cone (a ray along which the variable grows).
4. What is left is solved one variable per block at a time; the bound is then certified
   from the solver's duals in exact rational arithmetic, or else widened by `TOLERANCE`.

So a reported bound is always sound, and it is the exact extreme wherever propagation
reaches it, which on sums, ratios with interval bounds, rates over known periods and running
totals it does; the rest is exact to the solver's optimum.

>>> system = System(2)
>>> system.add({0: 1.0, 1: 1.0}, 10.0, 10.0, tag=-1)
>>> system.add({0: 1.0}, 3.0, 4.0, tag=0)
>>> low, high = system.ranges()
>>> [float(v) for v in (low[1], high[1])]
[6.0, 7.0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

__all__ = ["System"]

#: Relative widening of a solver bound that no certificate proves (rare), so it stays sound.
TOLERANCE = 1e-7
_DENOMINATOR = 1_000_000  # duals are snapped to rationals with at most this denominator
_WITNESS = 1e-9  # a variable within this (relative) of its proven bound attains it
_ROUNDS = 100  # propagation rounds at most (cycles can converge slowly; bounds stay sound)
_EXACT = 2.0 ** 53
_UNIT = 2.0 ** -53
_OPTIMAL = highspy.HighsModelStatus.kOptimal


@dataclass(frozen=True, slots=True)
class _Rows:
    """Rows in compressed form: ``low[r] <= sum(data[k] * x[indices[k]]) <= high[r]``."""

    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]
    data: NDArray[np.float64]
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    tag: NDArray[np.int64]
    rule: NDArray[np.int64]

    def take(self, rows: NDArray[np.bool_]) -> _Rows:
        """The rows where `rows` is True."""
        lengths = np.diff(self.indptr)
        entries = np.repeat(rows, lengths)
        indptr = _starts(lengths[rows])
        return _Rows(indptr, self.indices[entries], self.data[entries], self.low[rows],
                     self.high[rows], self.tag[rows], self.rule[rows])

    @property
    def row_of_entry(self) -> NDArray[np.int64]:
        return np.repeat(np.arange(self.low.size), np.diff(self.indptr))


class System:
    """Two-sided linear rows over ``n`` variables that are at least 0."""

    def __init__(self, n: int) -> None:
        self.n = n
        #: the block of each variable: systems put side by side by `stack` are blocks
        self.block = np.zeros(n, dtype=np.int64)
        self._pending: list[tuple[tuple[int, ...], tuple[float, ...], float, float, int, int]] = []
        self._compiled: _Rows | None = None
        #: the rows (in order of `add`) whose low or high end is excluded: (row, low, high)
        self._strict: list[tuple[int, bool, bool]] = []

    @classmethod
    def stack(cls, systems: Sequence[System]) -> tuple[System, NDArray[np.int64]]:
        """One system holding `systems` side by side, and the offset of each one's variables."""
        offsets = np.r_[0, np.cumsum([s.n for s in systems], dtype=np.int64)]
        parts = [s.compiled for s in systems] or [System(0).compiled]
        entries = np.r_[0, np.cumsum([p.indices.size for p in parts], dtype=np.int64)]
        stacked = cls(int(offsets[-1]))
        stacked.block = np.repeat(np.arange(len(systems), dtype=np.int64), np.diff(offsets))
        stacked._compiled = _Rows(
            np.r_[np.concatenate([p.indptr[:-1] + e for p, e in zip(parts, entries[:-1], strict=True)]),
                  entries[-1]],
            np.concatenate([p.indices + o for p, o in zip(parts, offsets[:len(parts)], strict=True)]),
            np.concatenate([p.data for p in parts]), np.concatenate([p.low for p in parts]),
            np.concatenate([p.high for p in parts]), np.concatenate([p.tag for p in parts]),
            np.concatenate([p.rule for p in parts]))
        return stacked, offsets[:-1]

    def add(self, coefficients: dict[int, float], low: float, high: float, tag: int,
            rule: int = -1, strict: tuple[bool, bool] = (False, False)) -> None:
        """Add ``low <= sum(c * x[i]) <= high`` (infinite ends allowed) tagged `tag`.

        A row of a relation (``tag`` -1) may name its ``rule``, so `needed_rules` can tell
        which relations a conflict needs. `strict` excludes the low or the high end: the
        system then holds only with a margin there (`feasible`).
        """
        if (strict[0] and math.isfinite(low)) or (strict[1] and math.isfinite(high)):
            self._strict.append((len(self._pending), strict[0] and math.isfinite(low),
                                 strict[1] and math.isfinite(high)))
        self.add_row(tuple(coefficients), tuple(map(float, coefficients.values())), low, high,
                     tag, rule)

    def add_row(self, columns: tuple[int, ...], values: tuple[float, ...], low: float,
                high: float, tag: int, rule: int = -1) -> None:
        """`add` with the coefficients as (distinct) columns and their float values."""
        if math.isinf(low) and math.isinf(high):
            return
        self._pending.append((columns, values, float(low), float(high), tag, rule))
        self._compiled = None

    @property
    def compiled(self) -> _Rows:
        """The rows as arrays (built once after the last `add`)."""
        if self._compiled is None:
            columns, values, low, high, tag, rule = zip(*self._pending, strict=True) if self._pending \
                else ((), (), (), (), (), ())
            lengths = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
            self._compiled = _Rows(
                _starts(lengths),
                np.fromiter(itertools.chain.from_iterable(columns), dtype=np.int64),
                np.fromiter(itertools.chain.from_iterable(values), dtype=np.float64),
                np.array(low, dtype=np.float64), np.array(high, dtype=np.float64),
                np.array(tag, dtype=np.int64), np.array(rule, dtype=np.int64))
        return self._compiled

    @property
    def has_strict(self) -> bool:
        """Whether some row excludes an end (`add`'s `strict`)."""
        return bool(self._strict)

    def tags(self) -> list[int]:
        """The claim tags present, each once, in order of first appearance."""
        return [int(t) for t in dict.fromkeys(self.compiled.tag.tolist()) if t >= 0]

    def _on(self, active: Iterable[int] | None, rules: Iterable[int] | None = None,
            ) -> NDArray[np.bool_]:
        rows = self.compiled
        on = np.ones(rows.low.size, dtype=bool)
        if active is not None:
            on &= (rows.tag < 0) | _member(rows.tag, active)
        if rules is not None:
            on &= (rows.rule < 0) | _member(rows.rule, rules)
        return on

    def _model(self, elastic: bool = False) -> _Model:
        """The system's HiGHS model (built once; rows are switched on and off by their bounds)."""
        key = "_elastic_model" if elastic else "_plain_model"
        model = getattr(self, key, None)
        if model is None or model.source is not self.compiled:
            rows = self.compiled
            model = _Model(self.n, rows, np.flatnonzero(rows.tag >= 0)) if elastic \
                else _Model(self.n, rows, plain_as_columns=True)
            setattr(self, key, model)
        return model

    # ----------------------------------------------------------------- feasibility
    def feasible(self, active: Iterable[int] | None = None, rules: Iterable[int] | None = None,
                 ) -> bool:
        """True when some x satisfies the rows of the `active` tags and of the `rules` (all
        rules when None) and every untagged row."""
        on = self._on(active, rules)
        if self._model().run(np.zeros(self.n), on) != _OPTIMAL:
            return False
        if not self._strict:
            return True
        row, low, high = (np.array(column) for column in zip(*self._strict, strict=True))
        keep = on[row]
        if not keep.any():
            return True
        strict_low, strict_high = np.zeros(on.size, dtype=bool), np.zeros(on.size, dtype=bool)
        strict_low[row[keep]], strict_high[row[keep]] = low[keep], high[keep]
        return _margin(self.n, self.compiled, on, strict_low, strict_high) > _WITNESS

    def _elastic(self, on: NDArray[np.bool_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Least stretching of the tagged rows in `on`: (stretch per row, row duals)."""
        model = self._model(elastic=True)
        tagged = np.flatnonzero(self.compiled.tag >= 0)
        cost = np.concatenate((np.zeros(self.n), np.ones(2 * tagged.size)))
        status, x, dual = model.solve(cost, on)
        stretch = np.zeros(on.size)
        if status != _OPTIMAL:  # the untagged rows cannot hold on their own
            return np.full(on.size, np.nan), np.zeros(on.size)
        stretch[tagged] = x[self.n::2] + x[self.n + 1::2]
        return np.where(on, stretch, 0.0), np.where(on, dual, 0.0)

    def needed_rules(self, active: Iterable[int]) -> list[int]:
        """A minimal set of rules with which the `active` tags conflict (drop any one and they
        can hold), found by dropping rules one at a time while the conflict remains."""
        active = list(active)
        needed = sorted({int(r) for r in self.compiled.rule if r >= 0})
        for rule in list(needed):
            trial = [r for r in needed if r != rule]
            if not self.feasible(active, trial):
                needed = trial
        return needed

    def minimal_conflict(self, active: Iterable[int], order: Iterable[int] | None = None) -> list[int]:
        """A minimal set of tags that cannot hold together (drop any one and the rest can).

        `order` is the order tags are tried for removal (first tried, first dropped). The
        search starts from the tags an elastic programme's duals single out (an infeasible
        subsystem, checked), so it tries few tags.
        """
        conflict = list(active)
        order = conflict.copy() if order is None else list(order)
        stretch, dual = self._elastic(self._on(conflict))
        rows = self.compiled
        involved = {int(t) for t in rows.tag[(np.abs(dual) > 1e-12) | (stretch > 0)] if t >= 0}
        narrowed = [t for t in conflict if t in involved]
        stretched = {int(t) for t in rows.tag[stretch > 0]}
        if narrowed:
            # a tag dropped shows the narrowed set cannot hold; else it is checked
            kept = self._deletion(narrowed, order, stretched)
            if len(kept) < len(narrowed) or not self.feasible(narrowed):
                return kept
        return self._deletion(conflict, order, stretched)

    def _deletion(self, conflict: list[int], order: list[int], stretched: set[int]) -> list[int]:
        """Drop the tags of `conflict` in `order` while the rest still cannot hold together.

        The elastic solution holds every row it does not stretch: when those (`stretched`)
        are all of one tag, the rest hold without it, so that tag stays with no programme.
        """
        for tag in [t for t in order if t in conflict]:
            trial = [t for t in conflict if t != tag]
            if stretched != {tag} and not self.feasible(trial):
                conflict = trial
        return conflict

    def violation(self, active: Iterable[int]) -> float:
        """The least total amount by which the rows of `active` tags must be stretched to hold."""
        stretch, _ = self._elastic(self._on(active))
        return float(stretch.sum())

    # ----------------------------------------------------------------- ranges
    def bounds(self, active: Iterable[int] | None = None, rays: bool = True,
               ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """Proven bounds of each variable under the `active` tags (`propagate`) and (with
        `rays`) which variables may grow without end: no proven upper bound, and not held
        at zero on the rows' recession cone (propagated too). Vectorised over all blocks."""
        rows = self.compiled.take(self._on(active))
        low, high = propagate(self.n, rows)
        if not rays:
            return low, high, np.zeros(self.n, dtype=bool)
        endless = ~np.isfinite(high)
        # only the blocks with such variables matter (on the rest nothing is open-ended)
        _, cone_high = propagate(self.n, _cone(_rows_of_blocks(rows, self.block, endless)))
        return low, high, endless & (cone_high > 0)

    def ranges(self, active: Iterable[int] | None = None,
               bounds: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]] | None = None,
               ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Least and greatest value of each variable (``inf`` when unbounded).

        `bounds` are those of `bounds` if already known (say for many systems at once).
        Raises ValueError when the rows of the `active` tags cannot all hold.
        """
        if self.n == 0:
            return np.zeros(0), np.zeros(0)
        low, high, open_ended = self.bounds(active) if bounds is None else bounds
        if (low > high).any():
            raise ValueError("the linear system is not feasible")
        rows = self.compiled.take(self._on(active))
        endless = _endless(rows, open_ended, self.block)
        single = _plain_bounds(rows)
        columns = _column_bounds(self.n, rows.take(single))
        # the rows' own bound rows are the solver's column bounds; proven bounds can only
        # narrow them (the solver is not given those, as they may be rounded outward)
        box = np.maximum(low, columns[0]), np.minimum(high, columns[1])
        if (box[0] > box[1]).any():
            raise ValueError("the linear system is not feasible")
        model = _Model(self.n, rows.take(~single), columns=columns)
        tight_low = _tighten(model, box, +1.0, np.ones(self.n, dtype=bool), self.block)
        tight_high = _tighten(model, box, -1.0, ~endless, self.block)
        tight_high[endless] = np.inf
        return tight_low, tight_high


def _margin(n: int, rows: _Rows, on: NDArray[np.bool_], strict_low: NDArray[np.bool_],
            strict_high: NDArray[np.bool_]) -> float:
    """The greatest margin t (at most 1) by which the rows `on` can hold their strict ends
    (`strict_low`, `strict_high`), each scaled by the row's largest coefficient: the rows hold
    with those ends excluded when it is positive (a second programme, one column more).

    >>> rows = _Rows(np.array([0, 1, 2]), np.array([0, 0]), np.array([1.0, 1.0]),
    ...              np.array([1.0, -np.inf]), np.array([np.inf, 1.0]), np.array([0, 1]),
    ...              np.array([-1, -1]))
    >>> _margin(1, rows, np.array([True, True]), np.array([True, False]), np.array([False, False]))
    0.0
    >>> _margin(1, rows, np.array([True, False]), np.array([True, False]), np.array([False, False]))
    1.0
    """
    lengths = np.diff(rows.indptr)
    scale = np.zeros(lengths.size)
    has = lengths > 0
    scale[has] = np.maximum.reduceat(np.abs(rows.data), rows.indptr[:-1][has]) if rows.data.size else 0.0
    copies = [(on, rows.low, rows.high, np.zeros(lengths.size)),
              (on & strict_low, rows.low, np.full(lengths.size, np.inf), -scale),
              (on & strict_high, np.full(lengths.size, -np.inf), rows.high, scale)]
    starts, indices, values, lower, upper = [], [], [], [], []
    at = 0
    for which, lo, hi, t in copies:
        part = rows.take(which)
        extra = t[which] != 0
        length = np.diff(part.indptr) + extra
        row_of = np.repeat(np.arange(part.low.size), np.diff(part.indptr))
        index = np.concatenate([part.indices, np.full(int(extra.sum()), n)])
        value = np.concatenate([part.data, t[which][extra]])
        order = np.argsort(np.concatenate([row_of, np.flatnonzero(extra)]), kind="stable")
        starts.append(at + _starts(length)[:-1])
        at += int(length.sum())
        indices.append(index[order])
        values.append(value[order])
        lower.append(lo[which])
        upper.append(hi[which])
    lp = highspy.HighsLp()
    lp.num_col_ = n + 1
    lp.num_row_ = int(sum(part.size for part in lower))
    lp.col_cost_ = np.r_[np.zeros(n), -1.0]
    lp.col_lower_ = np.zeros(n + 1)
    lp.col_upper_ = np.r_[np.full(n, np.inf), 1.0]
    lp.row_lower_ = np.concatenate(lower)
    lp.row_upper_ = np.concatenate(upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(np.r_[np.concatenate(starts), at], dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(np.concatenate(indices), dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(np.concatenate(values), dtype=np.float64)
    highs = _quiet()
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != _OPTIMAL:
        return 0.0
    margin = float(highs.getSolution().col_value[n])
    return margin if margin > 0 else 0.0


def _plain_bounds(rows: _Rows) -> NDArray[np.bool_]:
    """The rows that only bound one variable, with coefficient 1 (``low <= x_i <= high``)."""
    single = np.diff(rows.indptr) == 1
    single[single] = rows.data[rows.indptr[:-1][single]] == 1.0
    return single


def _column_bounds(n: int, plain: _Rows) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The bounds the `plain` bound rows put on each variable (``x >= 0`` besides)."""
    low, high = np.zeros(n), np.full(n, np.inf)
    np.maximum.at(low, plain.indices, plain.low)
    np.minimum.at(high, plain.indices, plain.high)
    return low, high


class _Model:
    """A HiGHS model of some rows over ``x >= 0``; with `elastic`, those rows may stretch
    (two slack columns each, ``+s`` and ``-s``); with `plain_as_columns`, the rows that only
    bound one variable are given to the solver as column bounds (which it takes for free)."""

    def __init__(self, n: int, rows: _Rows, elastic: NDArray[np.int64] | None = None,
                 columns: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
                 plain_as_columns: bool = False) -> None:
        self.n = n
        self.source = rows
        self.plain = _plain_bounds(rows) if plain_as_columns else np.zeros(rows.low.size, dtype=bool)
        self.plain_rows: _Rows | None = None
        self.has_plain = bool(self.plain.any())
        self.other = ~self.plain
        if self.has_plain:
            self.plain_rows, rows = rows.take(self.plain), rows.take(self.other)
        self.rows = rows
        self.row_numbers = np.arange(rows.low.size, dtype=np.int32)
        self.on: NDArray[np.bool_] | None = None
        self.bounds: NDArray[np.bool_] | None = None
        indptr, indices, data = rows.indptr, rows.indices, rows.data
        extra = 0 if elastic is None else 2 * elastic.size
        if elastic is not None and extra:
            indptr, indices, data = _with_slacks(rows, n, elastic)
        self.columns = n + extra
        highs = _quiet()
        if rows.low.size < 10_000:
            highs.setOptionValue("presolve", "off")  # small: presolve costs more than it saves
        lp = highspy.HighsLp()
        lp.num_col_ = self.columns
        lp.num_row_ = rows.low.size
        self.cost = np.zeros(self.columns)
        lp.col_cost_ = self.cost
        lp.col_lower_ = np.zeros(self.columns) if columns is None else columns[0]
        lp.col_upper_ = np.full(self.columns, np.inf) if columns is None else columns[1]
        lp.row_lower_ = rows.low
        lp.row_upper_ = rows.high
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.asarray(indptr, dtype=np.int32)
        lp.a_matrix_.index_ = np.asarray(indices, dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray(data, dtype=np.float64)
        highs.passModel(lp)
        self.highs = highs
        self.all = np.arange(self.columns, dtype=np.int32)

    def primal(self) -> None:
        """Solve with the primal simplex from now on: after a change of costs alone the last
        basis stays feasible (the dual simplex, the default, suits a cold start with costs of
        one sign and changes of bounds)."""
        self.highs.setOptionValue("simplex_strategy", 4)

    def solve(self, cost: NDArray[Any], on: NDArray[np.bool_] | None = None,
              ) -> tuple[highspy.HighsModelStatus, NDArray[np.float64], NDArray[np.float64]]:
        """Minimise ``cost . x`` over the rows `on` (all when None): (status, x, row duals).
        With plain bound rows as column bounds, `on` and the duals are over the other rows."""
        status = self.run(cost, on)
        return status, self.values(), self.duals()

    def values(self) -> NDArray[np.float64]:
        """The columns' values in the last solution."""
        return np.asarray(self.highs.getSolution().col_value)

    def duals(self) -> NDArray[np.float64]:
        """The rows' duals in the last solution."""
        return np.asarray(self.highs.getSolution().row_dual)

    def run(self, cost: NDArray[Any], on: NDArray[np.bool_] | None = None,
            ) -> highspy.HighsModelStatus:
        """Minimise ``cost . x`` over the rows `on` (as `solve`): the status only."""
        if self.has_plain:
            on = np.ones(self.plain.size, dtype=bool) if on is None else on
            self._bound_columns(on[self.plain])
            on = on[self.other]
        if on is not None and (self.on is None or not np.array_equal(on, self.on)):
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]  # missing from the stubs
                self.row_numbers.size, self.row_numbers, np.where(on, self.rows.low, -np.inf),
                np.where(on, self.rows.high, np.inf))
            self.on = on.copy()
        cost = np.asarray(cost, dtype=np.float64)
        if not np.array_equal(cost, self.cost):  # feasibility and elastic costs stay the same
            self.highs.changeColsCost(self.columns, self.all, cost)
            self.cost = cost.copy()
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            self.highs.setOptionValue("presolve", "off")
            self.highs.run()
            status = self.highs.getModelStatus()
        return status

    def _bound_columns(self, on: NDArray[np.bool_]) -> None:
        """Bound the columns by the plain bound rows that are `on` (unless already so)."""
        if self.bounds is not None and np.array_equal(on, self.bounds):
            return
        assert self.plain_rows is not None
        low, high = _column_bounds(self.n, self.plain_rows.take(on))
        self.highs.changeColsBounds(self.n, self.all[:self.n], low, high)
        self.bounds = on.copy()


def _with_slacks(rows: _Rows, n: int, elastic: NDArray[np.int64],
                 ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The rows' entries (compressed) with ``+s_j - t_j`` appended to each `elastic` row j,
    the slack columns numbered from `n` on, in pairs."""
    lengths = np.diff(rows.indptr)
    extra = np.zeros(lengths.size, dtype=np.int64)
    extra[elastic] = 2
    indptr = _starts(lengths + extra)
    indices = np.empty(int(indptr[-1]), dtype=np.int64)
    data = np.empty(indices.size)
    row = rows.row_of_entry
    kept = indptr[row] + np.arange(rows.indices.size) - rows.indptr[row]
    indices[kept], data[kept] = rows.indices, rows.data
    slack = (indptr[elastic] + lengths[elastic])[:, None] + np.arange(2)
    indices[slack.ravel()] = n + np.arange(2 * elastic.size)
    data[slack.ravel()] = np.tile([1.0, -1.0], elastic.size)
    return indptr, indices, data


def _starts(lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """Where each run of the given lengths starts, and the end of the last (an ``indptr``)."""
    starts = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    return starts


class _Quiet(highspy.Highs):
    """A HiGHS solver that prints nothing: its ``output_flag`` is off before its constructor
    installs the callbacks, the step at which HiGHS prints its banner to stdout."""

    def enableCallbacks(self) -> None:
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()


def _quiet() -> highspy.Highs:
    """A HiGHS solver that writes nothing to stdout (no banner, no log)."""
    return _Quiet()


def _member(values: NDArray[np.int64], wanted: Iterable[int]) -> NDArray[np.bool_]:
    """Which `values` are among `wanted` (a sorted search: cheaper than np.isin on small arrays)."""
    chosen = np.sort(np.fromiter(wanted, dtype=np.int64))
    if chosen.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(chosen, values), chosen.size - 1)
    return chosen[at] == values


def _integral(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    return (values == np.round(values)) & (np.abs(values) < _EXACT)


def propagate(n: int, rows: _Rows) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Bounds every feasible ``x >= 0`` of `rows` obeys, by propagating each row's bounds.

    >>> system = System(3)
    >>> system.add({0: 1.0, 1: -1.0, 2: -1.0}, 0.0, 0.0, tag=-1)   # x0 = x1 + x2
    >>> system.add({1: 1.0}, 60.0, 70.0, tag=0)
    >>> system.add({0: 1.0}, 0.0, 100.0, tag=1)
    >>> low, high = propagate(3, system.compiled)
    >>> low.tolist(), high.tolist()
    ([60.0, 60.0, 0.0], [100.0, 70.0, 40.0])
    """
    low, high = np.zeros(n), np.full(n, np.inf)
    m = rows.low.size
    if m == 0:
        return low, high
    row_all, col_all, a_all = rows.row_of_entry, rows.indices, rows.data
    length_all = np.diff(rows.indptr).astype(np.float64)
    ends_exact_all = np.where(np.isfinite(rows.low), _integral(rows.low), True) & \
        np.where(np.isfinite(rows.high), _integral(rows.high), True)
    a_exact_all = np.bincount(row_all, ~_integral(a_all), m) == 0
    dead = np.zeros(n, dtype=bool)
    # lows that grow past any vertex the data could make come from rows that cannot hold
    finite = np.abs(np.r_[rows.low[np.isfinite(rows.low)], rows.high[np.isfinite(rows.high)], 1.0])
    runaway = 1e6 * finite.max() * (np.abs(a_all).max() / np.abs(a_all).min()) ** 2
    lengths = np.diff(rows.indptr)
    by_column_all = np.argsort(col_all, kind="stable")
    column_starts = _starts(np.bincount(col_all, minlength=n))
    changed = np.arange(n)
    for _ in range(_ROUNDS):
        # only the rows of variables that moved last round can move anything now (late
        # rounds touch few rows: all the work here is on those)
        busy = np.zeros(m, dtype=bool)
        busy[row_all[by_column_all[_spans(column_starts, changed)]]] = True
        busy = np.flatnonzero(busy)
        entries = _spans(rows.indptr, busy)
        k = busy.size
        row = np.repeat(np.arange(k), lengths[busy])
        col, a = col_all[entries], a_all[entries]
        row_low, row_high = rows.low[busy], rows.high[busy]
        length, ends_exact, a_exact = length_all[busy], ends_exact_all[busy], a_exact_all[busy]
        positive = a > 0
        lo_c, hi_c = low[col], high[col]
        least = np.where(positive, a * lo_c, a * hi_c)
        most = np.where(positive, a * hi_c, a * lo_c)
        least_inf, most_inf = np.isinf(least), np.isinf(most)
        least_f, most_f = np.where(least_inf, 0.0, least), np.where(most_inf, 0.0, most)
        size_least = np.bincount(row, np.abs(least_f), k)
        size_most = np.bincount(row, np.abs(most_f), k)
        ends = np.where(np.isfinite(row_low), np.abs(row_low), 0.0) + \
            np.where(np.isfinite(row_high), np.abs(row_high), 0.0)
        exact = (length == 1) | (
            ends_exact & a_exact & (np.bincount(row, ~(_integral(least_f) & _integral(most_f)), k) == 0)
            & (size_least + size_most + ends < _EXACT))
        # first-order bound of the rounding error of summing a row (none when it is exact)
        slack = np.where(exact, 0.0, (length + 3) * _UNIT)
        error_up = (slack * (size_least + np.where(np.isfinite(row_high), np.abs(row_high), 0.0)))[row]
        error_down = (slack * (size_most + np.where(np.isfinite(row_low), np.abs(row_low), 0.0)))[row]
        others_least = np.bincount(row, least_f, k)[row] - least_f
        others_most = np.bincount(row, most_f, k)[row] - most_f
        least_open = (np.bincount(row, least_inf, k)[row] - least_inf) > 0
        most_open = (np.bincount(row, most_inf, k)[row] - most_inf) > 0
        up = row_high[row] - others_least + error_up   # a x <= up
        down = row_low[row] - others_most - error_down   # a x >= down
        up_ok = np.isfinite(row_high[row]) & ~least_open
        down_ok = np.isfinite(row_low[row]) & ~most_open
        unit = np.abs(a) == 1.0
        upper = _divide(np.where(positive, up, down), a, +1, unit)
        lower = _divide(np.where(positive, down, up), a, -1, unit)
        upper = np.where(np.where(positive, up_ok, down_ok), upper, np.inf)
        lower = np.where(np.where(positive, down_ok, up_ok), lower, -np.inf)
        by_column = np.argsort(col, kind="stable")
        sorted_col = col[by_column]
        heads = np.r_[0, np.flatnonzero(np.diff(sorted_col)) + 1]
        touched = sorted_col[heads]
        old_high, old_low = high[touched], low[touched]
        new_high = np.minimum(old_high, np.minimum.reduceat(upper[by_column], heads))
        new_low = np.maximum(old_low, np.maximum.reduceat(lower[by_column], heads))
        scale = 1e-12 * np.maximum(1.0, np.abs(np.where(np.isfinite(old_high), old_high, old_low)))
        # where bounds cross (or run away) the rows cannot hold: that spreads along the rows,
        # and those variables are left alone while the rest converge (bounds that crossed
        # before are dead already, so only the touched variables need the test)
        dead[touched] |= (new_low > new_high) | (new_low > runaway)
        dead[col] |= np.bincount(row, dead[col], k)[row] > 0
        rises, falls = new_low > old_low + scale, new_high < old_high - scale
        changed = touched[(rises | falls) & ~dead[touched]]
        low[touched] = np.where(rises, new_low, old_low)
        high[touched] = np.where(falls, new_high, old_high)
        if not changed.size:
            break
    return low, high


def _spans(starts: NDArray[np.int64], which: NDArray[np.int64]) -> NDArray[np.int64]:
    """The positions ``starts[w]:starts[w + 1]`` of each `which`, one after another."""
    lengths = starts[which + 1] - starts[which]
    return np.repeat(starts[which] - _starts(lengths)[:-1], lengths) + np.arange(int(lengths.sum()))


def _divide(numerator: NDArray[np.float64], a: NDArray[np.float64], direction: int,
            unit: NDArray[np.bool_]) -> NDArray[np.float64]:
    """``numerator / a`` rounded toward +inf (direction 1) or -inf (-1) unless exact."""
    with np.errstate(invalid="ignore"):
        q = numerator / a
        exact = unit | (_integral(q) & (q * a == numerator))
    return np.where(exact | ~np.isfinite(q), q, np.nextafter(q, direction * np.inf))


def _cone(rows: _Rows) -> _Rows:
    """The rows' recession cone: each finite bound becomes 0 (the directions x can move in
    without end)."""
    return _Rows(rows.indptr, rows.indices, rows.data, np.where(np.isfinite(rows.low), 0.0, -np.inf),
                 np.where(np.isfinite(rows.high), 0.0, np.inf), rows.tag, rows.rule)


def unbounded(n: int, rows: _Rows) -> NDArray[np.bool_]:
    """Variables that can grow without end: those on a ray of the rows' recession cone.

    One programme for all: maximise the sum of ``t_i <= min(d_i, 1)`` over directions
    ``d >= 0`` that keep every row within its bounds; ``t_i`` reaches 1 exactly where some
    ray grows ``x_i`` (rays add up, and scale).
    """
    homogeneous = _cone(rows)
    cone = _Rows(
        np.r_[rows.indptr, rows.indptr[-1] + 2 * np.arange(1, n + 1)].astype(np.int64),
        np.r_[rows.indices, np.column_stack([np.arange(n) + n, np.arange(n)]).ravel()].astype(np.int64),
        np.r_[rows.data, np.tile([1.0, -1.0], n)],
        np.r_[homogeneous.low, np.full(n, -np.inf)], np.r_[homogeneous.high, np.zeros(n)],
        np.zeros(0, np.int64), np.zeros(0, np.int64))
    model = _Model(2 * n, cone, columns=(np.zeros(2 * n), np.r_[np.full(n, np.inf), np.ones(n)]))
    if model.run(np.r_[np.zeros(n), -np.ones(n)]) != _OPTIMAL:
        return np.zeros(n, dtype=bool)
    return model.values()[n:] > 0.5


def _endless(rows: _Rows, open_ended: NDArray[np.bool_], block: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Which `open_ended` variables can grow without end (`unbounded`, over the blocks that
    have such variables only)."""
    if not open_ended.any():
        return open_ended
    kept = _member(block, block[open_ended].tolist())
    renumber = np.cumsum(kept) - 1
    part = _rows_of_blocks(rows, block, open_ended)
    part = _Rows(part.indptr, renumber[part.indices], part.data, part.low, part.high, part.tag,
                 part.rule)
    endless = np.zeros(open_ended.size, dtype=bool)
    endless[kept] = unbounded(int(kept.sum()), part)
    return endless & open_ended


def _tighten(model: _Model, bounds: tuple[NDArray[np.float64], NDArray[np.float64]], sign: float,
             wanted: NDArray[np.bool_], block: NDArray[np.int64]) -> NDArray[np.float64]:
    """Show the proven `bounds` (least if sign > 0, greatest if sign < 0) of the `wanted`
    variables tight, replacing those no witness reaches by the certified optimum.

    The first witness minimises (maximises) the plain sum; later ones weigh the variables
    at random (seeded), so variables that trade off against each other get their turn. What
    no witness reaches is solved alone: one variable of each `block` (variables of
    independent systems side by side) per programme.
    """
    proven = (bounds[0] if sign > 0 else bounds[1]).copy()
    todo = wanted.copy()
    rng = np.random.default_rng(0)
    near = _WITNESS * np.maximum(1.0, np.abs(np.where(np.isfinite(proven), proven, 0.0)))

    def reached(x: NDArray[np.float64]) -> NDArray[np.bool_]:
        return np.isfinite(proven) & ((x <= proven + near) if sign > 0 else (x >= proven - near))

    def solve(cost: NDArray[Any]) -> NDArray[np.float64]:
        status = model.run(cost)
        model.primal()  # from here on only the costs change
        if status != _OPTIMAL:
            raise ValueError(f"the linear system is not feasible ({status.name})")
        return model.values()[:proven.size]

    row_block = _row_block(model.rows, block)
    for attempt in range(4):
        if not todo.any():
            return proven
        busy = np.unique(block[todo]).size
        weights = todo * (1.0 if attempt == 0 else rng.uniform(0.5, 1.5, todo.size))
        hit = todo & reached(solve(sign * weights))
        todo &= ~hit
        if attempt == 0:  # the first programme found the rows feasible: now
            todo &= _several_rows(row_block, block)[block]  # one row's bounds are attained
        if hit.sum() < 2 * busy and attempt > 0:
            break  # a programme per variable is as cheap from here
    while todo.any():
        chosen = _first_of_each_block(np.flatnonzero(todo), block)
        cost = np.zeros(proven.size)
        cost[chosen] = sign
        x = solve(cost)
        todo &= ~reached(x)
        unreached = chosen[todo[chosen]].tolist()
        dual = model.duals() if unreached else np.zeros(0)
        for i in unreached:  # the proven bound is not attained
            value = float(x[i])
            mine = np.where(row_block == block[i], dual, 0.0)
            certified = _certify(i, sign, mine, model.rows, bounds)
            if certified is None:
                certified = value - sign * TOLERANCE * max(1.0, abs(value))
            proven[i] = max(proven[i], certified) if sign > 0 else min(proven[i], certified)
        todo[chosen] = False
    return np.maximum(proven, 0.0) if sign > 0 else proven


def _several_rows(row_block: NDArray[np.int64], block: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Whether each block has more than one row of several variables. A block with one such
    row (say ``total = a + b + ... `` over 50,000 names) needs no programme per variable:
    with the other variables in their bounds, ``a . x`` takes every value between its least
    and greatest, so the bounds that propagation proves for each variable are attained.

    >>> _several_rows(np.array([0, 1, 1]), np.array([0, 0, 1, 1, 2])).tolist()
    [False, True, False]
    """
    count = np.bincount(row_block[row_block >= 0], minlength=int(block.max(initial=-1)) + 1)
    return count > 1


def _first_of_each_block(variables: NDArray[np.int64], block: NDArray[np.int64]) -> NDArray[np.int64]:
    """The first of the (sorted) `variables` in each block."""
    blocks = block[variables]
    return variables[np.concatenate(([True], blocks[1:] != blocks[:-1]))]


def _rows_of_blocks(rows: _Rows, block: NDArray[np.int64], variables: NDArray[np.bool_]) -> _Rows:
    """The rows of the blocks that hold any of the `variables`."""
    return rows.take(_member(_row_block(rows, block), block[variables].tolist()))


def _row_block(rows: _Rows, block: NDArray[np.int64]) -> NDArray[np.int64]:
    """The block of each row (that of its first variable; -1 for an empty row)."""
    first = np.minimum(rows.indptr[:-1], max(rows.indices.size - 1, 0))
    filled = np.diff(rows.indptr) > 0
    return np.where(filled, block[rows.indices[first]] if rows.indices.size else -1, -1)


def _certify(i: int, sign: float, dual: NDArray[np.float64], rows: _Rows,
             bounds: tuple[NDArray[np.float64], NDArray[np.float64]]) -> float | None:
    """A proven bound on ``x[i]`` from the solver's row duals, or None.

    With the duals y snapped to rationals (or taken exactly), exact arithmetic gives
    ``sign * x_i = d . x + y . A x`` with reduced costs d, so for every feasible x,
    ``sign * x_i >= sum(y_r * (low_r if y_r > 0 else high_r)) + sum(d_j * (l_j if d_j > 0
    else u_j))`` over j other than i, with (l, u) the proven `bounds` (the float rounding of
    the coefficients leaves tiny negative d_j, which the upper bounds absorb). HiGHS's sign
    convention is not relied on: y and -y are both tried.
    """
    mine = np.flatnonzero((dual != 0) & (np.diff(rows.indptr) > 0))
    for snap in (True, False):
        for flip in (1.0, -1.0):
            proven = _check(i, sign, flip * dual[mine], mine, rows, snap, bounds)
            if proven is not None:
                return proven
    return None


def _check(i: int, sign: float, y_float: NDArray[np.float64], mine: NDArray[np.int64],
           rows: _Rows, snap: bool, bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
           ) -> float | None:
    terms = _integer_terms(i, sign, y_float, mine, rows, bounds) or \
        _fraction_terms(i, sign, y_float, mine, rows, snap, bounds)
    if terms is None:
        return None
    bound, own = terms
    if own < 0:
        # only the objective's own coefficient is short: scale the duals down to meet it exactly
        combined = Fraction(sign) - own
        if combined * Fraction(sign) <= 0:
            return None
        bound *= Fraction(sign) / combined
    proven = bound if sign > 0 else -bound
    nearest = float(proven)
    if Fraction(nearest) != proven:
        nearest = float(np.nextafter(nearest, -np.inf if sign > 0 else np.inf))
    return nearest


def _integer_terms(i: int, sign: float, y: NDArray[np.float64], mine: NDArray[np.int64],
                   rows: _Rows, bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
                   ) -> tuple[Fraction, Fraction] | None:
    """`_fraction_terms` in integer arithmetic, where the duals (which snapping leaves as they
    are) and their rows' coefficients are integers; else None. (A certificate has a few rows:
    plain Python beats numpy's per-call cost here.)"""
    duals = y.tolist()
    if not all(math.isfinite(v) and v.is_integer() for v in duals):
        return None
    reduced: dict[int, int] = {i: int(sign)}
    ends: list[float] = []
    for r, v in zip(mine.tolist(), duals, strict=True):
        start, stop = int(rows.indptr[r]), int(rows.indptr[r + 1])
        coefficients = rows.data[start:stop].tolist()
        if not all(math.isfinite(a) and a.is_integer() for a in coefficients):
            return None
        for column, a in zip(rows.indices[start:stop].tolist(), coefficients, strict=True):
            reduced[column] = reduced.get(column, 0) - int(v) * int(a)
        ends.append(float(rows.low[r] if v > 0 else rows.high[r]))
    weights = [int(v) for v in duals]
    for column, value in reduced.items():
        if column != i and value != 0:
            weights.append(value)
            ends.append(float(bounds[0][column] if value > 0 else bounds[1][column]))
    if not all(math.isfinite(end) for end in ends):
        return None
    return _dot(weights, ends), Fraction(reduced[i])


def _dot(weights: list[int], values: list[float]) -> Fraction:
    """``weights . values`` exactly, for finite `values` (whose denominators are powers of
    two, so one common denominator serves)."""
    ratios = [value.as_integer_ratio() for value in values]
    common = max((d for _, d in ratios), default=1)
    return Fraction(sum(w * n * (common // d) for w, (n, d) in zip(weights, ratios, strict=True)),
                    common)


def _fraction_terms(i: int, sign: float, y_float: NDArray[np.float64], mine: NDArray[np.int64],
                    rows: _Rows, snap: bool, bounds: tuple[NDArray[np.float64], NDArray[np.float64]],
                    ) -> tuple[Fraction, Fraction] | None:
    """The certificate's bound on ``sign * x_i`` before scaling, and the reduced cost of x_i,
    in rational arithmetic (None when it needs an infinite end)."""
    reduced: dict[int, Fraction] = {i: Fraction(sign)}
    bound = Fraction(0)
    for r, value in zip(mine.tolist(), y_float.tolist(), strict=True):
        y = Fraction(value)
        y = y.limit_denominator(_DENOMINATOR) if snap else y
        if y == 0:
            continue
        end = float(rows.low[r] if y > 0 else rows.high[r])
        if not np.isfinite(end):
            return None
        bound += y * Fraction(end)
        start, stop = int(rows.indptr[r]), int(rows.indptr[r + 1])
        for column, a in zip(rows.indices[start:stop].tolist(), rows.data[start:stop].tolist(),
                             strict=True):
            reduced[column] = reduced.get(column, Fraction(0)) - y * Fraction(a)
    for column, value in reduced.items():
        if column == i or value == 0:
            continue
        end = float(bounds[0][column] if value > 0 else bounds[1][column])
        if not np.isfinite(end):
            return None
        bound += value * Fraction(end)
    return bound, reduced[i]
