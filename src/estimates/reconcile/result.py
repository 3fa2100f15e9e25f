"""The outcome of `reconcile`: five tables with fixed columns, and their JSON shape.

>>> sorted(REVISION_COLUMNS)[:3]
['as_of', 'change', 'earlier']
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

__all__ = ["CHANGE_COLUMNS", "CLAIM_STATUS_COLUMNS", "CONTRADICTION_COLUMNS", "ID_LISTS",
           "RANGE_COLUMNS", "REVISION_COLUMNS", "Reconciliation"]

RANGE_COLUMNS = ("quantity", "as_of", "as_of_start", "as_of_end", "low", "high", "best", "unit",
                 "kind", "claims", "sources", "derived", "derived_from", "relations")
CONTRADICTION_COLUMNS = ("id", "reason", "quantity", "claims", "explanation", "gap", "unit")
CLAIM_STATUS_COLUMNS = ("id", "line", "quantity", "claimant", "as_of", "as_of_start",
                        "as_of_end", "as_of_from_published", "measure", "period",
                        "value", "low", "high", "low_open", "high_open", "best", "unit",
                        "weight", "source", "status", "superseded_by", "contradictions", "problem",
                        "why")
CHANGE_COLUMNS = ("quantity", "from_as_of", "to_as_of", "from_low", "from_high", "to_low",
                  "to_high", "days", "rate_low", "rate_high", "unit")
#: the id-list columns (a range's claims, a conflict's claims, a claim's contradictions):
#: Arrow lists, each cell read as a Python list
ID_LISTS = pd.ArrowDtype(pa.list_(pa.large_string()))
REVISION_COLUMNS = ("quantity", "as_of", "period", "source", "earlier", "later", "earlier_value",
                    "later_value", "earlier_low", "earlier_high", "later_low", "later_high",
                    "change", "unit")


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of `reconcile`: five tables with fixed columns.

    The columns of ids (a range's claims, a conflict's claims, a claim's contradictions) are
    `ID_LISTS`: Arrow lists, each cell a Python list when read, with pandas' ``.list``
    accessor (``ranges["claims"].list.len()``); a range's sources are Arrow lists too, of
    dictionary-encoded names (each held once). Tuples in an object column where some text is
    a lone surrogate, which Arrow cannot hold.

    ``as_of_start`` and ``as_of_end`` (ranges and claims) are the first and last dates of
    ``as_of`` as ``datetime64[ns]`` (midnight of the date; NaT when absent), for pandas.

    ``ranges``: quantity, as_of, low, high, best, unit, kind, claims (kept ids, sorted),
    sources (sorted), derived (no claim of its own: from relations), derived_from (for a
    derived range, the kept claims of its linked group, any of which can bound it through
    the relations) and relations (for a derived range, its group's relations, each with
    its line). ``contradictions``:
    id, reason, quantity, claims (a minimal conflicting set of ids), explanation, gap (how
    far apart, in unit), unit. ``claims``: every input claim as an analyst reads it (id, line, quantity,
    claimant, as_of, measure ``value``/``increase``/``rate``, period, value as written, low,
    high, low_open, high_open, best, unit: the quantity's unit, and that unit per day for a
    rate, whose low and high are per day; weight, source) with status kept, excluded,
    disputed (a tie the weights could not decide), superseded (with ``superseded_by``, the
    later reading) or invalid, the contradictions it is in, its problem, and ``why``: for
    a claim not kept, why in words (invalid and the problem; superseded by which reading;
    excluded in which contradiction and lighter than which kept claims; disputed in which
    contradiction and tied with which claims), "" for a kept claim. ``changes``:
    level quantities that moved between times. ``revisions``: each superseded claim with the
    reading that supersedes it (quantity, as_of, period, source, earlier, later, both
    readings and their bounds, the change between their points).
    """

    #: one row per quantity and time
    ranges: pd.DataFrame
    #: one row per minimal conflicting set
    contradictions: pd.DataFrame
    #: one row per input claim
    claims: pd.DataFrame
    #: one row per change of a level quantity between consecutive times
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))
    #: one row per claim superseded by a later reading of its source
    revisions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REVISION_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``estimates reconcile --format json`` (unbounded ends are None)."""
        result: dict[str, Any] = json.loads(self.to_json())
        return result

    def to_json(self) -> str:
        """The JSON of ``estimates reconcile --format json``, byte for byte (one writer:
        `estimates.output.json_document`): an object of every table as a list of records.

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["1"], "as_of": ["2024"]})
        >>> from estimates import reconcile
        >>> json.loads(reconcile(frame).to_json())["ranges"][0]["high"] is None
        True
        """
        from estimates.output import json_document, result_tables  # the writers sit above

        return "".join(json_document(result_tables(self)))

    def to_html(self, claims: pd.DataFrame | None = None, **options: Any) -> str:
        """One self-contained HTML page to share (`estimates.webpage.to_html`): pass the
        table from `read_claims` as `claims` for quotes and outlets."""
        from estimates.webpage import to_html  # the page sits above the reconciler

        return to_html(self, claims, **options)
