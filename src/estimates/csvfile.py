"""Reading a CSV file of claims: every byte accounted for, every problem located.

`read_csv_file` returns the cells as text with the file line on which each record starts,
or raises `ClaimsError` naming the file (and line and column where there is one): missing
file, directory, unreadable, empty, header only, not UTF-8 (each bad byte located), a file
that looks separated by another delimiter. UTF-8 with a byte-order mark, CRLF line ends
and newlines inside quoted cells read fine, as do the lone CR line ends of old Macs. The fast
path is pyarrow's multi-threaded reader, which hands over each column's distinct texts once
(a pandas Categorical) rather than a Python string per cell. The file line of each record
is found beside it with numpy, from the positions of quotes and line ends (`_Layout`): blank
lines are skipped, records of too few fields are padded with "", records of too many are
all listed, and a quote that is never closed is an error naming the line where it opens.
Only a file whose quotes stand inside unquoted cells (not RFC 4180) is read by Python's csv
module instead.

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
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from numpy.typing import NDArray

from estimates._given_back import arrow_pool
from estimates.errors import ClaimsError, UsageError

__all__ = ["KEPT_TEXT", "check_delimiter", "read_csv_file", "read_text_file"]

#: Text that is only kept and written (quotes, notes), in pandas' default "str" dtype held by
#: Arrow: about half the memory of a Python string per cell, and no object to make per cell.
KEPT_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)

_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}
_MAX_BYTE_PROBLEMS = 100
#: columns whose cells are nearly all distinct: read as plain text, not as distinct texts
_NEARLY_UNIQUE = ("id", "quote", "note")
#: a byte that is not white space to `str.isspace` (in ASCII)
_NOT_SPACE = re.compile(rb"[^\t\n\x0b\x0c\r\x1c-\x1f ]")


def check_delimiter(delimiter: object) -> str:
    """`delimiter` if it can separate CSV fields: one ASCII character other than a quote, a
    space or a line break (a CSV reader splits bytes); else `UsageError`.

    >>> check_delimiter(",,")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    estimates.errors.UsageError: ',,' is not a delimiter: give one ASCII character other than ...
    """
    if not isinstance(delimiter, str) or len(delimiter) != 1 or not delimiter.isascii() \
            or delimiter in "\"\r\n ":
        raise UsageError(f"{delimiter!r} is not a delimiter: give one ASCII character other than "
                         "a quote, a space or a line break (e.g. ';' or a tab)")
    return delimiter


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


class _Layout:
    """Where the records of RFC 4180 CSV bytes lie: each non-blank record's first and past-last
    byte and its file line (the header first), found with numpy from the positions of quotes
    and line feeds: a line feed ends a record when an even number of quotes precede it."""

    def __init__(self, data: bytes, quotes: NDArray[np.int64], starts: NDArray[np.int64],
                 ends: NDArray[np.int64], lines: NDArray[np.int64]) -> None:
        self.data = data
        self.quotes = quotes  #: position of every quote
        self.starts, self.ends = starts, ends  #: first and past-last byte of each record
        self.lines = lines  #: file line on which each record starts

    def fields(self, delimiter: str) -> NDArray[np.int64]:
        """The number of fields of each record (its delimiters outside quotes, plus one)."""
        octets = np.frombuffer(self.data, dtype=np.uint8)
        marks = np.flatnonzero(octets == ord(delimiter))
        marks = marks[np.searchsorted(self.quotes, marks) % 2 == 0]
        record = np.searchsorted(self.starts, marks, side="right") - 1
        inside = marks < self.ends[record]
        return np.bincount(record[inside], minlength=self.starts.size).astype(np.int64) + 1


def _layout(path: Path, data: bytes, delimiter: str, offset: int) -> _Layout | None:
    """The `_Layout` of `data` from byte `offset` (the header's first byte: past a byte-order
    mark and blank lines), or None when a quote stands inside an unquoted cell or a CR alone
    ends a line (Python's csv module reads such files); raises `ClaimsError` for a quoted
    cell that is never closed."""
    octets = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(octets == ord('"'))
    every_feed = np.flatnonzero(octets == ord("\n"))  # the file's lines
    feeds = every_feed[np.searchsorted(every_feed, offset):]  # the records' ends
    returns = np.flatnonzero(octets == ord("\r"))
    returns = returns[np.searchsorted(returns, offset):]
    openers, closers = quotes[0::2], quotes[1::2]
    edge = np.array([ord(delimiter), ord("\n"), ord("\r")], dtype=np.uint8)
    before = octets[np.maximum(openers - 1, 0)]
    opens_cell = (openers == offset) | np.isin(before, edge) | \
        np.r_[False, openers[1:] - 1 == closers[:openers.size - 1]]
    after = octets[np.minimum(closers + 1, octets.size - 1)]
    closes_cell = (closers + 1 == octets.size) | np.isin(after, edge) | \
        np.r_[closers[:openers.size - 1] + 1 == openers[1:], np.zeros(closers.size - openers.size + 1,
                                                                        dtype=bool)][:closers.size]
    if not (opens_cell.all() and closes_cell.all()):
        return None
    lone = returns[(returns + 1 == octets.size) | (octets[np.minimum(returns + 1, octets.size - 1)]
                                                     != ord("\n"))]
    if (np.searchsorted(quotes, lone) % 2 == 0).any():
        return None  # a CR alone ends a line here (pyarrow's reading) but not in the count
    if quotes.size % 2:
        raise _unclosed(path, data, quotes, every_feed)
    ends = feeds[np.searchsorted(quotes, feeds) % 2 == 0]
    starts = np.r_[offset, ends + 1]
    ends = np.r_[ends, octets.size]
    blank = (ends == starts) | ((ends == starts + 1) & (octets[np.minimum(starts, octets.size - 1)]
                                                        == ord("\r")))
    keep = ~blank & (starts < octets.size)
    starts, ends = starts[keep], ends[keep]
    return _Layout(data, quotes, starts, ends,
                   np.asarray(np.searchsorted(every_feed, starts) + 1, dtype=np.int64))


def _unclosed(path: Path, data: bytes, quotes: NDArray[np.int64], feeds: NDArray[np.int64]) -> ClaimsError:
    """The error for a quoted cell never closed: the line where its quote opens."""
    k = quotes.size - 1
    while k >= 2 and quotes[k] - 1 == quotes[k - 1]:
        k -= 2  # a doubled quote inside the cell: the cell opened before it
    at = int(quotes[k])
    line_start = data.rfind(b"\n", 0, at) + 1
    column = len(data[line_start:at].decode("utf-8", errors="replace")) + 1
    value = data[at:at + 40].split(b"\n")[0].decode("utf-8", errors="replace")
    return _fail(path, _NEVER_CLOSED, int(np.searchsorted(feeds, at)) + 1, str(column), value)


_NEVER_CLOSED = ("opens a quoted cell that is never closed: the rest of the file would be read "
                 "as one cell (close the quote, or double a quote meant as text)")


def _read_slowly(path: Path, text: str, delimiter: str) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """Records and their first lines with Python's csv module (blank lines, quoted newlines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    last = 0  # the line on which the last record starts
    for record in reader:
        first, previous = previous + 1, reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # a blank line, or one of white space alone
        last = first
        if header is None:
            header = record
            continue
        if len(record) > len(header):
            raise _ragged_rows_slowly(path, text, delimiter)
        rows.append(record + [""] * (len(header) - len(record)))
        lines.append(first)
    if last:
        _check_closed_slowly(path, text, delimiter, last)
    frame = pd.DataFrame(rows, columns=[str(c).strip() for c in header or []], dtype=object)
    return frame, np.asarray(lines, dtype=np.int64)


#: a quoted cell, closed (doubled quotes inside it are quotes)
_QUOTED = re.compile(r'"(?:[^"]|"")*"(?!")')
_LINE_END = re.compile(r"\r\n|\r|\n")


def _check_closed_slowly(path: Path, text: str, delimiter: str, last: int) -> None:
    """Raise the error of a quoted cell never closed when the last record (from line `last`)
    holds one: Python's csv module reads the rest of the file into it without a word. Its
    cells are followed as the module reads them (a quote opens a cell only at its start)."""
    lines = io.StringIO(text, newline="")  # counts line ends as the csv module does
    start = sum(len(lines.readline()) for _ in range(last - 1))
    rest = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    at = start
    while at < len(text):
        if text[at] == '"':
            closed = _QUOTED.match(text, at)
            if closed is None:
                line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
                raise _fail(path, _NEVER_CLOSED, last + len(_LINE_END.findall(text, start, at)),
                            str(at - line_start + 1), _LINE_END.split(text[at:at + 40])[0])
            at = closed.end()
        cell = rest.match(text, at)  # it matches the empty text too
        at = cell.end() if cell else at
        if at >= len(text) or text[at] in "\r\n":
            return  # the record ends
        at += 1  # past the delimiter


def _too_many(fields: int, width: int, delimiter: str) -> str:
    """The problem of a record wider than the header, with the likely cause.

    >>> _too_many(5, 4, ",")
    'has 5 fields but the header has 4 (a value holding "," must be quoted: "over 10,000")'
    """
    example = f'"over 10{delimiter}000"'
    return (f'has {fields} fields but the header has {width} (a value holding "{delimiter}" '
            f"must be quoted: {example})")


def _ragged_rows(path: Path, layout: _Layout, wide: NDArray[np.int64], fields: NDArray[np.int64],
                 width: int, delimiter: str) -> ClaimsError:
    """Every record with more fields than the header, from the `layout` of the file."""
    rows = [{"line": int(layout.lines[k]), "column": "",
             "value": layout.data[layout.starts[k]:layout.ends[k]][:80].decode("utf-8", "replace"),
             "problem": _too_many(int(fields[k]), width, delimiter)} for k in wide.tolist()]
    return ClaimsError(pd.DataFrame(rows), str(path))


def _ragged_rows_slowly(path: Path, text: str, delimiter: str) -> ClaimsError:
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
                         "problem": _too_many(len(record), width, delimiter)})
    if not rows:
        rows.append({"line": 0, "column": "", "value": "", "problem": "is not a readable CSV file"})
    return ClaimsError(pd.DataFrame(rows), str(path))


def _read_fast(path: Path, data: bytes, names: list[str], delimiter: str, layout: _Layout,
               wanted: list[str] | None) -> pd.DataFrame | None:
    """The records as text columns with pyarrow (records of too few fields padded with "";
    only the columns `wanted`, unless None); None when pyarrow reads another number of
    records than `layout` finds."""
    if wanted is not None and len(set(wanted)) < len(wanted):
        wanted = None  # a column named twice: all are read, for the header's problems
    header = int(layout.starts[0])  # pyarrow reads from the header on (past blank lines)
    table = _arrow_table(data, header, names, delimiter, wanted)
    spaces: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
    if table is None:  # a ragged record, or what only the slow path reads
        fields = layout.fields(delimiter)
        wide = np.flatnonzero(fields > len(names))
        if wide.size:
            raise _ragged_rows(path, layout, wide, fields, len(names), delimiter)
        short = np.flatnonzero(fields < len(names))
        if not short.size:
            return None
        # a line of white space alone is blank, as pandas reads it: read padded, then dropped
        spaces = np.array([k for k in short[fields[short] == 1].tolist()
                           if not data[layout.starts[k]:layout.ends[k]].strip()], dtype=np.int64)
        octets = np.frombuffer(data, dtype=np.uint8)
        ends = layout.ends[short]
        ends = ends - ((ends > layout.starts[short]) & (octets[np.maximum(ends - 1, 0)] == ord("\r")))
        padded = np.insert(octets, np.repeat(ends, len(names) - fields[short]), ord(delimiter))
        table = _arrow_table(padded, header, names, delimiter, wanted)
        del padded
        if table is None:
            return None
    if table.num_rows != layout.starts.size - 1:
        return None
    if spaces.size:
        table = table.filter(pa.array(~np.isin(np.arange(1, layout.starts.size), spaces)))
        layout.starts, layout.ends, layout.lines = (np.delete(part, spaces) for part in
                                                    (layout.starts, layout.ends, layout.lines))
    table = table.unify_dictionaries(arrow_pool())
    columns = [_column(table.column(i)) for i in range(table.num_columns)]
    frame = pd.concat(columns, axis=1) if columns else pd.DataFrame()
    frame.columns = table.column_names
    return frame


def _arrow_table(data: bytes | NDArray[np.uint8], header: int, names: list[str], delimiter: str,
                 wanted: list[str] | None) -> pa.Table | None:
    """pyarrow's reading of `data` from byte `header` on as text columns, without a copy;
    None when pyarrow cannot read it (a record of another width than the header, among others).

    No Python callback (``invalid_row_handler``) is given to pyarrow: its reader threads
    would call into Python, and one still holding it when the interpreter exits aborts
    the process ("terminate called without an active exception")."""
    # large_string: how pandas holds its "str" (no cast of the column in Arrow's default pool)
    text, coded = pa.large_string(), pa.dictionary(pa.int32(), pa.string())
    types = {n: text if n.strip().lower() in _NEARLY_UNIQUE else coded for n in names}
    body = pa.py_buffer(data)[header:]

    try:
        return pa_csv.read_csv(
            body, parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                   quoted_strings_can_be_null=False,
                                                   include_columns=wanted),
            memory_pool=arrow_pool())
    except pa.ArrowInvalid:
        return None


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


def read_csv_file(path: str | Path, delimiter: str = ",", columns: Collection[str] | None = None,
                  skipped: list[str] | None = None) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """The records of a CSV file as text cells, and the file line each starts on.

    Columns come as pandas Categoricals of their distinct texts (or as Arrow-held "str" where
    nearly every cell differs); duplicate header names are kept as they are. With `columns`,
    only the header names among them (stripped, in lower case) are read: the others are
    skipped unread, and their names appended to `skipped`.
    """
    path = Path(path)
    data = _read_bytes(path)
    returns_only = b"\n" not in data and b"\r" in data  # the line ends of old Macs
    if returns_only:
        data = data.replace(b"\r", b"\n")  # lines counted as an editor shows them
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
    offset = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    lead = "" if text is None else text[:start]  # blank lines before the header
    header_byte = start if text is None else offset + len(lead) if lead.isascii() else None
    layout = None if header_byte is None else _layout(path, data, delimiter, header_byte)
    names = next(csv.reader([header.rstrip("\r")], delimiter=delimiter))
    wanted = None if columns is None else [n for n in names if n.strip().lower() in columns]
    if wanted is not None and skipped is not None:
        told = set(skipped)  # each name once, over several files (a set: 100,000 names are common)
        for name in (n.strip() for n in names if n.strip().lower() not in columns):  # type: ignore[operator]
            if name not in told:
                told.add(name)
                skipped.append(name)
    frame = None if layout is None else _read_fast(path, data, names, delimiter, layout, wanted)
    if frame is None or layout is None:
        frame, lines = _read_slowly(path, text or data.decode("ascii"), delimiter)
        if wanted is not None:
            frame = frame.loc[:, [str(c).strip().lower() in columns for c in frame.columns]]  # type: ignore[operator]
    else:
        lines = layout.lines[1:]
    if frame.empty:
        raise _fail(path, "has a header but no claims", 1)
    frame.columns = [str(c).strip() for c in frame.columns]
    if returns_only:
        frame = _returns_restored(frame)
    return frame, lines


def _returns_restored(frame: pd.DataFrame) -> pd.DataFrame:
    """The cells of a file whose line ends were all CRs, with each line feed in a cell (a CR
    inside quotes, made a feed for reading) a CR again, as written.

    >>> _returns_restored(pd.DataFrame({"note": ["two\\nlines"]}))["note"].tolist()
    ['two\\rlines']
    """
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            texts = values.cat.categories.astype(str)
            if texts.str.contains("\n", regex=False).any():  # no CR is left: one to one
                frame[column] = values.cat.rename_categories(texts.str.replace("\n", "\r", regex=False))
        elif values.astype(str).str.contains("\n", regex=False).any():
            frame[column] = values.str.replace("\n", "\r", regex=False)
    return frame
