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

import numpy as np

from estimates.expression import Linear
from estimates.reconcile.bounds import closed_bounds
from estimates.reconcile.groups import Groups
from estimates.reconcile.table import Table

__all__ = ["close"]


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
        problem[empty] = "holds no whole number, and counts are whole"
        valid = valid & ~empty
    return dataclasses.replace(t, low=closed.low, high=closed.high, problem=problem, valid=valid,
                               invalid=~valid)
