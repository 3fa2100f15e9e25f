"""Draft claims from an article's text: every numeric claim with its hedge, unit, sentence,
dates and claimant, and every other number mention with the reason it was left out.

`read_article` returns an `Extraction`: ``draft``, a claims table in the project's CSV
schema (`DRAFT_COLUMNS`) that `estimates validate` accepts and `estimates reconcile` runs
on as it stands, and ``rejected``, the number mentions not drafted (`REJECTED_COLUMNS`)
with a reason code of `REASONS`. `extract` returns the draft alone. The rules are
documented in docs/extract.md; in short:

- ``value`` is the span the parser reads (hedge, number, counted noun, rate words), exactly
  as written; ``unit`` as read; ``quote`` the sentence; ``document`` the file name.
- ``as_of``/``period`` from the sentence's dates ("between A and B", "since A", "as of A",
  "in October 2024", "last year", "on Wednesday"); a rate dated by a month or year is the
  average over it. Else the publication date, noted.
- ``claimant`` from "according to X" or "X said/told/estimated ..."; else the author, noted.
- ``quantity`` is a suggestion (modifiers.noun, "north_korean.soldiers") to rename;
  ``kind`` is cumulative for totals ("since", "so far", a period, a rate, losses), else level.
- ``confidence`` holds estimative words of the sentence ("highly likely").

>>> draft = extract("Officials said on Monday that at least 12 soldiers were killed.",
...                 published="2024-05-08", author="A. Writer")
>>> draft.loc[0, ["value", "as_of", "claimant"]].tolist()
['at least 12 soldiers', '2024-05-06', 'Officials']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from estimates.errors import UsageError
from estimates.extract.claimants import claimant_cue, pronoun_cue
from estimates.extract.dates import DateCue, date_cues, day_span
from estimates.extract.mentions import NOTES, REASONS, Mention, has_number, read_mentions
from estimates.extract.sentences import Sentence, split_sentences
from estimates.lexicon import Lexicon


def _word_set(text: str) -> frozenset[str]:
    """The words of `text`, as a set (lists of words read best as text)."""
    return frozenset(text.split())


__all__ = ["DRAFT_COLUMNS", "NOTES", "REASONS", "REJECTED_COLUMNS", "Extraction", "draft_table",
           "extract", "read_article", "rejected_table", "settle_drafts"]

#: Columns of the draft, in the order of the claims CSV schema.
DRAFT_COLUMNS = ("id", "quantity", "value", "unit", "low", "high", "best", "as_of", "period",
                 "kind", "claimant", "outlet", "published", "document", "quote", "confidence",
                 "grade", "note")
#: Columns of the rejected mentions: where, what, and why.
REJECTED_COLUMNS = ("document", "line", "column", "text", "reason", "detail", "sentence")

#: a line with no closing punctuation and fewer words is page furniture, not a headline
_SHORTEST_HEADLINE = 4
_CLAUSE_BREAK = re.compile(r",\s|;|\s[—–]\s|—")
_CUMULATIVE = re.compile(r"\b(?:since|so far|to date|thus far|in total|total|overall|altogether|"
                         r"cumulative|already|running total)\b", re.IGNORECASE)
_LOSSES = _word_set("""
killed wounded injured dead deaths casualties losses fatalities lost captured missing displaced
""")
_MONTH_ANAPHOR = re.compile(r"\b(?:during|in|over|for|throughout|that|the same|the)\s+"
                            r"(?:that\s+|the\s+)?month\b", re.IGNORECASE)
_ESTIMATIVE = re.compile(r"\b(?:almost certain(?:ly)?|highly likely|very likely|highly unlikely|"
                         r"very unlikely|realistic possibility|remote chance|likely|unlikely|"
                         r"probably|probable|roughly even chance)\b", re.IGNORECASE)
_DATELINE = re.compile(r"\b(?:[Pp]ublished|[Uu]pdated|[Pp]osted)\b")


@dataclass(frozen=True)
class Extraction:
    """What `read_article` found: the draft claims and the mentions left out.

    The rows are kept as records; the tables are built on first use, so that a caller
    drafting many articles can join the records of all and build one table.
    """

    #: draft claims, one dict per row with the keys `DRAFT_COLUMNS` (text; "" when empty)
    draft_rows: tuple[dict[str, str], ...]
    #: number mentions not drafted, one dict per row with the keys `REJECTED_COLUMNS`
    rejected_rows: tuple[dict[str, object], ...]

    @cached_property
    def draft(self) -> pd.DataFrame:
        """The draft claims as a table with columns `DRAFT_COLUMNS`."""
        return draft_table(self.draft_rows)

    @cached_property
    def rejected(self) -> pd.DataFrame:
        """The mentions left out as a table with columns `REJECTED_COLUMNS`."""
        return rejected_table(self.rejected_rows)


def draft_table(rows: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """Draft rows (of one or many articles) as one table with columns `DRAFT_COLUMNS`."""
    return pd.DataFrame({c: [row[c] for row in rows] for c in DRAFT_COLUMNS}, dtype=object)


def rejected_table(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Rejected mentions (of one or many articles) as one table with `REJECTED_COLUMNS`."""
    return pd.DataFrame({c: [row[c] for row in rows] for c in REJECTED_COLUMNS})


def _date(value: str | dt.date | None, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _dateline(sentences: list[Sentence]) -> dt.date | None:
    """A publication date written on a line of its own (a dateline), if the text has one."""
    lines = [s for s in sentences if s.headline]
    marked = [s for s in lines if _DATELINE.search(s.text)]
    for sentence in marked + lines[:15]:
        for cue in date_cues(sentence.text, None):
            if len(cue.as_of) == 10:
                return dt.date.fromisoformat(cue.as_of)
    return None


def _slug(words: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", words.lower().replace("’", "").replace("'", "")))


def _quantity(mention: Mention) -> str:
    modifiers, noun = mention.noun
    ratio = mention.reading is not None and mention.reading.kind == "ratio"
    parts = ["share" if ratio else "", _slug(modifiers), _slug(noun) or ("" if ratio else "figure")]
    name = ".".join(p for p in parts if p)
    name = re.sub(r"_+", "_", name)
    return name if re.match(r"[A-Za-z_]", name) else f"n{name}"


def _chosen_cue(cues: list[DateCue], mention: Mention, sentence: str,
                ) -> tuple[DateCue | None, bool]:
    """The date cue of the sentence that dates `mention`: strongest role, then nearest.

    A cue dates the mention when it is in the same clause (no ", " or ";" between them),
    or in the sentence's opening clause ("As of March 2025, ... over 5,000"). Also says
    whether the cue chosen is in the mention's own clause.
    """
    opening = _CLAUSE_BREAK.search(sentence)
    opening_end = opening.start() if opening else len(sentence)

    def same_clause(cue: DateCue) -> bool:
        low, high = sorted((cue.start, mention.start))
        return _CLAUSE_BREAK.search(sentence, low, high) is None

    def reaches(cue: DateCue) -> bool:
        return cue.end <= opening_end or same_clause(cue)

    usable = [c for c in cues if c.as_of and not (c.start <= mention.start < c.end) and reaches(c)]
    if not usable:
        return None, False
    others = [c for c in usable if c.role != "reported"] or usable

    def distance(cue: DateCue) -> int:
        return cue.start - mention.end if cue.start >= mention.end else mention.start - cue.end

    strength = {"between": 0, "since": 0, "as_of": 1}
    chosen = min(others, key=lambda c: (strength.get(c.role, 2), distance(c)))
    return chosen, same_clause(chosen)


def _times(mention: Mention, cue: DateCue | None, published: dt.date | None,
           month: str | None, cumulative: bool) -> tuple[str, str, list[str]]:
    """as_of, period and notes for a claim.

    A rate dated by a month or a year is the average over it; a running total's count dated
    in its own clause is the increase over it ("killed 12 in May"), ending the period at as_of.
    """
    rate = mention.reading is not None and mention.reading.kind == "rate"
    notes: list[str] = []
    if cue is None and month is not None:
        cue = DateCue(0, 0, month, month, "point")
    if cue is None:
        notes.append("date from publication")
        return (published.isoformat() if published else ""), "", notes
    if cue.role == "between" and cue.since:
        first, _ = day_span(cue.since)
        _, last = day_span(cue.as_of)
        return last.isoformat(), f"{first.isoformat()}/{last.isoformat()}", notes
    if cue.role == "since":
        first, _ = day_span(cue.as_of)
        if published is None or first > published:
            return cue.as_of, "", notes
        notes.append("date from publication")
        return published.isoformat(), f"{first.isoformat()}/{published.isoformat()}", notes
    if (rate or (cumulative and cue.role in ("point", "relative"))) and len(cue.as_of) < 10:
        first, last = day_span(cue.as_of)
        if published is None or last <= published:
            return last.isoformat(), cue.as_of, notes
        if first <= published:  # the month or year is not over: up to publication
            return published.isoformat(), f"{first.isoformat()}/{published.isoformat()}", notes
    return cue.as_of, "", notes


def _is_total(mention: Mention, sentence: str) -> bool:
    """True for a running total: "since", "so far", "already", or losses (killed, wounded)."""
    window = sentence[max(0, mention.start - 25):mention.end + 40].lower()
    return _CUMULATIVE.search(sentence[:mention.end + 40]) is not None \
        or any(word in _LOSSES for word in re.findall(r"[a-z]+", window)) \
        or any(word in _LOSSES for word in mention.noun[1].split())


def _confidence(sentence: str) -> str:
    found = _ESTIMATIVE.search(sentence)
    if not found:
        return ""
    from estimates.confidence import estimative_probability
    from estimates.errors import EstimatesError

    words = found.group().lower()
    for candidate in (words, words.removesuffix("ly"), words.replace("certainly", "certain"),
                      "likely" if words == "probably" else words):
        try:
            estimative_probability(candidate)
            return found.group()
        except EstimatesError:
            continue
    return ""


def read_article(text: str, *, published: str | dt.date | None = None, outlet: str = "",
                 author: str = "", document: str = "", lexicon: Lexicon | None = None,
                 ) -> Extraction:
    """Draft the claims of one article's plain text, and list the mentions left out.

    `published` (``YYYY-MM-DD``) dates relative cues and stands in where the text gives no
    date; without it, a dateline in the text ("First Published: Oct 24 2024") is used, and
    a `UsageError` is raised if there is none. `author` stands in as claimant where the
    sentence names none.

    >>> found = read_article("The 11th brigade said 3 villages and 1,200 troops were hit.",
    ...                      published="2024-05-08")
    >>> found.draft["value"].tolist(), found.rejected["reason"].tolist()
    (['1,200 troops'], ['ordinal', 'place_count'])
    """
    lexicon = lexicon or Lexicon.default()
    sentences = split_sentences(text)
    day = _date(published, "published")
    from_text = False
    if day is None:
        day = _dateline(sentences)
        from_text = day is not None
    if day is None:
        raise UsageError(f"{document or 'the article'}: no publication date in the text; "
                         "give one (--published YYYY-MM-DD)")
    rows: list[dict[str, str]] = []
    rejected: list[dict[str, object]] = []
    previous_unit = ""
    previous_row: dict[str, str] | None = None
    last_month: str | None = None
    for position, sentence in enumerate(sentences):
        numbers = has_number(sentence.text, lexicon)
        anaphor = "month" in sentence.text and _MONTH_ANAPHOR.search(sentence.text) is not None
        if not numbers and not anaphor:
            continue
        cues = date_cues(sentence.text, day, unresolved=True)
        months = [c.as_of for c in cues if len(c.as_of) == 7]
        month_here = last_month if anaphor else None
        if months:
            last_month = months[-1]
        if not numbers:
            continue
        mentions = read_mentions(sentence.text, lexicon, previous_unit, cues)
        if sentence.headline and len(sentence.text.split()) < _SHORTEST_HEADLINE:
            mentions = [m if m.reason else replace(m, reason="boilerplate") for m in mentions]
        if all(m.reason is not None for m in mentions):
            rejected.extend(_rejected_row(document, text, sentence, m) for m in mentions)
            continue
        named = claimant_cue(sentence.text)
        carried = named is None and pronoun_cue(sentence.text)
        if carried:  # "he said": the claimant named last, in the sentences before
            named = _earlier_claimant(sentences, position)
            carried = named is not None
        confidence = _confidence(sentence.text)
        for mention in mentions:
            if mention.reason is not None:
                rejected.append(_rejected_row(document, text, sentence, mention))
                continue
            if mention.anaphoric and previous_row is not None:
                as_of, period = previous_row["as_of"], previous_row["period"]
                dated: list[str] = []
            else:
                cue, near = _chosen_cue(cues, mention, sentence.text)
                as_of, period, dated = _times(mention, cue, day, month_here,
                                              near and _is_total(mention, sentence.text))
            who, credited = _claimant(named, carried, author)
            notes = [*mention.notes, *dated, *credited]
            if from_text:
                notes.append("publication date from the text")
            row = _claim_row(mention, sentence, as_of, period, who, confidence, notes)
            row.update(outlet=outlet, published=day.isoformat(), document=document)
            rows.append(row)
            previous_row = row
            if mention.unit:
                previous_unit = mention.unit.split(" / ")[0]
    return Extraction(_finish(rows, document), tuple(rejected))


def _claimant(named: str | None, carried: bool, author: str) -> tuple[str, list[str]]:
    """The claimant of a claim and the notes that say where it came from."""
    if named is not None:
        return named, ["claimant from an earlier sentence"] if carried else []
    if author:
        return author, ["claimant from byline"]
    return "", ["no claimant"]


def _claim_row(mention: Mention, sentence: Sentence, as_of: str, period: str, claimant: str,
               confidence: str, notes: list[str]) -> dict[str, str]:
    """A draft row (with the private ``_line`` and ``_headline`` used to find restatements)."""
    reading = mention.reading
    cumulative = bool(period) or (reading is not None and reading.kind == "rate") \
        or _is_total(mention, sentence.text)
    return {"id": "", "quantity": _quantity(mention), "value": mention.text, "unit": mention.unit,
            "low": "", "high": "", "best": "", "as_of": as_of, "period": period,
            "kind": "cumulative" if cumulative else "level", "claimant": claimant, "outlet": "",
            "published": "", "document": "", "quote": sentence.text, "confidence": confidence,
            "grade": "", "note": "; ".join(notes), "_line": str(sentence.line),
            "_headline": "1" if sentence.headline else ""}


def _earlier_claimant(sentences: list[Sentence], position: int, reach: int = 6) -> str | None:
    """The claimant named in the nearest of the `reach` sentences before `position`."""
    for sentence in reversed(sentences[max(0, position - reach):position]):
        named = claimant_cue(sentence.text)
        if named is not None:
            return named
    return None


def _rejected_row(document: str, text: str, sentence: Sentence, mention: Mention) -> dict[str, object]:
    at = sentence.start + mention.start
    return {"document": document, "line": sentence.line, "column": at - text.rfind("\n", 0, at),
            "text": mention.text, "reason": mention.reason,
            "detail": mention.detail or REASONS[str(mention.reason)], "sentence": sentence.text}


def _finish(rows: list[dict[str, str]], document: str) -> tuple[dict[str, str], ...]:
    """Restatements flagged, quantities made consistent, ids given."""
    _flag_restatements(rows)
    _settle_drafts(rows)
    stem = _slug(Path(document).stem) if document else "claim"
    for number, row in enumerate(rows, start=1):
        row["id"] = f"{stem}-{number:03d}"
    return tuple({c: row[c] for c in DRAFT_COLUMNS} for row in rows)


def _figure(row: Mapping[str, str]) -> tuple[str, str, str]:
    return (re.sub(r"[^\d.]", "", row["value"]) or row["value"].lower(), row["unit"], row["quantity"])


def _flag_restatements(rows: list[dict[str, str]]) -> None:
    """A headline figure the body repeats, and a body figure repeated later, are flagged."""
    first_seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in rows:
        key = _figure(row)
        if key not in first_seen:
            first_seen[key] = row
            continue
        earlier = first_seen[key]
        if earlier["_headline"] and not row["_headline"]:
            flagged, other = earlier, row
            first_seen[key] = row
        else:
            flagged, other = row, earlier
        note = f"restatement: same figure as line {other['_line']}"
        flagged["note"] = f"{flagged['note']}; {note}" if flagged["note"] else note


def settle_drafts(rows: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Draft rows (of one or many articles) with one kind and one unit per quantity.

    A claims file needs each quantity to have one kind and one count unit: a quantity
    suggested with two units gets the unit in its name ("figure.person"), and one that
    is a running total anywhere (a rate, a period, "since") is cumulative everywhere.
    `estimates extract` applies this to all its articles' rows together.

    >>> settle_drafts([{"quantity": "troops", "unit": "person", "kind": "level"},
    ...                    {"quantity": "troops", "unit": "person / day", "kind": "cumulative"}])[0]["kind"]
    'cumulative'
    """
    settled = [dict(row) for row in rows]
    _settle_drafts(settled)
    return settled


def _settle_drafts(rows: list[dict[str, str]]) -> None:
    """One kind and one unit dimension per suggested quantity, as the claims file needs."""
    units: dict[str, set[str]] = {}
    for row in rows:
        count = row["unit"].split(" / ")[0] if row["unit"] else ""
        units.setdefault(row["quantity"], set()).add(count)
    for row in rows:
        count = row["unit"].split(" / ")[0] if row["unit"] else ""
        if len(units[row["quantity"]] - {""}) > 1 and count:
            row["quantity"] = f"{row['quantity']}.{_slug(count)}"
    cumulative = {row["quantity"] for row in rows if row["kind"] == "cumulative"}
    for row in rows:
        if row["quantity"] in cumulative:
            row["kind"] = "cumulative"


def extract(text: str, *, published: str | dt.date | None = None, outlet: str = "",
            author: str = "", document: str = "", lexicon: Lexicon | None = None) -> pd.DataFrame:
    """The draft claims of one article's text (see `read_article`), as a DataFrame.

    >>> extract("Over 5,000 troops were lost, the ministry said.", published="2025-03-28")[
    ...     ["value", "unit", "claimant", "kind"]].values.tolist()
    [['Over 5,000 troops', 'person', 'the ministry', 'cumulative']]
    """
    return read_article(text, published=published, outlet=outlet, author=author,
                        document=document, lexicon=lexicon).draft

