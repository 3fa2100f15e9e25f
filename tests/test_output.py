"""Output files: atomic writes, spreadsheet-safe cells, readable numbers."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import output
from estimates.output import (
    atomic_write,
    csv_text,
    format_number,
    json_bytes,
    json_tables,
    markdown_table,
    rounding_of,
    spreadsheet_safe,
    text_table,
)


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
     (1 / 3, "0.333333"), (math.nan, ""), (-0.0, "0"), (0.6299999999999999, "0.63"),
     (1499.999999999999, "1,500"), (712_610.0, "712,610"), (2.5e-7, "2.5e-7"), (-1234.5678, "-1,234.57")],
)
def test_numbers_are_formatted_for_reading(value: float, text: str) -> None:
    assert format_number(value) == text


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False).filter(lambda v: v != 0))
def test_shown_bounds_are_rounded_outward_except_for_float_noise(value: float) -> None:
    """Issue 17: a low bound is shown at or below itself, a high bound at or above, but for
    noise of one part in 10⁹ (1499.999999999999 is shown 1,500)."""
    low = float(format_number(value, "down").replace(",", ""))
    high = float(format_number(value, "up").replace(",", ""))
    slack = 1e-9 * abs(value)
    assert low <= value + slack and high >= value - slack
    assert abs(high - low) <= abs(value) * 1e-5  # six significant figures


def test_text_table_rounds_low_down_and_high_up_and_groups_whole_counts() -> None:
    """Issue 17: counts read as whole numbers with grouping, no float noise, bounds outward."""
    frame = pd.DataFrame({"low": [1499.999999999999, 3166.6666666666665],
                          "high": [4235.000000000002, 2218.3333333333335],
                          "best": [0.6299999999999999, 1859.1666666666667]})
    lines = text_table(frame).splitlines()
    assert lines[2].split() == ["1,500", "4,235", "0.63"]
    assert lines[3].split() == ["3,166.66", "2,218.34", "1,859.17"]
    assert "| 1,500 | 4,235 | 0.63 |" in markdown_table(frame)


@pytest.mark.parametrize("item", [pa.large_string(), pa.dictionary(pa.int32(), pa.string())])
def test_lists_of_ids_are_shown_joined_with_commas(item: pa.DataType) -> None:
    """As `reconcile` lists ids, and (dictionary-encoded) source names."""
    ids = pd.Series([["c1", "c2"], [], None, ["c3", None]], dtype=pd.ArrowDtype(pa.list_(item)))
    assert text_table(pd.DataFrame({"claims": ids})).split("\n")[2:] == ["c1, c2", "", "", "c3,"]
    assert json.loads(json_tables({"t": pd.DataFrame({"claims": ids})}))["t"] == [
        {"claims": ["c1", "c2"]}, {"claims": []}, {"claims": None}, {"claims": ["c3", None]}]


def test_text_table_right_aligns_numbers() -> None:
    lines = text_table(pd.DataFrame({"q": ["a", "bb"], "low": [1500.0, 3.0]})).splitlines()
    assert lines[2].endswith("1,500") and lines[3].endswith("    3")


_TEXT = st.text(alphabet=st.sampled_from([*"ab ,;|\"'=+-@\t\r\n1é"]), max_size=6)
_FLOAT = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1e16, 0.81])


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    """Frames with text, numbers, flags, missing cells, lists and a Categorical, as the result
    tables hold."""
    size = draw(st.integers(0, 6))
    column = st.lists
    return pd.DataFrame({
        "text": draw(column(_TEXT, min_size=size, max_size=size)),
        "low": pd.Series(draw(column(_FLOAT, min_size=size, max_size=size)), dtype=float),
        "line": pd.Series(draw(column(st.integers(-5, 10**12), min_size=size, max_size=size)),
                          dtype="int64"),
        "kept": pd.Series(draw(column(st.booleans(), min_size=size, max_size=size)), dtype=bool),
        "problem": pd.Series(draw(column(st.none() | _TEXT, min_size=size, max_size=size)),
                             dtype=object),
        "claims": pd.Series(draw(column(st.lists(_TEXT, max_size=3).map(tuple), min_size=size,
                                        max_size=size)), dtype=object),
        "coded": pd.Series(draw(column(st.none() | st.sampled_from(["", "a", "b c", "=1", 'é,"']),
                                       min_size=size, max_size=size)), dtype="category"),
        "why": pd.Series(draw(column(st.none() | _TEXT, min_size=size, max_size=size)), dtype="str"),
        "as_of_start": pd.Series(draw(column(st.none() | st.dates(date(1900, 1, 1), date(2200, 1, 1)),
                                             min_size=size, max_size=size)), dtype="datetime64[ns]"),
        # as `reconcile` gives the ids of a range (`ID_LISTS`): items with a quote, a
        # backslash or a control character take JSON's escaped path
        "ids": pd.Series(draw(column(st.none() | st.lists(
                                         _TEXT | st.none() | st.sampled_from(["\\", "\x00\x1f"]),
                                         max_size=3),
                                     min_size=size, max_size=size)),
                         dtype=pd.ArrowDtype(pa.list_(pa.large_string()))),
    })


@given(_frames())
def test_csv_text_writes_what_to_csv_writes(frame: pd.DataFrame) -> None:
    frame = frame.drop(columns=["ids", "as_of_start"])  # lists are joined before CSV
    # (`report._flat`), and dates written as dates
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\r\n")


@given(_frames())
def test_json_tables_match_json_of_the_records(frame: pd.DataFrame) -> None:
    def plain(value: object) -> object:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat()
        return list(value) if isinstance(value, tuple) else value

    records = [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
    expected = json.dumps({"t": records}, ensure_ascii=False)
    assert json_tables({"t": frame}) == expected
    assert json.loads(json_tables({"t": frame})) == json.loads(expected)
    assert b"".join(json_bytes({"t": frame})) == (expected + "\n").encode("utf-8")


def test_json_rows_are_joined_alike_across_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are joined a part at a time: a part boundary leaves no trace in the document."""
    frame = pd.DataFrame({"id": ["c1", "c2", "c3"], "low": [1.0, float("inf"), 2.5]})
    expected = json.dumps({"t": frame.replace(float("inf"), None).to_dict("records")})
    monkeypatch.setattr(output, "_JSON_CHUNK", 2)
    assert json_tables({"t": frame}) == expected


def test_json_of_nullable_columns_has_null_for_missing_cells() -> None:
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"),
                          "x": pd.array([float("inf"), None], dtype="Float64"),
                          "ok": pd.array([True, None], dtype="boolean")})
    assert json.loads(json_tables({"t": frame}))["t"] == [{"n": 1, "x": None, "ok": True},
                                                         {"n": None, "x": None, "ok": None}]


def test_json_keeps_a_lone_surrogate_as_json_dumps_does() -> None:
    """A Python string may hold a lone surrogate, which has no UTF-8 (Arrow cannot hold it)."""
    frame = pd.DataFrame({"quote": pd.Series(["caf\udce9", None], dtype=object), "n": [1, 2]})
    expected = json.dumps({"t": [{"quote": "caf\udce9", "n": 1}, {"quote": None, "n": 2}]},
                          ensure_ascii=False)
    assert json_tables({"t": frame}) == expected
    as_text = frame.astype({"quote": pd.StringDtype("python")})  # pandas' text in Python strings
    assert json_tables({"t": as_text}) == expected


@given(_frames())
def test_tables_have_a_line_per_row_and_spreadsheet_safe_cells(frame: pd.DataFrame) -> None:
    def one_line(value: str | None) -> str | None:
        return value if value is None else value.replace("\n", " ").replace("\r", " ")

    flat = frame.drop(columns=["ids", "why"]).assign(
        claims=pd.Series([one_line("; ".join(v)) for v in frame["claims"]], dtype=object),
        text=pd.Series([one_line(v) for v in frame["text"]], dtype=object),
        problem=pd.Series([one_line(v) for v in frame["problem"]], dtype=object))
    lines = markdown_table(flat).split("\n")
    assert len(lines) == 2 + len(frame)
    safe = spreadsheet_safe(flat)
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t")) for v in safe["text"])
    assert len(text_table(flat).split("\n")) == 2 + len(frame)


@given(_frames(), st.permutations(["text", "low", "line", "kept", "problem"]))
def test_text_table_is_each_row_padded_and_stripped(frame: pd.DataFrame, order: list[str]) -> None:
    """The column-at-a-time table equals the plain way: pad every cell, join, strip each row."""
    def one_line(value: str | None) -> str | None:
        return value if value is None else value.replace("\n", " ").replace("\r", " ")

    frame = frame.drop(columns=["claims", "ids"]).assign(
        text=pd.Series([one_line(v) for v in frame["text"]], dtype=object),
        problem=pd.Series([one_line(v) for v in frame["problem"]], dtype=object))[order]
    columns = []
    for name in frame.columns:
        cells = [name, *(_display_cell(v, rounding_of(name)) for v in frame[name])]
        width = max(map(len, cells))
        pad = str.rjust if frame[name].dtype.kind in "iuf" else str.ljust
        columns.append([pad(cells[0], width), "-" * width, *(pad(c, width) for c in cells[1:])])
    expected = "\n".join("  ".join(row).rstrip() for row in zip(*columns, strict=True))
    assert text_table(frame) == expected


def _display_cell(value: object, rounding: str = "nearest") -> str:
    if isinstance(value, float):
        return format_number(value, rounding)
    return "" if value is None else str(value)
