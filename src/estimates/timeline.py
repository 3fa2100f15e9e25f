"""Times of claims as day numbers: instants (``as_of``) and periods, read column-wise.

Time is counted in whole days since 1970-01-01 00:00, and an instant is the *end* of a
day: day number ``n`` is the end of day ``n - 1``. So

- ``as_of`` ``2024-11-15`` is the single instant at the end of that day;
- ``as_of`` ``2025-03`` (or ``2025``) is some instant in it, the span from the end of its
  first day to the end of its last day;
- ``period`` ``2024-10`` runs from the end of 2024-09-30 to the end of 2024-10-31 (31 days);
  ``2022-02-24/2024-11-15`` from the start of the first day to the end of the last, both
  days included; a single date is that one day.

Values are read once per distinct text, so a column of a million dates costs as many
parses as it has distinct dates.

>>> start, end, error = read_instants(["2024-10-23", "2025-03", "2024-13"])
>>> [format_span(s, e) for s, e in zip(start[:2], end[:2])]
['2024-10-23', '2025-03']
>>> error[2]
'month 13 is not a month (1-12)'
>>> start, end, _ = read_periods(["2024-10"])
>>> int(end[0] - start[0])
31
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["as_dates", "date_texts", "day_number", "format_span", "read_instants", "read_periods",
           "to_date"]

_EPOCH = dt.date(1970, 1, 1).toordinal()
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
#: Missing times are marked by this day number in the int64 columns.
MISSING = np.iinfo(np.int64).min

_Result = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.object_]]


def day_number(date: dt.date) -> int:
    """Days from 1970-01-01 to the start of `date` (so the end of `date` is this plus one).

    >>> day_number(dt.date(1970, 1, 2))
    1
    """
    return date.toordinal() - _EPOCH


def to_date(day: int) -> dt.date:
    """The calendar date whose start is day number `day`."""
    return dt.date.fromordinal(int(day) + _EPOCH)


def _calendar_span(text: str) -> tuple[int, int, str]:
    """Read a date, month or year into (first day start, last day end, precision); raise ValueError."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY)")
    year = int(match.group(1))
    if match.group(2) is None:
        return (day_number(dt.date(year, 1, 1)), day_number(dt.date(year, 12, 31)) + 1, "year")
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not a month (1-12)")
    last = calendar.monthrange(year, month)[1]
    if match.group(3) is None:
        first_day = day_number(dt.date(year, month, 1))
        return first_day, day_number(dt.date(year, month, last)) + 1, "month"
    day = int(match.group(3))
    if not 1 <= day <= last:
        raise ValueError(f"day {day} is not a day of {year}-{month:02d} (1-{last})")
    start = day_number(dt.date(year, month, day))
    return start, start + 1, "day"


def _instant(text: str) -> tuple[int, int]:
    start, end, _ = _calendar_span(text)
    return start + 1, end


def _period(text: str) -> tuple[int, int]:
    if "/" in text:
        first, _, last = text.partition("/")
        start = _calendar_span(first)[0]
        end = _calendar_span(last)[1]
        if end <= start:
            raise ValueError(f"the period {text!r} ends before it starts")
        return start, end
    start, end, _ = _calendar_span(text)
    return start, end


def _read(values: Sequence[object] | pd.Series, reader: object) -> _Result:
    series = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(series)
    starts = np.full(len(uniques), MISSING, dtype=np.int64)
    ends = np.full(len(uniques), MISSING, dtype=np.int64)
    errors = np.full(len(uniques), None, dtype=object)
    for k, text in enumerate(uniques):
        if not text:
            continue
        try:
            starts[k], ends[k] = reader(text)  # type: ignore[operator]
        except (ValueError, OverflowError) as error:
            errors[k] = str(error)
    codes = np.asarray(codes)
    if len(uniques) == 0:
        size = len(series)
        return (np.full(size, MISSING, np.int64), np.full(size, MISSING, np.int64),
                np.full(size, None, dtype=object))
    return starts[codes], ends[codes], errors[codes]


def read_instants(values: Sequence[object] | pd.Series) -> _Result:
    """Read ``as_of`` texts into (start, end, error) arrays of day numbers; empty text gives `MISSING`.

    >>> start, end, _ = read_instants(["2024-11-15"])
    >>> int(start[0]) == int(end[0]) == day_number(dt.date(2024, 11, 16))
    True
    """
    return _read(values, _instant)


def read_periods(values: Sequence[object] | pd.Series) -> _Result:
    """Read ``period`` texts (``a/b``, month, year, date) into (start, end, error) day-number arrays.

    >>> start, end, _ = read_periods(["2022-02-24/2024-11-15"])
    >>> int(end[0] - start[0])
    996
    """
    return _read(values, _period)


def format_span(start: int | np.integer, end: int | np.integer) -> str:
    """Name an instant span as written: a date, a month, a year, or ``first/last`` dates.

    >>> format_span(day_number(dt.date(2024, 10, 24)), day_number(dt.date(2024, 10, 24)))
    '2024-10-23'
    """
    first, last = to_date(int(start) - 1), to_date(int(end) - 1)
    if first == last:
        return first.isoformat()
    if first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]:
        if first.year == last.year and first.month == last.month:
            return f"{first.year:04d}-{first.month:02d}"
        if (first.month, last.month, first.year) == (1, 12, last.year):
            return f"{first.year:04d}"
    return f"{first.isoformat()}/{last.isoformat()}"


def format_period(start: int | np.integer, end: int | np.integer) -> str:
    """Name a period span (start of first day to end of last) as a month, a year or ``a/b``.

    >>> format_period(day_number(dt.date(2024, 10, 1)), day_number(dt.date(2024, 11, 1)))
    '2024-10'
    """
    return format_span(int(start) + 1, int(end))


def as_dates(days: NDArray[np.int64]) -> NDArray[np.datetime64]:
    """Instants (day numbers: the end of the day before) as the dates they end, for pandas:
    ``datetime64[ns]`` at midnight of that date; `MISSING` is NaT.

    >>> as_dates(np.array([day_number(dt.date(2024, 11, 16)), MISSING])).astype(str).tolist()
    ['2024-11-15T00:00:00.000000000', 'NaT']
    >>> str(as_dates(np.array([MISSING])).dtype)
    'datetime64[ns]'
    """
    missing = days == MISSING
    out = (np.where(missing, 0, days) - 1).astype("datetime64[D]").astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return out


def date_texts(values: pd.Series) -> pd.Series:
    """Dates and timestamps (pandas or Parquet ``datetime``/``date`` cells) as the text a
    claims file holds: ``2024-10-01`` at midnight, with the time of day otherwise (which the
    reader then refuses, naming it: a claim's finest time is a day); missing is "".

    >>> stamps = pd.to_datetime(["2024-10-01", None, "2024-10-02T13:30"], format="ISO8601")
    >>> date_texts(pd.Series(stamps)).tolist()
    ['2024-10-01', '', '2024-10-02T13:30:00']
    >>> date_texts(pd.Series([dt.date(2024, 10, 1)], dtype=object)).tolist()
    ['2024-10-01']
    """
    stamps = pd.to_datetime(values, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    codes, distinct = pd.factorize(stamps)  # a column of a million claims holds few dates
    day = distinct.strftime("%Y-%m-%d")
    texts = np.where(distinct == distinct.normalize(), day, distinct.strftime("%Y-%m-%dT%H:%M:%S"))
    return pd.Series(np.append(texts, "").astype(object)[codes], index=values.index)
