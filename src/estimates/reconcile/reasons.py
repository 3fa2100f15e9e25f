"""Why claims cannot all hold: one registry of reason codes, each with its sentence.

A reason is a code (a string, so a notebook can filter on it) and the sentence that
explains a conflict of that kind. Adding a reason is one entry here: its code and its
sentence, whose fields are filled per conflict:

- ``{claims}``: the claims, each as written with who said it and when ("a, b and c");
- ``{first}``, ``{last}``: the earliest and the latest claim of the conflict;
- ``{quantity}``: the quantity; ``{when}``: "within 7 days" or "at the same time";
- ``{relations}``: the relations the conflict needs, with their lines.

>>> Reason.DISJOINT.sentence
'{claims} cannot both hold for {quantity} {when}'
>>> str(Reason("increase_vs_totals"))
'increase_vs_totals'
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

__all__ = ["UNDECIDED", "Reason", "fill"]

#: added to the sentence of a conflict whose lightest claims weigh the same (a tie)
UNDECIDED = ". The weights could not decide which to keep: the claims of equal weight are disputed"


class Reason(StrEnum):
    """Why a set of claims cannot all hold (its value is the code; `sentence` explains it)."""

    sentence: str

    def __new__(cls, code: str, sentence: str) -> Reason:
        member = str.__new__(cls, code)
        member._value_ = code
        member.sentence = sentence
        return member

    #: ranges on one quantity at one time do not meet
    DISJOINT = ("disjoint", "{claims} cannot both hold for {quantity} {when}")
    #: a running total would have to fall
    FALLING_TOTAL = ("falling_total",
                     "{last} is below {first}, but {quantity} is a running total and cannot fall")
    #: an average rate times its period's length does not match the totals or increases
    RATE_VS_TOTALS = ("rate_vs_totals",
                      "{claims} cannot all hold for {quantity}: a rate times the length of its "
                      "period is the increase over it, which must match the totals and the "
                      "increases around it")
    #: an increase over a period does not match the totals at its ends
    INCREASE_VS_TOTALS = ("increase_vs_totals",
                          "{claims} cannot all hold for {quantity}: the increase over a period "
                          "must match the totals at its ends")
    #: claims on linked quantities break a relation or an expression claim
    RELATION = ("relation", "{claims} cannot all hold together{relations}")
    #: the relations cannot all hold whatever the claims say
    RELATIONS = ("relations", "the relations {relations} cannot all hold together, whatever the "
                              "claims say")

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
