"""Reading a CSV file of claims: every byte accounted for, every problem located.

`read_csv_file` returns the cells as text with the file line on which each record starts,
or raises `ClaimsError` naming the file (and line and column where there is one): missing
file, directory, unreadable, empty, header only, not UTF-8 (each bad byte located), a file
that looks separated by another delimiter. UTF-8 with a byte-order mark, CRLF line ends
and newlines inside quoted cells read fine. The fast path is pyarrow's multi-threaded
reader, which hands over each column's distinct texts once (a pandas Categorical) rather
than a Python string per cell; the file line of each record is then known from the record
count unless quoted cells hold line breaks or there are blank lines, in which case Python's
csv module recounts (and reads records of too few fields, which it pads with "").

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
>>> _ = path.write_bytes(b"\\xef\\xbb\\xbfid,quantity\\r\\nc1,a.b\\r\\n")
>>> frame, lines = read_csv_file(path)
>>> frame.to_dict("list"), lines.tolist()
({'id': ['c1'], 'quantity': ['a.b']}, [2])
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from numpy.typing import NDArray

from estimates.errors import ClaimsError

__all__ = ["KEPT_TEXT", "read_csv_file", "read_text_file"]

#: Text that is only kept and written (quotes, notes), in pandas' default "str" dtype held by
#: Arrow: about half the memory of a Python string per cell, and no object to make per cell.
KEPT_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}
_MAX_BYTE_PROBLEMS = 100
#: columns whose cells are nearly all distinct: read as plain text, not as distinct texts
_NEARLY_UNIQUE = ("id", "quote", "note")
#: a byte that is not white space to `str.isspace` (in ASCII)
_NOT_SPACE = re.compile(rb"[^\t\n\x0b\x0c\r\x1c-\x1f ]")


def _fail(source: Path, problem: str, line: int = 0, column: str = "", value: str = "") -> ClaimsError:
    table = pd.DataFrame({"line": [line], "column": [column], "value": [value], "problem": [problem]})
    return ClaimsError(table, str(source))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, "is a directory, not a CSV file") from None
    except PermissionError:
        raise _fail(path, "cannot be read: permission denied") from None
    except OSError as error:
        raise _fail(path, f"cannot be read: {error.strerror or error}") from None


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped); every undecodable byte is reported."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    rows: list[dict[str, object]] = []
    position = 0
    while len(rows) < _MAX_BYTE_PROBLEMS:
        try:
            data[position:].decode("utf-8")
            break
        except UnicodeDecodeError as error:
            at = position + error.start
            line_start = data.rfind(b"\n", 0, at) + 1
            line = data.count(b"\n", 0, at) + 1
            column = len(data[line_start:at].decode("utf-8", errors="replace")) + 1
            rows.append({"line": line, "column": str(column), "value": f"0x{data[at]:02x}",
                         "problem": "is not UTF-8 text (save the file as UTF-8)"})
            position = position + error.end
    raise ClaimsError(pd.DataFrame(rows), str(path))


def read_text_file(path: str | Path) -> str:
    """A UTF-8 text file's content, or a `ClaimsError` saying why it cannot be read."""
    path = Path(path)
    return _decode(path, _read_bytes(path))


def _check_delimiter(path: Path, header: str, delimiter: str) -> None:
    if delimiter in header:
        return
    for other, name in _OTHER_DELIMITERS.items():
        if other in header:
            raise _fail(path, f"the header is separated by {name}, not {delimiter!r}: "
                        f"use --delimiter '{other}' (or delimiter={other!r})", 1, "", header[:80])


def _one_line_per_record(data: bytes, count: int) -> bool:
    """True when the file has no blank lines and no line breaks inside quoted cells."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) == count + 1


def _read_slowly(path: Path, text: str, delimiter: str) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """Records and their first lines with Python's csv module (blank lines, quoted newlines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    for record in reader:
        first, previous = previous + 1, reader.line_num
        if not record:
            continue  # a blank line
        if header is None:
            header = record
            continue
        if len(record) > len(header):
            raise _ragged_rows(path, text, delimiter)
        rows.append(record + [""] * (len(header) - len(record)))
        lines.append(first)
    frame = pd.DataFrame(rows, columns=[str(c).strip() for c in header or []], dtype=object)
    return frame, np.asarray(lines, dtype=np.int64)


def _ragged_rows(path: Path, text: str, delimiter: str) -> ClaimsError:
    """Every record whose number of fields differs from the header's."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = None
    rows: list[dict[str, object]] = []
    previous = 0
    for record in reader:
        first, previous = previous + 1, reader.line_num
        if not record:
            continue
        if width is None:
            width = len(record)
        elif len(record) > width:
            rows.append({"line": first, "column": "", "value": delimiter.join(record)[:80],
                         "problem": f"has {len(record)} fields but the header has {width}"})
    if not rows:
        rows.append({"line": 0, "column": "", "value": "", "problem": "is not a readable CSV file"})
    return ClaimsError(pd.DataFrame(rows), str(path))


def _read_fast(data: bytes, header: str, delimiter: str) -> pd.DataFrame | None:
    """The records as text columns with pyarrow; None when the records are not all as wide
    as the header (the slow path reads or reports them)."""
    names = next(csv.reader([header], delimiter=delimiter))
    text, coded = pa.string(), pa.dictionary(pa.int32(), pa.string())
    types = {n: text if n.strip().lower() in _NEARLY_UNIQUE else coded for n in names}
    body = pa.py_buffer(data)
    if data.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        table = pa_csv.read_csv(
            body, parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                   quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    table = table.unify_dictionaries()
    columns = [_column(table.column(i)) for i in range(table.num_columns)]
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame()
    frame.columns = table.column_names
    return frame


def _column(column: pa.ChunkedArray) -> pd.Series:
    """One column of text: a Categorical of its distinct texts, or pandas' "str" held by Arrow
    (no Python string per cell)."""
    if not pa.types.is_dictionary(column.type):
        return pd.Series(pd.array(column, dtype=KEPT_TEXT), copy=False)
    codes = np.concatenate([np.zeros(0, np.int32)] + [chunk.indices.to_numpy() for chunk in column.chunks])
    texts = column.chunks[0].dictionary.to_numpy(zero_copy_only=False) if column.num_chunks \
        else np.zeros(0, dtype=object)
    categories = pd.CategoricalDtype(pd.Index(texts, dtype=object))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=categories, validate=False), copy=False)


def read_csv_file(path: str | Path, delimiter: str = ",") -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """The records of a CSV file as text cells, and the file line each starts on.

    Columns come as pandas Categoricals of their distinct texts (or as Arrow-held "str" where
    nearly every cell differs); duplicate header names are kept as they are.
    """
    path = Path(path)
    data = _read_bytes(path)
    # Every byte is validated; pyarrow then reads the bytes themselves. ASCII (most files) is
    # valid UTF-8 as it is: only its header is decoded, the whole text only when needed.
    text = None if data.isascii() else _decode(path, data)
    if text is None:
        first = _NOT_SPACE.search(data)
        start = first.start() if first else len(data)
        end = data.find(b"\n", start)
        header = (data[start:] if end < 0 else data[start:end]).decode("ascii")
    else:
        start = len(text) - len(text.lstrip()) if text[:1].isspace() else 0
        end = text.find("\n", start)
        header = text[start:] if end < 0 else text[start:end]  # no copy of the whole text
    if start == len(data if text is None else text):
        raise _fail(path, "is empty: a claims file needs a header and at least one claim")
    _check_delimiter(path, header, delimiter)
    frame = None if start else _read_fast(data, header.rstrip("\r"), delimiter)
    if frame is None or not _one_line_per_record(data, len(frame)):
        frame, lines = _read_slowly(path, text or data.decode("ascii"), delimiter)
    else:
        lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    if frame.empty:
        raise _fail(path, "has a header but no claims", 1)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, lines
