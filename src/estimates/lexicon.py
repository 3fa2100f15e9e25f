"""The lexicon: the words `estimates.parse` reads, as data a user can extend or replace.

The defaults ship as ``lexicon.toml`` in the package (read it: each table says what its
entries mean). A user file has the same shape; `Lexicon.load` merges it over the defaults
table by table (a key given replaces the default one, lists included), or uses it alone
with ``replace=True``. Every lexicon is checked when built: a bad one raises
`LexiconError` naming the file and the dotted key.

>>> lexicon = Lexicon.default().extend({"units": {"nouns": {"marines": "person"}}})
>>> lexicon.data["units"]["nouns"]["marines"]
'person'
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from estimates.errors import LexiconError, UnitError
from estimates.units import countable, counts_things, currency, parse_unit

__all__ = ["RULES", "Lexicon", "lexicon_markdown", "lexicon_reference", "phrase_words"]

#: What a hedge rule does to the number N it qualifies (w is the rule's ``widen``).
RULES: Mapping[str, str] = MappingProxyType({
    "approximate": "[N − w·N, N + w·N], never narrower than the halo; a range widens to "
                   "[low·(1 − w), high·(1 + w)]",
    "nearly": "[N − w·N, N]",
    "above": "(N, ∞)",
    "at_least": "[N, ∞)",
    "at_most": "[0, N]",
    "below": "[0, N)",
    "exact": "[N, N], no halo",
})

_SECTIONS = ("numbers", "multipliers", "fractions", "hedges", "ranges", "vague", "units",
             "money", "rates", "fillers")
_VULGAR = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")
_HYPHEN_IN_WORD = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_PHRASE_WORD = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")


def phrase_words(phrase: str) -> tuple[str, ...]:
    """The words a phrase is matched by: lower case, hyphens between letters as spaces.

    >>> phrase_words("Two-thirds"), phrase_words("/day"), phrase_words("approx.")
    (('two', 'thirds'), ('/', 'day'), ('approx', '.'))
    """
    return tuple(_PHRASE_WORD.findall(_HYPHEN_IN_WORD.sub(" ", phrase.lower())))


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` merged into `base`: tables key by key, any other value replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class _Checker:
    """Checks TOML-shaped lexicon data; the first problem raises `LexiconError`."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, reason: str) -> LexiconError:
        return LexiconError(self.source, key, reason)

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key.rsplit(".", 1)[-1], {})
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, not {value!r}")
        return value

    def phrase(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, str):
            raise self.fail(key, f"a phrase must be a string, not {value!r}")
        words = phrase_words(value)
        if not words:
            raise self.fail(key, f"phrase {value!r} has no words")
        if any(word.isdigit() for word in words):
            raise self.fail(key, f"phrase {value!r} holds digits: numbers are read, not listed")
        return words

    def phrases(self, data: Mapping[str, Any], key: str) -> list[tuple[str, ...]]:
        value = data.get(key.rsplit(".", 1)[-1], [])
        if not isinstance(value, list | tuple):
            raise self.fail(key, f"must be a list of phrases, not {value!r}")
        return [self.phrase(item, f"{key}[{index}]") for index, item in enumerate(value)]

    def number(self, value: object, key: str, *, low: float = 0.0,
               integer: bool = False) -> float:
        kind = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kind) or value < low:
            what = "an integer" if integer else "a number"
            raise self.fail(key, f"must be {what} >= {low:g}, not {value!r}")
        return float(value)

    def unique(self, seen: dict[tuple[str, ...], tuple[str, object]], words: tuple[str, ...],
               key: str, payload: object) -> None:
        earlier = seen.setdefault(words, (key, payload))
        if earlier[1] != payload:
            raise self.fail(key, f"phrase {' '.join(words)!r} is also {earlier[0]}: "
                                 "a phrase must have one reading")

    def check(self, data: Mapping[str, Any]) -> None:
        for key in data:
            if key not in _SECTIONS:
                raise self.fail(key, f"unknown section (known: {', '.join(_SECTIONS)})")
        self.check_numbers(self.table(data, "numbers"))
        for name in ("multipliers", "fractions"):
            for word, value in self.table(data, name).items():
                self.phrase(word, f"{name}.{word}")
                self.number(value, f"{name}.{word}", low=2 if name == "fractions" else 1,
                            integer=name == "fractions")
        self.check_hedges(self.table(data, "hedges"))
        ranges = self.table(data, "ranges")
        self.phrases(ranges, "ranges.separators")
        self.phrases(ranges, "ranges.plus_minus")
        self.phrases(ranges, "ranges.joined")
        for index, text in enumerate(ranges.get("enclosing", [])):
            key = f"ranges.enclosing[{index}]"
            if not isinstance(text, str) or text.count("...") != 1:
                raise self.fail(key, f"must read like 'between ... and', not {text!r}")
            for part in text.split("..."):
                self.phrase(part, key)
        self.check_vague(self.table(data, "vague"))
        self.check_money(self.table(data, "money"))
        self.check_units(self.table(data, "units"))
        seen: dict[tuple[str, ...], tuple[str, object]] = {}
        for phrase, unit in self.table(data, "rates").items():
            key = f"rates.{phrase}"
            self.unique(seen, self.phrase(phrase, key), key, unit)
            self.unit(unit, key, time=True)
        fillers = self.table(data, "fillers")
        self.phrases(fillers, "fillers.before")
        self.phrases(fillers, "fillers.after")

    def check_numbers(self, numbers: Mapping[str, Any]) -> None:
        for key in ("decimal_mark", "group_marks", "min_significant_figures", "relative_halo"):
            if key not in numbers:
                raise self.fail(f"numbers.{key}", "is missing")
        decimal = numbers["decimal_mark"]
        marks = numbers["group_marks"]
        if not isinstance(decimal, str) or len(decimal) != 1 or decimal.isalnum():
            raise self.fail("numbers.decimal_mark", f"must be one punctuation mark, not {decimal!r}")
        if not isinstance(marks, list | tuple) or not all(
                isinstance(mark, str) and len(mark) == 1 and not mark.isalnum()
                and mark != decimal for mark in marks):
            raise self.fail("numbers.group_marks",
                            f"must be a list of single marks other than {decimal!r}, not {marks!r}")
        self.number(numbers["min_significant_figures"], "numbers.min_significant_figures",
                    low=1, integer=True)
        relative = self.number(numbers["relative_halo"], "numbers.relative_halo")
        if relative >= 1:
            raise self.fail("numbers.relative_halo", f"must be below 1, not {relative!r}")
        self.phrases(numbers, "numbers.one")
        self.phrases(numbers, "numbers.percent")
        self.phrases(numbers, "numbers.point")
        self.phrases(numbers, "numbers.ratio")
        if not isinstance(numbers.get("indian_grouping", False), bool):
            raise self.fail("numbers.indian_grouping", "must be true or false")
        for sign, value in self.table(numbers, "numbers.vulgar").items():
            key = f"numbers.vulgar.{sign}"
            if len(sign) != 1 or not isinstance(value, str) or not _VULGAR.fullmatch(value):
                raise self.fail(key, f"must map one character to a fraction such as '2/3', not "
                                     f"{sign!r} = {value!r}")
        for word, value in self.table(numbers, "numbers.words").items():
            self.phrase(word, f"numbers.words.{word}")
            self.number(value, f"numbers.words.{word}", integer=True)

    def check_hedges(self, hedges: Mapping[str, Any]) -> None:
        seen: dict[str, dict[tuple[str, ...], tuple[str, object]]] = {"before": {}, "after": {}}
        for name, hedge in hedges.items():
            key = f"hedges.{name}"
            if not isinstance(hedge, Mapping):
                raise self.fail(key, f"must be a table, not {hedge!r}")
            rule = hedge.get("rule")
            if rule not in RULES:
                raise self.fail(f"{key}.rule", f"must be one of {', '.join(RULES)}, not {rule!r}")
            if rule in ("approximate", "nearly"):
                widen = self.number(hedge.get("widen"), f"{key}.widen")
                if widen >= 1:
                    raise self.fail(f"{key}.widen", f"must be below 1, not {widen!r}")
            for place in ("before", "after"):
                for words in self.phrases(hedge, f"{key}.{place}"):
                    self.unique(seen[place], words, f"{key}.{place}", name)

    def check_vague(self, vague: Mapping[str, Any]) -> None:
        for phrase, entry in vague.items():
            key = f"vague.{phrase}"
            self.phrase(phrase, key)
            if not isinstance(entry, Mapping) or not {"low", "high"} <= set(entry):
                raise self.fail(key, f"must be a table with low and high, not {entry!r}")
            low = self.number(entry["low"], f"{key}.low")
            high = self.number(entry["high"], f"{key}.high")
            if high < low:
                raise self.fail(key, f"high {high:g} is below low {low:g}")
            for end in ("low_open", "high_open"):
                if not isinstance(entry.get(end, False), bool):
                    raise self.fail(f"{key}.{end}", "must be true or false")

    def check_money(self, money: Mapping[str, Any]) -> None:
        codes = money.get("currencies", [])
        if not isinstance(codes, list | tuple):
            raise self.fail("money.currencies", f"must be a list of codes, not {codes!r}")
        for index, code in enumerate(codes):
            try:
                currency(code if isinstance(code, str) else repr(code))
            except UnitError as error:
                raise self.fail(f"money.currencies[{index}]", str(error)) from None
        for sign, code in self.table(money, "money.signs").items():
            key = f"money.signs.{sign}"
            if not phrase_words(sign):
                raise self.fail(key, f"sign {sign!r} has no words")
            if code not in codes:
                raise self.fail(key, f"{code!r} is not one of money.currencies")

    def check_units(self, units: Mapping[str, Any]) -> None:
        self.number(units.get("max_skipped_words", 0), "units.max_skipped_words", integer=True)
        self.phrases(units, "units.after_noun")
        self.phrases(units, "units.not_nouns")
        self.phrases(units, "units.joining")
        seen: dict[tuple[str, ...], tuple[str, object]] = {}
        for phrase, unit in self.table(units, "units.nouns").items():
            key = f"units.nouns.{phrase}"
            self.unique(seen, self.phrase(phrase, key), key, unit)
            self.unit(unit, key, time=False)

    def unit(self, unit: object, key: str, *, time: bool) -> None:
        """A unit of the registry; a noun's unit that is a plain new name is a new countable."""
        if not isinstance(unit, str):
            raise self.fail(key, f"must name a unit, not {unit!r}")
        try:
            try:
                parsed = parse_unit(unit)
            except UnitError:
                if time or not unit.isidentifier():
                    raise
                parsed = countable(unit)
        except UnitError as error:
            raise self.fail(key, str(error)) from None
        if not time and not counts_things(parsed):
            raise self.fail(key, f"{unit!r} measures {parsed.dimensionality}: a noun's unit "
                                 "must be a count (a countable or a currency)")
        if time and parsed.dimensionality != parse_unit("day").dimensionality:
            raise self.fail(key, f"{unit!r} is not a unit of time")


@dataclass(frozen=True)
class Lexicon:
    """A checked, read-only lexicon; build it with `default`, `load`, `extend` or `from_dict`.

    >>> Lexicon.default().data["hedges"]["over"]["rule"]
    'above'
    """

    #: the lexicon as nested read-only tables, shaped like ``lexicon.toml``
    data: Mapping[str, Any] = field(compare=False)
    #: where it came from, defaults first (``"<default>"``, file paths, ``"<code>"``)
    sources: tuple[str, ...] = field(default=("<code>",), compare=False)
    #: a canonical form of `data`: two lexicons with the same data are equal
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _Checker(self.sources[-1] if self.sources else "<code>").check(self.data)
        object.__setattr__(self, "data", _freeze(self.data))
        object.__setattr__(self, "key", json.dumps(_thaw(self.data), sort_keys=True))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<code>") -> Lexicon:
        """A lexicon of `data` alone (same shape as ``lexicon.toml``)."""
        return cls(data, (source,))

    @classmethod
    def default(cls) -> Lexicon:
        """The lexicon shipped with `estimates` (``lexicon.toml`` in the package).

        >>> "about" in Lexicon.default().data["hedges"]["approximately"]["before"]
        True
        """
        return _default()

    @classmethod
    def load(cls, path: str | Path, replace: bool = False) -> Lexicon:
        """Read a TOML lexicon file, merged over the defaults (or alone with `replace`).

        >>> import pathlib, tempfile
        >>> file = pathlib.Path(tempfile.mkdtemp()) / "mine.toml"
        >>> _ = file.write_text('[units.nouns]\\nmarines = "person"\\n')
        >>> Lexicon.load(file).data["units"]["nouns"]["marines"]
        'person'
        """
        source = str(path)
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as error:
            raise LexiconError(source, "", f"cannot be read: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise LexiconError(source, "", f"is not valid TOML: {error}") from None
        if replace:
            return cls(data, (source,))
        return Lexicon.default().extend(data, source=source)

    def extend(self, data: Mapping[str, Any], source: str = "<code>") -> Lexicon:
        """This lexicon with `data` merged over it (tables key by key, other values replaced).

        >>> lexicon = Lexicon.default().extend({"vague": {"many": {"low": 10, "high": 1000}}})
        >>> lexicon.data["vague"]["many"]["high"]
        1000
        """
        if not isinstance(data, Mapping):
            raise LexiconError(source, "", f"must be a table, not {data!r}")
        return Lexicon(_merge(_thaw(self.data), data), (*self.sources, source))


@cache
def _default() -> Lexicon:
    text = resources.files("estimates").joinpath("lexicon.toml").read_text(encoding="utf-8")
    return Lexicon(tomllib.loads(text), ("<default>",))


_MARK_NAMES = {" ": "space", "\u00a0": "no-break space", "\u2009": "thin space",
               "\u202f": "narrow no-break space"}


def _code(phrase: str) -> str:
    name = _MARK_NAMES.get(phrase)
    return name if name else "`" + phrase.replace("|", "\\|") + "`"


def _codes(phrases: Any) -> str:
    return ", ".join(_code(phrase) for phrase in phrases)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def lexicon_markdown(lexicon: Lexicon) -> str:
    """The lexicon as a markdown table (for docs/lexicon.md): what is read, and how.

    >>> print(lexicon_markdown(Lexicon.default()).splitlines()[0])
    | group | written | read as |
    """
    data = lexicon.data
    rows: list[tuple[str, str, str]] = []
    numbers = data.get("numbers", {})
    if numbers:
        rows.append(("numbers", f"decimal mark {_code(numbers['decimal_mark'])}; group marks "
                     f"{_codes(numbers['group_marks'])}",
                     "a group mark is followed by exactly three digits; `1,5` and `1.000` are "
                     "errors"))
        words = numbers.get("words", {})
        rows.append(("number words", _codes(words), "their value; `twenty-five thousand` "
                     "combines them"))
        rows.append(("one", _codes(numbers.get("one", ())), "one, before a multiplier or a "
                     "fraction: `a thousand`, `a third`"))
        if numbers.get("indian_grouping"):
            rows.append(("Indian grouping", "`12,34,567`", "1234567, when the groups follow "
                         "lakhs and crores exactly"))
        if numbers.get("point"):
            rows.append(("spoken decimal", "N " + _codes(numbers["point"]) + " digits",
                         "`two point five` is 2.5"))
        vulgar = numbers.get("vulgar", {})
        if vulgar:
            rows.append(("fraction signs", ", ".join(f"{_code(sign)} ({fraction})" for
                                                      sign, fraction in vulgar.items()),
                         "that fraction, a ratio; after a whole number adds to it (`1½` is "
                         "1.5)"))
        if numbers.get("ratio"):
            rows.append(("ratio of two numbers", ", ".join(f"N {_code(p)} M" for p in
                                                            numbers["ratio"]),
                         "N/M, a ratio, exact (M a whole number, not a year)"))
        rows.append(("halo", "a bare number N", "[N − h, N + h]: h is half a unit in the last "
                     f"significant digit, at least {numbers['min_significant_figures']} figures "
                     f"kept (policy `digits`); {numbers['relative_halo']:g}·N (policy "
                     "`relative`); 0 (policy `exact`)"))
    for word, value in data.get("multipliers", {}).items():
        rows.append(("multiplier", _code(word), f"× {_number(value)}"))
    by_denominator: dict[int, list[str]] = {}
    for word, value in data.get("fractions", {}).items():
        by_denominator.setdefault(value, []).append(word)
    for denominator, words in by_denominator.items():
        rows.append(("fraction", _codes(words), f"n/{denominator}, a ratio, exact"))
    if numbers.get("percent"):
        rows.append(("percent", "N " + _codes(numbers["percent"]), "N/100, a ratio"))
    for name, hedge in data.get("hedges", {}).items():
        rule = hedge["rule"]
        written = [f"{_code(p)} N" for p in hedge.get("before", ())]
        written += [f"N {_code(p)}" for p in hedge.get("after", ())]
        meaning = RULES[rule]
        if "widen" in hedge:
            widen = f"{hedge['widen']:g}"
            meaning = meaning.replace("w·N", f"{widen}·N").replace(" w)", f" {widen})")
        rows.append((f"hedge `{name}` ({rule})", ", ".join(written), meaning))
    ranges = data.get("ranges", {})
    if ranges:
        written = [f"N {_code(p)} M" for p in ranges.get("separators", ())]
        written += [_code(p.replace("...", "N", 1).strip() + " M") for p in
                    ranges.get("enclosing", ())]
        rows.append(("range", ", ".join(written), "[N, M], no halo"))
        rows.append(("plus or minus", ", ".join(f"N {_code(p)} M" for p in
                                                 ranges.get("plus_minus", ())),
                     "[N − M, N + M]; M may be a percentage of N"))
    if ranges.get("joined"):
        rows.append(("two bounds", ", ".join(f"`at least` N {_code(p)} `at most` M" for p in
                                             ranges["joined"]),
                     "[N, M]; each end open or closed by its own hedge"))
    for phrase, entry in data.get("vague", {}).items():
        left = "(" if entry.get("low_open") else "["
        right = ")" if entry.get("high_open") else "]"
        rows.append(("vague amount", _code(phrase),
                     f"{left}{_plain(entry['low'])}, {_plain(entry['high'])}{right}"))
    units = data.get("units", {})
    by_unit: dict[str, list[str]] = {}
    for phrase, unit in units.get("nouns", {}).items():
        by_unit.setdefault(unit, []).append(phrase)
    for unit, phrases in by_unit.items():
        rows.append(("counted noun", _codes(phrases), f"unit `{unit}`"))
    if units.get("not_nouns"):
        rows.append(("never a noun", _codes(units["not_nouns"]), "ends the words before a "
                     "noun"))
    if units.get("joining"):
        rows.append(("joining nouns", _codes(units["joining"]), "N things `and` others: a "
                     "count of the first, the others noted"))
    money = data.get("money", {})
    if money.get("currencies"):
        rows.append(("currency", _codes(money["currencies"]), "a dimension of its own each; "
                     "none converts into another"))
    by_code: dict[str, list[str]] = {}
    for sign, code in money.get("signs", {}).items():
        by_code.setdefault(code, []).append(sign)
    for code, signs in by_code.items():
        rows.append(("currency sign", _codes(signs) + " N, N " + _codes(signs),
                     f"amount in `{code}`"))
    if units.get("after_noun"):
        rows.append(("after the noun", _codes(units["after_noun"]), "read, unit unchanged"))
    by_time: dict[str, list[str]] = {}
    for phrase, unit in data.get("rates", {}).items():
        by_time.setdefault(unit, []).append(phrase)
    for unit, phrases in by_time.items():
        rows.append(("rate", _codes(phrases), f"per `{unit}`"))
    fillers = data.get("fillers", {})
    if fillers.get("before"):
        rows.append(("filler", _codes(fillers["before"]) + " (before)", "set aside"))
    if fillers.get("after"):
        rows.append(("filler", _codes(fillers["after"]) + " (after)", "set aside"))
    lines = ["| group | written | read as |", "| --- | --- | --- |"]
    lines += [f"| {group} | {written} | {meaning} |" for group, written, meaning in rows]
    return "\n".join(lines)


_REFERENCE_HEAD = """\
# The lexicon

How `estimates.parse` reads numbers as reports write them. This page is generated from the
lexicon shipped with the package (`src/estimates/lexicon.toml`) by
`estimates.lexicon.lexicon_reference(Lexicon.default())`; a test keeps the two equal.

Extend the lexicon with a TOML file of your own (`Lexicon.load("mine.toml")`, or
`--lexicon mine.toml` on the command line): its tables merge key by key over these, and
`Lexicon.load(path, replace=True)` uses your file alone. Add a counted noun or a synonym
with one line each; a unit the registry does not know is a new countable of its own:

```toml
[units.nouns]
helicopters = "helicopter"
choppers = "helicopter"
marines = "person"
```

## What a reading holds

`parse` returns the interval (`low`, `high`, and which ends are open), the unit, the kind
(`count`, `amount` for money, `rate`, `ratio`), the halo, the hedge understood, the
counted noun as written and **notes**: what was read but set aside or guessed (adjectives
before the noun, a noun the lexicon does not hold, further nouns). Nothing is dropped: a
word is read, noted, or the text is an error that says where reading stopped.

- A noun the lexicon does not hold is a count of that thing in a countable dimension of
  its own: "13,000 workers" is 13,000 `worker`, and workers never add to persons. The
  noun is the first plural word after the number ("13,000 construction workers"), or
  after one a lone word ("one worker"); the singular comes from the `inflect` library.
  After more than one, a singular word is not taken for a noun ("5 captured", "5
  January" are errors). A noun that pint uses for a measure ("5 tons", "100 bars", "3
  km") is an error unless your lexicon maps it.
- Money is an amount in one currency, each currency a dimension of its own: "$1.5
  billion" is 1.5e9 `USD`, "€2 bn" 2e9 `EUR`. Nothing converts between currencies.
- Numbers written with a fraction ("two and a half million", "1½", "a quarter of a
  million") have the halo of the same number written in digits: "two and a half million"
  is ±50,000 like "2,500,000", "one and a half" ±0.05 like "1.5" (two significant figures).
- A multiplier after the second end of a range applies to the first when the first is
  smaller than the second's number: "four to five thousand" is [4000, 5000].

## The table

"""

_REFERENCE_TAIL = """

## Vague amounts, and why ours differ from other tools

Number and quantity extractors commonly read a plural of a round number as its smallest
value, a single point ("dozens" as 24, "thousands" as 2,000), or as that word's own value
("hundreds" as 100), or do not read it at all. A point claims a precision the writer did
not give, and reconciling with it would mark honest claims as contradictions; so we read a
range. Its low end is two of the unit (the plural means more than one: "dozens" at least
24, "thousands" at least 2,000); its high end is where the next word would take over and
is open ("dozens" below 100, "hundreds" below 1,000, "thousands" below 10,000), because a
writer with more in mind says "hundreds" or "tens of thousands". "Several" is 3 to 9 (some
tools read 3, others about 7): beyond nine, reports say "a dozen" or "dozens". "A few" and
"a handful of" are 2 to 5, "a couple of" 2 to 3. A multiplier after a vague word
multiplies both ends: "several thousand" is [3000, 9000].

## Wordings refused, and why

- A noun that pint measures ("5 tons", "3 km", "100 bars"): `estimates` reconciles
  counts, money, rates and ratios, and some pint names ("bar", "point", "stone") are also
  everyday nouns. Map the noun in `[units.nouns]` to count it.
- A word ending in "-illion" that the lexicon does not hold ("2 gazillion people"), and
  letters written against a number that are not a multiplier, sign or noun ("5xyz"): they
  may be multipliers, and reading without them would be wrong by orders of magnitude.
- "N in M" where M looks like a year ("3 in 2024"): write "3 out of 2,024" or a fraction.
- Several words and no plural among them after the number ("1,354 North Korean"): no
  counted noun can be told apart from its adjectives.
- Text after the value that is not a noun, rate, hedge or filler ("13,000 workers
  protested"): pass only the number phrase, or extend the lexicon.
- A decimal mark before exactly three digits with no group mark ("1.000"), and group marks
  not followed by three digits ("1,5"): a continental writer and an English one mean
  different numbers by them.
"""


def lexicon_reference(lexicon: Lexicon) -> str:
    """The lexicon reference page (``docs/lexicon.md``): how to extend it, what a reading
    holds, the table of every phrase, and why vague amounts read as they do.

    >>> lexicon_reference(Lexicon.default()).splitlines()[0]
    '# The lexicon'
    """
    return _REFERENCE_HEAD + lexicon_markdown(lexicon) + "\n" + _REFERENCE_TAIL

