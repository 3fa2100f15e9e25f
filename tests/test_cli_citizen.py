"""The command line with the user's files and pipes: every failure exit 2 with a message, a
closed pipe ends quietly (issues 16 and 17)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from estimates import cli
from estimates.cli import main

SEEDS = Path("data/estimates.csv").resolve()
ESTIMATES = [sys.executable, "-m", "estimates"]


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as stop:  # argparse refusing an option
        code = int(stop.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_reading_json_through_head_ends_quietly_as_unix_tools_do_issue_17() -> None:
    command = " ".join([*ESTIMATES, "reconcile", str(SEEDS), "--format", "json"])
    run = subprocess.run(f"{command} | head -c 10; exit ${{PIPESTATUS[0]}}", shell=True,
                         executable="/bin/bash", capture_output=True, text=True)
    assert run.stderr == ""
    assert run.returncode == 141  # 128 + SIGPIPE, as `cat big | head` ends


def test_a_csv_folder_holding_the_input_is_refused_and_the_input_kept(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.csv"
    shutil.copy(SEEDS, claims)
    before = claims.read_bytes()
    code, err = _run(capsys, "reconcile", claims, "--format", "csv", "-o", tmp_path)
    assert code == 2 and "would overwrite the input" in err
    assert claims.read_bytes() == before


@pytest.mark.parametrize(("given", "fmt", "output"), [
    ("{folder}", "csv", "{folder}"), ("{folder}/*.csv", "csv", "{folder}"),
    ("{folder}", "json", "{folder}/claims.csv"), ("{folder}/*.csv", "markdown", "{folder}/claims.csv"),
])
def test_claims_given_as_a_folder_or_a_glob_are_never_overwritten_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, fmt: str, output: str) -> None:
    """Claims read from a folder (or a glob) holding claims.csv: an output onto that folder or
    that file would replace the input; each file read counts as an input."""
    claims = tmp_path / "claims.csv"
    shutil.copy(SEEDS, claims)
    before = claims.read_bytes()
    code, err = _run(capsys, "reconcile", given.format(folder=tmp_path), "--format", fmt,
                     "-o", output.format(folder=tmp_path))
    assert code == 2 and f"would overwrite the input {claims}" in err
    assert claims.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["claims.csv"]


def test_csv_output_into_a_folder_holding_other_files_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine.csv"
    shutil.copy(SEEDS, mine)
    code, err = _run(capsys, "reconcile", mine, "--format", "csv", "-o", tmp_path)
    assert code == 2 and "holds other files (mine.csv)" in err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.csv"]


@pytest.mark.parametrize(("args", "message"), [
    (["--window", "nan"], "--window"), (["--window", "inf"], "--window"),
    (["--window", "1e300"], "--window"), (["--window", "-1"], "--window"),
    (["--delimiter", ""], "--delimiter"), (["--delimiter", ",,"], "--delimiter"),
    (["--delimiter", "é"], "--delimiter"), (["-o", ""], "an empty path"),
])
def test_bad_options_are_usage_errors(capsys: pytest.CaptureFixture[str], args: list[str],
                                      message: str) -> None:
    code, err = _run(capsys, "reconcile", SEEDS, *args)
    assert code == 2 and message in err


@pytest.mark.parametrize(("output", "fmt", "message"), [
    ("missing/out.json", "json", "does not exist"),
    ("folder", "json", "is a folder"),
    ("file.txt", "csv", "is a file"),
])
def test_outputs_that_cannot_be_written_exit_2_naming_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str, fmt: str, message: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.txt").write_text("keep")
    code, err = _run(capsys, "reconcile", SEEDS, "--format", fmt, "-o", tmp_path / output)
    assert code == 2 and message in err and output in err
    assert (tmp_path / "file.txt").read_text() == "keep"
    assert not [p for p in (tmp_path / "folder").iterdir()]


def test_standard_output_on_a_full_disk_is_an_error_not_a_crash() -> None:
    with open("/dev/full", "w") as full:
        run = subprocess.run([*ESTIMATES, "reconcile", str(SEEDS)], stdout=full,
                             stderr=subprocess.PIPE, text=True)
    assert run.returncode == 2
    assert "cannot write standard output: No space left on device" in run.stderr


@pytest.mark.parametrize("args", [["validate", SEEDS], ["parse", "about 5 troops"],
                                  ["reconcile", SEEDS, "--format", "markdown"], ["--version"],
                                  ["reconcile", "--help"]])
def test_every_command_on_a_full_disk_is_an_error_not_a_crash_issue_16(args: list[object]) -> None:
    with open("/dev/full", "w") as full:
        run = subprocess.run([*ESTIMATES, *map(str, args)], stdout=full, stderr=subprocess.PIPE,
                             text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "cannot write standard output: No space left on device" in run.stderr


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_standard_output_cut_short_by_the_file_size_limit_is_an_error_issue_16(
        tmp_path: Path, fmt: str) -> None:
    """The limit lets the first kilobyte through (a short write), then refuses: the command
    says so, rather than ending with exit 0 and a file cut short."""
    out = tmp_path / "out.txt"
    run = subprocess.run(["bash", "-c", f"ulimit -f 1; exec {' '.join(ESTIMATES)} reconcile "
                          f"{SEEDS} --format {fmt} > {out}"], capture_output=True, text=True)
    assert run.returncode == 2 and "cannot write standard output: File too large" in run.stderr


def test_output_past_the_file_size_limit_is_an_error_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    run = subprocess.run(["bash", "-c", f"ulimit -f 1; exec {' '.join(ESTIMATES)} reconcile "
                          f"{SEEDS} --format json -o {out}"], capture_output=True, text=True)
    assert run.returncode == 2 and "File too large" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_internal_error_says_how_to_report_it_with_the_command_and_the_input_shape(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_validate_command", broken)
    code = main(["validate", str(SEEDS)])
    err = capsys.readouterr().err
    assert code == 3
    assert f"command: estimates validate {SEEDS}" in err
    assert "lines, header: id,quantity" in err
    assert "http" not in err  # no made-up address
    assert "its package names no address" in err  # `pip show estimates` shows none either


def test_an_internal_error_names_the_address_the_install_s_metadata_gives_issue_16(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from email.message import Message
    from importlib import metadata

    meta = Message()
    meta["Name"] = "estimates"
    meta["Project-URL"] = "Issues, https://tracker.example.org/estimates"
    monkeypatch.setattr(metadata, "metadata", lambda name: meta)
    assert cli._where_to_report() == "to the maintainers of estimates (https://tracker.example.org/estimates)"


def test_100000_unknown_columns_are_one_warning_naming_the_first_few_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = [f"x{i}" for i in range(100_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["id", "quantity", "value", "as_of", *extra]) + "\n"
                    + ",".join(["c1", "a.b", "5", "2024", *[""] * len(extra)]) + "\n")
    code, err = _run(capsys, "validate", path)
    assert code == 0
    assert err.count("warning") == 1
    assert "100,000 unknown columns are ignored: 'x0', 'x1'" in err and "99,995 more" in err


@pytest.mark.parametrize(("rows", "column"), [("c1,a.b,,,-5,2024\n", "high"),
                                             ("c1,a.b,,-5,,2024\n", "low")])
def test_a_negative_count_is_an_input_error_in_low_or_high_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: str, column: str) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("id,quantity,value,low,high,as_of\n" + rows)
    code, err = _run(capsys, "validate", path)
    assert code == 2 and f"claims.csv:2:{column}: is negative" in err


def test_a_claim_dated_in_the_year_9999_reconciles_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("id,quantity,value,as_of\nc1,a.b,5,9999\nc2,a.b,6,9999-12-31\n")
    code, err = _run(capsys, "reconcile", path, "--window", "36525")
    assert code == 0 and err == ""


def test_a_quantity_of_a_thousand_signs_is_read_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(f"id,quantity,value,as_of\nc1,{'-' * 1000}a.b,5,2024\nc2,a.b,5,2024\n")
    code, err = _run(capsys, "validate", path)
    assert code == 0 and err == ""


def test_skip_invalid_with_relations_lists_a_row_naming_a_bad_quantity_with_its_line_issue_17(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text("id,quantity,value,as_of\nc1,a.b,5,2024\nc2,a.b +,6,2024\nc3,f(x),6,2024\n")
    relations = tmp_path / "relations.txt"
    relations.write_text("a.b <= c.d\n")
    code = main(["reconcile", str(claims), "--relations", str(relations), "--skip-invalid",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    invalid = {c["id"]: c for c in out["claims"] if c["status"] == "invalid"}
    assert sorted(invalid) == ["c2", "c3"]
    assert invalid["c2"]["line"] == 3 and "quantity" in invalid["c2"]["problem"]


@pytest.mark.parametrize("command", ["validate", "reconcile"])
def test_unit_cells_with_powers_pint_would_compute_for_ever_are_errors_naming_each_line_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    nested = "(" * 10 + "9**12" + ")**12" * 10
    path = tmp_path / "claims.csv"
    path.write_text(f"id,quantity,value,unit,as_of\nc1,a.b,5,{nested},2024\nc2,a.b,5,week⁹⁹⁹⁹⁹⁹⁹⁹⁹,2024\n"
                    "c3,a.b,5,week**1_000_000,2024\n")
    code, err = _run(capsys, command, path)
    assert code == 2
    for line, unit in ((2, nested), (3, "week⁹⁹⁹⁹⁹⁹⁹⁹⁹"), (4, "week**1_000_000")):
        assert f"claims.csv:{line}:unit: is not a unit estimates reads" in err and repr(unit) in err


@pytest.mark.parametrize(("call", "message"), [
    (lambda e: e.read_claims(SEEDS, delimiter=""), "is not a delimiter"),
    (lambda e: e.read_claims(SEEDS, delimiter=",,"), "is not a delimiter"),
    (lambda e: e.read_claims(SEEDS, delimiter="é"), "one ASCII character"),
    (lambda e: e.read_claims(None), "claims must be a path or a DataFrame"),
    (lambda e: e.reconcile(SEEDS, at=[1e300]), "is not a date"),
    (lambda e: e.reconcile(SEEDS, window=float("nan")), "whole number of days"),
])
def test_library_misuse_raises_an_estimates_error_issue_16(call: Any, message: str) -> None:
    import estimates

    with pytest.raises(estimates.EstimatesError, match=message):
        call(estimates)


def test_at_takes_one_date_given_as_text_issue_16() -> None:
    import estimates

    ranges = estimates.reconcile(SEEDS, at="2024-11-01").ranges
    assert (ranges["as_of"].astype(str) == "2024-11-01").any()


def test_a_relation_summing_50000_names_reconciles_issue_16(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """total = q0 + ... + q49999 with a claim on the total and on a few parts: each part's
    range comes from one row, so no programme per part (that was 50,000 of them), and the
    relation's text is held once, not once per range (22 GB before)."""
    names = [f"q{i}" for i in range(50_000)]
    relations = tmp_path / "relations.txt"
    relations.write_text("total = " + " + ".join(names) + "\n")
    claims = tmp_path / "claims.csv"
    claims.write_text("id,quantity,value,unit,as_of\nt,total,100000,person,2024-01-01\n"
                      + "".join(f"c{i},q{i},1000,person,2024-01-01\n" for i in range(0, 50_000, 10_000)))
    code = main(["reconcile", str(claims), "--relations", str(relations), "--format", "markdown"])
    out = capsys.readouterr().out
    assert code == 0
    ranges = out.split("## Contradictions")[0]
    # 100,000 reads as 95,000 to 105,000, each part 950 to 1,050: 105,000 - 5 x 950 is left
    assert "| q1 | 2024-01-01 | 0 | 100,250 |" in ranges
    assert "q49999" in out.split("## Derived ranges")[1]


def test_a_relation_summing_50000_names_is_named_by_its_start_and_line_in_json_issue_16(
        tmp_path: Path) -> None:
    """Each of the 50,000 derived ranges names the relation it comes from: in full, that
    was 550 KB of text per range (22 GB of JSON); now its first words, length and line."""
    names = [f"q{i}" for i in range(50_000)]
    relations = tmp_path / "relations.txt"
    relations.write_text("total = " + " + ".join(names) + "\n")
    claims = tmp_path / "claims.csv"
    claims.write_text("id,quantity,value,unit,as_of\nt,total,100000,person,2024-01-01\n")
    out = tmp_path / "result.json"
    assert main(["reconcile", str(claims), "--relations", str(relations), "--format", "json",
                 "-o", str(out)]) == 0
    assert out.stat().st_size < 50_000_000
    ranges = json.loads(out.read_text())["ranges"]
    named = {tuple(r["relations"]) for r in ranges if r["quantity"] == "q49999"}
    length = len(relations.read_text().strip())
    assert len(named) == 1
    (shown,), = named
    assert shown.startswith("total = q0 + q1 + q2 + ")
    assert shown.endswith(f" ... ({length:,} characters) (line 1)")
    assert len(shown) < 300
