"""Reconcile claims into consistent ranges, and explain every contradiction.

Rules (see the README):

- **Times.** Claims on a *level* quantity are compared when their times lie within
  ``window`` days (default 7) of the first time of their cluster; clusters further apart
  are different times, and disjoint ranges between consecutive ones are *changes* with the
  rate they imply. Claims on a *cumulative* quantity are compared at the same time span;
  across times the total may not fall.
- **Kept set.** On one quantity at one time, the kept claims are the heaviest set that
  shares a point (exact sweep). Each source's claims there share its weight (n claims from
  one claimant weigh 1/n each). Falling totals, rates against totals and relations are
  then resolved greedily: the lightest claim of each minimal conflict is excluded.
- **Ranges** are exact for linear constraints (HiGHS linear programming per linked group),
  widened outward by 1e-7 relative for the solver's tolerance; values are never negative.
- **Best point**: the weighted median of the kept claims' points (their ``best`` if
  given, else the middle of a finite interval, else its finite end), clipped to the range;
  with no such claim the middle of a finite range, else its finite end.

>>> import pandas as pd
>>> frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x"] * 3,
...                       "low": ["10", "12", "50"], "high": ["20", "30", "60"],
...                       "as_of": ["2024-10-01", "2024-10-02", "2024-10-03"]})
>>> result = reconcile(frame)
>>> result.ranges[["quantity", "low", "high"]].values.tolist()
[['x', 12.0, 20.0]]
>>> result.contradictions["claims"].tolist()
[('a', 'c')]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from estimates.claims import Claims, is_claims_table, read_claims
from estimates.expression import Linear, Ratio, Relation, read_expression, read_relations
from estimates.interval import IntervalArray
from estimates.linear import System
from estimates.sweep import anchor_clusters, heaviest_point, partners, prefix_max_before
from estimates.timeline import format_period, format_span

__all__ = ["DEFAULT_WINDOW", "Reason", "Reconciliation", "reconcile"]

#: Days within which level claims are compared (the default of ``window``).
DEFAULT_WINDOW = 7
_SCALE = 1_000_000  # weights become integers in millionths, so sweep sums are exact

RANGE_COLUMNS = ("quantity", "as_of", "low", "high", "best", "unit", "kind", "claims",
                 "sources", "derived")
CONTRADICTION_COLUMNS = ("id", "reason", "quantity", "claims", "explanation", "gap", "unit")
CLAIM_STATUS_COLUMNS = ("id", "line", "quantity", "as_of", "value", "low", "high", "unit",
                        "weight", "source", "status", "contradictions", "problem")
CHANGE_COLUMNS = ("quantity", "from_as_of", "to_as_of", "from_low", "from_high", "to_low",
                  "to_high", "days", "rate_low", "rate_high", "unit")


class Reason(StrEnum):
    """Why a set of claims cannot all hold."""

    DISJOINT = "disjoint"  #: ranges on one quantity at one time do not meet
    FALLING_TOTAL = "falling_total"  #: a running total would have to fall
    RATE_VS_TOTALS = "rate_vs_totals"  #: an increase or rate does not match the totals
    RELATION = "relation"  #: claims on linked quantities break a relation or expression claim

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Reconciliation:
    """The outcome of `reconcile`: four tables with fixed columns.

    ``ranges``: quantity, as_of, low, high, best, unit, kind, claims (kept ids), sources,
    derived (no claim of its own: from relations). ``contradictions``: id, reason, quantity,
    claims (a minimal conflicting set of ids), explanation, gap (how far apart, in unit),
    unit. ``claims``: every input claim with status kept, excluded or invalid and the
    contradictions it is in. ``changes``: level quantities that moved between times.
    """

    #: one row per quantity and time
    ranges: pd.DataFrame
    #: one row per minimal conflicting set
    contradictions: pd.DataFrame
    #: one row per input claim
    claims: pd.DataFrame
    #: one row per change of a level quantity between consecutive times
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``estimates reconcile --format json`` (unbounded ends are None)."""
        def number(value: Any) -> Any:
            if isinstance(value, (float, np.floating)):
                return None if not math.isfinite(value) else float(value)
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, np.bool_):
                return bool(value)
            if isinstance(value, tuple):
                return list(value)
            return value

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: number(v) for k, v in row.items()} for row in frame.to_dict("records")]

        return {"ranges": records(self.ranges), "contradictions": records(self.contradictions),
                "claims": records(self.claims), "changes": records(self.changes)}

    def to_json(self, **options: Any) -> str:
        """`to_dict` as JSON text.

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["1"], "as_of": ["2024"]})
        >>> json.loads(reconcile(frame).to_json())["ranges"][0]["high"] is None
        True
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, **options)


def reconcile(claims: Claims | str | Path | pd.DataFrame,
              relations: str | Path | Iterable[str | Relation] | None = None, *,
              window: int = DEFAULT_WINDOW, lexicon: Any = None,
              halo: str = "digits") -> Reconciliation:
    """Reconcile claims (a table from `read_claims`, a raw DataFrame or a CSV path) with relations.

    Invalid rows are kept in the result's ``claims`` with status ``invalid``.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": ["t", "k"], "quantity": ["c", "k / c"],
    ...                       "low": ["5000", "0.3"], "high": ["", "0.4"],
    ...                       "as_of": ["2025-03", "2025-03"]})
    >>> ranges = reconcile(frame, ["c = k + w"]).ranges.set_index("quantity")
    >>> float(ranges.loc["k", "low"]) > 1499.9
    True
    """
    table = claims if isinstance(claims, pd.DataFrame) and is_claims_table(claims) else \
        read_claims(claims, lexicon=lexicon, halo=halo, skip_invalid=True)
    rules = () if relations is None else read_relations(relations)
    return _Reconciler(table.reset_index(drop=True), rules, int(window)).run()


class _Reconciler:
    def __init__(self, table: pd.DataFrame, relations: Sequence[Relation], window: int) -> None:
        self.table = table
        self.relations = list(relations)
        self.window = window
        self.valid = table["problem"].isna().to_numpy()
        self.excluded = np.zeros(len(table), dtype=bool)
        self.found: list[dict[str, Any]] = []
        self.expressions: dict[int, Linear | Ratio] = {
            int(k): read_expression(table.at[k, "quantity"])
            for k in np.flatnonzero(table["expression"].to_numpy() & self.valid)}
        self.rank = pd.Series(table["id"]).rank(method="first").to_numpy(np.int64)

    # ----------------------------------------------------------------- groups and times
    def _groups(self) -> None:
        t = self.table
        names: dict[str, int] = {}
        for name in t.loc[self.valid & ~t["expression"].to_numpy(), "quantity"]:
            names.setdefault(name, len(names))
        edges: list[tuple[int, int]] = []
        links = [e.names for e in self.expressions.values()] + [r.names for r in self.relations]
        for linked in links:
            for name in linked:
                names.setdefault(name, len(names))
            edges += [(names[linked[0]], names[n]) for n in linked[1:]]
        self.names = names
        heads = [a for a, _ in edges]
        tails = [b for _, b in edges]
        graph = sparse.coo_matrix((np.ones(len(edges)), (heads, tails)), shape=(len(names),) * 2)
        _, self.component = connected_components(graph, directed=False)
        self.linked = np.zeros(int(self.component.max(initial=-1)) + 1, dtype=bool)
        for linked in links:
            self.linked[self.component[names[linked[0]]]] = True
        q = np.full(len(t), -1, dtype=np.int64)
        plain = self.valid & ~t["expression"].to_numpy()
        q[plain] = t.loc[plain, "quantity"].map(names).to_numpy(np.int64)
        for k, e in self.expressions.items():
            q[k] = names[e.names[0]] if e.names else -1
        self.q = q
        self.group = np.where(q >= 0, self.component[np.maximum(q, 0)], -1)
        periodic = self.valid & (t["measure"] != "value").to_numpy()
        self.linked[np.unique(self.group[periodic])] = True
        self.kind_of = dict(zip(t.loc[plain, "quantity"], t.loc[plain, "kind"], strict=False))
        self.unit_of = dict(zip(t.loc[plain, "quantity"], t.loc[plain, "unit"], strict=False))

    def _times(self) -> None:
        """Each group's times; level quantities cluster them by the window."""
        t = self.table
        value = self.valid & (t["measure"] == "value").to_numpy() & (self.q >= 0)
        periodic = self.valid & (t["measure"] != "value").to_numpy() & (self.q >= 0)
        parts = [pd.DataFrame({"group": self.group[value], "start": t["as_of_start"][value],
                               "end": t["as_of_end"][value]})]
        for column in ("period_start", "period_end"):
            parts.append(pd.DataFrame({"group": self.group[periodic], "start": t[column][periodic],
                                       "end": t[column][periodic]}))
        times = pd.concat(parts, ignore_index=True).drop_duplicates().reset_index(drop=True)
        g = times["group"].to_numpy(np.int64)
        times["cluster"] = anchor_clusters(g, times["start"].to_numpy(np.int64),
                                           times["end"].to_numpy(np.int64),
                                           np.full(len(times), self.window, dtype=np.int64))
        self.times = times
        self.time_index = {(int(a), int(b), int(c)): k for k, (a, b, c) in
                           enumerate(zip(g, times["start"], times["end"], strict=True))}

    def _slot(self, name: str, time: int) -> tuple[str, int]:
        """The variable of `name` at time row `time`: its cluster if level, the time if cumulative."""
        if self.kind_of.get(name, "level") == "level":
            return name, -1 - int(self.times.at[time, "cluster"])
        return name, time

    def _slot_hull(self, times: Iterable[int]) -> tuple[int, int]:
        rows = self.times.loc[list(times)]
        return int(rows["start"].min()), int(rows["end"].max())

    # ----------------------------------------------------------------- same quantity
    def _claim_slots(self) -> NDArray[np.int64]:
        """A number per (quantity, slot) for plain value claims; -1 for the others."""
        t = self.table
        plain = self.valid & (t["measure"] == "value").to_numpy() & ~t["expression"].to_numpy()
        time = np.full(len(t), -1, dtype=np.int64)
        rows = np.flatnonzero(self.valid & (self.q >= 0) & (t["measure"] == "value").to_numpy())
        keys = pd.DataFrame({"group": self.group[rows], "start": t["as_of_start"].to_numpy()[rows],
                             "end": t["as_of_end"].to_numpy()[rows]})
        lookup = self.times.reset_index().rename(columns={"index": "time"})
        time[rows] = keys.merge(lookup, on=["group", "start", "end"], how="left")["time"].to_numpy()
        self.time_of = time
        kinds = t["kind"].to_numpy()
        cluster = self.times["cluster"].to_numpy()[np.maximum(time, 0)]
        slot_key = np.where(kinds == "level", -1 - cluster, time)
        keys = pd.DataFrame({"q": self.q, "slot": slot_key})[plain]
        codes = np.full(len(t), -1, dtype=np.int64)
        codes[plain] = keys.groupby(["q", "slot"], sort=True).ngroup().to_numpy()
        self.slot_key = slot_key
        return codes

    def _same_quantity(self) -> None:
        t = self.table
        slot = self._claim_slots()
        self.claim_slot = slot
        rows = np.flatnonzero(slot >= 0)
        if rows.size == 0:
            return
        share = pd.DataFrame({"s": slot[rows], "src": t["source"].to_numpy()[rows]}).groupby(
                ["s", "src"])["s"].transform("size").to_numpy(np.float64)
        weight = np.maximum(np.rint(t["weight"].to_numpy()[rows] / share * _SCALE), 1).astype(np.int64)
        self.effective = pd.Series(0.0, index=t.index)
        self.effective.iloc[rows] = weight / _SCALE
        low, high = t["low"].to_numpy()[rows], t["high"].to_numpy()[rows]
        kept, _ = heaviest_point(slot[rows], low, high, weight)
        mate = partners(slot[rows], low, high, kept, self.rank[rows])
        self.excluded[rows[~kept]] = True
        for i in np.flatnonzero(~kept):
            a, b = rows[i], rows[mate[i]]
            gap = max(t.at[a, "low"] - t.at[b, "high"], t.at[b, "low"] - t.at[a, "high"])
            self._found(Reason.DISJOINT, [b, a], gap)

    def _falling_totals(self) -> None:
        """Running totals (plain, on unlinked cumulative quantities) that would have to fall."""
        t = self.table
        for _ in range(50):
            rows = np.flatnonzero((self.claim_slot >= 0) & ~self.excluded
                                  & (t["kind"] == "cumulative").to_numpy()
                                  & ~self.linked[np.maximum(self.group, 0)])
            if rows.size == 0:
                return
            start = t["as_of_start"].to_numpy(np.int64)[rows]
            end = t["as_of_end"].to_numpy(np.int64)[rows]
            low, high = t["low"].to_numpy()[rows], t["high"].to_numpy()[rows]
            floor, holder = prefix_max_before(self.q[rows], end, low, self.q[rows], start)
            falls = np.flatnonzero((floor > high) & (holder >= 0))
            if falls.size == 0:
                return
            weight = t["weight"].to_numpy()
            dropped: set[int] = set()
            for j in falls:
                later, earlier = rows[j], rows[holder[j]]
                if later in dropped or earlier in dropped:
                    continue
                loser = later if weight[later] <= weight[earlier] else earlier
                dropped.add(loser)
                self._found(Reason.FALLING_TOTAL, [earlier, later], t.at[earlier, "low"]
                            - t.at[later, "high"])
            self.excluded[list(dropped)] = True

    def _plain_ranges(self) -> list[dict[str, Any]]:
        t = self.table
        rows = np.flatnonzero((self.claim_slot >= 0) & ~self.excluded
                              & ~self.linked[np.maximum(self.group, 0)])
        if rows.size == 0:
            return []
        frame = pd.DataFrame({"slot": self.claim_slot[rows], "row": rows, "q": self.q[rows],
                              "low": t["low"].to_numpy()[rows], "high": t["high"].to_numpy()[rows],
                              "start": t["as_of_start"].to_numpy()[rows],
                              "end": t["as_of_end"].to_numpy()[rows],
                              "kind": t["kind"].to_numpy()[rows]})
        slots = frame.groupby("slot").agg(q=("q", "first"), low=("low", "max"), high=("high", "min"),
                                          start=("start", "min"), end=("end", "max"),
                                          kind=("kind", "first"))
        cumulative = (slots["kind"] == "cumulative").to_numpy()
        if cumulative.any():
            sub = slots[cumulative]
            q = sub["q"].to_numpy(np.int64)
            floor, _ = prefix_max_before(q, sub["end"].to_numpy(np.int64), sub["low"].to_numpy(),
                                         q, sub["start"].to_numpy(np.int64))
            ceiling, _ = prefix_max_before(q, -sub["start"].to_numpy(np.int64),
                                           -sub["high"].to_numpy(), q, -sub["end"].to_numpy(np.int64))
            slots.loc[cumulative, "low"] = np.maximum(sub["low"].to_numpy(), floor)
            slots.loc[cumulative, "high"] = np.minimum(sub["high"].to_numpy(), -ceiling)
        members = frame.groupby("slot")["row"].agg(list)
        out = []
        for key, slot in slots.iterrows():
            out.append(self._range_row(self.table.at[members[key][0], "quantity"],
                                       (int(slot["start"]), int(slot["end"])),
                                       float(slot["low"]), float(slot["high"]), members[key]))
        return out

    # ----------------------------------------------------------------- linked groups
    def _linked(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for group in np.flatnonzero(self.linked):
            out += self._solve_group(int(group))
        return out

    def _solve_group(self, group: int) -> list[dict[str, Any]]:
        t = self.table
        names = [n for n, i in self.names.items() if self.component[i] == group]
        times = np.flatnonzero(self.times["group"].to_numpy() == group)
        variables: dict[tuple[str, int], int] = {}

        def var(name: str, time: int) -> int:
            return variables.setdefault(self._slot(name, time), len(variables))

        for name in names:
            for time in times:
                var(name, int(time))
        if not variables:
            return []
        system = System(len(variables))
        rows = np.flatnonzero((self.group == group) & self.valid & ~self.excluded)
        for row in rows:
            self._claim_rows(system, int(row), var, group)
        relation_rows: set[tuple[Any, ...]] = set()
        for relation in self.relations:
            if self.component[self.names[relation.names[0]]] != group:
                continue
            form, op = relation.normal()
            for time in times:
                coefficients = _coefficients(form, lambda n, tm=int(time): var(n, tm))
                key = (tuple(sorted(coefficients.items())), op)
                if key in relation_rows:
                    continue
                relation_rows.add(key)
                system.add(coefficients, -math.inf if op == "<=" else -float(form.constant),
                           -float(form.constant), -1)
        for name in names:
            if self.kind_of.get(name, "level") != "cumulative":
                continue
            order = sorted(times, key=lambda tm: (self.times.at[tm, "start"], self.times.at[tm, "end"]))
            for i, a in enumerate(order):
                for b in order[i + 1:]:
                    if self.times.at[a, "end"] <= self.times.at[b, "start"]:
                        system.add({var(name, int(a)): -1.0, var(name, int(b)): 1.0}, 0, math.inf, -1)
        active: list[int] = [int(row) for row in rows]
        weight = t["weight"].to_numpy()
        while not system.feasible(active):
            removal: list[int] = sorted(active, key=lambda k: (float(weight[k]), -int(self.rank[k])))
            conflict = system.minimal_conflict(active, removal)
            if not conflict:
                break
            loser = min(conflict, key=lambda k: (float(weight[k]), -int(self.rank[k])))
            self._found(self._reason(conflict), conflict, system.violation(conflict), group)
            self.excluded[loser] = True
            active.remove(loser)
        low, high = system.ranges(active)
        direct: dict[tuple[str, int], list[int]] = {}
        for k in active:
            if t.at[k, "measure"] == "value" and not t.at[k, "expression"]:
                direct.setdefault(self._slot(t.at[k, "quantity"], int(self.time_of[k])), []).append(k)
        out = []
        for (name, slot), index in variables.items():
            members = direct.get((name, slot), [])
            if not members and not (math.isfinite(high[index]) or low[index] > 0):
                continue
            if slot < 0:
                span = self._slot_hull(np.flatnonzero((self.times["group"] == group).to_numpy()
                                                      & (self.times["cluster"] == -1 - slot).to_numpy()))
            else:
                span = self._slot_hull([slot])
            out.append(self._range_row(name, span, float(low[index]), float(high[index]), members))
        return out

    def _claim_rows(self, system: System, k: int, var: Any, group: int) -> None:
        t = self.table
        low, high = float(t.at[k, "low"]), float(t.at[k, "high"])
        measure = t.at[k, "measure"]
        if measure == "value":
            time = int(self.time_of[k])
            if k in self.expressions:
                expression = self.expressions[k]
                if isinstance(expression, Ratio):
                    numerator = _coefficients(expression.numerator, lambda n: var(n, time))
                    denominator = _coefficients(expression.denominator, lambda n: var(n, time))
                    shift = float(expression.numerator.constant)
                    for bound, lo, hi in ((low, 0.0, math.inf), (high, -math.inf, 0.0)):
                        if math.isfinite(bound):
                            row = dict(numerator)
                            for i, c in denominator.items():
                                row[i] = row.get(i, 0.0) - bound * c
                            constant = shift - bound * float(expression.denominator.constant)
                            system.add(row, lo - constant, hi - constant, k)
                    return
                coefficients = _coefficients(expression, lambda n: var(n, time))
                constant = float(expression.constant)
                system.add(coefficients, low - constant, high - constant, k)
                return
            system.add({var(t.at[k, "quantity"], time): 1.0}, low, high, k)
            return
        first = self.time_index[(group, int(t.at[k, "period_start"]), int(t.at[k, "period_start"]))]
        last = self.time_index[(group, int(t.at[k, "period_end"]), int(t.at[k, "period_end"]))]
        if measure == "rate":
            days = int(t.at[k, "period_end"]) - int(t.at[k, "period_start"])
            total = IntervalArray._raw(np.array([low]), np.array([high])) * days
            low, high = float(total.low[0]), float(total.high[0])
        name = t.at[k, "quantity"]
        system.add({var(name, last): 1.0, var(name, first): -1.0}, low, high, k)

    def _reason(self, conflict: list[int]) -> Reason:
        t = self.table.loc[conflict]
        if t["expression"].any() or t["quantity"].nunique() > 1:
            return Reason.RELATION
        if (t["measure"] != "value").any():
            return Reason.RATE_VS_TOTALS
        if (t["kind"] == "cumulative").all():
            return Reason.FALLING_TOTAL
        return Reason.DISJOINT

    # ----------------------------------------------------------------- output
    def _found(self, reason: Reason, rows: list[int], gap: float, group: int = -1) -> None:
        self.found.append({"reason": reason, "rows": [int(r) for r in rows], "gap": float(gap),
                           "group": group})

    def _range_row(self, name: str, span: tuple[int, int], low: float, high: float,
                   members: list[int]) -> dict[str, Any]:
        t = self.table
        low = max(low, 0.0)
        ids = tuple(sorted(t.loc[members, "id"]))
        sources = tuple(sorted(set(t.loc[members, "source"])))
        return {"quantity": name, "as_of": format_span(*span), "low": low, "high": high,
                "best": _best(t.loc[members], low, high), "unit": self.unit_of.get(name, ""),
                "kind": self.kind_of.get(name, "level"), "claims": ids, "sources": sources,
                "derived": not members, "_start": span[0]}

    def _describe(self, k: int) -> str:
        t = self.table
        written = t.at[k, "value"] or _interval_text(float(t.at[k, "low"]), float(t.at[k, "high"]))
        who = t.at[k, "claimant"] or t.at[k, "outlet"] or f"claim {t.at[k, 'id']}"
        when = t.at[k, "as_of"] or f"published {t.at[k, 'published']}"
        if t.at[k, "measure"] != "value":
            period = t.at[k, "period"] or format_period(t.at[k, "period_start"], t.at[k, "period_end"])
            when = f"{when}, over {period}"
        return f"{written} ({who}, {when})"

    def _explain(self, reason: Reason, rows: list[int], group: int) -> str:
        t = self.table
        quantity = t.at[rows[0], "quantity"]
        described = [self._describe(k) for k in rows]
        listing = " and ".join(described) if len(described) == 2 else \
            ", ".join(described[:-1]) + " and " + described[-1]
        if reason is Reason.DISJOINT:
            within = f"within {self.window} days" if t.at[rows[0], "kind"] == "level" else "at the same time"
            return f"{listing} cannot both hold for {quantity} {within}"
        if reason is Reason.FALLING_TOTAL:
            return (f"{described[-1]} is below {described[0]}, but {quantity} is a running total "
                    "and cannot fall")
        if reason is Reason.RATE_VS_TOTALS:
            return (f"{listing} cannot all hold for {quantity}: the increase over a period must "
                    "equal the rate times its length and match the totals at its ends")
        names = set()
        for k in rows:
            names |= set(self.expressions[k].names) if k in self.expressions else {t.at[k, "quantity"]}
        used = [str(r) for r in self.relations if set(r.names) & names]
        rules = "; ".join(used) if used else "the expression claims"
        return f"{listing} cannot all hold together with {rules}"

    def run(self) -> Reconciliation:
        self._groups()
        self._times()
        self._same_quantity()
        self._falling_totals()
        ranges = self._plain_ranges() + self._linked()
        return Reconciliation(self._ranges(ranges), *self._contradictions_and_claims(),
                              changes=self._changes(ranges))

    def _ranges(self, ranges: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(ranges, columns=[*RANGE_COLUMNS, "_start"])
        frame = frame.sort_values(["quantity", "_start", "as_of"], kind="stable")
        return frame[list(RANGE_COLUMNS)].reset_index(drop=True)

    def _contradictions_and_claims(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        t = self.table
        records = []
        seen: set[tuple[str, ...]] = set()
        for item in self.found:
            ids = tuple(t.loc[item["rows"], "id"])
            if tuple(sorted(ids)) in seen:
                continue
            seen.add(tuple(sorted(ids)))
            rows = item["rows"]
            records.append({"reason": item["reason"].value, "quantity": t.at[rows[0], "quantity"],
                            "claims": ids, "explanation": self._explain(item["reason"], rows, item["group"]),
                            "gap": item["gap"], "unit": t.at[rows[0], "unit"],
                            "_key": (t.at[rows[0], "quantity"], tuple(sorted(ids)))})
        records.sort(key=lambda r: r["_key"])
        for number, record in enumerate(records, start=1):
            record["id"] = f"C{number}"
        contradictions = pd.DataFrame(records, columns=[*CONTRADICTION_COLUMNS])
        member: dict[str, list[str]] = {}
        for record in records:
            for claim in record["claims"]:
                member.setdefault(claim, []).append(record["id"])
        status = np.where(~self.valid, "invalid", np.where(self.excluded, "excluded", "kept"))
        claims = pd.DataFrame({
            "id": t["id"], "line": t["line"], "quantity": t["quantity"],
            "as_of": t["as_of"].where(t["as_of"] != "", t["published"]), "value": t["value"],
            "low": t["low"], "high": t["high"], "unit": t["unit"], "weight": t["weight"],
            "source": t["source"], "status": status,
            "contradictions": [tuple(member.get(i, ())) for i in t["id"]],
            "problem": t["problem"]})
        return contradictions, claims[list(CLAIM_STATUS_COLUMNS)]

    def _changes(self, ranges: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(ranges, columns=[*RANGE_COLUMNS, "_start"])
        frame = frame[frame["kind"] == "level"].sort_values(["quantity", "_start"], kind="stable")
        out = []
        previous: dict[str, Any] | None = None
        for row in frame.to_dict("records"):
            if previous is not None and previous["quantity"] == row["quantity"] and (
                    row["low"] > previous["high"] or row["high"] < previous["low"]):
                a = IntervalArray._raw(np.array([previous["low"]]), np.array([previous["high"]]))
                b = IntervalArray._raw(np.array([row["low"]]), np.array([row["high"]]))
                days = max(int(row["_start"]) - int(previous["_start"]), 1)
                rate = (b - a) / days
                out.append({"quantity": row["quantity"], "from_as_of": previous["as_of"],
                            "to_as_of": row["as_of"], "from_low": previous["low"],
                            "from_high": previous["high"], "to_low": row["low"],
                            "to_high": row["high"], "days": days, "rate_low": float(rate.low[0]),
                            "rate_high": float(rate.high[0]), "unit": f"{row['unit']} / day"})
            previous = row
        return pd.DataFrame(out, columns=list(CHANGE_COLUMNS))


def _coefficients(form: Linear, var: Any) -> dict[int, float]:
    out: dict[int, float] = {}
    for name, coefficient in form.terms:
        index = var(name)
        out[index] = out.get(index, 0.0) + float(coefficient)
    return out


def _interval_text(low: float, high: float) -> str:
    if math.isinf(high):
        return f"at least {low:,.6g}"
    if math.isinf(low):
        return f"at most {high:,.6g}"
    return f"{low:,.6g} to {high:,.6g}"


def _best(members: pd.DataFrame, low: float, high: float) -> float:
    """The documented best point: weighted median of the claims' points, clipped into the range."""
    if len(members):
        lo, hi = members["low"].to_numpy(np.float64), members["high"].to_numpy(np.float64)
        given = members["best"].to_numpy(np.float64)
        middle = np.where(np.isfinite(lo) & np.isfinite(hi), lo / 2 + hi / 2,
                          np.where(np.isfinite(lo), lo, hi))
        point = np.where(np.isnan(given), middle, given)
        weight = members["weight"].to_numpy(np.float64)
        usable = np.isfinite(point)
        if usable.any():
            order = np.argsort(point[usable], kind="stable")
            p, w = point[usable][order], weight[usable][order]
            median = p[int(np.searchsorted(np.cumsum(w), w.sum() / 2))]
            return float(min(max(median, low), high))
    if math.isfinite(low) and math.isfinite(high):
        return low / 2 + high / 2
    return low if math.isfinite(low) else high

