"""The conflicts stage: the contradictions table, and each claim's status and why.

Every conflict the stages found (pairs in bulk, then those found one at a time) is listed
once, the first found of each set of claims, sorted by quantity and ids, with its reason
code and sentence (`reasons`: the sentence of each reason, its arithmetic and shortfall;
a tie adds that the weights could not decide). Relations that cannot hold whatever the
claims come last. Each claim's status is ``invalid``, ``superseded``, ``disputed``,
``excluded`` or ``kept``, with the contradictions it is in and why it is not kept.

>>> import pandas as pd
>>> from estimates.reconcile import reconcile
>>> frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x"] * 3,
...                       "low": ["10", "12", "50"], "high": ["20", "30", "60"],
...                       "as_of": ["2024-10-01", "2024-10-02", "2024-10-03"]})
>>> reconcile(frame).claims["why"].tolist()
['', '', 'excluded in C1, lighter than a']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.claims import as_categorical
from estimates.reconcile.columns import (
    _and,
    _arrow_text,
    _coded,
    _distinct,
    _id_lists,
    _interval_text,
    _rate_units,
    _strings,
    _text_at,
)
from estimates.reconcile.findings import REASON_CODES, Findings
from estimates.reconcile.reasons import UNDECIDED, Reason, fill, interval_words, number_words
from estimates.reconcile.result import CONTRADICTION_COLUMNS
from estimates.reconcile.sorting import _code_starts, _ranks
from estimates.reconcile.table import Table
from estimates.timeline import as_dates, format_period

__all__ = ["contradictions_and_claims"]

_STATUSES = ["disputed", "excluded", "invalid", "kept", "superseded"]


def _conflicts(t: Table, m: Findings) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64],
                              NDArray[np.float64], NDArray[np.object_]]:
    """Every distinct conflict (the first found of each set of claims), sorted by quantity and
    ids: (reason codes, member rows, bounds of each conflict's members, gaps, rules)."""
    pairs = [np.concatenate(part) for part in zip(*m.pairs, strict=True)] if m.pairs \
        else [np.zeros(0, dtype=np.int64)] * 3 + [np.zeros(0)]
    found = m.found
    reason = np.r_[pairs[0], [REASON_CODES.index(r) for r, _, _, _ in found]].astype(np.int64)
    sizes = np.r_[np.full(pairs[1].size, 2), [len(rows) for _, rows, _, _ in found]].astype(np.int64)
    member = np.r_[np.column_stack(pairs[1:3]).ravel(),
                   [k for _, rows, _, _ in found for k in rows]].astype(np.int64)
    gap = np.r_[pairs[3], [g for _, _, g, _ in found]].astype(np.float64)
    rules = np.empty(reason.size, dtype=object)
    rules.fill(())
    rules[pairs[1].size:] = [numbers for _, _, _, numbers in found]
    bounds = np.r_[0, np.cumsum(sizes)]
    # key: the ranks of the conflict's ids, ascending, then -1s (a shorter tuple sorts first)
    rank = _ranks(t.ids_at(member))
    conflict = np.repeat(np.arange(reason.size), sizes)
    width = int(sizes.max(initial=0))
    key = np.full((reason.size, width), np.iinfo(np.int64).max)
    key[conflict, np.arange(member.size) - bounds[conflict]] = rank
    key.sort(axis=1)
    key[key == np.iinfo(np.int64).max] = -1
    first = ~pd.DataFrame(key).duplicated().to_numpy()
    quantity = _ranks(t.names_at(member[bounds[:-1]]))
    order = np.flatnonzero(first)
    order = order[np.lexsort([*key[order].T[::-1], quantity[order]])]
    sizes = sizes[order]
    new_bounds = np.r_[0, np.cumsum(sizes)]
    take = np.repeat(bounds[order] - new_bounds[:-1], sizes) + np.arange(new_bounds[-1])
    return reason[order], member[take], new_bounds, gap[order], rules[order]


def contradictions_and_claims(t: Table, m: Findings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contradictions table and the claims table with each claim's status and why."""
    frame = t.frame
    reason, member, bounds, gap, rules = _conflicts(t, m)
    first = member[bounds[:-1]]
    names: NDArray[np.object_] = np.strings.add("C", np.arange(1, reason.size + 1).astype(str)
                                                ).astype(object)
    columns = {
        "id": _strings(names),
        "reason": _strings(np.array([r.value for r in REASON_CODES], dtype=object)[reason]),
        "quantity": _strings(t.names_at(first)),
        "claims": _id_lists(t.ids, bounds, rows=member),
        "explanation": _strings(_explain(t, m, reason, member, bounds, rules, gap)),
        "gap": gap, "unit": _strings(_text_at(frame["unit"], first))}
    if reason.size == 0:  # the dtypes of an empty table, as they have always been
        columns.update({k: [] for k in ("id", "reason", "quantity", "explanation", "unit")})
    contradictions = pd.DataFrame(columns, columns=list(CONTRADICTION_COLUMNS))
    if m.broken:
        contradictions = _broken_relations(t, m, contradictions)
    # the contradictions of each claim, in order
    conflict = np.repeat(np.arange(reason.size), np.diff(bounds))
    by_row = np.argsort(member, kind="stable")
    within = _id_lists(_arrow_text(names[conflict[by_row]]),
                       _code_starts(member[by_row], t.n))
    status = pd.Categorical.from_codes(  # in text order, as `read_claims` makes categories
        np.select([t.invalid, t.superseded_by >= 0, m.disputed, m.excluded],
                  [2, 4, 0, 1], 3).astype(np.int8), _STATUSES)
    superseded = np.flatnonzero(t.superseded_by >= 0)
    recode, distinct = pd.factorize(t.ids_at(t.superseded_by[superseded]), sort=True)
    later_codes = np.full(t.n, -1, dtype=np.int64)
    later_codes[superseded] = recode
    later = pd.Categorical.from_codes(later_codes, validate=False, dtype=pd.CategoricalDtype(
        pd.Index(np.asarray(distinct, dtype=object), dtype=object)))
    codes, texts = _coded(frame["as_of"])
    published, dates = _coded(frame["published"])
    from_published = (texts == "")[codes] & (dates != "")[published]
    codes = np.where((texts == "")[codes], published + texts.size, codes)
    as_of = as_categorical(codes, np.r_[texts, dates])
    codes, texts = _coded(frame["period"])
    unwritten = np.flatnonzero((texts == "")[codes] & ~t.is_value & t.valid)
    formatted, periods = _distinct(format_period, t.pstart[unwritten], t.pend[unwritten])
    codes[unwritten] = formatted + texts.size
    period = as_categorical(codes, np.r_[texts, periods])
    claims = pd.DataFrame({
        "id": frame["id"], "line": frame["line"], "quantity": frame["quantity"],
        "claimant": frame["claimant"],
        "as_of": as_of, "as_of_start": as_dates(t.start), "as_of_end": as_dates(t.end),
        "as_of_from_published": from_published,
        "measure": frame["measure"], "period": period, "value": frame["value"],
        "low": frame["low"], "high": frame["high"], "low_open": frame["low_open"].to_numpy(bool),
        "high_open": frame["high_open"].to_numpy(bool), "best": frame["best"],
        "unit": _rate_units(frame["unit"], t.is_rate), "weight": frame["weight"],
        "source": frame["source"], "status": status,
        "superseded_by": later, "contradictions": within, "problem": t.problem,
        "why": _strings(_why(t, m, names, member, bounds))}, copy=False)
    return contradictions, claims


def _broken_relations(t: Table, m: Findings, contradictions: pd.DataFrame) -> pd.DataFrame:
    """The contradictions of relations that cannot hold whatever the claims, after those
    of claims: no claims, the relations with their lines."""
    found = list(dict.fromkeys(m.broken))
    first = len(contradictions) + 1
    names = [", ".join(sorted({n for r in rules for n in t.relations[r].names}))
             for rules in found]
    listed = np.array(["; ".join(t.relation_text(r, True) for r in rules) for rules in found],
                      dtype=object)
    extra = pd.DataFrame({
        "id": _strings(np.array([f"C{first + k}" for k in range(len(found))], dtype=object)),
        "reason": _strings(np.full(len(found), str(Reason.RELATIONS), dtype=object)),
        "quantity": _strings(np.array(names, dtype=object)),
        "claims": _id_lists(_arrow_text(np.zeros(0, dtype=object)),
                            np.zeros(len(found) + 1, dtype=np.int64)),
        "explanation": _strings(fill(Reason.RELATIONS.sentence, {"relations": listed})),
        "gap": np.full(len(found), np.nan),
        "unit": _strings(np.full(len(found), "", dtype=object))},
        columns=list(CONTRADICTION_COLUMNS))
    return extra if contradictions.empty else pd.concat([contradictions, extra], ignore_index=True)


def _why(t: Table, m: Findings, names: NDArray[np.object_], member: NDArray[np.int64],
         bounds: NDArray[np.int64]) -> NDArray[np.object_]:
    """Why each claim is not kept ("" for a kept one): invalid (its problem), superseded
    (by which reading), excluded (in which contradiction, lighter than which claims) or
    disputed (tied with which claims, in which contradiction). The loop is over the
    members of contradictions, which are few."""
    why = np.full(t.n, "", dtype=object)
    problem = np.asarray(t.problem, dtype=object)
    invalid = np.flatnonzero(t.invalid)
    why[invalid] = "invalid"
    stated = invalid[pd.notna(problem[invalid])]
    why[stated] = "invalid: " + problem[stated]
    superseded = np.flatnonzero((t.superseded_by >= 0) & ~t.invalid)
    why[superseded] = "superseded by " + t.ids_at(t.superseded_by[superseded]) \
        + ", a later reading of its source"
    ids = t.ids_at(member)
    kept = ~(m.excluded | m.disputed | t.invalid | (t.superseded_by >= 0))
    sizes = np.diff(bounds)
    conflict = np.repeat(np.arange(sizes.size), sizes)
    # each member's part: "in C1, lighter than b" / "in C1, tied with b" / "in C1"
    mates = np.full(member.size, "", dtype=object)
    pair = sizes[conflict] == 2
    other = np.where(np.arange(member.size) == bounds[conflict], 1, -1) + np.arange(member.size)
    other = np.where(pair, other, 0)
    excluded = m.excluded[member] & ~m.disputed[member]
    disputed = m.disputed[member]
    mate = member[other]
    lighter = pair & excluded & kept[mate]
    mates[lighter] = ", lighter than " + ids[other[lighter]]
    tied = pair & disputed & m.disputed[mate]
    mates[tied] = ", tied with " + ids[other[tied]]
    for i in np.flatnonzero(sizes > 2).tolist():  # few: a loop
        rows = member[bounds[i]:bounds[i + 1]].tolist()
        texts = ids[bounds[i]:bounds[i + 1]].tolist()
        for j, (k, own) in enumerate(zip(rows, texts, strict=True)):
            keep = kept if not m.disputed[k] else m.disputed
            others = [t for r, t in zip(rows, texts, strict=True) if keep[r] and t != own]
            if others and (m.excluded[k] or m.disputed[k]):
                word = "tied with" if m.disputed[k] else "lighter than"
                mates[bounds[i] + j] = f", {word} {_and(others)}"
    part = np.flatnonzero((excluded | disputed) & (why[member] == ""))
    if part.size:
        order = part[np.argsort(member[part], kind="stable")]
        rows = member[order]
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        separator = np.full(order.size, "; ", dtype=object)
        separator[starts] = np.where(m.disputed[rows[starts]], "disputed ", "excluded ")
        joined = np.add.reduceat(separator + "in " + names[conflict[order]] + mates[order],
                                 starts)
        why[rows[starts]] = joined
    alone = np.flatnonzero((m.excluded | m.disputed) & (why == ""))
    why[alone] = np.where(m.disputed[alone], "disputed", "excluded")
    return why


def _explain(t: Table, m: Findings, reason: NDArray[np.int64], member: NDArray[np.int64],
             bounds: NDArray[np.int64], rules: NDArray[np.object_],
             gap: NDArray[np.float64]) -> NDArray[np.object_]:
    """The sentence of each conflict, with its arithmetic and `gap`; conflict i is of
    claims ``member[bounds[i]:bounds[i+1]]``."""
    size = reason.size
    if size == 0:
        return np.zeros(0, dtype=object)
    codes, rows = pd.factorize(member)
    texts = _describe(t, rows)[codes]
    first, last = bounds[:-1], bounds[1:] - 1
    # "a and b", "a, b and c"
    separator = np.full(member.size, ", ", dtype=object)
    separator[first] = ""
    separator[last] = " and "
    listing = np.add.reduceat(separator + texts, first)
    quantity = t.names_at(member[first])
    # how each conflict's arithmetic is written (`Reason.working`)
    working_of = np.array([r.working for r in REASON_CODES], dtype=object)[reason]
    within = np.where(~t.is_value[member[first]], "over the same period",
                      np.where(t.cumulative[member[first]], "at the same time",
                               f"within {t.window} day{'' if t.window == 1 else 's'}")).astype(object)
    relations = np.array(["; ".join(t.relation_text(r, how == "") for r in numbers) if numbers else ""
                          for how, numbers in zip(working_of.tolist(), rules, strict=True)],
                         dtype=object)
    with_rules = np.where(relations != "", " with " + relations, "").astype(object)
    # the arithmetic: each claim's interval (of its quantity where relations link several)
    linked = np.repeat(working_of == "named", np.diff(bounds))
    plain, named = _workings(t, rows)
    separator[:] = "; "
    separator[first] = ": "
    working = np.add.reduceat(separator + np.where(linked, named[codes], plain[codes]), first)
    for i in np.flatnonzero(working_of == "named").tolist():
        chain = _through_order(t, member[bounds[i]:bounds[i + 1]], rules[i])
        if chain:
            working[i] = chain
    unit = _text_at(t.frame["unit"], member[first])
    known = np.isfinite(gap) & (gap > 0)
    gaps = np.full(size, "", dtype=object)
    gap_codes, gap_texts = _distinct(lambda g, u: f"{number_words(g)} {u}", gap[known],
                                     unit[known])
    gaps[known] = gap_texts[gap_codes]
    out = np.empty(size, dtype=object)
    for code in np.unique(reason).tolist():
        which = reason == code
        rule = REASON_CODES[code]
        fields = {"claims": listing[which], "first": texts[first[which]],
                  "last": texts[last[which]], "quantity": quantity[which],
                  "when": within[which],
                  "relations": (relations if rule.working == "" else with_rules)[which]}
        out[which] = fill(rule.sentence, fields)
        if rule.working == "":
            continue
        out[which] = out[which] + working[which]
        short = which & known
        if rule.shortfall and short.any():
            out[short] = out[short] + fill(rule.shortfall, {"gap": gaps[short]})
    if m.tied:
        pairs = np.array([tie for tie in m.tied if len(tie) == 2], dtype=np.int64).reshape(-1, 2)
        two = np.flatnonzero(np.diff(bounds) == 2)
        low, high = member[bounds[two]], member[bounds[two] + 1]
        key = np.minimum(low, high) * t.n + np.maximum(low, high)
        undecided = two[np.isin(key, pairs[:, 0] * t.n + pairs[:, 1])]
        larger = [tie for tie in m.tied if len(tie) != 2]
        if larger:
            many = np.flatnonzero(np.diff(bounds) > 2)
            undecided = np.r_[undecided, [i for i in many.tolist() if tuple(sorted(
                member[bounds[i]:bounds[i + 1]].tolist())) in m.tied]].astype(np.int64)
        out[undecided] = out[undecided] + UNDECIDED
    return out


def _describe(t: Table, rows: NDArray[np.int64]) -> NDArray[np.object_]:
    """Each claim as an explanation names it: ``over 10,000 (Sakhuja, 2024-10-27)``."""
    frame = t.frame

    def column(name: str) -> NDArray[np.object_]:
        return _text_at(frame[name], rows)

    written = column("value")
    blank = np.flatnonzero(written == "")
    codes, texts = _distinct(_interval_text, t.low[rows[blank]], t.high[rows[blank]])
    written[blank] = texts[codes]
    who, outlet = column("claimant"), column("outlet")
    fill = np.flatnonzero(who == "")  # the outlet, else the id
    who[fill] = np.where(outlet[fill] != "", outlet[fill], "claim " + t.ids_at(rows[fill]))
    when = column("as_of")
    fill = np.flatnonzero(when == "")
    when[fill] = "published " + _text_at(frame["published"], rows[fill])
    over = np.flatnonzero(column("measure") != "value")
    period = column("period")[over]
    unwritten = np.flatnonzero(period == "")
    codes, texts = _distinct(format_period, t.pstart[rows[over[unwritten]]],
                             t.pend[rows[over[unwritten]]])
    period[unwritten] = texts[codes]
    when[over] = when[over] + ", over " + period
    return written + " (" + who + ", " + when + ")"


def _workings(t: Table, rows: NDArray[np.int64]) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
    """What each claim of `rows` (few: the members of conflicts) allows, in its unit:
    ``712,610 is exactly 712,610 person``; a rate with the increase over its period; and
    the same with the quantity named (``... person of dprk.troops.kursk``)."""
    frame = t.frame
    written = _text_at(frame["value"], rows)
    unit = " " + _text_at(frame["unit"], rows)
    low, high = t.low[rows], t.high[rows]
    codes, texts = _distinct(interval_words, low, high)
    text = np.where(written != "", written + " is ", "").astype(object) + texts[codes]
    for i in np.flatnonzero(t.is_rate[rows]).tolist():  # few: a loop
        k = int(rows[i])
        days = float(t.pend[k] - t.pstart[k])
        text[i] += (f"{unit[i]} / day, so over {number_words(days)} day{'' if days == 1 else 's'} "
                    f"{interval_words(low[i] * days, high[i] * days)}")
    plain = text + unit
    named = plain + " of " + t.names_at(rows)
    return plain, named


def _through_order(t: Table, rows: NDArray[np.int64], numbers: tuple[int, ...]) -> str:
    """For two claims linked only by relations ``x <= y`` (a chain of them): what the
    smaller side's claim needs of the larger side, and what the larger side's allows
    (``: Eleven thousand of dprk.troops.kursk needs at least 10,500 of
    dprk.troops.dispatched; at most 10,000 of dprk.troops.dispatched allows at most
    10,000``); "" for other conflicts (their claims' intervals are stated instead)."""
    if rows.size != 2 or not numbers or not t.is_value[rows].all() \
            or t.expression[rows].any():
        return ""
    above: dict[str, set[str]] = {}
    for number in numbers:
        form, op = t.relations[number].normal()
        terms = dict(form.terms)
        if op != "<=" or form.constant != 0 or len(terms) != 2 \
                or sorted(terms.values()) != [-1, 1]:
            return ""
        small, large = sorted(terms, key=lambda name: -terms[name])
        above.setdefault(small, set()).add(large)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = {start}, [start]
        while todo:
            for name in above.get(todo.pop(), ()):
                if name == goal:
                    return True
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
        return False

    a, b = rows.tolist()
    names = t.names_at(rows).tolist()
    if not reaches(names[0], names[1]):
        if not reaches(names[1], names[0]):
            return ""
        a, b = b, a
        names.reverse()
    written = _text_at(t.frame["value"], np.array([a, b], dtype=np.int64))
    unit = _text_at(t.frame["unit"], np.array([a], dtype=np.int64))[0]
    said = [w or interval_words(float(t.low[k]), float(t.high[k]))
            for w, k in zip(written.tolist(), (a, b), strict=True)]
    return (f": {said[0]} of {names[0]} is {interval_words(t.low[a], t.high[a])} "
            f"{unit}, so it needs at least {number_words(t.low[a])} of {names[1]}; "
            f"{said[1]} of {names[1]} allows at most {number_words(t.high[b])}")
