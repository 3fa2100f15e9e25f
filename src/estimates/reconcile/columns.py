"""Text columns of the result tables: strings, codes, and lists of ids per row.

The output tables hold text as pandas' str dtype (`claims.TEXT`) and lists of ids as Arrow
lists (`result.ID_LISTS`); these helpers make them from codes and row numbers without
making a Python string per claim where no one reads it.

>>> _and(["a", "b", "c"])
'a, b and c'
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from estimates._given_back import arrow_pool
from estimates.claims import TEXT, arrow_cells, as_categorical, categorical_text
from estimates.csvfile import KEPT_TEXT
from estimates.reconcile.sorting import _by_size

_EMPTY: tuple[str, ...] = ()


def _strings(values: NDArray[np.object_]) -> pd.api.extensions.ExtensionArray:
    """Text for a result column: pandas' str dtype held in Python strings (`claims.TEXT`)."""
    return pd.array(values, dtype=TEXT, copy=False)


def _text_at(column: pd.Series, rows: NDArray[np.int64]) -> NDArray[np.object_]:
    """``column.to_numpy(object)[rows]``, from a Categorical's codes when the column is one
    (as `read_claims` makes the text columns), so no cell of the other rows is made.

    >>> _text_at(pd.Series(["a", "b", "a"], dtype="category"), np.array([2, 1])).tolist()
    ['a', 'b']
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        texts = np.append(column.cat.categories.to_numpy(object), "")  # code -1: missing
        return texts[column.cat.codes.to_numpy()[rows]]
    return column.to_numpy(object)[rows]


def _factorize(column: pd.Series, rows: NDArray[np.bool_] | slice,
               ) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
    """`pd.factorize` of ``column[rows]`` (codes in any order), from a Categorical's codes when
    the column is one (as `read_claims` makes the quantity names): no names are hashed."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(column.to_numpy(object)[rows])
        return codes, np.asarray(uniques, dtype=object)
    codes = column.cat.codes.to_numpy()[rows]
    used = np.zeros(len(column.cat.categories) + 1, dtype=bool)
    used[codes] = True  # a missing name (code -1) marks the extra last place
    compact = np.r_[np.cumsum(used[:-1]) - 1, -1]
    return compact[codes].astype(np.intp, copy=False), column.cat.categories.to_numpy(object)[used[:-1]]


def _coded(column: pd.Series) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    """A text column as a code per row (a copy) and the texts: a Categorical's own codes and
    categories (`categorical_text`), else `pd.factorize`.

    >>> [a.tolist() for a in _coded(pd.Series(["b", None, "b"], dtype="category"))]
    [[0, 1, 0], ['b', '']]
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return categorical_text(column)
    codes, texts = pd.factorize(column)
    return codes.astype(np.int64), np.asarray(texts, dtype=object)


def _rate_units(unit: pd.Series, rate: NDArray[np.bool_]) -> pd.Categorical:
    """Each claim's unit, per day for a rate (``1 / day`` when it has none), as a Categorical
    made from the units' codes.

    >>> _rate_units(pd.Series(["km", "", "km"]), np.array([False, True, True])).tolist()
    ['km', '1 / day', 'km / day']
    """
    codes, texts = _coded(unit)
    per_day = np.where(texts != "", texts, "1") + " / day"
    return as_categorical(np.where(rate, codes + texts.size, codes), np.r_[texts, per_day])


def _tuples(values: NDArray[np.object_], bounds: NDArray[np.int64], *, ordered: bool,
            rows: NDArray[np.int64] | None = None) -> NDArray[np.object_]:
    """Tuples of ``values[bounds[i]:bounds[i+1]]`` (sorted when `ordered`), as an object array;
    with `rows`, of ``values[rows[bounds[i]:bounds[i+1]]]``."""
    out = np.empty(bounds.size - 1, dtype=object)
    for which, at in _by_size(bounds):
        block = values[at if rows is None else rows[at]]
        if ordered and at.shape[1] == 2:  # the common case, without a sort call per row
            swap = block[:, 1] < block[:, 0]
            block[swap] = block[swap][:, ::-1]
        elif ordered and at.shape[1] > 2:
            block.sort(axis=1)
        items = zip(*block.T.tolist(), strict=True) if at.shape[1] else itertools.repeat(_EMPTY)
        out[which] = np.fromiter(items, dtype=object, count=which.size)
    return out


def _arrow_text(texts: NDArray[np.object_] | pd.api.extensions.ExtensionArray,
                ) -> pa.Array | NDArray[np.object_]:
    """Text as one Arrow array of large strings (no copy when Arrow holds it already), or as
    Python strings when some text has no UTF-8 (a lone surrogate: `claims.arrow_cells`)."""
    if not (isinstance(texts, pd.api.extensions.ExtensionArray) and texts.dtype == KEPT_TEXT):
        texts = arrow_cells(None, np.asarray(texts, dtype=object))
    if texts.dtype != KEPT_TEXT:
        return texts.to_numpy(object)
    array = pa.array(texts)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _reordered(bounds: NDArray[np.int64], order: NDArray[np.int64], rows: NDArray[np.int64],
               ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The runs ``rows[bounds[i]:bounds[i+1]]`` taken in the order `order`: (bounds, rows).

    >>> [a.tolist() for a in _reordered(np.array([0, 2, 3]), np.array([1, 0]), np.array([5, 6, 7]))]
    [[0, 1, 3], [7, 5, 6]]
    """
    counts = np.diff(bounds)[order]
    new = np.r_[0, np.cumsum(counts)]
    at = np.repeat(bounds[order] - new[:-1], counts)
    at += np.arange(new[-1])
    return new, rows[at]


def _id_lists(values: pa.Array | NDArray[np.object_], bounds: NDArray[np.int64],
              rows: NDArray[np.int64] | None = None, *, ordered: bool = False,
              encoded: bool = False) -> pd.api.extensions.ExtensionArray:
    """Lists of ``values[rows[bounds[i]:bounds[i+1]]]`` (each sorted when `ordered`) as an
    `ID_LISTS` array, or with `encoded` (few values, many rows) as lists of a dictionary
    array: codes into `values`, each value held once (not sorted: give the rows in order);
    as tuples in an object array when `values` are Python strings, which Arrow cannot hold.

    >>> _id_lists(pa.array(["a", "b", "c"], pa.large_string()), np.array([0, 0, 2, 2, 3, 3]),
    ...           rows=np.array([2, 0, 1]), ordered=True).tolist()
    [[], ['a', 'c'], [], ['b'], []]
    """
    if isinstance(values, np.ndarray):
        return pd.array(_tuples(values, bounds, ordered=ordered, rows=rows), dtype=object)
    pool = arrow_pool()
    if encoded and rows is not None:
        taken = pa.DictionaryArray.from_arrays(pa.array(rows, pa.int32(), memory_pool=pool), values)
    else:
        taken = values if rows is None else pc.take(values, rows, memory_pool=pool)
    if ordered and len(taken) > 1:
        # already in order (as when ids ascend with the rows): a run of comparisons, no sort
        later = np.array(pc.greater(taken[:-1], taken[1:], memory_pool=pool))
        edges = bounds[1:-1]  # the last of one list against the first of the next
        later[edges[(edges > 0) & (edges < len(taken))] - 1] = False
        if later.any():
            group = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
            order = pc.sort_indices(pa.table({"group": group, "id": taken}),
                                    sort_keys=[("group", "ascending"), ("id", "ascending")],
                                    memory_pool=pool)
            taken = pc.take(taken, order, memory_pool=pool)
    offsets = pa.array(bounds, pa.int32(), memory_pool=pool)
    return pd.arrays.ArrowExtensionArray(pa.ListArray.from_arrays(offsets, taken, pool=pool))


def _distinct(function: Any, a: NDArray[Any], b: NDArray[Any], *, ordered: bool = False,
              ) -> tuple[NDArray[np.int64], NDArray[np.object_]]:
    """``function(a[i], b[i])`` called once per distinct pair: (pair code per i, value per code).

    With `ordered` the codes follow the order of the pairs (by a, then b).
    """
    a_codes, a_values = pd.factorize(a, sort=ordered)
    b_codes, b_values = pd.factorize(b, sort=ordered)
    width = max(len(b_values), 1)
    codes, pairs = pd.factorize(a_codes * width + b_codes, sort=ordered)
    values = np.empty(len(pairs), dtype=object)
    values[:] = [function(a_values[p // width], b_values[p % width]) for p in pairs.tolist()]
    return codes.astype(np.int64), values


def _interval_text(low: float, high: float) -> str:
    if math.isinf(high):
        return f"at least {low:,.6g}"
    if math.isinf(low):
        return f"at most {high:,.6g}"
    return f"{low:,.6g} to {high:,.6g}"


def _and(texts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]
