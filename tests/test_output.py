"""Output files: atomic writes, spreadsheet-safe cells, readable numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from estimates.output import atomic_write, format_number, markdown_table, spreadsheet_safe, text_table


def test_atomic_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic_write(target, lambda handle: handle.write("new"))
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def fail_halfway(handle: object) -> None:
        handle.write("half")  # type: ignore[attr-defined]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, fail_halfway)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize("cell", ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\r=1"])
def test_formula_like_text_cells_are_neutralised(cell: str) -> None:
    safe = spreadsheet_safe(pd.DataFrame({"quote": [cell, "fine"], "low": [-5.0, 1.0]}))
    assert safe["quote"].tolist() == ["'" + cell, "fine"]
    assert safe["low"].tolist() == [-5.0, 1.0]  # numbers stay numbers


def test_markdown_table_escapes_pipes_and_neutralises_formulas() -> None:
    table = markdown_table(pd.DataFrame({"quote": ["a | b", "=cmd"]}))
    assert "a \\| b" in table and "'=cmd" in table


@pytest.mark.parametrize(
    ("value", "text"),
    [(41958.5, "41,958.5"), (11000.0, "11,000"), (math.inf, "∞"), (-math.inf, "-∞"),
     (1 / 3, "0.3333"), (math.nan, ""), (-0.0, "0")],
)
def test_numbers_are_formatted_for_reading(value: float, text: str) -> None:
    assert format_number(value) == text


def test_text_table_right_aligns_numbers() -> None:
    lines = text_table(pd.DataFrame({"q": ["a", "bb"], "low": [1500.0, 3.0]})).splitlines()
    assert lines[2].endswith("1,500") and lines[3].endswith("    3")
