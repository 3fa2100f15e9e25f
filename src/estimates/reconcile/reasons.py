"""Why claims cannot all hold: one registry of reason codes, each with its sentence.

A reason is a code (a string, so a notebook can filter on it) and the sentence that
explains a conflict of that kind. Adding a reason is one entry here: its code and its
sentence, whose fields are filled per conflict:

- ``{claims}``: the claims, each as written with who said it and when ("a, b and c");
- ``{first}``, ``{last}``: the earliest and the latest claim of the conflict;
- ``{quantity}``: the quantity; ``{when}``: "within 7 days" or "at the same time";
- ``{relations}``: the relations the conflict needs, with their lines.

Then comes the arithmetic that fails, as the reason's `working` says: ``"intervals"`` (the
default), ``": "`` and each claim's interval in its unit, as `interval_words` writes it
("712,610 is exactly 712,610 person"; a rate times its period's days is the increase it
claims); ``"named"``, the same with each claim's quantity named (claims on several
quantities), or for two claims joined only by relations ``x <= y`` what one needs of the
other; ``""``, none (``{relations}`` then lists the relations with their lines). Last, the
reason's `shortfall` with ``{gap}``, how far apart they are (left out when the gap is
unknown).

>>> Reason.DISJOINT.sentence
'{claims} cannot both hold for {quantity} {when}'
>>> Reason.DISJOINT.shortfall
'; they are {gap} apart'
>>> str(Reason("increase_vs_totals"))
'increase_vs_totals'
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

__all__ = ["UNDECIDED", "Reason", "fill", "interval_words", "number_words"]

#: added to the sentence of a conflict whose lightest claims weigh the same (a tie)
UNDECIDED = ". The weights could not decide which to keep: the claims of equal weight are disputed"


class Reason(StrEnum):
    """Why a set of claims cannot all hold (its value is the code; `sentence` explains it)."""

    sentence: str
    #: how far apart the claims are, with ``{gap}`` (the conflict's gap and unit)
    shortfall: str
    #: how the arithmetic is written: "intervals", "named" or "" (none; see the module)
    working: str

    def __new__(cls, code: str, sentence: str, shortfall: str = "",
                working: str = "intervals") -> Reason:
        member = str.__new__(cls, code)
        member._value_ = code
        member.sentence = sentence
        member.shortfall = shortfall
        member.working = working
        return member

    #: ranges on one quantity at one time do not meet
    DISJOINT = ("disjoint", "{claims} cannot both hold for {quantity} {when}",
                "; they are {gap} apart")
    #: a running total would have to fall
    FALLING_TOTAL = ("falling_total",
                     "{last} is below {first}, but {quantity} is a running total and cannot fall",
                     "; it would fall by at least {gap}")
    #: an average rate times its period's length does not match the totals or increases
    RATE_VS_TOTALS = ("rate_vs_totals",
                      "{claims} cannot all hold for {quantity}: a rate times the length of its "
                      "period is the increase over it, which must match the totals and the "
                      "increases around it",
                      "; they miss by at least {gap}")
    #: an increase over a period does not match the totals at its ends
    INCREASE_VS_TOTALS = ("increase_vs_totals",
                          "{claims} cannot all hold for {quantity}: the increase over a period "
                          "must match the totals at its ends",
                          "; they miss by at least {gap}")
    #: claims on linked quantities break a relation or an expression claim
    RELATION = ("relation", "{claims} cannot all hold together{relations}",
                "; through the relations they miss by at least {gap}", "named")
    #: the relations cannot all hold whatever the claims say
    RELATIONS = ("relations", "the relations {relations} cannot all hold together, whatever the "
                              "claims say", "", "")

    def __str__(self) -> str:
        return self.value


def fill(template: str, fields: Mapping[str, NDArray[np.object_]]) -> NDArray[np.object_]:
    """The sentences of many conflicts of one reason: `template` with each field's column.

    >>> fill("{a} and {b}", {"a": np.array(["x", "y"], object),
    ...                      "b": np.array(["1", "2"], object)}).tolist()
    ['x and 1', 'y and 2']
    """
    size = len(next(iter(fields.values())))
    out = np.full(size, "", dtype=object)
    for literal, name, _, _ in string.Formatter().parse(template):
        out = out + literal
        if name is not None:
            out = out + fields[name]
    return out


def number_words(value: float) -> str:
    """A number as an explanation writes it: grouped, six significant figures, no noise.

    >>> number_words(712610.0), number_words(1499.999999999999), number_words(0.6299999999999999)
    ('712,610', '1,500', '0.63')
    """
    if math.isinf(value):
        return "unbounded" if value > 0 else "-unbounded"
    rounded = float(f"{value:.6g}")
    if rounded.is_integer() and abs(rounded) < 1e15:
        return f"{int(rounded):,}"
    if not 1e-4 <= abs(rounded) < 1e15:
        return f"{rounded:.6g}"
    return f"{rounded:,.6f}".rstrip("0").rstrip(".")


def interval_words(low: float, high: float) -> str:
    """The interval [`low`, `high`] in words.

    >>> interval_words(5.0, 5.0), interval_words(5001.0, math.inf), interval_words(0.0, 3050.0)
    ('exactly 5', 'at least 5,001', '0 to 3,050')
    >>> interval_words(-math.inf, 700000.0)
    'at most 700,000'
    """
    if low == high:
        return f"exactly {number_words(low)}"
    if math.isinf(high):
        return f"at least {number_words(low)}"
    if math.isinf(low):
        return f"at most {number_words(high)}"
    return f"{number_words(low)} to {number_words(high)}"
