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

from collections.abc import Sequence

__all__ = [
    "ArticleError",
    "ClaimsError",
    "DimensionError",
    "EmptyIntervalError",
    "EstimatesError",
    "ExpressionError",
    "InvalidBoundError",
    "LexiconError",
    "OutputError",
    "ParseError",
    "RelationsError",
    "UnitError",
    "UnitMismatchError",
    "UsageError",
    "first_few",
]


def first_few(items: Sequence[object], shown: int = 5) -> str:
    """The first `shown` of `items`, then how many more, for a message that names a few.

    >>> first_few(["a", "b"]), first_few(range(3, 10))
    ('a, b', '3, 4, 5, 6, 7 and 2 more')
    """
    more = f" and {len(items) - shown:,} more" if len(items) > shown else ""
    return ", ".join(str(item) for item in items[:shown]) + more


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


class ExpressionError(EstimatesError, ValueError):
    """An expression or relation that `estimates` will not read: it names what is not allowed."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text  #: the expression as written
        self.reason = reason  #: what is not allowed in it
        super().__init__(f"expression {text!r}: {reason}")


class ClaimsError(EstimatesError, ValueError):
    """A claims table with problems; ``.problems`` lists every one (line, column, value, problem)."""

    def __init__(self, problems: object, source: str = "<frame>") -> None:
        self.problems = problems  #: a DataFrame with columns line, column, value, problem
        self.source = source  #: the file (or ``<frame>``) the claims came from
        rows = problems.itertuples(index=False)  # type: ignore[attr-defined]
        lines = [_located(source, r.line, r.column, r.problem, r.value) for r in rows]
        count = len(lines)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in {source}:\n" + "\n".join(lines))


def _located(source: str, line: int, column: str, problem: str, value: object) -> str:
    """``FILE:LINE:COLUMN: problem (value)``; a problem with the whole file has no line."""
    where = f"{source}:{line}:{column}:" if line else f"{source}:"
    return f"{where} {problem} ({value!r})" if value != "" else f"{where} {problem}"


def _shown(text: str) -> str:
    """The text on one line, control characters blanked, so a caret can point into it."""
    return "".join(c if c.isprintable() else " " for c in text)


class ParseError(EstimatesError, ValueError):
    """Text that could not be read; the message quotes it and points where reading stopped.

    >>> error = ParseError("5,000 widgets", 6, "no counted noun of the lexicon follows")
    >>> print(error)
    cannot read '5,000 widgets' at position 6: no counted noun of the lexicon follows
        5,000 widgets
              ^
    >>> error.position
    6
    """

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text  #: the text as given
        self.position = max(0, min(position, len(text)))  #: where reading stopped (0-based)
        self.reason = reason  #: what was expected there, in words
        super().__init__(
            f"cannot read {text!r} at position {self.position}: {reason}\n"
            f"    {_shown(text)}\n    {' ' * self.position}^"
        )


class LexiconError(EstimatesError, ValueError):
    """A lexicon (file or data) that cannot be used; names where it came from and the key.

    >>> print(LexiconError("my.toml", "hedges.about.widen", "must be a number in [0, 1)"))
    lexicon my.toml: hedges.about.widen: must be a number in [0, 1)
    """

    def __init__(self, source: str, key: str, reason: str) -> None:
        self.source = source  #: the file (or "<default>", "<code>") the lexicon came from
        self.key = key  #: the dotted key at fault ("" for the file as a whole)
        self.reason = reason  #: what is wrong
        where = f"{source}: {key}" if key else source
        super().__init__(f"lexicon {where}: {reason}")


class UsageError(EstimatesError, ValueError):
    """A command-line request that cannot be carried out as asked (e.g. -o naming an input)."""


class OutputError(EstimatesError, OSError):
    """An output that cannot be written: a missing folder, no permission, a full disk, a
    folder where a file is wanted (or the reverse)."""

    def __init__(self, path: object, reason: object) -> None:
        self.path = str(path)  #: the output as given
        if isinstance(reason, OSError):
            reason = reason.strerror or str(reason)
        self.reason = str(reason)  #: why it cannot be written
        super().__init__(f"cannot write {self.path}: {self.reason}")

    def __str__(self) -> str:
        return str(self.args[0])


class RelationsError(EstimatesError, ValueError):
    """Relations that could not be read; ``.problems`` holds one ``FILE:LINE: reason`` each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source  #: the relations file (or ``<relations>``)
        self.problems = problems  #: one located message per bad line
        count = len(problems)
        super().__init__(f"{count} relation{'s' if count != 1 else ''} in {source} could not be "
                         "read:\n" + "\n".join(problems))


class DimensionError(EstimatesError, ValueError):
    """Relations or expression claims that join quantities of different dimensions (troops
    plus containers); ``.problems`` lists every one (file, line, column, value, problem).

    >>> import pandas as pd
    >>> print(DimensionError(pd.DataFrame({"file": ["r.txt"], "line": [3], "column": [""],
    ...     "value": ["t = a + b"], "problem": ["joins person (a) and container (b)"]})))
    1 problem of units:
    r.txt:3: joins person (a) and container (b) ('t = a + b')
    """

    def __init__(self, problems: object) -> None:
        self.problems = problems  #: a DataFrame with columns file, line, column, value, problem
        rows = list(problems.itertuples(index=False))  # type: ignore[attr-defined]
        lines = [f"{r.file}:{r.line}:{f'{r.column}:' if r.column else ''} {r.problem} ({r.value!r})"
                 for r in rows]
        count = len(lines)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} of units:\n" + "\n".join(lines))


class ArticleError(EstimatesError, ValueError):
    """Articles that could not be read for `estimates extract`; one ``FILE: reason`` each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems  #: one message per bad file, naming the file
        count = len(problems)
        super().__init__(f"{count} article{'s' if count != 1 else ''} could not be read:\n"
                         + "\n".join(problems))
