"""Orders, ranks and runs over integer and text keys: the sorting the stages share.

Every stage sorts claims by a few keys and then works on runs of equal keys (a
quantity's claims, a time's claims); these are those sorts, done the fast way numpy allows.

>>> _runs(np.array([3, 3, 5, 7, 7])).tolist()
[0, 2, 3, 5]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def _ranks(texts: NDArray[np.object_]) -> NDArray[np.int64]:
    """Dense ranks of strings in Python's order (equal strings share one), as
    ``pd.factorize(texts, sort=True)`` gives; sorted as numpy strings, which is faster."""
    try:
        values = texts.astype(np.dtypes.StringDType())
    except UnicodeEncodeError:  # lone surrogates have no UTF-8
        return pd.factorize(texts, sort=True)[0].astype(np.int64)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(texts.size, dtype=np.int64)
    values = values[order]
    ranks[order] = np.cumsum(np.r_[False, values[1:] != values[:-1]])
    return ranks


def _lexsort(keys: Sequence[NDArray[np.int64]]) -> NDArray[np.intp]:
    """`np.lexsort` of integer keys (the last is the first key), as one stable sort of a
    combined key when their spans multiply below 2**62 (twice as fast)."""
    if keys[0].size == 0:
        return np.zeros(0, dtype=np.intp)
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    if math.prod(spans) >= 2**62:
        return np.lexsort(keys)
    combined = np.zeros(keys[0].size, dtype=np.int64)
    for k, low, span in zip(keys[::-1], lows[::-1], spans[::-1], strict=True):
        combined *= span
        combined += k
        combined -= low
    return np.argsort(combined, kind="stable")


def _code_starts(codes: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    """Where each of 0..size-1 starts in sorted `codes` (plus the end):
    ``np.searchsorted(codes, np.arange(size + 1))`` by counting."""
    return np.r_[0, np.cumsum(np.bincount(codes, minlength=size))]


def _runs(sorted_keys: NDArray[Any]) -> NDArray[np.int64]:
    """Start positions of the runs of equal values in a sorted array (plus its length)."""
    if sorted_keys.size == 0:
        return np.zeros(1, dtype=np.int64)
    return np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1, sorted_keys.size]


def _run_numbers(*keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """For rows sorted by `keys`, the number of each run of equal keys (0, 1, ...).

    >>> _run_numbers(np.array([0, 0, 1, 1]), np.array([0, 5, 5, 5])).tolist()
    [0, 1, 2, 2]
    """
    new = np.zeros(keys[0].size, dtype=bool)
    for key in keys:
        new[1:] |= key[1:] != key[:-1]
    return np.cumsum(new)


def _by_size(bounds: NDArray[np.int64]) -> Iterator[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """The runs ``bounds[i]:bounds[i+1]``, a length at a time: (run numbers, their positions as rows)."""
    counts = np.diff(bounds)
    by_size = np.argsort(_narrow(counts), kind="stable")
    for a, b in itertools.pairwise(_runs(counts[by_size]).tolist()):
        which = by_size[a:b]
        yield which, bounds[which][:, None] + np.arange(counts[which[0]])


def _narrow(keys: NDArray[np.int64]) -> NDArray[Any]:
    """Small non-negative keys as 16-bit integers, which numpy's stable sort orders by radix."""
    return keys.astype(np.uint16) if keys.size and keys.min() >= 0 and keys.max() < 2**16 else keys


def _sorted_within(values: NDArray[Any], bounds: NDArray[np.int64]) -> NDArray[np.int64]:
    """The order that sorts `values` within each run ``bounds[i]:bounds[i+1]`` (stable)."""
    order = np.arange(values.size)
    for _, at in _by_size(bounds):
        if at.shape[1] > 1:
            order[at] = np.take_along_axis(at, np.argsort(values[at], axis=1, kind="stable"), axis=1)
    return order
