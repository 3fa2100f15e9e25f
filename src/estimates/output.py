"""Writing results: terminal tables, markdown, CSV and JSON, written atomically and safely.

Files are written to a temporary file beside the target and renamed into place, so a
reader never sees half a file and a failed run leaves no file at all. CSV and markdown
cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) are neutralised with a leading apostrophe.

>>> spreadsheet_safe(pd.DataFrame({"quote": ["=HYPERLINK(1)", "plain"], "n": [-1, 2]}))["quote"].tolist()
["'=HYPERLINK(1)", 'plain']
"""

from __future__ import annotations

import gc
import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

__all__ = [
    "atomic_write",
    "format_number",
    "json_tables",
    "markdown_table",
    "spreadsheet_safe",
    "text_table",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[str]], object]) -> None:
    """Write a text file through `write(handle)`: all of it, or (on any error) nothing.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> atomic_write(target, lambda handle: handle.write("done\\n"))
    >>> target.read_text()
    'done\\n'
    """
    target = Path(path)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", dir=target.parent, prefix=f".{target.name}.",
        suffix=".tmp", delete=False,
    ) as handle:
        temporary = Path(handle.name)
        try:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.chmod(temporary, 0o666 & ~_umask())  # a temporary file is private; the output is not
    os.replace(temporary, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas (a leading ``'`` added)."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype.kind in "biufcmM":
            continue
        text = values.astype("string")
        risky = text.str.startswith(_FORMULA_STARTS).fillna(False).astype(bool)
        if risky.any():
            safe[column] = values.where(~risky, "'" + text)
    return safe


def format_number(value: float) -> str:
    """A number as an analyst reads it: thousands separators, no needless decimals.

    >>> format_number(41958.5), format_number(11000.0), format_number(float("inf"))
    ('41,958.5', '11,000', '∞')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if abs(value) >= 1e15 or (value != 0 and abs(value) < 1e-3):
        return f"{value:.6g}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _cell(value: object) -> str:
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None or value is pd.NA else str(value)


def _column_text(values: pd.Series) -> pd.Series:
    """A column as display text; each distinct value is formatted once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = np.array([_cell(u) for u in uniques] + [""], dtype=object)
    return pd.Series(text[codes], index=values.index, dtype=object)


def _display(values: pd.Series) -> pd.Series:
    """A column as display text: numbers formatted, lists joined with commas."""
    if values.dtype == object:
        values = values.map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return _column_text(values)


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
    padded = []
    for column in frame.columns:
        text = _display(frame[column])
        name = str(column)
        width = max(len(name), int(text.str.len().max()) if len(text) else 0)
        side = "left" if frame[column].dtype.kind in "iuf" else "right"
        cells = pd.concat([pd.Series([name, "-" * width], dtype=object), text], ignore_index=True)
        padded.append(cells.str.pad(width, side=side))
    lines = padded[0].str.cat(padded[1:], sep="  ") if len(padded) > 1 else padded[0]
    return "\n".join(lines.str.rstrip())


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
    cells = [_display(safe[c]).str.replace("|", "\\|", regex=False).str.replace("\n", " ", regex=False)
             for c in safe.columns]
    rows = "| " + cells[0].str.cat(cells[1:], sep=" | ") + " |"
    return "\n".join([header, align, *rows])


def _json_column(values: pd.Series) -> list[object]:
    """A column as JSON-ready Python values: non-finite numbers None, tuples lists."""
    if values.dtype.kind == "f":
        array = values.to_numpy(np.float64)
        column = array.astype(object)
        column[~np.isfinite(array)] = None
        return list(column)
    if values.dtype.kind in "biu":
        return list(values.tolist())
    return [list(v) if isinstance(v, tuple) else None if v is pd.NA or (isinstance(v, float) and
            math.isnan(v)) else v for v in values.tolist()]


def json_tables(tables: dict[str, pd.DataFrame]) -> str:
    """One JSON object holding each table as a list of records; unbounded ends are null.

    Column by column, so a million rows take seconds, not minutes.

    >>> json_tables({"ranges": pd.DataFrame({"low": [1.0], "high": [float("inf")]})})
    '{"ranges": [{"low": 1.0, "high": null}]}'
    """
    parts = []
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived dicts: the cycle collector would rescan them all
    try:
        for name, frame in tables.items():
            columns = [str(c) for c in frame.columns]
            values = [_json_column(frame[c]) for c in frame.columns]
            records = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
            parts.append(f"{json.dumps(name)}: {json.dumps(records, ensure_ascii=False)}")
            del records
    finally:
        if collecting:
            gc.enable()
    return "{" + ", ".join(parts) + "}"
