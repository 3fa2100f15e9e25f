"""The exceptions of `estimates`: one base class, each error also a built-in one.

Every concrete error subclasses the built-in exception it refines, so code that
catches ``ValueError`` or ``TypeError`` keeps working, and names the offending
values in its message. Structured fields ride on the exception.

>>> try:
...     raise EmptyIntervalError(3.0, 1.0)
... except ValueError as error:
...     print(error)
low 3.0 is above high 1.0: an interval needs low <= high (use Interval.empty() for the empty set)
"""

from __future__ import annotations

__all__ = [
    "EmptyIntervalError",
    "EstimatesError",
    "InvalidBoundError",
    "UnitError",
    "UnitMismatchError",
]


class EstimatesError(Exception):
    """Base class of every error raised by `estimates`."""


class EmptyIntervalError(EstimatesError, ValueError):
    """An interval was built with its low bound above its high bound."""

    def __init__(self, low: float, high: float) -> None:
        self.low = low  #: the low bound given
        self.high = high  #: the high bound given
        super().__init__(
            f"low {low!r} is above high {high!r}: an interval needs low <= high "
            "(use Interval.empty() for the empty set)"
        )


class InvalidBoundError(EstimatesError, ValueError):
    """A bound that no interval of real numbers can have: NaN, low = +inf, high = -inf."""

    def __init__(self, name: str, value: object, reason: str) -> None:
        self.name = name  #: which bound, "low" or "high"
        self.value = value  #: the bad value
        super().__init__(f"{name} bound {value!r} is invalid: {reason}")


class UnitError(EstimatesError, ValueError):
    """A unit that the registry does not know, or that cannot be read."""

    def __init__(self, unit: str, reason: str = "is not a unit estimates knows") -> None:
        self.unit = unit  #: the unit as written
        super().__init__(f"unit {unit!r} {reason}")


class UnitMismatchError(EstimatesError, TypeError):
    """Arithmetic or comparison between quantities of different dimensions."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        self.left = left  #: unit of the left operand
        self.right = right  #: unit of the right operand
        self.operation = operation  #: what was attempted
        super().__init__(
            f"cannot {operation} {left!r} and {right!r}: they measure different things"
        )
