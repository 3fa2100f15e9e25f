"""Linear constraints over linked quantities, solved with scipy's HiGHS linear programming.

A `System` is a set of two-sided rows ``low <= a . x <= high`` over non-negative variables,
each row tagged with the claim it comes from (or -1 for relations and running-total order,
which are never dropped). It answers three questions: is it feasible, what is the range of
each variable (exact for linear constraints, widened outward by a hair for the solver's
tolerance so it stays sound), and which minimal set of tags cannot hold together
(a deletion filter: drop each tag in turn, keep it out when the rest still conflicts).

>>> system = System(2)
>>> system.add({0: 1.0, 1: 1.0}, 10.0, 10.0, tag=-1)
>>> system.add({0: 1.0}, 3.0, 4.0, tag=0)
>>> low, high = system.ranges()
>>> [round(float(v), 4) for v in (low[1], high[1])]
[6.0, 7.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

__all__ = ["System"]

#: Relative widening of solver bounds, so a range never excludes a value the constraints allow.
TOLERANCE = 1e-7


class System:
    """Two-sided linear rows over ``n`` variables that are at least 0."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rows: list[tuple[dict[int, float], float, float, int]] = []

    def add(self, coefficients: dict[int, float], low: float, high: float, tag: int) -> None:
        """Add ``low <= sum(c * x[i]) <= high`` (infinite ends allowed) tagged `tag`."""
        if np.isinf(low) and np.isinf(high):
            return
        self.rows.append((coefficients, float(low), float(high), tag))

    def tags(self) -> list[int]:
        """The claim tags present, each once, in order of first appearance."""
        return list(dict.fromkeys(t for *_, t in self.rows if t >= 0))

    def _cap(self) -> float:
        finite = [abs(v) for _, lo, hi, _ in self.rows for v in (lo, hi) if np.isfinite(v)]
        return max(1e9, 1e4 * max(finite, default=1.0))

    def _matrices(self, active: Iterable[int] | None) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        keep = None if active is None else set(active)
        ub_rows: list[tuple[dict[int, float], float]] = []
        eq_rows: list[tuple[dict[int, float], float]] = []
        for coefficients, low, high, tag in self.rows:
            if tag >= 0 and keep is not None and tag not in keep:
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
        ub, eq = self._matrices(active)
        a_ub, b_ub = ub
        a_eq, b_eq = eq
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                         bounds=(0, self._cap() if cap is None else cap), method="highs")
        return result.status, (result.x if result.status == 0 else None)

    def feasible(self, active: Iterable[int] | None = None) -> bool:
        """True when some x satisfies every relation row and the rows of the `active` tags."""
        status, _ = self._solve(np.zeros(self.n), active)
        return status == 0

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
        for r in range(int(rank.max()) + 1):
            chosen = rank == r
            for sign in (1.0, -1.0):
                status, x = self._solve(np.where(chosen, sign, 0.0), active)
                if x is None:
                    raise ValueError(f"the linear system is not feasible (status {status})")
                if sign > 0:
                    low[chosen] = x[chosen]
                    continue
                # a maximum that grows with the variables' cap is unbounded
                _, wider = self._solve(np.where(chosen, sign, 0.0), active, 2 * cap)
                grows = x[chosen] * (1 + 1e-6) + 1 < (x[chosen] if wider is None else wider[chosen])
                high[chosen] = np.where(grows | (x[chosen] >= cap / 2), np.inf, x[chosen])
        pad = TOLERANCE * np.maximum(1.0, np.abs(low))
        low = np.maximum(low - pad, 0.0)
        high = high + TOLERANCE * np.maximum(1.0, np.abs(np.where(np.isfinite(high), high, 0)))
        return low, high

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
