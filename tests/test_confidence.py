"""Estimative words and Admiralty grades read into numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from estimates import Interval, ParseError, admiralty_grade, estimative_probability
from estimates.claims import read_claims
from estimates.confidence import ICD203, PHIA, Grade

PHIA_YARDSTICK = [
    ("remote chance", 0.0, 0.05), ("highly unlikely", 0.10, 0.20), ("unlikely", 0.25, 0.35),
    ("realistic possibility", 0.40, 0.50), ("likely", 0.55, 0.75), ("probable", 0.55, 0.75),
    ("highly likely", 0.80, 0.90), ("almost certain", 0.95, 1.0),
]
ICD_203 = [
    ("almost no chance", 0.01, 0.05), ("very unlikely", 0.05, 0.20), ("unlikely", 0.20, 0.45),
    ("roughly even chance", 0.45, 0.55), ("likely", 0.55, 0.80), ("very likely", 0.80, 0.95),
    ("almost certain", 0.95, 0.99), ("almost certainly", 0.95, 0.99),
]


@pytest.mark.parametrize(("words", "low", "high"), PHIA_YARDSTICK)
def test_phia_yardstick_bands(words: str, low: float, high: float) -> None:
    assert estimative_probability(words) == Interval(low, high)


@pytest.mark.parametrize(("words", "low", "high"), ICD_203)
def test_icd_203_bands(words: str, low: float, high: float) -> None:
    assert estimative_probability(words, scale="icd203") == Interval(low, high)


@pytest.mark.parametrize("words", sorted(set(PHIA) | set(ICD203)))
def test_every_scale_word_reads_inside_zero_one(words: str) -> None:
    band = estimative_probability(words)
    assert 0 <= band.low <= band.high <= 1


def test_a_word_in_one_scale_only_is_read_by_that_scale() -> None:
    assert estimative_probability("roughly even chance") == Interval(0.45, 0.55)
    assert estimative_probability("realistic possibility", scale="icd203") == Interval(0.4, 0.5)


@pytest.mark.parametrize(("words", "low", "high"), [
    ("Highly likely", 0.80, 0.90), ("almost certainly", 0.95, 1.0), ("probably", 0.55, 0.75),
    ("  highly-likely. ", 0.80, 0.90), ("a realistic possibility", 0.40, 0.50),
])
def test_adverbs_case_and_punctuation_are_read(words: str, low: float, high: float) -> None:
    assert estimative_probability(words) == Interval(low, high)


@pytest.mark.parametrize(("words", "low", "high"), [
    ("0.8", 0.8, 0.8), ("80%", 0.8, 0.8), ("70-80%", 0.7, 0.8), ("80 percent", 0.8, 0.8),
])
def test_numeric_probabilities_are_read_exactly(words: str, low: float, high: float) -> None:
    band = estimative_probability(words)
    assert (band.low, band.high) == pytest.approx((low, high))


@pytest.mark.parametrize("words", ["fairly sure", "", "1.5", "150%", "80 troops", "over 2"])
def test_unknown_words_and_impossible_probabilities_are_parse_errors(words: str) -> None:
    with pytest.raises(ParseError) as caught:
        estimative_probability(words)
    assert caught.value.text == words


def test_unknown_scale_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="scale"):
        estimative_probability("likely", scale="nato")


@pytest.mark.parametrize("letter", "ABCDEF")
@pytest.mark.parametrize("digit", "123456")
def test_every_admiralty_grade_reads(letter: str, digit: str) -> None:
    grade = admiralty_grade(f"{letter}{digit}")
    assert (grade.reliability, grade.credibility) == (letter, int(digit))
    assert 0 < grade.weight <= round(1 / 0.36, 12)


def test_admiralty_scores_follow_the_readme_scale_and_unjudged_is_between_d_and_c() -> None:
    scores = [admiralty_grade(f"{letter}1").reliability_score for letter in "ABCDE"]
    assert scores == [1.0, 0.9, 0.75, 0.5, 0.25]
    assert [admiralty_grade(f"A{digit}").credibility_score for digit in "12345"] == scores
    for score in (admiralty_grade("F6").reliability_score, admiralty_grade("F6").credibility_score):
        assert admiralty_grade("D4").reliability_score < score < admiralty_grade("C3").reliability_score
    assert admiralty_grade("F6").weight == 1  # an ungraded claim's weight
    assert admiralty_grade("B2").weight == pytest.approx(0.81 / 0.36)


@pytest.mark.parametrize(("code", "same"), [("B", "B6"), ("2", "F2"), (" c ", "C6")])
def test_a_letter_or_a_digit_alone_grades_one_side_the_other_cannot_be_judged(code: str, same: str) -> None:
    assert admiralty_grade(code).weight == admiralty_grade(same).weight


def test_claims_are_weighed_by_admiralty_grade() -> None:
    codes = ["A1", "B2", "c 3", "F6", "E", "5"]
    table = read_claims(pd.DataFrame({"id": codes, "quantity": ["x"] * 6, "low": ["1"] * 6,
                                      "as_of": ["2024"] * 6, "grade": codes}))
    assert table["weight"].tolist() == [admiralty_grade(code).weight for code in codes]


@pytest.mark.parametrize("code", ["b2", "B-2", "B 2", " B2 ", "b/2"])
def test_admiralty_codes_are_read_leniently(code: str) -> None:
    assert admiralty_grade(code) == Grade("B", 2)


@pytest.mark.parametrize(("code", "position"), [("G1", 0), ("A7", 1), ("", 0), ("B22", 1),
                                                ("2B", 0)])
def test_bad_admiralty_codes_are_parse_errors_that_point(code: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        admiralty_grade(code)
    assert (caught.value.text, caught.value.position) == (code, position)


def test_grade_checks_its_fields() -> None:
    with pytest.raises(ParseError):
        Grade("G", 1)
    with pytest.raises(ParseError):
        Grade("A", 7)
    with pytest.raises(ParseError):
        Grade(None, None)
