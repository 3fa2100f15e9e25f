"""The claims' bounds closed once their quantities are known (`bounds.closed_bounds`).

An open end is excluded and a count's bounds are whole (a claim is about a count when its
quantity is counted; an expression claim when it is a sum of counts with whole
coefficients). A claim of a count with no whole number in it is invalid.

>>> import pandas as pd
>>> from estimates.claims import read_claims
>>> from estimates.reconcile.groups import find_groups
>>> from estimates.reconcile.table import read_table
>>> claims = read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x"], "value": ["over 12 troops"],
...                                    "as_of": ["2024-10-01"]}))
>>> table = read_table(claims, [], 7, np.zeros(0, np.int64), True)
>>> close(table, find_groups(table, pd.DataFrame(columns=["unit", "kind"]))).low.tolist()
[13.0]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from estimates.expression import Linear, Relation
from estimates.reconcile.bounds import closed_bounds
from estimates.reconcile.groups import Groups, find_groups
from estimates.reconcile.table import DEFAULT_WINDOW, Table, read_table

__all__ = ["NO_WHOLE_NUMBER", "close", "count_problems", "problem_rows"]

#: the problem of a count's claim with no whole number in it
NO_WHOLE_NUMBER = "holds no whole number, and counts are whole"


def close(t: Table, g: Groups) -> Table:
    """`t` with closed bounds; a count's claim with no whole number in it invalid."""
    whole_values = np.r_[g.count_q, False][g.q] & ~t.is_rate & ~t.expression
    for k, expression in t.expressions.items():
        whole_values[k] = isinstance(expression, Linear) and all(
            c.denominator == 1 for _, c in expression.terms) and \
            expression.constant.denominator == 1 and \
            all(g.count_q[g.names[n]] for n in expression.names)
    frame = t.frame
    closed = closed_bounds(t.low, t.high, frame["low_open"].to_numpy(bool),
                           frame["high_open"].to_numpy(bool), whole_values)
    empty = closed.empty & t.valid
    problem, valid = t.problem, t.valid
    if empty.any():
        problem = frame["problem"].astype(object).copy()
        problem[empty] = NO_WHOLE_NUMBER
        valid = valid & ~empty
    return dataclasses.replace(t, low=closed.low, high=closed.high, problem=problem, valid=valid,
                               invalid=~valid)


def count_problems(settled: pd.DataFrame, relations: Sequence[Relation],
                   unclaimed: pd.DataFrame) -> pd.DataFrame:
    """The valid claims that `close` makes invalid (a count with no whole number in it), as
    problem rows (line, column, value, problem): what `estimates validate` reports beside the
    reader's problems, so that it finds every row `reconcile` sets aside. `settled` and
    `unclaimed` are `estimates.settle_quantities`' outcome.
    """
    t = read_table(settled.reset_index(drop=True), relations, DEFAULT_WINDOW,
                   np.zeros(0, dtype=np.int64), False)
    closed = close(t, find_groups(t, unclaimed))
    return problem_rows(settled.iloc[np.flatnonzero(closed.invalid & t.valid)])


def problem_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims made invalid by closing, as problem rows naming the cell read: ``value``, or
    ``low`` where the value is empty."""
    value = claims["value"].astype(object).fillna("").astype(str)
    column = np.where(value != "", "value", "low")
    shown = value.where(value != "", claims["low"].astype(str) + " to " + claims["high"].astype(str))
    return pd.DataFrame({"line": claims["line"].to_numpy(np.int64), "column": column,
                         "value": shown.to_numpy(object), "problem": NO_WHOLE_NUMBER})
