"""Every table in every output format (issues 17 and 20): changes and revisions in the table,
markdown, CSV folder, JSON and Parquet outputs; one JSON writer; Parquet and folders read in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from estimates import report
from estimates.claims import read_claims
from estimates.cli import main
from estimates.errors import ClaimsError
from estimates.reconcile import Reconciliation, reconcile

#: troops in Russia moved from about 3,000 to over 10,000 in two months: a change, not a contradiction
CLAIMS = (
    "id,quantity,value,as_of,kind,claimant,published\n"
    "c1,dprk.troops,approximately 3000,2024-08-23,level,US officials,2024-08-24\n"
    "c2,dprk.troops,over 10000,2024-10-25,level,NIS,2024-10-26\n"
    "c3,dprk.troops,\"2,000\",2024-10-25,level,NIS,2024-10-27\n"
    "c4,russia.losses,\"41,980\",2024-10-31,cumulative,author,2024-11-01\n"
)


@pytest.fixture
def claims_file(tmp_path: Path) -> Path:
    path = tmp_path / "claims.csv"
    path.write_text(CLAIMS, encoding="utf-8")
    return path


@dataclass(frozen=True)
class WithRevisions(Reconciliation):
    """A result with a revisions table, as the reconciler gives once it finds revisions."""

    revisions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"quantity": ["dprk.troops"], "superseded": ["c3"], "by": ["c2"]}))


def revised(claims_file: Path) -> WithRevisions:
    result = reconcile(claims_file)
    return WithRevisions(result.ranges, result.contradictions, result.claims, result.changes)


def test_cli_json_is_to_json_byte_for_byte(claims_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["reconcile", str(claims_file), "--format", "json", "-o", str(out)]) == 0
    assert out.read_bytes() == reconcile(claims_file).to_json().encode("utf-8")
    assert json.loads(out.read_text())["changes"][0]["quantity"] == "dprk.troops"


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_text_formats_show_changes_and_revisions_after_the_contradictions(
        claims_file: Path, fmt: str) -> None:
    text = report.render(revised(claims_file), fmt)
    changes, revisions = text.index("Changes (1)"), text.index("Revisions (1)")
    assert text.index("Contradictions") < changes < revisions < text.index("Claims")
    assert "/ day" in text[changes:revisions] and "c3" in text[revisions:]


def test_text_formats_leave_out_a_table_without_rows(claims_file: Path) -> None:
    result = reconcile(claims_file)
    empty = WithRevisions(result.ranges, result.contradictions, result.claims, result.changes,
                          revisions=pd.DataFrame(columns=["quantity", "superseded", "by"]))
    assert "Revisions" not in report.render(empty, "table")


def test_json_and_csv_hold_every_table(claims_file: Path, tmp_path: Path) -> None:
    result = revised(claims_file)
    document = json.loads(report.render(result, "json"))
    assert list(document) == ["ranges", "contradictions", "claims", "changes", "revisions"]
    assert document["revisions"] == [{"quantity": "dprk.troops", "superseded": "c3", "by": "c2"}]
    report.write(result, "csv", str(tmp_path / "tables"))
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == [
        "changes.csv", "claims.csv", "contradictions.csv", "ranges.csv", "revisions.csv"]
    assert "# revisions\n" in report.render(result, "csv")


def test_parquet_folder_holds_every_table_with_unbounded_ends_and_id_lists(
        claims_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    report.write(revised(claims_file), "parquet", str(out))
    assert sorted(p.name for p in out.iterdir()) == [
        "changes.parquet", "claims.parquet", "contradictions.parquet", "ranges.parquet",
        "revisions.parquet"]
    ranges = pd.read_parquet(out / "ranges.parquet").set_index("quantity")
    assert ranges.loc["russia.losses", "claims"].tolist() == ["c4"]
    contradictions = pq.read_table(out / "contradictions.parquet")
    assert pa.types.is_list(contradictions.schema.field("claims").type) or \
        pa.types.is_large_list(contradictions.schema.field("claims").type)
    over = pd.read_parquet(out / "claims.parquet").set_index("id").loc["c2"]
    assert over["high"] == float("inf") and bool(over["low_open"])


def test_parquet_output_replaces_a_folder_whole_and_leaves_no_temporary_folder(
        claims_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "ranges.parquet").write_bytes(b"old")  # a previous output: replaced whole
    assert main(["reconcile", str(claims_file), "--format", "parquet", "-o", str(out)]) == 0
    assert (out / "ranges.parquet").read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "tables"]
    # a folder holding files that are not this output's is the user's: refused, left as it is
    (out / "notes.txt").write_text("mine")
    assert main(["reconcile", str(claims_file), "--format", "parquet", "-o", str(out)]) == 2
    assert (out / "notes.txt").read_text() == "mine"


def test_a_failed_parquet_write_leaves_the_old_folder(claims_file: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "ranges.parquet").write_bytes(b"old")

    def broken(frame: pd.DataFrame) -> pa.Table:
        raise OSError("disk full")

    monkeypatch.setattr(report, "parquet_table", broken)
    with pytest.raises(OSError, match="disk full"):
        report.write(reconcile(claims_file), "parquet", str(out))
    assert (out / "ranges.parquet").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "tables"]


def test_parquet_to_the_terminal_is_a_usage_error(
        claims_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", str(claims_file), "--format", "parquet"]) == 2
    assert "-o" in capsys.readouterr().err


# --- reading Parquet, folders and globs ---------------------------------------------------


def test_parquet_claims_read_as_the_same_csv(claims_file: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(claims_file, dtype=str, keep_default_na=False)
    frame.loc[3, "value"] = ""
    frame.assign(low=["", "", "", "41980"]).to_csv(claims_file, index=False)
    from_csv = read_claims(claims_file)
    frame["low"] = [None, None, None, 41980.0]  # a typed column reads as its text
    frame.to_parquet(tmp_path / "claims.parquet")
    from_parquet = read_claims(tmp_path / "claims.parquet")
    columns = ["id", "line", "quantity", "low", "high", "as_of_start", "kind", "weight"]
    pd.testing.assert_frame_equal(from_parquet[columns].astype(str), from_csv[columns].astype(str))


def test_a_folder_and_a_glob_read_their_files_in_name_order_with_lines_running_on(
        claims_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    lines = CLAIMS.splitlines(keepends=True)
    (folder / "a.csv").write_text("".join(lines[:3]))
    pd.DataFrame([row.split(",") for row in ("c3,dprk.troops,2000,2024-10-25,level,NIS,2024-10-27",)],
                 columns=lines[0].strip().split(",")).to_parquet(folder / "b.parquet")
    (folder / "notes.txt").write_text("not a table")
    for source in (folder, str(folder / "[ab].*")):
        table = read_claims(source)
        assert table["id"].tolist() == ["c1", "c2", "c3"]
        assert table["line"].tolist() == [2, 3, 4]


def test_an_empty_folder_and_an_empty_glob_name_themselves(tmp_path: Path) -> None:
    with pytest.raises(ClaimsError, match=r"holds no \.csv or \.parquet file"):
        read_claims(tmp_path)
    with pytest.raises(ClaimsError, match="matches no file"):
        read_claims(tmp_path / "*.parquet")


def test_dates_stored_as_timestamps_read_as_the_days_they_are(tmp_path: Path) -> None:
    """A Parquet export from a spreadsheet or a database keeps `as_of` as a timestamp, and a
    notebook's frame holds pandas Timestamps: both mean the day, as "2024-10-01" would."""
    import datetime as dt

    stamps = [dt.datetime(2024, 10, 1), dt.datetime(2024, 10, 3)]
    columns = {"id": ["a", "b"], "quantity": ["x", "x"], "value": ["5", "7"], "unit": ["person"] * 2}
    pq.write_table(pa.table({**columns, "as_of": pa.array(stamps, pa.timestamp("us"))}),
                   tmp_path / "claims.parquet")
    from_parquet = read_claims(tmp_path / "claims.parquet")
    from_frame = read_claims(pd.DataFrame({**columns, "as_of": pd.to_datetime(stamps)}))
    for claims in (from_parquet, from_frame):
        assert claims["as_of"].tolist() == ["2024-10-01", "2024-10-03"]
        assert claims["problem"].isna().all()


def test_a_parquet_column_of_lists_is_an_input_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A list column the schema knows (`note`) cannot be read as text: exit 2, its name and
    type, no traceback; one the schema does not know (`tags`) is not even read."""
    table = pa.table({"id": ["a"], "quantity": ["x"], "value": ["5"], "as_of": ["2024-10-01"],
                      "tags": pa.array([["C1"]])})
    pq.write_table(table, tmp_path / "tags.parquet")
    assert main(["validate", str(tmp_path / "tags.parquet")]) == 0
    pq.write_table(table.append_column("note", pa.array([["n"]])), tmp_path / "note.parquet")
    code = main(["validate", str(tmp_path / "note.parquet")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"{tmp_path / 'note.parquet'}:1:note: holds lists" in err and "list<" in err


def test_a_claim_dated_by_its_publication_says_so_in_every_format(tmp_path: Path) -> None:
    """No `as_of`, only `published`: the claim is dated 2024-11-20 and the output says the
    date is the publication's, in the claims table and in the text the analyst reads."""
    frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x.t"] * 2, "value": ["3000", "3100"],
                          "unit": ["person"] * 2, "as_of": ["", "2024-11-20"],
                          "published": ["2024-11-20", "2024-11-21"]})
    result = reconcile(frame)
    assert result.claims["as_of_from_published"].tolist() == [True, False]
    assert result.claims["as_of"].tolist() == ["2024-11-20", "2024-11-20"]
    for fmt in ("table", "markdown"):
        assert "Dated by their publication, having no as_of (1): a (2024-11-20)" in report.render(result, fmt)
    assert json.loads(result.to_json())["claims"][0]["as_of_from_published"] is True


def test_files_with_different_columns_read_as_one_table(tmp_path: Path) -> None:
    """One file names claimants, the next outlets: the table has both, empty where a file
    lacks the column, and each claim's source is the one its own file gives."""
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "1.csv").write_text("id,quantity,value,as_of,claimant\na,x,5,2024-10-01,A\nb,y,6,2024-10-01,\n")
    (folder / "2.csv").write_text("id,quantity,value,as_of,outlet\nc,x,7,2024-10-02,O\n")
    table = read_claims(folder)
    assert table["claimant"].astype(str).tolist() == ["A", "", ""]
    assert table["outlet"].astype(str).tolist() == ["", "", "O"]
    assert table["source"].astype(str).tolist() == ["A", "claim b", "O"]


@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize("brk", ["\r", "\n", "\r\n"])
def test_a_line_break_inside_a_cell_starts_no_line_of_the_text_formats_issue_16(
        fmt: str, brk: str) -> None:
    """An id and a claimant holding a line break reach the lists of contradictions and of
    claims not kept: each stays one line (a bare CR would overwrite the line on a terminal,
    a LF would make a line that looks like a claim of its own)."""
    frame = pd.DataFrame({"id": [f"a{brk}FAKE", "b"], "quantity": ["x.y"] * 2, "value": ["5", "50"],
                          "as_of": ["2024-01-01"] * 2, "claimant": [f"Mr{brk}X", "Ms Y"],
                          "unit": ["person"] * 2})
    text = report.render(reconcile(frame), fmt)
    assert "\r" not in text
    assert not [line for line in text.splitlines() if line.startswith("FAKE") or line.startswith("X")]
    assert "a FAKE" in text and "Mr X" in text


def test_parse_as_csv_quotes_a_carriage_return_and_escapes_formulas_issue_16(
        capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    assert main(["parse", "about 5\rtroops", "=1+2", "--format", "csv"]) == 2
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert [row[0] for row in rows] == ["text", "about 5\rtroops", "'=1+2"]
