"""The claims table: read a CSV (or a DataFrame) of claims into validated, normalised columns.

`read_claims` parses the ``value`` column in one vectorised pass (or takes ``low``/``high``),
normalises units to one per quantity (rates to that unit per day), reads ``as_of`` and
``period`` into day numbers (`estimates.timeline`), settles each quantity's kind, and turns
the source grade and the confidence into a weight. Every problem of every row is collected
into one `ClaimsError`; with ``skip_invalid=True`` the bad rows stay in the table with their
``problem`` and no numbers, so no claim is ever lost.

Columns of the table (`CLAIM_COLUMNS`, in this order):
``id``, ``line`` (file line, header is 1), ``quantity``, ``expression`` (quantity is an
expression over names), ``low``, ``high`` (in ``unit``; a rate in ``unit`` per day),
``low_open``, ``high_open``, ``best``, ``unit`` (the quantity's unit; "" when none of its
claims states one, see `estimates.quantities`), ``measure``
(``value`` at an instant, ``increase`` over the period, average ``rate`` per day over it),
``kind`` (``level`` or ``cumulative``), ``as_of_start``, ``as_of_end`` (day numbers, see
`estimates.timeline`), ``as_of_from_published``, ``period_start``, ``period_end``,
``weight``, ``source``, ``problem`` and the text columns as written (``value``,
``as_of``, ``period``, ``claimant``, ``outlet``, ``published``, ``document``, ``quote``,
``confidence``, ``grade``, ``note``). Text with few distinct values is a Categorical whose
categories are in text order (`as_categorical`); ``id``, ``quote`` and ``note`` are
`KEPT_TEXT` (held by Arrow; Python strings if some text is a lone surrogate).

Weights. A claim weighs 1 unless graded: the Admiralty grade's weight
(`estimates.confidence.admiralty_grade`: the letter, source reliability, A 1.0, B 0.9,
C 0.75, D 0.5, E 0.25, F 0.6, cannot be judged: between D and C; the digit, information
credibility, 1 1.0, 2 0.9, 3 0.75, 4 0.5, 5 0.25, 6 0.6; either alone counts) and the confidence
its probability (a number, a percentage, or estimative words read at the middle of their
range: "highly likely" 0.85); the weight is their product. Sources: the ``source`` key is
the claimant (case and spacing ignored, shown as first written), else the outlet, else the
document, else the claim itself, so several outlets repeating one claimant are one source.

>>> import pandas as pd
>>> table = read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x.troops"], "low": ["10"],
...                                   "high": ["20"], "as_of": ["2024-10"], "grade": ["B2"]}))
>>> [float(table.loc[0, c]) for c in ("low", "high", "weight")], table.loc[0, "kind"]
([10.0, 20.0, 2.25], 'level')
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from estimates._given_back import arrow_pool, given_back
from estimates.claimfiles import read_claim_files
from estimates.confidence import admiralty_grade, confidence_weight, estimative_probability
from estimates.csvfile import KEPT_TEXT
from estimates.errors import ClaimsError, EstimatesError, ExpressionError, UnitError, first_few
from estimates.expression import Linear, read_expression
from estimates.interval import IntervalArray
from estimates.timeline import MISSING, date_texts, read_instants, read_periods
from estimates.units import conversion_factor, parse_unit, ureg

__all__ = ["CLAIM_COLUMNS", "PROBLEM_COLUMNS", "Claims", "InvalidRowWarning", "PeriodWarning",
           "UnknownColumnWarning", "read_claims"]

#: A claims table is a DataFrame with `CLAIM_COLUMNS`.
Claims: TypeAlias = pd.DataFrame

TEXT_COLUMNS = ("value", "as_of", "period", "claimant", "outlet", "published", "document",
                "quote", "confidence", "grade", "note")
#: pandas' "str" dtype kept in Python strings, whichever storage pandas would pick (pyarrow's
#: when installed): the reconciler and the writers work on the strings themselves, and
#: Arrow-held text would be converted to them and back at every step.
TEXT = pd.StringDtype("python", na_value=np.nan)
CLAIM_COLUMNS = ("id", "line", "quantity", "expression", "low", "high", "low_open", "high_open",
                 "best", "unit", "measure", "kind", "as_of_start", "as_of_end",
                 "as_of_from_published", "period_start", "period_end", "weight", "source",
                 "problem", *TEXT_COLUMNS)
PROBLEM_COLUMNS = ("line", "column", "value", "problem")
KINDS = ("level", "cumulative")

def _lines_text(lines: NDArray[np.int64], shown: int = 5) -> str:
    """Lines named in a warning: the first few, then how many more.

    >>> _lines_text(np.array([3])), _lines_text(np.arange(3, 10))
    ('line 3', 'lines 3, 4, 5, 6, 7 and 2 more')
    """
    return f"line{'s' if lines.size > 1 else ''} {first_few(lines.tolist(), shown)}"


def _warn_invalid(lines: NDArray[np.int64], source: str) -> None:
    """One warning for the rows read with problems and kept as ``invalid`` claims
    (``skip_invalid``), naming the first lines: a library call never drops rows silently."""
    count = f"{lines.size:,} rows have" if lines.size > 1 else "a row has"
    warnings.warn(f"{source}: {count} problems ({_lines_text(lines)}): kept as invalid claims, "
                  "not reconciled (see the claims' problem column)", InvalidRowWarning, stacklevel=5)


def _warn_day_rates(lines: NDArray[np.int64], source: str) -> None:
    """One warning for the rates with no period dated to a single day, naming the first lines:
    each is read as the rate over that one day, which the reporter rarely means."""
    if not lines.size:
        return
    count = f"{lines.size:,} rates have" if lines.size > 1 else "a rate has"
    warnings.warn(f"{source}: {count} no period and a one-day as_of ({_lines_text(lines)}): each is read as "
                  "the average over that one day; give the period it is averaged over (e.g. 2024-10)",
                  PeriodWarning, stacklevel=4)


_PROBABILITY = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(%?)")


class UnknownColumnWarning(UserWarning):
    """A column that is not in the claims schema; it is read and ignored."""


class InvalidRowWarning(UserWarning):
    """Rows with problems read with ``skip_invalid``: kept as ``invalid`` claims."""


class PeriodWarning(UserWarning):
    """A rate with no period on a one-day ``as_of``: read as the rate over that day."""


class _Text(NamedTuple):
    """A text column as codes into its texts: work is done once per text, then broadcast.

    >>> column = _Text(np.array([0, 1, 0]), np.array(["a", ""], dtype=object))
    >>> column.cells.tolist(), column.empty().tolist()
    (['a', '', 'a'], [False, True, False])
    """

    #: for each row, the position of its text in `texts`
    codes: NDArray[np.intp]
    #: the texts (distinct ones, except for free text, which is not worth factorizing)
    texts: NDArray[np.object_]

    @property
    def cells(self) -> NDArray[np.object_]:
        return self.texts[self.codes]

    def each(self, per_text: Any) -> NDArray[Any]:
        """Values computed per text, broadcast to the rows."""
        return np.asarray(per_text)[self.codes]

    def empty(self) -> NDArray[np.bool_]:
        return self.each(self.texts == "")


class _Problems:
    """Collects problems row by row; knows which rows are bad."""

    def __init__(self, lines: NDArray[np.int64]) -> None:
        self.lines = lines
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(lines), dtype=bool)

    def add(self, mask: NDArray[np.bool_], column: str, values: _Text | NDArray[Any],
            problem: str | NDArray[Any] | Callable[[NDArray[np.intp]], Any]) -> None:
        """Problems of the rows in `mask`; `problem` is text, one per row, or made from the rows."""
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        cells = values.texts[values.codes[rows]] if isinstance(values, _Text) else values[rows]
        if callable(problem):
            problem = np.asarray(problem(rows), dtype=object)
        elif not isinstance(problem, str):
            problem = np.asarray(problem, dtype=object)[rows]
        self.bad[rows] = True
        self.parts.append(pd.DataFrame({"row": rows, "line": self.lines[rows], "column": column,
                                        "value": cells, "problem": problem}))

    def table(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({"row": pd.Series(dtype=np.int64),
                                 **{c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}})
        table = pd.concat(self.parts, ignore_index=True)
        table["value"] = table["value"].map(lambda v: "" if v is None else str(v))
        return table.sort_values(["line", "column"], kind="stable").reset_index(drop=True)


#: white space at the start or end of a text, in texts joined by NULs (a NUL inside a text
#: can only add a false alarm, which costs a strip of each text)
_EDGE_SPACE = re.compile(r"(?:^|\0)\s|\s(?:\0|$)")
_FREE_TEXT = ("document", "claimant", "outlet")


def _text(frame: pd.DataFrame, column: str, all_text: bool = False) -> _Text:
    """A column as text ("" where missing), stripped unless free text, each text held once.

    `all_text` says every cell is known to be a str already (as read from a file). A
    Categorical column (as `read_csv_file` gives) already holds each text once.
    """
    if column not in frame:
        return _Text(np.zeros(len(frame), dtype=np.intp), np.array([""], dtype=object))
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, texts = categorical_text(values)
    else:
        codes, found = pd.factorize(_cells(values, all_text))
        texts = np.asarray(found, dtype=object)
    if column not in _FREE_TEXT and _EDGE_SPACE.search("\0".join(texts)):
        # kept as written when free text; the source key is normalised on its own
        recode, found = pd.factorize(np.array([text.strip() for text in texts], dtype=object))
        codes, texts = recode[codes], np.asarray(found, dtype=object)
    return _Text(codes, texts)


def _cells(values: pd.Series, all_text: bool) -> NDArray[np.object_]:
    """The cells of a column that is not Categorical as Python strings ("" where missing)."""
    cells = values.to_numpy(object)
    if all_text:
        return cells
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    if kind in ("datetime64", "datetime", "date"):  # pandas Timestamps, datetime.date: a day
        return date_texts(values).to_numpy(object)
    if pd.api.types.infer_dtype(cells, skipna=False) != "string":  # NaN, None
        cells = values.astype(object).where(values.notna(), "").astype(str).to_numpy(object)
    return cells


def _kept_text(frame: pd.DataFrame, column: str) -> pd.api.extensions.ExtensionArray:
    """A column only kept and written, as written, in `KEPT_TEXT` ("" where missing); in
    Python strings (`TEXT`) if it holds a lone surrogate, which has no UTF-8.

    >>> _kept_text(pd.DataFrame({"quote": ["said 5", None]}), "quote").tolist()
    ['said 5', '']
    """
    if column not in frame:
        return pd.array(pa.array([""]).take(np.zeros(len(frame), dtype=np.intp)), dtype=KEPT_TEXT)
    values = frame[column]
    if values.dtype == KEPT_TEXT:
        return values.fillna("").array
    if isinstance(values.dtype, pd.CategoricalDtype):
        return arrow_cells(*categorical_text(values))
    return arrow_cells(None, _cells(values, all_text=False))


def arrow_cells(codes: NDArray[np.intp] | None, texts: NDArray[np.object_],
                 ) -> pd.api.extensions.ExtensionArray:
    """``texts[codes]`` (`texts` when no codes) in `KEPT_TEXT`, or in `TEXT` if some text has
    no UTF-8 (a lone surrogate).

    >>> arrow_cells(np.array([1, 0, 1]), np.array(["a", "b"], dtype=object)).tolist()
    ['b', 'a', 'b']
    """
    try:
        array = pa.array(texts, type=pa.large_string(), memory_pool=arrow_pool())  # pandas' own
    except (UnicodeEncodeError, pa.ArrowException):
        return pd.array(texts if codes is None else texts[codes], dtype=TEXT)
    return pd.array(array if codes is None else pc.take(array, codes, memory_pool=arrow_pool()),
                    dtype=KEPT_TEXT)


def categorical_text(values: pd.Series) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    """A Categorical's codes and its categories as text (a missing cell is "")."""
    texts = values.cat.categories.to_numpy(object)
    if pd.api.types.infer_dtype(texts, skipna=False) not in ("string", "empty"):
        texts = np.array([str(text) for text in texts], dtype=object)
    codes = values.cat.codes.to_numpy(np.intp)
    if (codes < 0).any():
        codes = np.where(codes < 0, texts.size, codes)
        texts = np.append(texts, "")
    return codes, texts


def as_categorical(codes: NDArray[np.intp], texts: NDArray[np.object_]) -> pd.Categorical:
    """``texts[codes]`` as a Categorical whose categories are the distinct texts in order, so
    sorting the column sorts by text.

    >>> as_categorical(np.array([0, 1, 2]), np.array(["b", "a", "b"], dtype=object)).codes.tolist()
    [1, 0, 1]
    """
    recode, distinct = pd.factorize(texts, sort=True)
    return pd.Categorical.from_codes(recode[codes], validate=False, dtype=pd.CategoricalDtype(
        pd.Index(np.asarray(distinct, dtype=object), dtype=object)))


def _first_of_each(codes: NDArray[np.intp], size: int) -> NDArray[np.int64]:
    """The first position of each code 0..size-1 in `codes` (``len(codes)`` where absent).

    >>> _first_of_each(np.array([2, 0, 2, 0]), 4).tolist()
    [1, 4, 0, 4]
    """
    first = np.full(size, len(codes), dtype=np.int64)
    new = ~pd.Series(codes).duplicated().to_numpy()
    first[codes[new]] = np.flatnonzero(new)
    return first


def _numbers(text: _Text, lexicon: Any = None) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Numbers from text by the parser's digit rules (issue 18: "1,5" is not 15); empty is
    NaN; also a mask of the non-empty cells that are not finite numbers."""
    from estimates.parse import read_numbers

    numbers, bad = read_numbers(text.texts, lexicon=lexicon)
    return text.each(numbers), text.each(bad)


def _grade_weight(grade: str) -> float | None:
    try:
        return admiralty_grade(grade).weight
    except EstimatesError:
        return None


def _confidence_weight(text: str) -> float | None:
    match = _PROBABILITY.fullmatch(text.strip())
    if match is not None:
        value = float(match.group(1)) / (100 if match.group(2) else 1)
        return confidence_weight(value) if 0 <= value <= 1 else None
    try:
        interval = estimative_probability(text)
    except (EstimatesError, ValueError, TypeError):
        return None
    return confidence_weight(interval)


def _weights(texts: dict[str, _Text], problems: _Problems) -> NDArray[np.float64]:
    weight = np.ones(len(problems.lines))
    for column, reader, what in (("grade", _grade_weight, "an Admiralty grade such as B2"),
                                 ("confidence", _confidence_weight, "a probability or estimative words")):
        text = texts[column]
        read = [1.0 if t == "" else reader(t) for t in text.texts]
        factor = text.each(np.array([np.nan if r is None else r for r in read], dtype=np.float64))
        bad = np.isnan(factor)
        problems.add(bad, column, text, f"is not {what}")
        weight = weight * np.where(bad, 1.0, factor)
    return weight


def _source(texts: dict[str, _Text]) -> pd.Categorical:
    """Who stands behind each claim: its claimant, else outlet, else document (names that
    differ only in case or spacing are one source, shown as first written), else
    "claim <id>"; hashed once per name."""
    # The key as a code into the claimants, outlets and documents one after another.
    key = np.zeros(len(texts["id"].codes), dtype=np.intp)
    chosen = np.zeros(len(key), dtype=bool)
    offset = 0
    for column in ("claimant", "outlet", "document"):
        text = texts[column]
        use = ~chosen & ~text.empty()
        key[use] = offset + text.codes[use]
        chosen |= use
        offset += len(text.texts)
    names = np.concatenate([texts[c].texts for c in ("claimant", "outlet", "document")])
    spaced = np.array([" ".join(k.split()) for k in names], dtype=object)
    # one source per name with case folded, shown as it was first written
    group = pd.factorize(np.array([k.lower() for k in spaced], dtype=object))[0]
    shown = spaced[_first_of_each(group, int(group.max(initial=-1)) + 1)[group]]
    unnamed = np.flatnonzero(~chosen | (shown[key] == ""))
    key[unnamed] = shown.size + np.arange(unnamed.size)
    written = np.concatenate([shown, "claim " + texts["id"].cells[unnamed]])
    used = np.zeros(written.size, dtype=bool)
    used[key] = True
    return as_categorical((np.cumsum(used) - 1)[key], written[used])


def _parse_values(values: NDArray[np.object_], lexicon: Any, halo: str) -> pd.DataFrame:
    from estimates.parse import parse_many

    if not len(values):
        return pd.DataFrame({"low": [], "high": [], "low_open": [], "high_open": [], "unit": [],
                             "kind": [], "error": []})
    parsed = parse_many(values.tolist(), lexicon=lexicon, halo=halo)
    return parsed.reset_index(drop=True)


def _unit_of(text: str) -> Any:
    return None if text in ("", "dimensionless") else parse_unit(text)


def _reduced(unit: Any) -> Any:
    """A unit with like dimensions cancelled: person/week * day is person."""
    return ureg.Quantity(1, unit).to_reduced_units().units


def _is_rate(unit: Any) -> bool:
    return unit is not None and unit is not _BAD and unit.dimensionality.get("[time]", 0) == -1


_BAD = object()  # a unit that cannot be read
_TIME = ureg.day.dimensionality


def _settle_units(table: dict[str, Any], written: _Text, unit_given: NDArray[np.bool_],
                  problems: _Problems, quantity_codes: NDArray[np.intp], value: _Text,
                  ) -> NDArray[np.bool_]:
    """Convert each row to its quantity's unit (rates to unit per day), outward; True for rates.

    A quantity's unit is the count unit written most often for it (on a tie, the first
    written); a ratio ("a third", "30%") states dimensionless, a bare number states none, and
    a quantity none of whose claims states one has the unit "" (its relations may give it one,
    `estimates.quantities`). A rate keeps its time unit: ``1,000 a month`` is per month,
    converted to per day (`_calendar_factors`). Each distinct written unit is read once, and
    conversions run per distinct (unit, target) pair over all its rows at once. Sets ``low``,
    ``high``, ``best`` and ``unit`` of `table`.
    """
    low, high, best = table["low"].copy(), table["high"].copy(), table["best"].copy()
    codes, texts = written.codes, written.texts
    units: list[Any] = []
    why = np.full(len(texts), "is not a unit estimates knows", dtype=object)
    for code, text in enumerate(texts):
        try:
            units.append(_unit_of(text))
        except UnitError as error:  # its reason: unknown, or not read (a power too large)
            units.append(_BAD)
            why[code] = str(error).removeprefix(f"unit {error.unit!r} ")
        except EstimatesError:
            units.append(_BAD)
    bad_unit = written.each(np.array([u is _BAD for u in units], dtype=bool))
    problems.add(bad_unit & unit_given, "unit", written, lambda rows: why[codes[rows]])
    problems.add(bad_unit & ~unit_given, "value", written, "has a unit estimates does not know")
    day = ureg.day
    is_rate = [_is_rate(u) for u in units]
    rate = written.each(np.array(is_rate, dtype=bool))
    # The count unit each written unit stands for ("" for none, or "per day" with no unit).
    counted = [("" if u is None or u is _BAD or (r and (u * day).dimensionless)
                else str(_reduced(u * day)) if r else str(u)) for u, r in zip(units, is_rate, strict=True)]
    text_count, count_names = pd.factorize(np.array([*counted, "dimensionless"], dtype=object))
    count_names = np.asarray(count_names, dtype=object)
    count_codes = written.each(text_count[:-1])
    # a ratio, or a number in a unit column that says dimensionless, states dimensionless
    no_unit = written.each(np.array([u is None for u in units], dtype=bool))
    stated_dimensionless = no_unit & ((table["parsed_kind"] == "ratio") | unit_given)
    count_codes[stated_dimensionless] = text_count[-1]
    rows = np.flatnonzero(count_names[count_codes] != "")
    # The unit written most often; on a tie, the one written first.
    key_codes, keys = pd.factorize(quantity_codes[rows] * len(count_names) + count_codes[rows])
    tally = pd.DataFrame({"q": keys // max(len(count_names), 1), "u": keys % max(len(count_names), 1),
                          "n": np.bincount(key_codes, minlength=len(keys)),
                          "first": rows[_first_of_each(key_codes, len(keys))]})
    tally = tally.sort_values(["q", "n", "first"], ascending=[True, False, True], kind="stable")
    base = tally.drop_duplicates("q")
    base_of = np.full(quantity_codes.max() + 2 if len(quantity_codes) else 1, -1, dtype=np.int64)
    base_of[base["q"].to_numpy()] = base["u"].to_numpy()
    row_base = base_of[quantity_codes]
    names = np.append(count_names, "")
    table["unit"] = as_categorical(row_base % len(names), names)  # -1 (none stated): ""
    quantity_names = np.asarray(table["quantity"], dtype=object)
    ratio_elsewhere = stated_dimensionless & (row_base >= 0) & (row_base != text_count[-1])
    for column, where, cells in (("unit", unit_given, written), ("value", ~unit_given, value)):
        problems.add(ratio_elsewhere & where, column, cells, lambda rows: [
            f"is dimensionless (a ratio) but {quantity_names[r]} is given in {names[row_base[r]]}, "
            "a different dimension" for r in rows])
    pair_codes, pairs = pd.factorize((row_base + 1) * len(texts) + codes)
    for pair, key in enumerate(pairs):
        base_code, unit = key // len(texts) - 1, units[key % len(texts)]
        if unit is None or unit is _BAD:
            continue
        bare_rate = _is_rate(unit) and (unit * day).dimensionless
        if base_code < 0 and not bare_rate:
            continue
        if bare_rate:  # a rate with nothing counted: in the quantity's unit, per day
            goal = ureg.dimensionless / day
        else:
            base_unit = parse_unit(names[base_code])
            goal = base_unit / day if _is_rate(unit) else base_unit
        if unit.dimensionality != goal.dimensionality:
            also = f" is also given in {names[base_code]}, a different dimension"
            problems.add(pair_codes == pair, "unit", written,
                         np.asarray(table["quantity"], dtype=object) + also)
            continue
        factor = Fraction(1) if unit == goal else conversion_factor(unit, goal)
        at = np.flatnonzero(pair_codes == pair)
        for rows_at, row_factor in _calendar_factors(unit, factor, at, table):
            if row_factor == 1:
                continue
            converted = IntervalArray._raw(low[rows_at], high[rows_at]) * row_factor
            low[rows_at], high[rows_at] = converted.low, converted.high
            best[rows_at] = best[rows_at] * float(row_factor)
    table["low"], table["high"], table["best"] = low, high, best
    return rate


#: the times a rate may be per that have a calendar length of their own: month, year
_CALENDAR = {"month": "datetime64[M]", "year": "datetime64[Y]"}


def _calendar_factors(unit: Any, factor: Fraction, rows: NDArray[np.intp], table: dict[str, Any],
                      ) -> list[tuple[NDArray[np.intp], Fraction]]:
    """The factors that turn the values of `rows` (in `unit`) into their goal unit per day.

    A rate per month (or per year) over a period of whole calendar months (years) is that
    many of the period's own months (years): ``1,000 a month`` over October is 1,000 over
    its 31 days. Otherwise a month is pint's, a twelfth of 365.25 days (30.4375). A rate
    with no period is over its ``as_of`` (as the table reads it). `factor` is pint's.
    """
    per = _per_time(unit)
    if not _is_rate(unit) or str(per) not in _CALENDAR:
        return [(rows, factor)]
    has_period = table["period_start"][rows] != MISSING
    start = np.where(has_period, table["period_start"][rows], table["as_of_start"][rows])
    end = np.where(has_period, table["period_end"][rows], table["as_of_end"][rows])
    known = (start != MISSING) & (end != MISSING)
    start = np.where(known & ~has_period, start - 1, start)
    start_day, end_day = start.astype("datetime64[D]"), end.astype("datetime64[D]")
    step = _CALENDAR[str(per)]
    start_step, end_step = start_day.astype(step), end_day.astype(step)
    whole = (known & (end > start) & (start_step.astype("datetime64[D]") == start_day)
             & (end_step.astype("datetime64[D]") == end_day))
    if not whole.any():
        return [(rows, factor)]
    count = np.where(whole, (end_step - start_step).astype(np.int64), 0)
    days = np.where(whole, end - start, 0)
    per_length = conversion_factor(per, ureg.day)  # days in pint's month or year
    groups, group_of = np.unique(np.stack([count, days]), axis=1, return_inverse=True)
    found = []
    for at, (months, length) in enumerate(groups.T.tolist()):
        chosen = rows[group_of.ravel() == at]
        found.append((chosen, factor if length == 0 else factor * per_length * months / length))
    return found


def read_claims(path_or_frame: str | Path | pd.DataFrame, *, lexicon: Any = None,
                halo: str = "digits", skip_invalid: bool = False, delimiter: str = ",") -> Claims:
    """Read claims from a DataFrame or files (a CSV or Parquet file, a folder or a glob of
    them: `estimates.claimfiles`) into a validated claims table.

    Raises `ClaimsError` listing every problem; with ``skip_invalid=True`` bad rows are kept
    with their ``problem`` (and NaN bounds) instead.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": ["a", "a"], "quantity": ["x", "y"], "low": ["1", "oops"],
    ...                       "as_of": ["2024-01-01", "2024-13"]})
    >>> try:
    ...     read_claims(frame)
    ... except ClaimsError as error:
    ...     print(error.problems[["line", "column"]].values.tolist())
    [[3, 'as_of'], [3, 'id'], [3, 'low']]
    """
    with given_back():  # the memory it takes goes back to the system when freed
        return _read_claims(path_or_frame, lexicon, halo, skip_invalid, delimiter)


def _read_claims(path_or_frame: str | Path | pd.DataFrame, lexicon: Any, halo: str,
                 skip_invalid: bool, delimiter: str) -> Claims:
    source = "<frame>"
    if isinstance(path_or_frame, pd.DataFrame):
        # the columns outside the schema are not copied (100,000 of them took seconds)
        names = [str(c).strip().lower() for c in path_or_frame.columns]
        unknown = [name for name in names if name not in {*_COLUMNS, *_KEPT}]
        raw = path_or_frame.iloc[:, [k for k, name in enumerate(names)
                                     if name in {*_COLUMNS, *_KEPT, "line", "problem"}]]
        raw = raw.reset_index(drop=True)
        if "line" in raw and "problem" in raw:
            lines = raw["line"].to_numpy(np.int64)
        else:
            lines = np.arange(2, len(raw) + 2, dtype=np.int64)
    else:
        source = str(path_or_frame)
        unknown = []
        raw, lines = read_claim_files(path_or_frame, delimiter, {*_COLUMNS, *_KEPT}, unknown)
    _warn_unknown_columns(unknown, source)
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    problems = _Problems(lines)
    header = _header_problems(raw, unknown)
    raw = raw.loc[:, ~raw.columns.duplicated()]  # a column named twice is reported, not read
    texts = {c: _text(raw, c, all_text=source != "<frame>") for c in _COLUMNS}
    kept = {c: _kept_text(raw, c) for c in _KEPT}
    del raw
    _check_ids(texts, problems)
    table = _read_values(texts, problems, lexicon, halo)
    _read_times(texts, table, problems)
    day_rates = _read_quantities(texts, table, problems)
    _warn_day_rates(lines[day_rates & ~problems.bad], source)
    table["weight"] = _weights(texts, problems)
    table["source"] = _source(texts)
    table.update(kept)
    return _finish(texts, table, lines, problems, header, source, skip_invalid)


#: text only kept and written, nearly every cell different: held by Arrow (`KEPT_TEXT`)
_KEPT = ("quote", "note")
_COLUMNS = ("id", "quantity", "low", "high", "best", "unit", "kind",
            *(c for c in TEXT_COLUMNS if c not in _KEPT))


def _warn_unknown_columns(unknown: list[str], source: str) -> None:
    """One warning for all the columns outside the schema, naming the first few."""
    if not unknown:
        return
    names = first_few([repr(name) for name in unknown])
    count = f"{len(unknown):,} unknown columns are" if len(unknown) > 1 else "unknown column is"
    warnings.warn(f"{source}:1: {count} ignored: {names}", UnknownColumnWarning, stacklevel=4)


def _header_problems(raw: pd.DataFrame, unknown: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Problems of the header: required columns missing (naming an unknown column that looks
    like a misspelling of one), a column named twice.

    >>> _header_problems(pd.DataFrame(columns=["id", "value", "as_of"]), ["quantty"])
    [('quantity', "is a required column and is missing (the header has 'quantty': misspelt?)")]
    """
    names = pd.Series(raw.columns)
    twice = names[names.duplicated(keep=False)]
    found = [(str(name), f"is named more than once in the header (columns "
                f"{', '.join(str(p + 1) for p in positions)}): keep one")
               for name, positions in twice.groupby(twice, sort=False).groups.items()]
    missing = [(c, "is a required column and is missing") for c in ("id", "quantity") if c not in raw]
    if "value" not in raw and "low" not in raw and "high" not in raw:
        missing.append(("value", "is a required column (or low/high) and is missing"))
    if "as_of" not in raw and "published" not in raw:
        missing.append(("as_of", "is a required column (or published) and is missing"))
    keys = {str(u).strip().lower().replace(" ", "_"): str(u) for u in unknown}
    for column, problem in missing:
        near = difflib.get_close_matches(column, list(keys), n=1, cutoff=0.75)
        found.append((column, problem + (f" (the header has {keys[near[0]]!r}: misspelt?)" if near else "")))
    return found


def _check_ids(texts: dict[str, _Text], problems: _Problems) -> None:
    ids = texts["id"]
    empty = ids.empty()
    problems.add(empty, "id", ids, "is empty: every claim needs an id")
    first = _first_of_each(ids.codes, len(ids.texts))[ids.codes]
    duplicated = (first != np.arange(len(first))) & ~empty
    problems.add(duplicated, "id", ids, lambda rows: [
        f"duplicate id (first on line {line})" for line in problems.lines[first[rows]]])
    problems.add(texts["quantity"].empty(), "quantity", texts["quantity"], "is empty")


def _read_values(texts: dict[str, _Text], problems: _Problems, lexicon: Any,
                 halo: str) -> dict[str, Any]:
    value = texts["value"]
    low_empty, high_empty = texts["low"].empty(), texts["high"].empty()
    bounds_given = ~low_empty | ~high_empty
    use_value = ~bounds_given & ~value.empty()
    problems.add(~bounds_given & ~use_value, "value", value, "is empty and there is no low or high")
    # Each distinct value is read once; rows that give bounds ignore it.
    parsed = _parse_values(value.texts, lexicon, halo)
    error = parsed["error"].astype(object).where(parsed["error"].notna(), None).to_numpy()
    failed = np.array([e is not None for e in error], dtype=bool)
    message = np.array(["cannot be read: " + str(e) if e is not None else None for e in error],
                       dtype=object)
    problems.add(use_value & value.each(failed), "value", value, value.each(message))
    parsed_unit = np.append(parsed["unit"].fillna("").astype(str).to_numpy(object), "")
    parsed_kind = np.append(parsed["kind"].fillna("count").astype(str).to_numpy(object), "count")
    value_codes = np.where(use_value, value.codes, len(value.texts))  # the last entry: not used
    low, bad_low = _numbers(texts["low"], lexicon)
    high, bad_high = _numbers(texts["high"], lexicon)
    problems.add(bad_low, "low", texts["low"], "is not a finite number")
    problems.add(bad_high, "high", texts["high"], "is not a finite number")
    low = np.where(low_empty, -np.inf, low)
    high = np.where(high_empty, np.inf, high)
    problems.add(bounds_given & (low > high), "high", texts["high"],
                 lambda rows: ["is below low " + text for text in texts["low"].cells[rows]])
    best, bad_best = _numbers(texts["best"], lexicon)
    problems.add(bad_best, "best", texts["best"], "is not a finite number")
    unit = texts["unit"]
    written = _written_units(unit, parsed_unit, parsed_kind == "ratio", value_codes, problems)

    def read(column: str, unused: Any) -> NDArray[Any]:
        return np.append(parsed[column].to_numpy(), unused)[value_codes]

    return {"low": np.where(bounds_given, low, read("low", np.nan).astype(np.float64)),
            "high": np.where(bounds_given, high, read("high", np.nan).astype(np.float64)),
            "low_open": read("low_open", False).astype(bool),
            "high_open": read("high_open", False).astype(bool),
            "best": best, "written_unit": written, "unit_given": ~unit.empty(),
            "parsed_kind": parsed_kind[value_codes]}


def _written_units(unit: _Text, parsed_unit: NDArray[np.object_], ratio: NDArray[np.bool_],
                   value_codes: NDArray[np.intp], problems: _Problems) -> _Text:
    """The unit each row is written in, as codes: the unit column, else the value's own unit.

    A rate in the value keeps its time when the column gives only what is counted (column
    ``person``, value ``about 1,000 a month``: person / month), and the column's count goes
    to a value without one (column ``/month``, value ``1,000 troops``: person / month). A
    column that says otherwise than the value (another time, another dimension, a count for
    a ratio) is a problem of the row. Worked once per (column text, value unit) pair.
    """
    # the value's unit and whether it is a ratio, per value text (the last: rows with no value)
    value_codes_by_unit, value_units = pd.factorize(np.where(ratio, parsed_unit + "\0ratio", parsed_unit))
    width = len(value_units)
    pair = unit.codes * width + value_codes_by_unit[value_codes]
    used = np.flatnonzero(np.bincount(pair, minlength=len(unit.texts) * width))
    combined = np.empty(len(used), dtype=object)
    disagrees = np.full(len(used), None, dtype=object)
    for at, key in enumerate(used):
        value, _, is_ratio = str(value_units[key % width]).partition("\0")
        combined[at], disagrees[at] = _written_unit(unit.texts[key // width], value, is_ratio != "")
    pair_code = np.zeros(len(unit.texts) * width, dtype=np.intp)
    pair_code[used] = np.arange(len(used))
    row_pair = pair_code[pair]
    problems.add(pd.notna(disagrees)[row_pair], "unit", unit, disagrees[row_pair])
    codes, distinct = pd.factorize(combined)
    return _Text(codes[row_pair], np.asarray(distinct, dtype=object))


def _written_unit(column: str, value: str, ratio: bool) -> tuple[str, str | None]:
    """The unit of a row from its unit column and its value's unit, and how they disagree.

    >>> _written_unit("person", "1 / month", False)
    ('person / month', None)
    >>> _written_unit("person / day", "1 / month", False)[1]
    'disagrees with the value, which is per month'
    """
    if column == "" or (value in ("", "dimensionless") and not ratio):
        return (column or value), None
    try:
        given, read = parse_unit(column), parse_unit(value)
    except EstimatesError:
        return column, None  # the column's own problem is reported with the other units
    if ratio:
        return column, None if given.dimensionless else "disagrees with the value, a ratio"
    given_per, read_per = _per_time(given), _per_time(read)
    given_count, read_count = _reduced(given * given_per), _reduced(read * read_per)
    if not read_count.dimensionless and read_count.dimensionality != given_count.dimensionality \
            and not given_count.dimensionless:
        return column, f"disagrees with the value, which counts {read_count}"
    if not read_per.dimensionless and not given_per.dimensionless and read_per != given_per:
        return column, f"disagrees with the value, which is per {read_per}"
    if read_per.dimensionless and (read_count.dimensionless or not given_count.dimensionless):
        return column, None  # the column says all
    count = read_count if given_count.dimensionless else given_count
    return str(count / (given_per if read_per.dimensionless else read_per)), None


def _per_time(unit: Any) -> Any:
    """The time a unit is per: month for person / month, dimensionless when it is no rate.

    >>> str(_per_time(parse_unit("person / month"))), str(_per_time(parse_unit("person")))
    ('month', 'dimensionless')
    """
    per = ureg.dimensionless
    for name, power in unit._units.items():
        if power < 0 and ureg.Unit(name).dimensionality == _TIME:
            per = per * ureg.Unit(name) ** -power
    return per


def _read_times(texts: dict[str, _Text], table: dict[str, Any], problems: _Problems) -> None:
    as_of, published, period = texts["as_of"], texts["published"], texts["period"]
    start, end, error = read_instants(as_of.texts)
    problems.add(as_of.each([e is not None for e in error]), "as_of", as_of, as_of.each(error))
    _p_start, p_end, p_error = read_periods(published.texts)
    problems.add(published.each([e is not None for e in p_error]), "published", published,
                 published.each(p_error))
    use_published = as_of.empty()
    no_published = published.empty()
    problems.add(use_published & no_published, "as_of", as_of,
                 "is empty and there is no published date to stand in")
    table["as_of_start"] = np.where(use_published, p_end[published.codes], start[as_of.codes])
    table["as_of_end"] = np.where(use_published, p_end[published.codes], end[as_of.codes])
    table["as_of_from_published"] = use_published & ~no_published
    period_start, period_end, period_error = read_periods(period.texts)
    problems.add(period.each([e is not None for e in period_error]), "period", period,
                 period.each(period_error))
    table["period_start"], table["period_end"] = period.each(period_start), period.each(period_end)


def _read_quantities(texts: dict[str, _Text], table: dict[str, Any],
                     problems: _Problems) -> NDArray[np.bool_]:
    """Quantity names and expressions, units, measures and kinds; the rows that are rates
    with no period dated to one day (read as the rate over that day)."""
    quantity = texts["quantity"]
    written_names = pd.Series(quantity.texts, dtype=object)  # each distinct name is read once
    expression = _is_expression(written_names).to_numpy(bool)
    problem = np.array([_expression_problem(t) if e else None
                        for t, e in zip(written_names, expression, strict=True)], dtype=object)
    problems.add(quantity.each(pd.notna(problem)), "quantity", quantity, quantity.each(problem))
    names = written_names.copy()
    names[expression] = [" ".join(name.split()) for name in written_names[expression]]
    # expressions spaced alike become one; the reconciler takes the codes, not the names
    table["quantity"] = as_categorical(quantity.codes, names.to_numpy(object))
    quantity_codes = table["quantity"].codes.astype(np.intp)
    table["expression"] = is_expression = quantity.each(expression)
    rate = _settle_units(table, table["written_unit"], table["unit_given"], problems, quantity_codes,
                         texts["value"])
    rate = rate | (table["parsed_kind"] == "rate")
    has_period = table["period_start"] != MISSING
    table["measure"] = as_categorical(np.where(rate, 2, has_period.astype(np.intp)), _MEASURES)
    no_period_rate = rate & ~has_period
    table["period_start"] = np.where(no_period_rate, table["as_of_start"] - 1, table["period_start"])
    table["period_end"] = np.where(no_period_rate, table["as_of_end"], table["period_end"])
    count = ~is_expression & (table["parsed_kind"] != "ratio")
    low = table["low"]
    negative = count & (low < 0) & np.isfinite(low)
    from_bounds = texts["value"].empty()
    for column, where in (("value", ~from_bounds), ("low", from_bounds)):
        problems.add(negative & where, column, texts[column],
                     "is negative: a count cannot be below zero")
    negative_high = count & (table["high"] < 0) & ~negative & from_bounds  # no low, or low >= 0
    problems.add(negative_high, "high", texts["high"], "is negative: a count cannot be below zero")
    _settle_kinds(texts, table, problems, rate | has_period, quantity_codes)
    return np.asarray(no_period_rate & (table["as_of_end"] == table["as_of_start"]), dtype=bool)


def _is_expression(names: pd.Series) -> pd.Series:
    """True where a quantity is not a plain dotted name (so it is read as an expression)."""
    plain = names.str.fullmatch(r"[A-Za-z_]\w*(?:\.\w+)*") & ~names.str.contains("__", regex=False)
    return ~plain.astype(bool) & (names != "")


def _expression_problem(text: str) -> str | None:
    """Why an expression cannot be read, or None when it can."""
    try:
        expression = read_expression(text)
    except ExpressionError as error:
        return error.reason
    if not expression.names:
        return "names no quantity once simplified (it is a constant)"
    return None


_KIND_NAMES = np.array(["", *KINDS], dtype=object)
_MEASURES = np.array(["value", "increase", "rate"], dtype=object)


def _settle_kinds(texts: dict[str, _Text], table: dict[str, Any], problems: _Problems,
                  needs_total: NDArray[np.bool_], quantity: NDArray[np.intp]) -> None:
    kind = texts["kind"]
    lower = [text.lower() for text in kind.texts]
    problems.add(kind.each([t not in ("", *KINDS) for t in lower]), "kind", kind,
                 "is not one of level, cumulative")
    known = kind.each([KINDS.index(t) + 1 if t in KINDS else 0 for t in lower])  # 0: not given
    # The kind first given for each quantity (by row order), 0 where none is given.
    size = quantity.max() + 1 if len(quantity) else 0
    given = np.flatnonzero(known)
    settled = np.append(known[given], 0)[_first_of_each(quantity[given], size)][quantity]
    problems.add((known != 0) & (known != settled), "kind", kind, lambda rows: [
        f"differs from the kind {k} given on another row for this quantity"
        for k in _KIND_NAMES[settled[rows]]])
    totals = np.zeros(size, dtype=bool)
    totals[quantity[needs_total]] = True
    settled = np.where(settled != 0, settled, np.where(totals[quantity], 2, 1))
    table["kind"] = as_categorical(settled, _KIND_NAMES)
    period, value = texts["period"], texts["value"]
    level = needs_total & (settled == 1) & ~table["expression"]
    if level.any():
        problems.add(level, "period", np.where(period.empty(), value.cells, period.cells),
                     "an increase or a rate needs a cumulative quantity, but this one is level")


def _finish(texts: dict[str, _Text], table: dict[str, Any], lines: NDArray[np.int64],
            problems: _Problems, header: list[tuple[str, str]], source: str,
            skip_invalid: bool) -> Claims:
    found = problems.table()
    if header:
        head = pd.DataFrame({"row": -1, "line": 1, "column": [c for c, _ in header],
                             "value": "", "problem": [p for _, p in header]})
        found = found[~found["column"].isin(head["column"])]  # not "is empty" on every row as well
        found = pd.concat([head, found], ignore_index=True)
    if len(found) and (not skip_invalid or header):
        raise ClaimsError(found[list(PROBLEM_COLUMNS)].reset_index(drop=True), source)
    per_row = found[found["row"] >= 0].assign(text=found["column"] + ": " + found["problem"])
    joined = per_row.groupby("row")["text"].agg("; ".join)
    problem = np.full(len(lines), None, dtype=object)
    problem[joined.index.to_numpy()] = joined.to_numpy()
    table["problem"] = problem
    if problems.bad.any():
        _warn_invalid(lines[problems.bad], source)
        for column in ("low", "high", "best"):
            table[column] = np.where(problems.bad, np.nan, table[column])
    columns = [pd.Series(arrow_cells(*texts["id"]), name="id"),
               pd.Series(lines, name="line", copy=False)]
    for column in CLAIM_COLUMNS[2:]:
        if column in TEXT_COLUMNS and column in texts:
            values = as_categorical(texts[column].codes, texts[column].texts)
        else:
            values = table[column]
        dtype = bool if column == "expression" else values.dtype
        columns.append(pd.Series(values, dtype=dtype, name=column, copy=False))
    # Side by side, not consolidated: a consolidated table would copy every column once more.
    return _as_claims(pd.concat(columns, axis=1), source)


def _as_claims(table: pd.DataFrame, source: str = "<frame>") -> Claims:
    table.attrs["estimates"] = "claims"
    table.attrs["source"] = source  # the file the claims came from, for located messages
    return table


def is_claims_table(frame: pd.DataFrame) -> bool:
    """True for a table made by `read_claims` (it has every claim column)."""
    return all(column in frame.columns for column in CLAIM_COLUMNS)


def linear_of(quantity: str) -> Linear:
    """The linear form of a plain quantity name (a helper for the reconciler)."""
    return Linear(((quantity, Fraction(1)),))


