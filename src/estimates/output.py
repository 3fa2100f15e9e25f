"""Writing results: terminal tables, markdown, CSV and JSON, written atomically and safely.

Files are written to a temporary file beside the target and renamed into place, so a
reader never sees half a file and a failed run leaves no file at all. CSV and markdown
cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) are neutralised with a leading apostrophe.

>>> spreadsheet_safe(pd.DataFrame({"quote": ["=HYPERLINK(1)", "plain"], "n": [-1, 2]}))["quote"].tolist()
["'=HYPERLINK(1)", 'plain']
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from functools import partial
from itertools import repeat
from json.encoder import encode_basestring
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from estimates.destination import write_file
from estimates.formulas import FORMULA_STARTS

__all__ = [
    "atomic_write",
    "csv_text",
    "format_number",
    "joined_lists",
    "json_bytes",
    "json_document",
    "json_tables",
    "markdown_table",
    "parquet_table",
    "plural",
    "result_tables",
    "rounding_of",
    "spreadsheet_safe",
    "text_table",
]



def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[str]], object]) -> None:
    """Write a text file through `write(handle)`: all of it, or (on any error) nothing
    (`estimates.destination.write_file`: devices and fifos are streamed into).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write(target, lambda handle: handle.write("done\\n"))
    >>> target.read_text()
    'done\\n'
    """
    write_file(path, write)


def result_tables(result: Any) -> dict[str, pd.DataFrame]:
    """Every table of a result (a dataclass of tables, as `estimates.reconcile.Reconciliation`),
    by name in field order: what each output format writes, so a table added to the result
    reaches every format.

    >>> @dataclasses.dataclass
    ... class Result:
    ...     ranges: pd.DataFrame
    ...     note: str = ""
    >>> list(result_tables(Result(pd.DataFrame())))
    ['ranges']
    """
    tables = {}
    for field in dataclasses.fields(result):
        table = getattr(result, field.name)
        if hasattr(table, "columns") and hasattr(table, "dtypes"):  # pandas' or Dask's
            tables[field.name] = table
    return tables


def parquet_table(frame: pd.DataFrame) -> pa.Table:
    """A result table as Arrow, for Parquet: Categoricals as dictionaries of text, lists of
    ids as lists, unbounded ends as infinities (Parquet holds them); cells Arrow cannot hold
    (a lone surrogate, tuples) as text.

    >>> parquet_table(pd.DataFrame({"high": [float("inf")]})).column("high").to_pylist()
    [inf]
    """
    columns = {}
    for name in frame.columns:
        values = frame[name]
        try:
            array = pa.array(values, from_pandas=True)
            # a column of nothing but missing text (no problem in any claim) is still text
            columns[str(name)] = array.cast(pa.string()) if pa.types.is_null(array.type) else array
        except (pa.ArrowException, UnicodeEncodeError):
            text = _display(values) if values.dtype == object else values.astype(str).to_numpy(object)
            columns[str(name)] = pa.array(
                [cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for cell in text],
                pa.string())
    return pa.table(columns) if columns else pa.table({})


def _all_text(cells: NDArray[np.object_]) -> bool:
    return bool(pd.api.types.infer_dtype(cells, skipna=False) == "string")


def _each_text(cells: NDArray[np.object_], function: Callable[[str], str]) -> NDArray[np.object_]:
    """`function` of each text cell, once per distinct text where texts repeat."""
    sample = cells[:10_000]
    if len(pd.unique(sample)) < len(sample) // 2:
        return _per_distinct(cells, function)
    return np.array(list(map(function, cells)), dtype=object)


def _booleans(values: pd.Series, true: str, false: str) -> NDArray[np.object_]:
    return np.array([false, true], dtype=object)[values.to_numpy(bool).astype(np.intp)]


def _contains(cells: NDArray[np.object_], marks: str) -> bool:
    """True when any text cell holds any of the characters `marks`."""
    joined = "".join(cells)  # one scan of one string is far quicker than a call per cell
    return any(mark in joined for mark in marks)


_FORMULA_START = re.compile("^[" + re.escape("".join(FORMULA_STARTS)) + "]", re.MULTILINE)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (a leading ``'`` added)."""
    safe = frame.copy(deep=False)  # copy on write: changing a column leaves `frame` as it is
    for column in safe.columns:
        values = safe[column]
        if values.dtype.kind in "biufcmM" or _arrow_lists(values) is not None:
            continue  # a list is written joined (`joined_lists`), and checked then
        cells = values.to_numpy(object)
        text = _all_text(cells)
        if not text:
            cells = cells[~pd.isna(cells)]
            text = _all_text(cells)
        if text and _FORMULA_START.search("\n".join(cells)) is None:
            continue  # no cell starts like a formula: checked in one scan
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        if risky.any():  # as objects: a Categorical takes no text outside its categories
            safe[column] = values.astype(object).where(~risky, "'" + text)
    return safe


def _arrow_lists(values: pd.Series) -> pa.ListArray | pa.LargeListArray | None:
    """An Arrow list column of text (dictionary-encoded or not) as one Arrow array of lists of
    text; None for any other column."""
    dtype = values.dtype
    if not isinstance(dtype, pd.ArrowDtype):
        return None
    kind = dtype.pyarrow_dtype
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind)):
        return None
    item = kind.value_type
    text = item.value_type if pa.types.is_dictionary(item) else item
    if not (pa.types.is_string(text) or pa.types.is_large_string(text)):
        return None
    array = pa.array(values.array)
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if text != item:  # written out, not kept: each name as text
        array = array.cast(pa.list_(text) if pa.types.is_list(kind) else pa.large_list(text))
    return array


def _rebuilt(lists: pa.ListArray | pa.LargeListArray, items: pa.Array) -> pa.Array:
    """`lists` with their items replaced by `items` (one per item of ``lists.flatten()``)."""
    offsets = pc.subtract(lists.offsets, lists.offsets[0])  # a slice starts past 0
    return type(lists).from_arrays(offsets, items, mask=lists.is_null())


def joined_lists(values: pd.Series, separator: str, missing: str = "") -> NDArray[np.object_] | None:
    """Each cell of an Arrow list column of text (as `estimates.reconcile.ID_LISTS`) with
    its items joined by `separator` (missing lists and items empty), in one pass; None for
    any other column.

    >>> lists = pd.Series([["a", "b"], [], None], dtype=pd.ArrowDtype(pa.list_(pa.string())))
    >>> joined_lists(lists, "; ").tolist()
    ['a; b', '', '']
    """
    lists = _arrow_lists(values)
    if lists is None:
        return None
    if lists.flatten().null_count:  # a missing item is written empty
        lists = _rebuilt(lists, pc.fill_null(lists.flatten(), ""))
    joined = pc.binary_join(lists, pa.scalar(separator, lists.type.value_type))
    return np.asarray(pc.fill_null(joined, missing).to_numpy(zero_copy_only=False), dtype=object)


#: how many significant figures a number is shown with in the text formats
FIGURES = 6
#: a number this close (relative) to the shown precision is shown at it: float noise
#: (``1499.999999999999``), not information
_NOISE = Decimal("1e-9")
_EXACT = Context(prec=2000)  # room for any float's digits (not the thread's context)


def plural(count: int, noun: str) -> str:
    """`count` `noun`s, written for reading: "1 claim", "2 claims", "1,354 days".

    >>> plural(1, "claim"), plural(1354, "day")
    ('1 claim', '1,354 days')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def format_number(value: float | None, rounding: str = "nearest") -> str:
    """A number as an analyst reads it: grouped thousands, six significant figures, no
    float noise; `rounding` ``"down"`` for a low bound and ``"up"`` for a high one, so a
    shown range still holds the exact one (a bound within one part in 10⁹ of the shown
    precision is noise and shown at it). Every text format writes numbers through this.

    >>> format_number(41958.5), format_number(11000.0), format_number(float("inf"))
    ('41,958.5', '11,000', '∞')
    >>> format_number(0.6299999999999999), format_number(1499.999999999999, "down")
    ('0.63', '1,500')
    >>> format_number(2218.3333333333335, "down"), format_number(2218.3333333333335, "up")
    ('2,218.33', '2,218.34')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    exact = Decimal(value)  # every float is exactly a decimal: no rounding before ours
    quantum = Decimal(1).scaleb(min(0, exact.adjusted() - (FIGURES - 1)))
    if exact.adjusted() >= 15:  # 1.23457e+20 reads better than 21 digits
        quantum = Decimal(1).scaleb(exact.adjusted() - (FIGURES - 1))
    shown = exact.quantize(quantum, ROUND_HALF_EVEN, _EXACT)
    if rounding != "nearest" and abs(exact - shown) > _NOISE * abs(exact):
        shown = exact.quantize(quantum, ROUND_FLOOR if rounding == "down" else ROUND_CEILING, _EXACT)
    if not -4 <= shown.adjusted() < 15:  # 0.0000123 reads better as 1.23e-5
        return format(shown.normalize(), "e")
    text = format(shown, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def rounding_of(column: object) -> str:
    """How a column's numbers round when shown: a low bound down, a high bound up.

    >>> rounding_of("low"), rounding_of("rate_high"), rounding_of("best")
    ('down', 'up', 'nearest')
    """
    name = str(column)
    if name == "low" or name.endswith("_low"):
        return "down"
    if name == "high" or name.endswith("_high"):
        return "up"
    return "nearest"


def _cell(value: object, rounding: str = "nearest") -> str:
    if isinstance(value, float):
        return format_number(value, rounding)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None or value is pd.NA else str(value)


def _per_distinct(values: pd.Series | NDArray[Any], function: Callable[[Any], str],
                  missing: str = "") -> NDArray[np.object_]:
    """`function` of each cell, called once per distinct value; missing cells give `missing`."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = np.array([*map(function, uniques), missing], dtype=object)
    return text[codes]


def _per_category(values: pd.Series, cells: Callable[[pd.Series], NDArray[np.object_]],
                  missing: str) -> NDArray[np.object_]:
    """A Categorical column's `cells`, made once per category; missing cells give `missing`.

    >>> _per_category(pd.Series(["b", None, "b"], dtype="category"), _display, "-").tolist()
    ['b', '-', 'b']
    """
    categories = pd.Series(values.cat.categories.to_numpy(), copy=False)
    return np.append(cells(categories), missing)[values.cat.codes.to_numpy()]


def _per_number(values: pd.Series, function: Callable[[Any], str], missing: str) -> NDArray[np.object_]:
    """`function` of each float cell, once per distinct value (0.0 and -0.0 apart); NaN gives `missing`."""
    array = values.to_numpy(np.float64)
    codes, uniques = pd.factorize(array.view(np.int64))  # by bits: -0.0 is not 0.0
    text = np.array([*map(function, uniques.view(np.float64))], dtype=object)[codes]
    text[np.isnan(array)] = missing
    return text


def _integers(values: pd.Series) -> NDArray[np.object_]:
    return np.array(list(map(str, values.tolist())), dtype=object)


def _plain_cells(values: pd.Series, number: Callable[[float], str]) -> NDArray[np.object_] | None:
    """Text of a float (each number through `number`), boolean, integer (a line number or a
    count of days, as is) or all-text column; None for any other column."""
    if values.dtype.kind == "f":
        return _per_number(values, number, "")
    if values.dtype.kind == "b":
        return _booleans(values, "True", "False")
    if values.dtype.kind in "iu":
        return _integers(values)
    cells = values.to_numpy(object)
    return cells if _all_text(cells) else None


def _display(values: pd.Series, rounding: str = "nearest") -> NDArray[np.object_]:
    """A column as display text: numbers through `format_number` (rounded `rounding`),
    lists joined with commas, missing empty."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _per_category(values, partial(_display, rounding=rounding), "")
    if values.dtype.kind == "M":
        return np.where(values.isna(), "", _dates(values)).astype(object)
    joined = joined_lists(values, ", ")
    if joined is not None:
        return joined
    cell = partial(_cell, rounding=rounding)
    plain = _plain_cells(values, cell)
    if plain is not None:
        return plain
    cells = values.to_numpy(object)
    if all(map(isinstance, cells, repeat((list, tuple)))):
        return np.array([", ".join(map(str, cell)) for cell in cells], dtype=object)
    try:
        return _per_distinct(cells, cell)
    except TypeError:  # unhashable cells
        return np.array([cell(c) for c in cells], dtype=object)


def _pieces(columns: list[NDArray[np.object_]], separator: str, end: str) -> NDArray[np.object_]:
    """Each row's cells with `separator` between them and `end` after, as a (rows, 2 x columns)
    array whose pieces join into the text."""
    pieces = np.empty((len(columns[0]), 2 * len(columns)), dtype=object)
    for k, column in enumerate(columns):
        pieces[:, 2 * k] = column
        pieces[:, 2 * k + 1] = separator
    pieces[:, -1] = end
    return pieces


def _rows(columns: list[NDArray[np.object_]], separator: str, end: str) -> str:
    """The cells of each row joined by `separator`, each row followed by `end`."""
    return "".join(_pieces(columns, separator, end).ravel().tolist())


def text_table(frame: pd.DataFrame) -> str:
    """A plain aligned table for the terminal (numbers right-aligned).

    Built column by column, so it stays quick for hundreds of thousands of rows.

    >>> print(text_table(pd.DataFrame({"quantity": ["a.b"], "low": [1500.0]})))
    quantity    low
    --------  -----
    a.b       1,500
    """
    if frame.columns.empty:
        return ""
    texts, padded = [], []
    for column in frame.columns:
        text = np.r_[np.array([str(column)], dtype=object), _display(frame[column], rounding_of(column))]
        width = max(map(len, text))
        pad = str.rjust if frame[column].dtype.kind in "iuf" else str.ljust
        text = np.insert(text, 1, "-" * width)
        padded.append(np.array([*map(pad, text, repeat(width))], dtype=object))
        texts.append(padded[-1] if pad is str.rjust else text)  # as the row may end on it
    pieces = _pieces(padded, "  ", "\n")
    # Each row ends at its last non-empty cell, as written (no padding after it).
    last = np.full(len(texts[0]), -1, dtype=np.int64)
    for k, text in enumerate(texts):
        last[text != ""] = k
    for k, text in enumerate(texts):
        pieces[last < k, 2 * k - 1 if k else 0] = ""
        pieces[last < k, 2 * k] = ""
        ends = last == k
        pieces[ends, 2 * k] = text[ends]
    # a row whose last cell ends in white space is stripped on its own (rare)
    end_text = pieces[np.arange(last.size), 2 * np.maximum(last, 0)]
    for row in np.flatnonzero([cell[-1:].isspace() for cell in end_text]).tolist():
        line = "  ".join(column[row] for column in padded).rstrip()
        pieces[row] = ""
        pieces[row, 0] = line
    pieces[:, -1] = "\n"
    return "".join(pieces.ravel().tolist())[:-1]


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured markdown table; pipes in cells are escaped, formulas neutralised.

    >>> print(markdown_table(pd.DataFrame({"id": ["c1"], "high": [float("inf")]})))
    | id | high |
    | --- | ---: |
    | c1 | ∞ |
    """
    safe = spreadsheet_safe(frame)
    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    align = "| " + " | ".join("---:" if frame[c].dtype.kind in "iuf" else "---"
                              for c in frame.columns) + " |"
    if frame.empty:
        return "\n".join([header, align])
    cells = []
    for column in safe.columns:
        text = _display(safe[column], rounding_of(column))
        if _contains(text, "|\n\r"):
            text = np.array([t.replace("|", "\\|").replace("\r", " ").replace("\n", " ") for t in text],
                            dtype=object)
        cells.append(text)
    return "\n".join([header, align, "| " + _rows(cells, " | ", " |\n| ")[:-3]])


def csv_text(frame: pd.DataFrame) -> str:
    r"""The frame as CSV text (header first), cell for cell as ``to_csv`` writes it.

    Written by the standard library's `csv` module (as pandas' own ``to_csv``), with RFC 4180
    line ends (CRLF), so that a cell holding a carriage return or a line feed is quoted and
    reads back as one cell. Cells are made column by column: a million rows take seconds.

    >>> csv_text(pd.DataFrame({"value": ["1,900", "a\rb"], "low": [1850.0, float("nan")]}))
    'value,low\r\n"1,900",1850.0\r\n"a\rb",\r\n'
    """
    if frame.columns.empty:
        return str(frame.to_csv(index=False, lineterminator="\r\n"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows(zip(*(_csv_cells(frame[c]).tolist() for c in frame.columns), strict=True))
    return buffer.getvalue()


def _dates(values: pd.Series) -> NDArray[np.object_]:
    """A datetime column as ISO dates (``2024-11-15``), or date and time where one has a time."""
    stamps = values.to_numpy("datetime64[ns]")
    whole = bool((stamps[~np.isnat(stamps)] == stamps[~np.isnat(stamps)].astype("datetime64[D]")).all())
    return np.datetime_as_string(stamps, unit="D" if whole else "s").astype(object)


def _csv_cells(values: pd.Series) -> NDArray[np.object_]:
    """A column's cells as ``to_csv`` writes them: missing empty, numbers as numpy prints them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return _per_category(values, _csv_cells, "")
    if values.dtype.kind == "M":
        return np.where(values.isna(), "", _dates(values)).astype(object)
    plain = _plain_cells(values, str)
    if plain is not None:
        return plain
    cells = values.to_numpy(object)
    missing = pd.isna(cells)
    return np.array(["" if gone else str(cell) for cell, gone in zip(cells, missing, strict=True)],
                    dtype=object)


#: JSON texts are Arrow bytes: UTF-8, with a lone surrogate (which has no UTF-8, but a Python
#: string may hold one) as its ``surrogatepass`` bytes, so the document decodes back to it
_BYTES = pa.large_binary()


def _arrow_texts(texts: list[str]) -> pa.Array:
    """Python texts as one Arrow array of bytes (`_BYTES`)."""
    try:
        return pa.array(texts, pa.large_string()).cast(_BYTES)
    except UnicodeEncodeError:
        return pa.array([text.encode("utf-8", "surrogatepass") for text in texts], _BYTES)


def _json_bytes(text: str) -> pa.Scalar:
    return pa.scalar(text.encode("utf-8", "surrogatepass"), _BYTES)


def _taken(codes: NDArray[np.integer[Any]], texts: pa.Array, missing: str) -> pa.DictionaryArray:
    """``texts[code]`` for each code, a code of -1 `missing`: as a dictionary array, whose
    texts are copied out (`_plain`) a part at a time, when they are written."""
    every = pa.concat_arrays([texts, _arrow_texts([missing])])
    return pa.DictionaryArray.from_arrays(np.where(codes < 0, len(texts), codes), every)


def _plain(texts: pa.Array) -> pa.Array:
    """The texts of a dictionary array one by one; any other array as it is."""
    return texts.dictionary.take(texts.indices) if isinstance(texts, pa.DictionaryArray) else texts


def _prefixed(texts: list[str], before: str) -> pa.Array:
    return _arrow_texts([before + text for text in texts])


def _escaped_rows(text: pa.Array) -> NDArray[np.intp]:
    """The items of an Arrow array of text that JSON escapes (a quote, a backslash or a
    control character), found in one scan of its bytes."""
    _, offsets, data = text.buffers()[:3]
    if data is None:
        return np.empty(0, np.intp)
    width = np.int64 if pa.types.is_large_string(text.type) else np.int32
    bounds = np.frombuffer(offsets, width)[text.offset:text.offset + len(text) + 1]
    scanned = np.frombuffer(data, np.uint8)[bounds[0]:bounds[-1]]
    marks = np.flatnonzero((scanned < 0x20) | (scanned == 0x22) | (scanned == 0x5C)) + bounds[0]
    return np.unique(np.searchsorted(bounds, marks, side="right") - 1)


def _json_strings(text: pa.Array, before: str = "") -> pa.Array:
    """Each item of an Arrow array of text as a JSON string after `before` (missing: null),
    in one pass: quoted, and the few that JSON escapes through `encode_basestring`."""
    sample = text.slice(0, 10_000)
    if len(pc.unique(sample)) < len(sample) // 2:  # repeated texts: each written once
        encoded = pc.dictionary_encode(text)
        codes = encoded.indices.fill_null(-1).to_numpy()
        return _plain(_taken(codes, _json_strings(encoded.dictionary, before), before + "null"))
    quoted = pc.binary_join_element_wise(_json_bytes(before + '"'), text.cast(_BYTES),
                                         _json_bytes('"'), _json_bytes(""))
    rows = _escaped_rows(text)
    if rows.size:
        items = text.take(pa.array(rows)).to_pylist()
        rows = rows[[item is not None for item in items]]
        mask = np.zeros(len(text), bool)
        mask[rows] = True
        escaped = _prefixed([encode_basestring(item) for item in items if item is not None], before)
        quoted = pc.replace_with_mask(quoted, pa.array(mask), escaped)
    return pc.fill_null(quoted, _json_bytes(before + "null"))


def _json_lists(values: pd.Series, before: str) -> pa.Array | None:
    """Each cell of an Arrow list column of text as a JSON list after `before` (missing lists
    and items: null), in one pass; None for any other column."""
    lists = _arrow_lists(values)
    if lists is None:
        return None
    joined = pc.binary_join(_rebuilt(lists, _json_strings(lists.flatten())), _json_bytes(", "))
    written = pc.binary_join_element_wise(_json_bytes(before + "["), joined, _json_bytes("]"),
                                          _json_bytes(""))
    return pc.fill_null(written, _json_bytes(before + "null"))


def _arrow_text(values: pd.Series) -> pa.Array | None:
    """A column of text (Arrow-backed, or Python strings and missing cells) as one Arrow
    array of text; None for any other column, or text Arrow cannot hold (a lone surrogate)."""
    try:
        if isinstance(values.dtype, (pd.StringDtype, pd.ArrowDtype)):
            array = pa.array(values.array)
        elif values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "string":
            array = pa.array(values.to_numpy(object), pa.large_string(), from_pandas=True)
        else:
            return None
    except (UnicodeEncodeError, pa.ArrowException):
        return None
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else None


def _json_numbers(values: pd.Series, before: str) -> pa.Array:
    """Each float as Python's ``repr`` gives it (once per distinct value; 0.0 and -0.0 apart),
    non-finite numbers and missing null."""
    numbers = values.to_numpy(np.float64, na_value=np.nan)
    codes, uniques = pd.factorize(numbers.view(np.int64))  # by bits
    return _taken(codes, _prefixed([repr(v) if math.isfinite(v) else "null"
                                    for v in uniques.view(np.float64).tolist()], before), "")


def _json_dates(values: pd.Series, before: str) -> pa.Array:
    """Dates as JSON strings (``"2024-11-15"``, with the time where one has a time), NaT null."""
    codes, uniques = pd.factorize(values.to_numpy("datetime64[ns]"))
    return _taken(codes, _prefixed(('"' + _dates(pd.Series(uniques)) + '"').tolist(), before),
                  before + "null")


def _json_column(values: pd.Series, before: str = "") -> pa.Array:
    """A column's cells as JSON texts, each after `before` (Arrow bytes, `_BYTES`): non-finite
    numbers null, tuples lists, missing null; made in Arrow, or once per distinct value."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = _plain(_json_column(pd.Series(values.cat.categories, copy=False), before))
        return _taken(values.cat.codes.to_numpy(), categories, before + "null")
    kind = values.dtype.kind
    if kind == "f":  # numpy's, or pandas' with missing cells
        return _json_numbers(values, before)
    if kind == "M":
        return _json_dates(values, before)
    if kind == "b" and isinstance(values.dtype, np.dtype):
        return pc.if_else(values.to_numpy(), _json_bytes(before + "true"), _json_bytes(before + "false"))
    if kind in ("i", "u") and isinstance(values.dtype, np.dtype):
        return pc.binary_join_element_wise(_json_bytes(before), pa.array(values.to_numpy()).cast(
            pa.large_string()).cast(_BYTES), _json_bytes(""))
    lists = _json_lists(values, before)
    if lists is not None:
        return lists
    text = _arrow_text(values)
    if text is not None:
        return _json_strings(text, before)
    if pd.api.types.infer_dtype(values, skipna=True) == "empty":  # nothing but missing cells
        return _taken(np.full(len(values), -1), _arrow_texts([]), before + "null")
    return _prefixed(_json_objects(values.to_numpy(object)).tolist(), before)


def _json_objects(cells: NDArray[np.object_]) -> NDArray[np.object_]:
    """Python cells as JSON texts: tuples and lists of text, text, missing, anything else
    through `json.dumps` (once per distinct value where cells are hashable)."""
    if all(map(isinstance, cells, repeat(tuple))):  # hashable: once per distinct where they repeat
        try:
            return _each_text(cells, _json_text_list)
        except TypeError:  # items that are not text
            pass
    if set(map(type, cells)) <= {str, tuple, type(None)}:  # hashable, and equal only when alike
        return _per_distinct(cells, _json_value, "null")
    if all(map(isinstance, cells, repeat(list))):
        try:
            return np.array([*map(_json_text_list, cells)], dtype=object)
        except TypeError:  # items that are not text
            pass
    return np.array([_json_value(cell) for cell in cells], dtype=object)


def _json_text_list(items: Iterable[str]) -> str:
    """A list of texts as JSON (what ``json.dumps(list(items), ensure_ascii=False)`` gives)."""
    return "[" + ", ".join(map(encode_basestring, items)) + "]"


def _json_value(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "null"
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


_JSON_CHUNK = 20_000  # rows joined at a time: a part of a few MB


def _json_records(frame: pd.DataFrame) -> Iterator[memoryview]:
    """The frame as a JSON list of records, in parts of UTF-8 (`_BYTES`): each part's rows
    joined in Arrow from the columns' JSON texts, each made after its key."""
    if frame.empty:
        yield memoryview(("[" + ", ".join(["{}"] * len(frame)) + "]").encode())
        return
    cells = [_json_column(frame[column], ("{" if k == 0 else ", ") +
                          json.dumps(str(column), ensure_ascii=False) + ": ")
             for k, column in enumerate(frame.columns)]
    yield memoryview(b"[")
    for start in range(0, len(frame), _JSON_CHUNK):
        rows = pc.binary_join_element_wise(*(_plain(column[start:start + _JSON_CHUNK]) for column in cells),
                                           _json_bytes("}, "), _json_bytes(""))
        _, offsets, data = rows.buffers()
        begin, end = np.frombuffer(offsets, np.int64)[[rows.offset, rows.offset + len(rows)]]
        end -= 2 if start + _JSON_CHUNK >= len(frame) else 0  # no ", " after the last row
        yield memoryview(data)[begin:end]
    yield memoryview(b"]")


def json_bytes(tables: dict[str, pd.DataFrame]) -> Iterator[memoryview]:
    """The JSON document of a result (`json_document`) as parts of UTF-8 bytes, for a file.

    >>> b"".join(json_bytes({"changes": pd.DataFrame({"days": [3]})}))
    b'{"changes": [{"days": 3}]}\\n'
    """
    yield memoryview(b"{")
    for position, (name, frame) in enumerate(tables.items()):
        yield memoryview(f"{', ' if position else ''}{json.dumps(name)}: ".encode())
        yield from _json_records(frame)
    yield memoryview(b"}\n")


def json_document(tables: dict[str, pd.DataFrame]) -> Iterator[str]:
    """The JSON document of a result, in parts, ending with a line end. The one JSON writer:
    the command line writes its bytes (`json_bytes`), ``Reconciliation.to_json()`` joins
    these parts.

    >>> "".join(json_document({"changes": pd.DataFrame({"days": [3]})}))
    '{"changes": [{"days": 3}]}\\n'
    """
    for part in json_bytes(tables):
        yield str(part, "utf-8", "surrogatepass")


def json_tables(tables: dict[str, pd.DataFrame]) -> str:
    """One JSON object holding each table as a list of records; unbounded ends are null.

    Column by column, so a million rows take seconds, not minutes.

    >>> json_tables({"ranges": pd.DataFrame({"low": [1.0], "high": [float("inf")]})})
    '{"ranges": [{"low": 1.0, "high": null}]}'
    """
    return "".join(json_document(tables))[:-1]
