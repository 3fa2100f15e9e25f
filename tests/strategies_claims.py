"""Hypothesis strategies for claims tables (DataFrames in the CSV schema)."""

from __future__ import annotations

import datetime as dt
import itertools

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


#: how a count is written, with the whole values each reading allows besides its bounds
COUNT_PHRASES = ("{a} persons", "over {a} persons", "fewer than {a} persons", "at least {a} persons",
                 "up to {a} persons", "{a}-{b} persons")


@st.composite
def count_claims(draw: st.DrawFn, cumulative: bool = False) -> pd.DataFrame:
    """Claims on one count (persons), with open and closed ends: at one day for a level, at a
    few days for a running total; small numbers, so every whole value can be tried."""
    rows = []
    for i in range(draw(st.integers(1, 6))):
        a = draw(st.integers(0, 30))
        b = a + draw(st.integers(0, 10))
        phrase = draw(st.sampled_from(COUNT_PHRASES))
        day = draw(st.integers(0, 3)) * 10 if cumulative else 0
        rows.append({"id": f"n{i}", "quantity": "count", "value": phrase.format(a=a, b=b),
                     "as_of": (START + dt.timedelta(days=day)).isoformat(),
                     "kind": "cumulative" if cumulative else "level",
                     "claimant": f"S{i}"})
    return pd.DataFrame(rows)


@st.composite
def history_claims(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[tuple[str, str], int]]:
    """Claims built around a hidden true history: a level that moves from month to month (claims
    of a month within a few days of each other), a running total that only rises, and sources
    that revise an earlier (possibly wrong) reading with a later true one. Returns the claims
    and the truth at each (quantity, as_of) a claim names."""
    months = draw(st.integers(1, 4))
    level = [draw(st.integers(0, 500)) for _ in range(months)]
    total = list(itertools.accumulate(draw(st.integers(0, 300)) for _ in range(months)))
    truth: dict[tuple[str, str], int] = {}
    rows: list[dict[str, str]] = []

    def claim(quantity: str, kind: str, true: int, day: dt.date, who: str, published: str) -> None:
        low, high = true - draw(st.integers(0, 50)), true + draw(st.integers(0, 50))
        form = draw(st.sampled_from(["range", "over", "fewer", "at least"]))
        value = {"range": f"{max(low, 0)}-{high} persons",
                 "over": f"over {low - 1} persons" if low >= 1 else "at least 0 persons",
                 "fewer": f"fewer than {high + 1} persons",
                 "at least": f"at least {max(low, 0)} persons"}[form]
        rows.append({"id": f"h{len(rows)}", "quantity": quantity, "value": value,
                     "as_of": day.isoformat(), "kind": kind, "claimant": who,
                     "published": published})
        truth[quantity, day.isoformat()] = true

    for m in range(months):
        first = START + dt.timedelta(days=30 * m)
        for _ in range(draw(st.integers(1, 3))):
            day = first + dt.timedelta(days=draw(st.integers(0, 5)))
            claim("level", "level", level[m], day, draw(st.sampled_from("ABC")), "")
        day = first + dt.timedelta(days=draw(st.integers(0, 5)))
        claim("total", "cumulative", total[m], day, draw(st.sampled_from("ABC")), "")
        if draw(st.booleans()):  # a source's wrong first reading, then its revision
            wrong = draw(st.integers(0, 2000))
            rows.append({"id": f"h{len(rows)}", "quantity": "total", "value": f"{wrong} persons",
                         "as_of": day.isoformat(), "kind": "cumulative", "claimant": "Ministry",
                         "published": (day + dt.timedelta(days=1)).isoformat()})
            claim("total", "cumulative", total[m], day, "Ministry",
                  (day + dt.timedelta(days=40)).isoformat())
    return pd.DataFrame(rows), truth
