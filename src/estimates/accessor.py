"""The pandas accessor: ``df.estimates.reconcile()`` on a DataFrame of claims.

A thin front over `estimates.reconcile.reconcile` and `estimates.claims.read_claims`,
registered when `estimates` is imported after pandas, else with the first table that
`estimates` reads (`import estimates` alone loads no pandas).

>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["1"], "high": ["2"],
...                       "as_of": ["2024-10-01"]})
>>> frame.estimates.reconcile().ranges["high"].tolist()
[2.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from estimates.claims import Claims
    from estimates.reconcile import Reconciliation

__all__ = ["EstimatesAccessor"]


@pd.api.extensions.register_dataframe_accessor("estimates")
class EstimatesAccessor:
    """``df.estimates``: read and reconcile the claims in a DataFrame."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame

    def read_claims(self, **options: Any) -> Claims:
        """The validated claims table of this frame (see `estimates.read_claims`)."""
        from estimates.claims import read_claims

        return read_claims(self._frame, **options)

    def reconcile(self, relations: Any = None, **options: Any) -> Reconciliation:
        """Reconcile the claims of this frame (see `estimates.reconcile`)."""
        from estimates.reconcile import reconcile

        return reconcile(self._frame, relations, **options)
