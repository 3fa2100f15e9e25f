"""The stages' input: the claims as arrays, read once into a frozen `Table`.

`read_table` takes the claims table of `read_claims` (quantities settled) and the relations
and keeps what every stage reads: each claim's bounds, times, measure, weight and id, the
expressions of expression claims, the window and the dates asked for. Later steps of the
input (closed bounds, revisions) give a new `Table` by `dataclasses.replace`, never by
changing this one. `Sources` is each claim's source as a code, for the weights' shares.

>>> import pandas as pd
>>> from estimates.claims import read_claims
>>> claims = read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x"], "value": ["12"],
...                                    "as_of": ["2024-10-01"]}))
>>> table = read_table(claims, [], 7, np.zeros(0, dtype=np.int64), True)
>>> table.n, table.low.tolist(), table.ids_at([0]).tolist()
(1, [11.5], ['a'])
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from estimates.errors import UsageError
from estimates.expression import Linear, Ratio, Relation, read_expression
from estimates.reconcile.columns import _arrow_text, _factorize, _text_at
from estimates.sweep import key_counts
from estimates.timeline import read_instants

__all__ = ["DEFAULT_WINDOW", "MAX_WINDOW", "Sources", "Table", "read_sources", "read_table"]

#: Days within which level claims are compared (the default of ``window``).
DEFAULT_WINDOW = 7
#: the longest comparison window accepted, in days (a century)
MAX_WINDOW = 36_525
#: Relations longer than this many characters are named by their start, length and line.
SHOWN_RELATION = 200
_SCALE = 1_000_000  # weights become integers in millionths, so sweep sums are exact


@dataclass(frozen=True, slots=True)
class Table:
    """The claims as the stages read them (one entry per claim, in the claims' row order)."""

    #: the claims table (`read_claims`), rows numbered from 0
    frame: pd.DataFrame
    #: the relations, numbered by their place
    relations: tuple[Relation, ...]
    #: the relations that link quantities: (number, relation)
    linking: tuple[tuple[int, Relation], ...]
    #: the relations that cannot hold whatever the claims (one with no quantity left,
    #: ``0 <= -1 + a - a``): the numbers of each minimal set
    broken: tuple[tuple[int, ...], ...]
    #: days within which level claims are compared
    window: int
    #: the day numbers at which ranges are asked for
    at: NDArray[np.int64]
    #: whether a source's later reading supersedes its earlier one
    revising: bool
    #: the number of claims
    n: int
    #: the claims that take part (not invalid; once revisions are found, not superseded)
    valid: NDArray[np.bool_]
    #: the claims that are invalid (a problem of reading, or no whole number in a count)
    invalid: NDArray[np.bool_]
    #: each claim's problem (missing where none)
    problem: pd.Series
    #: claims about an expression over quantities
    expression: NDArray[np.bool_]
    #: claims of a value at an instant (not an increase or a rate over a period)
    is_value: NDArray[np.bool_]
    #: claims of a rate over a period
    is_rate: NDArray[np.bool_]
    #: claims on a running total
    cumulative: NDArray[np.bool_]
    #: each claim's bounds (closed once `bounds.close` has run)
    low: NDArray[np.float64]
    high: NDArray[np.float64]
    #: each claim's instant: first and last day
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    #: each claim's period: first and last day
    pstart: NDArray[np.int64]
    pend: NDArray[np.int64]
    #: each claim's weight
    weight: NDArray[np.float64]
    #: the ids, as Arrow text (Python strings where some id has no UTF-8)
    ids: pa.Array | NDArray[np.object_]
    #: the expression of each valid expression claim, by row
    expressions: dict[int, Linear | Ratio]
    #: the row of the claim that supersedes each (-1 for none)
    superseded_by: NDArray[np.int64]

    def names_at(self, rows: NDArray[np.int64]) -> NDArray[np.object_]:
        """The quantity names of the claims `rows`."""
        return _text_at(self.frame["quantity"], rows)

    def quantity(self) -> NDArray[np.object_]:
        """Each claim's quantity name (made when linked groups need them one by one)."""
        return self.frame["quantity"].to_numpy(object)

    def ids_at(self, rows: NDArray[np.int64] | list[int]) -> NDArray[np.object_]:
        """The ids of the claims `rows`, as Python strings."""
        if isinstance(self.ids, np.ndarray):
            return self.ids[rows]
        if len(rows) <= 16:  # a conflict's few claims: no compute call (tens of µs each)
            return np.array([self.ids[int(k)].as_py() for k in rows], dtype=object)
        taken = pc.take(self.ids, np.asarray(rows, dtype=np.int64))
        return np.asarray(taken.to_numpy(zero_copy_only=False), dtype=object)

    def tie(self, rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """A tie-break per claim that depends only on its id (so row order does not matter)."""
        ids = self.ids_at(rows)
        try:
            return pd.util.hash_array(ids, categorize=False).view(np.int64)
        except UnicodeEncodeError:  # a lone surrogate: hashed by its bytes, one char each
            ids = np.array([i.encode("utf-8", "surrogatepass").decode("latin-1") for i in ids.tolist()],
                           dtype=object)
            return pd.util.hash_array(ids, categorize=False).view(np.int64)

    def relation_text(self, number: int, line: bool) -> str:
        """A relation as an explanation names it: its text, with `line` its line too; a
        relation longer than `SHOWN_RELATION` characters by its start and its length (a sum of
        50,000 names, named on each of its ranges, made a JSON file of 22 GB)."""
        relation = self.relations[number]
        text = str(relation)
        if len(text) > SHOWN_RELATION:
            cut = text.rfind(" ", 0, SHOWN_RELATION)
            text = f"{text[:cut if cut > 0 else SHOWN_RELATION]} ... ({len(text):,} characters)"
        return f"{text} (line {relation.line})" if line and relation.line is not None else text

    def lane(self, start: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.int64]:
        """Which level times may be compared: times no longer than the window share lane 0
        (clustered by the window); a coarser time (a month, a year: some day in it) is
        compared only with times of the very same span, its own lane, since some day of it
        always lies outside the window of any one claim."""
        coarse = end - start > self.window
        return np.where(coarse, 1 + start * 100_000 + (end - start), 0)


@dataclass(frozen=True, slots=True)
class Sources:
    """Each claim's source (claimant, else outlet) as a code."""

    #: each claim's source code
    codes: NDArray[np.int64]
    #: the source of each code
    names: NDArray[np.object_]
    #: each code's rank in the names' order
    rank: NDArray[np.int64]

    def shares(self, weight: NDArray[np.float64], slot: NDArray[np.int64],
               rows: NDArray[np.int64]) -> NDArray[np.int64]:
        """Integer weights: each source's claims in one slot share its weight (`slot` sorted;
        `weight` of all claims)."""
        share = weight[rows]  # worked in place: weight / share * _SCALE, rounded, at least 1
        share /= key_counts(slot, self.codes[rows], self.names.size)
        share *= _SCALE
        return np.maximum(np.rint(share, out=share), 1, out=share).astype(np.int64)


def read_table(frame: pd.DataFrame, relations: Sequence[Relation], window: int,
               at: NDArray[np.int64], revisions: bool) -> Table:
    """The `Table` of a claims table (rows numbered from 0) and its relations."""
    t = frame
    linking: list[tuple[int, Relation]] = []
    broken: list[tuple[int, ...]] = []
    for number, relation in enumerate(relations):
        form, op = relation.normal()
        if form.names:
            linking.append((number, relation))
        elif not (form.constant == 0 if op == "=" else form.constant <= 0):
            broken.append((number,))
    n = len(t)
    valid = t["problem"].isna().to_numpy()
    expression = t["expression"].to_numpy(bool)
    return Table(
        frame=t, relations=tuple(relations), linking=tuple(linking), broken=tuple(broken),
        window=window, at=at, revising=revisions, n=n, valid=valid, invalid=~valid,
        problem=t["problem"], expression=expression,
        is_value=(t["measure"] == "value").to_numpy(bool),
        is_rate=(t["measure"] == "rate").to_numpy(bool),
        cumulative=(t["kind"] == "cumulative").to_numpy(bool),
        low=t["low"].to_numpy(np.float64), high=t["high"].to_numpy(np.float64),
        start=t["as_of_start"].to_numpy(np.int64), end=t["as_of_end"].to_numpy(np.int64),
        pstart=t["period_start"].to_numpy(np.int64), pend=t["period_end"].to_numpy(np.int64),
        weight=t["weight"].to_numpy(np.float64), ids=_arrow_text(t["id"].array),
        expressions=_expressions(t["quantity"], np.flatnonzero(expression & valid)),
        superseded_by=np.full(n, -1, dtype=np.int64))


def _expressions(quantity: pd.Series, rows: NDArray[np.int64]) -> dict[int, Any]:
    """The expression of each expression claim in `rows`, each distinct text read once."""
    texts = quantity.to_numpy(object)[rows]
    read = {text: read_expression(text) for text in set(texts.tolist())}
    return {int(k): read[text] for k, text in zip(rows.tolist(), texts.tolist(), strict=True)}


def read_sources(frame: pd.DataFrame) -> Sources:
    """Each claim's source as a code, and the codes' ranks in the sources' name order."""
    codes, names = _factorize(frame["source"], slice(None))
    rank = np.empty(names.size, dtype=np.int64)
    rank[np.argsort(names, kind="stable")] = np.arange(names.size)
    return Sources(codes.astype(np.int64, copy=False), names, rank)


def _window_days(window: Any) -> int:
    """The window as whole days; `UsageError` unless it is a number from 0 to `MAX_WINDOW`.

    >>> _window_days(7.0)
    7
    """
    try:
        days = float(window)
    except (TypeError, ValueError):
        days = math.nan
    if not (0 <= days <= MAX_WINDOW) or days != int(days):
        raise UsageError(f"window {window!r} is not a whole number of days from 0 to {MAX_WINDOW:,}")
    return int(days)


def _date_text(value: Any) -> str:
    """A date or timestamp of `at` as YYYY-MM-DD; its text for anything else (refused then)."""
    try:
        return str(pd.Timestamp(value).date())
    except (TypeError, ValueError, OverflowError):  # OutOfBoundsDatetime is a ValueError
        return str(value)


def _days(at: Iterable[Any] | None) -> NDArray[np.int64]:
    """The day numbers (instants, as `timeline` counts them) of the dates in `at`.

    >>> _days(["2024-11-01"]).tolist()
    [20029]
    """
    if at is None:
        return np.zeros(0, dtype=np.int64)
    if isinstance(at, str):  # one date, not its characters
        at = [at]
    texts = [a.strip() if isinstance(a, str) else _date_text(a) for a in at]
    start, end, error = read_instants(texts)
    bad = [t for t, e, s0, e0 in zip(texts, error, start, end, strict=True)
           if e is not None or s0 != e0]
    if bad:
        raise UsageError(f"at: {', '.join(map(repr, bad))} is not a date (YYYY-MM-DD)")
    return np.unique(end.astype(np.int64))
