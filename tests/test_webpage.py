"""The shareable HTML report (issue 17): what the page holds, read from its markup.

The page in a real browser (sorting, filtering, no console errors, a screenshot) is tested
in `test_webpage_browser.py`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import estimates
from estimates.cli import main
from estimates.webpage import to_html

DATA = Path(__file__).resolve().parents[1] / "data"


class _Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser reads them."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def seed_page() -> str:
    claims = estimates.read_claims(DATA / "estimates.csv")
    result = estimates.reconcile(claims, estimates.read_relations(DATA / "relations.txt"))
    return result.to_html(claims)


def test_the_seed_report_has_the_summary_a_section_per_quantity_and_every_claim(seed_page: str) -> None:
    claims = estimates.read_claims(DATA / "estimates.csv")
    result = estimates.reconcile(claims, estimates.read_relations(DATA / "relations.txt"))
    page = _Page(seed_page)
    counts = dict(re.findall(r'data-count="(\w+)"><span class="count">([\d,]+)<', seed_page))
    status = result.claims["status"].astype(str)
    assert counts["claims"] == str(len(claims))
    assert counts["kept"] == str((status == "kept").sum())
    assert counts["excluded"] == str((status == "excluded").sum())
    assert counts["contradictions"] == str(len(result.contradictions))
    assert {"superseded", "disputed"} <= counts.keys()
    sections = [a["data-quantity"] for t, a in page.tags if t == "section" and "data-quantity" in a]
    assert sections == sorted(set(result.ranges["quantity"].astype(str)))
    assert sum(1 for t, a in page.tags if t == "svg") == len(sections)  # a plot in each
    rows = [a for t, a in page.tags if t == "tr" and "data-status" in a]
    assert len(rows) == len(claims)


def test_a_contradiction_shows_each_claims_quote_claimant_outlet_and_date(seed_page: str) -> None:
    claims = estimates.read_claims(DATA / "estimates.csv").set_index("id")
    block = seed_page[seed_page.index('<div class="contradiction" data-contradiction="C1"'):]
    block = block[:block.index("</div>")]
    ids = re.findall(r"<code>([^<]+)</code>", block)
    assert len(ids) >= 2
    for claim in ids:
        row = claims.loc[claim]
        for text in (row["quote"], row["claimant"], row["outlet"], row["as_of"]):
            escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert escaped.replace('"', "&quot;") in block or escaped in block


def test_the_page_fetches_nothing_and_runs_only_its_own_script(seed_page: str) -> None:
    page = _Page(seed_page)
    for tag, attributes in page.tags:
        for name in ("src", "href"):
            target = attributes.get(name) or ""
            assert not target or target.startswith("#"), (tag, name, target)
        assert not (tag == "link" or (tag == "image" and "xlink:href" in attributes))
    assert len(page.scripts) == 1
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv"))
    assert policy is not None and "default-src 'none'" in policy and "unsafe-inline'; img" in policy
    assert "script-src 'sha256-" in policy  # only the page's own script, by its hash


def test_text_from_a_claims_file_cannot_become_markup() -> None:
    frame = pd.DataFrame({"id": ["a<i>", "b"], "quantity": ["x", "x"], "low": ["10", "30"],
                          "high": ["20", "40"], "as_of": ["2024-10-01"] * 2,
                          "claimant": ['<script>alert("x")</script>', "B & Co"],
                          "quote": ["<img src=x onerror=alert(1)>", '"fine"']})
    page = to_html(estimates.reconcile(frame), claims=estimates.read_claims(frame), plots=False)
    parsed = _Page(page)
    assert len(parsed.scripts) == 1
    assert not any(t == "img" or "onerror" in a for t, a in parsed.tags)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page and "B &amp; Co" in page


def test_statuses_and_tables_a_reconciliation_lacks_are_left_out_gracefully() -> None:
    frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["10"], "as_of": ["2024"]})
    full = estimates.reconcile(frame)
    # a result as an older engine or another caller may build it: no revisions table, no
    # superseded_by column
    result = SimpleNamespace(ranges=full.ranges, contradictions=full.contradictions,
                             claims=full.claims.drop(columns=["superseded_by"]), changes=full.changes)
    page = to_html(result, plots=False)
    assert "Revisions" not in page and "superseded_by" not in page
    assert 'data-count="superseded"><span class="count">0<' in page


def test_revisions_and_superseded_claims_are_shown_when_a_reconciliation_has_them() -> None:
    """The reconciler's revisions table and ``superseded`` status (issue 15), as it will give them."""
    frame = pd.DataFrame({"id": ["jan-feb", "jan-jun"], "quantity": ["killed"] * 2,
                          "value": ["177", "198"], "as_of": ["2023-01-31"] * 2,
                          "claimant": ["UN mission"] * 2})
    result = estimates.reconcile(frame)
    claims = result.claims.assign(status=["superseded", "kept"],
                                  superseded_by=pd.Series(["jan-jun", None], dtype=object))
    revisions = pd.DataFrame({"quantity": ["killed"], "as_of": ["2023-01-31"], "period": [""],
                              "earlier": ["jan-feb"], "later": ["jan-jun"],
                              "earlier_value": ["177"], "later_value": ["198"], "change": [21.0]})
    revised = type("Revised", (), {"ranges": result.ranges, "contradictions": result.contradictions,
                                   "claims": claims, "changes": result.changes,
                                   "revisions": revisions})()
    page = to_html(revised, plots=False)
    assert 'data-count="superseded"><span class="count">1<' in page
    assert 'data-count="revisions"><span class="count">1<' in page
    assert "<h3>Revisions (1)</h3>" in page and "<th scope=\"col\">superseded_by</th>" in page
    assert '<option value="superseded">' in page


def test_numbers_in_the_page_read_as_numbers_with_bounds_rounded_outward() -> None:
    frame = pd.DataFrame({"id": ["t", "k"], "quantity": ["c", "k / c"], "low": ["5000", "0.3"],
                          "high": ["", "0.3666666666666667"], "as_of": ["2025-03"] * 2})
    page = to_html(estimates.reconcile(frame, ["c = k + w"]), plots=False)
    shown = re.findall(r'<td class="num" data-sort="[^"]*">([^<]*)<', page)
    assert "1,500" in shown  # killed's low, 1499.999999999999 as computed
    figures = [len(t.replace(",", "").replace(".", "").lstrip("-0")) for t in shown if "." in t]
    assert max(figures) <= 6  # no float noise: six significant figures at most


def test_report_command_writes_the_page_and_refuses_to_overwrite_its_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "report.html"
    code = main(["report", str(DATA / "estimates.csv"), "--relations", str(DATA / "relations.txt"),
                 "-o", str(output)])
    assert code == 0 and output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file, renamed
    copy = tmp_path / "claims.csv"
    copy.write_bytes((DATA / "estimates.csv").read_bytes())
    assert main(["report", str(copy), "-o", str(copy)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert copy.read_bytes() == (DATA / "estimates.csv").read_bytes()


def test_only_the_quantities_with_the_most_claims_get_a_plot_and_the_rest_say_why() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["busy", "busy", "quiet"],
                          "low": ["10", "12", "5"], "high": ["20", "30", "9"],
                          "as_of": ["2024-10-01"] * 3})
    page = to_html(estimates.reconcile(frame), max_plots=1)
    busy = page[page.index('data-quantity="busy"'):page.index('data-quantity="quiet"')]
    quiet = page[page.index('data-quantity="quiet"'):]
    assert "<svg" in busy and "<svg" not in quiet
    assert "No plot: this report draws at most 1 plot, for the quantities with the most claims" in quiet
    assert "<svg" not in to_html(estimates.reconcile(frame), max_plots=0)


def test_report_with_skip_invalid_counts_and_lists_the_bad_rows(tmp_path: Path) -> None:
    source = tmp_path / "claims.csv"
    source.write_text('id,quantity,value,as_of\na,x.t,"over 10,000",2024-10-01\n'
                      "b,x.t,banana,2024-10-01\nc,,5,2024-10-01\n", encoding="utf-8")
    output = tmp_path / "report.html"
    assert main(["report", str(source), "--skip-invalid", "-o", str(output)]) == 0
    page = output.read_text(encoding="utf-8")
    assert 'data-count="invalid"><span class="count">2<' in page
    assert page.count('<tr data-status="invalid">') == 2 and "banana" in page
