"""Hypothesis strategies for claims tables (DataFrames in the CSV schema)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

QUANTITIES = ("q.a", "q.b", "q.c")
START = dt.date(2024, 10, 1)


@st.composite
def claim_rows(draw: st.DrawFn, max_size: int = 8) -> pd.DataFrame:
    """Level and cumulative claims on a few quantities, some disagreeing."""
    size = draw(st.integers(1, max_size))
    rows = []
    for i in range(size):
        quantity = draw(st.sampled_from(QUANTITIES))
        low = draw(st.integers(0, 100))
        high = low + draw(st.integers(0, 50))
        day = draw(st.integers(0, 20))
        rows.append({"id": f"c{i}", "quantity": quantity, "low": str(low), "high": str(high),
                     "as_of": (START + dt.timedelta(days=day)).isoformat(),
                     "kind": "cumulative" if quantity == "q.c" else "level",
                     "claimant": draw(st.sampled_from(["A", "B", "C", "D", ""])),
                     "grade": draw(st.sampled_from(["", "A1", "C3"]))})
    return pd.DataFrame(rows)


@st.composite
def claims_around_truth(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, int]]:
    """Claims that all contain a hidden true value per quantity (constant over time)."""
    truth = {q: draw(st.integers(0, 1000)) for q in QUANTITIES[:2]}
    rows = []
    for i in range(draw(st.integers(1, 10))):
        quantity = draw(st.sampled_from(sorted(truth)))
        low = truth[quantity] - draw(st.integers(0, 100))
        high = truth[quantity] + draw(st.integers(0, 100))
        unbounded = draw(st.sampled_from(["", "low", "high"]))
        rows.append({"id": f"t{i}", "quantity": quantity,
                     "low": "" if unbounded == "low" else str(max(low, 0)),
                     "high": "" if unbounded == "high" else str(high),
                     "as_of": (START + dt.timedelta(days=draw(st.integers(0, 60)))).isoformat()})
    return pd.DataFrame(rows), truth
