"""Interval arithmetic on 10 million intervals against plain numpy on the same arrays.

The baseline is what numpy does with the same data and no interval rules: the bound
arrays combined pointwise (`a_low + b_low` and `a_high + b_high`, likewise `*`), as
`a + b` on an (n, 2) array of bounds would. Target: at most 3 times the baseline.

Run: python benchmarks/bench_interval.py [--size N] [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from estimates import IntervalArray


def median_seconds(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up: compiles the kernels on a first run
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size", type=int, default=10_000_000)
    options.add_argument("--runs", type=int, default=7)
    args = options.parse_args()
    rng = np.random.default_rng(2024)
    a_low = rng.uniform(0, 1e6, args.size)
    b_low = rng.uniform(0, 1e6, args.size)
    a = IntervalArray(a_low, a_low + rng.uniform(0, 1e3, args.size))
    b = IntervalArray(b_low, b_low + rng.uniform(0, 1e3, args.size))
    bounds_a = np.stack([a.low, a.high], axis=1)
    bounds_b = np.stack([b.low, b.high], axis=1)
    print(f"{'operation':<10} {'intervals':>12} {'numpy s':>9} {'interval s':>11} {'ratio':>6} {'target':>7}")
    for name, interval_op, numpy_op in (
        ("add", lambda: a + b, lambda: bounds_a + bounds_b),
        ("multiply", lambda: a * b, lambda: bounds_a * bounds_b),
    ):
        base = median_seconds(numpy_op, args.runs)
        ours = median_seconds(interval_op, args.runs)
        print(f"{name:<10} {args.size:>12,} {base:>9.3f} {ours:>11.3f} {ours / base:>6.2f} {'<= 3':>7}")


if __name__ == "__main__":
    main()
