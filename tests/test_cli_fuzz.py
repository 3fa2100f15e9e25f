"""Fuzz: random CSV files either reconcile (every row accounted for) or fail cleanly with exit 2."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimates.cli import main

COLUMNS = ["id", "quantity", "value", "unit", "low", "high", "best", "as_of", "period", "kind",
           "claimant", "outlet", "published", "quote", "confidence", "grade", "note"]
PLAUSIBLE = {
    "id": st.sampled_from(["c1", "c2", "c3", "c1 ", ""]),
    "quantity": st.sampled_from(["a.troops", "a.killed / a.casualties", "b.losses", "x",
                                 "__import__('os')", "a.b + 3", ""]),
    "value": st.sampled_from(["over 10,000", "5,000+", "some 3000-10000", "1,354 per day",
                              "approximately a third", "lots", "1e400", "-5", "", "12k soldiers"]),
    "unit": st.sampled_from(["person", "container", "person/day", "blorp", ""]),
    "low": st.sampled_from(["", "1", "-3", "nan", "1e400", "abc", "10,000"]),
    "high": st.sampled_from(["", "2", "0", "inf", "5e3"]),
    "as_of": st.sampled_from(["2024-10-23", "2024-10", "2024", "2024-13", "yesterday", ""]),
    "period": st.sampled_from(["", "2024-10", "2024-03-01/2024-01-01", "2022-02-24/2024-11-15"]),
    "kind": st.sampled_from(["", "level", "cumulative", "stock"]),
    "published": st.sampled_from(["", "2024-11-15", "2024-02-30"]),
    "confidence": st.sampled_from(["", "highly likely", "0.8", "150%"]),
    "grade": st.sampled_from(["", "B2", "Z9"]),
}
cell = st.one_of(st.text(max_size=12), st.sampled_from(["", ",", '"', "\n", "=cmd", "∞"]))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "colour"]), min_size=1, max_size=10,
                            unique=True))
    if draw(st.booleans()):
        columns = ["id", "quantity", "value", "as_of", *[c for c in columns if c not in
                                                          ("id", "quantity", "value", "as_of")]]
    rows = draw(st.lists(st.tuples(*[st.one_of(PLAUSIBLE.get(c, cell), cell) for c in columns]),
                         max_size=8))
    buffer = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(buffer, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    data = buffer.getvalue().encode(encoding, errors="replace")
    if draw(st.booleans()) and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(max_size=3)) + data[at:]
    return data


def records(data: bytes) -> int | None:
    """How many claims a reader must account for (None when the file is not UTF-8)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return max(len(rows) - 1, 0)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None)
@given(data=csv_files())
def test_random_files_reconcile_or_fail_cleanly(data: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.csv"
        path.write_bytes(data)
        out = Path(folder) / "out.json"
        code = main(["reconcile", str(path), "--skip-invalid", "--format", "json", "-o", str(out)])
        _, err = capsys.readouterr()
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:
            assert str(path) in err and not out.exists()
        else:
            claims = json.loads(out.read_text())["claims"]
            assert len(claims) == records(data)
