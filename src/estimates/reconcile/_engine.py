"""The reconciler's pipeline: the stages in order, each outcome dropped once no longer read.

Each stage is a function from frozen inputs to a frozen outcome (``docs/design.md``):

1. `table.read_table`: the claims as arrays (`Table`), and `table.read_sources`;
2. `groups.find_groups`: each claim's quantity and the linked groups (`Groups`);
3. `closing.close`: closed bounds, open ends excluded and counts whole (a new `Table`);
4. `revisions.supersede`: a source's later reading supersedes its earlier (a new `Table`);
5. `levels.weigh_levels`: the heaviest consistent level claims per time (`Levels`);
6. `totals.weigh_totals`: the heaviest running totals that never fall, and their bounds (`Totals`);
7. `linked.link_groups`: the linked groups as linear systems (`Linked`);
8. `ranges`: the ranges table and the changes; `conflicts`: the contradictions and
   claims tables; `revisions.revision_table`.

The kept, excluded and disputed claims and the conflicts found pass from stage to stage
as `findings.Findings`. The example is the package's (`estimates.reconcile`); `reconcile`
below has its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates._given_back import given_back
from estimates.claims import Claims, is_claims_table, read_claims
from estimates.expression import Relation, read_relations
from estimates.quantities import settle_quantities
from estimates.reconcile.closing import close
from estimates.reconcile.conflicts import contradictions_and_claims
from estimates.reconcile.findings import Findings
from estimates.reconcile.groups import find_groups
from estimates.reconcile.levels import weigh_levels
from estimates.reconcile.linked import link_groups
from estimates.reconcile.ranges import find_changes, join_parts, range_parts, range_table
from estimates.reconcile.reasons import Reason
from estimates.reconcile.result import Reconciliation
from estimates.reconcile.revisions import revision_table, supersede
from estimates.reconcile.table import (
    DEFAULT_WINDOW,
    MAX_WINDOW,
    _days,
    _window_days,
    read_sources,
    read_table,
)
from estimates.reconcile.totals import weigh_totals

__all__ = ["DEFAULT_WINDOW", "MAX_WINDOW", "Reason", "Reconciliation", "reconcile"]


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
    with given_back():  # the memory it takes goes back to the system when freed
        table = claims if isinstance(claims, pd.DataFrame) and is_claims_table(claims) else \
            read_claims(claims, lexicon=lexicon, halo=halo, skip_invalid=True)
        rules = () if relations is None else read_relations(relations)
        settled = settle_quantities(table, rules)  # units across relations; DimensionError
        return _run(settled.claims.reset_index(drop=True), rules, _window_days(window), _days(at),
                    revisions, settled.unclaimed)


def _run(frame: pd.DataFrame, rules: Sequence[Relation], window: int, at: NDArray[np.int64], revising: bool,
         unclaimed: pd.DataFrame) -> Reconciliation:
    """The stages in order; each outcome is dropped (``del``) after its last reader."""
    sources = read_sources(frame)
    t = read_table(frame, rules, window, at, revising)
    groups = find_groups(t, unclaimed)
    t = close(t, groups)
    t = supersede(t, sources, groups)
    levels = weigh_levels(t, sources, groups, Findings.start(t.n, t.broken))
    totals = weigh_totals(t, sources, groups, levels.findings)
    linked = link_groups(t, groups, totals.findings)
    findings, linked_sources = linked.findings, linked.sources
    parts, lp_first = range_parts(t, groups, levels, totals, linked.ranges, findings)
    quantities = groups.quantities
    # the working arrays of the stages (about 0.6 GB at 10 million claims): the tables
    # made below reuse their memory
    del levels, totals, linked, groups
    ranges = range_table(t, sources, quantities, join_parts(parts, lp_first), linked_sources)
    del sources, linked_sources
    changes = find_changes(t.window, quantities, ranges)
    table = ranges.frame
    del ranges  # its quantity numbers and days, before the claims table, the output's largest
    contradictions, claims = contradictions_and_claims(t, findings)
    return Reconciliation(table, contradictions, claims, changes=changes, revisions=revision_table(t))
