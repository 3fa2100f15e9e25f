"""Reconcile claims into consistent ranges, and explain every contradiction.

The rules are written out in ``docs/rules.md``. In short: claims are read into closed
bounds (an open end excluded, a count reduced to its whole numbers); a later reading by
the same source supersedes an earlier one (`revisions`); on each quantity the heaviest
consistent set of claims is kept (a level at one time by a sweep, a running total by a
dynamic programme), ties are disputed rather than broken; increases, rates and relations
are resolved greedily with linear programmes; ranges are exact for linear constraints and
reported at every time a claim names (and at the dates asked for with ``at=``).

The engine is a pipeline of stages, each a function from frozen inputs to a frozen outcome
(`_engine` calls them in order; ``docs/design.md`` lists what each takes and gives).

>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x"] * 3,
...                       "low": ["10", "12", "50"], "high": ["20", "30", "60"],
...                       "as_of": ["2024-10-01", "2024-10-02", "2024-10-03"]})
>>> result = reconcile(frame)
>>> result.ranges[["quantity", "low", "high"]].values.tolist()
[['x', 12.0, 20.0]]
>>> result.contradictions["claims"].tolist()
[['a', 'c']]
"""

from estimates.reconcile._engine import DEFAULT_WINDOW, MAX_WINDOW, reconcile
from estimates.reconcile.reasons import Reason
from estimates.reconcile.result import ID_LISTS, Reconciliation

__all__ = ["DEFAULT_WINDOW", "ID_LISTS", "MAX_WINDOW", "Reason", "Reconciliation", "reconcile"]
