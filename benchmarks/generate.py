"""Deterministic claim tables in the CSV schema of DESIGN.md, for benchmarks up to 10^7 rows.

Each quantity has a hidden true path over ``n_times`` monthly dates from 2024-01-01: a level
quantity drifts (a positive random walk), a cumulative one is a running total that never
falls. Honest claims are intervals that contain the truth at their ``as_of``, written in the
wordings of `WORDINGS`; a share ``contradicting`` of the claims is off by about 3x or 1/3 and
excludes the truth. With ``relation_groups=k`` the first 3k quantities are ``g{i}.casualties``,
``g{i}.killed`` and ``g{i}.wounded`` (cumulative) with casualties = killed + wounded at every
time; `generate_relations` gives those relation lines.

Strings are built without a Python loop per row: numbers are written digit by digit into a
byte matrix (one row per claim), and columns are joined as fixed-width bytes arrays with the C
ufuncs of `numpy.strings`, a chunk of rows at a time. Low-cardinality columns of
the frame (quantity, unit, as_of, period, kind, claimant, outlet, published, grade and the
empty ones) are categorical to keep 10^7 rows cheap; ``frame.astype(str)`` gives plain strings.

Run: python benchmarks/generate.py --claims 1000000 --quantities 100000 -o claims.csv
     [--times 10] [--contradicting 0.05] [--relation-groups 0] [--seed 0]
     [--relations-out relations.txt] [--truth-out truth.csv]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

__all__ = ["COLUMNS", "WORDINGS", "Truth", "generate_claims", "generate_relations"]

#: The CSV columns of DESIGN.md, in order.
COLUMNS = ("id", "quantity", "value", "unit", "low", "high", "best", "as_of", "period", "kind",
           "claimant", "outlet", "published", "document", "quote", "confidence", "grade", "note")

#: The ``value`` wordings, as (prefix, separator, suffix) around N (and M for a range).
#: ``explicit`` rows leave ``value`` empty and give the bounds in ``low``/``high``.
WORDINGS: dict[str, tuple[str, str, str]] = {
    "bare": ("", "", ""),                       # 11,000: N within the halo of its digits
    "about": ("about ", "", ""),                # N within 5 % of the truth
    "approximately": ("approximately ", "", ""),
    "over": ("over ", "", ""),                  # N below the truth
    "more than": ("more than ", "", ""),
    "at least": ("at least ", "", ""),          # N at or below the truth
    "plus": ("", "", "+"),                      # N+
    "up to": ("up to ", "", ""),                # N at or above the truth
    "as many as": ("as many as ", "", ""),
    "range": ("", "-", ""),                     # N-M around the truth
    "explicit": ("", "", ""),
    "rate about": ("about ", "", " per day"),   # average rate over `period`
    "rate bare": ("", "", " per day"),
    "rate range": ("", "-", " per day"),
}
_CODE = {name: code for code, name in enumerate(WORDINGS)}
#: How often each wording is drawn for an honest count claim.
_HONEST_SHARES = {"bare": 0.25, "about": 0.10, "approximately": 0.10, "over": 0.08,
                  "more than": 0.07, "at least": 0.08, "plus": 0.05, "up to": 0.07,
                  "as many as": 0.05, "range": 0.10, "explicit": 0.05}
_RATE_WORDINGS = ("rate about", "rate bare", "rate range")
_OFF_WORDINGS = ("bare", "about", "over", "up to")

START = np.datetime64("2024-01", "M")
_LEVEL_NOUNS = ("troops", "personnel", "deployed", "garrison", "fighters")
_CUMULATIVE_NOUNS = ("casualties", "losses", "dispatched", "killed", "wounded", "captured")
_BODIES = ("Ministry of Defence", "General Staff", "Intelligence service", "Presidential office",
           "Military spokesperson", "Defence attache", "Parliamentary committee", "Think tank")
_LANDS = tuple(f"of Country {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXY")
_CLAIMANTS = tuple(f"{body} {land}" for land in _LANDS for body in _BODIES)
_OUTLETS = ("The Daily Ledger", "Morning Wire", "Frontline Review", "Evening Courier",
            "Global Dispatch", "Harbor Times", "The Observer Post", "Capital Tribune",
            "Regional Herald", "News Agency One", "Open Source Monitor", "The Weekly Brief")
_GRADES = ("", "A1", "B2", "B3", "C2", "C3")
_GRADE_SHARES = (0.8, 0.04, 0.06, 0.04, 0.03, 0.03)
_PUBLICATION_LAG = 15  # days: published is as_of plus 0..14 days
_CHUNK = 1 << 20       # rows per string-building pass, to bound memory


@dataclass(frozen=True, slots=True)
class Truth:
    """The hidden truth behind a generated table."""

    #: quantity names, shape (G,)
    quantities: NDArray[np.object_]
    #: ``level`` or ``cumulative`` per quantity, shape (G,)
    kinds: NDArray[np.object_]
    #: the dates as YYYY-MM-DD, shape (T,)
    dates: NDArray[np.object_]
    #: true value of each quantity at each date, shape (G, T)
    values: NDArray[np.int64]
    #: whether each claim (row of the frame) is a planted contradiction, shape (N,)
    contradicting: NDArray[np.bool_]

    def table(self) -> pd.DataFrame:
        """The truth in long form: quantity, kind, as_of, value (one row per quantity and date)."""
        g, t = self.values.shape
        return pd.DataFrame({"quantity": np.repeat(self.quantities, t),
                             "kind": np.repeat(self.kinds, t),
                             "as_of": np.tile(self.dates, g),
                             "value": self.values.ravel()})


def generate_relations(k: int) -> list[str]:
    """The relation lines of ``k`` groups.

    >>> generate_relations(2)
    ['g0.casualties = g0.killed + g0.wounded', 'g1.casualties = g1.killed + g1.wounded']
    """
    return [f"g{i}.casualties = g{i}.killed + g{i}.wounded" for i in range(k)]


# Strings as fixed-width bytes -----------------------------------------------------------------
# np.strings ufuncs on bytes arrays run in C, so a column is a few array operations.

_Bytes = NDArray[np.bytes_]
_POW10 = 10 ** np.arange(19, dtype=np.int64)


def _pool(strings: Sequence[str], codes: ArrayLike) -> _Bytes:
    """Strings taken from a small pool by code."""
    return np.array([s.encode() for s in strings], dtype=np.bytes_)[np.asarray(codes, np.intp)]


def _digits(n: NDArray[np.int64], *, commas: bool = True, width: int = 0) -> _Bytes:
    """Non-negative integers in decimal, with thousands separators or zero-padded to ``width``."""
    count = np.maximum(np.searchsorted(_POW10, n, side="right"), max(width, 1))
    length = count + (count - 1) // 3 if commas else count
    columns = int(length.max()) if len(n) else 1
    chars = np.full((len(n), columns), ord(" "), np.uint8)  # right-aligned, then stripped
    digit = 0
    for place in range(columns):
        shown = length > place
        if commas and place % 4 == 3:
            chars[:, columns - 1 - place] = np.where(shown, ord(","), ord(" "))
            continue
        chars[:, columns - 1 - place] = np.where(shown, n // _POW10[digit] % 10 + ord("0"), ord(" "))
        digit += 1
    return np.strings.lstrip(chars.view(f"S{columns}").ravel())


def _join(*parts: _Bytes | bytes) -> _Bytes:
    """Row-wise concatenation."""
    joined = parts[0]
    for part in parts[1:]:
        joined = np.strings.add(joined, part)
    return np.asarray(joined)


def _blank(strings: _Bytes, mask: NDArray[np.bool_]) -> _Bytes:
    return np.where(mask, b"", strings)


def _python(strings: _Bytes) -> NDArray[np.object_]:
    return strings.astype(np.dtypes.StringDType()).astype(object)


def _categorical(codes: ArrayLike, categories: Sequence[str] | NDArray[Any]) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, np.int64), categories=list(categories))


# Numbers -----------------------------------------------------------------------------------


_POW10_FLOAT = 10.0 ** np.arange(19)
_Rounding = Literal["floor", "ceil", "nearest"]


def _round_figures(x: NDArray[np.float64], figures: int | NDArray[np.int64],
                   how: _Rounding) -> NDArray[np.int64]:
    """``x`` rounded to whole numbers of ``figures`` significant figures."""
    exponent = np.searchsorted(_POW10_FLOAT, x, side="right") - 1  # floor(log10(x)) for x >= 1
    scale = _POW10_FLOAT[np.maximum(exponent - np.asarray(figures) + 1, 0)]
    ratio = x / scale
    rounded = np.floor(ratio) if how == "floor" else np.ceil(ratio) if how == "ceil" else np.round(ratio)
    return (rounded * scale).astype(np.int64)


def _truth_paths(rng: np.random.Generator, cumulative: NDArray[np.bool_], n_times: int,
                 groups: int) -> NDArray[np.int64]:
    """True values (G, T): positive drifting levels, nondecreasing running totals, and groups
    whose casualties are killed + wounded."""
    g = len(cumulative)
    start = 10.0 ** rng.uniform(2.5, 5.5, g)
    steps = rng.normal(0.0, 0.08, (g, n_times))
    steps[:, 0] = 0.0
    level = np.maximum(np.round(start[:, None] * np.exp(np.cumsum(steps, axis=1))), 100)
    # at least 600 a month, so that an average rate per day is at least ~19
    growth = np.round(start[:, None] * rng.uniform(0.01, 0.15, (g, n_times))) + 600
    growth[:, 0] = 0
    total = np.round(start)[:, None] + np.cumsum(growth, axis=1)
    values = np.where(cumulative[:, None], total, level).astype(np.int64)
    if groups:
        casualties, killed, wounded = (np.arange(groups) * 3 + j for j in range(3))
        values[casualties] = values[killed] + values[wounded]
    return values


#: Honest claims: (wordings, range of the factor on the truth, significant figures (None: 2, 3
#: or 4 at random), rounding). The factor keeps N on the side of the truth its wording needs.
_HONEST_RULES: tuple[tuple[tuple[str, ...], float, float, int | None, _Rounding], ...] = (
    (("bare", "rate bare"), 1.0, 1.0, None, "nearest"),
    (("about", "approximately", "rate about"), 1.0, 1.0, 2, "nearest"),
    (("over", "more than"), 0.6, 0.95, 2, "floor"),
    (("at least", "plus"), 0.6, 1.0, 2, "floor"),
    (("up to", "as many as"), 1.0, 1.6, 2, "ceil"),
    (("range", "rate range", "explicit"), 0.5, 0.95, 2, "floor"),
)


def _claim_numbers(rng: np.random.Generator, truth: NDArray[np.float64], wording: NDArray[np.int64],
                   off: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The numbers N (and M, of ranges and explicit bounds) each claim writes."""
    n = len(truth)
    spread, upper = rng.random(n), rng.random(n)
    figures = rng.choice(np.array([2, 2, 3, 4]), n)
    first = np.zeros(n, np.int64)
    second = np.zeros(n, np.int64)
    for names, low, high, digits, how in _HONEST_RULES:
        rows = np.flatnonzero(~off & np.isin(wording, [_CODE[name] for name in names]))
        first[rows] = _round_figures(truth[rows] * (low + (high - low) * spread[rows]),
                                     figures[rows] if digits is None else digits, how)
    rows = np.flatnonzero(~off & np.isin(wording, [_CODE[w] for w in ("range", "rate range", "explicit")]))
    second[rows] = _round_figures(truth[rows] * (1.05 + 0.95 * upper[rows]), 2, "ceil")
    # planted: over 3x the truth, up to a third of it, or about 3x or a third
    over, up_to = off & (wording == _CODE["over"]), off & (wording == _CODE["up to"])
    first[over] = _round_figures(truth[over] * 3, 2, "ceil")
    first[up_to] = _round_figures(truth[up_to] / 3, 2, "floor")
    rows = np.flatnonzero(off & ~over & ~up_to)
    first[rows] = _round_figures(truth[rows] * np.where(spread[rows] < 0.5, 3.0, 1 / 3), 2, "nearest")
    return first, second


# The table ---------------------------------------------------------------------------------


@overload
def generate_claims(n_claims: int, n_quantities: int, *, n_times: int = ..., contradicting: float = ...,
                    cumulative_share: float = ..., relation_groups: int = ..., seed: int = ...,
                    rate_share: float = ..., return_truth: Literal[False] = ...) -> pd.DataFrame: ...
@overload
def generate_claims(n_claims: int, n_quantities: int, *, n_times: int = ..., contradicting: float = ...,
                    cumulative_share: float = ..., relation_groups: int = ..., seed: int = ...,
                    rate_share: float = ..., return_truth: Literal[True]) -> tuple[pd.DataFrame, Truth]: ...
def generate_claims(n_claims: int, n_quantities: int, *, n_times: int = 10, contradicting: float = 0.05,
                    cumulative_share: float = 0.5, relation_groups: int = 0, seed: int = 0,
                    rate_share: float = 0.05, return_truth: bool = False,
                    ) -> pd.DataFrame | tuple[pd.DataFrame, Truth]:
    """``n_claims`` claims over ``n_quantities`` quantities and ``n_times`` monthly dates.

    A share ``cumulative_share`` of the quantities is cumulative; ``rate_share`` of the honest
    claims on them (after the first date) are average rates per day over the month before their
    ``as_of``. Exactly ``round(contradicting * n_claims)`` claims are planted contradictions.
    Every quantity has a claim when ``n_claims >= n_quantities``. The same arguments give the
    same table; with ``return_truth=True`` the `Truth` comes with it.

    >>> frame = generate_claims(3, 2, seed=1)
    >>> list(frame["id"]), list(frame.columns) == list(COLUMNS)
    (['c0000001', 'c0000002', 'c0000003'], True)
    """
    if n_claims < 0 or n_quantities < 1 or n_times < 1 or relation_groups < 0:
        raise ValueError("need n_claims >= 0, n_quantities >= 1, n_times >= 1, relation_groups >= 0")
    if 3 * relation_groups > n_quantities:
        raise ValueError(f"{relation_groups} relation groups need {3 * relation_groups} quantities, "
                         f"not {n_quantities}")
    for name, share in (("contradicting", contradicting), ("cumulative_share", cumulative_share),
                        ("rate_share", rate_share)):
        if not 0 <= share <= 1:
            raise ValueError(f"{name} must be between 0 and 1, not {share}")
    rng = np.random.default_rng(seed)
    g, t_count, n = n_quantities, n_times, n_claims

    # quantities and their truth
    cumulative = rng.random(g) < cumulative_share
    cumulative[: 3 * relation_groups] = True
    noun_level = rng.integers(0, len(_LEVEL_NOUNS), g)
    noun_cumulative = rng.integers(0, len(_CUMULATIVE_NOUNS), g)
    nouns = np.where(cumulative, np.take(_CUMULATIVE_NOUNS, noun_cumulative),
                     np.take(_LEVEL_NOUNS, noun_level)).astype(object)
    nouns[: 3 * relation_groups] = np.tile(["casualties", "killed", "wounded"], relation_groups)
    width = max(6, len(str(g - 1)))
    names = np.array([f"g{i // 3}.{nouns[i]}" if i < 3 * relation_groups else f"q{i:0{width}d}.{nouns[i]}"
                      for i in range(g)], dtype=object)
    kinds = np.where(cumulative, "cumulative", "level").astype(object)
    values = _truth_paths(rng, cumulative, t_count, relation_groups)
    months = START + np.arange(t_count)
    dates = np.datetime_as_string(months.astype("datetime64[D]"), unit="D").astype(object)
    days = np.diff(months.astype("datetime64[D]")).astype(np.int64)

    # the claims: which quantity and time, honest or off, and their wording
    quantity = rng.integers(0, g, n)
    quantity[: min(n, g)] = np.arange(min(n, g))
    time_index = rng.integers(0, t_count, n)
    off = np.zeros(n, bool)
    off[rng.choice(n, size=round(contradicting * n), replace=False, shuffle=False)] = True
    honest_names = list(_HONEST_SHARES)
    wording = np.take([_CODE[w] for w in honest_names],
                      rng.choice(len(honest_names), n, p=list(_HONEST_SHARES.values())))
    is_rate = (~off & cumulative[quantity] & (time_index >= 1) & (rng.random(n) < rate_share))
    wording = np.where(is_rate, np.take([_CODE[w] for w in _RATE_WORDINGS], rng.integers(0, 3, n)),
                       wording)
    wording = np.where(off, np.take([_CODE[w] for w in _OFF_WORDINGS], rng.integers(0, 4, n)), wording)
    truth = values[quantity, time_index].astype(np.float64)
    before = values[quantity, np.maximum(time_index - 1, 0)]
    rate = (truth - before) / np.take(np.concatenate([[1], days]), time_index)
    first, second = _claim_numbers(rng, np.where(is_rate, rate, truth), wording, off)
    explicit = wording == _CODE["explicit"]
    open_high = explicit & (rng.random(n) < 0.2)

    # provenance
    claimant = rng.integers(0, len(_CLAIMANTS), n)
    outlet = rng.integers(0, len(_OUTLETS), n)
    published = time_index * _PUBLICATION_LAG + rng.integers(0, _PUBLICATION_LAG, n)
    grade = rng.choice(len(_GRADES), n, p=_GRADE_SHARES)

    text = _strings(n, first, second, wording, explicit, open_high, quantity, nouns, claimant,
                    time_index, dates)
    publication_dates = np.datetime_as_string(
        (months.astype("datetime64[D]")[:, None] + np.arange(_PUBLICATION_LAG).astype("timedelta64[D]")
         ).ravel(), unit="D")
    periods = ["", *(f"{a}/{b}" for a, b in itertools.pairwise(dates))]
    empty = _categorical(np.zeros(n, np.int64), [""])
    frame = pd.DataFrame({
        "id": pd.array(text["id"], dtype="str"),
        "quantity": _categorical(quantity, names),
        "value": pd.array(text["value"], dtype="str"),
        "unit": _categorical(is_rate, ["person", "person/day"]),
        "low": pd.array(text["low"], dtype="str"),
        "high": pd.array(text["high"], dtype="str"),
        "best": empty,
        "as_of": _categorical(time_index, dates),
        "period": _categorical(np.where(is_rate, time_index, 0), periods),
        "kind": _categorical(cumulative[quantity], ["level", "cumulative"]),
        "claimant": _categorical(claimant, _CLAIMANTS),
        "outlet": _categorical(outlet, _OUTLETS),
        "published": _categorical(published, publication_dates),
        "document": empty,
        "quote": pd.array(text["quote"], dtype="str"),
        "confidence": empty,
        "grade": _categorical(grade, _GRADES),
        "note": empty,
    }, columns=list(COLUMNS))
    if return_truth:
        return frame, Truth(names, kinds, dates, values, off)
    return frame


def _strings(n: int, first: NDArray[np.int64], second: NDArray[np.int64], wording: NDArray[np.int64],
             explicit: NDArray[np.bool_], open_high: NDArray[np.bool_], quantity: NDArray[np.int64],
             nouns: NDArray[np.object_], claimant: NDArray[np.int64], time_index: NDArray[np.int64],
             dates: NDArray[np.object_]) -> dict[str, NDArray[np.object_]]:
    """The per-row strings id, value, low, high and quote, built a chunk of rows at a time."""
    prefixes, separators, suffixes = zip(*WORDINGS.values(), strict=True)
    noun_names = sorted(set(nouns))
    noun_code = np.searchsorted(noun_names, nouns.astype(str))
    # quote: "{claimant} reported {value} {noun} as of {date}." or, for a rate,
    # "{claimant} reported {noun} rising by {value} in the month to {date}."
    heads = [f"{c} reported " for c in _CLAIMANTS]
    heads += [f"{c} reported {noun} rising by " for c in _CLAIMANTS for noun in noun_names]
    tails = [f" {noun} as of {date}." for noun in noun_names for date in dates]
    tails += [f" in the month to {date}." for date in dates]
    id_width = max(7, len(str(n)))
    is_range = np.isin(wording, [_CODE["range"], _CODE["rate range"]])
    columns: dict[str, list[NDArray[np.object_]]] = {k: [] for k in ("id", "value", "low", "high", "quote")}
    for start in range(0, n, _CHUNK):
        rows = slice(start, min(n, start + _CHUNK))
        w, ex = wording[rows], explicit[rows]
        columns["id"].append(_python(_join(b"c", _digits(np.arange(rows.start + 1, rows.stop + 1),
                                                          commas=False, width=id_width))))
        value = _join(_pool(prefixes, w), _digits(first[rows]), _pool(separators, w),
                      _blank(_digits(second[rows]), ~is_range[rows]), _pool(suffixes, w))
        value = _blank(value, ex)
        columns["value"].append(_python(value))
        low = np.full(len(w), "", dtype=object)
        high = np.full(len(w), "", dtype=object)
        shown = value
        if ex.any():
            bounded = ~open_high[rows][ex]
            low[ex] = _python(_digits(first[rows][ex], commas=False))
            high[ex] = _python(_blank(_digits(second[rows][ex], commas=False), ~bounded))
            said = _join(_pool(["at least ", "between "], bounded), _digits(first[rows][ex]),
                         _pool(["", " and "], bounded), _blank(_digits(second[rows][ex]), ~bounded))
            shown = shown.astype(f"S{max(shown.itemsize, said.itemsize)}")
            shown[ex] = said
        columns["low"].append(low)
        columns["high"].append(high)
        rate = w >= _CODE["rate about"]
        noun = noun_code[quantity[rows]]
        columns["quote"].append(_python(_join(
            _pool(heads, np.where(rate, len(_CLAIMANTS) + claimant[rows] * len(noun_names) + noun,
                                  claimant[rows])),
            shown,
            _pool(tails, np.where(rate, len(noun_names) * len(dates) + time_index[rows],
                                  noun * len(dates) + time_index[rows])))))
    return {k: np.concatenate(v) if v else np.array([], dtype=object) for k, v in columns.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: generate a table and write it as CSV."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--claims", type=int, required=True)
    options.add_argument("--quantities", type=int, required=True)
    options.add_argument("--times", type=int, default=10)
    options.add_argument("--contradicting", type=float, default=0.05)
    options.add_argument("--cumulative-share", type=float, default=0.5)
    options.add_argument("--relation-groups", type=int, default=0)
    options.add_argument("--seed", type=int, default=0)
    options.add_argument("-o", "--output", type=Path, required=True, help="the claims CSV")
    options.add_argument("--relations-out", type=Path, help="write the relation lines here")
    options.add_argument("--truth-out", type=Path, help="write the hidden truth here (CSV)")
    args = options.parse_args(argv)
    began = time.perf_counter()
    try:
        frame, truth = generate_claims(
            args.claims, args.quantities, n_times=args.times, contradicting=args.contradicting,
            cumulative_share=args.cumulative_share, relation_groups=args.relation_groups,
            seed=args.seed, return_truth=True)
    except ValueError as error:
        options.error(str(error))
    generated = time.perf_counter()
    frame.to_csv(args.output, index=False, encoding="utf-8")
    written = time.perf_counter()
    if args.relations_out:
        lines = generate_relations(args.relation_groups)
        args.relations_out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    if args.truth_out:
        truth.table().to_csv(args.truth_out, index=False, encoding="utf-8")
    print(f"{len(frame):,} claims over {args.quantities:,} quantities: generated in "
          f"{generated - began:.1f} s, written to {args.output} in {written - generated:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
