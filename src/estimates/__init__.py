"""estimates: turn the numbers in reports into honest ranges and find where they disagree.

>>> import estimates
>>> estimates.Interval(1353.5, 1354.5) * 31
Interval(41958.5, 41989.5)
"""

from estimates.errors import (
    EmptyIntervalError,
    EstimatesError,
    InvalidBoundError,
    UnitError,
    UnitMismatchError,
)
from estimates.interval import Interval, IntervalArray
from estimates.units import ureg

__version__ = "0.1.0"

__all__ = [
    "EmptyIntervalError",
    "EstimatesError",
    "Interval",
    "IntervalArray",
    "InvalidBoundError",
    "UnitError",
    "UnitMismatchError",
    "__version__",
    "ureg",
]
