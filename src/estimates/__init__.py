"""estimates: turn the numbers in reports into honest ranges and find where they disagree.

>>> import estimates
>>> estimates.Interval(1353.5, 1354.5) * 31
Interval(41958.5, 41989.5)
"""

from estimates.confidence import admiralty_grade, estimative_probability
from estimates.errors import (
    EmptyIntervalError,
    EstimatesError,
    InvalidBoundError,
    LexiconError,
    ParseError,
    UnitError,
    UnitMismatchError,
)
from estimates.interval import Interval, IntervalArray
from estimates.lexicon import Lexicon
from estimates.parse import Reading, parse, parse_many
from estimates.units import ureg

__version__ = "0.1.0"

__all__ = [
    "EmptyIntervalError",
    "EstimatesError",
    "Interval",
    "IntervalArray",
    "InvalidBoundError",
    "Lexicon",
    "LexiconError",
    "ParseError",
    "Reading",
    "UnitError",
    "UnitMismatchError",
    "__version__",
    "admiralty_grade",
    "estimative_probability",
    "parse",
    "parse_many",
    "ureg",
]
