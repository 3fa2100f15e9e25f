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
``low_open``, ``high_open``, ``best``, ``unit`` (the quantity's unit), ``measure``
(``value`` at an instant, ``increase`` over the period, average ``rate`` per day over it),
``kind`` (``level`` or ``cumulative``), ``as_of_start``, ``as_of_end`` (day numbers, see
`estimates.timeline`), ``as_of_from_published``, ``period_start``, ``period_end``,
``weight``, ``source``, ``problem`` and the text columns as written (``value``,
``as_of``, ``period``, ``claimant``, ``outlet``, ``published``, ``document``, ``quote``,
``confidence``, ``grade``, ``note``).

Weights. A claim weighs 1 unless graded: the Admiralty letter (source reliability) gives
A 1.0, B 0.9, C 0.75, D 0.5, E 0.25, F 0.6 (cannot be judged: between D and C), the digit
(information credibility) 1 1.0, 2 0.9, 3 0.75, 4 0.5, 5 0.25, 6 0.6, and the confidence
its probability (a number, a percentage, or estimative words read at the middle of their
range: "highly likely" 0.85); the weight is their product. Sources: the ``source`` key is
the claimant (case and spacing ignored), else the outlet, else the document, else the claim
itself, so several outlets repeating one claimant are one source.

>>> import pandas as pd
>>> table = read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x.troops"], "low": ["10"],
...                                   "high": ["20"], "as_of": ["2024-10"], "grade": ["B2"]}))
>>> [float(table.loc[0, c]) for c in ("low", "high", "weight")], table.loc[0, "kind"]
([10.0, 20.0, 0.81], 'level')
"""

from __future__ import annotations

import re
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.confidence import estimative_probability
from estimates.csvfile import read_csv_file
from estimates.errors import ClaimsError, EstimatesError, ExpressionError
from estimates.expression import Linear, read_expression
from estimates.interval import IntervalArray
from estimates.timeline import MISSING, read_instants, read_periods
from estimates.units import conversion_factor, parse_unit, ureg

__all__ = ["CLAIM_COLUMNS", "PROBLEM_COLUMNS", "Claims", "UnknownColumnWarning", "read_claims"]

#: A claims table is a DataFrame with `CLAIM_COLUMNS`.
Claims: TypeAlias = pd.DataFrame

TEXT_COLUMNS = ("value", "as_of", "period", "claimant", "outlet", "published", "document",
                "quote", "confidence", "grade", "note")
CLAIM_COLUMNS = ("id", "line", "quantity", "expression", "low", "high", "low_open", "high_open",
                 "best", "unit", "measure", "kind", "as_of_start", "as_of_end",
                 "as_of_from_published", "period_start", "period_end", "weight", "source",
                 "problem", *TEXT_COLUMNS)
PROBLEM_COLUMNS = ("line", "column", "value", "problem")
KINDS = ("level", "cumulative")

RELIABILITY = {"A": 1.0, "B": 0.9, "C": 0.75, "D": 0.5, "E": 0.25, "F": 0.6}
CREDIBILITY = {"1": 1.0, "2": 0.9, "3": 0.75, "4": 0.5, "5": 0.25, "6": 0.6}
_GRADE = re.compile(r"([A-F])?\s*([1-6])?", re.IGNORECASE)
_PROBABILITY = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(%?)")


class UnknownColumnWarning(UserWarning):
    """A column that is not in the claims schema; it is read and ignored."""


class _Problems:
    """Collects problems row by row; knows which rows are bad."""

    def __init__(self, lines: NDArray[np.int64]) -> None:
        self.lines = lines
        self.parts: list[pd.DataFrame] = []
        self.bad = np.zeros(len(lines), dtype=bool)

    def add(self, mask: NDArray[np.bool_] | pd.Series, column: str,
            values: Any, problem: Any) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        values = np.asarray(values, dtype=object)
        values = values[rows] if values.ndim and values.size == len(mask) else values
        problems = np.asarray(problem, dtype=object)
        problems = problems[rows] if problems.ndim and problems.size == len(mask) else problems
        self.bad[rows] = True
        self.parts.append(pd.DataFrame({"row": rows, "line": self.lines[rows], "column": column,
                                        "value": values, "problem": problems}))

    def table(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({"row": pd.Series(dtype=np.int64),
                                 **{c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}})
        table = pd.concat(self.parts, ignore_index=True)
        table["value"] = table["value"].map(lambda v: "" if v is None else str(v))
        return table.sort_values(["line", "column"], kind="stable").reset_index(drop=True)


def _per_distinct(values: pd.Series, function: Any) -> pd.Series:
    """`function` (vectorised, Series to Series) applied to each distinct value once."""
    codes, uniques = pd.factorize(values)
    done = function(pd.Series(uniques, dtype=object)).to_numpy()
    return pd.Series(done[codes], index=values.index)


_FREE_TEXT = ("quote", "note", "document", "claimant", "outlet")


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text ("" where missing); each distinct cell is handled once."""
    if column not in frame:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    values = frame[column]
    if values.dtype == object or not pd.api.types.is_string_dtype(values) or values.isna().any():
        values = values.astype(object).where(values.notna(), "").astype(str)
    if column in _FREE_TEXT:
        return values.astype(object)  # kept as written; the source key is normalised on its own
    if column == "id":
        return values.str.strip().astype(object)  # nearly all distinct: strip directly
    return _per_distinct(values, lambda u: u.str.strip()).astype(object)


def _numbers(text: pd.Series) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Numbers from text; empty is NaN; also a mask of the non-empty cells that are not numbers."""
    codes, uniques = pd.factorize(text)
    distinct = pd.Series(uniques, dtype=object)
    cleaned = distinct.str.replace(",", "", regex=False).str.replace("_", "", regex=False)
    numbers = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").to_numpy(np.float64)
    # NaN, and numbers too large for a float (they would silently become infinite), are bad.
    bad = (distinct != "").to_numpy() & (np.isnan(numbers) | np.isinf(numbers))
    return numbers[codes], bad[codes]


def _grade_weight(grade: str) -> float | None:
    match = _GRADE.fullmatch(grade.strip())
    if match is None or not any(match.groups()):
        return None
    letter, digit = match.groups()
    return (RELIABILITY[letter.upper()] if letter else 1.0) * (CREDIBILITY[digit] if digit else 1.0)


def _confidence_weight(text: str) -> float | None:
    match = _PROBABILITY.fullmatch(text.strip())
    if match is not None:
        value = float(match.group(1)) / (100 if match.group(2) else 1)
        return value if 0 <= value <= 1 else None
    try:
        interval = estimative_probability(text)
    except (EstimatesError, ValueError, TypeError):
        return None
    return float(interval.low / 2 + interval.high / 2)


def _weights(frame: pd.DataFrame, problems: _Problems) -> NDArray[np.float64]:
    weight = np.ones(len(frame))
    for column, reader, what in (("grade", _grade_weight, "an Admiralty grade such as B2"),
                                 ("confidence", _confidence_weight, "a probability or estimative words")):
        text = frame[column]
        codes, uniques = pd.factorize(text)
        read = np.array([1.0 if u == "" else (reader(u) if reader(u) is not None else np.nan)
                         for u in uniques], dtype=np.float64)
        factor = read[codes] if len(uniques) else np.ones(len(frame))
        bad = np.isnan(factor)
        problems.add(bad, column, text, f"is not {what}")
        weight = weight * np.where(bad, 1.0, factor)
    return weight


def _source(frame: pd.DataFrame) -> pd.Series:
    key = frame["claimant"]
    for column in ("outlet", "document"):
        key = key.where(key != "", frame[column])
    key = _per_distinct(key, lambda u: u.str.lower().str.split().str.join(" "))
    return key.where(key != "", "claim " + frame["id"])


def _parse_values(values: pd.Series, lexicon: Any, halo: str) -> pd.DataFrame:
    from estimates.parse import parse_many

    if values.empty:
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
    return unit is not None and unit.dimensionality.get("[time]", 0) == -1


def _settle_units(
    table: pd.DataFrame, written: pd.Series, problems: _Problems, quantity_codes: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], pd.Series, NDArray[np.bool_]]:
    """Convert each row to its quantity's unit (rates to unit per day), outward.

    A quantity's unit is the count unit written most often for it (on a tie, the first written); each
    distinct written unit is read once, and conversions run per distinct (unit, target)
    pair over all its rows at once.
    """
    low = table["low"].to_numpy(np.float64).copy()
    high = table["high"].to_numpy(np.float64).copy()
    best = table["best"].to_numpy(np.float64).copy()
    codes, texts = pd.factorize(written)
    units: list[Any] = []
    for text in texts:
        try:
            units.append(_unit_of(text))
        except EstimatesError:
            units.append("bad")
    bad_unit = np.array([u == "bad" for u in units] + [False], dtype=bool)[codes]
    problems.add(bad_unit & (table["unit_column"] != "").to_numpy(), "unit", written,
                 "is not a unit estimates knows")
    problems.add(bad_unit & (table["unit_column"] == "").to_numpy(), "value", written,
                 "has a unit estimates does not know")
    day = ureg.day
    is_rate = [u is not None and u != "bad" and _is_rate(u) for u in units]
    rate = np.array([*is_rate, False], dtype=bool)[codes]
    # The count unit each written unit stands for ("" for none, or "per day" with no unit).
    counted = [("" if u is None or u == "bad" or (r and (u * day).dimensionless)
                else str(_reduced(u * day)) if r else str(u)) for u, r in zip(units, is_rate, strict=True)]
    count_codes, count_names = pd.factorize(np.array([*counted, ""], dtype=object)[codes])
    count_names = np.asarray(count_names, dtype=object)
    has_count = count_names[count_codes] != ""
    tally = (pd.DataFrame({"q": quantity_codes[has_count], "u": count_codes[has_count],
                           "row": np.flatnonzero(has_count)})
             .groupby(["q", "u"]).agg(n=("row", "size"), first=("row", "min")).reset_index())
    # The unit written most often; on a tie, the one written first.
    tally = tally.sort_values(["q", "n", "first"], ascending=[True, False, True], kind="stable")
    base = tally.drop_duplicates("q")
    base_of = np.full(quantity_codes.max() + 2 if len(quantity_codes) else 1, -1, dtype=np.int64)
    base_of[base["q"].to_numpy()] = base["u"].to_numpy()
    row_base = base_of[quantity_codes]
    names = np.append(count_names, "dimensionless")
    target = pd.Series(names[row_base], index=table.index, dtype=object)
    pairs = pd.DataFrame({"base": row_base, "unit": codes})
    for (base_code, unit_code), rows in pairs.groupby(["base", "unit"], sort=False).indices.items():
        unit = units[unit_code] if unit_code >= 0 else None
        if unit is None or unit == "bad" or base_code < 0:
            continue
        base_unit = parse_unit(names[base_code])
        if _is_rate(unit):
            goal = (ureg.dimensionless / day) if (unit * day).dimensionless else base_unit / day
        else:
            goal = base_unit
        if (unit * day).dimensionless and _is_rate(unit):
            continue  # "per day" with no unit: already in the quantity's unit per day
        if unit.dimensionality != goal.dimensionality:
            mask = np.zeros(len(table), dtype=bool)
            mask[rows] = True
            problems.add(mask, "unit", written, table["quantity"] + f" is also given in {base_unit}, "
                         "a different dimension")
            continue
        factor = conversion_factor(unit, goal)
        if factor == 1:
            continue
        converted = IntervalArray._raw(low[rows], high[rows]) * factor
        low[rows], high[rows] = converted.low, converted.high
        best[rows] = best[rows] * float(factor)
    return low, high, best, target, rate


def read_claims(path_or_frame: str | Path | pd.DataFrame, *, lexicon: Any = None,
                halo: str = "digits", skip_invalid: bool = False, delimiter: str = ",") -> Claims:
    """Read claims from a CSV file or a DataFrame into a validated claims table.

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
    source = "<frame>"
    if isinstance(path_or_frame, pd.DataFrame):
        raw = path_or_frame.reset_index(drop=True)
        if "line" in raw and "problem" in raw:
            lines = raw["line"].to_numpy(np.int64)
        else:
            lines = np.arange(2, len(raw) + 2, dtype=np.int64)
    else:
        source = str(path_or_frame)
        raw, lines = read_csv_file(Path(path_or_frame), delimiter)
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    _warn_unknown_columns(raw, source)
    problems = _Problems(lines)
    missing = _missing_columns(raw)
    frame = pd.DataFrame({c: _text(raw, c) for c in ("id", "quantity", "low", "high", "best",
                                                      "unit", "kind", *TEXT_COLUMNS)})
    _check_ids(frame, problems)
    table = _read_values(frame, problems, lexicon, halo)
    _read_times(frame, table, problems)
    _read_quantities(frame, table, problems)
    table["weight"] = _weights(frame, problems)
    table["source"] = _source(frame)
    return _finish(frame, table, lines, problems, missing, source, skip_invalid)


def _warn_unknown_columns(raw: pd.DataFrame, source: str) -> None:
    known = {"id", "quantity", "low", "high", "best", "unit", "kind", *TEXT_COLUMNS}
    for position, column in enumerate(raw.columns, start=1):
        if column not in known:
            warnings.warn(f"{source}:1:{column}: unknown column {column!r} (column {position}) "
                          "is ignored", UnknownColumnWarning, stacklevel=3)


def _missing_columns(raw: pd.DataFrame) -> list[tuple[str, str]]:
    missing = [(c, "is a required column and is missing") for c in ("id", "quantity")
               if c not in raw]
    if "value" not in raw and "low" not in raw and "high" not in raw:
        missing.append(("value", "is a required column (or low/high) and is missing"))
    if "as_of" not in raw and "published" not in raw:
        missing.append(("as_of", "is a required column (or published) and is missing"))
    return missing


def _check_ids(frame: pd.DataFrame, problems: _Problems) -> None:
    ids = frame["id"]
    problems.add(ids == "", "id", ids, "is empty: every claim needs an id")
    duplicated = ids.duplicated(keep="first") & (ids != "")
    if duplicated.any():
        lines = pd.Series(problems.lines, index=frame.index)
        first_line = lines.groupby(ids).transform("first")
        problems.add(duplicated, "id", ids, "duplicate id (first on line " + first_line.astype(str) + ")")
    problems.add(frame["quantity"] == "", "quantity", frame["quantity"], "is empty")


def _read_values(frame: pd.DataFrame, problems: _Problems, lexicon: Any, halo: str) -> pd.DataFrame:
    size = len(frame)
    bounds_given = ((frame["low"] != "") | (frame["high"] != "")).to_numpy()
    use_value = ~bounds_given & (frame["value"] != "").to_numpy()
    problems.add(~bounds_given & ~use_value, "value", frame["value"],
                 "is empty and there is no low or high")
    table = pd.DataFrame(index=frame.index)
    table["low"], table["high"] = np.nan, np.nan
    table["low_open"], table["high_open"] = False, False
    parsed_unit = pd.Series([""] * size, index=frame.index, dtype=object)
    parsed_kind = pd.Series(["count"] * size, index=frame.index, dtype=object)
    if use_value.any():
        rows = np.flatnonzero(use_value)
        parsed = _parse_values(frame["value"].iloc[rows], lexicon, halo)
        error = parsed["error"].astype(object).where(parsed["error"].notna(), None).to_numpy()
        failed = np.array([e is not None for e in error], dtype=bool)
        mask = np.zeros(size, dtype=bool)
        mask[rows[failed]] = True
        messages = np.full(size, None, dtype=object)
        messages[rows] = ["cannot be read: " + str(e) if e is not None else None for e in error]
        problems.add(mask, "value", frame["value"], messages)
        table.iloc[rows, table.columns.get_loc("low")] = parsed["low"].to_numpy(np.float64)
        table.iloc[rows, table.columns.get_loc("high")] = parsed["high"].to_numpy(np.float64)
        table.iloc[rows, table.columns.get_loc("low_open")] = parsed["low_open"].to_numpy(bool)
        table.iloc[rows, table.columns.get_loc("high_open")] = parsed["high_open"].to_numpy(bool)
        parsed_unit.iloc[rows] = parsed["unit"].fillna("").astype(str).to_numpy()
        parsed_kind.iloc[rows] = parsed["kind"].fillna("count").astype(str).to_numpy()
    low, bad_low = _numbers(frame["low"])
    high, bad_high = _numbers(frame["high"])
    problems.add(bad_low, "low", frame["low"], "is not a finite number")
    problems.add(bad_high, "high", frame["high"], "is not a finite number")
    low = np.where(frame["low"] == "", -np.inf, low)
    high = np.where(frame["high"] == "", np.inf, high)
    table["low"] = np.where(bounds_given, low, table["low"].to_numpy(np.float64))
    table["high"] = np.where(bounds_given, high, table["high"].to_numpy(np.float64))
    problems.add(bounds_given & (low > high), "high", frame["high"],
                 "is below low " + frame["low"])
    best, bad_best = _numbers(frame["best"])
    problems.add(bad_best, "best", frame["best"], "is not a finite number")
    table["best"] = best
    table["unit_column"] = frame["unit"]
    table["written_unit"] = frame["unit"].where(frame["unit"] != "", parsed_unit)
    table["parsed_kind"] = parsed_kind
    return table


def _read_times(frame: pd.DataFrame, table: pd.DataFrame, problems: _Problems) -> None:
    start, end, error = read_instants(frame["as_of"])
    problems.add(np.array([e is not None for e in error]), "as_of", frame["as_of"], error)
    _p_start, p_end, p_error = read_periods(frame["published"])
    problems.add(np.array([e is not None for e in p_error]), "published", frame["published"], p_error)
    use_published = (frame["as_of"] == "").to_numpy()
    problems.add(use_published & (frame["published"] == "").to_numpy(), "as_of", frame["as_of"],
                 "is empty and there is no published date to stand in")
    table["as_of_start"] = np.where(use_published, p_end, start)
    table["as_of_end"] = np.where(use_published, p_end, end)
    table["as_of_from_published"] = use_published & (frame["published"] != "").to_numpy()
    period_start, period_end, period_error = read_periods(frame["period"])
    problems.add(np.array([e is not None for e in period_error]), "period", frame["period"],
                 period_error)
    table["period_start"], table["period_end"] = period_start, period_end


def _read_quantities(frame: pd.DataFrame, table: pd.DataFrame, problems: _Problems) -> None:
    quantity = frame["quantity"]
    codes, written_names = pd.factorize(quantity)  # each distinct name is read once
    written_names = pd.Series(written_names, dtype=object)
    expression = _is_expression(written_names).to_numpy(bool)
    problem = np.array([_expression_problem(t) if e else None
                        for t, e in zip(written_names, expression, strict=True)] + [None], dtype=object)
    problems.add(pd.notna(problem[codes]), "quantity", quantity, problem[codes])
    names = written_names.where(~expression, written_names.str.split().str.join(" "))
    name_codes, distinct = pd.factorize(names)  # expressions spaced alike become one
    table["quantity"] = np.asarray(distinct, dtype=object)[name_codes][codes]
    is_expression = np.append(expression, False)[codes]
    table["expression"] = is_expression
    quantity_codes = np.append(name_codes, -1)[codes]
    low, high, best, unit, rate = _settle_units(table, table["written_unit"], problems,
                                                quantity_codes)
    table["low"], table["high"], table["best"], table["unit"] = low, high, best, unit
    rate = rate | (table["parsed_kind"] == "rate").to_numpy()
    has_period = table["period_start"].to_numpy() != MISSING
    table["measure"] = np.where(rate, "rate", np.where(has_period, "increase", "value"))
    no_period_rate = rate & ~has_period
    table["period_start"] = np.where(no_period_rate, table["as_of_start"] - 1,
                                     table["period_start"])
    table["period_end"] = np.where(no_period_rate, table["as_of_end"], table["period_end"])
    count = ~table["expression"].to_numpy() & (table["parsed_kind"] != "ratio").to_numpy()
    negative = count & (low < 0) & np.isfinite(low)
    from_bounds = (frame["value"] == "").to_numpy()
    for column, where in (("value", ~from_bounds), ("low", from_bounds)):
        problems.add(negative & where, column, frame[column],
                     "is negative: a count cannot be below zero")
    _settle_kinds(frame, table, problems, rate | has_period, quantity_codes)


def _is_expression(names: pd.Series) -> pd.Series:
    """True where a quantity is not a plain dotted name (so it is read as an expression)."""
    plain = names.str.fullmatch(r"[A-Za-z_]\w*(?:\.\w+)*") & ~names.str.contains("__", regex=False)
    return ~plain.astype(bool) & (names != "")


def _expression_problem(text: str) -> str | None:
    """Why an expression cannot be read, or None when it can."""
    try:
        read_expression(text)
    except ExpressionError as error:
        return error.reason
    return None


def _settle_kinds(frame: pd.DataFrame, table: pd.DataFrame, problems: _Problems,
                  needs_total: NDArray[np.bool_], quantity: NDArray[np.int64]) -> None:
    kind = _per_distinct(frame["kind"], lambda u: u.str.lower())
    problems.add(~kind.isin(("", *KINDS)), "kind", frame["kind"], "is not one of level, cumulative")
    known = kind.where(kind.isin(KINDS), "").to_numpy(object)
    given = known != ""
    # The kind first given for each quantity (by row order), "" where none is given.
    first_row = np.full(quantity.max() + 1 if len(quantity) else 0, len(known), dtype=np.int64)
    np.minimum.at(first_row, quantity[given], np.flatnonzero(given))
    settled = np.append(known, "")[first_row][quantity]
    problems.add(given & (known != settled), "kind", frame["kind"],
                 "differs from the kind " + pd.Series(settled, index=table.index)
                 + " given on another row for this quantity")
    totals = np.zeros(len(first_row), dtype=bool)
    np.logical_or.at(totals, quantity, needs_total)
    default = np.where(totals[quantity], "cumulative", "level")
    table["kind"] = np.where(settled != "", settled, default)
    problems.add(needs_total & (table["kind"] == "level").to_numpy() & ~table["expression"],
                 "period", frame["period"].where(frame["period"] != "", frame["value"]),
                 "an increase or a rate needs a cumulative quantity, but this one is level")


def _finish(frame: pd.DataFrame, table: pd.DataFrame, lines: NDArray[np.int64],
            problems: _Problems, missing: list[tuple[str, str]], source: str,
            skip_invalid: bool) -> Claims:
    found = problems.table()
    if missing:
        head = pd.DataFrame({"row": -1, "line": 1, "column": [c for c, _ in missing],
                             "value": "", "problem": [p for _, p in missing]})
        found = pd.concat([head, found], ignore_index=True)
    if len(found) and (not skip_invalid or missing):
        raise ClaimsError(found[list(PROBLEM_COLUMNS)].reset_index(drop=True), source)
    out = pd.DataFrame({"id": frame["id"], "line": lines})
    for column in CLAIM_COLUMNS:
        if column in ("id", "line", "problem"):
            continue
        out[column] = frame[column] if column in TEXT_COLUMNS else table[column]
    per_row = found[found["row"] >= 0].assign(text=found["column"] + ": " + found["problem"])
    joined = per_row.groupby("row")["text"].agg("; ".join)
    problem = pd.Series([None] * len(out), index=out.index, dtype=object)
    problem.iloc[joined.index.to_numpy()] = joined.to_numpy()
    out["problem"] = problem
    bad = problems.bad
    out.loc[bad, ["low", "high", "best"]] = np.nan
    out["expression"] = out["expression"].astype(bool)
    return _as_claims(out[list(CLAIM_COLUMNS)].reset_index(drop=True))


def _as_claims(table: pd.DataFrame) -> Claims:
    table.attrs["estimates"] = "claims"
    return table


def is_claims_table(frame: pd.DataFrame) -> bool:
    """True for a table made by `read_claims` (it has every claim column)."""
    return all(column in frame.columns for column in CLAIM_COLUMNS)


def linear_of(quantity: str) -> Linear:
    """The linear form of a plain quantity name (a helper for the reconciler)."""
    return Linear(((quantity, Fraction(1)),))


