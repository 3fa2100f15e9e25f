"""Read hedged numeric wording ("over 10,000", "5,000+", "some 3000-10000") into intervals.

`parse` reads one phrase into a `Reading`: the interval, its unit, whether each end is
open, the halo used, the hedge understood and the span of text read. `parse_many` reads a
column, each distinct string once. What words mean is data: the `Lexicon` (see
``lexicon.toml`` and the table in docs/lexicon.md). Choices the lexicon does not hold:

- **Halo** of a bare number N (policy ``"digits"``, the default): half a unit in its last
  significant digit, trailing zeros of a whole number not significant but at least
  ``min_significant_figures`` (2) figures kept: ``1,354`` ±0.5, ``712,610`` ±5, ``3,000``
  ±50, ``11,000`` and ``eleven thousand`` ±500, ``1.2 million`` ±50,000, ``12k`` ±500;
  digits written after the decimal mark count (``1.50`` ±0.005). Policy ``"exact"``: no
  halo. Policy ``"relative"`` (or a float r): ±r·N, r from the lexicon (1 %) by default.
- **Halo and hedges**: an approximator widens by its relative width but never below the
  halo ("about 3,000" is [2700, 3300]); "nearly" N is [N − max(w·N, h), N]; bounds
  ("over", "at least", "up to", "under", "N+"), ranges and "N ± M" read N as written, with
  no halo: "over 10,000" is (10000, ∞), "3000-10000" is [3000, 10000]. An approximator
  before a range or a vague amount moves each end out: "some 3000-10000" is [2700, 11000].
- **Fractions** ("a third", "half") are exact ratios; percentages take the halo of their
  digits ("40%" is [0.395, 0.405]); all ratios are dimensionless.
- Values are never negative: a lower bound below zero becomes 0. An unbounded upper end is
  ``inf`` and counts as open.
- A bare number with no counted noun is dimensionless (callers supply the unit); with a
  rate phrase and no noun, it is 1/time.
- Text after the value must be read: up to ``max_skipped_words`` words (not hedge, number or
  rate words) may precede the counted noun ("North Korean soldiers"); they are noted. A
  noun the lexicon does not hold is a count of its own ("13,000 workers" is 13,000
  ``worker``, a countable dimension defined on first use; the noun is the first plural
  word, or a lone word), noted; a noun pint measures ("5 tons") is an error. After the
  noun only further nouns of the same unit, ``after_noun`` words, "and" with other nouns
  (noted: "100 missiles and drones" counts missile), a rate, a hedge such as "or more"
  and fillers may follow. A ratio may be followed by "of ..." naming its whole ("a third
  of the casualties"), provided it holds no number. Anything else is a `ParseError`.
- Money: a currency sign or code before or after the number, or a currency noun, makes an
  amount (kind ``"amount"``) in that currency's own dimension: "$1.5 billion" is USD.
- Numbers written with a fraction ("two and a half million", "1½", "a quarter of a
  million") have the halo of their digits when whole, else two significant figures.

Reading notes say what was set aside or guessed; ``parse_many`` puts them in ``notes``.

>>> parse("13,000 construction workers").notes[1]
"'workers' is not in the lexicon: read as a count of 'worker', a countable of its own"
>>> r = parse("$1.5 billion a year")
>>> (r.low, str(r.unit), r.kind)
(1450000000.0, 'USD / year', 'rate')

>>> reading = parse("over 10,000 North Korean troops")
>>> reading.low, reading.high, reading.low_open, str(reading.unit)
(10000.0, inf, True, 'person')
>>> parse("an average of 1,354 Russian fighters killed or wounded per day").interval
Interval(1353.5, 1354.5)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pint
from numpy.typing import NDArray

from estimates.errors import ParseError, UnitError
from estimates.interval import Interval
from estimates.lexicon import Lexicon, phrase_words
from estimates.units import countable, counts_things, parse_unit, ureg

if TYPE_CHECKING:  # pandas loads with the first table read, not with `parse` (issue 16)
    import pandas as pd

__all__ = ["HALO_POLICIES", "KINDS", "Reading", "parse", "parse_many", "read_numbers"]

#: The halo policies `parse` accepts (a float is a relative halo of that fraction).
HALO_POLICIES = ("digits", "exact", "relative")
#: What a reading measures: a count, an amount of money, a rate (per time), a ratio.
KINDS = ("count", "amount", "rate", "ratio")

Rational = int | Fraction
_NUM, _WORD, _SYM = 0, 1, 2
_LEADING = frozenset("\"'“”‘’«»")
_TRAILING = frozenset(".,;:!?\"'“”‘’«»")
_MAX_DIGITS = 30
_LIMIT = 10**30
#: endings of words that look plural to an inflector but are not ("various", "class")
_NOT_PLURAL = ("ous", "ss", "us", "is", "ics")


def _pint_knows(name: str) -> bool:
    """Whether pint names a unit so: a unit of its own, or a short symbol with a prefix
    ("km", "kg"; a longer word pint reads with a prefix, such as "units" as micro-nit,
    is a noun)."""
    if name in ureg._units:
        return True
    if len(name) > 3:
        return False
    try:
        ureg.parse_units(name)
    except Exception:  # pint fails on unknown names in several ways
        return False
    return True


def _counts(name: str) -> bool:
    """Whether pint's unit `name` counts things (one dimension of ours, power one)."""
    return counts_things(ureg.parse_units(name))


@lru_cache(maxsize=4096)
def _new_noun(written: str, word: str, singular: str) -> tuple[str, str | None]:
    """The countable unit of a noun the lexicon lacks, or ("", the reason it is none)."""
    for name in (written, word, singular):
        if _pint_knows(name) and not _counts(name):
            unit = ureg.parse_units(name)
            return "", (f"{word!r} is pint's unit {unit} ({unit.dimensionality}), a measure, "
                        "not a count: map the noun in [units.nouns] to count it")
    try:
        return str(countable(singular)), None
    except UnitError as error:
        return "", str(error)


@lru_cache(maxsize=1)
def _inflect() -> Any:
    """The inflect engine that puts nouns in the singular (loaded on first unknown noun)."""
    import inflect

    return inflect.engine()


@lru_cache(maxsize=4096)
def _singular(word: str) -> str | None:
    """The singular of a plural English noun ("workers" → "worker"), or None."""
    if word.endswith(_NOT_PLURAL) or not word.isalpha():
        return None
    singular = _inflect().singular_noun(word)  # "sheep" for "sheep": a plural all the same
    return singular if isinstance(singular, str) else None


@dataclass(frozen=True, slots=True)
class Reading:
    """What `parse` understood: an interval with a unit, its open ends, halo and hedge.

    >>> parse("5,000+ casualties").to_dict()["high"] is None
    True
    """

    #: the text as given
    text: str
    #: lower bound (0 when the text gives none)
    low: float
    #: upper bound (``inf`` when unbounded)
    high: float
    #: True when the lower bound itself is excluded ("over N")
    low_open: bool
    #: True when the upper bound is excluded ("fewer than N") or infinite
    high_open: bool
    #: the unit, from `estimates.units.ureg`; dimensionless for ratios and bare numbers
    unit: pint.Unit
    #: the ± half-width the halo policy gave the number (0 when the reading takes N as written)
    halo: float
    #: (start, end) of the text read, end exclusive
    span: tuple[int, int]
    #: the name of the lexicon hedge rule used ("approximately", "over", ...), "range",
    #: "plus_minus", "vague", or None for a bare number
    hedge: str | None
    #: "count", "amount" (money), "rate" or "ratio"
    kind: str
    #: what was read but set aside or guessed, in words: adjectives before the noun, a noun
    #: the lexicon does not hold, further nouns ("100 missiles and drones")
    notes: tuple[str, ...] = ()
    #: the counted noun as written ("North Korean soldiers" → "soldiers"), or None
    noun: str | None = None

    @property
    def interval(self) -> Interval:
        """The closed interval [low, high] (open ends are closed over).

        >>> parse("between 3 and 5").interval
        Interval(3.0, 5.0)
        """
        return Interval(self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: infinite bounds are None, the unit a string.

        >>> parse("at least 1,500 soldiers").to_dict()["unit"]
        'person'
        """
        return {
            "text": self.text,
            "low": None if math.isinf(self.low) else self.low,
            "high": None if math.isinf(self.high) else self.high,
            "low_open": self.low_open,
            "high_open": self.high_open,
            "unit": str(self.unit),
            "kind": self.kind,
            "hedge": self.hedge,
            "halo": self.halo,
            "span": [self.span[0], self.span[1]],
            "noun": self.noun,
            "notes": list(self.notes),
        }


class _Num(NamedTuple):
    """A number as written: exact value, resolution of its digits (None: exact), ratio?"""

    value: Rational
    resolution: Rational | None
    ratio: bool
    multiplier: tuple[Rational, ...]  # multiplier words that end it ("3-5 thousand")
    percent: bool
    start: int  # index of its first token


class _Result(NamedTuple):
    low: float
    high: float
    low_open: bool
    high_open: bool
    unit: str
    halo: float
    kind: str
    hedge: str | None
    start: int
    end: int
    notes: tuple[str, ...]
    noun: str | None


class _Tail(NamedTuple):
    unit: str | None
    rate: str | None
    end: int
    hedge: tuple[str, int] | None  # a hedge after the noun, and where
    notes: tuple[str, ...]
    noun: str | None


def _down(value: Rational) -> float:
    """The largest float <= value (exact integer arithmetic, no rounding error)."""
    if type(value) is int:
        if -(2**53) <= value <= 2**53:
            return float(value)
        value = Fraction(value)
    numerator, denominator = value.numerator, value.denominator
    nearest = numerator / denominator  # correctly rounded
    top, bottom = nearest.as_integer_ratio()
    return math.nextafter(nearest, -math.inf) if top * denominator > numerator * bottom \
        else nearest


def _up(value: Rational) -> float:
    """The smallest float >= value (exact integer arithmetic, no rounding error)."""
    if type(value) is int:
        if -(2**53) <= value <= 2**53:
            return float(value)
        value = Fraction(value)
    numerator, denominator = value.numerator, value.denominator
    nearest = numerator / denominator
    top, bottom = nearest.as_integer_ratio()
    return math.nextafter(nearest, math.inf) if top * denominator < numerator * bottom \
        else nearest


def _rational(value: float | int) -> Rational:
    return value if isinstance(value, int) else Fraction(str(value))


def _exponent(value: Rational) -> int:
    """floor(log10(value)) for value > 0, exactly."""
    if type(value) is int:
        return len(str(value)) - 1
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    while Fraction(10) ** exponent > value:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= value:
        exponent += 1
    return exponent


def _trailing_zeros(digits: str) -> int:
    return len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0


class _Phrases:
    """Phrases of one lexicon table, matched word by word at a token index, longest first."""

    def __init__(self, entries: Iterable[tuple[str, Any]]) -> None:
        first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for phrase, payload in entries:
            words = phrase_words(phrase)
            first.setdefault(words[0], []).append((words, payload))
        for candidates in first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self.first = first
        self.words = frozenset(word for cands in first.values() for ws, _ in cands for word in ws)

    def match(self, words: tuple[str, ...], index: int) -> tuple[Any, int] | None:
        if index >= len(words):
            return None
        candidates = self.first.get(words[index])
        if candidates:
            for phrase, payload in candidates:
                end = index + len(phrase)
                if words[index:end] == phrase:
                    return payload, end
        return None


class _Tokens(NamedTuple):
    words: tuple[str, ...]  # lower case; numbers as written
    kinds: tuple[int, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


class _Grammar:
    """The compiled form of one lexicon: token regex and phrase tables."""

    def __init__(self, lexicon: Lexicon) -> None:
        data = lexicon.data
        numbers = data.get("numbers", {})
        self.decimal: str = numbers["decimal_mark"]
        marks = numbers["group_marks"]
        loose = "".join(re.escape(m) for m in marks if not m.isspace())
        strict = "".join(re.escape(m) for m in marks if m.isspace())
        groups = []
        if loose:
            groups.append(f"[{loose}][0-9]+")
        if strict:
            groups.append(f"[{strict}][0-9]{{3}}(?![0-9])")
        group = f"(?:{'|'.join(groups)})*" if groups else ""
        decimal = re.escape(self.decimal)
        self.token = re.compile(
            rf"(\s*+)(?:([0-9]+{group}(?:{decimal}[0-9]+)?|(?<!\w){decimal}[0-9]+)"
            r"|([^\W\d_]+(?:-[^\W\d_]+)*)|(\S))"
        )
        self.indian: bool = numbers.get("indian_grouping", False)
        self.group_split = re.compile(f"[{loose}{strict}]") if groups else None
        self.min_figures: int = numbers["min_significant_figures"]
        self.relative = _rational(numbers["relative_halo"])
        self.number_words: dict[str, int] = dict(numbers.get("words", {}))
        self.one = frozenset(w for p in numbers.get("one", ()) for w in phrase_words(p))
        self.percent = _Phrases((p, True) for p in numbers.get("percent", ()))
        self.point = _Phrases((p, True) for p in numbers.get("point", ()))
        self.ratio_words = _Phrases((p, True) for p in numbers.get("ratio", ()))
        self.vulgar: dict[str, Fraction] = {
            sign: Fraction(value) for sign, value in numbers.get("vulgar", {}).items()}
        self.multipliers: dict[str, Rational] = {
            " ".join(phrase_words(w)): _rational(v) for w, v in data.get("multipliers", {}).items()}
        self.fractions: dict[str, int] = {
            " ".join(phrase_words(w)): v for w, v in data.get("fractions", {}).items()}
        hedges: Mapping[str, Any] = data.get("hedges", {})
        self.rules = {name: (h["rule"], _rational(h.get("widen", 0))) for name, h in hedges.items()}
        self.before = _Phrases((p, n) for n, h in hedges.items() for p in h.get("before", ()))
        self.after = _Phrases((p, n) for n, h in hedges.items() for p in h.get("after", ()))
        ranges = data.get("ranges", {})
        self.separators = _Phrases((p, True) for p in ranges.get("separators", ()))
        middles: dict[str, list[tuple[str, ...]]] = {}
        for pattern in ranges.get("enclosing", ()):
            start, middle = pattern.split("...")
            middles.setdefault(" ".join(phrase_words(start)), []).append(phrase_words(middle))
        self.enclosing = _Phrases(middles.items())
        self.plus_minus = _Phrases((p, True) for p in ranges.get("plus_minus", ()))
        self.joined = _Phrases((p, True) for p in ranges.get("joined", ()))
        self.vague = _Phrases(
            (p, (_rational(e["low"]), _rational(e["high"]), bool(e.get("low_open", False)),
                 bool(e.get("high_open", False)))) for p, e in data.get("vague", {}).items())
        units = data.get("units", {})
        self.max_skipped: int = units.get("max_skipped_words", 0)
        self.nouns = _Phrases(units.get("nouns", {}).items())
        self.after_noun = _Phrases((p, True) for p in units.get("after_noun", ()))
        self.not_nouns = frozenset(w for p in units.get("not_nouns", ()) for w in phrase_words(p))
        self.joining = _Phrases((p, True) for p in units.get("joining", ()))
        money = data.get("money", {})
        self.currencies = frozenset(money.get("currencies", ()))
        self.signs = _Phrases(money.get("signs", {}).items())
        self.rates = _Phrases(data.get("rates", {}).items())
        fillers = data.get("fillers", {})
        self.fillers_before = _Phrases((p, True) for p in fillers.get("before", ()))
        self.fillers_after = _Phrases((p, True) for p in fillers.get("after", ()))
        self.never_describes = (self.not_nouns | set(self.number_words) | set(self.multipliers)
                                | set(self.fractions) | set(self.vague.first)
                                | set(self.separators.first))
        self.phrase_starts = (set(self.rates.first) | set(self.after.first) | set(self.signs.first)
                              | set(self.percent.first) | set(self.fillers_after.first))
        self.noun_starts = set(self.nouns.first) | set(self.signs.first)
        self.reserved = (self.before.words | self.after.words | self.separators.words
                         | self.plus_minus.words | self.enclosing.words | self.vague.words
                         | self.rates.words | self.percent.words | set(self.number_words)
                         | set(self.multipliers) | set(self.fractions) | self.one
                         | self.point.words | self.percent.words | set(self.vulgar))

    # -- tokens ------------------------------------------------------------------------

    def tokenize(self, text: str) -> _Tokens:
        """Words, numbers and marks with their positions. Trailing whitespace is cut first:
        then every match succeeds where it starts, so the work is linear in the text."""
        lower = text.lower()
        if len(lower) != len(text):  # a letter whose lower case is longer: keep positions
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        words: list[str] = []
        kinds: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for space, number, word, symbol in self.token.findall(lower, 0, len(lower.rstrip())):
            position += len(space)
            if word:
                for part in word.split("-"):
                    words.append(part)
                    kinds.append(_WORD)
                    starts.append(position)
                    position += len(part)
                    ends.append(position)
                    position += 1
                position -= 1
                continue
            token = number or symbol
            words.append(token)
            kinds.append(_NUM if number else _SYM)
            starts.append(position)
            position += len(token)
            ends.append(position)
        first, last = 0, len(words)
        while first < last and kinds[first] == _SYM and words[first] in _LEADING:
            first += 1
        while last > first and kinds[last - 1] == _SYM and words[last - 1] in _TRAILING:
            last -= 1
        if first == last:
            raise ParseError(text, starts[first] if first < len(starts) else len(text),
                             "there is no number to read")
        return _Tokens(tuple(words[first:last]), tuple(kinds[first:last]),
                       tuple(starts[first:last]), tuple(ends[first:last]))

    # -- numbers -----------------------------------------------------------------------

    def digits(self, text: str, toks: _Tokens, index: int) -> tuple[Rational, Rational,
                                                                      Rational, bool]:
        """Value, literal and round resolution, and ambiguity of a digit token."""
        raw = toks.words[index]
        whole, _, decimals = raw.partition(self.decimal)
        groups = self.group_split.split(whole) if self.group_split else [whole]
        if len(groups) > 1:
            offset = toks.starts[index] + len(groups[0])
            indian = (self.indian and len(groups) > 2 and 1 <= len(groups[0]) <= 2
                      and all(len(g) == 2 for g in groups[1:-1]) and len(groups[-1]) == 3
                      and len(set(self.group_split.findall(whole))) == 1)  # type: ignore[union-attr]
            if len(groups[0]) > 3:
                raise ParseError(text, offset, f"a group mark in {raw!r} must follow one to "
                                               "three digits")
            for group in groups[1:] if not indian else ():
                if len(group) != 3:
                    raise ParseError(text, offset, f"a group mark in {raw!r} must be followed "
                                     "by exactly three digits: it is neither a decimal nor a "
                                     "thousands separator here")
                offset += 4
            whole = "".join(groups)
        if len(whole) + len(decimals) > _MAX_DIGITS:
            raise ParseError(text, toks.starts[index], f"{raw!r} has more than {_MAX_DIGITS} "
                                                       "digits")
        ambiguous = len(groups) == 1 and len(decimals) == 3 and whole.strip("0") != ""
        if decimals:
            scale = 10 ** len(decimals)
            value: Rational = Fraction(int((whole or "0") + decimals), scale)
            literal: Rational = Fraction(1, scale)
            return value, literal, literal, ambiguous
        return int(whole), 1, 10 ** _trailing_zeros(whole), False

    def resolution(self, value: Rational, literal: Rational, rounded: Rational) -> Rational:
        """The digits rule: round numbers keep at least `min_figures` significant figures."""
        if value <= 0:
            return literal
        exponent = _exponent(value) - self.min_figures + 1
        cap: Rational = 10**exponent if exponent >= 0 else Fraction(1, 10**-exponent)
        return max(min(rounded, cap), literal)

    def figures(self, value: Rational) -> Rational | None:
        """The resolution of a number written with a fraction ("two and a half million",
        "half a dozen"): that of its digits when whole, else `min_figures` significant
        figures, as if written in decimals."""
        if value <= 0:
            return None
        if Fraction(value).denominator == 1:
            whole = int(value)
            return self.resolution(whole, 1, 10 ** _trailing_zeros(str(whole)))
        return self.resolution(value, 0, value)

    def multiplier_run(self, toks: _Tokens, end: int) -> tuple[tuple[Rational, ...], int]:
        """Multiplier words after a number, each larger than the last ("4 hundred million");
        a plural counts as the word ("3 dozens")."""
        words, kinds = toks.words, toks.kinds
        factors: list[Rational] = []
        while end < len(words) and kinds[end] == _WORD:
            factor = self.multipliers.get(words[end])
            if factor is None and not factors and words[end].endswith("s"):
                factor = self.multipliers.get(words[end][:-1])
            if factor is None or (factors and factor <= factors[-1]):
                break
            factors.append(factor)
            end += 1
        return tuple(factors), end

    def fraction_after(self, toks: _Tokens, end: int) -> tuple[Fraction, int] | None:
        """A fraction that completes a whole number: "½", "1/4" (after a space), "and a half",
        "and three quarters"."""
        words, kinds, n = toks.words, toks.kinds, len(toks.words)
        if end >= n:
            return None
        vulgar = self.vulgar.get(words[end])
        if vulgar is not None:
            return vulgar, end + 1
        if (kinds[end] == _NUM and end + 2 < n and words[end + 1] == "/"
                and kinds[end + 2] == _NUM and words[end].isdigit() and words[end + 2].isdigit()
                and toks.starts[end] > toks.ends[end - 1]):
            part = Fraction(int(words[end]), int(words[end + 2])) if int(words[end + 2]) else None
            if part is not None and 0 < part < 1:
                return part, end + 3
        if words[end] == "and" and end + 2 < n:
            count = 1 if words[end + 1] in self.one else self.number_words.get(words[end + 1])
            denominator = self.fractions.get(words[end + 2])
            if count and denominator and count < denominator:
                return Fraction(count, denominator), end + 3
        return None

    def value(self, text: str, toks: _Tokens, index: int) -> tuple[_Num, int] | None:
        """A number at `index` (digits or words, with multiplier or percent), or None."""
        words, kinds = toks.words, toks.kinds
        if index >= len(words):
            return None
        if kinds[index] == _NUM:
            value, literal, rounded, ambiguous = self.digits(text, toks, index)
            end = index + 1
            if (end + 1 < len(words) and words[end] == "/" and kinds[end + 1] == _NUM
                    and type(value) is int and toks.starts[end] == toks.ends[index]):
                denominator, _, _, _ = self.digits(text, toks, end + 1)
                if type(denominator) is not int or denominator == 0:
                    raise ParseError(text, toks.starts[end + 1], "a fraction needs a whole, "
                                     "non-zero denominator")
                return _Num(Fraction(value, denominator), None, True, (), False, index), end + 2
            fractional = False
            part = self.fraction_after(toks, end) if type(value) is int else None
            if part is not None:
                value, end, fractional, ambiguous = value + part[0], part[1], True, False
            factors, end = self.multiplier_run(toks, end)
            if factors:
                factor = math.prod(factors)
                value, rounded = value * factor, rounded * factor
                literal = literal * factor if literal != 1 else 1
                part = self.fraction_after(toks, end) if not fractional else None
                if part is not None and words[end] == "and":  # "3 million and a quarter"
                    value, end, fractional = value + part[0] * factor, part[1], True
            elif ambiguous:
                raise ParseError(text, toks.starts[index] + toks.words[index].index(self.decimal),
                                 f"{words[index]!r} is ambiguous: a decimal, or thousands "
                                 "grouped the continental way; write it without the mark or "
                                 "with a group mark and more digits")
            resolution = self.figures(value) if fractional else self.resolution(value, literal,
                                                                                 rounded)
            number = _Num(value, resolution, False, factors, False, index)
        else:
            found = self.word_number(text, toks, index)
            if found is None:
                return None
            number, end = found
        self.check_suffix(text, toks, end)
        return self.percent_of(text, toks, number, end)

    def check_suffix(self, text: str, toks: _Tokens, end: int) -> None:
        """Letters written against a number must be a word of the lexicon ("12k", "40pc")."""
        if end < len(toks.words) and toks.kinds[end] == _WORD \
                and toks.starts[end] == toks.ends[end - 1] and toks.kinds[end - 1] == _NUM:
            word = toks.words[end]
            if word not in self.reserved and word not in self.nouns.first \
                    and word not in self.signs.first:
                raise ParseError(text, toks.starts[end], f"{word!r} written against the number "
                                 "is not a multiplier, sign or noun this lexicon knows")

    def percent_of(self, text: str, toks: _Tokens, number: _Num, end: int) -> tuple[_Num, int]:
        if number.ratio or self.percent.match(toks.words, end) is None \
                or self.nouns.match(toks.words, end) is not None:  # "percent points"
            self.check_size(text, toks, number)
            return number, end
        _, end = self.percent.match(toks.words, end)  # type: ignore[misc]
        resolution = None if number.resolution is None else Fraction(number.resolution, 100)
        return number._replace(value=Fraction(number.value, 100), resolution=resolution,
                               ratio=True, percent=True), end

    def check_size(self, text: str, toks: _Tokens, number: _Num) -> None:
        if number.value > _LIMIT:
            raise ParseError(text, toks.starts[number.start], "the number is too large to read")

    def word_number(self, text: str, toks: _Tokens, index: int) -> tuple[_Num, int] | None:
        """A number in words ("eleven thousand", "a dozen", "two-thirds", "two point five
        million", "one and a half"), or None."""
        words, kinds = toks.words, toks.kinds
        n = len(words)
        if words[index] in self.vulgar:  # "⅔"
            return self.fraction(toks, self.vulgar[words[index]], index, index + 1)
        total = 0
        current: int | None = None
        last_small: int | None = None
        end = index
        factors: list[Rational] = []
        if words[end] in self.one and end + 1 < n and kinds[end + 1] == _WORD and (
                words[end + 1] in self.multipliers or words[end + 1] in self.fractions):
            current, end = 1, end + 1
        while end < n:
            word = words[end]
            small = self.number_words.get(word) if kinds[end] == _WORD else None
            if small is not None:
                if current is None:
                    current = small
                elif (last_small is None and current % 100 == 0 and small < 100) or (
                        last_small is not None and last_small >= 20 and 0 < small < 10
                        and current % 10 == 0):
                    current += small  # "two hundred (and) five", "twenty-five"
                else:
                    break
                last_small = small
                factors = []
            elif kinds[end] == _WORD and word in self.multipliers \
                    and not isinstance(self.multipliers[word], Fraction):
                factor = int(self.multipliers[word])
                if factor < 1000:
                    current = (1 if current is None else current) * factor
                else:
                    if current is None and total:
                        break
                    total += (1 if current is None else current) * factor
                    current = None
                last_small = None
                factors.append(factor)
            elif word == "and" and factors and end + 1 < n \
                    and words[end + 1] in self.number_words:
                pass
            elif (word == "-" and last_small is not None and last_small >= 20 and end + 1 < n
                  and toks.kinds[end + 1] == _WORD
                  and 0 < self.number_words.get(words[end + 1], 0) < 10):
                pass  # "fifty - two"
            else:
                break
            end += 1
        if end == index:
            if self.fractions.get(words[index]) == 2:  # "half" alone; "third" may be an ordinal
                return self.fraction(toks, Fraction(1, self.fractions[words[index]]), index,
                                     index + 1)
            return None
        if current is None and not factors:
            return None
        if not factors and current is not None and end < n:
            denominator = self.fractions.get(words[end])
            if denominator is not None:
                return self.fraction(toks, Fraction(current, denominator), index, end + 1)
            if end + 1 < n and 20 <= self.number_words.get(words[end], 0) < 100 \
                    and self.fractions.get(words[end + 1], 10) < 10:  # "one twenty-fifth"
                denominator = self.number_words[words[end]] + self.fractions[words[end + 1]]
                return self.fraction(toks, Fraction(current, denominator), index, end + 2)
        value: Rational = total + (current or 0)
        if value > _LIMIT:
            return _Num(value, None, False, (), False, index), end
        spoken = self.spoken_decimals(toks, end) if not factors else None
        part = self.fraction_after(toks, end) if spoken is None else None
        if spoken is not None or (part is not None and words[end] == "and"):
            fraction, end = spoken or part  # type: ignore[misc]
            value += fraction
            more, end = self.multiplier_run(toks, end)
            if not more and factors and part is not None:  # "three million and a quarter"
                value = total + (current or 0) + fraction * factors[-1]
            scale = math.prod(more)
            return _Num(value * scale, self.figures(value * scale), False, more, False,
                        index), end
        rounded = 10 ** _trailing_zeros(str(value))
        trailing = tuple(factors)  # the multiplier words after the last number word
        return _Num(value, self.resolution(value, 1, rounded), False, trailing, False,
                    index), end

    def spoken_decimals(self, toks: _Tokens, end: int) -> tuple[Fraction, int] | None:
        """ "point five", "point two five": digits spoken after the decimal mark."""
        found = self.point.match(toks.words, end)
        if found is None:
            return None
        at = found[1]
        digits = ""
        while at < len(toks.words) and 0 <= self.number_words.get(toks.words[at], 10) < 10:
            digits += str(self.number_words[toks.words[at]])
            at += 1
        if not digits:
            return None
        return Fraction(int(digits), 10 ** len(digits)), at

    def fraction(self, toks: _Tokens, value: Fraction, index: int, end: int) -> tuple[_Num, int]:
        """A fraction, or that share of a multiplier after it: "half (a) million", "a
        quarter of a million", "two thirds of a million" (counts, two figures)."""
        words, n = toks.words, len(toks.words)
        at = end + 1 if end < n and words[end] == "of" else end
        at = at + 1 if at < n and words[at] in self.one else at
        factors, after = self.multiplier_run(toks, at)
        if factors and (at > end or words[end] in self.multipliers):
            count = value * math.prod(factors)
            return _Num(count, self.figures(count), False, (), False, index), after
        return _Num(value, None, True, (), False, index), end

    # -- the phrase --------------------------------------------------------------------

    def read(self, text: str, policy: str | float) -> _Result:
        toks = self.tokenize(text)
        words, n = toks.words, len(toks.words)
        index = self.skip(self.fillers_before, words, 0)
        hedge: str | None = None
        hedge_at = index
        found = self.before.match(words, index)
        if found is not None:
            hedge, index = found
        money: list[str] = []
        core, index = self.core(text, toks, index, money)
        found = self.after.match(words, index)
        if found is not None and core[0] == "point":
            hedge_at = index
            hedge = self.second_hedge(text, toks, hedge, found[0], index)
            index = found[1]
        if core[0] == "point" and hedge is not None:
            bounds = self.second_bound(text, toks, core[1], hedge, index, money)
            if bounds is not None:
                core, index, hedge = bounds[0], bounds[1], None
        ratio = core[1].ratio if core[0] in ("point", "plus_minus", "range") else False
        one = core[0] == "point" and not ratio and core[1].value == 1
        tail = self.tail(text, toks, index, ratio, core[0] == "vague",
                         money[0] if money else None, one)
        if tail.hedge is not None:
            hedge_at = index
            hedge = self.second_hedge(text, toks, hedge, tail.hedge[0], tail.hedge[1])
        low, high, low_open, high_open, halo = self.interval(text, toks, core, hedge, hedge_at,
                                                             policy)
        if tail.rate is not None:
            unit_name = f"{tail.unit or '1'} / {tail.rate}"
            kind = "rate"
        else:
            unit_name = tail.unit or "dimensionless"
            kind = "ratio" if ratio else ("amount" if tail.unit in self.currencies else "count")
        name = hedge if hedge is not None else (None if core[0] == "point" else core[0])
        return _Result(low, high, low_open, high_open, _unit_text(unit_name), halo, kind, name,
                       toks.starts[0], toks.ends[n - 1], tail.notes, tail.noun)

    def second_hedge(self, text: str, toks: _Tokens, hedge: str | None, new: str,
                     index: int) -> str:
        if hedge is not None:
            raise ParseError(text, toks.starts[min(index, len(toks.starts) - 1)],
                             f"a second hedge ({new}) after {hedge}: the two cannot both hold")
        return new

    def second_bound(self, text: str, toks: _Tokens, first: _Num, hedge: str, index: int,
                     money: list[str]) -> tuple[tuple[Any, ...], int, None] | None:
        """A bound joined to a bound of the other side: "at least 20 and at most 100"."""
        rule = self.rules[hedge][0]
        lower = rule in ("above", "at_least")
        if rule not in ("above", "at_least", "at_most", "below"):
            return None
        joined = self.joined.match(toks.words, index)
        other = self.before.match(toks.words, joined[1]) if joined is not None else None
        if other is None or self.rules[other[0]][0] not in (
                ("at_most", "below") if lower else ("above", "at_least")):
            return None
        at = self.sign(text, toks, other[1], money)
        second = self.value(text, toks, at)
        if second is None:
            raise self.expected(text, toks, at, "a number")
        if second[0].ratio != first.ratio:
            raise ParseError(text, toks.starts[at], "the two bounds must both be ratios or "
                                                    "both counts")
        low, high = (first, second[0]) if lower else (second[0], first)
        low_rule = rule if lower else self.rules[other[0]][0]
        high_rule = self.rules[other[0]][0] if lower else rule
        if low.value > high.value or (low.value == high.value and (
                low_rule == "above" or high_rule == "below")):
            raise ParseError(text, toks.starts[at], "the two bounds leave no value between them")
        return ("bounds", low, low_rule == "above", high, high_rule == "below"), second[1], None

    @staticmethod
    def skip(phrases: _Phrases, words: tuple[str, ...], index: int) -> int:
        found = phrases.match(words, index)
        while found is not None:
            index = found[1]
            found = phrases.match(words, index)
        return index

    def expected(self, text: str, toks: _Tokens, index: int, what: str) -> ParseError:
        if index >= len(toks.words):
            return ParseError(text, toks.ends[-1], f"expected {what}, but the text ends")
        return ParseError(text, toks.starts[index], f"expected {what}, not {toks.words[index]!r}")

    def sign(self, text: str, toks: _Tokens, index: int, money: list[str]) -> int:
        """Past a currency sign at `index` ("$", "€"), noted in `money`; one currency only."""
        found = self.signs.match(toks.words, index)
        if found is None:
            return index
        if money and money[0] != found[0]:
            raise ParseError(text, toks.starts[index], f"{found[0]} after {money[0]}: a value "
                                                       "is in one currency")
        money.append(found[0])
        return found[1]

    def core(self, text: str, toks: _Tokens, index: int,
             money: list[str]) -> tuple[tuple[Any, ...], int]:
        """The value: ("point", N), ("range", N, M), ("plus_minus", N, M) or ("vague", ...)."""
        words = toks.words
        found = self.enclosing.match(words, index)
        if found is not None:
            middles, index = found
            index = self.sign(text, toks, index, money)
            first = self.value(text, toks, index)
            if first is None:
                raise self.expected(text, toks, index, "a number")
            index = first[1]
            for middle in middles:
                if words[index:index + len(middle)] == middle:
                    break
            else:
                raise self.expected(text, toks, index, " or ".join(
                    repr(" ".join(middle)) for middle in middles))
            at = self.sign(text, toks, index + len(middle), money)
            second = self.value(text, toks, at)
            if second is None:
                raise self.expected(text, toks, at, "a number")
            return self.range(text, toks, first[0], second[0]), second[1]
        index = self.sign(text, toks, index, money)
        found = self.vague.match(words, index)
        if found is not None:
            (low, high, low_open, high_open), index = found
            at = index + 1 if index < len(words) and words[index] == "of" else index
            factors, end = self.multiplier_run(toks, at)
            if factors:  # "several hundred thousand", "tens of thousands"
                factor = math.prod(factors)
                low, high, index = low * factor, high * factor, end
            return ("vague", low, high, low_open, high_open), index
        first = self.value(text, toks, index)
        if first is None:
            raise self.expected(text, toks, index, "a number")
        number, index = first
        found = self.separators.match(words, index)
        if found is not None:
            at = self.sign(text, toks, found[1], money[:1]) if money else found[1]
            second = self.value(text, toks, at)
            if second is not None:
                return self.range(text, toks, number, second[0]), second[1]
        found = self.ratio_words.match(words, index)
        if found is not None and not number.ratio and not number.multiplier:
            second = self.value(text, toks, found[1])
            if second is not None:
                return self.ratio_of(text, toks, number, second[0]), second[1]
        found = self.plus_minus.match(words, index)
        if found is not None:
            second = self.value(text, toks, found[1])
            if second is None:
                raise self.expected(text, toks, found[1], "a number after ±")
            delta = second[0]
            if delta.percent:
                width: Rational = number.value * delta.value
            elif delta.ratio != number.ratio:
                raise ParseError(text, toks.starts[found[1]], "± needs a number of the same "
                                                               "kind, or a percentage")
            else:
                width = delta.value
            return ("plus_minus", number, width), second[1]
        return ("point", number), index

    def ratio_of(self, text: str, toks: _Tokens, part: _Num, whole: _Num) -> tuple[Any, ...]:
        """ "one in five", "2 out of 3": the ratio of two whole numbers, exact."""
        where = toks.starts[whole.start]
        written = toks.words[whole.start]
        if whole.ratio or type(whole.value) is not int or type(part.value) is not int \
                or whole.value == 0:
            raise ParseError(text, where, "a ratio 'N in M' needs two whole numbers, M not 0")
        if written.isdigit() and len(written) == 4 and 1800 <= whole.value <= 2199:
            raise ParseError(text, where, f"{written!r} may be a year: write the ratio as "
                                          "'N out of M' with grouped digits or as a fraction")
        if part.value > whole.value:
            raise ParseError(text, where, "a ratio 'N in M' needs N no larger than M")
        return ("point", _Num(Fraction(part.value, whole.value), None, True, (), False,
                              part.start))

    def range(self, text: str, toks: _Tokens, first: _Num, second: _Num) -> tuple[Any, ...]:
        low, high = first.value, second.value
        # a multiplier that ends only the second end applies to the first when the first is
        # smaller than the second's number before it: "3-5 thousand", "four to five million",
        # "two hundred to three hundred thousand"
        shared = len(first.multiplier)
        if second.multiplier[:shared] == first.multiplier and len(second.multiplier) > shared:
            rest = math.prod(second.multiplier[shared:])
            mantissa = Fraction(second.value) / math.prod(second.multiplier)
            if Fraction(low) / math.prod(first.multiplier) < mantissa:
                low = low * rest
        if not first.ratio and second.percent:
            low = Fraction(low, 100)
        elif first.ratio != second.ratio:
            raise ParseError(text, toks.starts[second.start], "the two ends of a range must "
                                                              "both be ratios or both counts")
        if low > high:
            raise ParseError(text, toks.starts[second.start],
                             f"the range ends are reversed ({_down(low):g} > {_down(high):g})")
        return ("range", first._replace(value=low, ratio=second.ratio), high)

    @staticmethod
    def plural(word: str) -> str | None:
        """The singular of a plural noun the lexicon does not hold, or None if not plural."""
        return _singular(word)

    def new_noun(self, text: str, toks: _Tokens, at: int, singular: str) -> str:
        """The countable of a noun the lexicon does not hold; an error if pint measures it."""
        unit, problem = _new_noun(text[toks.starts[at]:toks.ends[at]], toks.words[at], singular)
        if problem is not None:
            raise ParseError(text, toks.starts[at], problem)
        return unit

    def noun_at(self, text: str, toks: _Tokens, start: int) -> tuple[str, int, bool] | None:
        """A noun at `start`, after at most `max_skipped` describing words: of the lexicon, a
        currency sign, or a plural the lexicon lacks."""
        for at in range(start, min(start + self.max_skipped + 1, len(toks.words))):
            found = self.nouns.match(toks.words, at) or self.signs.match(toks.words, at)
            if found is not None:
                return found[0], found[1], False
            if not self.describes(toks, at):
                return None
            singular = self.plural(toks.words[at])
            if singular is not None:
                return self.new_noun(text, toks, at, singular), at + 1, True
        return None

    def free(self, word: str) -> bool:
        """A word that is not the lexicon's and may be part of a noun phrase."""
        return word not in self.reserved and word not in self.not_nouns \
            and word not in self.signs.first

    def describes(self, toks: _Tokens, at: int) -> bool:
        """Whether the word at `at` may describe a noun after it ("North Korean"): a word
        with no meaning of its own here (a hedge word such as "north" only counts where
        its phrase is written)."""
        word = toks.words[at]
        if toks.kinds[at] != _WORD or word in self.never_describes:
            return False
        return (word not in self.phrase_starts
                or (self.rates.match(toks.words, at) is None
                and self.signs.match(toks.words, at) is None
                and self.after.match(toks.words, at) is None
                and self.percent.match(toks.words, at) is None
                and self.fillers_after.match(toks.words, at) is None))

    def tail(self, text: str, toks: _Tokens, index: int, ratio: bool, vague: bool,
             money: str | None, one: bool) -> _Tail:
        """Unit noun, rate and trailing words after the value; all must be read."""
        words, kinds, n = toks.words, toks.kinds, len(toks.words)
        unit: str | None = money
        rate: str | None = None
        hedge: tuple[str, int] | None = None
        notes: list[str] = []
        noun: str | None = None
        if ratio and index < n and words[index] == "of":
            for at in range(index, n):
                if kinds[at] == _NUM:
                    raise ParseError(text, toks.starts[at], "a ratio's 'of ...' must not hold a"
                                                            " number: write the ratio alone")
            return _Tail(None, None, n, None, (), None)
        whole = self.noun_at(text, toks, index) if ratio else None
        if whole is not None:  # "1 in 3 people": the noun names the whole; still a ratio
            written = text[toks.starts[index]:toks.ends[whole[1] - 1]]
            notes.append(f"{written!r} names what the ratio is of")
            index = whole[1]
        if vague and index < n and words[index] == "of":
            index += 1
        if not ratio and unit is None:
            unit, index, noun, notes = self.head(text, toks, index, one)
        while index < n:
            found: tuple[Any, int] | None = None
            if unit is not None:
                found = self.nouns.match(words, index) or self.signs.match(words, index)
                if found is not None:
                    if found[0] != unit:
                        raise ParseError(text, toks.starts[index], f"{found[0]} after {unit}: "
                                         "a value counts one thing")
                    index = found[1]
                    continue
                found = self.also(text, toks, index, unit, notes)
                if found is None:
                    found = self.after_noun.match(words, index)
            if found is None and rate is None:
                found = self.rates.match(words, index)
                if found is not None:
                    rate = found[0]
            if found is None and hedge is None:
                found = self.after.match(words, index)
                if found is not None:
                    hedge = (found[0], index)
            if found is None:
                found = self.fillers_after.match(words, index)
            if found is None:
                break
            index = found[1]
        if index < n:
            if unit is None and not ratio and self.describes(toks, index):
                reason = (f"no counted noun follows within {self.max_skipped} words (a plural, "
                          f"or a noun of [units.nouns]), at {words[index]!r}")
            else:
                reason = f"unexpected {words[index]!r} after the value"
            raise ParseError(text, toks.starts[index], reason)
        return _Tail(unit, rate, index, hedge, tuple(notes), noun)

    def head(self, text: str, toks: _Tokens, index: int, one: bool,
             ) -> tuple[str | None, int, str | None, list[str]]:
        """The counted noun after the value: the lexicon's within `max_skipped` words, else
        the first plural word (or after one, a lone word) as a countable of its own; words
        set aside before it are noted."""
        words, n = toks.words, len(toks.words)
        at, run = index, list[int]()
        found: tuple[Any, int] | None = None
        while at < n:
            if words[at] in self.noun_starts:
                found = self.nouns.match(words, at) or self.signs.match(words, at)
                if found is not None:
                    break
            if not self.describes(toks, at) or len(run) >= self.max_skipped:
                break
            run.append(at)
            at += 1
        for i in run:
            if words[i].endswith(("illion", "illions")):
                raise ParseError(text, toks.starts[i], f"{words[i]!r} may be a multiplier this "
                                 "lexicon does not know: add it to [multipliers]")
        new = False
        if found is None:
            heads = [i for i in run if self.plural(words[i]) is not None]
            if not heads and one and len(run) == 1 and self.free(words[run[0]]) and (
                    run[0] + 1 == n or not self.describes(toks, run[0] + 1)):
                heads = run  # "one worker"; after more than one, a singular word is no noun
            if not heads:
                return None, index, None, []
            at = heads[0]
            singular = self.plural(words[at]) or words[at]
            found = (self.new_noun(text, toks, at, singular), at + 1)
            new = True
        unit, end = found
        notes = []
        if at > index:
            notes.append(f"{text[toks.starts[index]:toks.ends[at - 1]]!r} before the noun "
                         "set aside")
        written = text[toks.starts[at]:toks.ends[end - 1]]
        if new:
            notes.append(f"{written!r} is not in the lexicon: read as a count of {unit!r}, "
                         "a countable of its own")
        return unit, end, written, notes

    def also(self, text: str, toks: _Tokens, index: int, unit: str,
             notes: list[str]) -> tuple[None, int] | None:
        """ "and drones" after "100 missiles": read as a count of the first, the rest noted."""
        joined = self.joining.match(toks.words, index)
        if joined is None:
            return None
        other = self.noun_at(text, toks, joined[1])
        if other is None:
            return None
        if other[0] != unit:
            written = text[toks.starts[joined[1]]:toks.ends[other[1] - 1]]
            notes.append(f"{written!r} also named: read as a count of {unit!r} alone")
        return None, other[1]

    def interval(self, text: str, toks: _Tokens, core: tuple[Any, ...], hedge: str | None,
                 hedge_at: int, policy: str | float) -> tuple[float, float, bool, bool, float]:
        """Apply the hedge (and the halo) to the value: bounds rounded outward."""
        rule, widen = self.rules[hedge] if hedge is not None else (None, 0)
        low: Rational
        high: Rational | float
        low_open = high_open = False
        halo: Rational = 0
        if core[0] == "bounds":
            _, first, low_open, second, high_open = core
            return _down(first.value), _up(second.value), low_open, high_open, 0.0
        if core[0] == "point":
            number: _Num = core[1]
            value = number.value
            resolution = number.resolution
            if rule is None and policy == "digits" and type(value) is int \
                    and type(resolution) is int and value < 2**50:
                # the common case, exactly in floats: N ± resolution/2
                return ((2 * value - resolution) / 2 if 2 * value >= resolution else 0.0,
                        (2 * value + resolution) / 2, False, False, resolution / 2)
            halo = self.halo(number, policy)
            if rule is None:
                low, high = value - halo, value + halo
            elif rule == "approximate":
                width = max(value * widen, halo)
                low, high = value - width, value + width
            elif rule == "nearly":
                low, high = value - max(value * widen, halo), value
            elif rule == "exact":
                halo, low, high = 0, value, value
            else:
                halo = 0
                low, high = (0, value) if rule in ("at_most", "below") else (value, math.inf)
                low_open = rule == "above"
                high_open = rule == "below"
        else:
            if core[0] == "plus_minus":
                low, high = core[1].value - core[2], core[1].value + core[2]
            elif core[0] == "range":
                low, high = core[1].value, core[2]
            else:
                low, high, low_open, high_open = core[1:]
            if rule == "approximate" and core[0] != "plus_minus":
                low, high = low * (1 - widen), high * (1 + widen)
            elif rule is not None:
                raise ParseError(text, toks.starts[min(hedge_at, len(toks.starts) - 1)],
                                 f"the hedge {hedge!r} ({rule}) needs a single number, "
                                 f"not a {'vague amount' if core[0] == 'vague' else core[0]}")
        if low < 0:
            low, low_open = 0, False
        if high == math.inf:
            high_open = True
        return (_down(low), math.inf if high == math.inf else _up(high),  # type: ignore[arg-type]
                low_open, high_open, _up(halo))

    def halo(self, number: _Num, policy: str | float) -> Rational:
        if policy == "digits":
            resolution = number.resolution
            if resolution is None:
                return 0
            if type(resolution) is int and resolution % 2 == 0:
                return resolution // 2
            return Fraction(resolution, 2)
        if policy == "exact":
            return 0
        relative = self.relative if policy == "relative" else _rational(policy)  # type: ignore[arg-type]
        return number.value * relative


class _Bulk:
    """Reads, all at once, texts that are one whole number or a range of two in fixed wording.

    Most of a column is a few shapes of wording ("about N", "N-M per day") with different
    digits. A text is split into its words around one or two plain whole numbers (at most
    15 digits, grouped correctly or not at all); the full parser reads each distinct wording
    once with probe numbers, and when it reads the probes as a bare number, a bound or a
    range (no halo beyond the digits, no multiplier, no percent) exactly as the arithmetic
    below does, every text of that wording is computed by that arithmetic in bulk. The
    rest (approximators, decimals, errors, ...) go to the full parser. Since the split
    leaves no digit outside the numbers, the parser's tokens of a text and of its probes
    differ only in the numbers' digits, and nothing it does depends on their values except
    the arithmetic here and the checks made on them (grouping, size, order of a range).
    """

    #: probe numbers: a point, and the two ends of a range (none reads as a number grouped
    #: with the next one, and they cover zero, fewer digits than the figures kept, and
    #: trailing zeros)
    POINTS = ("0", "7", "1234", "3000", "250000000")
    RANGES = (("0", "7"), ("7", "7"), ("1234", "5678"), ("3000", "250000000"))
    #: the rules read in bulk, by code (a range is the last)
    RULES = (None, "above", "at_least", "at_most", "below", "range")

    def __init__(self, grammar: _Grammar, marks: str) -> None:
        self.grammar = grammar
        self.marks = [m for m in marks if not m.isspace()]
        loose = "".join(re.escape(m) for m in self.marks)
        number = "[0-9]{1,15}"
        if loose:
            number = f"[0-9]{{1,3}}(?:[{loose}][0-9]{{3}}){{1,4}}(?![0-9])|{number}"
        # One line per text; a line that is not of this shape matches the last group.
        self.pattern = re.compile(rf"^(?:([^0-9\n]*?)(?>({number}))(?:([^0-9\n]+?)(?>({number})))?"
                                  r"([^0-9\n]*)|.*)$", re.MULTILINE)
        #: characters that would join two numbers into one token when they stand alone between
        self.joining = frozenset(marks) | {grammar.decimal}

    def read(self, texts: NDArray[np.object_], policy: str | float,
             ) -> tuple[NDArray[np.bool_], dict[str, NDArray[Any]]]:
        """Which texts were read, and the columns of `parse_many` for them."""
        import pandas as pd

        lines = np.flatnonzero(np.strings.find(texts.astype(np.dtypes.StringDType()), "\n") < 0)
        found = self.pattern.findall("\n".join(texts[lines].tolist()))
        parts = np.array(found, dtype=object).reshape(-1, 5)
        if len(parts) != len(lines):  # cannot happen; then the parser reads them all
            return np.zeros(len(texts), dtype=bool), {}
        is_range = parts[:, 3] != ""
        matched = (parts[:, 1] != "") & ~(is_range & np.isin(parts[:, 2], list(self.joining)))
        rows = lines[matched]
        parts, is_range = parts[matched], is_range[matched]
        keys = parts[:, 0] + "\0" + parts[:, 2] + "\0" + parts[:, 4]
        key_codes, key_texts = pd.factorize(keys)
        rule = np.full(len(key_texts), -1, dtype=np.int64)
        unit, kind, hedge, notes = (np.full(len(key_texts), None, dtype=object) for _ in range(4))
        first = np.flatnonzero(~pd.Series(key_codes).duplicated().to_numpy())  # by code
        # probing a wording costs a parse per probe: worth it only when more texts share it
        shared = np.bincount(key_codes, minlength=len(key_texts)) > 2 * len(self.POINTS)
        for code, at in enumerate(first):
            if not shared[code]:
                continue
            pre, _, between, _, post = parts[at]
            reading = self.probe(pre, between if is_range[at] else None, post, policy)
            if reading is not None:
                rule[code], unit[code], kind[code], hedge[code], notes[code] = reading
        row_rule = rule[key_codes]
        value, resolution = self.numbers(parts[:, 1])
        high_value, _ = self.numbers(np.where(is_range, parts[:, 3], "0"))
        row_rule[(row_rule == 5) & (value > high_value)] = -1  # reversed: the parser words it
        ok = row_rule >= 0
        columns = self.arithmetic(row_rule[ok], value[ok], resolution[ok], high_value[ok], policy)
        codes = key_codes[ok]
        columns.update(unit=unit[codes], kind=kind[codes], hedge=hedge[codes], notes=notes[codes])
        read = np.zeros(len(texts), dtype=bool)
        read[rows[ok]] = True
        return read, columns

    def numbers(self, written: NDArray[Any]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Whole numbers as written, and the resolution of their digits (policy digits)."""
        digits = np.asarray(written).astype(np.dtypes.StringDType())
        for mark in self.marks:
            digits = np.strings.replace(digits, mark, "")
        value = digits.astype(np.int64)
        length = np.strings.str_len(digits)
        trailing = np.where(value == 0, 0, length - np.strings.str_len(np.strings.rstrip(digits, "0")))
        figures = np.maximum(np.strings.str_len(np.strings.lstrip(digits, "0")), 1)
        exponent = np.clip(np.minimum(trailing, figures - self.grammar.min_figures), 0, None)
        return value, 10**exponent

    @staticmethod
    def arithmetic(rule: NDArray[np.int64], value: NDArray[np.int64],
                   resolution: NDArray[np.int64], high_value: NDArray[np.int64],
                   policy: str | float) -> dict[str, NDArray[Any]]:
        """`_Grammar.interval` for bare numbers, bounds and ranges of whole numbers, exactly."""
        number = value.astype(np.float64)
        if policy == "digits":
            halo = np.where(rule == 0, resolution / 2, 0.0)
            bare_low = np.where(2 * value >= resolution, (2 * value - resolution) / 2, 0.0)
            bare_high = (2 * value + resolution) / 2
        else:  # "exact" (other policies are not read in bulk)
            halo = np.zeros(len(rule))
            bare_low = bare_high = number
        low = np.select([rule == 0, (rule == 3) | (rule == 4)], [bare_low, 0.0], number)
        high = np.select([rule == 0, (rule == 1) | (rule == 2), (rule == 3) | (rule == 4)],
                         [bare_high, np.inf, number], high_value.astype(np.float64))
        return {"low": low, "high": high, "low_open": rule == 1,
                "high_open": (rule == 4) | np.isinf(high), "halo": halo}

    def probe(self, pre: str, between: str | None, post: str, policy: str | float,
              ) -> tuple[int, str, str, str | None, str | None] | None:
        """The rule, unit, kind and hedge of a wording, if the arithmetic reads it as the parser does."""
        if between is None:
            probes = [(pre + n + post, n, "0") for n in self.POINTS]
        else:
            probes = [(pre + n + between + m + post, n, m) for n, m in self.RANGES]
        found: tuple[int, str, str, str | None, str | None] | None = None
        for text, first, second in probes:
            try:
                result = self.grammar.read(text, policy)
            except ParseError:
                return None
            if between is not None:
                code = 5 if result.hedge == "range" else -1
            else:
                rules = self.grammar.rules
                code = self.RULES.index(rules[result.hedge][0]) if result.hedge in rules \
                    and rules[result.hedge][0] in self.RULES else (0 if result.hedge is None else -1)
            if code < 0 or (code == 0 and policy not in ("digits", "exact")):
                return None
            reading = (code, result.unit, result.kind, result.hedge, _notes(result.notes))
            if found is not None and reading != found:
                return None
            found = reading
            value, resolution = self.numbers(np.array([first]))
            high_value, _ = self.numbers(np.array([second]))
            columns = self.arithmetic(np.array([code]), value, resolution, high_value, policy)
            expected = tuple(columns[c][0] for c in ("low", "high", "low_open", "high_open", "halo"))
            if expected != (result.low, result.high, result.low_open, result.high_open,
                            result.halo):
                return None
        return found


@lru_cache(maxsize=32)
def _grammar(lexicon: Lexicon) -> _Grammar:
    return _Grammar(lexicon)


@lru_cache(maxsize=32)
def _bulk(lexicon: Lexicon) -> _Bulk:
    grammar = _grammar(lexicon)
    return _Bulk(grammar, "".join(lexicon.data["numbers"]["group_marks"]))


@lru_cache(maxsize=256)
def _unit(name: str) -> pint.Unit:
    return parse_unit(name)


@lru_cache(maxsize=256)
def _unit_text(name: str) -> str:
    """The registry's own spelling of a unit ("person / day")."""
    return str(_unit(name))


def _policy(halo: str | float) -> str | float:
    if isinstance(halo, str):
        if halo not in HALO_POLICIES:
            raise ValueError(f"halo policy {halo!r} is not one of {', '.join(HALO_POLICIES)}")
        return halo
    if isinstance(halo, bool) or not isinstance(halo, int | float) or not 0 <= halo < 1:
        raise ValueError(f"a relative halo must be a number in [0, 1), not {halo!r}")
    return float(halo)


def parse(text: str, *, lexicon: Lexicon | None = None, halo: str | float = "digits") -> Reading:
    """Read hedged numeric wording into a `Reading`; raise `ParseError` if it cannot.

    `halo` is the policy for bare numbers: ``"digits"`` (default), ``"exact"``,
    ``"relative"`` (the lexicon's fraction) or a float (that fraction of N).

    >>> r = parse("some 3000-10000 North Korean soldiers")
    >>> (r.low, r.high, str(r.unit), r.hedge)
    (2700.0, 11000.0, 'person', 'approximately')
    """
    if not isinstance(text, str):
        raise TypeError(f"parse reads a str, not {type(text).__name__}")
    policy = _policy(halo)
    result = _grammar(lexicon or Lexicon.default()).read(text, policy)
    return Reading(text, result.low, result.high, result.low_open, result.high_open,
                   _unit(result.unit), result.halo, (result.start, result.end), result.hedge,
                   result.kind, result.notes, result.noun)


def _as_text(value: object) -> str | None:
    """The text of a cell: str as is, whole floats and ints as digits, else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and math.isfinite(value):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return None


_COLUMNS = ("low", "high", "low_open", "high_open", "unit", "halo", "kind", "hedge", "notes",
            "error")


def _notes(notes: tuple[str, ...]) -> str | None:
    """A reading's notes in one cell: joined by "; ", None when there are none."""
    return "; ".join(notes) if notes else None


def parse_many(values: Iterable[object], *, lexicon: Lexicon | None = None,
               halo: str | float = "digits") -> pd.DataFrame:
    """Read a column of wordings; each distinct string is parsed once, no row raises.

    A row that cannot be read (or is missing) gets NaN bounds, and its message in
    ``error`` (None where reading succeeded); ``notes`` holds a reading's notes, joined by
    "; " (None where there are none). The index is the Series' own, if given.

    >>> table = parse_many(["over 10,000", "5,000+", "over 10,000", "lots"])
    >>> table[["low", "high", "low_open"]].to_numpy().tolist()
    [[10000.0, inf, True], [5000.0, inf, False], [10000.0, inf, True], [nan, nan, False]]
    """
    import pandas as pd

    policy = _policy(halo)
    grammar = _grammar(lexicon or Lexicon.default())
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    size = len(uniques) + 1  # the last entry is for missing cells
    low = np.full(size, np.nan)
    high = np.full(size, np.nan)
    low_open = np.zeros(size, dtype=bool)
    high_open = np.zeros(size, dtype=bool)
    halos = np.full(size, np.nan)
    unit = np.full(size, None, dtype=object)
    kind = np.full(size, None, dtype=object)
    hedge = np.full(size, None, dtype=object)
    notes = np.full(size, None, dtype=object)
    error = np.full(size, None, dtype=object)
    error[-1] = "missing value"
    read = grammar.read
    texts = np.asarray(uniques, dtype=object)
    if pd.api.types.infer_dtype(texts, skipna=False) == "string":
        strings = np.arange(len(texts))
    else:
        texts = np.array([_as_text(value) for value in texts], dtype=object)
        strings = np.flatnonzero(texts != None)  # noqa: E711  (numbers as their digits too)
    slow = np.ones(len(uniques), dtype=bool)
    if len(strings):
        done, found = _bulk(lexicon or Lexicon.default()).read(texts[strings], policy)
        at = strings[done]
        slow[at] = False
        bulk_columns = (("low", low), ("high", high), ("low_open", low_open), ("high_open", high_open),
                        ("halo", halos), ("unit", unit), ("kind", kind), ("hedge", hedge),
                        ("notes", notes))
        for name, column in bulk_columns if at.size else ():  # none read: `found` may be empty
            column[at] = found[name]
    for position in np.flatnonzero(slow):
        value = uniques[position]
        text = texts[position]
        if text is None:
            error[position] = f"cannot read {value!r}: not text"
            continue
        try:
            result = read(text, policy)
        except ParseError as failure:
            error[position] = str(failure).split("\n", 1)[0]
            continue
        low[position], high[position] = result.low, result.high
        low_open[position], high_open[position] = result.low_open, result.high_open
        halos[position] = result.halo
        unit[position], kind[position], hedge[position] = result.unit, result.kind, result.hedge
        notes[position] = _notes(result.notes)
    codes = np.where(codes < 0, size - 1, codes)
    columns = (low, high, low_open, high_open, unit, halos, kind, hedge, notes, error)
    # text columns: made text once per distinct value, then taken for every row
    return pd.DataFrame({name: pd.array(column, dtype="str").take(codes)
                         if column.dtype == object else column[codes]
                         for name, column in zip(_COLUMNS, columns, strict=True)},
                        index=series.index)


@lru_cache(maxsize=32)
def _plain_number(lexicon: Lexicon) -> re.Pattern[str]:
    """A signed number as the lexicon writes digits: group marks before exactly three
    digits (or the Indian grouping), the decimal mark, an exponent."""
    numbers = lexicon.data["numbers"]
    decimal = re.escape(numbers["decimal_mark"])
    grouped = [f"[0-9]{{1,3}}(?:{re.escape(m)}[0-9]{{3}})+" for m in numbers["group_marks"]]
    if numbers.get("indian_grouping", False):
        grouped += [f"[0-9]{{1,2}}(?:{re.escape(m)}[0-9]{{2}})+{re.escape(m)}[0-9]{{3}}"
                    for m in numbers["group_marks"]]
    whole = "|".join([*grouped, "[0-9]+"])
    return re.compile(rf"\s*[+-]?(?:(?:{whole})(?:{decimal}[0-9]*)?|{decimal}[0-9]+)"
                      r"(?:[eE][+-]?[0-9]+)?\s*")


def read_numbers(texts: Iterable[str], *, lexicon: Lexicon | None = None,
                 ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Plain numbers in cells (``low``, ``high``, ``best``), read by the parser's rules.

    The same digits as `parse` reads: "1,5", "1_0" and "1.000" (a decimal or a
    continental thousand?) are not numbers, "12,500", "-0.25" and "1e6" are. Returns the
    values (NaN where empty) and a mask of the cells that are not empty but not a finite
    number either.

    >>> values, bad = read_numbers(["12,500", "-0.25", "1,5", "1_0", ""])
    >>> values.tolist()[:2], bad.tolist()
    ([12500.0, -0.25], [False, False, True, True, False])
    """
    import pandas as pd  # here, not at the top: `estimates parse` loads no pandas

    lexicon = lexicon or Lexicon.default()
    numbers = lexicon.data["numbers"]
    cells = pd.Series(list(texts), dtype=object).astype(str)
    ok = cells.str.fullmatch(_plain_number(lexicon)).to_numpy(bool, copy=True)
    # "1.000" with no group mark: 1 to an English writer, 1000 to a continental one
    decimal = re.escape(numbers["decimal_mark"])
    ok &= ~cells.str.fullmatch(rf"\s*[+-]?0*[1-9][0-9]*{decimal}[0-9]{{3}}\s*").to_numpy(bool)
    cleaned = cells.str.strip()
    for mark in numbers["group_marks"]:
        cleaned = cleaned.str.replace(mark, "", regex=False)
    cleaned = cleaned.str.replace(numbers["decimal_mark"], ".", regex=False)
    values = pd.to_numeric(cleaned.where(ok, None), errors="coerce").to_numpy(np.float64)
    empty = (cells.str.strip() == "").to_numpy(bool)
    bad = ~empty & (~ok | ~np.isfinite(values))
    return np.where(empty | bad, np.nan, values), bad
