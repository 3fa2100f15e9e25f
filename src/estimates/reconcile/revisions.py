"""A stage before the others: a source's later reading of the same thing supersedes its earlier.

Official series (a ministry, a UN mission, a general staff) revise their own figures:
"177 killed in January" (published in February) becomes "198 killed in January"
(published in June). Two claims are readings of the same thing when they share the
source, the quantity, the measure (value, increase or rate), the ``as_of`` and the
``period``; the one published later supersedes the earlier, which then takes no part in
the reconciliation (status ``superseded``) and is listed with it in the ``revisions``
table. Claims without a ``published`` date are never revisions, and different sources
never revise each other. Readings published on the same day are not revisions of each
other: they are weighed as usual. Of several readings published on one later day, the
earlier points to the one with the least id.

>>> keys = (np.array([0, 0, 0, 1]), np.array([5, 5, 5, 5]))
>>> days = (np.array([10, 30, 20, 40]), np.array([10, 30, 20, 40]))
>>> found = find_revisions(keys, np.arange(4), days, np.ones(4, bool), lambda rows: rows)
>>> found.superseded_by.tolist()
[2, -1, 1, -1]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.reconcile.bounds import _middle
from estimates.reconcile.columns import _coded, _distinct, _interval_text, _strings, _text_at
from estimates.reconcile.groups import Groups
from estimates.reconcile.result import REVISION_COLUMNS
from estimates.reconcile.sorting import _ranks
from estimates.reconcile.table import Sources, Table
from estimates.timeline import MISSING, format_period, format_span, read_instants

__all__ = ["Revisions", "find_revisions", "revision_table", "supersede"]


@dataclass(frozen=True, slots=True)
class Revisions:
    """Which claim supersedes each (its row, -1 for none)."""

    #: for each claim, the row of the claim that supersedes it, else -1
    superseded_by: NDArray[np.int64]

    @property
    def superseded(self) -> NDArray[np.bool_]:
        """The claims another supersedes."""
        return self.superseded_by >= 0


def find_revisions(keys: Sequence[NDArray[Any]], published: NDArray[np.int64],
                   days: tuple[NDArray[np.int64], NDArray[np.int64]], candidate: NDArray[np.bool_],
                   rank: Callable[[NDArray[np.int64]], NDArray[np.int64]]) -> Revisions:
    """The revisions among claims: `keys` say what a claim is about (equal keys: the same
    thing from the same source), `published` a code per claim into `days`, the first and
    last day numbers of each publication date,
    `candidate` which claims may take part (valid, with a publication date) and `rank`
    gives, for some rows, ranks that order claims published on one day (of their ids)."""
    n = candidate.size
    out = np.full(n, -1, dtype=np.int64)
    rows = np.flatnonzero(candidate)
    if rows.size < 2:
        return Revisions(out)
    # first the claims that share their first two keys with another (cheap), then the rest
    first, _ = pd.factorize(np.asarray(keys[0])[rows] * (int(np.max(keys[1], initial=0)) + 1)
                            + np.asarray(keys[1])[rows])
    rows = rows[np.bincount(first)[first] > 1]
    if rows.size < 2:
        return Revisions(out)
    mixed = np.zeros(rows.size, dtype=np.uint64)
    for key in keys:
        mixed *= np.uint64(0x9E3779B97F4A7C15)
        mixed ^= pd.util.hash_array(np.asarray(key)[rows])
    group, _ = pd.factorize(mixed)
    repeated = np.bincount(group)[group] > 1
    rows, group = rows[repeated], group[repeated]
    if rows.size < 2:
        return Revisions(out)
    published_start, published_end = (day[published[rows]] for day in days)
    order = np.lexsort((published_end, published_start, group))
    published_start, published_end = published_start[order], published_end[order]
    rows, group = rows[order], group[order]
    # claims published on one day by one source about one thing: ordered by `rank`
    step_key = np.r_[True, (group[1:] != group[:-1])
                     | (published_start[1:] != published_start[:-1])
                     | (published_end[1:] != published_end[:-1])]
    step_id = np.cumsum(step_key) - 1
    crowded = np.flatnonzero(np.bincount(step_id)[step_id] > 1)
    if crowded.size:
        within = crowded[np.lexsort((rank(rows[crowded]), step_id[crowded]))]
        rows[crowded] = rows[within]
    start, end = published_start, published_end
    same_thing = np.ones(rows.size - 1, dtype=bool)
    for key in keys:  # a hash collision splits a group here rather than joining two
        same_thing &= np.asarray(key)[rows[1:]] == np.asarray(key)[rows[:-1]]
    same_thing &= group[1:] == group[:-1]
    # publication steps within a group: a new (start, end) of publication
    later = same_thing & ((start[1:] != start[:-1]) | (end[1:] != end[:-1]))
    # the first row of each publication step, and the step each row is in
    new_step = np.r_[True, ~same_thing | later]
    step = np.cumsum(new_step) - 1
    step_first = np.flatnonzero(new_step)
    has_next = np.r_[later, False][np.r_[step_first[1:] - 1, rows.size - 1]]
    nxt = np.where(has_next, np.r_[step_first[1:], 0], -1)
    follower = nxt[step]
    known = follower >= 0
    out[rows[known]] = rows[follower[known]]
    return Revisions(out)


def supersede(t: Table, s: Sources, g: Groups) -> Table:
    """`t` with the claims superseded by a later reading of their source (`find_revisions`)
    marked, and no longer valid: they take no part."""
    if not t.revising:
        return t
    frame = t.frame
    codes, texts = _coded(frame["published"])
    start, end, _ = read_instants(texts)
    measure = t.is_value.astype(np.int8) + 2 * t.is_rate.astype(np.int8)
    expression = np.zeros(t.n, dtype=np.int32)  # which expression, for expression claims
    if t.expressions:
        rows = np.fromiter(t.expressions, dtype=np.int64)
        expression[rows] = 1 + pd.factorize(_text_at(frame["quantity"], rows))[0]
    found = find_revisions(
        (s.codes, g.q, expression, measure, t.start, t.end, t.pstart, t.pend),
        codes, (start, end), t.valid & (start != MISSING)[codes],
        lambda rows: _ranks(t.ids_at(rows)))
    return dataclasses.replace(t, superseded_by=found.superseded_by, valid=t.valid & ~found.superseded)


def revision_table(t: Table) -> pd.DataFrame:
    """One row per superseded claim: what it was about, both readings and the change."""
    earlier = np.flatnonzero(t.superseded_by >= 0)
    if earlier.size == 0:
        return pd.DataFrame(columns=list(REVISION_COLUMNS))
    later = t.superseded_by[earlier]
    frame = t.frame
    low, high = frame["low"].to_numpy(np.float64), frame["high"].to_numpy(np.float64)
    point = _middle(low, high)
    given = frame["best"].to_numpy(np.float64)
    point = np.where(np.isnan(given), point, given)
    written = _text_at(frame["value"], np.r_[earlier, later])
    bounds = np.r_[earlier, later]
    blank = written == ""
    written[blank] = [_interval_text(a, b) for a, b in zip(
        low[bounds[blank]].tolist(), high[bounds[blank]].tolist(), strict=True)]
    period = np.full(earlier.size, "", dtype=object)
    over = np.flatnonzero(~t.is_value[earlier])
    codes, periods = _distinct(format_period, t.pstart[earlier[over]], t.pend[earlier[over]])
    period[over] = periods[codes]
    codes, spans = _distinct(format_span, t.start[earlier], t.end[earlier])
    return pd.DataFrame({
        "quantity": _strings(_text_at(frame["quantity"], earlier)),
        "as_of": _strings(spans[codes]), "period": _strings(period),
        "source": _strings(_text_at(frame["source"], earlier)),
        "earlier": _strings(t.ids_at(earlier)), "later": _strings(t.ids_at(later)),
        "earlier_value": _strings(written[:earlier.size]),
        "later_value": _strings(written[earlier.size:]),
        "earlier_low": low[earlier], "earlier_high": high[earlier],
        "later_low": low[later], "later_high": high[later],
        "change": point[later] - point[earlier],
        "unit": _strings(np.where(t.is_rate[earlier], _text_at(frame["unit"], earlier) + " / day",
                                  _text_at(frame["unit"], earlier)))}, columns=list(REVISION_COLUMNS))
