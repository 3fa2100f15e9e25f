"""The library's unit registry: persons and other countables, with pint's time units.

Persons are one dimension with the aliases reports use (troop, soldier, fighter,
man/men, personnel, casualty); other countables (container, shipment, missile, tank,
vehicle, ...) each have a dimension of their own, so adding troops to containers is an
error. Rates such as person/day use pint's time units.

>>> ureg.Quantity(3, "troops").to("person")
<Quantity(3, 'person')>
>>> str(parse_unit("soldiers per day"))
'person / day'
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import cast

import pint

from estimates.errors import UnitError, UnitMismatchError

__all__ = ["COUNTABLE_DEFINITIONS", "Unit", "conversion_factor", "countable", "counts_things", "currency",
           "is_currency", "parse_unit", "ureg"]

#: pint's own dimensions: a unit in one of them measures, it does not count
_MEASURED = frozenset({"[length]", "[mass]", "[time]", "[current]", "[temperature]",
                       "[substance]", "[luminosity]", "[printing_unit]", "[information]"})

#: Countables added to pint's default registry: one dimension each.
COUNTABLE_DEFINITIONS = """
person = [person] = _ = persons = people = troop = soldier = fighter = man = men
@alias person = personnel = casualty = casualties = combatant = serviceman = servicemen
container = [container]
shipment = [shipment]
missile = [missile]
tank = [tank]
vehicle = [vehicle]
shell = [shell]
drone = [drone]
aircraft = [aircraft]
artillery_system = [artillery_system]
"""

Unit = pint.Unit

#: Unit texts are refused before pint evaluates them when longer than this, or when a power
#: is not a whole number of at most `MAX_POWER`, or is raised again (``week**1000000``,
#: ``9**9**9``, ``((9**12)**12)**12``, ``week⁹⁹⁹⁹``): pint computes a power before it can
#: check it, for minutes or for ever.
MAX_UNIT_LENGTH = 200
MAX_POWER = 12
_SMALL_WHOLE = re.compile(r"[0-9]+(?:\.0*)?")


def _small_powers(text: str) -> bool:
    """Whether every power in the unit text is a whole number up to `MAX_POWER` written
    out, raised to nothing else: the text as pint will read it (its own spellings of a power,
    ``^`` and superscripts, included) is parsed into pint's own tree, never evaluated."""
    from tokenize import TokenInfo

    from pint.pint_eval import EvalTreeNode, build_eval_tree, tokenizer
    from pint.util import string_preprocessor

    for preprocess in ureg.preprocessors:
        text = preprocess(text)
    try:
        tree = build_eval_tree(tokenizer(string_preprocessor(text.strip())))
    except Exception:  # malformed text: pint's own parse reports it
        return True

    def powers(node: EvalTreeNode) -> list[EvalTreeNode]:
        found, stack = [], [node]
        while stack:
            node = stack.pop()
            if node.operator is not None and node.operator.string in ("**", "^") and node.right:
                found.append(node)
            stack.extend(part for part in (node.left, node.right) if isinstance(part, EvalTreeNode))
        return found

    def small_exponent(node: EvalTreeNode | TokenInfo | None) -> bool:
        if isinstance(node, EvalTreeNode) and node.right is None and node.operator is not None \
                and node.operator.string in ("+", "-"):
            node = node.left  # a sign
        if not isinstance(node, EvalTreeNode) or node.operator is not None or node.right is not None \
                or not isinstance(node.left, TokenInfo):
            return False
        return bool(_SMALL_WHOLE.fullmatch(node.left.string)) and float(node.left.string) <= MAX_POWER

    return all(small_exponent(power.right)
               and not (isinstance(power.left, EvalTreeNode) and powers(power.left))  # a power's power
               for power in powers(tree))


def _registry(**options: object) -> pint.UnitRegistry:
    registry: pint.UnitRegistry = pint.UnitRegistry(**options)  # type: ignore[arg-type]
    for line in COUNTABLE_DEFINITIONS.strip().splitlines():
        registry.define(line)
    return registry


def _cache_folder() -> Path:
    """Pint's disk cache for this install alone: pint's cache keeps the paths of the definition
    files it read, so two installs sharing one folder break when one of them is removed."""
    import hashlib

    import platformdirs

    install = f"{Path(pint.__file__).resolve().parent}|{Path(__file__).resolve().parent}"
    key = hashlib.sha256(install.encode()).hexdigest()[:16]
    return platformdirs.user_cache_path("estimates", appauthor=False) / f"pint-{pint.__version__}-{key}"


def _cached_registry() -> pint.UnitRegistry:
    """The registry, its definitions cached on disk where the user's cache folder can be written
    and read; without the disk cache where it cannot (a read-only home in a container, a service
    account without one, a cache file another process is still writing)."""
    try:
        return _registry(cache_folder=_cache_folder())
    except Exception:  # OSError, or pint's cache half written: parse the definitions instead
        return _registry()


#: The registry every quantity in `estimates` uses. Its parsed definitions are cached on
#: disk by pint, in a folder of the user's cache for this install (`_cache_folder`), which
#: makes loading it 0.03 s instead of 0.2 s.
ureg: pint.UnitRegistry = _cached_registry()


#: Definitions added while running (`countable`, `currency`), replayed in the exact twin.
_ADDED: list[str] = []
_NAME = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*")
_CURRENCY = re.compile(r"[A-Z]{3}")


@cache
def _exact_registry() -> pint.UnitRegistry:
    """A twin registry that computes conversion factors as exact fractions."""
    registry = _registry(non_int_type=Fraction)
    for line in _ADDED:
        registry.define(line)
    return registry


def _add(name: str, dimension: str) -> pint.Unit:
    """`name` as a unit of a dimension of its own, defined once in both registries."""
    if name in ureg._units:
        unit = ureg.parse_units(name)
        if unit.dimensionality != {dimension: 1}:
            raise UnitError(name, f"is already pint's unit of {unit.dimensionality}: choose "
                                  "another name for the thing counted")
        return unit
    line = f"{name} = {dimension}"
    try:
        ureg.define(line)
    except Exception as error:  # pint refuses some names in ways of its own
        raise UnitError(name, "cannot name a countable") from error
    _ADDED.append(line)
    if _exact_registry.cache_info().currsize:
        _exact_registry().define(line)
    return ureg.parse_units(name)


def countable(name: str) -> pint.Unit:
    """The unit that counts `name`, in a countable dimension of its own, defined on first use.

    Reports count things no list foresees ("13,000 workers"); each gets its own dimension,
    so workers never add to persons. A name pint already uses for something else ("bar",
    "ton") is a `UnitError`.

    >>> countable("helicopter"), countable("helicopter").dimensionality
    (<Unit('helicopter')>, <UnitsContainer({'[helicopter]': 1})>)
    """
    if not _NAME.fullmatch(name) or not name.isidentifier():
        raise UnitError(name, "cannot name a countable: use letters and underscores")
    return _add(name, f"[{name}]")


def currency(code: str) -> pint.Unit:
    """The unit of a currency (ISO 4217 code), each currency a dimension of its own.

    No rate is built in: USD and EUR do not convert into each other.

    >>> currency("USD"), currency("USD").dimensionality
    (<Unit('USD')>, <UnitsContainer({'[currency_USD]': 1})>)
    """
    if not _CURRENCY.fullmatch(code):
        raise UnitError(code, "is not a currency code such as USD")
    return _add(code, f"[currency_{code}]")


def counts_things(unit: pint.Unit) -> bool:
    """Whether `unit` counts things: one dimension of ours (a countable or a currency) to the
    power one, not one of pint's measured dimensions.

    >>> counts_things(parse_unit("person")), counts_things(parse_unit("km")), counts_things(currency("USD"))
    (True, False, True)
    """
    dimensions = dict(unit.dimensionality)
    return len(dimensions) == 1 and list(dimensions.values()) == [1] \
        and str(next(iter(dimensions))) not in _MEASURED


def is_currency(unit: pint.Unit) -> bool:
    """Whether `unit` is an amount of money in one currency.

    >>> is_currency(currency("EUR")), is_currency(parse_unit("person"))
    (True, False)
    """
    dimensions = dict(unit.dimensionality)
    return len(dimensions) == 1 and next(iter(dimensions)).startswith("[currency_") \
        and next(iter(dimensions.values())) == 1


def parse_unit(text: str | pint.Unit) -> pint.Unit:
    """Read a unit such as ``"person/day"`` or ``"soldiers per day"``; raise `UnitError`.

    >>> parse_unit("troops / week")
    <Unit('person / week')>
    """
    if isinstance(text, pint.Unit):
        return text
    written = _rate_words(text)
    too_large = (f"is not a unit estimates reads (at most {MAX_UNIT_LENGTH} characters, powers "
                 f"of whole numbers up to {MAX_POWER})")
    if len(written) > MAX_UNIT_LENGTH or not _small_powers(written):
        raise UnitError(text, too_large)
    try:
        unit = ureg.parse_units(written) if written else ureg.dimensionless
    except Exception as error:  # pint's parser fails on malformed text in many ways
        raise UnitError(text) from error
    powers = [cast(float, power) for power in dict(unit._units).values()]
    if not all(math.isfinite(power) for power in powers):
        raise UnitError(text)  # an exponent such as 1e400 (read as inf)
    if any(abs(power) > MAX_POWER for power in powers):  # (week**12)**12, m*m*...*m
        raise UnitError(text, too_large)
    return unit


#: Rate words of a unit as written: "per month", "a month", "monthly" divide by a month.
_PER = re.compile(r"(?:^|(?<=\s))(?:per|a|an|each|every)\s+(?=[A-Za-z_])", re.IGNORECASE)
_ADVERBS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month",
            "yearly": "year", "annually": "year"}
_ANNUM = re.compile(r"\bannum\b", re.IGNORECASE)
_ADVERB = re.compile(r"\b(" + "|".join(_ADVERBS) + r")\b", re.IGNORECASE)


def _rate_words(text: str) -> str:
    """A unit's rate words as pint reads them: ``troops a month`` is ``troops / month``
    (pint alone reads ``a`` as a year), ``/month`` and ``monthly`` are ``1 / month``.

    >>> _rate_words("troops a month"), _rate_words("/month"), _rate_words("monthly")
    ('troops / month', '1 /month', '1 / month')
    """
    written = _ADVERB.sub(lambda match: "/ " + _ADVERBS[match.group(1).lower()], text)
    written = " ".join(_PER.sub("/ ", _ANNUM.sub("year", written)).split())
    return "1 " + written if written.startswith("/") else written


@cache
def conversion_factor(source: pint.Unit, target: pint.Unit) -> Fraction:
    """The exact factor that turns a value in `source` into one in `target`.

    Raises `UnitMismatchError` when the two measure different things.

    >>> conversion_factor(parse_unit("person/day"), parse_unit("person/week"))
    Fraction(7, 1)
    """

    if source.dimensionality != target.dimensionality:
        raise UnitMismatchError(str(source), str(target), "convert between")
    exact = _exact_registry()
    factor = exact.Quantity(Fraction(1), str(source)).to(str(target)).magnitude
    return Fraction(factor)
