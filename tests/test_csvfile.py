"""Reading CSV bytes: every record on its line, blank lines and short rows on the fast path,
an unclosed quote located, CR-only line ends (issue 16)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
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


def test_every_row_too_wide_is_listed_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b"id,quantity\na,x,1\nb,y\n\nc,z,2,3\n")
    with pytest.raises(ClaimsError) as caught:
        read_csv_file(path)
    assert caught.value.problems["line"].tolist() == [2, 5]


def test_a_row_too_wide_ends_the_process_cleanly_every_time(tmp_path: Path) -> None:
    """"over 10,000" unquoted: the reader's error, then a clean exit, in every one of 16
    fresh processes (pyarrow's reader threads once held a Python callback at exit and
    aborted about one run in five: "terminate called without an active exception")."""
    path = tmp_path / "wide.csv"
    path.write_text("id,quantity,value,as_of\na,x,over 10,000,2024-10-01\nb,x,3000,2024-10-01\n")
    script = ("from estimates.csvfile import read_csv_file\n"
              "try:\n    read_csv_file(__import__('sys').argv[1])\n"
              "except Exception as error:\n    print(type(error).__name__)\n")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(16)]
    outcomes = [(run.wait(timeout=120), run.stdout.read().strip() if run.stdout else "") for run in runs]
    assert outcomes == [(0, "ClaimsError")] * 16


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
