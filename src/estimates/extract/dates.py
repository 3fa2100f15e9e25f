"""Dates in a sentence: explicit ones ("15 November 2024", "Oct 24 2024", "August 2023"),
and relative ones ("last year", "on Wednesday") read against the publication date.

Each is a `DateCue` with what it says about a claim in the same sentence: an instant
(``as_of``: a day, a month or a year, in the claims file's spelling), or a span, from
"since August 2023" (to the claim's instant) or "between 24 February 2022 and 15 November
2024". A date right after a reporting verb ("AFP reported on Thursday") dates the report,
not the figure, and is used only when the sentence has no other date.

>>> import datetime as dt
>>> [(c.text, c.as_of, c.role) for c in date_cues("Sent since August 2023.", dt.date(2024, 10, 24))]
[('August 2023', '2023-08', 'since')]
>>> [c.as_of for c in date_cues("It happened on Wednesday.", dt.date(2024, 10, 24))]
['2024-10-23']
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["ROLES", "DateCue", "date_cues", "day_span", "month_words"]

#: What a date says about a figure near it, strongest first.
ROLES = ("between", "since", "as_of", "point", "relative", "reported")

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>1[89]\d\d|20\d\d)"
_PATTERNS = [
    r"\b(?P<iy>\d{4})-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b",
    rf"\b{_DAY}\s+(?:of\s+)?(?P<mon>{_MONTH})\.?,?\s+{_YEAR}\b",
    rf"\b(?P<mon2>{_MONTH})\.?\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>1[89]\d\d|20\d\d)\b",
    r"\b(?P<d3>[0-3]?\d)/(?P<m3>[01]?\d)/(?P<y3>\d{4})\b",
    rf"\b(?P<mon4>{_MONTH})\.?,?\s+(?:of\s+)?(?P<y4>1[89]\d\d|20\d\d)\b",
    rf"\b(?P<d5>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon5>{_MONTH})\b\.?",
    rf"\b(?P<mon6>{_MONTH})\.?\s+(?P<d6>[0-3]?\d)(?:st|nd|rd|th)?\b(?![,.]?\d)",
    r"\b(?:in|In|since|Since|by|By|until|of|from|From|during|During|early|late|mid|through|"
    r"before|after|year|between|Between|and|to)[\s-](?P<y7>1[89]\d\d|20\d\d)\b(?![,.]\d|s\b)",
    rf"\b(?:in|In|since|Since|during|During|by|By|until|from|From|through|early|late|mid|"
    rf"throughout)[\s-]+(?P<mon8>{_MONTH})\b(?![\s.,]*\d)",
    r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    r"\b(?P<rel>(?:[Ll]ast|[Tt]his|[Ee]arlier this|[Pp]ast|[Pp]revious)\s+(?:year|month|week))\b",
    r"\b(?P<day>[Yy]esterday|[Tt]oday|[Ll]ast night)\b",
]
_DATE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_BEFORE = re.compile(r"(?:\b(?P<w>[Ss]ince|[Aa]s of|[Aa]s at|[Bb]y the end of|[Aa]t the end of|"
                     r"[Bb]etween|[Ff]rom)\s+(?:the\s+)?)$")
_SINCE_CLAUSE = re.compile(r"\b[Ss]ince\s+[^,.;:]{0,60}\b(?:in|on)\s+$")
_JOIN = re.compile(r"\s+(?:and|to|until|till|through)\s+$|\s*[-–]\s*$")
_REPORTED = re.compile(r"\b(?:said|says|told|reported|reports|announced|stated|added|confirmed|"
                       r"revealed|wrote|published)\b(?:\s+\w+){0,3}\s+(?:on\s+|late\s+|early\s+)?$")


@dataclass(frozen=True, slots=True)
class DateCue:
    """A date written in a sentence and what it says about a figure near it."""

    #: offset of the date's first character in the sentence
    start: int
    #: offset just past its last character
    end: int
    #: the date as written
    text: str
    #: the instant it names: ``2024-11-15``, ``2024-11`` or ``2024``
    as_of: str
    #: one of `ROLES`
    role: str
    #: for role ``between``: the instant the span starts at (the end is ``as_of``)
    since: str | None = None


def month_words() -> frozenset[str]:
    """Month names and abbreviations, lower case."""
    return frozenset(_MONTHS)


def _text_of(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None and month is not None:
            return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
    if month is not None:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    return f"{year:04d}"


def _without_year(month: int, day: int | None, published: dt.date | None) -> str | None:
    """A day or month written without its year: the latest one not after publication."""
    if published is None:
        return None
    year = published.year
    if (month, day or 1) > (published.month, published.day):
        year -= 1
    return _text_of(year, month, day)


def _relative(found: re.Match[str], published: dt.date | None) -> str | None:
    if published is None:
        return None
    if found.group("wd"):
        weekday = _WEEKDAYS.index(found.group("wd"))
        back = (published.weekday() - weekday) % 7
        return (published - dt.timedelta(days=back)).isoformat()
    if found.group("day"):
        word = found.group("day").lower()
        return (published - dt.timedelta(days=0 if word == "today" else 1)).isoformat()
    words = found.group("rel").lower().split()
    last = words[0] in ("last", "past", "previous")
    unit = words[-1]
    if unit == "year":
        return _text_of(published.year - last)
    if unit == "month":
        first = published.replace(day=1)
        month = (first - dt.timedelta(days=1)) if last else first
        return _text_of(month.year, month.month)
    return None  # a week is no instant the claims file can name


def _instant(found: re.Match[str], published: dt.date | None) -> str | None:
    group = found.group
    if group("iy"):
        return _text_of(int(group("iy")), int(group("im")), int(group("id")))
    if group("y"):
        return _text_of(int(group("y")), _MONTHS[group("mon").lower()], int(group("d")))
    if group("y2"):
        return _text_of(int(group("y2")), _MONTHS[group("mon2").lower()], int(group("d2")))
    if group("y3"):
        return _text_of(int(group("y3")), int(group("m3")), int(group("d3")))
    if group("y4"):
        return _text_of(int(group("y4")), _MONTHS[group("mon4").lower()])
    if group("mon5"):
        return _without_year(_MONTHS[group("mon5").lower()], int(group("d5")), published)
    if group("mon6"):
        return _without_year(_MONTHS[group("mon6").lower()], int(group("d6")), published)
    if group("y7"):
        return _text_of(int(group("y7")))
    if group("mon8"):
        return _without_year(_MONTHS[group("mon8").lower()], None, published)
    return _relative(found, published)


def date_cues(sentence: str, published: dt.date | None, *, unresolved: bool = False) -> list[DateCue]:
    """Every date written in `sentence`, with its instant and role (see `ROLES`).

    A date that cannot be placed without the publication date ("on Wednesday") is left
    out, or kept with an empty ``as_of`` when `unresolved` is True.
    """
    cues: list[DateCue] = []
    for found in _DATE.finditer(sentence):
        instant = _instant(found, published)
        if instant is None:
            if not unresolved:
                continue
            instant = ""
        start = found.start("y7") if found.group("y7") else \
            found.start("mon8") if found.group("mon8") else found.start()
        before = sentence[:start]
        word = _BEFORE.search(before)
        relative = bool(found.group("wd") or found.group("rel") or found.group("day"))
        role = "relative" if relative else "point"
        if word:
            lead = word.group("w").lower()
            role = {"since": "since", "between": "between", "from": "between"}.get(lead, "as_of")
        elif _SINCE_CLAUSE.search(before):
            role = "since"  # "since fighting broke out in April 2023"
        elif _REPORTED.search(before):
            role = "reported"
        cue = DateCue(start, found.end(), sentence[start:found.end()], instant, role)
        if cues and _JOIN.search(before[cues[-1].end:] if cues[-1].end <= len(before) else "") \
                and cues[-1].role == "between" and cues[-1].since is None:
            first = cues.pop()
            cue = DateCue(first.start, cue.end, sentence[first.start:cue.end], instant, "between",
                          since=first.as_of)
        cues.append(cue)
    # a lone "between"/"from" date with no second date is a point in time
    return [c if c.role != "between" or c.since else DateCue(c.start, c.end, c.text, c.as_of, "point")
            for c in cues]


def day_span(instant: str) -> tuple[dt.date, dt.date]:
    """The first and last day of an instant written as a day, a month or a year.

    >>> day_span("2024-02")
    (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    """
    parts = [int(p) for p in instant.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
