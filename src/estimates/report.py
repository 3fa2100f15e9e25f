"""Rendering a reconciliation: a terminal table, markdown, CSV tables, JSON or Parquet.

Every format writes every table of the result (`estimates.output.result_tables`: ranges,
contradictions, claims, changes and revisions), so a table added to the result reaches each
format without a change here. The text formats show the tables after the first three as
sections of their own (only when they have rows).

>>> FORMATS
('table', 'json', 'csv', 'markdown', 'parquet')
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.destination import write_file, write_folder
from estimates.errors import UsageError, first_few
from estimates.output import (
    csv_text,
    joined_lists,
    json_bytes,
    json_document,
    markdown_table,
    parquet_table,
    result_tables,
    spreadsheet_safe,
    text_table,
)

__all__ = ["FOLDER_FORMATS", "FORMATS", "outputs", "render", "write"]

FORMATS = ("table", "json", "csv", "markdown", "parquet")
#: formats whose output is a folder of one file per table
FOLDER_FORMATS = ("csv", "parquet")
#: the tables every text format shows in its own way; the others follow as sections
_MAIN_TABLES = ("ranges", "contradictions", "claims")
#: the times of `as_of` as dates, for pandas; the text formats show `as_of` alone
_DATES = ["as_of_start", "as_of_end"]
_RANGE_COLUMNS = ["quantity", "as_of", "low", "high", "best", "unit", "claims_kept", "sources"]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and tuples in cells joined with '; ' so every cell is one value.

    >>> _flat(pd.DataFrame({"claims": [("a", "b"), ()]}))["claims"].tolist()
    ['a; b', '']
    """
    flat = frame.copy(deep=False)  # copy on write: changing a column leaves `frame` as it is
    for column in flat.columns:
        joined = joined_lists(flat[column], "; ")
        if joined is not None:
            flat[column] = pd.Series(joined, index=flat.index, dtype=object)
        if flat[column].dtype != object:
            continue
        cells = flat[column].to_numpy(object)
        if all(map(isinstance, cells, repeat(tuple))):  # hashable: joined once per distinct
            codes, distinct = pd.factorize(cells)
            joined = np.array(["; ".join(map(str, v)) for v in distinct], dtype=object)
            flat[column] = pd.Series(joined[codes], index=flat.index, dtype=object)
        elif all(map(isinstance, cells, repeat((list, tuple)))):
            flat[column] = pd.Series(["; ".join(map(str, v)) for v in cells], index=flat.index,
                                     dtype=object)
        elif any(map(isinstance, cells, repeat((list, tuple)))):
            flat[column] = flat[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            )
    return flat


def _text(frame: pd.DataFrame, column: str, before: str) -> NDArray[np.object_]:
    """`before` and then each cell of a text column, as an object array (for joining), each
    on one line (a line break inside a cell would start a line of its own).

    >>> _text(pd.DataFrame({"id": ["a\\rb", "c"]}), "id", "- ").tolist()
    ['- a b', '- c']
    """
    cells = frame[column].to_numpy(object)
    if _LINE_BREAK.search("".join(map(str, cells))):
        cells = np.array([_one_line(str(cell)) for cell in cells], dtype=object)
    return before + cells


_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _one_line(text: str) -> str:
    """`text` with each line break a space (`str.splitlines` breaks)."""
    return _LINE_BREAK.sub(" ", text)


def _columns(frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    return frame[[c for c in wanted if c in frame.columns]]


def render(result: Any, fmt: str) -> str:
    """The reconciliation as one text in `fmt` ("table", "markdown", "json" or "csv")."""
    return "".join(_parts(result, fmt))


def _parts(result: Any, fmt: str) -> Iterator[str]:
    """`render` in parts, so a large output is written without being held twice."""
    if fmt == "json":
        yield from json_document(result_tables(result))
        return
    if fmt == "csv":
        for name, table in result_tables(result).items():
            yield from (f"# {name}\n", _csv(table), "\n")
        return
    if fmt == "parquet":
        raise UsageError("--format parquet writes a folder of tables: name it with -o")
    yield _render(result, fmt)


def _other_tables(result: Any) -> dict[str, pd.DataFrame]:
    """The tables after ranges, contradictions and claims (changes, revisions) that have rows."""
    return {name: _flat(table.drop(columns=_DATES, errors="ignore"))
            for name, table in result_tables(result).items()
            if name not in _MAIN_TABLES and len(table)}


def _render(result: Any, fmt: str) -> str:
    ranges = _flat(_columns(result.ranges, _RANGE_COLUMNS))
    contradictions = result.contradictions
    statuses = result.claims["status"].value_counts().to_dict()
    summary = ", ".join(f"{count:,} {status}" for status, count in sorted(statuses.items())
                        if count)  # a status no claim has is not listed
    if fmt == "markdown":
        parts = ["## Ranges", "", markdown_table(ranges), "",
                 f"## Contradictions ({len(contradictions)})", ""]
        parts += (_text(contradictions, "id", "- **") + _text(contradictions, "reason", "** (") +
              _text(contradictions, "explanation", "): ")).tolist()
        unkept = _not_kept(result.claims)
        if len(unkept):
            parts += ["", f"## Not kept ({len(unkept):,})", ""]
            parts += (_text(unkept, "id", "- **") + _text(unkept, "why", "**: ")).tolist()
        derived = _derivations(result.ranges)
        if derived:
            parts += ["", "## Derived ranges: what they come from", ""]
            parts += ["- " + _one_line(line) for line in derived]
        for name, table in _other_tables(result).items():
            parts += ["", f"## {name.capitalize()} ({len(table):,})", "", markdown_table(table)]
        parts += ["", f"## Claims ({len(result.claims):,}: {summary})", ""]
        note = _published_note(result.claims)
        parts += [_one_line(line) + "." for line in note] + ([""] if note else [])
        parts += [markdown_table(_flat(result.claims.drop(columns=_DATES, errors="ignore"))), ""]
        return "\n".join(parts)
    parts = [f"Ranges ({len(ranges):,})", text_table(ranges), "",
             f"Contradictions ({len(contradictions):,})"]
    parts += (_text(contradictions, "id", "  ") + _text(contradictions, "reason", " [") +
              _text(contradictions, "explanation", "] ")).tolist()
    unkept = _not_kept(result.claims)
    if len(unkept):
        parts += ["", f"Not kept ({len(unkept):,})"]
        parts += (_text(unkept, "id", "  ") + _text(unkept, "why", ": ")).tolist()
    derived = _derivations(result.ranges)
    if derived:
        parts += ["", "Derived ranges: what they come from"]
        parts += ["  " + _one_line(line) for line in derived]
    for name, table in _other_tables(result).items():
        parts += ["", f"{name.capitalize()} ({len(table):,})", text_table(table)]
    parts += ["", f"Claims: {summary}", *map(_one_line, _published_note(result.claims)), ""]
    return "\n".join(parts)


def _published_note(claims: pd.DataFrame, shown: int = 10) -> list[str]:
    """The line that says which claims are dated by their publication (no ``as_of``), the
    first few by id and date; none when every claim has its ``as_of``.

    >>> _published_note(pd.DataFrame({"id": ["a", "b"], "as_of": ["2024-11-20", "2024-11-21"],
    ...                               "as_of_from_published": [True, False]}))
    ['Dated by their publication, having no as_of (1): a (2024-11-20)']
    """
    if "as_of_from_published" not in claims.columns:
        return []
    dated = claims[claims["as_of_from_published"].to_numpy(bool)]
    if dated.empty:
        return []
    named = (dated["id"].astype(str) + " (" + dated["as_of"].astype(str) + ")").tolist()
    return [f"Dated by their publication, having no as_of ({len(named):,}): {first_few(named, shown)}"]


def _not_kept(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims that are not kept, each with why (a table without ``why`` lists none)."""
    if "why" not in claims.columns:
        return claims.iloc[:0]
    unkept = claims[claims["status"].astype(object) != "kept"]
    return unkept[["id", "why"]].astype(object).fillna("")


def _derivations(ranges: pd.DataFrame) -> list[str]:
    """What the derived ranges come from, one line per linked group: its quantities, the
    claims that can bound them and the relations (few ranges are derived)."""
    if "derived_from" not in ranges.columns or ranges.empty:
        return []
    derived = ranges[ranges["derived"].to_numpy(bool) & (ranges["derived_from"].list.len() > 0
                                                          ).to_numpy(bool)]
    if derived.empty:
        return []
    claims = pd.Series(joined_lists(derived["derived_from"], ", "), index=derived.index)
    lines = []
    for (text, _), group in derived.groupby([claims, _list_keys(derived["relations"])], sort=False):
        names = list(dict.fromkeys(group["quantity"].astype(str)))
        relations = "; ".join(map(str, group["relations"].iloc[0]))  # once per group
        lines.append(f"{', '.join(names)} ({len(group):,} ranges): from claims {text}; "
                     f"relations: {relations}")
    return lines


def _list_keys(values: pd.Series) -> pd.Series:
    """A key per list of a column of lists: equal lists, equal keys. A list column encoded
    as a dictionary (the relations' texts, each held once) is keyed by its codes, so that a
    relation over 50,000 names is not written out once per range it derives.

    >>> import pyarrow as pa
    >>> texts = pa.array(["a = b + c", "a = b + c", "b <= c"]).dictionary_encode()
    >>> lists = pa.ListArray.from_arrays(pa.array([0, 1, 2, 3], pa.int32()), texts)
    >>> _list_keys(pd.Series(pd.arrays.ArrowExtensionArray(lists))).tolist()
    ['0', '0', '1']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values.array) if isinstance(values.dtype, pd.ArrowDtype) else None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if array is None or not pa.types.is_dictionary(array.type.value_type):
        return pd.Series(joined_lists(values, "; "), index=values.index)
    offsets = pc.subtract(array.offsets, array.offsets[0])
    codes = array.flatten().indices.cast(pa.string())
    keys = pc.binary_join(pa.ListArray.from_arrays(offsets, codes), ",")
    return pd.Series(np.asarray(keys.to_numpy(zero_copy_only=False), dtype=object), index=values.index)


def _put(parts: Iterable[Any], handle: IO[Any]) -> None:
    for part in parts:
        handle.write(part)


def _csv(frame: pd.DataFrame) -> str:
    return csv_text(spreadsheet_safe(_flat(frame)))


def outputs(fmt: str, output: str) -> list[Path]:
    """Every file that `write` makes for `fmt` and `output` (to check none is an input)."""
    if fmt in FOLDER_FORMATS:
        from estimates.reconcile.result import Reconciliation  # every table it holds

        return [Path(output) / f"{table.name}.{fmt}" for table in dataclasses.fields(Reconciliation)]
    return [Path(output)]


def write(result: Any, fmt: str, output: str | None, stream: IO[str] | None = None) -> None:
    """Write the reconciliation in `fmt` to `output` (atomically) or to `stream` (stdout).

    For csv with an output, `output` is a folder that receives a CSV file per table
    (ranges.csv, contradictions.csv, claims.csv, changes.csv, revisions.csv); for parquet, a
    Parquet file per table. A folder is written as one unit: the old tables or the new ones,
    never a mix (`estimates.destination.write_folder`).
    """
    if output and fmt == "csv":
        write_folder(output, {f"{name}.csv": partial(_put, [_csv(table)])
                              for name, table in result_tables(result).items()})
        return
    if fmt == "parquet":
        if not output:
            raise UsageError("--format parquet writes a folder of tables: name it with -o")
        write_folder(output, {f"{name}.parquet": partial(_write_parquet, table)
                              for name, table in result_tables(result).items()}, binary=True)
        return
    if output and fmt == "json":  # UTF-8 from Arrow's buffers, never decoded on the way
        write_file(output, partial(_put, json_bytes(result_tables(result))), binary=True)
    elif output:
        write_file(output, partial(_put, _parts(result, fmt)))
    else:
        _put(_parts(result, fmt), stream or sys.stdout)


def _write_parquet(table: pd.DataFrame, handle: IO[bytes]) -> None:
    import pyarrow.parquet as pq

    pq.write_table(parquet_table(table), handle)
