"""Rendering a reconciliation: a terminal table, markdown, CSV tables or JSON.

>>> FORMATS
('table', 'json', 'csv', 'markdown')
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import IO, Any

import pandas as pd

from estimates.output import atomic_write, json_tables, markdown_table, spreadsheet_safe, text_table

__all__ = ["FORMATS", "render", "write"]

FORMATS = ("table", "json", "csv", "markdown")
_TABLES = ("ranges", "contradictions", "claims")
_RANGE_COLUMNS = ["quantity", "as_of", "low", "high", "best", "unit", "claims_kept", "sources"]


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and tuples in cells joined with '; ' so every cell is one value."""
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].dtype == object and flat[column].map(lambda v: isinstance(v, (list, tuple))).any():
            flat[column] = flat[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            )
    return flat


def _columns(frame: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    return frame[[c for c in wanted if c in frame.columns]]


def render(result: Any, fmt: str) -> str:
    """The reconciliation as one text in `fmt` ("table", "markdown", "json" or "csv")."""
    if fmt == "json":
        return json_tables({name: getattr(result, name) for name in _TABLES}) + "\n"
    if fmt == "csv":
        return "".join(
            f"# {name}\n{_csv(getattr(result, name))}\n" for name in _TABLES
        )
    ranges = _flat(_columns(result.ranges, _RANGE_COLUMNS))
    contradictions = result.contradictions
    statuses = result.claims["status"].value_counts().to_dict()
    summary = ", ".join(f"{count:,} {status}" for status, count in sorted(statuses.items()))
    if fmt == "markdown":
        parts = ["## Ranges", "", markdown_table(ranges), "",
                 f"## Contradictions ({len(contradictions)})", ""]
        parts += [f"- **{row.id}** ({row.reason}): {row.explanation}" for row in contradictions.itertuples()]
        parts += ["", f"## Claims ({len(result.claims):,}: {summary})", ""]
        parts += [markdown_table(_flat(result.claims)), ""]
        return "\n".join(parts)
    parts = [f"Ranges ({len(ranges):,})", text_table(ranges), "",
             f"Contradictions ({len(contradictions):,})"]
    parts += [f"  {row.id} [{row.reason}] {row.explanation}" for row in contradictions.itertuples()]
    parts += ["", f"Claims: {summary}", ""]
    return "\n".join(parts)


def _put(text: str, handle: IO[str]) -> None:
    handle.write(text)


def _csv(frame: pd.DataFrame) -> str:
    return str(spreadsheet_safe(_flat(frame)).to_csv(index=False, lineterminator="\n"))


def write(result: Any, fmt: str, output: str | None, stream: IO[str] | None = None) -> None:
    """Write the reconciliation in `fmt` to `output` (atomically) or to `stream` (stdout).

    For csv with an output, `output` is a directory that receives ranges.csv,
    contradictions.csv and claims.csv.
    """
    if output and fmt == "csv":
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for name in _TABLES:
            atomic_write(folder / f"{name}.csv", partial(_put, _csv(getattr(result, name))))
        return
    text = render(result, fmt)
    if output:
        atomic_write(output, partial(_put, text))
    else:
        (stream or sys.stdout).write(text)
