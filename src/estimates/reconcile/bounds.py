"""The first stage: each claim's interval as closed bounds the later stages can compare.

Two rules of reading (``docs/rules.md``):

- **Open ends are excluded.** "over 100" is (100, inf). For a count the end moves to the
  next whole number (101); for a real quantity to the next float inside (the nearest value
  that is not 100), so two claims that meet only at an excluded end do not meet.
- **Counts are whole.** A quantity counted in a countable unit (persons, containers, a
  noun of the user's) takes whole values: its claims' bounds are rounded inward (the low
  up, the high down), so "564" with its halo [563.5, 564.5] is 564 and "over 5,000" is at
  least 5,001. Rates (per day) and ratios are real numbers.

>>> closed = closed_bounds(np.array([100.0, 563.5, 0.3]), np.array([np.inf, 564.5, 0.4]),
...                        np.array([True, False, True]), np.array([False, False, False]),
...                        np.array([True, True, False]))
>>> closed.low.tolist()[:2], closed.high.tolist()[:2], bool(closed.low[2] > 0.3)
([101.0, 564.0], [inf, 564.0], True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from estimates.errors import EstimatesError
from estimates.units import counts_things, is_currency, parse_unit

__all__ = ["ClosedBounds", "closed_bounds", "counted", "whole"]



@cache
def counted(unit: str) -> bool:
    """Whether a quantity in `unit` is counted (takes whole values): one countable dimension.

    >>> counted("person"), counted("container"), counted("person / day"), counted("")
    (True, True, False, False)
    """
    try:
        parsed = parse_unit(unit)
    except EstimatesError:
        return False
    return counts_things(parsed) and not is_currency(parsed)


@dataclass(frozen=True, slots=True)
class ClosedBounds:
    """Each claim's bounds, closed: open ends moved inside, counts rounded to whole numbers."""

    #: the least value each claim allows
    low: NDArray[np.float64]
    #: the greatest value each claim allows
    high: NDArray[np.float64]
    #: where no value is left (a count with no whole number in its interval)
    empty: NDArray[np.bool_]


def closed_bounds(low: NDArray[np.float64], high: NDArray[np.float64], low_open: NDArray[np.bool_],
                  high_open: NDArray[np.bool_], whole_values: NDArray[np.bool_]) -> ClosedBounds:
    """The closed bounds of each claim (`whole_values`: the claim is about a count)."""
    # worked in place on two new arrays (at 10 million claims each temporary is 80 MB)
    new_low, new_high = np.array(low, dtype=np.float64), np.array(high, dtype=np.float64)
    for bound, is_open, inward in ((new_low, low_open, np.inf), (new_high, high_open, -np.inf)):
        real_open = np.flatnonzero(is_open & ~whole_values & np.isfinite(bound))
        bound[real_open] = np.nextafter(bound[real_open], inward)
        count = np.flatnonzero(whole_values & np.isfinite(bound))
        values, opened = bound[count], is_open[count]
        if inward > 0:  # the low: up to a whole number, past it when the end is open
            bound[count] = np.where(opened, np.floor(values) + 1, np.ceil(values))
        else:
            bound[count] = np.where(opened, np.ceil(values) - 1, np.floor(values))
    return ClosedBounds(new_low, new_high, new_low > new_high)


def whole(low: NDArray[np.float64], high: NDArray[np.float64], mask: NDArray[np.bool_],
          ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Bounds rounded inward where `mask` (the low up, the high down): the whole numbers
    inside each interval of a count.

    >>> [b.tolist() for b in whole(np.array([1.5, 1.5]), np.array([3.5, 3.5]), np.array([True, False]))]
    [[2.0, 1.5], [3.0, 3.5]]
    """
    return np.where(mask, np.ceil(low), low), np.where(mask, np.floor(high), high)


def _middle(low: NDArray[np.float64], high: NDArray[np.float64]) -> NDArray[np.float64]:
    """The middle of each interval when finite, else its finite end (infinite when none)."""
    out = low / 2
    out += high / 2
    np.copyto(out, np.where(np.isfinite(low), low, high), where=~(np.isfinite(low) & np.isfinite(high)))
    return out
