"""Intervals with a unit: arithmetic that checks dimensions and converts outward.

A `QuantityInterval` is an `Interval` (or `IntervalArray`) of magnitudes in one pint
unit. Adding or comparing needs one dimension (troops and containers do not mix);
converting multiplies by the exact conversion factor enclosed in an interval, so the
result contains the exact converted values.

>>> rate = QuantityInterval(Interval(1353.5, 1354.5), "person/day")
>>> rate * QuantityInterval(Interval(31), "day")
QuantityInterval(Interval(41958.5, 41989.5), 'person')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Union

import pint

from estimates.errors import UnitMismatchError
from estimates.interval import Interval, IntervalArray
from estimates.units import conversion_factor, parse_unit, ureg

__all__ = ["QuantityInterval"]

Magnitude = Union[Interval, IntervalArray]


def _factor_interval(factor: Fraction) -> Interval:
    """The tightest interval of floats holding an exact factor."""
    return Interval(factor)


@dataclass(frozen=True, slots=True, init=False)
class QuantityInterval:
    """An interval of values in one unit.

    >>> QuantityInterval(Interval(1, 2), "person/day").to("person/week")
    QuantityInterval(Interval(7.0, 14.0), 'person / week')
    """

    #: the magnitudes, in `unit`
    magnitude: Magnitude
    #: the unit, from `estimates.ureg`
    unit: pint.Unit

    def __init__(self, magnitude: Magnitude | float, unit: str | pint.Unit = "") -> None:
        if not isinstance(magnitude, (Interval, IntervalArray)):
            magnitude = Interval(magnitude)
        object.__setattr__(self, "magnitude", magnitude)
        object.__setattr__(self, "unit", parse_unit(unit))

    def to(self, unit: str | pint.Unit) -> QuantityInterval:
        """The same values in another unit of the same dimension (rounded outward)."""
        target = parse_unit(unit)
        factor = conversion_factor(self.unit, target)
        if factor == 1:
            return QuantityInterval(self.magnitude, target)
        return QuantityInterval(self.magnitude * _factor_interval(factor), target)

    def _same_unit(self, other: QuantityInterval, operation: str) -> Magnitude:
        if self.unit.dimensionality != other.unit.dimensionality:
            raise UnitMismatchError(str(self.unit), str(other.unit), operation)
        return other.to(self.unit).magnitude

    def _combine(self, other: QuantityInterval, product: pint.Unit, magnitude: Magnitude) -> QuantityInterval:
        """Express a product or quotient in its simplest unit, exactly."""
        reduced = ureg.Quantity(1, product).to_reduced_units().units
        result = QuantityInterval(magnitude, product)
        return result.to(str(reduced)) if reduced != product else result

    def __add__(self, other: object) -> QuantityInterval:
        if not isinstance(other, QuantityInterval):
            return NotImplemented
        return QuantityInterval(self.magnitude + self._same_unit(other, "add"), self.unit)

    def __sub__(self, other: object) -> QuantityInterval:
        if not isinstance(other, QuantityInterval):
            return NotImplemented
        return QuantityInterval(self.magnitude - self._same_unit(other, "subtract"), self.unit)

    def __mul__(self, other: object) -> QuantityInterval:
        if isinstance(other, QuantityInterval):
            return self._combine(other, self.unit * other.unit, self.magnitude * other.magnitude)
        if isinstance(other, (int, float, Fraction, Interval)):
            return QuantityInterval(self.magnitude * other, self.unit)
        return NotImplemented

    def __rmul__(self, other: object) -> QuantityInterval:
        return self.__mul__(other)

    def __truediv__(self, other: object) -> QuantityInterval:
        if isinstance(other, QuantityInterval):
            return self._combine(other, self.unit / other.unit, self.magnitude / other.magnitude)
        if isinstance(other, (int, float, Fraction, Interval)):
            return QuantityInterval(self.magnitude / other, self.unit)
        return NotImplemented

    def __neg__(self) -> QuantityInterval:
        return QuantityInterval(-self.magnitude, self.unit)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, pint.Quantity):
            value = item.to(self.unit).magnitude if item.units != self.unit else item.magnitude
            return value in self.magnitude
        return item in self.magnitude

    def __repr__(self) -> str:
        return f"QuantityInterval({self.magnitude!r}, {str(self.unit)!r})"
