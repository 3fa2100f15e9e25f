"""The command line: good input reads well, bad input gets exact messages and exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from estimates.cli import main

HEADER = "id,quantity,value,unit,low,high,as_of,period,kind,claimant\n"
GOOD_ROWS = (
    "c1,dprk.troops,approximately 3000,person,,,2024-10-23,,level,US officials\n"
    "c2,dprk.troops,over 10000,person,,,2024-10-25,,level,NIS\n"
    "c3,russia.losses,\"1,354 per day\",,,,2024-10-31,2024-10,cumulative,John Healey\n"
    "c4,russia.losses,\"41,980\",person,,,2024-10-31,2024-10,cumulative,author\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "claims.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, out, err


# --- good input ------------------------------------------------------------------------------


def test_reconcile_prints_ranges_then_contradictions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "reconcile", write(tmp_path, HEADER + GOOD_ROWS))
    assert code == 0
    assert out.index("Ranges") < out.index("Contradictions")
    assert "dprk.troops" in out and "disjoint" in out


def test_csv_output_neutralises_formulas_in_text_read_as_categories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = GOOD_ROWS.replace("US officials", "=HYPERLINK(1)").replace(",NIS", ",+NIS")
    out = tmp_path / "out"
    assert run(capsys, "reconcile", write(tmp_path, HEADER + rows), "--format", "csv", "-o", out)[0] == 0
    claims = (out / "claims.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in claims and "'+NIS" in claims
    assert ",=HYPERLINK" not in claims and ",+NIS" not in claims


def test_the_summary_counts_claims_by_status_and_leaves_out_a_status_none_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "reconcile", write(tmp_path, HEADER + GOOD_ROWS))
    assert "Claims: 2 disputed, 2 kept" in out
    bad = GOOD_ROWS + "c5,dprk.troops,lots,,,,2024-10-25,,level,NIS\n"
    _, out, _ = run(capsys, "reconcile", write(tmp_path, HEADER + bad), "--skip-invalid")
    assert "Claims: 2 disputed, 1 invalid, 2 kept" in out


def test_json_has_the_documented_keys_and_nulls_for_unbounded_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "reconcile", write(tmp_path, HEADER + GOOD_ROWS), "--format", "json")
    result = json.loads(out)
    assert code == 0 and set(result) >= {"ranges", "contradictions", "claims"}
    assert {"quantity", "as_of", "low", "high", "best", "unit"} <= set(result["ranges"][0])
    assert {"claims", "reason", "explanation"} <= set(result["contradictions"][0])
    assert {c["id"] for c in result["claims"]} == {"c1", "c2", "c3", "c4"}
    assert all(c["status"] for c in result["claims"])
    assert any(r["high"] is None for r in result["ranges"])  # "over 10000" alone is unbounded


def test_fail_on_contradiction_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEADER + GOOD_ROWS)
    assert run(capsys, "reconcile", path, "--fail-on-contradiction")[0] == 1
    assert run(capsys, "reconcile", path)[0] == 0


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_output_file_is_written_whole(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report.{fmt}"
    assert run(capsys, "reconcile", write(tmp_path, HEADER + GOOD_ROWS), "--format", fmt, "-o", out)[0] == 0
    assert "dprk.troops" in out.read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_csv_output_writes_every_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tables"
    assert run(capsys, "reconcile", write(tmp_path, HEADER + GOOD_ROWS), "--format", "csv", "-o", out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["changes.csv", "claims.csv", "contradictions.csv",
                                                     "ranges.csv", "revisions.csv"]
    # lists of ids are joined with "; " (c1 and c2 disagree with equal weight: C1, both disputed; and the
    # losses at the end of October are bounded by c3 and c4, which speak of the month, and name them)
    contradictions = pd.read_csv(out / "contradictions.csv", keep_default_na=False)
    assert contradictions["claims"].tolist() == ["c1; c2"]
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False).set_index("id")
    assert claims["contradictions"].to_dict() == {"c1": "C1", "c2": "C1", "c3": "", "c4": ""}
    ranges = pd.read_csv(out / "ranges.csv", keep_default_na=False).set_index("quantity")
    assert ranges["claims"].to_dict() == {"dprk.troops": "c1; c2", "russia.losses": "c3; c4"}


def test_output_naming_the_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEADER + GOOD_ROWS)
    code, _, err = run(capsys, "reconcile", path, "-o", path)
    assert code == 2 and "overwrite" in err
    assert path.read_text() == HEADER + GOOD_ROWS


def test_validate_passes_good_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", write(tmp_path, HEADER + GOOD_ROWS))
    assert code == 0 and "4 claims" in out


@pytest.mark.parametrize(
    "text",
    [
        ("\ufeff" + HEADER + GOOD_ROWS).replace("\n", "\r\n"),  # UTF-8 with BOM, CRLF line ends
        HEADER + GOOD_ROWS + 'c5,dprk.troops,"about\n3000",person,,,2024-10-24,,level,"a, b"\n',
    ],
    ids=["bom-crlf", "quoted-newline"],
)
def test_awkward_but_valid_files_read_fine(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "reconcile", write(tmp_path, text), "--format", "json")
    assert code == 0, err
    ids = {c["id"] for c in json.loads(out)["claims"]}
    assert ids >= {"c1", "c2", "c3", "c4"}


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and "estimates" in capsys.readouterr().out
    for command in ("reconcile", "validate", "parse", "plot"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example:" in capsys.readouterr().out


def test_bad_usage_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["reconcile"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2


# --- bad input: file, line, column, value; exit 2; nothing written ---------------------------

BAD_ROWS = {
    "duplicate ids": ("c1,a.b,5,person,,,2024-01-01,,level,x\nc1,a.b,6,person,,,2024-01-01,,level,x\n",
                      3, "id", "c1"),
    "empty id": (",a.b,5,person,,,2024-01-01,,level,x\n", 2, "id", ""),
    "unreadable value": ("c1,a.b,lots and lots,person,,,2024-01-01,,level,x\n", 2, "value", "lots and lots"),
    "low above high": ("c1,a.b,,person,9,3,2024-01-01,,level,x\n", 2, "high", "3"),
    "non-numeric bound": ("c1,a.b,,person,abc,3,2024-01-01,,level,x\n", 2, "low", "abc"),
    "NaN bound": ("c1,a.b,,person,1,nan,2024-01-01,,level,x\n", 2, "high", "nan"),
    "negative count": ("c1,a.b,,person,-5,3,2024-01-01,,level,x\n", 2, "low", "-5"),
    "too large for a float": ("c1,a.b,,person,1e400,,2024-01-01,,level,x\n", 2, "low", "1e400"),
    "unknown unit": ("c1,a.b,5,blorps,,,2024-01-01,,level,x\n", 2, "unit", "blorps"),
    "two dimensions for one quantity": (
        "c1,a.b,5,person,,,2024-01-01,,level,x\nc2,a.b,5,container,,,2024-01-01,,level,x\n",
        3, "unit", "container"),
    "bad date": ("c1,a.b,5,person,,,yesterday,,level,x\n", 2, "as_of", "yesterday"),
    "month 13": ("c1,a.b,5,person,,,2024-13,,level,x\n", 2, "as_of", "2024-13"),
    "period ending before it starts": (
        "c1,a.b,5,person,,,2024-01-01,2024-03-01/2024-01-01,cumulative,x\n", 2, "period",
        "2024-03-01/2024-01-01"),
    "unknown kind": ("c1,a.b,5,person,,,2024-01-01,,stock,x\n", 2, "kind", "stock"),
    "kind differing between rows": (
        "c1,a.b,5,person,,,2024-01-01,,level,x\nc2,a.b,6,person,,,2024-02-01,,cumulative,x\n",
        3, "kind", "cumulative"),
    "expression with an import": ("c1,__import__('os'),5,person,,,2024-01-01,,level,x\n", 2,
                                  "quantity", "__import__('os')"),
    "expression with attribute access": ("c1,a.b.__class__,5,person,,,2024-01-01,,level,x\n", 2,
                                         "quantity", "a.b.__class__"),
    "expression with a call": ("c1,f(a.b),5,person,,,2024-01-01,,level,x\n", 2, "quantity", "f(a.b)"),
    # a fuzz file once failed with "Invalid literal for Fraction: 'inf'" (exit 3)
    "expression with an infinite number": ("c1,a.b * 1e400,5,person,,,2024-01-01,,level,x\n", 2,
                                           "quantity", "1e400"),
    "expression too large for a float": ("c1,a.b * 1e308 * 1e308,5,person,,,2024-01-01,,level,x\n",
                                         2, "quantity", "a.b * 1e308 * 1e308"),
    "expression that is a constant": ("c1,a.b * 1e-400 + 1,5,person,,,2024-01-01,,level,x\n", 2,
                                      "quantity", "constant"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_row_is_reported_with_file_line_column_and_value(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, line, column, value = BAD_ROWS[case]
    path = write(tmp_path, HEADER + rows)
    out_file = tmp_path / "out.json"
    for command in (["validate", path], ["reconcile", path, "-o", out_file]):
        code, _, err = run(capsys, *command)
        assert code == 2
        assert re.search(rf"{re.escape(str(path))}:{line}:{column}:", err), err
        assert value in err
    assert not out_file.exists()


def test_every_bad_row_is_listed_not_only_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(BAD_ROWS[c][0] for c in ("unreadable value", "bad date", "unknown kind"))
    rows = rows.replace("c1,", "x1,", 1).replace("c1,", "x2,", 1).replace("c1,", "x3,", 1)
    path = write(tmp_path, HEADER + GOOD_ROWS + rows)
    code, _, err = run(capsys, "validate", path)
    assert code == 2
    assert all(f"{path}:{line}:" in err for line in (6, 7, 8)), err
    assert "3 problems" in err


def test_skip_invalid_reconciles_good_rows_and_lists_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEADER + GOOD_ROWS + BAD_ROWS["bad date"][0].replace("c1,", "c9,"))
    code, out, _ = run(capsys, "reconcile", path, "--skip-invalid", "--format", "json")
    claims = {c["id"]: c for c in json.loads(out)["claims"]}
    assert code == 0 and set(claims) == {"c1", "c2", "c3", "c4", "c9"}
    assert claims["c9"]["status"] == "invalid" and claims["c9"]["problem"]
    assert claims["c1"]["status"] != "invalid"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty"),
        (HEADER, "no claims"),
        ("id;quantity;value;as_of\nc1;a.b;5;2024-01-01\n", "--delimiter"),
        (b"id,quantity,value,as_of\nc1,a.b,\xff5,2024-01-01\n", "UTF-8"),
        ("quantity,value,as_of\na.b,5,2024-01-01\n", "id"),
        # once an internal error (exit 3): two columns named alike after case folding
        ("id,quantity,value,Value,as_of\nc1,a.b,5,6,2024-01-01\n", ":1:value: is named more than once"),
        ("id,quantity,low,low,as_of\nc1,a.b,5,6,2024-01-01\n", "(columns 3, 4)"),
    ],
    ids=["empty file", "header only", "semicolons", "non-UTF-8 bytes", "missing required column",
         "column named twice, in two cases", "column named twice"],
)
def test_bad_files_are_reported_with_exit_2(
    content: str | bytes, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, content)
    code, _, err = run(capsys, "reconcile", path)
    assert code == 2 and str(path) in err and expected in err, err


def test_non_utf8_bytes_name_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, b"id,quantity,value,as_of\nc1,a.b,5,2024-01-01\nc2,a.b,\xff5,2024-01-01\n")
    code, _, err = run(capsys, "validate", path)
    assert code == 2 and f"{path}:3:" in err and "0xff" in err, err


def test_missing_directory_and_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, "reconcile", tmp_path / "nowhere.csv")
    assert code == 2 and "nowhere.csv" in err and "no such file" in err
    code, _, err = run(capsys, "reconcile", tmp_path)
    assert code == 2 and "directory" in err
    path = write(tmp_path, HEADER + GOOD_ROWS)

    def refuse(*args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, _, err = run(capsys, "reconcile", path)
    assert code == 2 and str(path) in err and "permission" in err.lower()


def test_unknown_column_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HEADER.replace("claimant", "claimant,colour") + GOOD_ROWS.replace("\n", ",red\n"))
    code, _, err = run(capsys, "validate", path)
    assert code == 0 and "colour" in err and "warning" in err


def test_relation_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = write(tmp_path, HEADER + GOOD_ROWS)
    bad = write(tmp_path, "# ok\ndprk.troops = = 3\n", "bad.txt")
    code, _, err = run(capsys, "reconcile", claims, "--relations", bad)
    assert code == 2 and f"{bad}:2" in err
    evil = write(tmp_path, "dprk.troops <= __import__('os').system('x')\n", "evil.txt")
    code, _, err = run(capsys, "reconcile", claims, "--relations", evil)
    assert code == 2 and f"{evil}:1" in err
    unknown = write(tmp_path, "dprk.troops <= nobody.counted\n", "unknown.txt")
    code, _, err = run(capsys, "reconcile", claims, "--relations", unknown)
    assert code == 0 and "nobody.counted" in err and "warning" in err


def test_names_without_claims_are_summed_up_not_listed_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A generated relations file names 50,000 quantities nobody has claims about, and
    others follow: a handful of warning lines, not one per name (issue 16)."""
    claims = write(tmp_path, HEADER + GOOD_ROWS)
    names = " + ".join(f"n{i}" for i in range(50_000))
    lines = [f"dprk.troops <= {names}"] + [f"dprk.troops <= other{i}" for i in range(20)]
    relations = write(tmp_path, "\n".join(lines) + "\n", "relations.txt")
    code, _, err = run(capsys, "validate", claims, "--relations", relations)
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert code == 0
    assert f"{relations}:1: 50,000 names have no claims (n0, " in warnings[0]
    assert "and 49,995 more" in warnings[0]
    assert len(warnings) == 6 and "16 more relations name quantities without claims" in warnings[-1]


def test_large_inputs_show_progress_on_a_terminal_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import estimates.cli

    path = write(tmp_path, HEADER + GOOD_ROWS)
    monkeypatch.setattr(estimates.cli, "PROGRESS_BYTES", 1)
    assert "reconciling 4 claims" not in run(capsys, "reconcile", path)[2]  # not a terminal
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert "reconciling 4 claims" in run(capsys, "reconcile", path)[2]


def test_a_misspelt_required_column_is_named_once_with_its_likely_spelling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quantty` in the header: one line says quantity is missing and points at `quantty`;
    no "quantity is empty" on every row as well."""
    path = write(tmp_path, "id,quantty,value,as_of\na,x,5,2024-10-01\nb,x,6,2024-10-01\n")
    code, _, err = run(capsys, "validate", path)
    problems = [line for line in err.splitlines() if f"{path}:" in line and "problem" not in line]
    assert code == 2
    assert problems == [f"{path}:1:quantity: is a required column and is missing "
                        "(the header has 'quantty': misspelt?)"]


def test_validate_finds_every_row_that_reconcile_would_set_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """"fewer than 0" persons and 0.5 to 0.7 persons hold no whole number: `validate` lists
    both (it said "no problems"), and `reconcile` without --skip-invalid exits 2 listing them
    and writes nothing (it went ahead with "2 invalid")."""
    rows = ("id,quantity,value,unit,low,high,as_of\n"
            "h,x.troops,fewer than 0,person,,,2024-10-01\n"
            "i,x.troops,,person,0.5,0.7,2024-10-01\n"
            "ok,x.troops,3,person,,,2024-10-02\n")
    path = write(tmp_path, rows)
    for command in (["validate"], ["reconcile", "--format", "json", "-o", str(tmp_path / "out.json")]):
        code, _, err = run(capsys, *command, path)
        assert code == 2
        assert f"{path}:2:value: holds no whole number" in err
        assert f"{path}:3:low: holds no whole number" in err
    assert not (tmp_path / "out.json").exists()
    assert run(capsys, "reconcile", path, "--skip-invalid")[0] == 0
