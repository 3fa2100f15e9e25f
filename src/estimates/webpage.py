"""A reconciliation as one self-contained HTML page to share: `to_html` and `write_html`.

The page holds a summary of the counts, then a section per quantity (its plot as inline SVG,
its ranges, its contradictions with each claim's quote, claimant, outlet and date, its
changes and revisions), then every claim in a table that sorts (click a column's heading)
and filters (text and status) in the page. Nothing is fetched: no network, no external
script, style or font; a Content-Security-Policy forbids any load and runs only the page's
own script (by its hash), so even a quote that slipped past escaping could run nothing.

Tables and columns that a reconciliation may or may not have (``revisions``, statuses
``superseded`` and ``disputed``, a claim's ``superseded_by``) are shown when present and left
out when absent. Every text is escaped with the standard library's `html.escape`: the page is
a handful of fixed sections, which f-strings and one escaping function say plainly; a
template engine would add a dependency without removing a line of logic.

>>> import pandas as pd, estimates
>>> frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x", "x"], "low": ["10", "30"],
...                       "high": ["20", "40"], "as_of": ["2024-10-01", "2024-10-01"],
...                       "quote": ["ten <b>to</b> twenty", "thirty to forty"]})
>>> page = to_html(estimates.reconcile(frame), claims=estimates.read_claims(frame))
>>> page.startswith("<!DOCTYPE html>"), "ten &lt;b&gt;to&lt;/b&gt; twenty" in page
(True, True)
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from estimates.output import atomic_write, format_number, joined_lists, rounding_of
from estimates.plot import timeline

__all__ = ["MAX_PLOTS", "SUMMARY", "to_html", "write_html"]

#: the counts in the summary, in order: (key, label)
SUMMARY = (("claims", "claims"), ("kept", "kept"), ("excluded", "excluded"),
           ("superseded", "superseded"), ("disputed", "disputed"), ("invalid", "invalid"),
           ("contradictions", "contradictions"))
_STATUSES = ("kept", "excluded", "superseded", "disputed", "invalid")
#: the claims table's columns, in order, each shown when the reconciliation has it
_CLAIM_COLUMNS = ("id", "quantity", "value", "low", "high", "unit", "as_of", "period", "claimant",
                  "outlet", "published", "status", "superseded_by", "contradictions", "why",
                  "problem", "quote")
_RANGE_COLUMNS = ("as_of", "low", "high", "best", "unit", "claims", "sources", "derived")
_CHANGE_COLUMNS = ("from_as_of", "to_as_of", "from_low", "from_high", "to_low", "to_high", "days",
                   "rate_low", "rate_high", "unit")
#: what the page needs from the claims table (`read_claims`) that a reconciliation may lack
_PROVENANCE = ("outlet", "published", "document", "quote", "claimant", "as_of", "period", "value")

_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;
background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:1.5em 2em 4em}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin-top:2.2em;border-bottom:1px solid #ddd}
h3{font-size:1.05em;margin:1.4em 0 .4em}
.summary{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0;padding:0}
.summary li{list-style:none;background:#fff;border:1px solid #ddd;border-radius:6px;
padding:.5em .9em;min-width:7em}
.summary .count{display:block;font-size:1.6em;font-weight:600;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;background:#fff;margin:.4em 0 1em;font-size:.92em}
th,td{border:1px solid #e0e0e0;padding:.25em .55em;vertical-align:top;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f0f0f0}#claims-table th{cursor:pointer;user-select:none;white-space:nowrap}
#claims-table th[aria-sort=ascending]::after{content:" \\25B2"}
#claims-table th[aria-sort=descending]::after{content:" \\25BC"}
.plot svg{max-width:100%;height:auto;background:#fff}
.contradiction{background:#fff;border-left:4px solid #E69F00;padding:.5em 1em;margin:.8em 0}
.contradiction p{margin:.2em 0}
blockquote{margin:.3em 0 .3em 1em;padding-left:.6em;border-left:2px solid #ccc;color:#444;
font-style:italic}
.status-excluded{color:#B04400}.status-superseded{color:#666}.status-disputed{color:#8a5a00}
.status-invalid{color:#a00}.muted{color:#666}.filters{margin:.6em 0}
.filters input{width:24em;padding:.3em}.filters select{padding:.3em}
nav ol{columns:2;font-size:.95em}.wide{overflow-x:auto;max-width:100%}
#claims-table{width:max-content}#claims-table td{max-width:16em;overflow-wrap:anywhere}
#claims-table td:last-child{max-width:none;min-width:30em;width:40em}
"""

_SCRIPT = """
(function(){
var table=document.getElementById("claims-table");if(!table)return;
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var text=document.getElementById("claim-filter"),status=document.getElementById("status-filter");
var shown=document.getElementById("claims-shown");
function key(cell){var v=cell.getAttribute("data-sort");
 return v===null?cell.textContent.toLowerCase():parseFloat(v);}
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,col){
 th.addEventListener("click",function(){
  var down=th.getAttribute("aria-sort")==="ascending";
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(h){h.removeAttribute("aria-sort");});
  th.setAttribute("aria-sort",down?"descending":"ascending");
  rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
   var c=(typeof x==="number"&&typeof y==="number")?x-y:String(x).localeCompare(String(y));
   if(isNaN(c))c=isNaN(x)?(isNaN(y)?0:1):-1;
   return down?-c:c;});
  rows.forEach(function(r){body.appendChild(r);});});});
function filter(){var words=text.value.toLowerCase().split(/\\s+/).filter(Boolean),s=status.value,n=0;
 rows.forEach(function(r){var t=r.textContent.toLowerCase();
  var ok=(!s||r.getAttribute("data-status")===s)&&words.every(function(w){return t.indexOf(w)>=0;});
  r.hidden=!ok;if(ok)n++;});
 shown.textContent=n.toLocaleString("en");}
text.addEventListener("input",filter);status.addEventListener("change",filter);filter();
})();
"""


def _text(value: object) -> str:
    """A cell's value as text: lists joined, missing empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _cells(frame: pd.DataFrame, column: str) -> list[str]:
    """A column as escaped table cells: numbers right-aligned through `format_number` (low
    bounds down, high bounds up) with their value for sorting."""
    values = frame[column]
    if values.dtype.kind == "f":
        rounding = rounding_of(column)
        numbers = values.to_numpy(np.float64)
        return [f'<td class="num" data-sort="{_sort_key(v)}">{escape(format_number(v, rounding))}</td>'
                for v in numbers]
    if values.dtype.kind in "iu":
        return [f'<td class="num" data-sort="{int(v)}">{int(v):,}</td>' if column != "line"
                else f'<td class="num" data-sort="{int(v)}">{int(v)}</td>' for v in values]
    joined = joined_lists(values, ", ")
    texts = joined.tolist() if joined is not None else [_text(v) for v in values.tolist()]
    if column == "status":
        return [f'<td class="status-{escape(t, True)}">{escape(t)}</td>' for t in texts]
    return [f"<td>{escape(t)}</td>" for t in texts]


def _sort_key(value: float) -> str:
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "1e308" if value > 0 else "-1e308"
    return repr(float(value))


class _Rows:
    """A table's heading and each row's HTML, made once for the whole table (column by
    column), so that each section takes its rows by position."""

    def __init__(self, frame: Any, columns: Sequence[str], *, row_status: bool = False) -> None:
        frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()
        present = [c for c in columns if c in frame.columns]
        self.head = "".join(f'<th scope="col">{escape(c)}</th>' for c in present)
        cells = [np.asarray(_cells(frame, c), dtype=object) for c in present]
        if row_status and "status" in frame:
            opening = np.array([f'<tr data-status="{escape(_text(s), True)}">' for s in frame["status"]],
                               dtype=object)
        else:
            opening = np.full(len(frame), "<tr>", dtype=object)
        self.html = opening
        for column in cells:
            self.html = self.html + column
        self.html = self.html + "</tr>"

    def table(self, positions: Any = None, table_id: str = "") -> str:
        """The rows at `positions` (all by default) as a table."""
        rows = self.html if positions is None else self.html[positions]
        attribute = f' id="{table_id}"' if table_id else ""
        return (f'<div class="wide"><table{attribute}><thead><tr>{self.head}</tr></thead>\n<tbody>\n'
                + "\n".join(rows.tolist()) + "\n</tbody></table></div>")


def _table(frame: pd.DataFrame, columns: Sequence[str], *, table_id: str = "",
           row_status: bool = False) -> str:
    """An HTML table of the `columns` that `frame` has."""
    return _Rows(frame, columns, row_status=row_status).table(table_id=table_id)


def _anchor(quantity: str) -> str:
    return "q-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in quantity)


def _claims_with_provenance(result: Any, claims: pd.DataFrame | None) -> pd.DataFrame:
    """The reconciliation's claims table with the provenance of `claims` (quote, outlet,
    published, document) where the reconciliation does not carry it."""
    table = result.claims.copy(deep=False)
    if claims is None or "id" not in claims.columns:
        return table
    wanted = [c for c in _PROVENANCE if c in claims.columns and c not in table.columns]
    if not wanted:
        return table
    extra = claims.loc[:, ["id", *wanted]].drop_duplicates("id")
    extra = extra.assign(id=extra["id"].astype(object),
                         **{c: extra[c].astype(object) for c in wanted})
    merged = table.assign(id=table["id"].astype(object)).merge(extra, on="id", how="left")
    merged.index = table.index
    return merged


def _summary(result: Any, claims: pd.DataFrame) -> dict[str, int]:
    statuses = claims["status"].astype(str).value_counts()
    counts = {"claims": len(claims), "contradictions": len(result.contradictions)}
    counts.update({s: int(statuses.get(s, 0)) for s in _STATUSES})
    return counts


def _summary_html(counts: dict[str, int], result: Any) -> str:
    items = []
    for key, label in SUMMARY:
        if key == "invalid" and not counts[key]:
            continue  # a file read without --skip-invalid has none
        items.append(f'<li data-count="{key}"><span class="count">{counts[key]:,}</span>'
                     f"{escape(label)}</li>")
    for name in ("changes", "revisions"):
        table = getattr(result, name, None)
        if isinstance(table, pd.DataFrame):
            items.append(f'<li data-count="{name}"><span class="count">{len(table):,}</span>'
                         f"{name}</li>")
    return '<ul class="summary">' + "".join(items) + "</ul>"


def _quantities(result: Any, claims: pd.DataFrame) -> list[str]:
    """Every quantity with a range or a claim of its own, in name order."""
    names = set(result.ranges["quantity"].astype(str))
    if "expression" in claims.columns:
        plain = claims.loc[~claims["expression"].astype(bool), "quantity"]
    else:
        plain = claims.loc[claims["quantity"].astype(str).str.fullmatch(r"[A-Za-z_][\w.]*"),
                           "quantity"]
    names |= {str(q) for q in plain if isinstance(q, str) and q}
    return sorted(names)


def _ids(cell: object) -> list[str]:
    if cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell)):
        return []
    if isinstance(cell, str):
        return [cell]
    return [str(c) for c in cell]  # type: ignore[attr-defined]


def _claim_said(row: pd.Series) -> str:
    """One claim as the contradiction shows it: what was said, by whom, where, when, its quote."""
    value = _text(row.get("value")) or _text(row.get("id"))
    who = _text(row.get("claimant"))
    outlet = _text(row.get("outlet"))
    when = _text(row.get("as_of"))
    period = _text(row.get("period"))
    published = _text(row.get("published"))
    status = _text(row.get("status"))
    parts = [f"<strong>{escape(value)}</strong>"]
    if who:
        parts.append(f"{escape(who)}")
    if outlet and outlet != who:
        parts.append(f"in {escape(outlet)}")
    dated = f"as of {escape(when)}" if when else ""
    if period:
        dated += f", over {escape(period)}"
    if published:
        dated += f" (published {escape(published)})"
    if dated:
        parts.append(dated.lstrip(", "))
    line = " · ".join(parts) + (f' <span class="status-{escape(status, True)}">[{escape(status)}]</span>'
                                if status else "")
    line = f'<code>{escape(_text(row.get("id")))}</code> {line}'
    quote = _text(row.get("quote"))
    return "<li>" + line + (f"<blockquote>{escape(quote)}</blockquote>" if quote else "") + "</li>"


def _contradictions_html(conflicts: pd.DataFrame, by_id: pd.DataFrame) -> list[str]:
    """Each contradiction as a block: its sentence and gap, then each of its claims as said."""
    lists = [_ids(cell) for cell in conflicts["claims"]]
    wanted = by_id.index.intersection(pd.Index(sorted({i for ids in lists for i in ids}), dtype=object))
    said = {i: _claim_said(row) for i, row in by_id.loc[wanted].iterrows()}
    blocks = []
    for row, ids in zip(conflicts.to_dict("records"), lists, strict=True):
        gap = row.get("gap")
        explanation = _text(row.get("explanation")).rstrip()
        if explanation and explanation[-1] not in ".!?":
            explanation += "."
        gap_text = ""
        if isinstance(gap, float) and np.isfinite(gap):
            gap_text = f" Gap: {escape(format_number(gap))} {escape(_text(row.get('unit')))}."
        blocks.append(
            f'<div class="contradiction" data-contradiction="{escape(_text(row.get("id")), True)}">'
            f"<p><strong>{escape(_text(row.get('id')))}</strong> "
            f"<span class=\"muted\">[{escape(_text(row.get('reason')))}]</span> "
            f"{escape(explanation)}{gap_text}</p>"
            f"<ul>{''.join(said[i] for i in ids if i in said)}</ul></div>")
    return blocks


def _svg(figure: Any) -> str:
    """`figure` as an inline <svg> element (glyphs as paths: no font is needed)."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "estimates"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _plot(result: Any, quantity: str, claims: pd.DataFrame | None) -> str:
    figure = timeline(result, quantity, claims=claims)
    return f'<figure class="plot">{_svg(figure)}</figure>'


def _by_quantity(frame: Any, column: str = "quantity") -> dict[str, NDArray[np.intp]]:
    """The positions of `frame`'s rows for each quantity (one pass)."""
    if not isinstance(frame, pd.DataFrame) or not len(frame) or column not in frame.columns:
        return {}
    codes, names = pd.factorize(frame[column].astype(str).to_numpy(object))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {str(name): order[bounds[k]:bounds[k + 1]] for k, name in enumerate(names)}


def _conflicts_by_quantity(conflicts: pd.DataFrame, claims: pd.DataFrame) -> dict[str, list[int]]:
    """The positions of the contradictions each quantity takes part in: by the quantity a
    contradiction names and by the quantities of its claims."""
    quantity_of = dict(zip(claims["id"].astype(str), claims["quantity"].astype(str), strict=True))
    found: dict[str, list[int]] = {}
    for position, (ids, named) in enumerate(zip(conflicts["claims"], conflicts["quantity"], strict=True)):
        for quantity in dict.fromkeys([str(named), *(quantity_of.get(i, "") for i in _ids(ids))]):
            if quantity:
                found.setdefault(quantity, []).append(position)
    return found


@dataclass(frozen=True)
class _Parts:
    """What the sections are cut from: each table's rows made once, and each quantity's
    positions in them."""

    #: each table's rows: ranges, changes, revisions
    rows: dict[str, _Rows]
    #: for each table, each quantity's row positions
    positions: dict[str, dict[str, NDArray[np.intp]]]
    #: each contradiction's block, and each quantity's contradictions (positions)
    conflicts: list[str]
    conflicts_of: dict[str, list[int]]
    #: for each quantity: how many claims, and "n kept, m excluded"
    claim_counts: dict[str, int]
    statuses: dict[str, str]
    units: dict[str, str]


def _parts(result: Any, table: pd.DataFrame, by_id: pd.DataFrame) -> _Parts:
    ranges = result.ranges
    revisions = getattr(result, "revisions", None)
    rows = {"ranges": _Rows(ranges, _RANGE_COLUMNS),
            "changes": _Rows(getattr(result, "changes", None), _CHANGE_COLUMNS),
            "revisions": _Rows(revisions, [c for c in getattr(revisions, "columns", [])
                                           if c != "quantity"])}
    positions = {"ranges": _by_quantity(ranges), "changes": _by_quantity(getattr(result, "changes", None)),
                 "revisions": _by_quantity(revisions)}
    names = table["quantity"].astype(str)
    counts = pd.crosstab(names, table["status"].astype(str)) if len(table) else pd.DataFrame()
    statuses = {str(q): ", ".join(f"{n:,} {s}" for s, n in row.items() if n)
                for q, row in counts.iterrows()}
    described = pd.DataFrame({"quantity": ranges["quantity"].astype(str),
                              "unit": [_text(u) for u in ranges.get("unit", [""] * len(ranges))],
                              "kind": [_text(k) for k in ranges.get("kind", [""] * len(ranges))]})
    units = {str(q): "; ".join(filter(None, [", ".join(sorted(set(g["unit"]) - {""})),
                                             ", ".join(sorted(set(g["kind"]) - {""}))]))
             for q, g in described.groupby("quantity", sort=False)}
    conflicts = _contradictions_html(result.contradictions, by_id)
    return _Parts(rows, positions, conflicts, _conflicts_by_quantity(result.contradictions, table),
                  {str(q): int(n) for q, n in names.value_counts().items()}, statuses, units)


def _section(quantity: str, parts: _Parts, plot: str) -> str:
    """One quantity's section: facts, plot (or why there is none), ranges, contradictions,
    changes and revisions."""
    count = parts.claim_counts.get(quantity, 0)
    claims = (f"{count:,} claim{'s' if count != 1 else ''} ({parts.statuses.get(quantity, '')})"
              if count else "no claims of its own")
    facts = "; ".join(filter(None, [parts.units.get(quantity, ""), claims]))
    html = [f'<section class="quantity" id="{_anchor(quantity)}" data-quantity="{escape(quantity, True)}">',
            f"<h2>{escape(quantity)}</h2>", f'<p class="muted">{escape(facts)}</p>', plot, "<h3>Ranges</h3>"]
    ranges = parts.positions["ranges"].get(quantity)
    html.append(parts.rows["ranges"].table(ranges) if ranges is not None
                else '<p class="muted">No range.</p>')
    conflicts = parts.conflicts_of.get(quantity, [])
    if conflicts:
        html += [f"<h3>Contradictions ({len(conflicts):,})</h3>", *(parts.conflicts[k] for k in conflicts)]
    for name, title in (("changes", "Changes"), ("revisions", "Revisions")):
        found = parts.positions[name].get(quantity)
        if found is not None:
            html += [f"<h3>{title} ({len(found):,})</h3>", parts.rows[name].table(found)]
    html.append("</section>")
    return "\n".join(html)


def _claims_section(claims: pd.DataFrame) -> str:
    present = [s for s in _STATUSES if (claims["status"].astype(str) == s).any()]
    options = "".join(f'<option value="{s}">{s}</option>' for s in present)
    return "\n".join([
        '<section id="all-claims"><h2>Claims</h2>',
        '<div class="filters"><label>Filter <input id="claim-filter" type="search" '
        'placeholder="words in any column"></label> <label>Status <select id="status-filter">'
        f'<option value="">any</option>{options}</select></label> '
        f'<span class="muted"><span id="claims-shown">{len(claims):,}</span> of {len(claims):,} shown; '
        "click a heading to sort</span></div>",
        _table(claims, _CLAIM_COLUMNS, table_id="claims-table", row_status=True),
        "</section>"])


#: the report draws the plots of at most this many quantities (those with the most claims):
#: a plot takes about a second, and a page of hundreds of plots is neither quick nor read
MAX_PLOTS = 60


def to_html(result: Any, claims: pd.DataFrame | None = None, *, title: str = "Reconciliation",
            plots: bool = True, max_plots: int = MAX_PLOTS) -> str:
    """The reconciliation `result` as one self-contained HTML page (see the module).

    Pass the table from `read_claims` as `claims` for the quotes, outlets and publication
    dates (a reconciliation keeps the claimant, value and dates but not the quote). The
    sections of the `max_plots` quantities with the most claims have a plot (none without
    `plots`); the others say why they have none.

    >>> import pandas as pd, estimates
    >>> frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["10"], "as_of": ["2024"]})
    >>> '<section class="quantity" id="q-x"' in to_html(estimates.reconcile(frame), plots=False)
    True
    """
    table = _claims_with_provenance(result, claims)
    by_id = table.assign(id=table["id"].astype(str)).drop_duplicates("id").set_index("id", drop=False)
    counts = _summary(result, table)
    quantities = _quantities(result, table)
    parts = _parts(result, table, by_id)
    limit = max(0, max_plots) if plots else 0
    drawn = set(sorted(quantities, key=lambda q: (-parts.claim_counts.get(q, 0), q))[:limit])
    skipped = (f'<p class="muted">No plot: this report draws at most {limit:,} '
               f"plot{'s' if limit != 1 else ''}, for the quantities with the most claims "
               "(<code>--max-plots</code>).</p>" if limit else "")
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              f"script-src 'sha256-{script_hash}'")
    contents = "".join(f'<li><a href="#{_anchor(q)}">{escape(q)}</a></li>' for q in quantities)
    sections = [_section(q, parts, _plot(result, q, claims) if q in drawn else skipped)
                for q in quantities]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(policy, True)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>",
        "<body><main>",
        f"<h1>{escape(title)}</h1>",
        _summary_html(counts, result),
        f"<nav><h2>Quantities ({len(quantities):,})</h2><ol>{contents}</ol>"
        '<p><a href="#all-claims">All claims</a></p></nav>',
        *sections,
        _claims_section(table),
        "</main>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
        "",
    ])


def write_html(result: Any, output: str | os.PathLike[str], claims: pd.DataFrame | None = None,
               **options: Any) -> None:
    """Write `to_html(result, claims, **options)` to `output`: all of it or nothing.

    >>> import pandas as pd, estimates, tempfile, pathlib
    >>> frame = pd.DataFrame({"id": ["a"], "quantity": ["x"], "low": ["10"], "as_of": ["2024"]})
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_html(estimates.reconcile(frame), target, plots=False)
    >>> target.read_text(encoding="utf-8").count("<section")
    2
    """
    page = to_html(result, claims, **options)
    atomic_write(output, lambda handle: handle.write(page))
