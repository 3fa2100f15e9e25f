"""Number mentions in a sentence: each one read by the parser into a claim, or set aside
with the reason.

A *mention* starts at a run of digits or at a number word of the lexicon ("eleven",
"thousand", "dozens", "a third"). What a mention means is the parser's business, not
this module's: the candidate span runs from the hedge words the lexicon knows just
before the number (at most five: "an average of", "more than", "between") to the end of
its clause, and `estimates.parse` reads it; where the parser stops (a `ParseError` says
where), the span is cut there and read again. So a span keeps exactly what the parser
understands — hedge, number, counted noun, rate — and a parser that understands more
(a new noun, money) makes longer spans with no change here.

Before and after reading, the context decides what is not a claim; every such mention
is kept with one of `REASONS`. A figure the parser reads without a counted noun is
still drafted, with the unit found nearby (past a closing quotation mark, the noun of
the sentence, the previous sentence's unit for "This totals ...") or none, and notes
saying so (`NOTES`).

>>> from estimates.lexicon import Lexicon
>>> found = read_mentions("Officials said 12 villages and over 1,500 troops were hit on 3 May.",
...                       Lexicon.default())
>>> [(m.text, m.reason) for m in found]
[('12', 'place_count'), ('over 1,500 troops', None), ('3 May.', 'date')]
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from estimates.errors import ParseError
from estimates.extract.dates import DateCue, date_cues, month_words
from estimates.lexicon import Lexicon, phrase_words
from estimates.parse import Reading, parse


def _word_set(text: str) -> frozenset[str]:
    """The words of `text`, as a set (lists of words read best as text)."""
    return frozenset(text.split())


__all__ = ["NOTES", "REASONS", "Mention", "has_number", "read_mentions"]

#: Why a number mention is not drafted: code and what it means.
REASONS: Mapping[str, str] = {
    "date": "part of a date (15 November 2024, Oct 24, 2024-11-15)",
    "year": "a year (in 2012, the 1961 treaty, the 1990s)",
    "time": "a time of day (1:30 PM, 10:07:46)",
    "ordinal": "an ordinal (11th Corps, 21st-century, the third law)",
    "designation": "a designation or calibre (KN-23, F-16, 155mm, COVID-19)",
    "duration": "a duration or an age (three decades, 24 hours, three-year-old)",
    "distance": "a distance or an area (20 km, 300 square miles)",
    "place_count": "a count of places (12 villages, three regions, several sites)",
    "name": "a number inside a name (Article 5, Cold War 2.0, Group of Seven)",
    "reference": "a reference to things already named (the two leaders, both sides)",
    "vague_small": "a small vague amount, not an estimate (several, a few, a couple of)",
    "no_noun": "a number word with nothing counted (one such matrix, one hears)",
    "unreadable": "a number the parser cannot read (its message says why)",
    "boilerplate": "a number on a short line that is no sentence (3 comments, Page 2, 12 photos)",
}

#: Note flags a drafted row may carry (the analyst checks these).
NOTES: Mapping[str, str] = {
    "date from publication": "no date in the sentence: as_of is the publication date",
    "claimant from byline": "no claimant in the sentence: the author stands in",
    "claimant from an earlier sentence": "a pronoun reports the claim (he said): the last named one",
    "no claimant": "no claimant in the sentence and no author given",
    "noun outside the lexicon": "the word counted is not in the lexicon; the unit is left empty",
    "unit from the sentence": "no noun after the number; the unit is the sentence's counted noun",
    "unit past a quotation mark": "the noun follows a closing quotation mark",
    "unit and date from the previous sentence": "an anaphoric sentence (This totals ...)",
    "unit past a designation": "the noun follows a designation (53 Shahed-136 drones)",
    "unit of the whole": "the noun follows 'of the' (48 of the drones)",
    "money, currency not read": "an amount of money the parser does not read yet",
    "currency sign left out of the value": "'more than $51 billion' drafted as 'more than 51 billion'",
    "hedge before the currency sign not read": "the amount alone is drafted: check the bound",
    "restatement": "the same figure as another sentence (headlines repeat the body)",
    "idiom risk": "'totals up to' is a sum, not a bound: the hedge is left out",
    "publication date from the text": "the dateline or page metadata gave the publication date",
}

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*|[^\w\s]")
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\b\.?)?"
                   r"|\b\d{1,2}(?:\.\d{2})?\s?(?:[ap]\.m\.|[AP]M\b|am\b|pm\b)"
                   r"|\b\d{4}\s?(?:GMT|UTC|hrs\b|hours GMT|local time)")
_DESIGNATION_TAIL = re.compile(r"(?:[-‐]?[A-Za-z\d]+)+")
_CALIBRE = re.compile(r"\d+(?:\.\d+)?(?:[-‐ ]?(?:mm|cm)\b|[A-Za-z]+\d[\w-]*)")
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;:()\[\]“”\"‘’«»]|,\s|\s[–—-]\s(?!\d)|—(?!\d)|\.(?:\s|$)|[!?]")
_NAMED_THING = re.compile(r"\s+[A-Z][A-Za-z]*[-‐]?\d[\w-]*(?=\s+[^\W\d_])")
_NUMBERED = re.compile(r"(?:\bNo\.?|\bNos\.?|#)\s*$")
_PARTITIVE = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+|these\s+|those\s+)?(?=[^\W\d_])")
_ANAPHOR = re.compile(r"^[“\"‘']?(?:This|That|These|It|The figure|The total|The toll|The number|"
                      r"That figure|This figure)\b")

DURATION = _word_set("""
second seconds minute minutes hour hours day days week weeks month months year years decade
decades century centuries fortnight fortnights year-old years-old day-long month-long year-long
week-long hour-long min mins hr hrs sec secs yr yrs
""")
DISTANCE = _word_set("""
km kilometre kilometres kilometer kilometers mile miles metre metres meter meters m feet foot ft
yard yards nautical hectare hectares acre acres square sq km2 kms
""")
PLACES = _word_set("""
village villages town towns city cities region regions province provinces oblast oblasts
district districts country countries nation nations state states settlement settlements location
locations site sites area areas territory territories municipality municipalities continent
continents front fronts border borders crossing crossings neighbourhood neighbourhoods
neighborhood neighborhoods camp camps
""")
CURRENCY_SIGNS = frozenset("$€£¥₴₽₹")
CURRENCY_WORDS = _word_set("""
dollar dollars euro euros pound pounds rouble roubles ruble rubles hryvnia hryvnias hryvnias
yuan yen rupee rupees shekel shekels usd eur gbp
""")
IDIOM_VERBS = _word_set("""
totals total totalled totaled totalling totaling adds add added adding amounts amount amounted
sums summed comes came
""")
FUNCTION_WORDS = _word_set("""
times fold a an the of in on at by to for from with without into onto over under and or but nor so yet as
than that which who whom whose what when where while if because since until before after during
per is are was were be been being has have had do does did will would shall should can could may
might must not no also already still just only even about around this these those there here it
its their his her our your my them they he she we you i across through between among against
toward towards within upon via including such more most less least each every all some any both
either neither other another same
""")
#: Words after which a counted noun phrase never goes on (auxiliaries, relatives, conjunctions):
#: a candidate span ends before them unless the lexicon reads them.
STOP_WORDS = _word_set("""
is are was were be been being has have had do does did will would shall should can could may
might must that which who whom whose because while although though when where if but said says
told according into for with across by near after before during against since among inside
outside toward towards through via amid including despite without alongside within
""")
TIME_PREFIXES = _word_set("mid pre post early late end")
DETERMINERS = _word_set("""
the these those both its their his her our all each every whose
""")
NUMERATORS = _word_set("""
a an one two three four five six seven eight nine ten
""")
_LEFT_SYMBOLS = frozenset("~><≥≤±") | CURRENCY_SIGNS
_MAX_LEFT = 5
_MAX_RIGHT = 16
_MAX_TRIES = 8


@dataclass(frozen=True, slots=True)
class Mention:
    """One number mention of a sentence: a claim (``reason`` None) or why it is not one."""

    #: offset of the first character in the sentence
    start: int
    #: offset just past the last character
    end: int
    #: the text: the claim's value as read, or the mention as written
    text: str
    #: None for a claim, else a key of `REASONS`
    reason: str | None
    #: the parser's reading of a claim's value
    reading: Reading | None = None
    #: the unit to write (may be inferred), "" for none
    unit: str = ""
    #: modifiers and counted noun, for the quantity name ("north korean", "soldiers")
    noun: tuple[str, str] = ("", "")
    #: note flags (keys of `NOTES`, some with a detail after a colon)
    notes: tuple[str, ...] = ()
    #: more about the reason (the parser's message for an unreadable number)
    detail: str = ""
    #: True when the claim takes its unit and dates from the previous sentence
    anaphoric: bool = False


@dataclass(frozen=True)
class _Vocabulary:
    """The words of one lexicon that the extractor needs, drawn from its tables."""

    #: words of any phrase that may stand before a number (hedges, fillers, ranges, numbers)
    left: frozenset[str]
    #: words a phrase before a number starts with ("more", "an", "between"), currency signs
    opening: frozenset[str]
    #: number words and their values ("seven": 7)
    number_values: Mapping[str, int]
    #: multiplier words of three letters or more ("thousand", "million", "dozen")
    multipliers: frozenset[str]
    #: fraction words ("third", "half")
    fractions: frozenset[str]
    #: counted nouns and their units ("soldiers": "person")
    nouns: Mapping[str, str]
    #: every word the lexicon reads
    lexical: frozenset[str]
    #: number words that are a mention alone, and phrases that are (as word tuples)
    single: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]
    phrase_starts: frozenset[str]
    #: the distinctive words of `single` and `phrases` (a quick test for a sentence)
    starters: frozenset[str]
    #: words no counted noun phrase holds, where a candidate span may end (not lexicon words)
    stops: frozenset[str]


def _words_in(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from phrase_words(key) if isinstance(key, str) and not key.startswith("_") else ()
            yield from _words_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _words_in(item)
    elif isinstance(value, str):
        yield from phrase_words(value)


@lru_cache(maxsize=16)
def _vocabulary(lexicon: Lexicon) -> _Vocabulary:
    data = lexicon.data
    units = data.get("units", {})
    nouns = {" ".join(phrase_words(k)): v for k, v in units.get("nouns", {}).items()}
    # words the parser may read after a number (a list of words that are never nouns is not)
    reading = {key: value for key, value in units.items() if key != "not_nouns"}
    right = set(_words_in(reading)) | set(_words_in(data.get("rates", {})))
    right |= set(_words_in(data.get("fillers", {}).get("after", ())))
    for hedge in data.get("hedges", {}).values():
        right |= set(_words_in(hedge.get("after", ())))
    before = set()
    for section, value in data.items():
        if section in ("units", "rates"):
            continue
        if section == "fillers":
            before |= set(_words_in(value.get("before", ())))
        elif section == "hedges":
            before |= {w for h in value.values() for w in _words_in(h.get("before", ()))}
        else:
            before |= set(_words_in(value))
    opening: set[str] = set()  # words a phrase before the number can start with
    for hedge in data.get("hedges", {}).values():
        opening |= {phrase_words(p)[0] for p in hedge.get("before", ()) if phrase_words(p)}
    for phrase in [*data.get("fillers", {}).get("before", ()), *data.get("vague", {}),
                   *data.get("numbers", {}).get("one", ()),
                   *(p.split("...")[0] for p in data.get("ranges", {}).get("enclosing", ()))]:
        if phrase_words(phrase):
            opening.add(phrase_words(phrase)[0])
    opening.discard("the")
    numbers = data.get("numbers", {})
    number_values = dict(numbers.get("words", {}))
    multipliers = frozenset(w for w in data.get("multipliers", {}) if len(w) > 2 and w.isalpha())
    fractions = frozenset(data.get("fractions", {}))
    vague = [" ".join(phrase_words(p)) for p in data.get("vague", {})]
    single = frozenset(number_values) | multipliers | fractions | {p for p in vague if " " not in p}
    phrases = tuple(tuple(p.split()) for p in sorted((p for p in vague if " " in p), key=len,
                                                     reverse=True))
    lexical = frozenset(before | right | single)
    starters = frozenset(w for w in single | {w for p in phrases for w in p} if w not in FUNCTION_WORDS)
    return _Vocabulary(
        left=frozenset(before), opening=frozenset(opening) | CURRENCY_SIGNS,
        number_values=number_values, multipliers=multipliers, fractions=fractions, nouns=nouns,
        lexical=lexical, single=single, phrases=phrases,
        phrase_starts=frozenset(p[0] for p in phrases), starters=starters,
        stops=frozenset(STOP_WORDS - lexical - set(nouns)))


_LETTERS = re.compile(r"[a-z]+")
_ANY_DIGIT = re.compile(r"\d")


def has_number(text: str, lexicon: Lexicon) -> bool:
    """True when `text` holds a digit or a number word of the lexicon (a quick test).

    >>> has_number("Dozens fled.", Lexicon.default()), has_number("They fled.", Lexicon.default())
    (True, False)
    """
    if _ANY_DIGIT.search(text):
        return True
    return not _vocabulary(lexicon).starters.isdisjoint(_LETTERS.findall(text.lower()))


class _Sentence:
    """A sentence's tokens and fixed facts, computed once for all its mentions."""

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(_TOKEN.finditer(text))
        self.words = [m.group() for m in matches]
        self.starts = [m.start() for m in matches]

    def index_at(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        return bisect_left(self.starts, offset)

    def word_before(self, offset: int) -> str:
        index = self.index_at(offset) - 1
        return self.words[index] if index >= 0 else ""

    def words_after(self, offset: int, count: int) -> list[str]:
        index = self.index_at(offset)
        return self.words[index:index + count]

    def clause_end(self, offset: int, stops: frozenset[str] = frozenset()) -> int:
        """Where the clause after `offset` ends: punctuation, a word of `stops`, or 16 words."""
        found = _CLAUSE_END.search(self.text, offset)
        end = found.start() if found else len(self.text)
        first = self.index_at(offset)
        for index in range(first, min(first + _MAX_RIGHT, len(self.words))):
            if self.starts[index] >= end:
                return end
            if self.words[index].lower() in stops:
                return self.starts[index]
        if first + _MAX_RIGHT < len(self.words):
            end = min(end, self.starts[first + _MAX_RIGHT])
        return end


def _anchors(sentence: _Sentence, vocabulary: _Vocabulary) -> list[tuple[int, int, bool]]:
    """(start, end, digits?) of each number in the sentence: digits, or a number word."""
    text, words, starts = sentence.text, sentence.words, sentence.starts
    found = [(m.start(), m.end(), True) for m in _DIGITS.finditer(text)]
    lower = text.lower()
    if vocabulary.starters.isdisjoint(_LETTERS.findall(lower)):
        return found
    for index, word in enumerate(words):
        key = word.lower()
        if key in vocabulary.single:
            if index > 1 and words[index - 1] in ("-", "‐") and \
                    words[index - 2].lower() in vocabulary.number_values:
                continue  # "twenty-five": read from "twenty"
            found.append((starts[index], starts[index] + len(word), False))
        elif key in vocabulary.phrase_starts:
            for phrase in vocabulary.phrases:
                length = len(phrase)
                if tuple(w.lower() for w in words[index:index + length]) == phrase:
                    last = index + length - 1
                    found.append((starts[index], starts[last] + len(words[last]), False))
                    break
    return sorted(found)


def _designation(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a designation the digits at [start, end) belong to (KN-23, 155mm), or None."""
    left = start
    if left and text[left - 1] in "-‐" and left > 1 and text[left - 2].isalpha():
        left -= 1
    if left and text[left - 1].isalpha():
        while left and (text[left - 1].isalpha() or (text[left - 1] in "-‐" and left > 1
                                                     and text[left - 2].isalpha())):
            left -= 1
        if text[left:start].rstrip("-‐").lower() in TIME_PREFIXES:
            return None  # "mid-2023", "pre-2022": a year
        tail = _DESIGNATION_TAIL.match(text, end)
        return left, tail.end() if tail else end
    found = _CALIBRE.match(text, start)
    if found:
        return start, found.end()
    return None


def _inside(offset: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in spans:
        if start <= offset < end:
            return start, end
    return None


def _left_start(sentence: _Sentence, anchor: int, vocabulary: _Vocabulary) -> int:
    """Where the hedge words the lexicon knows, just before the number, begin."""
    index = sentence.index_at(anchor)
    start = anchor
    taken = 0
    while index > 0 and taken < _MAX_LEFT:
        word = sentence.words[index - 1]
        parts = [p for p in re.split(r"[-'’]", word.lower()) if p]
        if not (word in _LEFT_SYMBOLS or (parts and all(p in vocabulary.left for p in parts))):
            break
        index -= 1
        taken += 1
        start = sentence.starts[index]
    first = sentence.index_at(start)
    while start < anchor and sentence.words[first].lower() not in vocabulary.opening:
        first += 1  # "and at least 30": the phrase starts at "at"
        start = sentence.starts[first] if first < len(sentence.starts) else anchor
    return min(start, anchor)


def _trim_end(text: str, start: int, end: int) -> int:
    """`end` moved back over spaces, punctuation and dangling small words."""
    while end > start:
        stripped = text[start:end].rstrip(" \t,;:")
        end = start + len(stripped)
        last = stripped.rsplit(None, 1)[-1].lower() if stripped.split() else ""
        if last in ("of", "the", "a", "an", "and", "or", "to", "in", "at", "by", "for", "with",
                    "from", "on", "as", "its", "their"):
            end -= len(last)
            continue
        return end
    return end


def _read(text: str, start: int, anchor: int, anchor_end: int, end: int, lexicon: Lexicon,
          ) -> tuple[Reading, int] | ParseError:
    """The longest reading of text[start:end] that holds the number at [anchor, anchor_end).

    Hedge words before the number the parser refuses are dropped from the left; text it
    cannot read after the number is cut where it stopped. Returns the reading and the
    offset its span is relative to, or the parser's error about the number itself.
    """
    failure = ParseError(text[anchor:anchor_end], 0, "nothing to read")
    first_end = end
    for _ in range(_MAX_TRIES):
        try:
            return parse(text[start:end], lexicon=lexicon), start
        except ParseError as error:
            failure = error
            at = start + error.position
            if at < anchor:
                word = _TOKEN.match(text, at)
                following = _TOKEN.search(text, word.end() if word else at + 1)
                start = following.start() if following and following.start() < anchor else anchor
                continue
            cut = _trim_end(text, start, at)
            if at < anchor_end or cut < anchor_end or cut >= end:
                if start < anchor:  # the hedge words before the number do not fit it: drop them
                    start, end = anchor, first_end
                    continue
                return error
            end = cut
    return failure


def _noun_words(sentence: _Sentence, start: int, end: int, vocabulary: _Vocabulary,
                ) -> tuple[str, str]:
    """Modifiers and counted noun of the span text[start:end] (after the number)."""
    words = [w for w in sentence.words[sentence.index_at(start):sentence.index_at(end)]
             if w[0].isalpha()]
    kept: list[str] = []
    for word in words:
        lower = word.lower()
        if lower in vocabulary.nouns or lower not in vocabulary.lexical:
            kept.append(lower)
    for at, word in enumerate(kept):
        if word in vocabulary.nouns:
            return " ".join(kept[:at]), " ".join(w for w in kept[at:])
    return "", " ".join(kept)


def _outside_noun(sentence: _Sentence, offset: int) -> str:
    """The noun phrase right after `offset` that the lexicon does not know ("" if none)."""
    found: list[str] = []
    for word in sentence.words_after(offset, 3):
        lower = word.lower()
        if not word[0].isalpha() or lower in FUNCTION_WORDS:
            break
        if found and lower.endswith("ed") and not word[0].isupper():
            break
        found.append(lower)
    return " ".join(found)


def _sentence_noun(sentence: _Sentence, before: int, vocabulary: _Vocabulary) -> tuple[str, str] | None:
    """The nearest counted noun of the lexicon before offset `before`, and its unit."""
    for index in range(sentence.index_at(before) - 1, -1, -1):
        word = sentence.words[index].lower()
        unit = vocabulary.nouns.get(word)
        if unit is not None:
            return word, unit
    return None


def read_mentions(text: str, lexicon: Lexicon, previous_unit: str = "",
                  dates: Sequence[DateCue] | None = None) -> list[Mention]:
    """Every number mention of the sentence `text`: claims and rejections, in order.

    `previous_unit` is the count unit of the previous sentence's last claim, lent to an
    anaphoric sentence ("This totals up to 41,980"). `dates` are the sentence's date
    cues, if the caller has them (read with ``unresolved=True``).
    """
    vocabulary = _vocabulary(lexicon)
    sentence = _Sentence(text)
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    if dates is None:
        dates = date_cues(text, None, unresolved=True)
    date_spans = [(c.start, c.end) for c in dates]
    for start, end, digits in _anchors(sentence, vocabulary):
        if _inside(start, taken):
            continue
        time = _TIME.match(text, start) if digits else None
        inside = _inside(start, date_spans) or (time and (time.start(), time.end()))
        if inside:
            written = text[inside[0]:inside[1]]
            found.append(Mention(inside[0], inside[1], written, "time" if time else
                                 "year" if _YEAR.fullmatch(written) else "date"))
            taken.append(inside)
        else:
            mention = _mention(sentence, start, end, digits, vocabulary, lexicon, previous_unit)
            found.append(mention)
            taken.append((min(mention.start, start), max(mention.end, end)))
            if mention.reason is None and mention.unit:
                previous_unit = mention.unit.split(" / ")[0]
    return found


def _rejected(sentence: _Sentence, start: int, end: int, reason: str, detail: str = "") -> Mention:
    return Mention(start, end, sentence.text[start:end], reason, detail=detail)


def _mention(sentence: _Sentence, start: int, end: int, digits: bool,
             vocabulary: _Vocabulary, lexicon: Lexicon, previous_unit: str) -> Mention:
    """The mention whose number starts at `start`: a claim, or why it is none."""
    text = sentence.text
    shape = _shape_reason(sentence, start, end, digits, vocabulary)
    if shape is not None:
        return _rejected(sentence, *shape)
    left = _left_start(sentence, start, vocabulary)
    right = sentence.clause_end(end, vocabulary.stops)
    result = _read(text, left, start, end, right, lexicon)
    if isinstance(result, ParseError):
        return _rejected(sentence, start, end, "unreadable", result.reason)
    reading, at = result
    notes: list[str] = []
    span_start, span_end = at + reading.span[0], at + reading.span[1]
    before_span = sentence.word_before(span_start).lower()
    after_span = sentence.words_after(span_end, 1)
    if (before_span in IDIOM_VERBS and text[span_start:span_end].lower().startswith("up to")) \
            or (after_span == ["ago"] and reading.kind == "rate"):
        # "totals up to N" is a sum; "N a year ago" is no rate: read the number without them
        cut = span_end if after_span != ["ago"] else sentence.starts[sentence.index_at(span_end) - 2]
        again = _read(text, start if before_span in IDIOM_VERBS else span_start, start, end, cut, lexicon)
        if not isinstance(again, ParseError):
            reading, at = again
            span_start, span_end = at + reading.span[0], at + reading.span[1]
            if before_span in IDIOM_VERBS:
                notes.append(f"idiom risk: '{before_span} up to' is a sum, not a bound")
    value = text[span_start:span_end]
    unit = _unit_text(reading.unit)
    modifiers, noun = _noun_words(sentence, end, span_end, vocabulary)
    small_word = not digits and vocabulary.number_values.get(text[start:end].lower(), 100) < 10
    if digits and _in_name(sentence, start, vocabulary):
        return _rejected(sentence, start, end, "name")
    if digits and _YEAR.fullmatch(text[start:end]) and noun.split()[:1] \
            and noun.split()[0] not in vocabulary.nouns:
        return _rejected(sentence, start, end, "year")  # "the 1961 Treaty", read with any noun
    if reading.hedge == "vague" and reading.high <= 10:
        return _rejected(sentence, span_start, span_end, "vague_small")
    if small_word and sentence.word_before(span_start).lower() in DETERMINERS:
        return _rejected(sentence, start, end, "reference")
    if unit or reading.kind != "count":
        if any(word in PLACES for word in f"{modifiers} {noun}".split()):
            return _rejected(sentence, start, end, "place_count")
        if small_word and text[start:end].lower() == "one" and noun.split()[:1] \
                and noun.split()[0] not in vocabulary.nouns:
            return _rejected(sentence, start, end, "no_noun")  # "one hears": a pronoun
        if reading.kind == "ratio":
            noun = noun or ""
        return Mention(span_start, span_end, value, None, reading, unit, (modifiers, noun),
                       tuple(notes))
    return _bare(sentence, start, end, reading, span_start, span_end, notes, small_word,
                 vocabulary, lexicon, previous_unit)


def _shape_reason(sentence: _Sentence, start: int, end: int, digits: bool,
                  vocabulary: _Vocabulary) -> tuple[int, int, str] | None:
    """A reason read from the number's own shape and next word, before any parsing."""
    text = sentence.text
    if digits:
        designation = _designation(text, start, end)
        if designation and not _multiplier_after(text, end, vocabulary):
            return designation[0], designation[1], "designation"
        ordinal = _ORDINAL.match(text, end)
        if ordinal:
            return start, ordinal.end(), "ordinal"
        if text[end:end + 1] == "s" and re.fullmatch(r"1[89]\d0|20\d0", text[start:end]):
            return start, end + 1, "year"
    else:
        word = text[start:end].lower()
        before = sentence.word_before(start).lower()
        if word in vocabulary.fractions and word not in ("half", "halves") \
                and before not in NUMERATORS and before not in vocabulary.number_values:
            return start, end, "ordinal"
        if word == "half" and before in ("first", "second", "latter", "other", "former"):
            return start, end, "ordinal"
        if word[:1] != text[start:start + 1] and sentence.index_at(start) > 0 \
                and sentence.word_before(start) not in ("“", '"', "‘", "'", ":", "(", "—", "-"):
            return start, end, "name"  # "Group of Seven": a capital mid-sentence
    following = next((w.lower() for w in sentence.words_after(end, 3) if w not in ("-", "‐")), "")
    before = sentence.word_before(start).lower()
    if following in DURATION or before in ("aged", "age", "ages"):
        return start, end, "duration"
    if digits and _NUMBERED.search(text, max(0, start - 8), start):
        return start, end, "name"  # "No. 10", "#3"
    if following in DISTANCE and not (following == "m" and text[end:end + 1] != " "):
        return start, end, "distance"
    index = sentence.index_at(start)
    if index >= 2 and sentence.words[index - 1].lower() == "in" and \
            (sentence.words[index - 2][0].isdigit() or sentence.words[index - 2].lower()
             in vocabulary.number_values):
        return start, end, "unreadable"  # "one in four": a ratio the parser does not read
    return None


def _in_name(sentence: _Sentence, start: int, vocabulary: _Vocabulary) -> bool:
    """Digits right after a capitalised word mid-sentence: "Article 5", "Leopard 1 tanks"."""
    index = sentence.index_at(start)
    if index < 2:
        return False
    word = sentence.words[index - 1]
    return word[:1].isupper() and word.isalpha() and word.lower() not in vocabulary.left \
        and word.lower() not in month_words() and sentence.starts[index - 1] + len(word) + 1 >= start


def _bare(sentence: _Sentence, start: int, end: int, reading: Reading, span_start: int,
          span_end: int, notes: list[str], small_word: bool, vocabulary: _Vocabulary,
          lexicon: Lexicon, previous_unit: str) -> Mention:
    """A number the parser read with no counted noun: what it counts, or why it is no claim."""
    text = sentence.text
    value = text[span_start:span_end]
    digits = not small_word and text[start].isdigit()
    after = span_end
    partitive = _PARTITIVE.match(text, span_end)
    if partitive:
        after = partitive.end()  # "48 of the drones", "dozens of refugees"
    designation = _NAMED_THING.match(text, after)
    if designation:
        after = designation.end()  # "53 Shahed-136 drones": the noun follows the designation
    outside = _outside_noun(sentence, after)
    if any(word in PLACES for word in outside.split()):
        return _rejected(sentence, start, end, "place_count")
    if digits and _YEAR.fullmatch(text[start:end]):
        return _rejected(sentence, start, end, "year")
    unit, modifiers, noun = "", "", ""
    probe = _probe_unit(sentence, after, lexicon, vocabulary) if designation else None
    lone = not outside or outside.split()[0] in FUNCTION_WORDS or text[start:end].lower() == "one"
    if probe is None and (small_word or (not digits and reading.high < 10)) and lone:
        return _rejected(sentence, start, end, "no_noun")  # "one such", "one hears", "seven,"
    sign = text[max(0, span_start - 1):span_start]
    if sign in CURRENCY_SIGNS or (outside.split()[:1] and outside.split()[0] in CURRENCY_WORDS):
        notes.append("money, currency not read")
        hedge = text[_left_start(sentence, span_start - 1, vocabulary):span_start - 1].strip()
        hedge = re.sub(r"^(?:(?:to|and|of|from|the)\s+)+", "", hedge)
        if sign in CURRENCY_SIGNS and hedge:
            try:  # "more than $51 billion": the hedge read with the amount, the sign left out
                reading = parse(f"{hedge} {value}", lexicon=lexicon)
            except ParseError:
                notes.append(f"hedge before the currency sign not read: {hedge}")
            else:
                value = f"{hedge} {value}"
                span_start = text.rindex(hedge, 0, span_start)
                notes.append(f"currency sign left out of the value: {sign}")
        return Mention(span_start, span_end, value, None, reading, "", ("", "money"), tuple(notes))
    probe_at = after if partitive else (span_end + 1 if text[span_end:span_end + 1] in "”\"’'"
                                        and text[span_end:span_end + 1] else -1)
    if probe is None and probe_at >= 0:
        probe = _probe_unit(sentence, probe_at, lexicon, vocabulary)
    if probe:
        unit, (modifiers, noun) = probe
        notes.append("unit past a designation" if designation else "unit past a quotation mark"
                     if not partitive else f"unit of the whole: {noun}")
    elif outside:
        notes.append(f"noun outside the lexicon: {outside}")
        noun = outside
    else:
        subject = _sentence_noun(sentence, span_start, vocabulary)
        if subject is not None:
            noun, unit = subject
            notes.append(f"unit from the sentence: {noun}")
        elif _ANAPHOR.match(text) and previous_unit:
            notes.append("unit and date from the previous sentence")
            return Mention(span_start, span_end, value, None, reading, previous_unit, ("", ""),
                           tuple(notes), anaphoric=True)
    return Mention(span_start, span_end, value, None, reading, unit, (modifiers, noun), tuple(notes))


def _multiplier_after(text: str, end: int, vocabulary: _Vocabulary) -> bool:
    found = re.match(r"[A-Za-z]+", text[end:])
    if found is None:
        return False
    word = found.group().lower()
    return word in ("k", "m", "mn", "bn", "b", "bln", "mln") or word in vocabulary.multipliers


def _probe_unit(sentence: _Sentence, offset: int, lexicon: Lexicon, vocabulary: _Vocabulary,
                ) -> tuple[str, tuple[str, str]] | None:
    """The unit of the noun phrase at `offset`, as the parser reads it after a number."""
    end = sentence.clause_end(offset)
    if end <= offset:
        return None
    probe = "1 " + sentence.text[offset:end]
    result = _read(probe, 0, 0, 1, len(probe), lexicon)
    if isinstance(result, ParseError) or not _unit_text(result[0].unit):
        return None
    reading = result[0]
    read_end = offset + result[1] + reading.span[1] - 2
    return _unit_text(reading.unit), _noun_words(sentence, offset, read_end, vocabulary)


@lru_cache(maxsize=256)
def _unit_text(unit: Any) -> str:
    """The unit as the claims file writes it ("person / day"); "" for dimensionless."""
    text = str(unit)
    return "" if text == "dimensionless" else text
