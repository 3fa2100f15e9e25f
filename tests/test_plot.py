"""Plots: forest and timeline render to PNG, readable with 25 claims, and `estimates plot` works."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import cache
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

import estimates
from estimates.cli import main
from estimates.errors import UsageError
from estimates.plot import forest, plot_file, save, timeline

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "data" / "estimates.csv"
RELATIONS = ROOT / "data" / "relations.txt"
PNG = b"\x89PNG\r\n\x1a\n"


@cache
def seeds() -> tuple[pd.DataFrame, estimates.Reconciliation]:
    claims = estimates.read_claims(CLAIMS)
    return claims, estimates.reconcile(claims, estimates.read_relations(RELATIONS))


def many_claims(n: int = 25) -> pd.DataFrame:
    """`n` claims on one level quantity over five months: a rise, outliers, open ends, long names."""
    values, days = [], []
    for k in range(n):
        base = 3000 + 400 * (k // 3)
        if k % 7 == 3:
            values.append(f"over {base + 5000:,}")
        elif k % 11 == 5:
            values.append(f"up to {base - 1500:,}")
        elif k % 5 == 1:
            values.append(f"about {base:,}")
        else:
            values.append(f"{base - 200:,}-{base + 300:,}")
        days.append(f"2024-{7 + k // 5:02d}-{1 + 5 * (k % 5):02d}")
    return pd.DataFrame({
        "id": [f"c{k:02d}" for k in range(n)], "quantity": ["x.troops"] * n, "value": values,
        "unit": ["person"] * n, "as_of": days, "kind": ["level"] * n,
        "claimant": [f"Ministry of Information of Country {chr(65 + k % 26)} (spokesperson)"
                     for k in range(n)]})


@cache
def generated() -> tuple[pd.DataFrame, estimates.Reconciliation]:
    claims = estimates.read_claims(many_claims())
    return claims, estimates.reconcile(claims)


def by_gid(figure: Figure, gid: str) -> list[object]:
    return [a for a in figure.axes[0].get_children() if a.get_gid() == gid]


def text_boxes(figure: Figure) -> list[tuple[str, object]]:
    """Every drawn, non-empty text of the figure with its box in pixels (annotation arrows left out)."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = []
    for ax in figure.axes:
        drawn_ticks = set()
        for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            low, high = min(low, high), max(low, high)
            for tick in axis.get_major_ticks():
                if low <= tick.get_loc() <= high:
                    drawn_ticks.add(id(tick.label1))
        tick_labels = {id(t) for t in ax.get_xticklabels() + ax.get_yticklabels()}
        for text in ax.findobj(matplotlib.text.Text):
            if id(text) in tick_labels and id(text) not in drawn_ticks:
                continue
            boxes.append(text)
    boxes += [t for t in figure.texts]
    for legend in figure.legends:
        boxes += legend.get_texts()
    out = []
    for text in dict.fromkeys(boxes):
        if text.get_visible() and text.get_text().strip():
            out.append((text.get_text(), matplotlib.text.Text.get_window_extent(text, renderer)))
    return out


def overlaps(figure: Figure) -> list[tuple[str, str]]:
    boxes = text_boxes(figure)
    return [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
            if box_a.overlaps(box_b) and box_a.width > 0 and box_b.width > 0]


def inside_figure(figure: Figure) -> list[str]:
    frame = figure.bbox
    return [t for t, box in text_boxes(figure)
            if box.x0 < frame.x0 - 1 or box.x1 > frame.x1 + 1 or box.y0 < frame.y0 - 1
            or box.y1 > frame.y1 + 1]


# --- forest -----------------------------------------------------------------------------------


def test_forest_of_a_seed_quantity_is_a_png_with_a_row_per_claim(tmp_path: Path) -> None:
    claims, result = seeds()
    figure = forest(result, "dprk.troops.dispatched", claims=claims)
    target = tmp_path / "dispatched.png"
    save(figure, target)
    assert target.read_bytes().startswith(PNG)
    ax = figure.axes[0]
    rows = result.claims[result.claims["quantity"] == "dprk.troops.dispatched"]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    claim_labels = [label for label in labels if " · " in label]
    assert len(claim_labels) == len(rows) == 7
    assert "John Kirby (US National Security Council sp… · 2024-10-24" in claim_labels
    bars = sum(len(c.get_segments()) for c in by_gid(figure, "claims") if isinstance(c, LineCollection))
    arrows = [p for p in by_gid(figure, "unbounded") if isinstance(p, FancyArrowPatch)]
    assert bars + len(arrows) == 7
    assert len(arrows) == 2  # "at least 3,000" and "over 10,000" run to the axis edge
    assert by_gid(figure, "band")


def test_forest_takes_a_claims_table_that_lacks_some_claims() -> None:
    claims, result = seeds()
    some = claims[claims["id"] != claims.loc[claims["quantity"] == "dprk.troops.dispatched",
                                             "id"].iloc[0]]
    figure = forest(result, "dprk.troops.dispatched", claims=some)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels() if " · " in t.get_text()]
    assert len(labels) == 7  # the claim missing from `some` is drawn from the result alone


def test_forest_arrows_end_at_the_right_edge_of_the_axis() -> None:
    claims, result = seeds()
    figure = forest(result, "dprk.troops.dispatched", claims=claims)
    right = figure.axes[0].get_xlim()[1]
    for arrow in by_gid(figure, "unbounded"):
        (_, _), (x_end, _) = arrow._posA_posB  # type: ignore[attr-defined]
        assert x_end == right


def test_forest_marks_excluded_and_contradicting_claims_and_tags_contradictions() -> None:
    claims, _ = seeds()
    # Radakin's figure graded lower, so the weights decide (with equal weights it is disputed)
    claims = claims.assign(weight=np.where(claims["id"] == "s0-russia-losses-radakin-700000", 0.5,
                                           claims["weight"]))
    result = estimates.reconcile(claims, estimates.read_relations(RELATIONS))
    figure = forest(result, "russia.losses", claims=claims)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "as high as 700,000 (excluded)  C1" in texts
    assert "712,610  C1" in texts
    assert "1,354 per day × 31 days" in texts  # a rate is drawn as the increase it implies
    notes = [t.get_text() for t in figure.texts]
    assert any(n.startswith("C1 (disjoint):") for n in notes)
    colors = {c for coll in by_gid(figure, "claims") for c in map(tuple, coll.get_colors())}
    assert len(colors) == 3  # kept, kept in a contradiction, excluded


def test_forest_reads_a_claim_on_quantity_over_a_constant_as_a_claim_on_the_quantity() -> None:
    claims, result = seeds()
    figure = forest(result, "dprk.casualties.kursk", claims=claims)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "approximately half of 11,000" in texts
    segments = [s for c in by_gid(figure, "claims") for s in c.get_segments()]
    assert any(abs(s[0][0] - 4950) < 1e-6 and abs(s[1][0] - 6050) < 1e-6 for s in segments)


def test_forest_axis_uses_thousands_separators_and_names_the_unit() -> None:
    claims, result = seeds()
    figure = forest(result, "dprk.troops.dispatched", claims=claims)
    figure.canvas.draw()
    ax = figure.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks)
    assert all("," in t for t in ticks if len(t.replace(",", "")) > 3)
    assert ax.get_xlabel() == "dprk.troops.dispatched (person)"


def test_forest_of_25_claims_has_no_overlapping_text(tmp_path: Path) -> None:
    claims, result = generated()
    figure = forest(result, "x.troops", claims=claims)
    save(figure, tmp_path / "many.png")
    assert (tmp_path / "many.png").read_bytes().startswith(PNG)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels() if " · " in t.get_text()]
    assert len(labels) == 25
    assert len(by_gid(figure, "unbounded")) == 4  # the four "over N" claims
    assert by_gid(figure, "band")
    assert overlaps(figure) == []
    assert inside_figure(figure) == []


def test_forest_without_the_claims_table_labels_rows_by_claimant_from_the_result() -> None:
    _, result = generated()
    figure = forest(result, "x.troops")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels() if " · " in t.get_text()]
    assert len(labels) == 25 and labels[0].startswith("Ministry of Information")


def test_forest_draws_into_a_given_axes() -> None:
    claims, result = seeds()
    figure = Figure()
    ax = figure.add_subplot()
    assert forest(result, "russia.losses", claims=claims, ax=ax) is figure
    assert len(figure.axes) == 1


# --- timeline ---------------------------------------------------------------------------------


def test_timeline_of_a_seed_quantity_draws_claims_spans_and_ranges(tmp_path: Path) -> None:
    claims, result = seeds()
    figure = timeline(result, "dprk.troops.dispatched", claims=claims)
    save(figure, tmp_path / "timeline.png")
    assert (tmp_path / "timeline.png").read_bytes().startswith(PNG)
    totals, increases = figure.axes
    spans = [p for p in totals.patches if p.get_gid() == "claim-span"]
    assert len(spans) == 1  # the year 2024; the increases over a period are on their own panel
    assert len([p for p in increases.patches if p.get_gid() == "claim-span"]) == 2
    assert by_gid(figure, "range") and by_gid(figure, "range-best")
    assert len([p for p in totals.patches if p.get_gid() == "unbounded"]) == 2
    numbers = sorted(int(t.get_text()) for ax in figure.axes for t in ax.texts if t.get_gid() == "number")
    assert numbers == list(range(1, 8))
    assert totals.get_ylabel() == "level or total (person)"
    assert increases.get_ylabel() == "increase over a period (person)"


def test_timeline_puts_totals_increases_and_rates_on_panels_of_their_own_issue_17() -> None:
    """russia.losses: two increases over a period, two rates, running totals from them."""
    claims, result = seeds()
    figure = timeline(result, "russia.losses", claims=claims)
    labels = [ax.get_ylabel() for ax in figure.axes]
    assert labels == ["level or total (person)", "increase over a period (person)",
                      "rate over a period (person / day)"]
    totals, increases, rates = figure.axes
    assert [p.get_gid() for p in totals.patches if p.get_gid() == "claim-span"] == []
    assert len([p for p in increases.patches if p.get_gid() == "claim-span"]) == 3
    low, high = rates.get_ylim()
    assert 0 <= low <= 1000 and 1354.5 <= high < 2000  # per day, not the persons' axis


def test_timeline_zooms_to_the_claims_and_marks_where_a_long_period_starts_issue_17() -> None:
    """712,610 "between 24 February 2022 and 15 November 2024" must not stretch the axis over
    2.5 years: the axis covers October and November 2024, the period's start is written."""
    claims, result = seeds()
    figure = timeline(result, "russia.losses", claims=claims)
    left, right = (mdates.num2date(x).date() for x in figure.axes[0].get_xlim())
    assert dt.date(2024, 9, 1) <= left <= dt.date(2024, 10, 1)  # October drawn whole
    assert dt.date(2024, 11, 15) <= right <= dt.date(2024, 12, 15)
    starts = [t.get_text() for t in figure.axes[1].texts if t.get_gid() == "period-start"]
    assert starts == ["◂ from 2022-02-24"] * 2


def test_timeline_legend_lists_only_what_is_drawn_issue_17() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x"] * 2, "value": ["10-20", "15-25"],
                          "as_of": ["2024-10-01", "2024-10-02"], "kind": ["level"] * 2})
    figure = timeline(estimates.reconcile(frame), "x", claims=estimates.read_claims(frame))
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["kept", "reconciled range", "reconciled best"]
    claims, result = seeds()
    figure = timeline(result, "russia.losses", claims=claims)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    # the two equal-weight totals since February 2022 are a tie (issue 15): disputed, not excluded
    assert "disputed (a tie)" in labels and "period starts before the axis" in labels
    assert "excluded" not in labels
    assert "change between times" not in labels and "reconciled best" in labels


def test_timeline_shows_the_changes_of_a_level_quantity() -> None:
    claims, result = generated()
    figure = timeline(result, "x.troops", claims=claims)
    assert len(result.changes) > 0
    assert len(by_gid(figure, "change")) == len(result.changes)
    keys = [t.get_text() for t in figure.texts]
    assert sum(k.startswith("Change from") for k in keys) == len(result.changes)


def test_timeline_of_25_claims_has_no_overlapping_text(tmp_path: Path) -> None:
    claims, result = generated()
    figure = timeline(result, "x.troops", claims=claims)
    save(figure, tmp_path / "many.png")
    assert overlaps(figure) == []
    assert inside_figure(figure) == []
    key = [t for t in figure.texts if t.get_gid() == "key"]
    assert len(key) == 25
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert "10,000" in ticks or "12,000" in ticks
    numbers = sorted(int(t.get_text()) for t in figure.axes[0].texts if t.get_gid() == "number")
    assert numbers == list(range(1, 26))


# --- errors and the command line --------------------------------------------------------------


def test_unknown_quantity_names_it_and_suggests_known_ones() -> None:
    _, result = seeds()
    with pytest.raises(UsageError, match=r"unknown quantity 'dprk\.troops\.in_rusia'.*did you mean "
                                         r"dprk\.troops\.in_russia"):
        forest(result, "dprk.troops.in_rusia")


def test_plot_file_refuses_an_image_format_it_cannot_write(tmp_path: Path) -> None:
    claims, _ = seeds()
    with pytest.raises(UsageError, match="cannot write 'docx'"):
        plot_file(claims, None, quantity="russia.losses", kind="forest", output=tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["forest", "timeline"])
def test_cli_plot_writes_a_png(tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / f"{kind}.png"
    code = main(["plot", str(CLAIMS), "--relations", str(RELATIONS), "--quantity", "russia.losses",
                 "--kind", kind, "-o", str(target)])
    assert code == 0, capsys.readouterr().err
    assert target.read_bytes().startswith(PNG)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_cli_plot_of_an_unknown_quantity_exits_2_with_a_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "nothing.png"
    code = main(["plot", str(CLAIMS), "--quantity", "no.such.thing", "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert "unknown quantity 'no.such.thing'" in err and "russia.losses" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_forest_legend_lists_only_what_is_drawn_issue_17() -> None:
    """russia.losses has only increases and rates: bands where kept claims agree, no best."""
    claims, result = seeds()
    figure = forest(result, "russia.losses", claims=claims)
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["kept", "disputed (a tie)", "reconciled range", "claim's point",
                      "no bound: to the axis edge"]


def test_timeline_draws_a_claim_and_its_range_within_the_day_it_names() -> None:
    """"Over 50,000" dated 1 October is a bar inside 1 October (not at the 2nd's midnight),
    and a month's claim is a box from the month's first day to its last."""
    frame = pd.DataFrame({"id": ["d", "m"], "quantity": ["x", "x"], "unit": ["person"] * 2,
                          "value": ["over 50000", "about 70000"], "as_of": ["2024-10-01", "2024-11"]})
    figure = timeline(estimates.reconcile(frame), "x")
    ax = figure.axes[0]
    (bar,) = [s for c in by_gid(figure, "claims") for s in c.get_segments()]
    october_1 = mdates.date2num(dt.datetime(2024, 10, 1))
    assert october_1 < bar[0][0] < october_1 + 1
    (box,) = [p for p in ax.patches if p.get_gid() == "claim-span"]
    assert box.get_x() == mdates.date2num(dt.datetime(2024, 11, 1))
    assert box.get_x() + box.get_width() == mdates.date2num(dt.datetime(2024, 12, 1))
    band = [s for c in by_gid(figure, "range") if isinstance(c, LineCollection) for s in c.get_segments()]
    assert band and all(october_1 < segment[0][0] < october_1 + 1 for segment in band)


def test_one_open_ended_count_gets_a_readable_axis_of_whole_numbers() -> None:
    """A lone "over 50,000 troops" and its range from 50,001: the axis spans thousands of
    troops with whole-number ticks, not 50,000 to 50,001 in steps of 0.2."""
    frame = pd.DataFrame({"id": ["x"], "quantity": ["a"], "unit": ["person"], "value": ["over 50000"],
                          "as_of": ["2024-10-01"]})
    result = estimates.reconcile(frame)
    for figure, axis in ((forest(result, "a"), "x"), (timeline(result, "a"), "y")):
        ax = figure.axes[0]
        low, high = ax.get_xlim() if axis == "x" else ax.get_ylim()
        ticks = [t for t in (ax.get_xticks() if axis == "x" else ax.get_yticks()) if low <= t <= high]
        assert high - low > 10_000
        assert all(float(t).is_integer() for t in ticks)


def test_plots_without_the_claims_table_draw_periods_as_with_it() -> None:
    """The README's form, `timeline(result, q)`, on a quantity with increases and rates over
    periods: the same boxes as with the claims table (it crashed on the periods' days)."""
    claims, result = seeds()
    alone, given = timeline(result, "russia.losses"), timeline(result, "russia.losses", claims=claims)
    spans = [[(p.get_x(), p.get_width()) for p in ax.patches if p.get_gid() == "claim-span"]
             for figure in (alone, given) for ax in figure.axes[1:]]
    assert spans[0] and spans[:2] == spans[2:]
    assert "</svg>" in result.to_html()


def test_forest_title_counts_disputed_claims_apart_from_excluded_ones() -> None:
    _, result = seeds()
    title = next(t.get_text() for t in forest(result, "russia.losses").texts if "claims" in t.get_text())
    assert "2 disputed" in title and "0 excluded" in title


@pytest.mark.parametrize("dates", [["9999-12-30", "9999-12-31"], ["0001-01-01", "0001-01-02"],
                                   ["2024", "9999"]])
def test_timeline_of_claims_at_the_ends_of_the_calendar_is_drawn_issue_16(
        tmp_path: Path, dates: list[str]) -> None:
    """Dates reconcile up to 9999-12-31; the axis's margin past them stays within the years
    matplotlib can show (it raised a ValueError past 9999, exit 3)."""
    frame = pd.DataFrame({"id": ["a", "b"], "quantity": ["x"] * 2, "value": ["5", "6"],
                          "as_of": dates, "kind": ["cumulative"] * 2, "unit": ["person"] * 2})
    result = estimates.reconcile(frame)
    save(timeline(result, "x", claims=estimates.read_claims(frame)), tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 0
