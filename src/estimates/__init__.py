"""estimates: turn the numbers in reports into honest ranges and find where they disagree.

>>> import estimates
>>> estimates.Interval(1353.5, 1354.5) * 31
Interval(41958.5, 41989.5)
"""

from estimates import accessor as _accessor  # noqa: F401  (registers df.estimates)
from estimates.claims import read_claims
from estimates.confidence import admiralty_grade, estimative_probability
from estimates.errors import (
    ClaimsError,
    DimensionError,
    EmptyIntervalError,
    EstimatesError,
    ExpressionError,
    InvalidBoundError,
    LexiconError,
    ParseError,
    UnitError,
    UnitMismatchError,
)
from estimates.expression import Relation, read_relations
from estimates.extract import extract  # the function; `from estimates.extract import ...` for the rest
from estimates.interval import Interval, IntervalArray
from estimates.lexicon import Lexicon
from estimates.parse import Reading, parse, parse_many
from estimates.quantities import settle_quantities
from estimates.reconcile import ID_LISTS, Reason, Reconciliation, reconcile
from estimates.units import ureg

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`estimates.plot` loads on first use, so `import estimates` does not load matplotlib."""
    if name == "plot":
        import importlib

        return importlib.import_module("estimates.plot")
    raise AttributeError(f"module 'estimates' has no attribute {name!r}")

__all__ = [
    "ID_LISTS",
    "ClaimsError",
    "DimensionError",
    "EmptyIntervalError",
    "EstimatesError",
    "ExpressionError",
    "Interval",
    "IntervalArray",
    "InvalidBoundError",
    "Lexicon",
    "LexiconError",
    "ParseError",
    "Reading",
    "Reason",
    "Reconciliation",
    "Relation",
    "UnitError",
    "UnitMismatchError",
    "__version__",
    "admiralty_grade",
    "estimative_probability",
    "extract",
    "parse",
    "parse_many",
    "read_claims",
    "read_relations",
    "reconcile",
    "settle_quantities",
    "ureg",
]
