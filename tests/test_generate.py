"""The benchmark generator (benchmarks/generate.py): deterministic, well formed, honest about its truth."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
import generate

NUMBER = r"\d{1,3}(?:,\d{3})*"
#: Every `value` the generator writes, by wording (DESIGN.md, "Turning words into intervals").
WORDING = re.compile(
    rf"(?P<bare>{NUMBER})"
    rf"|(?:about|approximately) (?P<about>{NUMBER})"
    rf"|(?:over|more than) (?P<over>{NUMBER})"
    rf"|(?:at least (?P<at_least>{NUMBER})|(?P<plus>{NUMBER})\+)"
    rf"|(?:up to|as many as) (?P<up_to>{NUMBER})"
    rf"|(?P<low>{NUMBER})-(?P<high>{NUMBER})"
    rf"|about (?P<rate_about>{NUMBER}) per day"
    rf"|(?P<rate_bare>{NUMBER}) per day"
    rf"|(?P<rate_low>{NUMBER})-(?P<rate_high>{NUMBER}) per day"
)


def small(**options: object) -> tuple[pd.DataFrame, generate.Truth]:
    arguments: dict[str, object] = {"n_times": 6, "relation_groups": 2, "seed": 7, **options}
    return generate.generate_claims(3000, 40, return_truth=True, **arguments)  # type: ignore[arg-type]


def number(text: str) -> int:
    return int(text.replace(",", ""))


def halo(text: str) -> float:
    """Half a unit in the last significant digit, at least two significant figures (DESIGN.md)."""
    digits = text.replace(",", "")
    trailing = len(digits) - len(digits.rstrip("0"))
    return 0.5 * 10.0 ** min(trailing, len(digits) - 2)


def interval(value: str, low: str, high: str) -> tuple[float, float, bool, bool]:
    """(low, high, low_open, high_open) of a generated claim, read as DESIGN.md reads it."""
    if value == "":
        return float(low), float(high) if high else math.inf, False, False
    match = WORDING.fullmatch(value)
    assert match, value
    kind, text = next((k, v) for k, v in match.groupdict().items() if v is not None)
    n = number(text)
    if kind in ("bare", "rate_bare"):
        return n - halo(text), n + halo(text), False, False
    if kind in ("about", "rate_about"):
        spread = max(0.1 * n, halo(text))
        return n - spread, n + spread, False, False
    if kind == "over":
        return n, math.inf, True, False
    if kind in ("at_least", "plus"):
        return n, math.inf, False, False
    if kind == "up_to":
        return 0, n, False, False
    assert kind in ("low", "rate_low")
    return n, number(match["high"] or match["rate_high"]), False, False


def true_values(frame: pd.DataFrame, truth: generate.Truth) -> np.ndarray:
    """The truth each claim speaks of: the value at its as_of, or the average rate per day over its period."""
    quantity = pd.Index(truth.quantities).get_indexer(frame["quantity"].astype(str))
    time = pd.Index(truth.dates).get_indexer(frame["as_of"].astype(str))
    assert (quantity >= 0).all() and (time >= 0).all()
    at = truth.values[quantity, time].astype(float)
    is_rate = (frame["period"].astype(str) != "").to_numpy()
    start = frame["period"].astype(str).str.split("/").str[0].where(is_rate, frame["as_of"].astype(str))
    before = truth.values[quantity, pd.Index(truth.dates).get_indexer(start)]
    days = (pd.to_datetime(frame["as_of"].astype(str)) - pd.to_datetime(start)).dt.days.to_numpy()
    return np.where(is_rate, (at - before) / np.maximum(days, 1), at)


def contains(bounds: tuple[float, float, bool, bool], x: float) -> bool:
    low, high, low_open, high_open = bounds
    return (low < x if low_open else low <= x) and (x < high if high_open else x <= high)


def test_same_arguments_give_the_same_table() -> None:
    first, truth = small()
    second, again = small()
    pd.testing.assert_frame_equal(first, second)
    np.testing.assert_array_equal(truth.values, again.values)
    np.testing.assert_array_equal(truth.contradicting, again.contradicting)
    assert not first["value"].equals(small(seed=8)[0]["value"])


def test_table_has_the_requested_sizes_and_the_design_columns() -> None:
    frame, truth = small()
    assert len(frame) == 3000
    assert list(frame.columns) == list(generate.COLUMNS)
    assert frame["quantity"].nunique() == 40 == len(truth.quantities)
    assert sorted(frame["as_of"].unique()) == list(truth.dates)
    assert list(truth.dates) == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01",
                                 "2024-05-01", "2024-06-01"]
    assert truth.values.shape == (40, 6)
    assert generate.generate_claims(0, 3).shape == (0, len(generate.COLUMNS))


def test_ids_are_unique_and_numbered_from_one() -> None:
    frame, _ = small()
    assert frame["id"].is_unique
    assert frame["id"].iloc[0] == "c0000001" and frame["id"].iloc[-1] == "c0003000"


def test_kind_is_one_per_quantity_and_cumulative_truths_never_fall() -> None:
    frame, truth = small()
    assert (frame.groupby("quantity", observed=True)["kind"].nunique() == 1).all()
    kinds = dict(zip(truth.quantities, truth.kinds, strict=True))
    assert (frame["quantity"].astype(str).map(kinds) == frame["kind"].astype(str)).all()
    cumulative = truth.kinds == "cumulative"
    assert cumulative.any() and (~cumulative).any()
    assert (np.diff(truth.values[cumulative], axis=1) >= 0).all()
    assert (truth.values > 0).all()


def test_names_are_dotted_and_dates_are_days() -> None:
    frame, _ = small()
    assert frame["quantity"].astype(str).str.fullmatch(r"(q\d{6}|g\d+)\.[a-z]+").all()
    for column in ("as_of", "published"):
        assert frame[column].astype(str).str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert (frame["published"].astype(str) >= frame["as_of"].astype(str)).all()
    assert (frame["claimant"].astype(str) != "").all() and (frame["quote"] != "").all()
    assert frame["quote"].str.fullmatch(r".+ reported .+ (as of|in the month to) \d{4}-\d\d-\d\d\.").all()


def test_every_value_is_a_documented_wording() -> None:
    frame, _ = small()
    written = frame["value"] != ""
    assert frame.loc[written, "value"].map(lambda v: WORDING.fullmatch(v) is not None).all()
    explicit = frame[~written]
    assert len(explicit) and explicit["low"].str.fullmatch(r"\d+").all()
    assert explicit["high"].str.fullmatch(r"\d*").all()
    assert (frame.loc[written, ["low", "high"]] == "").all().all()
    found = {next(k for k, v in WORDING.fullmatch(v).groupdict().items() if v)  # type: ignore[union-attr]
             for v in frame.loc[written, "value"]}
    assert found >= {"bare", "about", "over", "at_least", "plus", "up_to", "low", "rate_about",
                     "rate_bare", "rate_low"}


def test_rates_are_per_day_over_the_month_before_on_cumulative_quantities() -> None:
    frame, _ = small()
    rates = frame[frame["value"].str.endswith(" per day")]
    assert len(rates) and (rates["unit"] == "person/day").all() and (rates["kind"] == "cumulative").all()
    assert (rates["period"].astype(str).str.split("/").str[1] == rates["as_of"].astype(str)).all()
    assert (frame.loc[~frame.index.isin(rates.index), "period"] == "").all()


def test_honest_claims_contain_the_truth_and_planted_ones_exclude_it() -> None:
    frame, truth = small(contradicting=0.1)
    assert truth.contradicting.sum() == 300
    exact = true_values(frame, truth)
    inside = np.array([contains(interval(v, lo, hi), x) for v, lo, hi, x
                       in zip(frame["value"], frame["low"], frame["high"], exact, strict=True)])
    assert inside[~truth.contradicting].all()
    assert not inside[truth.contradicting].any()


def test_planted_claims_are_about_three_times_off() -> None:
    frame, truth = small(contradicting=0.2)
    off = frame[truth.contradicting]
    numbers = off["value"].str.extract(f"({NUMBER})")[0].map(number).to_numpy()
    ratio = numbers / true_values(off, truth)
    assert ((np.abs(np.log(ratio)) > math.log(2.5)) & (np.abs(np.log(ratio)) < math.log(3.5))).all()


def test_relation_groups_add_up_at_every_time() -> None:
    _, truth = small(relation_groups=3)
    assert list(truth.quantities[:9]) == [f"g{i}.{part}" for i in range(3)
                                          for part in ("casualties", "killed", "wounded")]
    values = truth.values[:9].reshape(3, 3, -1)
    np.testing.assert_array_equal(values[:, 0], values[:, 1] + values[:, 2])
    assert (truth.kinds[:9] == "cumulative").all()
    assert generate.generate_relations(3)[2] == "g2.casualties = g2.killed + g2.wounded"
    assert generate.generate_relations(0) == []


def test_too_many_relation_groups_is_an_error() -> None:
    with pytest.raises(ValueError, match="quantities"):
        generate.generate_claims(10, 5, relation_groups=2)


def test_command_line_writes_the_table_and_the_relations(tmp_path: Path) -> None:
    out, relations, truth_out = tmp_path / "claims.csv", tmp_path / "relations.txt", tmp_path / "truth.csv"
    assert generate.main(["--claims", "500", "--quantities", "20", "--times", "4",
                          "--relation-groups", "2", "--seed", "3", "-o", str(out),
                          "--relations-out", str(relations), "--truth-out", str(truth_out)]) == 0
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    expected = generate.generate_claims(500, 20, n_times=4, relation_groups=2, seed=3)
    pd.testing.assert_frame_equal(written, expected.astype(str), check_dtype=False)
    assert relations.read_text().splitlines() == generate.generate_relations(2)
    assert len(pd.read_csv(truth_out)) == 20 * 4


def test_the_library_reads_every_generated_claim_around_the_truth() -> None:
    from estimates.claims import read_claims

    frame, truth = small()
    table = read_claims(frame.astype(str))
    assert (table["problem"].fillna("") == "").all()
    exact = true_values(frame, truth)
    inside = ((table["low"] <= exact) & (exact <= table["high"])).to_numpy()
    assert inside[~truth.contradicting].all()
    assert not inside[truth.contradicting].any()
