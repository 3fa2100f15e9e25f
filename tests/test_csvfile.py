"""Reading CSV bytes: every record on its line, blank lines and short rows on the fast path,
an unclosed quote located, CR-only line ends (issue 16)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from estimates import csvfile
from estimates.csvfile import read_csv_file
from estimates.errors import ClaimsError
from estimates.output import csv_text


def _read(tmp_path: Path, data: bytes) -> tuple[dict[str, list[str]], list[int]]:
    path = tmp_path / "claims.csv"
    path.write_bytes(data)
    frame, lines = read_csv_file(path)
    return frame.astype(str).to_dict("list"), lines.tolist()


@pytest.fixture
def no_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("read on the slow path")

    monkeypatch.setattr(csvfile, "_read_slowly", refuse)


def test_blank_lines_and_quoted_line_breaks_keep_every_line_on_the_fast_path(
        tmp_path: Path, no_slow_path: None) -> None:
    data = b'id,quote\r\na,"two\r\nlines"\r\n\r\n\r\nb,x\r\n\r\n'
    assert _read(tmp_path, data) == ({"id": ["a", "b"], "quote": ["two\r\nlines", "x"]}, [2, 6])


def test_a_short_row_is_padded_on_the_fast_path(tmp_path: Path, no_slow_path: None) -> None:
    assert _read(tmp_path, b"id,quantity,value\na,x\n\nb,y,3\n") == (
        {"id": ["a", "b"], "quantity": ["x", "y"], "value": ["", "3"]}, [2, 4])


@pytest.mark.parametrize("data", [b"\n  \t\nid,quantity\na,x\n   \nb,y\n\t\n",
                                  b"\xef\xbb\xbf\r\n \r\nid,quantity\r\na,x\r\n  \r\nb,y\r\n"])
def test_lines_of_white_space_and_blank_lines_before_the_header_are_blank_on_the_fast_path_issue_16(
        tmp_path: Path, no_slow_path: None, data: bytes) -> None:
    assert _read(tmp_path, data) == ({"id": ["a", "b"], "quantity": ["x", "y"]}, [4, 6])


def test_lines_of_white_space_are_blank_on_the_slow_path_too(tmp_path: Path) -> None:
    data = b'\n\nid,note\na,12" gun\n   \nb,x\n'
    assert _read(tmp_path, data) == ({"id": ["a", "b"], "note": ['12" gun', "x"]}, [4, 6])


def test_every_row_too_wide_is_listed_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b"id,quantity\na,x,1\nb,y\n\nc,z,2,3\n")
    with pytest.raises(ClaimsError) as caught:
        read_csv_file(path)
    assert caught.value.problems["line"].tolist() == [2, 5]


def test_ragged_rows_are_found_without_a_python_callback_in_pyarrow_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"over 10,000" unquoted, and a short row: both found, and pyarrow is never handed a
    Python callback (its reader threads held one at exit and aborted the process about one
    run in five: "terminate called without an active exception")."""
    handlers = []
    read_csv = csvfile.pa_csv.read_csv

    def watched(*args: object, **kwargs: object) -> object:
        handlers.append(getattr(kwargs.get("parse_options"), "invalid_row_handler", None))
        return read_csv(*args, **kwargs)

    monkeypatch.setattr(csvfile.pa_csv, "read_csv", watched)
    wide = tmp_path / "wide.csv"
    wide.write_text("id,quantity,value,as_of\na,x,over 10,000,2024-10-01\nb,x,3000,2024-10-01\n")
    with pytest.raises(ClaimsError, match="must be quoted"):
        read_csv_file(wide)
    short = tmp_path / "short.csv"
    short.write_text("id,quantity,value\na,x\nb,y,3\n")
    assert read_csv_file(short)[0]["value"].tolist() == ["", "3"]
    assert handlers and handlers == [None] * len(handlers)


@pytest.mark.parametrize(("body", "line"), [
    (b'id,quote\na,12" guns\nb,"never closed\nc,x\nd,y\n', 3),  # a record of its own
    (b'id,quote\na,12" guns\nb,"two\nlines"\nc,"closed ""twice""\n""\nd,y\n', 5),  # after
    (b'id,quote\r\na,12" guns\r\nb,x\r\nc,"', 4),  # on the last line, with no line end
])
def test_an_unclosed_quote_in_a_file_not_rfc_4180_is_an_error_too_issue_16(
        tmp_path: Path, body: bytes, line: int) -> None:
    """A quote inside an unquoted cell (`12" guns`) sends the file to Python's csv module,
    which reads a quote never closed as a cell holding the rest of the file: those rows
    would be lost without a word. The line and column where the quote opens are named."""
    path = tmp_path / "claims.csv"
    path.write_bytes(body)
    with pytest.raises(ClaimsError) as caught:
        read_csv_file(path)
    problem = caught.value.problems.iloc[0]
    assert "never closed" in problem["problem"]
    assert (problem["line"], problem["column"]) == (line, "3")


def test_a_file_not_rfc_4180_whose_quotes_all_close_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b'id,quote\na,12" guns\nb,"two\nlines"\nc,"x"" y"\n\n')
    frame, lines = read_csv_file(path)
    assert frame["quote"].tolist() == ['12" guns', "two\nlines", 'x" y'] and lines.tolist() == [2, 3, 5]


def test_an_unclosed_quote_is_an_error_naming_the_line_where_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b'id,quote\na,"fine ""quoted"" text"\nb,"never ""closed\nc,x\nd,y\n')
    with pytest.raises(ClaimsError) as caught:
        read_csv_file(path)
    problem = caught.value.problems.iloc[0]
    assert (problem["line"], problem["column"]) == (3, "3")
    assert "never closed" in problem["problem"]


def test_cr_only_line_ends_read_as_lines(tmp_path: Path) -> None:
    assert _read(tmp_path, b"id,quantity\ra,x\rb,y\r") == (
        {"id": ["a", "b"], "quantity": ["x", "y"]}, [2, 3])


def test_a_quote_inside_an_unquoted_cell_is_text(tmp_path: Path) -> None:
    assert _read(tmp_path, b'id,value\na,12" guns\n') == ({"id": ["a"], "value": ['12" guns']}, [2])


def test_a_carriage_return_in_a_cell_is_quoted_and_reads_back_as_one_cell(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "quote": ["one\rtwo", "=cmd\r=evil"]})
    text = csv_text(frame)
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["id", "quote"], ["a", "one\rtwo"], ["b", "=cmd\r=evil"]]
    assert _read(tmp_path, text.encode())[0] == frame.to_dict("list")


def test_a_cr_inside_quotes_of_a_file_of_cr_line_ends_stays_a_cr_issue_16(tmp_path: Path) -> None:
    """Old Mac line ends (CR alone) are read as lines, and a CR inside a quoted cell is kept
    as written (it came back a line feed), while lines still count it as an editor does."""
    path = tmp_path / "claims.csv"
    path.write_bytes(b'id,note\ra,"two\rlines"\rb,x\r')
    frame, lines = read_csv_file(path)
    assert frame["note"].tolist() == ["two\rlines", "x"] and lines.tolist() == [2, 4]
