"""Plots of one quantity: a forest of its claims and a timeline, drawn with matplotlib (Agg).

`forest` draws a row per claim (interval bar, arrows to the axis edge for unbounded ends,
a diamond at the claim's point), grouped by the time the claims are about, with the
reconciled range of each time as a band behind its rows; in a forest, rates are drawn as
the increase they imply over their period (rate × days, rounded outward), beside the
increases they must match. `timeline` draws the claims at their dates on panels of their
own units (levels or totals, increases over a period, rates per day), the axis zoomed to
where the claims are, with the reconciled range of each time and the changes of a level
quantity as arrows. Kept claims are blue, kept claims that take part in a contradiction
orange, excluded claims vermilion and dashed (superseded grey, disputed purple); each
contradiction is tagged (``C1``) and explained under the plot.

A claim on an expression of this quantity alone (``dprk.casualties.kursk / 11000``) is drawn
as the range it implies for the quantity. Pass the table from `read_claims` as ``claims`` for
claimant labels, periods and rates: without it the rows are labelled with their source key
and every claim is drawn as a value at its ``as_of``.

No pyplot: figures are `matplotlib.figure.Figure` objects on an Agg canvas, so nothing here
needs a display, and they show themselves as PNG in a notebook.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import os
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.text import Annotation, Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox, offset_copy

from estimates.destination import write_file
from estimates.errors import EstimatesError, UsageError
from estimates.expression import Linear, read_expression
from estimates.interval import IntervalArray
from estimates.output import format_number, plural
from estimates.timeline import format_period, read_instants, read_periods

__all__ = ["KINDS", "forest", "plot_file", "save", "timeline"]

#: The kinds of plot `plot_file` draws.
KINDS = ("forest", "timeline")

KEPT = "#0072B2"  #: kept claims (Okabe-Ito blue)
CONTRADICTED = "#E69F00"  #: kept, but in a contradiction (orange)
EXCLUDED = "#D55E00"  #: excluded to reach a consistent picture (vermilion)
BAND = "#009E73"  #: the reconciled range (bluish green)
BEST = "#00573F"  #: the reconciled best point
INK = "#222222"

_ROW = 0.27  # inches per forest row
_FONT = 8.5
_SMALL = 7.5
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*")


class _Figure(Figure):
    """A `Figure` on an Agg canvas that shows itself as a PNG in notebooks (no pyplot needed)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        FigureCanvasAgg(self)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


# ------------------------------------------------------------------------------ the rows
def _spans(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Day-number spans of ``as_of`` texts as the reconciler writes them (``a/b`` for a hull)."""
    text = texts.fillna("").astype(str)
    first = text.str.split("/").str[0]
    last = text.str.split("/").str[-1]
    return read_instants(first)[0], read_instants(last)[1]


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _known(result: Any) -> list[str]:
    names = set(result.ranges["quantity"])
    names |= {q for q in result.claims["quantity"] if _DOTTED.fullmatch(str(q))}
    return sorted(names)


def _check_quantity(result: Any, quantity: str) -> None:
    known = _known(result)
    if quantity in known:
        return
    close = difflib.get_close_matches(quantity, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    raise UsageError(f"unknown quantity {quantity!r}: the claims and relations name {len(known)} "
                     f"quantities ({shown}){hint}")


def _claim_rows(result: Any, quantity: str, claims: pd.DataFrame | None, *,
                rates_as_increase: bool = True) -> pd.DataFrame:
    """The claims about `quantity` as drawn: bounds in its unit (a rate as the increase it
    implies over its period, if `rates_as_increase`), label, status, time."""
    table = result.claims.loc[result.claims["status"] != "invalid"].reset_index(drop=True)
    # the result's times are dates, for pandas; the plot works in day numbers
    table = table.drop(columns=["as_of_start", "as_of_end"], errors="ignore")
    if claims is not None:
        wanted = ["claimant", "outlet", "measure", "period", "period_start", "period_end",
                  "as_of_start", "as_of_end", "as_of_from_published", "low_open", "high_open",
                  "best"]
        extra = claims.loc[:, ["id", *[c for c in wanted if c in claims.columns
                                       and c not in table.columns]]]
        table = table.merge(extra.drop_duplicates("id"), on="id", how="left")
    defaults: dict[str, Any] = {"claimant": "", "outlet": "", "measure": "value", "period": "",
                                "as_of_from_published": False, "low_open": False,
                                "high_open": False, "best": np.nan}
    for column, value in defaults.items():
        if column not in table.columns:
            table[column] = value
        if isinstance(table[column].dtype, pd.CategoricalDtype):  # to be filled with any text
            table[column] = table[column].astype(object)
        table[column] = table[column].fillna(value)
    if "as_of_start" not in table.columns or table["as_of_start"].isna().any():
        table["as_of_start"], table["as_of_end"] = read_instants(table["as_of"])[:2]
    if "period_start" not in table.columns or table["period_start"].isna().any():
        table["period_start"], table["period_end"] = read_periods(table["period"].astype(str))[:2]
    table["written"] = table["value"].fillna("").astype(str)
    plain = (table["quantity"] == quantity).to_numpy()
    implied = np.zeros(len(table), dtype=bool)
    low = table["low"].to_numpy(np.float64).copy()
    high = table["high"].to_numpy(np.float64).copy()
    best = table["best"].to_numpy(np.float64).copy()
    for text in set(table.loc[~plain, "quantity"]):
        if quantity not in str(text):
            continue
        try:
            form = read_expression(str(text))
        except EstimatesError:
            continue
        if not isinstance(form, Linear) or form.names != (quantity,):
            continue
        rows = (table["quantity"] == text).to_numpy()
        coefficient, constant = float(form.terms[0][1]), float(form.constant)
        a, b = (low[rows] - constant) / coefficient, (high[rows] - constant) / coefficient
        low[rows], high[rows] = np.minimum(a, b), np.maximum(a, b)
        best[rows] = (best[rows] - constant) / coefficient
        implied |= rows
        table.loc[rows, "written"] = table.loc[rows, "written"] + _implied(form, str(text))
    keep = plain | implied
    rate = keep & (table["measure"] == "rate").to_numpy()
    if rate.any() and rates_as_increase:
        days = (table["period_end"] - table["period_start"]).to_numpy(np.float64)[rate]
        total = IntervalArray(low[rate], high[rate]) * IntervalArray(days, days)
        low[rate], high[rate], best[rate] = total.low, total.high, best[rate] * days
        table.loc[rate, "written"] = [f"{w} × {plural(round(d), 'day')}" for w, d in
                                      zip(table.loc[rate, "written"], days, strict=True)]
    table["low"], table["high"], table["best"] = low, high, best
    rows = table.loc[keep].copy()
    periodic = rows["measure"] != "value"
    claimant = rows["claimant"].astype(object)  # Categoricals: filled from other columns
    who = claimant.where(claimant != "", rows["outlet"].astype(object))
    rows["who"] = who.where(who != "", rows["source"].astype(object)).where(lambda s: s != "", rows["id"])
    when = rows["as_of"].fillna("").astype(str)
    when = when.where(~rows["as_of_from_published"].astype(bool), when + " (published)")
    rows["when"] = when
    if periodic.any():
        rows.loc[periodic, "when"] = [
            str(p) if p else format_period(s, e) for p, s, e in
            zip(rows.loc[periodic, "period"], rows.loc[periodic, "period_start"],
                rows.loc[periodic, "period_end"], strict=True)]
    finite = np.isfinite(rows["low"]) & np.isfinite(rows["high"]) & (rows["low"] > 0)
    middle = (rows["low"] / 2 + rows["high"] / 2).where(finite)
    rows["point"] = rows["best"].where(np.isfinite(rows["best"]), middle)
    rows["tags"] = [tuple(t) if isinstance(t, (tuple, list)) else () for t in rows["contradictions"]]
    status = rows["status"]
    rows["look"] = np.select([status == "excluded", status == "superseded", status == "disputed",
                              rows["tags"].map(len) > 0],
                             ["excluded", "superseded", "disputed", "contradicted"], "kept")
    rows["color"] = rows["look"].map({"kept": KEPT, "contradicted": CONTRADICTED, "excluded": EXCLUDED,
                                      "superseded": SUPERSEDED, "disputed": DISPUTED})
    rows["periodic"] = periodic
    return rows.reset_index(drop=True)


def _implied(form: Linear, text: str) -> str:
    """How a claim on ``a * quantity + b`` reads as a claim on the quantity itself."""
    coefficient = form.terms[0][1]
    if form.constant == 0 and coefficient.numerator == 1 and coefficient.denominator != 1:
        return f" of {coefficient.denominator:,}"
    if form.constant == 0 and coefficient.denominator == 1:
        return f" ÷ {coefficient.numerator:,}"
    return f" (claim on {text})"


def _ranges(result: Any, quantity: str) -> pd.DataFrame:
    ranges = result.ranges.loc[result.ranges["quantity"] == quantity].copy()
    ranges["start"], ranges["end"] = _spans(ranges["as_of"])
    return ranges.reset_index(drop=True)


def _unit(result: Any, quantity: str, rows: pd.DataFrame) -> str:
    units = [u for u in result.ranges.loc[result.ranges["quantity"] == quantity, "unit"]
             if isinstance(u, str) and u]
    units += [u for u in rows.loc[~rows["written"].str.contains(" \\(of ", regex=True), "unit"]
              if isinstance(u, str) and u] if len(rows) else []
    return units[0] if units else ""


def _axis_label(quantity: str, unit: str) -> str:
    return f"{quantity} ({unit})" if unit else f"{quantity} (unit not recorded)"


def _number(value: float, rounding: str = "nearest") -> str:
    """A number as every text output shows it (`estimates.output.format_number`).

    >>> _number(10499.9989), _number(41958.5), _number(2e6), _number(float("inf"))
    ('10,500', '41,958.5', '2,000,000', '∞')
    """
    return format_number(value, rounding)


def _span_text(low: float, high: float) -> str:
    if math.isinf(high) and low <= 0:
        return "any value"
    if math.isinf(high):
        return f"≥ {_number(low, 'down')}"
    return f"{_number(low, 'down')} – {_number(high, 'up')}"


def _notes(result: Any, ids: set[str]) -> list[str]:
    table = result.contradictions
    lines = []
    for row in table.itertuples(index=False):
        if set(row.claims) & ids:
            lines.append(f"{row.id} ({row.reason}): {row.explanation}")
    return lines


def _thousands(value: float, _position: object = None) -> str:
    return format_number(float(value))


# ------------------------------------------------------------------------------ layout
def _renderer(figure: Figure) -> Any:
    return figure.canvas.get_renderer()  # type: ignore[attr-defined]


def _extent(figure: Figure, text: Text) -> Bbox:
    return Text.get_window_extent(text, _renderer(figure))


def _text_width(figure: Figure, strings: Sequence[str], **style: Any) -> float:
    """The widest of `strings` in inches, as drawn on `figure` with `style`."""
    if not strings:
        return 0.0
    probe = figure.text(0, 0, "\n".join(strings), **style)
    width = _extent(figure, probe).width / figure.dpi
    probe.remove()
    return float(width)


def _wrapped_block(figure: Figure, lines: Sequence[str], width: float) -> list[Text]:
    """Text artists, one per wrapped note, placed later by `_stack` (inches from the left)."""
    chars = max(40, int((width - 0.2) / (0.56 * _SMALL / 72)))
    return [figure.text(0, 0, textwrap.fill(line, chars, subsequent_indent="    "),
                        fontsize=_SMALL, va="top", ha="left", color=INK,
                        transform=figure.dpi_scale_trans) for line in lines]


def _stack(figure: Figure, texts: Sequence[Text], x: float, top: float, gap: float = 0.04) -> float:
    """Place `texts` one under another from `top` (inches); return the height they take."""
    y = top
    for text in texts:
        text.set_position((x, y))
        y -= _extent(figure, text).height / figure.dpi + gap
    return top - y


def _block_height(figure: Figure, texts: Sequence[Text], gap: float = 0.04) -> float:
    return sum(_extent(figure, t).height / figure.dpi + gap for t in texts)


def _legend(figure: Figure, handles: list[Any], width: float) -> Legend:
    """A frameless legend in as few rows as fit `width` inches."""
    for columns in (len(handles), math.ceil(len(handles) / 2), math.ceil(len(handles) / 3)):
        legend = figure.legend(handles=handles, loc="upper left", ncol=columns, frameon=False,
                               fontsize=_SMALL, handlelength=2.2, columnspacing=1.4)
        if _extent_any(figure, legend).width / figure.dpi <= width or columns <= 2:
            return legend
        legend.remove()
    return legend


def _extent_any(figure: Figure, artist: Any) -> Bbox:
    box: Bbox = artist.get_window_extent(_renderer(figure))
    return box


def _place_top(figure: Figure, title: Text, legend: Legend, height: float, left: float) -> None:
    title.set_position((left, height - 0.12))
    legend.set_bbox_to_anchor((left - 0.05, height - 0.42), transform=figure.dpi_scale_trans)


def _title(quantity: str, rows: pd.DataFrame, detail: str) -> str:
    if not len(rows):
        return f"{quantity}: no claims of its own, ranges from the relations"
    return f"{quantity}: {len(rows)} claim{'s' if len(rows) != 1 else ''}, {detail}"


def _status_counts(status: pd.Series) -> str:
    """How many claims have each status, kept and excluded always, the others when present.

    >>> _status_counts(pd.Series(["kept", "disputed", "kept", "disputed"]))
    '2 kept, 0 excluded, 2 disputed'
    """
    counts = status.value_counts()
    shown = ["kept", "excluded", *(s for s in ("disputed", "superseded") if counts.get(s, 0))]
    return ", ".join(f"{int(counts.get(s, 0))} {s}" for s in shown)


def _claim_handles() -> list[tuple[str, Any]]:
    """The legend entries that the forest and the timeline share: each status, the range, the best."""
    return [
        ("kept", Line2D([], [], color=KEPT, lw=2, label="kept")),
        ("contradicted", Line2D([], [], color=CONTRADICTED, lw=2, label="kept, in a contradiction")),
        ("excluded", Line2D([], [], color=EXCLUDED, lw=2, ls=(0, (3, 1.5)), label="excluded")),
        ("superseded", Line2D([], [], color=SUPERSEDED, lw=2, label="superseded (revised)")),
        ("disputed", Line2D([], [], color=DISPUTED, lw=2, label="disputed (a tie)")),
        ("range", Patch(facecolor=BAND, alpha=0.22, edgecolor=BAND, label="reconciled range")),
        ("best", Line2D([], [], color=BEST, lw=1.6, label="reconciled best")),
    ]


def _status_handles(drawn: set[str]) -> list[Any]:
    """The forest's legend entries for what is `drawn`."""
    every = [
        *_claim_handles(),
        ("point", Line2D([], [], color=INK, marker="D", ls="", markersize=4, label="claim's point")),
        ("unbounded", Line2D([], [], color=INK, marker=r"$\rightarrow$", ls="", markersize=9,
                             label="no bound: to the axis edge")),
    ]
    return [handle for key, handle in every if key in drawn]


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], color: str,
           dashed: bool = False, both: bool = False) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="<|-|>" if both else "-|>",
                                 mutation_scale=9, color=color, lw=1.8, shrinkA=0, shrinkB=0,
                                 linestyle=(0, (3, 1.5)) if dashed else "-", gid="unbounded",
                                 zorder=3))


def _own_figure(ax: Axes | None) -> tuple[Figure, Axes, bool]:
    if ax is not None:
        figure = ax.figure
        return figure, ax, False  # type: ignore[return-value]
    figure = _Figure(figsize=(10, 6))
    return figure, figure.add_axes((0.1, 0.1, 0.8, 0.8)), True


# ------------------------------------------------------------------------------ forest
def _forest_groups(rows: pd.DataFrame, ranges: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows grouped by the time they are about; each group with its band (low, high, best)."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    used: set[int] = set()
    for index, row in rows.iterrows():
        if row["periodic"]:
            key: tuple[Any, ...] = ("period", int(row["period_start"]), int(row["period_end"]))
            days = plural(int(row["period_end"] - row["period_start"]), "day")
            title = f"increase over {row['when']} ({days})"
            group = groups.setdefault(key, {"title": title, "sort": (key[2], key[1]), "rows": [],
                                            "band": None})
        else:
            inside = ranges[(ranges["start"] <= row["as_of_start"]) & (ranges["end"] >= row["as_of_end"])]
            if len(inside):
                k = int((inside["end"] - inside["start"]).idxmin())
                used.add(k)
                found = ranges.loc[k]
                key = ("range", k)
                band = (float(found["low"]), float(found["high"]), float(found["best"]))
                group = groups.setdefault(key, {"title": f"as of {found['as_of']}", "band": band,
                                                "sort": (int(found["start"]), int(found["end"])),
                                                "rows": []})
            else:
                key = ("time", int(row["as_of_start"]), int(row["as_of_end"]))
                group = groups.setdefault(key, {"title": f"as of {row['as_of']}", "band": None,
                                                "sort": (key[1], key[2]), "rows": []})
        group["rows"].append(index)
    for key, group in groups.items():
        if key[0] == "period":
            kept = rows.loc[group["rows"]]
            kept = kept[kept["status"] == "kept"]
            if len(kept) and kept["low"].max() <= kept["high"].min():
                group["band"] = (float(kept["low"].max()), float(kept["high"].min()), math.nan)
                group["agree"] = True
    if not len(rows):
        for k, found in ranges.iterrows():
            groups[("range", k)] = {"title": f"as of {found['as_of']} (from relations)",
                                    "band": (float(found["low"]), float(found["high"]),
                                             float(found["best"])),
                                    "sort": (int(found["start"]), int(found["end"])), "rows": []}
    ordered = sorted(groups.values(), key=lambda g: g["sort"])
    for group in ordered:
        group["rows"] = sorted(group["rows"], key=lambda i: (rows.at[i, "as_of_start"], rows.at[i, "id"]))
    return ordered


def _x_limits(values: np.ndarray) -> tuple[float, float, bool]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0, False
    lo, hi = float(finite.min()), float(finite.max())
    positive = finite[finite > 0]
    if positive.size and lo >= 0 and hi / float(positive.min()) > 50:
        return float(positive.min()) / 1.6, hi * 1.6, True
    pad = max((hi - lo) * 0.08, _least_pad(lo, hi, 0.5))
    left = lo - pad
    if lo >= 0 > left:
        left = 0.0 if lo > 0 else -pad * 0.6
    return left, hi + pad, False


def _least_pad(lo: float, hi: float, share: float) -> float:
    """Room on each side when the values nearly coincide: a share of their size (a claim of
    "over 50,000" and its range from 50,001 show 40,000 to 65,000, not 50,000 to 50,001).

    >>> _least_pad(50_000, 50_001, 0.2)
    10000.2
    """
    return max(abs(lo), abs(hi)) * share or 1.0


def _whole_ticks(axis: Any, values: np.ndarray) -> None:
    """Ticks at whole numbers only when every value drawn is whole (counts: no 2.5 persons)."""
    finite = values[np.isfinite(values)]
    if finite.size and np.all(finite == np.round(finite)):
        axis.set_major_locator(MaxNLocator(integer=True))


def forest(result: Any, quantity: str, *, claims: pd.DataFrame | None = None,
           ax: Axes | None = None) -> Figure:
    """A forest plot of the claims about `quantity` and its reconciled range at each time.

    Rows are grouped by time (a bold header per group, the reconciled range as a band behind
    it); increases and rates over one period form a group whose band is where its kept claims
    agree. With no `ax`, the figure grows with the number of rows and explains each
    contradiction under the plot.

    >>> import pandas as pd, estimates
    >>> frame = pd.DataFrame({"id": ["a", "b", "c"], "quantity": ["x"] * 3,
    ...                       "low": ["10", "12", "50"], "high": ["20", "", "60"],
    ...                       "as_of": ["2024-10-01", "2024-10-02", "2024-10-03"]})
    >>> figure = forest(estimates.reconcile(frame), "x")
    >>> [t.get_text() for t in figure.axes[0].get_yticklabels()][:2]
    ['as of 2024-10-01/2024-10-03', 'claim a · 2024-10-01']
    """
    _check_quantity(result, quantity)
    rows = _claim_rows(result, quantity, claims)
    ranges = _ranges(result, quantity)
    unit = _unit(result, quantity, rows)
    groups = _forest_groups(rows, ranges)
    figure, ax, own = _own_figure(ax)

    lines: list[tuple[str, Any]] = []
    for group in groups:
        lines.append(("header", group))
        lines += [("claim", i) for i in group["rows"]]
    bands = [g["band"] for g in groups if g["band"] is not None]
    values = np.concatenate([rows["low"].to_numpy(), rows["high"].to_numpy(),
                             np.array([b[0] for b in bands] + [b[1] for b in bands])])
    left, right, log = _x_limits(values)
    if log:
        ax.set_xscale("log")
    else:
        _whole_ticks(ax.xaxis, values.astype(float))
    ax.set_xlim(left, right)
    ax.set_ylim(len(lines) - 0.4, -0.6)

    y_of = {}
    for y, (kind, item) in enumerate(lines):
        if kind == "claim":
            y_of[item] = y
    y = 0
    for group in groups:
        top, bottom = y - 0.45, y + len(group["rows"]) + 0.45
        if group["band"] is not None:
            low, high, best = group["band"]
            low = max(low, left)
            ax.add_patch(Rectangle((low, top), min(high, right) - low, bottom - top, facecolor=BAND,
                                   alpha=0.2, edgecolor=BAND, lw=0.8, gid="band", zorder=1))
            if math.isfinite(best):
                ax.vlines(best, top, bottom, color=BEST, lw=1.6, gid="range-best", zorder=2)
        y += len(group["rows"]) + 1
        if y < len(lines):
            ax.axhline(y - 0.5, color="#bbbbbb", lw=0.6, zorder=0)

    claim_y = np.array([y_of[i] for i in rows.index], dtype=float)
    lows = np.clip(rows["low"].to_numpy(np.float64), left, right)
    highs = np.clip(rows["high"].to_numpy(np.float64), left, right)
    below = (rows["low"].to_numpy() < left) & ~(log & (rows["low"].to_numpy() == 0))
    below |= log & (rows["low"].to_numpy() <= 0)
    above = rows["high"].to_numpy() > right
    excluded = (rows["status"] == "excluded").to_numpy()
    colors = rows["color"].tolist()
    bounded = ~(below | above)
    if len(rows):
        bars = ax.hlines(claim_y[bounded], lows[bounded], highs[bounded],
                         colors=[c for c, b in zip(colors, bounded, strict=True) if b],
                         lw=1.8, gid="claims", zorder=3)
        bars.set_linestyle(["--" if e else "-" for e, b in zip(excluded, bounded, strict=True) if b])
    for i in np.flatnonzero(~bounded):
        if below[i] and above[i]:
            _arrow(ax, (left, claim_y[i]), (right, claim_y[i]), colors[i], excluded[i], both=True)
        elif above[i]:
            _arrow(ax, (lows[i], claim_y[i]), (right, claim_y[i]), colors[i], excluded[i])
        else:
            _arrow(ax, (highs[i], claim_y[i]), (left, claim_y[i]), colors[i], excluded[i])
    for side, open_column, clipped in ((lows, "low_open", below), (highs, "high_open", above)):
        shut = ~clipped & ~rows[open_column].astype(bool).to_numpy()
        opened = ~clipped & rows[open_column].astype(bool).to_numpy()
        ax.scatter(side[shut], claim_y[shut], marker="|", s=60, linewidths=1.6,
                   c=[c for c, s in zip(colors, shut, strict=True) if s], zorder=4, gid="ends")
        ax.scatter(side[opened], claim_y[opened], marker="o", s=22, facecolors="white", linewidths=1.3,
                   edgecolors=[c for c, s in zip(colors, opened, strict=True) if s], zorder=4,
                   gid="open-ends")
    point = rows["point"].to_numpy(np.float64)
    shown = np.isfinite(point) & (point >= left) & (point <= right)
    ax.scatter(point[shown], claim_y[shown], marker="D", s=18, zorder=5, gid="best",
               c=[c for c, s in zip(colors, shown, strict=True) if s], edgecolors="white", linewidths=0.5)

    labels, right_texts, bold = [], [], []
    for kind, item in lines:
        if kind == "header":
            labels.append(_short(item["title"], 60))
            band = item["band"]
            said = "kept claims agree on " if item.get("agree") else "reconciled "
            text = "" if band is None else said + _span_text(band[0], band[1])
            if band is not None and math.isfinite(band[2]):
                text += f", best {_number(band[2])}"
            right_texts.append(text)
            bold.append(True)
        else:
            row = rows.loc[item]
            labels.append(f"{_short(row['who'], 44)} · {_short(row['when'], 24)}")
            written = _short(row["written"], 44)
            if row["status"] == "excluded":
                written += " (excluded)"
            if row["tags"]:
                written += "  " + " ".join(row["tags"])
            right_texts.append(written)
            bold.append(False)
    ax.set_yticks(range(len(lines)), labels=labels, fontsize=_FONT)
    for tick, heavy in zip(ax.get_yticklabels(), bold, strict=True):
        tick.set_fontweight("bold" if heavy else "normal")
        tick.set_color(INK)
    ax.tick_params(axis="y", length=0)
    beside = offset_copy(ax.get_yaxis_transform(), fig=figure, x=0.08, units="inches")
    for y, (text, heavy) in enumerate(zip(right_texts, bold, strict=True)):
        ax.text(1.0, y, text, transform=beside, fontsize=_FONT, va="center", ha="left", color=INK,
                style="italic" if heavy else "normal", gid="value-text", clip_on=False)
    ax.xaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, p: ""))
    ax.tick_params(axis="x", labelsize=_FONT)
    ax.set_xlabel(_axis_label(quantity, unit) + ("  (log scale)" if log else ""), fontsize=_FONT + 0.5)
    ax.grid(axis="x", color="#e4e4e4", lw=0.6, zorder=0)
    ax.set_axisbelow(True)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    if own:
        drawn = set(rows["look"])
        bands = [g["band"] for g in groups if g["band"] is not None]
        drawn |= {"range"} if bands else set()
        drawn |= {"best"} if any(math.isfinite(b[2]) for b in bands) else set()
        drawn |= {"point"} if shown.any() else set()
        drawn |= {"unbounded"} if (~bounded).any() else set()
        _forest_layout(figure, ax, result, rows, quantity, labels, bold, right_texts, len(lines), drawn)
    return figure


def _forest_layout(figure: Figure, ax: Axes, result: Any, rows: pd.DataFrame, quantity: str,
                   labels: list[str], bold: list[bool], right_texts: list[str], count: int,
                   drawn: set[str]) -> None:
    """Size the figure in inches: label columns as measured, a fixed height per row."""
    label_width = max(_text_width(figure, [t for t, b in zip(labels, bold, strict=True) if b],
                                  fontsize=_FONT, fontweight="bold"),
                      _text_width(figure, [t for t, b in zip(labels, bold, strict=True) if not b],
                                  fontsize=_FONT))
    value_width = _text_width(figure, right_texts, fontsize=_FONT, style="italic")
    left = label_width + 0.25
    plot_width = 5.2
    width = max(11.0, left + plot_width + value_width + 0.35)
    plot_width = width - left - value_width - 0.35
    summary = _title(quantity, rows, _status_counts(rows["status"]))
    title = figure.text(0, 0, summary, fontsize=_FONT + 2.5, fontweight="bold",
                        va="top", ha="left", transform=figure.dpi_scale_trans)
    legend = _legend(figure, _status_handles(drawn), width - 0.4)
    legend_height = _extent_any(figure, legend).height / figure.dpi
    notes = _wrapped_block(figure, _notes(result, set(rows["id"])), width - 0.5)
    notes_height = _block_height(figure, notes)
    head = 0.5 + legend_height + 0.1
    body = count * _ROW
    foot = 0.65 + (notes_height + 0.15 if notes else 0.0)
    height = head + body + foot
    figure.set_size_inches(width, height)
    ax.set_position((left / width, foot / height, plot_width / width, body / height))
    title.set_position((0.2, height - 0.12))
    legend.set_bbox_to_anchor((0.15, height - 0.45), transform=figure.dpi_scale_trans)
    _stack(figure, notes, 0.25, notes_height + 0.1)


# ------------------------------------------------------------------------------ timeline
SUPERSEDED = "#999999"  #: superseded by a later revision of the same source (grey)
DISPUTED = "#CC79A7"  #: tied with other claims that the weights could not decide between
#: the panels of a timeline, top to bottom: (measure, title)
PANELS = (("value", "level or total"), ("increase", "increase over a period"),
          ("rate", "rate over a period"))
_PANEL_HEIGHT = {"value": 3.2, "increase": 2.3, "rate": 2.3}
_LONG = 0.5  # a period starting this many widths of the claims' time span before it is cut short
_SHORT_PERIOD = 100.0  # days: a period this short is always drawn whole (a month, a quarter)


def _day(day: float) -> float:
    """A day number (days since 1970-01-01) as a matplotlib date number."""
    return float(day) + float(mdates.date2num(dt.datetime(1970, 1, 1)))


def _date_text(day: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()


def _time_window(rows: pd.DataFrame, ranges: pd.DataFrame) -> tuple[float, float]:
    """The days to show: every instant, span and period end, and each period's start unless
    it lies far before the rest (a long period is cut at the edge, its start written there)."""
    ends = np.concatenate([rows["x1"], rows.loc[~rows["periodic"], "x0"], ranges["start"] - 1, ranges["end"]])
    ends = ends[np.isfinite(ends.astype(float))].astype(float)
    starts = rows.loc[rows["periodic"], "x0"].to_numpy(float)
    if not ends.size:
        ends = starts
    first, last = float(ends.min()), float(ends.max())
    reach = max(_SHORT_PERIOD, (last - first) * (1 + _LONG))
    near = starts[starts >= last - reach]
    first = min([first, *near.tolist()])
    pad = max(3.0, (last - first) * 0.06)
    return max(first - pad, _FIRST_DAY), min(last + pad, _LAST_DAY)


#: the days matplotlib can show (years 1 to 9999), as days since 1970-01-01
_FIRST_DAY = float((dt.date(1, 1, 1) - dt.date(1970, 1, 1)).days)
_LAST_DAY = float((dt.date(9999, 12, 31) - dt.date(1970, 1, 1)).days)


def _value_limits(low: np.ndarray, high: np.ndarray) -> tuple[float, float, bool]:
    """The values to show: every finite bound with room above (for arrows), from 0 when the
    claims are near it; a log scale when they span more than two orders of magnitude."""
    finite = np.concatenate([low, high]).astype(float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0, 1.0, False
    lo, hi = float(finite.min()), float(finite.max())
    positive = finite[finite > 0]
    if positive.size and lo >= 0 and hi / float(positive.min()) > 100:
        return float(positive.min()) / 2, hi * 3, True
    pad = max((hi - lo) * 0.12, _least_pad(lo, hi, 0.2))
    bottom = lo - pad
    if lo >= 0 and (bottom < 0 or lo < (hi - lo) * 0.6):
        bottom = 0.0  # near zero: start there, so sizes read true
    return bottom, hi + pad * 1.5, False


def timeline(result: Any, quantity: str, *, claims: pd.DataFrame | None = None) -> Figure:
    """A timeline of the claims about `quantity`: levels or running totals, increases over a
    period, and rates over a period each on a panel of its own, with its own unit.

    The time axis covers where the claims are: a claim about a day is a vertical bar at it;
    one about a month, a year or a period is a box over that span; a period that starts long
    before the rest is cut at the left edge, its start written there. The reconciled range of
    each time is a green band on the first panel, its best point a tick. An unbounded end is
    an arrow to the panel's edge. Claims are numbered in time order beside their marks (no
    number over another); the key under the plot names each, lists the changes of a level
    quantity (arrows in the plot) and explains the contradictions. The legend lists only what
    is drawn.

    >>> import pandas as pd, estimates
    >>> frame = pd.DataFrame({"id": ["a", "b", "r"], "quantity": ["x"] * 3,
    ...                       "value": ["10-20", "over 40", "2 per day"],
    ...                       "as_of": ["2024-10-01", "2024-12-01", "2024-12-01"],
    ...                       "period": ["", "", "2024-11"], "kind": ["cumulative"] * 3,
    ...                       "unit": ["person"] * 3})
    >>> figure = timeline(estimates.reconcile(frame), "x", claims=estimates.read_claims(frame))
    >>> [ax.get_ylabel() for ax in figure.axes]
    ['level or total (person)', 'rate over a period (person / day)']
    """
    _check_quantity(result, quantity)
    rows = _claim_rows(result, quantity, claims, rates_as_increase=False)
    ranges = _ranges(result, quantity)
    unit = _unit(result, quantity, rows)
    order = sorted(rows.index, key=lambda i: (rows.at[i, "period_start"] if rows.at[i, "periodic"]
                                              else rows.at[i, "as_of_start"], rows.at[i, "id"]))
    rows = rows.loc[order].reset_index(drop=True)
    rows["x0"] = np.where(rows["periodic"], rows["period_start"], rows["as_of_start"] - 1).astype(float)
    rows["x1"] = np.where(rows["periodic"], rows["period_end"], rows["as_of_end"]).astype(float)
    rows["number"] = np.arange(1, len(rows) + 1)
    measures = [m for m, _ in PANELS if (rows["measure"] == m).any()]
    if not measures or len(ranges):
        measures = ["value", *[m for m in measures if m != "value"]]
    figure = _Figure(figsize=(11, 6))
    first, last = _time_window(rows, ranges)
    drawn: set[str] = set()
    axes: list[Axes] = []
    for measure in measures:
        ax = figure.add_axes((0.1, 0.1, 0.8, 0.8), sharex=axes[0] if axes else None)
        axes.append(ax)
        mine = rows[rows["measure"] == measure]
        panel_unit = next((u for u in mine["unit"] if isinstance(u, str) and u), unit)
        if measure == "value" and unit:
            panel_unit = unit
        _panel(ax, mine, ranges if measure == "value" else ranges.iloc[:0], (first, last), drawn)
        title = dict(PANELS)[measure]
        ax.set_ylabel(f"{title} ({panel_unit or 'unit not recorded'})", fontsize=_FONT + 0.5)
    change_lines = _changes(axes[0], result, quantity, drawn) if "value" in measures else []
    for ax in axes:
        ax.set_xlim(_day(first), _day(last))
        ax.xaxis_date()
        locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.tick_params(labelsize=_FONT, labelbottom=ax is axes[-1])
        ax.grid(color="#e4e4e4", lw=0.6)
        ax.set_axisbelow(True)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
    _timeline_layout(figure, axes, measures, result, rows, quantity, change_lines, drawn)
    return figure


def _panel(ax: Axes, rows: pd.DataFrame, ranges: pd.DataFrame, window: tuple[float, float],
           drawn: set[str]) -> None:
    """One panel: the reconciled ranges (first panel only), then the claims of one measure."""
    bottom, ceiling, log = _value_limits(np.r_[rows["low"], ranges["low"]],
                                         np.r_[rows["high"], ranges["high"]])
    if log:
        ax.set_yscale("log")
    ax.set_ylim(bottom, ceiling)
    if not log:
        _whole_ticks(ax.yaxis, np.r_[rows["low"], rows["high"], ranges["low"], ranges["high"]].astype(float))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, p: ""))
    _range_bands(ax, ranges, bottom, ceiling, drawn)
    left = window[0]
    bars: list[tuple[float, float, float, str, bool, bool]] = []  # drawn together, one call each
    for row in rows.itertuples():
        dashed = row.status == "excluded"
        low = max(float(row.low), bottom)
        high = min(float(row.high), ceiling)
        unbounded = float(row.high) > ceiling
        drawn.add(row.look)
        x0, x1 = max(float(row.x0), left), float(row.x1)
        if x1 - float(row.x0) <= 1.0 and not row.periodic:  # a day: a bar at its middle
            x = _day(float(row.x0) + 0.5)
            bars.append((x, low, high, row.color, dashed, unbounded))
        else:  # a span: a box over it
            x = _day((x0 + x1) / 2)
            ax.add_patch(Rectangle((_day(x0), low), x1 - x0, high - low,
                                   facecolor=to_rgba(row.color, 0.12), edgecolor=row.color, lw=1.4,
                                   linestyle="--" if dashed else "-", gid="claim-span", zorder=2))
            if float(row.x0) < left:  # a long period: cut at the edge, its start written
                ax.annotate(f"◂ from {_date_text(row.x0)}", (_day(left), (low + high) / 2 if not unbounded
                                                              else low),
                            xytext=(3, 0), textcoords="offset points", fontsize=_SMALL,
                            color=row.color, va="center", ha="left", gid="period-start",
                            path_effects=[withStroke(linewidth=2.5, foreground="white")], zorder=6)
                drawn.add("cut")
        if unbounded:
            _arrow(ax, (x, low), (x, ceiling), row.color, dashed)
            drawn.add("unbounded")
        ax.text(x, (low + high) / 2, "", gid=f"anchor-{row.number}")  # where its number goes
    if bars:
        table = pd.DataFrame(bars, columns=["x", "low", "high", "color", "dashed", "unbounded"])
        lines = ax.vlines(table["x"], table["low"], table["high"], colors=table["color"].tolist(),
                          lw=2.2, gid="claims", zorder=3)
        lines.set_linestyle(["--" if d else "-" for d in table["dashed"]])
        capped = table[~table["unbounded"]]
        ax.scatter(np.r_[table["x"], capped["x"]], np.r_[table["low"], capped["high"]], marker="_",
                   s=70, linewidths=1.6, c=[*table["color"], *capped["color"]], zorder=4, gid="ends")


def _range_bands(ax: Axes, ranges: pd.DataFrame, bottom: float, ceiling: float, drawn: set[str]) -> None:
    """The reconciled range at each time: a box over a span, a band at a day; best as a tick.
    A range's ``as_of`` runs from the end of its first day to the end of its last, so it is
    drawn from its first day's start."""
    first = ranges["start"].to_numpy(float) - 1
    last = ranges["end"].to_numpy(float)
    wide = last - first > 1
    for r, start, end in zip(ranges[wide].itertuples(), first[wide], last[wide], strict=True):
        low, high = max(float(r.low), bottom), min(float(r.high), ceiling)
        ax.add_patch(Rectangle((_day(start), low), end - start, high - low, facecolor=BAND,
                               alpha=0.22, edgecolor=BAND, lw=0.8, gid="range", zorder=1))
    days = ranges[~wide]
    if len(days):
        x = [_day(d + 0.5) for d in first[~wide]]
        ax.vlines(x, np.maximum(days["low"], bottom), np.minimum(days["high"], ceiling), colors=BAND,
                  alpha=0.4, lw=9, gid="range", zorder=1)
    if len(ranges):
        drawn.add("range")
    best = ranges["best"].to_numpy(float)
    shown = np.isfinite(best) & (best >= bottom) & (best <= ceiling)
    if shown.any():
        middle = (first + last) / 2
        ax.scatter([_day(m) for m in middle[shown]], best[shown], marker="_", s=260, linewidths=2.2,
                   c=BEST, gid="range-best", zorder=2)
        drawn.add("best")


def _changes(ax: Axes, result: Any, quantity: str, drawn: set[str]) -> list[str]:
    """Arrows for the changes of a level quantity between times; the sentences for the key."""
    changes = result.changes.loc[result.changes["quantity"] == quantity]
    lines = []
    for change in changes.itertuples():
        a, b = _spans(pd.Series([change.from_as_of, change.to_as_of]))
        ya, yb = _middle(change.from_low, change.from_high), _middle(change.to_low, change.to_high)
        ax.add_patch(FancyArrowPatch((_day((a[0] - 1 + b[0]) / 2), ya), (_day((a[1] - 1 + b[1]) / 2), yb),
                                     arrowstyle="-|>", mutation_scale=12, color=BEST, lw=1.3,
                                     linestyle=(0, (4, 2)), gid="change", zorder=4))
        drawn.add("change")
        days = plural(int(change.days), "day")
        lines.append(f"Change from {change.from_as_of} to {change.to_as_of} ({days}): "
                     f"{_signed(change.rate_low)} to {_signed(change.rate_high)} {change.unit}")
    return lines


def _middle(low: float, high: float) -> float:
    return low / 2 + high / 2 if math.isfinite(high) else low


def _signed(value: float) -> str:
    """A rate with its sign, to three significant figures: ``+170``, ``-336``, ``+∞``."""
    value = float(value)
    if math.isfinite(value) and value != 0:
        value = round(value, 2 - math.floor(math.log10(abs(value))))
    text = format_number(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def _timeline_handles(drawn: set[str]) -> list[Any]:
    """Legend entries for exactly what was drawn, in a fixed order."""
    every = [
        *_claim_handles(),
        ("unbounded", Line2D([], [], color=INK, marker=r"$\uparrow$", ls="", markersize=9,
                             label="no upper bound")),
        ("cut", Line2D([], [], color=INK, marker=r"$\blacktriangleleft$", ls="", markersize=6,
                       label="period starts before the axis")),
        ("change", Line2D([], [], color=BEST, lw=1.3, ls=(0, (4, 2)), label="change between times")),
    ]
    return [handle for key, handle in every if key in drawn]


def _timeline_layout(figure: Figure, axes: list[Axes], measures: list[str], result: Any,
                     rows: pd.DataFrame, quantity: str, change_lines: list[str], drawn: set[str]) -> None:
    width, left = 11.0, 1.35
    title = figure.text(0, 0, _title(quantity, rows, "over time"), fontsize=_FONT + 2.5,
                        fontweight="bold", va="top", ha="left", transform=figure.dpi_scale_trans)
    handles = _timeline_handles(drawn)
    legend = _legend(figure, handles, width - 0.4) if handles else None
    legend_height = _extent_any(figure, legend).height / figure.dpi if legend else 0.0
    key = []
    for row in rows.itertuples():
        status = row.status if row.status != "kept" else ""
        extra = "; ".join(s for s in (status, ", ".join(row.tags)) if s)
        line = (f"{row.number:>2}  {_short(row.who, 50)} · {_short(row.when, 24)}: "
                f"{_short(row.written, 48)}" + (f"  ({extra})" if extra else ""))
        key.append(figure.text(0, 0, line, fontsize=_SMALL, va="top", ha="left", color=row.color,
                               transform=figure.dpi_scale_trans, gid="key"))
    notes = _wrapped_block(figure, change_lines + _notes(result, set(rows["id"])), width - 0.5)
    head = 0.5 + legend_height + 0.15
    gap = 0.3
    panels = [_PANEL_HEIGHT[m] for m in measures]
    body = sum(panels) + gap * (len(panels) - 1)
    step = (_extent(figure, key[0]).height / figure.dpi if key else 0.0) + 0.02  # one line each
    foot = 0.55 + step * len(key) + 0.1 + _block_height(figure, notes) + 0.1
    height = head + body + foot
    figure.set_size_inches(width, height)
    top = height - head
    for ax, panel in zip(axes, panels, strict=True):
        ax.set_position((left / width, (top - panel) / height, (width - left - 0.35) / width,
                         panel / height))
        top -= panel + gap
    title.set_position((0.2, height - 0.12))
    if legend is not None:
        legend.set_bbox_to_anchor((0.15, height - 0.45), transform=figure.dpi_scale_trans)
    for k, text in enumerate(key):  # one line each: placed by the line height, not measured
        text.set_position((0.3, foot - 0.55 - k * step))
    used = step * len(key)
    _stack(figure, notes, 0.25, foot - 0.55 - used - 0.1)
    for ax in axes:
        _number_claims(figure, ax, rows)


def _number_claims(figure: Figure, ax: Axes, rows: pd.DataFrame) -> None:
    """Put each claim's number beside its mark where it overlaps no other text (nudged if need be)."""
    renderer = _renderer(figure)
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = []
    for text in ax.texts:
        if text.get_gid() == "period-start" and isinstance(text, Annotation):
            text.update_positions(renderer)
            taken.append(_extent(figure, text))
    halo = [withStroke(linewidth=2.5, foreground="white")]
    steps = [(5, 0)] + [(dx, dy) for k in range(1, 12) for dy in (9 * k, -9 * k) for dx in (5, -5)]
    for anchor_text in [t for t in ax.texts if str(t.get_gid()).startswith("anchor-")]:
        number = str(anchor_text.get_gid()).removeprefix("anchor-")
        color = rows.loc[rows["number"] == int(number), "color"].iloc[0]
        anchor = anchor_text.get_position()
        anchor_text.remove()
        for dx, dy in steps:
            label = ax.annotate(number, anchor, xytext=(dx, dy), textcoords="offset points",
                                fontsize=_SMALL, fontweight="bold", color=color,
                                ha="left" if dx > 0 else "right", va="center", gid="number",
                                annotation_clip=False, zorder=6, path_effects=halo,
                                arrowprops={"arrowstyle": "-", "color": color, "lw": 0.5,
                                            "shrinkA": 0, "shrinkB": 0} if dy else None)
            label.update_positions(renderer)
            box = _extent(figure, label)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            label.remove()
        else:  # nowhere free: the first place, so every claim keeps its number
            label = ax.annotate(number, anchor, xytext=(5, 0), textcoords="offset points",
                                fontsize=_SMALL, fontweight="bold", color=color, ha="left",
                                va="center", gid="number", annotation_clip=False, zorder=6,
                                path_effects=halo)


# ------------------------------------------------------------------------------ files
def save(figure: Figure, path: str | os.PathLike[str], *, dpi: int = 150) -> None:
    """Write `figure` to `path` (format from the suffix, PNG by default): all of it or nothing.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "empty.png"
    >>> save(_Figure(figsize=(1, 1)), target)
    >>> target.read_bytes()[:4]
    b'\\x89PNG'
    """
    target = Path(path)
    kind = target.suffix.lstrip(".").lower() or "png"
    supported = FigureCanvasAgg(Figure()).get_supported_filetypes()
    if kind not in supported:
        raise UsageError(f"-o {target}: cannot write {kind!r} images; use one of "
                         + ", ".join(f".{k}" for k in sorted(supported)))
    write_file(target, lambda handle: figure.savefig(handle, format=kind, dpi=dpi), binary=True)


def plot_file(claims: pd.DataFrame, relations: Any, *, quantity: str, kind: str = "forest",
              output: str | os.PathLike[str], window: float = 7) -> None:
    """Reconcile `claims` with `relations` and draw `quantity` as a `kind` plot into `output`.

    >>> import pandas as pd, tempfile, pathlib, estimates
    >>> table = estimates.read_claims(pd.DataFrame({"id": ["a"], "quantity": ["x"],
    ...                                             "low": ["10"], "as_of": ["2024"]}))
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.png"
    >>> plot_file(table, None, quantity="x", kind="timeline", output=target)
    >>> target.stat().st_size > 0
    True
    """
    from estimates.reconcile import reconcile

    if kind not in KINDS:
        raise UsageError(f"unknown plot kind {kind!r}: use one of {', '.join(KINDS)}")
    target = Path(output)
    if not target.parent.is_dir():
        raise UsageError(f"-o {target}: the folder {str(target.parent)!r} does not exist")
    result = reconcile(claims, relations, window=int(window))
    draw = forest if kind == "forest" else timeline
    save(draw(result, quantity, claims=claims), target)
