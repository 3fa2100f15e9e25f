"""Finding and reading claim files: one CSV or Parquet file, a folder of them, or a glob.

A path that names a file is read by its suffix (``.parquet`` or ``.pq`` as Parquet, anything
else as CSV); a folder is every ``*.csv``, ``*.parquet`` and ``*.pq`` file directly inside it;
a path holding ``*``, ``?`` or ``[`` is a glob. Several files are read in name order as one
table: their columns are united (a column one file lacks is empty in its rows) and the
``line`` numbers run on from file to file, as if the files were one CSV with one header.

Parquet cells are read as text, as a CSV's are: numbers become their shortest text
(``1500.0`` reads ``1500``), a missing cell is empty. Columns with few distinct texts come as
pandas Categoricals, as `estimates.csvfile.read_csv_file` gives them, so the claims reader
takes both alike; a Parquet row ``k`` (from 0) is line ``k + 2``, as a DataFrame's row is.

>>> import pathlib, tempfile
>>> import pyarrow as pa, pyarrow.parquet as pq
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> pq.write_table(pa.table({"id": ["c1"], "quantity": ["a.b"], "low": [1500.0]}),
...                folder / "claims.parquet")
>>> frame, lines = read_claim_files(folder)
>>> frame.astype(str).to_dict("list"), lines.tolist()
({'id': ['c1'], 'quantity': ['a.b'], 'low': ['1500']}, [2])
"""

from __future__ import annotations

import glob
import os
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from numpy.typing import NDArray
from pandas.api.types import union_categoricals

from estimates.csvfile import _NEARLY_UNIQUE, _column, _fail, check_delimiter, read_csv_file
from estimates.errors import ClaimsError, UsageError
from estimates.timeline import date_texts

__all__ = ["PARQUET_SUFFIXES", "claim_files", "read_claim_files"]

#: file name endings read as Parquet (everything else is read as CSV)
PARQUET_SUFFIXES = (".parquet", ".pq")
_TABLE_SUFFIXES = (".csv", *PARQUET_SUFFIXES)


def claim_files(path: str | Path) -> list[Path]:
    """The files that `path` names: itself, the table files in a folder, or a glob's matches.

    >>> claim_files("data/estimates.csv")
    [PosixPath('data/estimates.csv')]
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"claims must be a path or a DataFrame, not {type(path).__name__}")
    text = str(path)
    if any(mark in text for mark in "*?["):
        found = sorted(Path(name) for name in glob.glob(text, recursive=True))
        files = [file for file in found if file.is_file()]
        if not files:
            raise _fail(Path(text), "matches no file")
        return files
    folder = Path(path)
    if folder.is_dir():
        files = sorted(file for file in folder.iterdir()
                       if file.is_file() and file.suffix.lower() in _TABLE_SUFFIXES
                       and not file.name.startswith("."))
        if not files:
            raise _fail(folder, "is a folder that holds no .csv or .parquet file")
        return files
    return [folder]


def is_parquet(path: str | Path) -> bool:
    """True when `path` is read as Parquet (by its suffix)."""
    return Path(path).suffix.lower() in PARQUET_SUFFIXES


def read_parquet_file(path: str | Path, columns: Collection[str] | None = None,
                      skipped: list[str] | None = None) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """The rows of a Parquet file as text cells (as `read_csv_file` gives a CSV's), and their
    lines. With `columns`, only those (stripped, lower case) are read; the others' names go
    to `skipped`."""
    path = Path(path)
    try:
        names = pq.read_schema(path).names
        if columns is not None:
            if skipped is not None:
                skipped.extend(n for n in names if n.strip().lower() not in columns and n not in skipped)
            names = [n for n in names if n.strip().lower() in columns]
        coded = [name for name in names if name.strip().lower() not in _NEARLY_UNIQUE]
        table = pq.read_table(path, columns=names, read_dictionary=coded)  # each text read once
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except (pa.ArrowException, OSError) as error:
        raise _fail(path, f"is not a readable Parquet file ({error})") from None
    if table.num_rows == 0:
        raise _fail(path, "has no claims")
    frame = text_frame(table, str(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, np.arange(2, len(frame) + 2, dtype=np.int64)


def text_frame(table: pa.Table, source: str = "<claims>") -> pd.DataFrame:
    """An Arrow table's columns as text ("" where missing): Categoricals of the distinct texts,
    or Arrow-held "str" for the nearly unique columns (ids, quotes, notes). Dates and
    timestamps read as a claims file writes them (`estimates.timeline.date_texts`); a column
    of lists, structures or bytes has no text and is a `ClaimsError` naming it."""
    columns = []
    table = table.unify_dictionaries()
    nested = [n for n, kind in zip(table.column_names, table.schema.types, strict=True)
              if pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind)]
    if nested:
        raise ClaimsError(pd.DataFrame({
            "line": 1, "column": nested, "value": [str(table.schema.field(n).type) for n in nested],
            "problem": "holds lists, structures or bytes: a claims column holds text or numbers"}),
            source)
    for name, column in zip(table.column_names, table.columns, strict=True):
        if _text_dictionary(column) and name.strip().lower() not in _NEARLY_UNIQUE:
            columns.append(_column(column.cast(pa.dictionary(pa.int32(), pa.string()))).rename(name))
            continue
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_temporal(column.type) and not pa.types.is_time(column.type) \
                and not pa.types.is_duration(column.type):
            column = pa.chunked_array([pa.array(date_texts(column.to_pandas()), pa.string())])
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = column.cast(pa.string())
        column = pc.fill_null(column.cast(pa.string()), "")
        if name.strip().lower() not in _NEARLY_UNIQUE:
            column = pa.chunked_array([column.combine_chunks().dictionary_encode()],
                                      pa.dictionary(pa.int32(), pa.string()))
        columns.append(_column(column).rename(name))
    return pd.concat(columns, axis=1) if columns else pd.DataFrame()


def _text_dictionary(column: pa.ChunkedArray) -> bool:
    """True for dictionary-encoded text with no missing cell (read as it is)."""
    kind = column.type
    return (pa.types.is_dictionary(kind) and column.null_count == 0
            and (pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)))


def read_claim_files(path: str | Path, delimiter: str = ",", columns: Collection[str] | None = None,
                     skipped: list[str] | None = None) -> tuple[pd.DataFrame, NDArray[np.int64]]:
    """The claims' cells as text from every file `path` names (`claim_files`), and their lines.

    With `columns`, only those (stripped, lower case) are kept; the others' names go to `skipped`.
    """
    check_delimiter(delimiter)
    parts = []
    for file in claim_files(path):
        if is_parquet(file):
            parts.append(read_parquet_file(file, columns, skipped))
        else:
            parts.append(read_csv_file(file, delimiter, columns, skipped))
    if len(parts) == 1:
        return parts[0]
    lines, offset = [], 0
    for _, part_lines in parts:
        lines.append(part_lines + offset)
        offset += int(part_lines[-1]) - 1 if part_lines.size else 0
    return _united([frame for frame, _ in parts]), np.concatenate(lines)


def _united(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Frames of text read from several files as one: columns united, a missing one empty."""
    names: list[str] = []
    for frame in frames:
        if frame.columns.duplicated().any():
            raise ClaimsError(pd.DataFrame({"line": [1], "column": [""], "value": [""],
                                            "problem": ["names a column twice"]}), "<files>")
        names += [name for name in frame.columns if name not in names]
    kept_text = pd.StringDtype("pyarrow", na_value=np.nan)
    columns = {}
    for name in names:
        if name.strip().lower() in _NEARLY_UNIQUE:  # Arrow-held text, joined as it is
            columns[name] = pd.concat([frame[name].astype(kept_text) if name in frame else
                                       pd.Series("", index=frame.index, dtype=kept_text)
                                       for frame in frames], ignore_index=True)
        else:  # Categoricals: their categories united, no Python string per cell
            columns[name] = pd.Series(union_categoricals(
                [_object_categories(frame[name]) if name in frame else
                 pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), pd.Index([""], dtype=object))
                 for frame in frames], ignore_order=True))
    return pd.DataFrame(columns)


def _object_categories(column: pd.Series) -> pd.Categorical:
    """A column of text as a Categorical whose categories are Python strings (as every file's
    are, so that `union_categoricals` joins them)."""
    categorical = pd.Categorical(column)
    return pd.Categorical.from_codes(categorical.codes,
                                     pd.Index(categorical.categories.astype(object), dtype=object))
