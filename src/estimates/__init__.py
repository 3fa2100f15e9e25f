"""estimates: turn the numbers in reports into honest ranges and find where they disagree.

>>> import estimates
>>> estimates.Interval(1353.5, 1354.5) * 31
Interval(41958.5, 41989.5)
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Where each public name lives: a module loads on first use of one of its names, so
#: `import estimates` (and `estimates --version`, `estimates parse`) loads neither pandas
#: nor the solvers. ``plot`` is the module itself (matplotlib).
_HOMES = {
    "read_claims": "claims", "admiralty_grade": "confidence", "estimative_probability": "confidence",
    **dict.fromkeys(["ArticleError", "ClaimsError", "DimensionError", "EmptyIntervalError",
                     "EstimatesError", "ExpressionError", "InvalidBoundError", "LexiconError", "ParseError",
                     "UnitError",
                     "UnitMismatchError"], "errors"),
    "Relation": "expression", "read_relations": "expression", "Interval": "interval",
    "extract": "extract", "settle_quantities": "quantities",
    "IntervalArray": "interval", "Lexicon": "lexicon", "Reading": "parse", "parse": "parse",
    "parse_many": "parse", "ID_LISTS": "reconcile", "Reason": "reconcile",
    "Reconciliation": "reconcile", "reconcile": "reconcile", "ureg": "units",
}

if TYPE_CHECKING:
    from estimates.claims import read_claims
    from estimates.confidence import admiralty_grade, estimative_probability
    from estimates.errors import (
        ArticleError,
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
    from estimates.extract import extract
    from estimates.interval import Interval, IntervalArray
    from estimates.lexicon import Lexicon
    from estimates.parse import Reading, parse, parse_many
    from estimates.quantities import settle_quantities
    from estimates.reconcile import ID_LISTS, Reason, Reconciliation, reconcile
    from estimates.units import ureg


class _Package(types.ModuleType):
    """The package, whose names `parse` and `reconcile` stay the functions (as the eager
    imports of old left them) when their modules load: Python sets a loaded submodule as an
    attribute of its package."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, types.ModuleType) and _HOMES.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if "pandas" in sys.modules:  # pandas is there already: register df.estimates now
    importlib.import_module("estimates.accessor")


def __getattr__(name: str) -> object:
    """Load the module of a public name on its first use (see `_HOMES`)."""
    if name == "plot":
        return importlib.import_module("estimates.plot")
    if name not in _HOMES:
        raise AttributeError(f"module 'estimates' has no attribute {name!r}")
    if _HOMES[name] in ("claims", "reconcile"):
        importlib.import_module("estimates.accessor")  # registers df.estimates with the tables
    value = getattr(importlib.import_module(f"estimates.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES, "plot"])


__all__ = [
    "ID_LISTS",
    "ArticleError",
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
