"""Linear constraints over linked quantities, solved with scipy's HiGHS linear programming.

A `System` is a set of two-sided rows ``low <= a . x <= high`` over non-negative variables,
each row tagged with the claim it comes from (or -1 for relations and running-total order,
which conflict resolution never drops); a relation's rows also carry its ``rule`` number. It
answers four questions: is it feasible, what is the range of each variable, which minimal
set of tags cannot hold together (a deletion filter: drop each tag in turn, keep it out when
the rest still conflicts), and which rules that conflict needs (the same filter over rules).

Ranges are certified, not trusted: HiGHS's dual solution is snapped to nearby small
rationals and checked in exact rational arithmetic (reduced costs non-negative), which proves
the bound ``x_i >= y . b`` for every feasible x. The bound reported is that proven value
(rounded outward to float only if it is not a float), so ranges are exact where the solver's
optimum is, and sound always; only when no certificate checks does a bound fall back to the
solver's value widened outward by `TOLERANCE`.

>>> system = System(2)
>>> system.add({0: 1.0, 1: 1.0}, 10.0, 10.0, tag=-1)
>>> system.add({0: 1.0}, 3.0, 4.0, tag=0)
>>> low, high = system.ranges()
>>> [float(v) for v in (low[1], high[1])]
[6.0, 7.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

__all__ = ["System"]

#: Relative widening of solver bounds that no certificate proves (rare), so they stay sound.
TOLERANCE = 1e-7
_DENOMINATOR = 1_000_000  # duals are snapped to rationals with at most this denominator


class System:
    """Two-sided linear rows over ``n`` variables that are at least 0."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rows: list[tuple[dict[int, float], float, float, int]] = []
        self.rules: list[int] = []  # the rule of each row, -1 for none

    def add(self, coefficients: dict[int, float], low: float, high: float, tag: int,
            rule: int = -1) -> None:
        """Add ``low <= sum(c * x[i]) <= high`` (infinite ends allowed) tagged `tag`.

        A row of a relation (``tag`` -1) may name its ``rule``, so `needed_rules` can tell
        which relations a conflict needs.
        """
        if np.isinf(low) and np.isinf(high):
            return
        self.rows.append((coefficients, float(low), float(high), tag))
        self.rules.append(rule)

    def tags(self) -> list[int]:
        """The claim tags present, each once, in order of first appearance."""
        return list(dict.fromkeys(t for *_, t in self.rows if t >= 0))

    def _cap(self) -> float:
        finite = [abs(v) for _, lo, hi, _ in self.rows for v in (lo, hi) if np.isfinite(v)]
        return max(1e9, 1e4 * max(finite, default=1.0))

    def _matrices(self, active: Iterable[int] | None, rules: Iterable[int] | None = None,
                  ) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        keep = None if active is None else set(active)
        keep_rules = None if rules is None else set(rules)
        ub_rows: list[tuple[dict[int, float], float]] = []
        eq_rows: list[tuple[dict[int, float], float]] = []
        for (coefficients, low, high, tag), rule in zip(self.rows, self.rules, strict=True):
            if tag >= 0 and keep is not None and tag not in keep:
                continue
            if rule >= 0 and keep_rules is not None and rule not in keep_rules:
                continue
            if low == high:
                eq_rows.append((coefficients, low))
                continue
            if np.isfinite(high):
                ub_rows.append((coefficients, high))
            if np.isfinite(low):
                ub_rows.append(({i: -c for i, c in coefficients.items()}, -low))
        return _sparse(ub_rows, self.n), _sparse(eq_rows, self.n)

    def _solve(self, objective: NDArray[np.float64], active: Iterable[int] | None,
               cap: float | None = None) -> tuple[int, NDArray[np.float64] | None]:
        result = self._linprog(objective, active, cap)
        return result.status, (result.x if result.status == 0 else None)

    def _linprog(self, objective: NDArray[np.float64], active: Iterable[int] | None,
                 cap: float | None = None, matrices: Any = None) -> Any:
        ub, eq = self._matrices(active) if matrices is None else matrices
        a_ub, b_ub = ub
        a_eq, b_eq = eq
        return linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                       bounds=(0, self._cap() if cap is None else cap), method="highs")

    def feasible(self, active: Iterable[int] | None = None, rules: Iterable[int] | None = None,
                 ) -> bool:
        """True when some x satisfies the rows of the `active` tags and of the `rules` (all
        rules when None) and every untagged row."""
        result = self._linprog(np.zeros(self.n), active, matrices=self._matrices(active, rules))
        return bool(result.status == 0)

    def needed_rules(self, active: Iterable[int]) -> list[int]:
        """A minimal set of rules with which the `active` tags conflict (drop any one and they
        can hold), found by dropping rules one at a time while the conflict remains."""
        active = list(active)
        needed = sorted({r for r in self.rules if r >= 0})
        for rule in list(needed):
            trial = [r for r in needed if r != rule]
            if not self.feasible(active, trial):
                needed = trial
        return needed

    def minimal_conflict(self, active: Iterable[int], order: Iterable[int] | None = None) -> list[int]:
        """A minimal set of tags that cannot hold together (drop any one and the rest can).

        `order` is the order tags are tried for removal (first tried, first dropped).
        """
        conflict = list(active)
        for tag in (conflict.copy() if order is None else list(order)):
            trial = [t for t in conflict if t != tag]
            if not self.feasible(trial):
                conflict = trial
        return conflict

    def violation(self, active: Iterable[int]) -> float:
        """The least total amount by which the rows of `active` tags must be stretched to hold."""
        active = list(active)
        stretched = System(self.n + 2 * len(self.rows))
        slack = self.n
        for coefficients, low, high, tag in self.rows:
            if tag >= 0 and tag not in active:
                continue
            row = dict(coefficients)
            if tag >= 0:
                row[slack], row[slack + 1] = 1.0, -1.0
                slack += 2
            stretched.add(row, low, high, -1)
        objective = np.zeros(stretched.n)
        objective[self.n:slack] = 1.0
        _status, x = stretched._solve(objective, None)
        return float(objective @ x) if x is not None else float("nan")

    def ranges(self, active: Iterable[int] | None = None,
               ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Least and greatest value of each variable (``inf`` when unbounded).

        Variables that no row links are independent blocks; one LP per rank within the
        blocks finds the bound of every block's variable of that rank at once.
        """
        low = np.zeros(self.n)
        high = np.full(self.n, np.inf)
        if self.n == 0:
            return low, high
        blocks = self._blocks()
        rank = np.zeros(self.n, dtype=np.int64)
        order = np.argsort(blocks, kind="stable")
        first = np.r_[0, np.flatnonzero(np.diff(blocks[order])) + 1]
        rank[order] = np.arange(self.n) - np.repeat(first, np.diff(np.r_[first, self.n]))
        cap = self._cap()
        matrices = self._matrices(active)
        for r in range(int(rank.max()) + 1):
            chosen = rank == r
            for sign in (1.0, -1.0):
                objective = np.where(chosen, sign, 0.0)
                result = self._linprog(objective, active, matrices=matrices)
                if result.status != 0:
                    raise ValueError(f"the linear system is not feasible (status {result.status})")
                x = result.x
                if sign < 0:
                    # a maximum that grows with the variables' cap is unbounded
                    _, wider = self._solve(objective, active, 2 * cap)
                    grows = x[chosen] * (1 + 1e-6) + 1 < (x[chosen] if wider is None else wider[chosen])
                    unbounded = grows | (x[chosen] >= cap / 2)
                else:
                    unbounded = np.zeros(int(chosen.sum()), dtype=bool)
                for i, free in zip(np.flatnonzero(chosen), unbounded, strict=True):
                    if free:
                        high[i] = np.inf
                        continue
                    proven = _certify(int(i), sign, result, matrices, blocks)
                    if sign > 0:
                        low[i] = proven if proven is not None else \
                            max(x[i] - TOLERANCE * max(1.0, abs(x[i])), 0.0)
                    else:
                        high[i] = proven if proven is not None else \
                            x[i] + TOLERANCE * max(1.0, abs(x[i]))
        return np.maximum(low, 0.0), high

    def _blocks(self) -> NDArray[np.int64]:
        heads: list[int] = []
        others: list[int] = []
        for coefficients, *_ in self.rows:
            variables = list(coefficients)
            heads.extend([variables[0]] * len(variables))
            others.extend(variables)
        graph = sparse.coo_matrix((np.ones(len(heads)), (heads, others)), shape=(self.n, self.n))
        _, labels = connected_components(graph, directed=False)
        return np.asarray(labels, dtype=np.int64)


def _sparse(rows: list[tuple[dict[int, float], float]], n: int) -> tuple[Any, Any]:
    if not rows:
        return None, None
    r = [k for k, (coefficients, _) in enumerate(rows) for _ in coefficients]
    c = [i for coefficients, _ in rows for i in coefficients]
    v = [value for coefficients, _ in rows for value in coefficients.values()]
    matrix = sparse.csr_matrix((v, (r, c)), shape=(len(rows), n))
    return matrix, np.array([b for _, b in rows])


def _certify(i: int, sign: float, result: Any, matrices: Any,
             blocks: NDArray[np.int64]) -> float | None:
    """`_check` with duals snapped to small rationals, else taken exactly as the solver's floats."""
    for snap in (True, False):
        proven = _check(i, sign, result, matrices, blocks, snap)
        if proven is not None:
            return proven
    return None


def _check(i: int, sign: float, result: Any, matrices: Any, blocks: NDArray[np.int64],
           snap: bool) -> float | None:
    """A proven bound on ``x[i]`` (least if sign > 0, greatest if sign < 0), or None.

    With the solver's duals snapped to rationals, exact arithmetic checks that
    ``sign * x_i - y . A x`` has non-negative coefficients, so for every feasible x >= 0,
    ``sign * x_i >= y . b``. When only the coefficient of ``x_i`` itself falls short (the
    float coefficients are not the rationals the duals were snapped to), scaling the duals
    by a positive factor closes the gap exactly.
    """
    (a_ub, b_ub), (a_eq, b_eq) = matrices
    block = blocks[i]
    reduced: dict[int, Fraction] = {i: Fraction(sign)}
    bound = Fraction(0)
    for matrix, rhs, duals, upper in ((a_ub, b_ub, getattr(result, "ineqlin", None), True),
                                      (a_eq, b_eq, getattr(result, "eqlin", None), False)):
        if matrix is None or duals is None:
            continue
        marginals = np.asarray(duals.marginals, dtype=np.float64)
        for row in np.flatnonzero(marginals != 0):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            columns = matrix.indices[start:end]
            if columns.size == 0 or blocks[columns[0]] != block:
                continue
            y = Fraction(float(marginals[row]))
            y = y.limit_denominator(_DENOMINATOR) if snap else y
            if upper and y > 0:
                y = Fraction(0)
            if y == 0:
                continue
            bound += y * Fraction(float(rhs[row]))
            for column, value in zip(columns.tolist(), matrix.data[start:end].tolist(), strict=True):
                reduced[column] = reduced.get(column, Fraction(0)) - y * Fraction(value)
    if any(value < 0 for column, value in reduced.items() if column != i):
        return None
    if reduced[i] < 0:
        # only the objective's own coefficient is short: scale the duals down to meet it exactly
        combined = Fraction(sign) - reduced[i]
        if combined * Fraction(sign) <= 0:
            return None
        bound *= Fraction(sign) / combined
    proven = bound if sign > 0 else -bound
    nearest = float(proven)
    if Fraction(nearest) != proven:
        nearest = float(np.nextafter(nearest, -np.inf if sign > 0 else np.inf))
    return nearest
