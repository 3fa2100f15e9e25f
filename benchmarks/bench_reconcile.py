"""How fast `reconcile` is on generated claims, against a pandas groupby().apply() baseline.

Each workload runs in its own subprocess (so peak memory is that process's own ru_maxrss):
it builds the table with `generate_claims`, reads it once with `read_claims` (not timed),
warms up, then times `reconcile` (median of the runs; at least 11 for the 0.1-0.2 s of 100k
claims, 3 for 10M claims; the first run of a process is the slowest, as it faults in the
memory the later runs reuse, and is printed too). The growth ratio (b) divides time per
claim at 10M by time per claim at 100k timed in the same worker, 5 runs just before the
10M runs and 5 just after, so that the machine's drift (10-30% within an hour on a shared
machine) touches both sides alike rather than the minutes apart of two workers.
``peak MB`` is the peak RSS of the whole worker process (generation and reading included);
``table MB`` is the RSS once the claims table is read (the generated frame freed; for 10M
the 100k table too); ``rec. MB`` is the peak RSS while `reconcile` runs, its input table
included (Linux: the mark is reset before the first call). MB are MiB.

The baseline is the obvious way: ``table.groupby("quantity").apply(f)`` where ``f``
reconciles one quantity in Python (heaviest point per time by trying every claim's low,
then running-total checks by pairs). It runs on 100k claims; the speed-up compares time
per claim at 100k (both sides on the same table).

Run: python benchmarks/bench_reconcile.py [--runs 3] [--large] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_claims, generate_relations

#: name: (claims, quantities, generator options, relation groups, target seconds)
WORKLOADS: dict[str, tuple[int, int, dict[str, Any], int, float | None]] = {
    "100k": (100_000, 10_000, {}, 0, None),
    "1M (100k quantities)": (1_000_000, 100_000, {}, 0, 2.0),
    "cumulative 1M": (1_000_000, 100_000, {"cumulative_share": 1.0}, 0, 3.0),
    "relations 10k groups x 3 x 10 times": (300_000, 30_000, {}, 10_000, 30.0),
    "10M (1M quantities)": (10_000_000, 1_000_000, {}, 0, 25.0),
}
LARGE = "10M (1M quantities)"
SMALL_RUNS = 11  # the 100k run takes 0.1-0.2 s, so its median needs more runs to hold still
LARGE_RUNS = 3  # 11-15 s each, after a minute of generating and reading the table
SMALL = "100k"
PAIRED_RUNS = 5  # 100k runs just before the 10M runs, and 5 just after, in the 10M worker


def _baseline_quantity(group: pd.DataFrame) -> pd.Series:
    """Reconcile one quantity the plain way: Python loops over its claims."""
    kept = np.ones(len(group), dtype=bool)
    low, high = group["low"].to_numpy(), group["high"].to_numpy()
    weight = group["weight"].to_numpy()
    when = group["as_of_start"].to_numpy()
    for day in np.unique(when):
        rows = np.flatnonzero(when == day)
        best, point = -1.0, 0.0
        for candidate in low[rows]:
            covered = float(weight[rows][(low[rows] <= candidate) & (candidate <= high[rows])].sum())
            if covered > best:
                best, point = covered, candidate
        kept[rows] = (low[rows] <= point) & (point <= high[rows])
    if group["kind"].iloc[0] == "cumulative":
        order = np.argsort(when, kind="stable")
        for i, a in enumerate(order):
            for b in order[i + 1:]:
                if kept[a] and kept[b] and when[a] < when[b] and low[a] > high[b]:
                    kept[a if weight[a] <= weight[b] else b] = False
    return pd.Series({"low": float(low[kept].max()), "high": float(high[kept].min()),
                      "kept": int(kept.sum())})


def baseline(table: pd.DataFrame) -> pd.DataFrame:
    """The groupby().apply() baseline over the plain value claims."""
    plain = table[table["problem"].isna() & ~table["expression"] & (table["measure"] == "value")]
    return plain.groupby("quantity").apply(_baseline_quantity)


def _reset_peak() -> bool:
    """Reset this process's peak-RSS mark (Linux); False where that cannot be done."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_mb(field: str) -> float | None:
    """A size from /proc/self/status in MiB (None where /proc is missing)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) / 1024 for line in status.splitlines()
                 if line.startswith(f"{field}:")), None)


def _peak_mb() -> float | None:
    """This process's peak RSS since the last reset, in MiB."""
    return _status_mb("VmHWM")


def _rss_mb() -> float | None:
    """This process's RSS now, in MiB."""
    return _status_mb("VmRSS")


def _table(name: str) -> pd.DataFrame:
    """The claims table of a workload, generated and read (memory of the generation given back)."""
    from estimates.claims import read_claims

    claims, quantities, options, groups, _ = WORKLOADS[name]
    frame = generate_claims(claims, quantities, relation_groups=groups, **options)
    table = read_claims(frame, skip_invalid=True)
    del frame
    gc.collect()  # the generated frame's memory is not the reconciler's
    return table


def _timed(table: pd.DataFrame, relations: Any) -> tuple[float, Any]:
    from estimates.reconcile import reconcile

    start = time.perf_counter()
    result = reconcile(table, relations)
    return time.perf_counter() - start, result


def worker(name: str, runs: int, with_baseline: bool, paired: bool = False) -> dict[str, Any]:
    """Time `reconcile` on one workload; `paired`: also time 100k claims just before and just
    after its runs, in this process."""
    from estimates.reconcile import reconcile

    small = _table(SMALL) if paired else None  # first: its cells do not split the large heap
    table = _table(name)
    table_mb = _rss_mb()
    measured = _reset_peak()
    groups = WORKLOADS[name][3]
    relations = generate_relations(groups) if groups else None
    reconcile(table.iloc[:2000].reset_index(drop=True), relations)  # compile the kernels
    small_times = [_timed(small, None)[0] for _ in range(PAIRED_RUNS)] if small is not None else []
    times: list[float] = []
    for _ in range(runs):
        result = None  # the last result is not held while the next is made
        seconds, result = _timed(table, relations)
        times.append(seconds)
    if small is not None:
        small_times += [_timed(small, None)[0] for _ in range(PAIRED_RUNS)]
    out: dict[str, Any] = {"seconds": statistics.median(times), "first_seconds": times[0],
                           "claims": len(table),
                           "ranges": len(result.ranges),
                           "contradictions": len(result.contradictions),
                           "table_rss_mb": table_mb,
                           "reconcile_rss_mb": _peak_mb() if measured else None}
    if with_baseline:
        start = time.perf_counter()
        baseline(table)
        out["baseline_seconds"] = time.perf_counter() - start
    if small is not None:
        out["paired_small_seconds"] = statistics.median(small_times)
        out["paired_small_claims"] = len(small)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="also run 10M claims (slow)")
    parser.add_argument("--only", nargs="*", help="workload names to run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--paired", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs, args.baseline, args.paired)))
        return 0
    names = args.only or [n for n in WORKLOADS if n != LARGE or args.large]
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        runs = LARGE_RUNS if name == LARGE else max(args.runs, SMALL_RUNS) if name == SMALL \
            else args.runs
        command = [sys.executable, __file__, "--worker", name, "--runs", str(runs)]
        command += ["--baseline"] if name == SMALL else ["--paired"] if name == LARGE else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    header = (f"{'workload':<38} {'claims':>11} {'seconds':>8} {'claims/s':>11} "
              f"{'peak MB':>8} {'table MB':>8} {'rec. MB':>8} {'target s':>8} {'met':>4}")
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        target = WORKLOADS[name][4]
        met = "" if target is None else ("yes" if r["seconds"] <= target else "no")
        rec, held = r.get("reconcile_rss_mb"), r.get("table_rss_mb")
        print(f"{name:<38} {r['claims']:>11,} {r['seconds']:>8.2f} "
              f"{r['claims'] / r['seconds']:>11,.0f} {r['peak_rss_mb']:>8.0f} "
              f"{'' if held is None else f'{held:.0f}':>8} "
              f"{'' if rec is None else f'{rec:.0f}':>8} "
              f"{'' if target is None else f'{target:.0f}':>8} {met:>4}")
    small = results.get(SMALL)
    if small and "baseline_seconds" in small:
        print(f"\n(a) speed-up over groupby().apply() at 100k claims (time per claim, same table): "
              f"{small['baseline_seconds'] / small['seconds']:,.0f}x "
              f"({small['baseline_seconds']:.1f} s vs {small['seconds']:.2f} s)")
    large = results.get(LARGE)
    if large:
        growth = (large["seconds"] / large["claims"]) / \
            (large["paired_small_seconds"] / large["paired_small_claims"])
        print(f"(b) linear growth, time per claim at 10M / at 100k: {growth:.2f} (target <= 1.5; "
              f"100k timed just before and after the 10M runs in one worker: "
              f"{large['paired_small_seconds']:.3f} s, median of {2 * PAIRED_RUNS}); "
              f"the first 10M run of the process took {large['first_seconds']:.2f} s")
    peak = results.get(LARGE, {}).get("reconcile_rss_mb")
    if peak is not None:
        print(f"(c) peak memory while reconciling 10M claims, input table included: "
              f"{peak * 2**20 / 1e9:.2f} GB (target <= 6 GB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
