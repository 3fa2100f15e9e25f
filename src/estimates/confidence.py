"""Confidence and source grades as numbers: estimative words and Admiralty codes.

`estimative_probability` reads the words of an assessment ("highly likely", "almost
certainly") into a probability band, from the UK PHIA probability yardstick or the US
ICD 203 scale, or a probability written as a number ("0.8", "80%", "70-80%", read exactly,
with no halo). A word in both scales ("likely", "unlikely", "almost certain") is read by
the scale asked for, PHIA by default; a word in one scale only is read by that scale.

`admiralty_grade` reads an Admiralty (NATO) source grade such as ``B2`` into scores in
[0, 1]: reliability A–E and credibility 1–5 are 1.0, 0.9, 0.75, 0.5, 0.25; F ("reliability
cannot be judged") and 6 ("truth cannot be judged") are 0.6, between D and C. A side not
given (a letter or a digit alone, or no grade at all) cannot be judged.

Claims are weighed relative to a claim nothing qualifies (see docs/rules.md): an ungraded
claim is graded F6 and weighs 1, so a grade better than "cannot be judged" weighs more
(A1: 2.78) and a worse one less (E5: 0.17); a confidence weighs its probability against even
odds ("almost certain" 1.95, no wording 1, "unlikely" 0.6). Grading or qualifying a source
never makes its claims lighter than saying nothing about it would, unless the grade or the
words say it is less than even.

>>> estimative_probability("highly likely")
Interval(0.8, 0.9)
>>> admiralty_grade("B2").weight
2.25
>>> confidence_weight(estimative_probability("highly likely"))
1.7
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from estimates.errors import ParseError
from estimates.interval import Interval
from estimates.parse import parse

__all__ = ["ICD203", "PHIA", "Grade", "admiralty_grade", "confidence_weight", "estimative_probability"]

#: UK Professional Head of Intelligence Assessment probability yardstick. "Realistic
#: possibility" is 40 % to under 50 %, held here as [0.40, 0.50].
PHIA: Mapping[str, tuple[float, float]] = MappingProxyType({
    "remote chance": (0.0, 0.05),
    "highly unlikely": (0.10, 0.20),
    "unlikely": (0.25, 0.35),
    "realistic possibility": (0.40, 0.50),
    "likely": (0.55, 0.75),
    "probable": (0.55, 0.75),
    "highly likely": (0.80, 0.90),
    "almost certain": (0.95, 1.0),
})

#: US Intelligence Community Directive 203 expressions of likelihood.
ICD203: Mapping[str, tuple[float, float]] = MappingProxyType({
    "almost no chance": (0.01, 0.05),
    "remote": (0.01, 0.05),
    "very unlikely": (0.05, 0.20),
    "highly improbable": (0.05, 0.20),
    "unlikely": (0.20, 0.45),
    "improbable": (0.20, 0.45),
    "roughly even chance": (0.45, 0.55),
    "roughly even odds": (0.45, 0.55),
    "likely": (0.55, 0.80),
    "probable": (0.55, 0.80),
    "very likely": (0.80, 0.95),
    "highly probable": (0.80, 0.95),
    "almost certain": (0.95, 0.99),
    "nearly certain": (0.95, 0.99),
})

#: Other spellings of the words of either scale: adverbs and common variants.
_ALIASES: Mapping[str, str] = MappingProxyType({
    "almost certainly": "almost certain",
    "nearly certainly": "nearly certain",
    "probably": "probable",
    "probably not": "improbable",
    "improbably": "improbable",
    "highly probably": "highly probable",
    "a remote chance": "remote chance",
    "a realistic possibility": "realistic possibility",
    "a roughly even chance": "roughly even chance",
    "remotely": "remote",
})

_SCALES = {"phia": (PHIA, ICD203), "icd203": (ICD203, PHIA)}


def estimative_probability(words: str, *, scale: str = "phia") -> Interval:
    """The probability band of estimative words, or of a probability written as a number.

    `scale` is ``"phia"`` (default) or ``"icd203"``: it decides words in both scales.

    >>> estimative_probability("likely", scale="icd203")
    Interval(0.55, 0.8)
    """
    if scale not in _SCALES:
        raise ValueError(f"scale {scale!r} is not one of {', '.join(_SCALES)}")
    key = " ".join(re.sub(r"[^\w\s]", " ", words.lower()).split())
    key = _ALIASES.get(key, key)
    for table in _SCALES[scale]:
        if key in table:
            return Interval(*table[key])
    if not re.search(r"\d", words):
        known = sorted({*PHIA, *ICD203})
        raise ParseError(words, 0, f"not an estimative expression (known: {', '.join(known)})")
    reading = parse(words, halo="exact")
    if reading.kind not in ("ratio", "count") or str(reading.unit) != "dimensionless" \
            or reading.high > 1:
        raise ParseError(words, reading.span[0], "a probability is a number in [0, 1] or a "
                                                 "percentage up to 100%")
    return reading.interval


_RELIABILITY = {"A": 1.0, "B": 0.9, "C": 0.75, "D": 0.5, "E": 0.25, "F": 0.6}
_CREDIBILITY = {"1": 1.0, "2": 0.9, "3": 0.75, "4": 0.5, "5": 0.25, "6": 0.6}
#: the score of a side that cannot be judged (F, 6, or not given)
_UNJUDGED = 0.6
#: the probability of a claim no estimative words qualify: even odds
_EVEN = 0.5


def confidence_weight(probability: Interval | float) -> float:
    """The weight a confidence gives a claim: its probability (the middle of a band) against
    even odds, so no wording weighs 1.

    >>> confidence_weight(0.5), confidence_weight(Interval(0.95, 1.0))
    (1.0, 1.95)
    """
    if isinstance(probability, Interval):
        probability = float(probability.low) / 2 + float(probability.high) / 2
    return round(float(probability) / _EVEN, 12)


@dataclass(frozen=True, slots=True)
class Grade:
    """An Admiralty grade: source reliability A–F and information credibility 1–6.

    >>> Grade("A", 1).reliability_score
    1.0
    """

    #: reliability of the source, "A" (completely reliable) to "F" (cannot be judged), or None
    reliability: str | None
    #: credibility of the information, 1 (confirmed) to 6 (cannot be judged), or None
    credibility: int | None = None

    def __post_init__(self) -> None:
        if self.reliability is None and self.credibility is None:
            raise ParseError("", 0, "a grade needs a letter A to F, a digit 1 to 6, or both")
        if self.reliability is not None and self.reliability not in _RELIABILITY:
            raise ParseError(str(self.reliability), 0, "reliability is a letter A to F")
        if self.credibility is not None and str(self.credibility) not in _CREDIBILITY:
            raise ParseError(str(self.credibility), 0, "credibility is a digit 1 to 6")

    @property
    def reliability_score(self) -> float:
        """A 1.0, B 0.9, C 0.75, D 0.5, E 0.25; F (cannot be judged) and not given 0.6."""
        return _UNJUDGED if self.reliability is None else _RELIABILITY[self.reliability]

    @property
    def credibility_score(self) -> float:
        """1 1.0, 2 0.9, 3 0.75, 4 0.5, 5 0.25; 6 (cannot be judged) and not given 0.6."""
        return _UNJUDGED if self.credibility is None else _CREDIBILITY[str(self.credibility)]

    @property
    def weight(self) -> float:
        """The weight of a claim from this source, relative to an ungraded claim (F6, 1):
        reliability_score × credibility_score / 0.36."""
        return round(self.reliability_score * self.credibility_score / _UNJUDGED**2, 12)


_CODE = re.compile(r"\s*(?:([A-Fa-f])(?:[\s/-]*([1-6]))?|([1-6]))\s*")


def admiralty_grade(code: str) -> Grade:
    """Read an Admiralty code such as ``"B2"`` (also ``"b-2"``, ``"B 2"``, ``"B"``, ``"2"``) into a `Grade`.

    >>> admiralty_grade("c3")
    Grade(reliability='C', credibility=3)
    """
    match = _CODE.fullmatch(code)
    if match is None:
        start = re.match(r"\s*[A-Fa-f]", code)
        position = start.end() if start else len(code) - len(code.lstrip())
        raise ParseError(code, position, "an Admiralty grade is a letter A-F then a digit 1-6, "
                                         "such as B2")
    letter, digit, lone_digit = match.groups()
    digit = digit or lone_digit
    return Grade(letter.upper() if letter else None, int(digit) if digit else None)
