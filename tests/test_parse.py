"""Reading hedged numeric wording into intervals: the seeds, every lexicon row, properties."""

from __future__ import annotations

import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from estimates import Interval, Lexicon, ParseError, Reading, parse, parse_many
from estimates.parse import _Bulk, _Grammar
from estimates.units import parse_unit
from tests.strategies_parse import counts, number_wordings, wordings, written_counts, written_decimals

INF = math.inf
LEXICON = Lexicon.default().data


def assert_reads(text: str, low: float, high: float, low_open: bool = False,
                 high_open: bool = False, unit: str = "dimensionless", kind: str = "count",
                 **options: object) -> Reading:
    reading = parse(text, **options)  # type: ignore[arg-type]
    assert reading.low == pytest.approx(low, rel=1e-12, abs=1e-15), text
    assert reading.high == pytest.approx(high, rel=1e-12), text
    assert (reading.low_open, reading.high_open) == (low_open, high_open), text
    assert reading.unit == parse_unit(unit), text
    assert reading.kind == kind, text
    return reading


# -- every numeric phrase of the five seed articles (data/estimates.csv names them) -------

SEEDS = [
    # 000: North Korea's Soldier Supply Chain
    ("over 10,000 troops", 10_000, INF, True, True, "person", "count"),
    ("Eleven thousand North Korean soldiers", 10_500, 11_500, False, False, "person", "count"),
    ("over thousand troops lost on a daily basis", 1_000, INF, True, True, "person/day", "rate"),
    ("712,610 men", 712_605, 712_615, False, False, "person", "count"),
    ("an average of 1,354 Russian fighters killed or wounded per day", 1353.5, 1354.5, False,
     False, "person/day", "rate"),
    ("1,354 per day", 1353.5, 1354.5, False, False, "1/day", "rate"),
    ("41,980", 41_975, 41_985, False, False, "dimensionless", "count"),
    ("as high as 700,000", 0, 700_000, False, False, "dimensionless", "count"),
    ("10,000 North Korean soldiers", 9_500, 10_500, False, False, "person", "count"),
    # 001: Russia-North Korea, a militarizing partnership
    ("some 3000-10000 North Korean soldiers", 2_700, 11_000, False, False, "person", "count"),
    ("3000 North Korean troops", 2_950, 3_050, False, False, "person", "count"),
    ("more than 13,000 shipping containers", 13_000, INF, True, True, "container", "count"),
    # 002: US confirms 3,000 North Korean soldiers in Russia
    ("3,000 North Korean soldiers", 2_950, 3_050, False, False, "person", "count"),
    ("approximately 3,000 North Korean soldiers", 2_700, 3_300, False, False, "person", "count"),
    ("at least 1,500 North Korean special operations soldiers", 1_500, INF, False, True,
     "person", "count"),
    ("1,500 troops", 1_450, 1_550, False, False, "person", "count"),
    ("at least 3,000", 3_000, INF, False, True, "dimensionless", "count"),
    ("13,000 containers", 12_500, 13_500, False, False, "container", "count"),
    ("about 70 shipments", 63, 77, False, False, "shipment", "count"),
    ("millions of artillery shells", 2_000_000, 10_000_000, False, True, "shell", "count"),
    # 003: North Korea sends more troops to Russia
    ("More than 10,000 North Korean troops", 10_000, INF, True, True, "person", "count"),
    ("several North Korean soldiers", 3, 9, False, False, "person", "count"),
    # 004: North Korea's heavy losses in Kursk
    ("Over 5,000 North Korean troops", 5_000, INF, True, True, "person", "count"),
    ("over 5,000 casualties", 5_000, INF, True, True, "person", "count"),
    ("approximately a third", 0.3, 1 / 3 * 1.1, False, False, "dimensionless", "ratio"),
    ("more than 50,000 troops", 50_000, INF, True, True, "person", "count"),
    ("approximately half", 0.45, 0.55, False, False, "dimensionless", "ratio"),
    ("half", 0.5, 0.5, False, False, "dimensionless", "ratio"),
    ("11,000 men", 10_500, 11_500, False, False, "person", "count"),
    ("approximately 3,000 additional troops", 2_700, 3_300, False, False, "person", "count"),
]


@pytest.mark.parametrize(("text", "low", "high", "low_open", "high_open", "unit", "kind"), SEEDS)
def test_seed_phrases_read_as_documented(text: str, low: float, high: float, low_open: bool,
                                         high_open: bool, unit: str, kind: str) -> None:
    assert_reads(text, low, high, low_open, high_open, unit, kind)


def test_approximately_a_third_is_the_design_band() -> None:
    reading = parse("approximately a third of the casualties killed in action")
    assert 0.29 < reading.low <= 0.30 and 0.366 <= reading.high < 0.37
    assert reading.hedge == "approximately"


# -- every row of the lexicon -------------------------------------------------------------

#: what each rule makes of 2,000 (halo ±50) written after or before the hedge phrase
RULE_READINGS = {
    "approximate": (1_800, 2_200, False, False),
    "nearly": (1_800, 2_000, False, False),
    "above": (2_000, INF, True, True),
    "at_least": (2_000, INF, False, True),
    "at_most": (0, 2_000, False, False),
    "below": (0, 2_000, False, True),
    "exact": (2_000, 2_000, False, False),
}
HEDGE_ROWS = [(name, hedge["rule"], place, phrase)
              for name, hedge in LEXICON["hedges"].items()
              for place in ("before", "after") for phrase in hedge.get(place, ())]


@pytest.mark.parametrize(("name", "rule", "place", "phrase"), HEDGE_ROWS)
def test_every_hedge_phrase_reads_by_its_rule(name: str, rule: str, place: str,
                                              phrase: str) -> None:
    text = f"{phrase} 2,000 troops" if place == "before" else f"2,000 {phrase} troops"
    reading = assert_reads(text, *RULE_READINGS[rule], unit="person")
    assert reading.hedge == name


def test_hedges_of_the_design_table_have_their_rules() -> None:
    rules = {phrase: hedge["rule"] for hedge in LEXICON["hedges"].values()
             for place in ("before", "after") for phrase in hedge.get(place, ())}
    design = {"about": "approximate", "approximately": "approximate", "around": "approximate",
              "roughly": "approximate", "some": "approximate", "nearly": "nearly",
              "almost": "nearly", "over": "above", "more than": "above", "above": "above",
              "at least": "at_least", "+": "at_least", "or more": "at_least",
              "no fewer than": "at_least", "up to": "at_most", "as high as": "at_most",
              "as many as": "at_most", "at most": "at_most", "no more than": "at_most",
              "fewer than": "below", "less than": "below", "under": "below"}
    assert {phrase: rules[phrase] for phrase in design} == design


@pytest.mark.parametrize("noun", list(LEXICON["units"]["nouns"]))
def test_every_counted_noun_gives_its_unit(noun: str) -> None:
    unit = LEXICON["units"]["nouns"][noun]
    kind = "amount" if unit in LEXICON["money"]["currencies"] else "count"
    assert_reads(f"1,354 {noun}", 1353.5, 1354.5, unit=unit, kind=kind)
    assert_reads(f"1,354 North Korean {noun}", 1353.5, 1354.5, unit=unit, kind=kind)


@pytest.mark.parametrize("phrase", list(LEXICON["rates"]))
def test_every_rate_phrase_makes_a_rate(phrase: str) -> None:
    time = LEXICON["rates"][phrase]
    assert_reads(f"1,354 {phrase}", 1353.5, 1354.5, unit=f"1/{time}", kind="rate")
    assert_reads(f"1,354 troops {phrase}", 1353.5, 1354.5, unit=f"person/{time}", kind="rate")


@pytest.mark.parametrize("phrase", list(LEXICON["vague"]))
def test_every_vague_amount_reads_as_its_range(phrase: str) -> None:
    entry = LEXICON["vague"][phrase]
    assert_reads(f"{phrase} soldiers", entry["low"], entry["high"],
                 entry.get("low_open", False), entry.get("high_open", False), unit="person")


@pytest.mark.parametrize(("text", "low", "high"), [
    ("several thousand", 3_000, 9_000), ("a few hundred", 200, 500),
    ("tens of thousands", 20_000, 100_000), ("hundreds of thousands", 200_000, 1_000_000),
    ("some thousands", 1_800, 11_000),
])
def test_vague_amounts_take_a_multiplier(text: str, low: float, high: float) -> None:
    reading = parse(text)
    assert (reading.low, reading.high) == pytest.approx((low, high))


@pytest.mark.parametrize("word", list(LEXICON["multipliers"]))
def test_every_multiplier_multiplies(word: str) -> None:
    factor = LEXICON["multipliers"][word]
    assert_reads(f"3 {word}", 3 * factor, 3 * factor, halo="exact")
    assert_reads(f"3{word}", 3 * factor, 3 * factor, halo="exact")
    assert_reads(f"a {word}", factor, factor, halo="exact")


@pytest.mark.parametrize("word", list(LEXICON["numbers"]["words"]))
def test_every_number_word_has_its_value(word: str) -> None:
    value = LEXICON["numbers"]["words"][word]
    assert_reads(f"{word} soldiers", value, value, unit="person", halo="exact")
    if value:
        assert_reads(f"{word.capitalize()} thousand", value * 1000, value * 1000, halo="exact")


@pytest.mark.parametrize("word", list(LEXICON["fractions"]))
def test_every_fraction_word_is_an_exact_ratio(word: str) -> None:
    denominator = LEXICON["fractions"][word]
    reading = parse(f"one {word}")
    assert reading.kind == "ratio" and reading.low <= 1 / denominator <= reading.high
    assert reading.high - reading.low < 1e-15
    assert parse(f"two-{word}").low == pytest.approx(2 / denominator)


@pytest.mark.parametrize("phrase", list(LEXICON["numbers"]["percent"]))
def test_every_percent_sign_makes_a_ratio(phrase: str) -> None:
    assert_reads(f"40 {phrase}", 0.395, 0.405, kind="ratio")
    assert_reads(f"40{phrase}", 0.40, 0.40, kind="ratio", halo="exact")


@pytest.mark.parametrize("separator", list(LEXICON["ranges"]["separators"]))
def test_every_range_separator_makes_a_range_without_halo(separator: str) -> None:
    reading = assert_reads(f"3,000 {separator} 10,000 troops", 3_000, 10_000, unit="person")
    assert reading.hedge == "range" and reading.halo == 0
    assert_reads(f"3000{separator}10000", 3_000, 10_000)


@pytest.mark.parametrize("enclosing", list(LEXICON["ranges"]["enclosing"]))
def test_every_enclosing_range_reads_both_ends(enclosing: str) -> None:
    start, middle = enclosing.split("...")
    assert_reads(f"{start} 3,000 {middle} 10,000 troops", 3_000, 10_000, unit="person")


@pytest.mark.parametrize("phrase", list(LEXICON["ranges"]["plus_minus"]))
def test_every_plus_minus_sign_reads_a_half_width(phrase: str) -> None:
    assert assert_reads(f"5,000 {phrase} 500", 4_500, 5_500).hedge == "plus_minus"
    assert_reads(f"5,000 {phrase} 10%", 4_500, 5_500)


@pytest.mark.parametrize("filler", list(LEXICON["fillers"]["before"]))
def test_every_leading_filler_is_set_aside(filler: str) -> None:
    assert_reads(f"{filler} 1,354 troops", 1353.5, 1354.5, unit="person")


@pytest.mark.parametrize("filler", list(LEXICON["fillers"]["after"]))
def test_every_trailing_filler_is_set_aside(filler: str) -> None:
    assert_reads(f"1,354 troops {filler}", 1353.5, 1354.5, unit="person")


@pytest.mark.parametrize("word", list(LEXICON["units"]["after_noun"]))
def test_every_after_noun_word_keeps_the_unit(word: str) -> None:
    assert_reads(f"1,354 troops {word}", 1353.5, 1354.5, unit="person")


@pytest.mark.parametrize("one", list(LEXICON["numbers"]["one"]))
def test_every_word_for_one_stands_for_one(one: str) -> None:
    assert_reads(f"{one} thousand", 1_000, 1_000, halo="exact")
    assert parse(f"{one} third").low == pytest.approx(1 / 3)


# -- numbers, separators and halos -----------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("1,354", 1354), ("1354", 1354), ("11 000", 11_000), ("11\u00a0000", 11_000),
    ("11\u2009000", 11_000), ("11\u202f000", 11_000), ("1.2 million", 1_200_000),
    ("1.2m", 1_200_000), ("12k", 12_000), ("eleven thousand", 11_000), ("a thousand", 1_000),
    ("thousand", 1_000), ("a dozen", 12), ("twenty-five thousand", 25_000),
    ("one hundred and fifty", 150), ("half a million", 500_000), ("1,234,567.5", 1234567.5),
    ("1.000 million", 1_000_000), ("0.125", 0.125), ("3bn", 3_000_000_000),
])
def test_numbers_read_to_their_value(text: str, value: float) -> None:
    assert_reads(text, value, value, halo="exact")


@pytest.mark.parametrize(("text", "halo"), [
    ("1,354", 0.5), ("712,610", 5), ("11,000", 500), ("10,000", 500), ("3,000", 50),
    ("eleven thousand", 500), ("1.2 million", 50_000), ("12k", 500), ("1 million", 50_000),
    ("1.50", 0.005), ("5", 0.5), ("70", 0.5), ("a dozen", 0.5), ("40%", 0.005),
])
def test_digits_halo_is_half_the_last_significant_digit(text: str, halo: float) -> None:
    reading = parse(text)
    assert reading.halo == pytest.approx(halo)
    assert reading.high - reading.low == pytest.approx(2 * halo)


def test_halo_policies_exact_and_relative() -> None:
    assert_reads("3,000", 3_000, 3_000, halo="exact")
    assert_reads("3,000", 2_970, 3_030, halo="relative")
    assert_reads("3,000", 2_850, 3_150, halo=0.05)
    with pytest.raises(ValueError, match="halo policy"):
        parse("3,000", halo="fuzzy")


def test_about_is_never_narrower_than_the_halo() -> None:
    assert_reads("about 5", 4.5, 5.5)  # the halo ±0.5 beats 10 % of 5


def test_fractions_are_exact_and_take_no_halo() -> None:
    assert parse("a third").halo == 0
    assert parse("two-thirds").low == pytest.approx(2 / 3)
    assert_reads("1/4", 0.25, 0.25, kind="ratio")


@pytest.mark.parametrize(("text", "position"), [
    ("1,5", 1), ("1,5000", 1), ("1234,567", 4), ("1.000", 1), ("12.500 troops", 2),
    ("over 1,50 men", 6),
])
def test_ambiguous_separators_are_errors(text: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.position == position and caught.value.text == text


def test_continental_convention_comes_from_the_lexicon() -> None:
    continental = Lexicon.default().extend(
        {"numbers": {"decimal_mark": ",", "group_marks": [".", " "]}})
    assert_reads("1.000", 1_000, 1_000, lexicon=continental, halo="exact")
    assert_reads("1,5", 1.5, 1.5, lexicon=continental, halo="exact")


# -- hedges never dropped, errors that point --------------------------------------------

def test_plus_suffix_is_at_least_never_exact() -> None:
    reading = assert_reads("5,000+", 5_000, INF, high_open=True)
    assert reading.hedge == "at_least"
    assert_reads("5,000+ casualties", 5_000, INF, high_open=True, unit="person")


def test_suffix_hedge_may_follow_the_noun() -> None:
    assert_reads("1,500 troops or more", 1_500, INF, high_open=True, unit="person")


def test_adjectives_are_skipped_only_up_to_a_known_noun() -> None:
    with pytest.raises(ParseError) as caught:
        parse("1,354 North Korean")
    assert caught.value.position == 6
    with pytest.raises(ParseError):
        parse("5 a b c d e f soldiers")  # more words than max_skipped_words


@pytest.mark.parametrize(("text", "position"), [
    ("5,000 tons", 6), ("3,000 more troops", 6), ("over", 4), ("about 3000-5000 or more", 16),
    ("over 3000-5000", 0), ("10-5", 3), ("lots", 0), ("5,000 troops and 3 tanks", 13),
    ("approximately half of its initial force of 11,000 men", 43), ("5,000 troops containers", 13),
    ("", 0), ("   ", 3), ("1,354 casualties every fortnight", 17), ("-5", 0),
])
def test_unreadable_text_raises_with_the_position(text: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.position == position
    assert repr(text) in str(caught.value)
    assert str(caught.value).splitlines()[-1] == " " * (4 + position) + "^"


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="cannot read"):
        parse("over a lot")


def test_enormous_numbers_are_errors_not_overflows() -> None:
    with pytest.raises(ParseError):
        parse("1" * 40)
    with pytest.raises(ParseError):
        parse("billion billion billion billion")


# -- the reading ----------------------------------------------------------------------

def test_reading_to_dict_is_json_with_null_for_unbounded() -> None:
    data = json.loads(json.dumps(parse("over 10,000 troops per day").to_dict()))
    assert data["low"] == 10_000 and data["high"] is None and data["unit"] == "person / day"
    assert data["low_open"] is True and data["kind"] == "rate" and data["hedge"] == "over"


def test_reading_span_leaves_out_quotes_and_trailing_punctuation() -> None:
    text = " “over 10,000 troops.” "
    reading = parse(text)
    assert text[reading.span[0]:reading.span[1]] == "over 10,000 troops"


def test_reading_interval_is_the_closed_hull() -> None:
    assert parse("fewer than 100").interval == Interval(0, 100)


def test_a_custom_noun_from_an_extended_lexicon() -> None:
    lexicon = Lexicon.default().extend({"units": {"nouns": {"marines": "person"}}})
    assert_reads("1,354 marines", 1353.5, 1354.5, unit="person", lexicon=lexicon)
    assert parse("1,354 marines", lexicon=lexicon).notes == ()
    # without it, marines are a countable of their own, and the reading says so
    reading = assert_reads("1,354 marines", 1353.5, 1354.5, unit="marine")
    assert reading.notes == ("'marines' is not in the lexicon: read as a count of 'marine', "
                             "a countable of its own",)


# -- properties -----------------------------------------------------------------------

@given(written_counts())
def test_formatting_with_separators_and_parsing_back_gives_the_number(
        written: tuple[int, str]) -> None:
    number, text = written
    reading = parse(text, halo="exact")
    assert reading.low == reading.high == float(number)


@given(written_decimals())
def test_decimals_with_grouped_thousands_read_back(written: tuple[int, int, str]) -> None:
    whole, hundredths, text = written
    reading = parse(text, halo="exact")
    exact = Fraction(whole * 100 + hundredths, 100)
    assert reading.low <= exact <= reading.high
    assert reading.low == pytest.approx(float(exact), rel=1e-15)


@given(counts, st.sampled_from(["about", "approximately", "around", "roughly", "some"]))
def test_about_n_contains_n_and_ten_percent_either_side(number: int, hedge: str) -> None:
    reading = parse(f"{hedge} {number:,}")
    assert reading.low <= Fraction(number) * Fraction(9, 10)
    assert reading.high >= Fraction(number) * Fraction(11, 10)
    assert reading.low <= number <= reading.high


@given(counts, st.sampled_from(["over", "more than", "above"]))
def test_more_than_n_has_low_n_open_and_no_top(number: int, hedge: str) -> None:
    reading = parse(f"{hedge} {number:,} soldiers")
    assert (reading.low, reading.low_open, reading.high) == (number, True, INF)


@given(counts, st.sampled_from(["at least", "no fewer than", "+", "or more"]))
def test_at_least_n_has_low_n_closed(number: int, hedge: str) -> None:
    text = f"{number:,}{hedge}" if hedge == "+" else (
        f"{number:,} {hedge}" if hedge == "or more" else f"{hedge} {number:,}")
    reading = parse(text)
    assert (reading.low, reading.low_open, reading.high) == (number, False, INF)


@given(counts, st.sampled_from(["up to", "as high as", "at most", "fewer than", "under"]))
def test_upper_bounds_start_at_zero_and_end_at_n(number: int, hedge: str) -> None:
    reading = parse(f"{hedge} {number:,}")
    assert (reading.low, reading.high) == (0, number)
    assert reading.high_open == (hedge in ("fewer than", "under"))


@given(st.integers(min_value=1, max_value=10**6).filter(lambda d: d % 10),
       st.integers(min_value=0, max_value=6))
def test_digits_halo_follows_the_written_precision(digits: int, zeros: int) -> None:
    number = digits * 10**zeros
    # round numbers keep two significant figures at least
    unit = 10**zeros if digits >= 10 else 10 ** max(zeros - 1, 0)
    reading = parse(f"{number:,}")
    assert reading.halo == unit / 2
    assert (reading.low, reading.high) == (number - unit / 2, number + unit / 2)


@given(wordings)
def test_no_text_makes_parse_raise_anything_but_parse_error(text: str) -> None:
    try:
        reading = parse(text)
    except ParseError as error:
        assert error.text == text and 0 <= error.position <= len(text)
    else:
        assert reading.low <= reading.high and not math.isnan(reading.low)
        assert 0 <= reading.span[0] < reading.span[1] <= len(text)


# -- the vectorised reader ------------------------------------------------------------

def test_parse_many_never_raises_and_reports_errors_per_row() -> None:
    values = pd.Series(["over 10,000", "5,000+ troops", None, "lots", 3000, 2.5, "1,354 per day"],
                       index=list("abcdefg"))
    table = parse_many(values)
    assert list(table.index) == list("abcdefg")
    assert {"low", "high", "low_open", "high_open", "unit", "halo", "kind", "error"} <= set(table)
    assert table.loc["a", "low"] == 10_000 and table.loc["a", "low_open"]
    assert table.loc["b", "unit"] == "person" and math.isinf(table.loc["b", "high"])
    assert math.isnan(table.loc["c", "low"]) and table.loc["c", "error"] == "missing value"
    assert math.isnan(table.loc["d", "high"]) and "cannot read 'lots'" in table.loc["d", "error"]
    assert table.loc["e", "low"] == 2_950 and table.loc["f", "low"] == pytest.approx(2.45)
    assert table.loc["g", "kind"] == "rate" and table.loc["g", "unit"] == "1 / day"
    assert table["error"].isna().sum() == 5


def test_parse_many_reads_each_distinct_string_at_most_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    read = _Grammar.read

    def counting(self: _Grammar, text: str, policy: str | float) -> object:
        calls.append(text)
        return read(self, text, policy)

    monkeypatch.setattr(_Grammar, "read", counting)
    table = parse_many(["about 3,000", "over 10,000", "about 3,000"] * 1000)
    read_as_written = [text for text in calls if text in ("about 3,000", "over 10,000")]
    assert sorted(set(read_as_written)) == sorted(read_as_written)
    assert table["low"].tolist()[:3] == [2700.0, 10_000.0, 2700.0]
    # many numbers in one wording are read in bulk: the parser reads the wording with a few
    # probe numbers, not each text
    calls.clear()
    many = parse_many([f"over {n:,}" for n in range(1000, 1200)])
    assert len(calls) <= 2 * len(_Bulk.POINTS)
    assert many["low"].tolist() == list(map(float, range(1000, 1200)))
    assert len(table) == 3000


def _agree(table: pd.DataFrame, texts: list[str], halo: str | float) -> None:
    for row, text in zip(table.itertuples(), texts, strict=True):
        try:
            reading = parse(text, halo=halo)
        except ParseError as error:
            assert row.error == str(error).split("\n", 1)[0] and math.isnan(row.low), text
        else:
            hedge = None if pd.isna(row.hedge) else row.hedge
            notes = None if pd.isna(row.notes) else row.notes
            assert (row.low, row.high, row.low_open, row.high_open, row.halo, row.unit,
                    row.kind, hedge, notes) == (
                reading.low, reading.high, reading.low_open, reading.high_open, reading.halo,
                str(reading.unit), reading.kind, reading.hedge,
                "; ".join(reading.notes) or None), text
            assert pd.isna(row.error), text


@given(st.lists(number_wordings(), min_size=1, max_size=20),
       st.sampled_from(["digits", "exact", "relative", 0.05]))
def test_parse_many_in_bulk_reads_number_wordings_as_parse_does(texts: list[str],
                                                                 halo: str | float) -> None:
    _agree(parse_many(texts, halo=halo), texts, halo)


@pytest.mark.parametrize("text", [
    "1,000,500", "1,000,5", "10 200", "5 1,000", "1.5", "1.500", "3,000-1,000", "0", "00",
    "0100", "1/2", "30-40%", "3-5 thousand", "12k", "5,000 ± 500", "5,000-odd", "1, 2", "1 ,2",
    "999999999999999", "1234567890123456", "OVER 10,000.", "\"5,000\"", "between 3 and 5",
    "from 3 to 5", "5,000 or more per day", "at least 1,500 North Korean troops", "3 to 5 to 7",
    "up to 1,000,000,000,000,000", "over 5\n000", "5,000 and 7,000", "<5", "≥ 5", "~5"])
def test_parse_many_in_bulk_leaves_other_wordings_to_the_parser(text: str) -> None:
    texts = [text, "over 10,000"]  # a wording read in bulk beside it
    _agree(parse_many(texts), texts, "digits")


@given(st.lists(wordings | st.sampled_from([s[0] for s in SEEDS]), max_size=12))
def test_parse_many_agrees_with_parse(texts: list[str]) -> None:
    table = parse_many(texts, halo="relative")
    for row, text in zip(table.itertuples(), texts, strict=True):
        try:
            reading = parse(text, halo="relative")
        except ParseError:
            assert isinstance(row.error, str) and math.isnan(row.low)
        else:
            assert (row.low, row.high, row.unit, row.kind) == (
                reading.low, reading.high, str(reading.unit), reading.kind)


# -- issue 18: numbers the way reports write them, never misread silently ----------------

D, P = "dimensionless", "person"
#: per wording family: (text, low, high, low_open, high_open, unit, kind), halo "digits"
FAMILIES: dict[str, list[tuple[str, float, float, bool, bool, str, str]]] = {
    "fraction of a multiplier": [
        ("a quarter of a million", 245_000, 255_000, False, False, D, "count"),
        ("two thirds of a million", 2e6 / 3 - 5_000, 2e6 / 3 + 5_000, False, False, D, "count"),
        ("a third of a million", 1e6 / 3 - 5_000, 1e6 / 3 + 5_000, False, False, D, "count"),
        ("half million", 495_000, 505_000, False, False, D, "count"),
    ],
    "multiplier after a range of words": [
        ("four to five thousand", 4_000, 5_000, False, False, D, "count"),
        ("three to five million", 3e6, 5e6, False, False, D, "count"),
        ("between four and five thousand", 4_000, 5_000, False, False, D, "count"),
        ("two to three hundred thousand", 200_000, 300_000, False, False, D, "count"),
    ],
    "multipliers": [
        ("about 8 B people", 7.2e9, 8.8e9, False, False, P, "count"),
        ("2 trillion people", 1.95e12, 2.05e12, False, False, P, "count"),
        ("13 lakh people", 1_250_000, 1_350_000, False, False, P, "count"),
        ("1.2 bln troops", 1.15e9, 1.25e9, False, False, P, "count"),
        ("3 crore", 29_500_000, 30_500_000, False, False, D, "count"),
        ("1.2 mln", 1_150_000, 1_250_000, False, False, D, "count"),
        ("4 hundred million", 395e6, 405e6, False, False, D, "count"),
        ("3 dozen", 35.5, 36.5, False, False, D, "count"),
        ("3 dozens", 35.5, 36.5, False, False, D, "count"),
    ],
    "whole numbers with fractions": [
        ("one and a half", 1.45, 1.55, False, False, D, "count"),
        ("two and a half million", 2.45e6, 2.55e6, False, False, D, "count"),
        ("1½", 1.45, 1.55, False, False, D, "count"),
        ("2 1/4", 2.2, 2.3, False, False, D, "count"),
        ("3 million and a quarter", 3.245e6, 3.255e6, False, False, D, "count"),  # as "3.25 million"
    ],
    "fractions": [
        ("⅔", 2 / 3, 2 / 3, False, False, D, "ratio"),
        ("one in five", 0.2, 0.2, False, False, D, "ratio"),
        ("2 out of 3", 2 / 3, 2 / 3, False, False, D, "ratio"),
        ("one over three", 1 / 3, 1 / 3, False, False, D, "ratio"),
        ("a hundredth", 0.01, 0.01, False, False, D, "ratio"),
        ("one twenty-fifth", 0.04, 0.04, False, False, D, "ratio"),
    ],
    "comparisons": [
        ("less than or equal to 100", 0, 100, False, False, D, "count"),
        ("equal to or more than 30", 30, INF, False, True, D, "count"),
        ("200 or greater", 200, INF, False, True, D, "count"),
        ("exceeds 100", 100, INF, True, True, D, "count"),
        ("exceeding 100", 100, INF, True, True, D, "count"),
        ("surpassed 100", 100, INF, True, True, D, "count"),
        ("north of 100", 100, INF, True, True, D, "count"),
        ("in the region of 100", 90, 110, False, False, D, "count"),
        ("just 100", 100, 100, False, False, D, "count"),
        ("100-ish", 90, 110, False, False, D, "count"),
    ],
    "two-clause bounds": [
        ("greater than 100 and smaller than 300", 100, 300, True, True, D, "count"),
        ("at least 20 and at most 100", 20, 100, False, False, D, "count"),
        ("more than 100 but fewer than 300 troops", 100, 300, True, True, P, "count"),
        ("up to 5 and at least 3", 3, 5, False, False, D, "count"),
    ],
    "numbers": [
        ("12,34,567", 1_234_566.5, 1_234_567.5, False, False, D, "count"),
        ("two point five million", 2.45e6, 2.55e6, False, False, D, "count"),
        ("naught point five", 0.495, 0.505, False, False, D, "count"),
        (".5", 0.45, 0.55, False, False, D, "count"),
        ("+5", 4.5, 5.5, False, False, D, "count"),
        ("fifty - two", 51.5, 52.5, False, False, D, "count"),
        ("5 through 10", 5, 10, False, False, D, "count"),
        ("5 ~ 10", 5, 10, False, False, D, "count"),
        ("seven hundred eighty-six", 785.5, 786.5, False, False, D, "count"),
    ],
    "percent spellings": [
        ("40 pc", 0.395, 0.405, False, False, D, "ratio"),
        ("40 per-cent", 0.395, 0.405, False, False, D, "ratio"),
        ("3 percentage points", 2.5, 3.5, False, False, "percentage_point", "count"),
    ],
    "money": [
        ("$1.5 billion", 1.45e9, 1.55e9, False, False, "USD", "amount"),
        ("€2 bn", 1.95e9, 2.05e9, False, False, "EUR", "amount"),
        ("2.5 billion dollars", 2.45e9, 2.55e9, False, False, "USD", "amount"),
        ("£300m", 295e6, 305e6, False, False, "GBP", "amount"),
        ("over $1.5 billion", 1.5e9, INF, True, True, "USD", "amount"),
        ("between $1 and $2 billion", 1e9, 2e9, False, False, "USD", "amount"),
        ("$5-10 million a year", 5e6, 10e6, False, False, "USD/year", "rate"),
    ],
    "counted nouns": [
        ("13,000 workers", 12_500, 13_500, False, False, "worker", "count"),
        ("at least 12 civilians", 12, INF, False, True, P, "count"),
        ("some 3,000 refugees", 2_700, 3_300, False, False, P, "count"),
        ("5,000 internally displaced people", 4_950, 5_050, False, False, P, "count"),
        ("100 missiles and drones", 95, 105, False, False, "missile", "count"),
    ],
}
FAMILY_ROWS = [(family, *row) for family, rows in FAMILIES.items() for row in rows]


@pytest.mark.parametrize(("family", "text", "low", "high", "low_open", "high_open", "unit",
                          "kind"), FAMILY_ROWS)
def test_issue_18_each_wording_family_reads_to_its_exact_interval(
        family: str, text: str, low: float, high: float, low_open: bool, high_open: bool,
        unit: str, kind: str) -> None:
    assert_reads(text, low, high, low_open, high_open, unit, kind)


@pytest.mark.parametrize(("text", "position"), [
    ("2 gazillion people", 2), ("5xyz", 1), ("3 in 2024", 5), ("5 tons", 2), ("100 bars", 4),
    ("13,000 workers protested", 15), ("1,354 North Korean", 6), ("5 km", 2), ("3 kWh", 2),
])
def test_issue_18_what_could_be_misread_is_an_error(text: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.position == position


@pytest.mark.parametrize(("text", "unit", "notes"), [
    ("13,000 construction workers", "worker", (
        "'construction' before the noun set aside",
        "'workers' is not in the lexicon: read as a count of 'worker', a countable of its own")),
    ("over 10,000 North Korean troops", "person", ("'North Korean' before the noun set aside",)),
    ("100 missiles and drones", "missile", (
        "'drones' also named: read as a count of 'missile' alone",)),
])
def test_issue_18_what_is_set_aside_or_guessed_is_noted(text: str, unit: str,
                                                       notes: tuple[str, ...]) -> None:
    reading = parse(text)
    assert str(reading.unit) == unit and reading.notes == notes


def test_issue_18_a_new_countable_never_adds_to_persons() -> None:
    from estimates.errors import UnitMismatchError
    from estimates.units import conversion_factor

    workers, troops = parse("13,000 workers").unit, parse("13,000 troops").unit
    assert workers.dimensionality != troops.dimensionality
    with pytest.raises(UnitMismatchError):
        conversion_factor(workers, troops)
    assert parse("5 euros").unit.dimensionality != parse("5 dollars").unit.dimensionality


def test_issue_18_users_add_countables_and_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[units.nouns]\nhelicopters = "helicopter"\nchoppers = "helicopter"\n',
                    encoding="utf-8")
    lexicon = Lexicon.load(path)
    for text in ("12 helicopters", "12 choppers"):
        reading = parse(text, lexicon=lexicon)
        assert str(reading.unit) == "helicopter" and reading.notes == ()


@pytest.mark.parametrize(("cell", "value"), [
    ("12,500", 12_500), ("-0.25", -0.25), (" 7 ", 7), ("5.", 5), (".5", 0.5), ("1e6", 1e6),
    ("12,34,567", 1_234_567), ("1 000", 1_000), ("0.125", 0.125), ("1,5", None), ("1_0", None),
    ("1.000", None), ("12.500", None), ("inf", None), ("1.2.3", None), ("1e400", None)])
def test_issue_18_one_number_reader_for_cells(cell: str, value: float | None) -> None:
    from estimates.parse import read_numbers

    values, bad = read_numbers([cell])
    assert bool(bad[0]) == (value is None)
    assert (math.isnan(values[0]) if value is None else values[0] == value), cell


def test_issue_18_bound_cells_read_numbers_as_the_value_column_does(tmp_path: Path) -> None:
    from estimates import ClaimsError, read_claims

    path = tmp_path / "claims.csv"
    path.write_text("id,quantity,low,high,as_of\na,x,\"1,5\",20,2024-01-01\n"
                    "b,x,1_0,20,2024-01-01\nc,x,\"12,500\",\"13,000\",2024-01-01\n",
                    encoding="utf-8")
    with pytest.raises(ClaimsError) as caught:
        read_claims(path)
    problems = caught.value.problems
    assert set(zip(problems["line"], problems["column"], strict=True)) == {(2, "low"), (3, "low")}


# -- every phrase the lexicon generates reads to its table row ------------------------------

@st.composite
def lexicon_phrases(draw: st.DrawFn) -> tuple[str, tuple[float, float, bool, bool], str]:
    """A phrase built from one row of the lexicon, what that row says it reads to, and the
    unit: a hedge around 2,000 (±50), a vague amount, a noun, a rate, a currency sign."""
    hedges = [(name, hedge["rule"], place, phrase) for name, hedge in LEXICON["hedges"].items()
              for place in ("before", "after") for phrase in hedge.get(place, ())]
    _, rule, place, phrase = draw(st.sampled_from(hedges))
    noun, unit = draw(st.sampled_from(sorted(LEXICON["units"]["nouns"].items())))
    expected = RULE_READINGS[rule]
    if draw(st.booleans()):
        sign, code = draw(st.sampled_from(sorted(LEXICON["money"]["signs"].items())))
        number, unit = f"{sign}2,000" if not sign[-1].isalpha() else f"{sign} 2,000", code
        noun = ""
    else:
        number = "2,000"
    text = f"{phrase} {number} {noun}" if place == "before" else f"{number} {phrase} {noun}"
    if draw(st.booleans()):
        rate, time = draw(st.sampled_from(sorted(LEXICON["rates"].items())))
        return f"{text} {rate}", expected, f"{unit}/{time}"
    return text, expected, unit


@given(lexicon_phrases())
def test_every_phrase_the_lexicon_generates_reads_to_its_table_row(
        case: tuple[str, tuple[float, float, bool, bool], str]) -> None:
    text, (low, high, low_open, high_open), unit = case
    reading = parse(text)
    assert (reading.low, reading.high, reading.low_open, reading.high_open) == (
        low, high, low_open, high_open), text
    assert reading.unit == parse_unit(unit), text


#: words no lexicon table holds
unknown_words = st.from_regex(r"[a-z]{3,9}", fullmatch=True).filter(
    lambda w: w not in _Grammar(Lexicon.default()).reserved
    and w not in LEXICON["units"]["nouns"] and w not in LEXICON["units"]["not_nouns"])


@given(st.lists(st.sampled_from(["over 2,000", "about 3 million", "5", "12 soldiers",
                                 "$4 billion", "3-5 per day"]), min_size=1, max_size=1),
       unknown_words, st.integers(min_value=0, max_value=3))
def test_no_phrase_with_an_unknown_word_reads_without_an_error_or_a_note(
        phrases: list[str], word: str, where: int) -> None:
    words = phrases[0].split()
    words.insert(min(where, len(words)), word)
    text = " ".join(words)
    try:
        reading = parse(text)
    except ParseError:
        return
    assert any(word in note.lower() for note in reading.notes), (text, reading.notes)


# -- robustness: work linear in the text ---------------------------------------------------

class _CountingPattern:
    """A compiled pattern that counts the work of its scans: every start position the
    engine tries (a failed try retries at the next one), and the characters matched."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.work = 0

    def findall(self, text: str, start: int, end: int) -> list[Any]:
        position = start
        for found in self.pattern.finditer(text, start, end):
            self.work += (found.start() - position) * (end - position) + found.end() - found.start()
            position = found.end()
        self.work += (end - position) * (end - position)  # tried at every position left
        return self.pattern.findall(text, start, end)


def _parse_work(text: str) -> int:
    """Characters the tokenizer's scans examine plus Python lines run, to read `text`
    (once read before, so that first-use loading is not counted)."""
    grammar = _Grammar(Lexicon.default())
    grammar.read(text, "digits")
    counter = _CountingPattern(grammar.token)
    grammar.token = counter  # type: ignore[assignment]
    lines = 0

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal lines
        lines += event == "line"
        return trace

    sys.settrace(trace)
    try:
        grammar.read(text, "digits")
    finally:
        sys.settrace(None)
    return counter.work + lines


@given(st.sampled_from(["over 10,000 troops", "about 3 million", "13,000 workers", "$1.5bn"]),
       st.integers(min_value=1, max_value=5_000), st.sampled_from(["end", "middle"]))
def test_issue_18_parse_work_grows_at_most_linearly_with_padding(text: str, n: int,
                                                                  where: str) -> None:
    def padded(count: int) -> str:
        if where == "end":
            return text + " " * count
        head, _, tail = text.partition(" ")
        return head + " " * (count + 1) + tail

    base, once, twice = (_parse_work(padded(k)) for k in (0, n, 2 * n))
    assert twice - once <= (once - base) + 50, (base, once, twice)


def test_issue_18_twenty_thousand_trailing_spaces_read_quickly() -> None:
    assert parse("over 10,000 troops" + " " * 20_000).low == 10_000
    assert _parse_work("5" + " " * 20_000) < 2 * 20_000


# -- the command line reads many phrases in one start-up ------------------------------------

def test_issue_17_cli_parse_reads_many_phrases_in_every_format(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from estimates.cli import main

    phrases = tmp_path / "phrases.txt"
    phrases.write_text("over 10,000 troops\n# a comment\n\n$1.5 billion\nlots\n", encoding="utf-8")
    assert main(["parse", "--file", str(phrases), "--format", "json"]) == 2
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["text"] for row in rows] == ["over 10,000 troops", "$1.5 billion", "lots"]
    assert rows[1]["unit"] == "USD" and "error" in rows[2]
    assert main(["parse", "5 tanks", "about 3,000", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("text,low,high")
    assert main(["parse", "5 tanks", "about 3,000"]) == 0
    assert capsys.readouterr().out.count("      text: ") == 2


def test_issue_17_cli_parse_reads_phrases_from_stdin(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from estimates.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("over 10,000 troops\n€2 bn\n"))
    assert main(["parse", "-", "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["low"], row["unit"]) for row in rows] == [(10_000, "person"), (1.95e9, "EUR")]
    assert main(["parse"]) == 2
    assert "needs a phrase" in capsys.readouterr().err
