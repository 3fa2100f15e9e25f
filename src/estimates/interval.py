"""Closed intervals of float64 with set semantics and outward rounding.

`Interval` is one interval for people; `IntervalArray` holds many as numpy arrays of
lows and highs for tables. Both run the same compiled rules (`estimates._outward`),
so they agree bound for bound. Bounds may be infinite; the empty interval is a true
value that absorbs every operation.

>>> Interval(1, 2) + Interval(10, 20)
Interval(11.0, 22.0)
>>> Interval(1, 2) / Interval(0, 1)
Interval(1.0, float('inf'))
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from numbers import Real
from typing import Any, ClassVar, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from estimates import _outward
from estimates.errors import EmptyIntervalError, InvalidBoundError

__all__ = ["Interval", "IntervalArray"]

Number = Union[int, float, Fraction]
_Kernel = Callable[[float, float, float, float], tuple[float, float]]


def _check_bounds(low: float, high: float) -> None:
    if math.isnan(low):
        raise InvalidBoundError("low", low, "NaN is not a number an interval can hold")
    if math.isnan(high):
        raise InvalidBoundError("high", high, "NaN is not a number an interval can hold")
    if low == math.inf:
        raise InvalidBoundError("low", low, "an interval of reals cannot start at +inf")
    if high == -math.inf:
        raise InvalidBoundError("high", high, "an interval of reals cannot end at -inf")
    if low > high:
        raise EmptyIntervalError(low, high)


def _enclose(value: Number) -> tuple[float, float]:
    """The tightest float bounds around an exact number (an int or Fraction may not be a float)."""
    if isinstance(value, float):
        return value, value
    exact = Fraction(value)
    try:
        nearest = float(exact)  # correctly rounded
    except OverflowError:
        return (sys.float_info.max, math.inf) if exact > 0 else (-math.inf, -sys.float_info.max)
    if Fraction(nearest) == exact:
        return nearest, nearest
    if Fraction(nearest) < exact:
        return nearest, math.nextafter(nearest, math.inf)
    return math.nextafter(nearest, -math.inf), nearest


class _Arithmetic:
    """``+ - * /`` on either side, each one call of the subclass's `_apply` with a rule.

    `Interval` runs the one-interval rules, `IntervalArray` their compiled array loops:
    the operators are written once, here.
    """

    __slots__ = ()
    #: the rules for add, sub, mul and div, as the subclass's `_apply` takes them
    _rules: ClassVar[tuple[Any, Any, Any, Any]]

    def _apply(self, rule: Any, other: object, reflected: bool = False) -> Any:
        raise NotImplementedError

    def __add__(self, other: object) -> Any:
        return self._apply(self._rules[0], other)

    def __radd__(self, other: object) -> Any:
        return self._apply(self._rules[0], other, reflected=True)

    def __sub__(self, other: object) -> Any:
        return self._apply(self._rules[1], other)

    def __rsub__(self, other: object) -> Any:
        return self._apply(self._rules[1], other, reflected=True)

    def __mul__(self, other: object) -> Any:
        return self._apply(self._rules[2], other)

    def __rmul__(self, other: object) -> Any:
        return self._apply(self._rules[2], other, reflected=True)

    def __truediv__(self, other: object) -> Any:
        return self._apply(self._rules[3], other)

    def __rtruediv__(self, other: object) -> Any:
        return self._apply(self._rules[3], other, reflected=True)


@dataclass(frozen=True, slots=True)
class Interval(_Arithmetic):
    """A closed interval [low, high] of real numbers; bounds may be infinite.

    >>> x = Interval(1353.5, 1354.5)
    >>> x * 31
    Interval(41958.5, 41989.5)
    >>> 41980 in x * 31
    True
    """

    #: the lower bound (``-inf`` when unbounded below; ``+inf`` only for the empty interval)
    low: float
    #: the upper bound (``+inf`` when unbounded above; ``-inf`` only for the empty interval)
    high: float

    _rules = (_outward.add, _outward.sub, _outward.mul, _outward.div)

    def __init__(self, low: Number, high: Number | None = None) -> None:
        lo, hi = _enclose(low)[0], _enclose(low if high is None else high)[1]
        _check_bounds(lo, hi)
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    @classmethod
    def _raw(cls, low: float, high: float) -> Interval:
        """Build from kernel output; `low > high` means empty."""
        interval = object.__new__(cls)
        if low > high:
            low, high = math.inf, -math.inf
        object.__setattr__(interval, "low", float(low))
        object.__setattr__(interval, "high", float(high))
        return interval

    @classmethod
    def empty(cls) -> Interval:
        """The empty interval: no value lies in it.

        >>> Interval.empty().is_empty
        True
        """
        return cls._raw(math.inf, -math.inf)

    @classmethod
    def whole(cls) -> Interval:
        """The whole real line, [-inf, inf]."""
        return cls(-math.inf, math.inf)

    @property
    def is_empty(self) -> bool:
        """True when no value lies in the interval."""
        return self.low > self.high

    @property
    def width(self) -> float:
        """high - low, rounded up (NaN for the empty interval).

        >>> Interval(1, 3).width
        2.0
        """
        if self.is_empty:
            return math.nan
        return _outward.add_bound(self.high, -self.low, True)

    @property
    def midpoint(self) -> float:
        """The middle of the interval; the infinite end when half-unbounded, 0 for the whole line.

        >>> Interval(10, 20).midpoint
        15.0
        """
        if self.is_empty:
            return math.nan
        if math.isinf(self.low) and math.isinf(self.high):
            return 0.0
        if math.isinf(self.low) or math.isinf(self.high):
            return self.low if math.isinf(self.low) else self.high
        return self.low / 2 + self.high / 2

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Interval):
            return item.issubset(self)
        if isinstance(item, Real):
            return bool(self.low <= item <= self.high)  # type: ignore[operator]
        return False

    def issubset(self, other: Interval) -> bool:
        """True when every value of this interval lies in `other` (the empty one always does)."""
        return self.is_empty or (other.low <= self.low and self.high <= other.high)

    def overlaps(self, other: Interval) -> bool:
        """True when the two intervals share at least one value."""
        return not self.intersection(other).is_empty

    def intersection(self, other: Interval) -> Interval:
        """The values in both intervals; `a & b` is the same.

        >>> Interval(0, 5) & Interval(3, 8)
        Interval(3.0, 5.0)
        """
        return Interval._raw(max(self.low, other.low), min(self.high, other.high))

    def hull(self, other: Interval) -> Interval:
        """The smallest interval holding both; `a | b` is the same.

        >>> Interval(0, 1) | Interval(3, 4)
        Interval(0.0, 4.0)
        """
        return Interval._raw(min(self.low, other.low), max(self.high, other.high))

    def _apply(self, kernel: _Kernel, other: object, reflected: bool = False) -> Interval:
        right = _as_interval(other)
        if right is None:
            return NotImplemented
        left, right = (right, self) if reflected else (self, right)
        return Interval._raw(*kernel(left.low, left.high, right.low, right.high))

    def __and__(self, other: Interval) -> Interval:
        return self.intersection(other) if isinstance(other, Interval) else NotImplemented

    def __or__(self, other: Interval) -> Interval:
        return self.hull(other) if isinstance(other, Interval) else NotImplemented

    def __neg__(self) -> Interval:
        return Interval._raw(-self.high, -self.low)

    def __pos__(self) -> Interval:
        return self

    def __repr__(self) -> str:
        if self.is_empty:
            return "Interval.empty()"
        return f"Interval({_float_repr(self.low)}, {_float_repr(self.high)})"

    def __iter__(self) -> Iterator[float]:
        """Unpack as ``low, high = interval``."""
        return iter((self.low, self.high))


def _float_repr(value: float) -> str:
    return f"float('{value}')" if math.isinf(value) else repr(value)


def _as_interval(value: object) -> Interval | None:
    if isinstance(value, Interval):
        return value
    if isinstance(value, (Real, Fraction)) and not isinstance(value, bool):
        return Interval(value)  # type: ignore[arg-type]
    return None


def _as_bounds(values: ArrayLike) -> NDArray[np.float64]:
    array = np.ascontiguousarray(values, dtype=np.float64)
    return array.reshape(-1) if array.ndim == 0 else array


@dataclass(frozen=True, eq=False)
class IntervalArray(_Arithmetic):
    """Many intervals as two float64 arrays, with the same rules as `Interval`.

    >>> xs = IntervalArray([1, 10], [2, 20])
    >>> (xs * 2).high
    array([ 4., 40.])
    >>> xs[1]
    Interval(10.0, 20.0)
    """

    #: lower bounds, one per interval (``+inf`` marks an empty interval)
    low: NDArray[np.float64]
    #: upper bounds, one per interval (``-inf`` marks an empty interval)
    high: NDArray[np.float64]

    __array_ufunc__ = None  # numpy defers to our operators: ``array * intervals`` works
    _rules = (_outward.add_arrays, _outward.sub_arrays, _outward.mul_arrays, _outward.div_arrays)

    def __init__(self, low: ArrayLike, high: ArrayLike | None = None) -> None:
        lo = _as_bounds(low)
        hi = lo if high is None else _as_bounds(high)
        if lo.shape != hi.shape or lo.ndim != 1:
            raise ValueError(f"low and high must be 1-D and of one length, not {lo.shape} and {hi.shape}")
        bad = np.isnan(lo) | np.isnan(hi) | (lo == np.inf) | (hi == -np.inf) | (lo > hi)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            try:
                _check_bounds(float(lo[first]), float(hi[first]))
            except (EmptyIntervalError, InvalidBoundError) as error:
                raise _at_positions(error, bad) from None
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    @classmethod
    def _raw(cls, low: NDArray[np.float64], high: NDArray[np.float64]) -> IntervalArray:
        array = object.__new__(cls)
        object.__setattr__(array, "low", low)
        object.__setattr__(array, "high", high)
        return array

    @classmethod
    def empty(cls, size: int) -> IntervalArray:
        """`size` empty intervals."""
        return cls._raw(np.full(size, np.inf), np.full(size, -np.inf))

    def __len__(self) -> int:
        return int(self.low.size)

    def __getitem__(self, index: int) -> Interval:
        return Interval._raw(float(self.low[index]), float(self.high[index]))

    def __iter__(self) -> Iterator[Interval]:
        return (self[i] for i in range(len(self)))

    @property
    def is_empty(self) -> NDArray[np.bool_]:
        """True where the interval is empty."""
        return self.low > self.high

    def contains(self, values: ArrayLike) -> NDArray[np.bool_]:
        """Elementwise: does each interval hold the matching value?"""
        values = np.asarray(values, dtype=np.float64)
        return (self.low <= values) & (values <= self.high)

    def intersection(self, other: IntervalArray | Interval) -> IntervalArray:
        """Elementwise intersection; `&` is the same."""
        right = _to_interval_array(other)
        low = np.maximum(self.low, right.low)
        high = np.minimum(self.high, right.high)
        empty = low > high
        return IntervalArray._raw(np.where(empty, np.inf, low), np.where(empty, -np.inf, high))

    def hull(self, other: IntervalArray | Interval) -> IntervalArray:
        """Elementwise hull; `|` is the same."""
        right = _to_interval_array(other)
        return IntervalArray._raw(np.minimum(self.low, right.low), np.maximum(self.high, right.high))

    __and__ = intersection
    __or__ = hull

    def _apply(self, kernel: Callable[..., None], other: object, reflected: bool = False) -> IntervalArray:
        right = _as_interval_array(other)
        if right is None:
            return NotImplemented
        left, right = (right, self) if reflected else (self, right)
        if len(left) != len(right) and 1 not in (len(left), len(right)):
            raise ValueError(f"cannot combine {len(left)} intervals with {len(right)}")
        size = max(len(left), len(right))
        low, high = np.empty(size), np.empty(size)
        kernel(left.low, left.high, right.low, right.high, low, high)
        return IntervalArray._raw(low, high)

    def __neg__(self) -> IntervalArray:
        return IntervalArray._raw(-self.high, -self.low)

    def __repr__(self) -> str:
        return f"IntervalArray({self.low.tolist()!r}, {self.high.tolist()!r})"


def _at_positions(error: Exception, bad: NDArray[np.bool_]) -> Exception:
    """Add where the bad intervals are to the message of the first one's error."""
    count = int(bad.sum())
    positions = np.flatnonzero(bad)[:5].tolist()
    more = f" and {count - 5} more" if count > 5 else ""
    error.args = (f"{error.args[0]} (at positions {positions}{more})",)
    return error


def _as_interval_array(value: object) -> IntervalArray | None:
    if isinstance(value, IntervalArray):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return IntervalArray(value, value)  # each number a point interval
    interval = _as_interval(value)
    if interval is None:
        return None
    return IntervalArray._raw(np.array([interval.low]), np.array([interval.high]))


def _to_interval_array(value: object) -> IntervalArray:
    array = _as_interval_array(value)
    if array is None:
        raise TypeError(f"expected intervals, not {type(value).__name__}: {value!r}")
    return array
