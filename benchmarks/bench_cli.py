"""End to end: `estimates reconcile` on a generated CSV, against the floor of reading it.

The floor is what any tool must do: read the same CSV with pandas and sort its rows by
quantity and time once. It reads text as Python strings (``dtype=object``): with pyarrow
installed, ``dtype=str`` would hold the text in Arrow and take about twice as long, which
would flatter the ratio. Each command runs in a fresh process; its wall time and peak
memory (the child's maximum resident set) are measured from outside.

Targets (1,000,000 rows, 2-core machine): at most 10 s, at most 3 GB, at most 3x the floor.

Run: python benchmarks/bench_cli.py [--rows N] [--quantities G] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""
FLOOR = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1], dtype=object, keep_default_na=False)
frame.sort_values(["quantity", "as_of"], kind="stable")
"""


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak memory (GB) over `runs` fresh processes."""
    seconds, peaks = [], []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", MEASURE, *command], check=True,
                                capture_output=True, text=True).stdout.split()
        if output[2] != "0":
            raise SystemExit(f"{' '.join(command)} exited with {output[2]}")
        seconds.append(float(output[0]))
        peaks.append(int(output[1]) / 1024**2)
    return statistics.median(seconds), max(peaks)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--quantities", type=int, default=100_000)
    options.add_argument("--runs", type=int, default=3)
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        claims = Path(folder) / "claims.csv"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--claims", str(args.rows),
                        "--quantities", str(args.quantities), "-o", str(claims)],
                       check=True, stdout=subprocess.DEVNULL)
        estimates = str(Path(sys.executable).with_name("estimates"))
        out = Path(folder) / "out.json"
        subprocess.run([estimates, "reconcile", str(claims), "-o", str(out), "--format", "json"],
                       check=True)  # warm-up: compiled kernels are cached on disk
        accounted = len(json.loads(out.read_text())["claims"])
        floor = measure([sys.executable, "-c", FLOOR, str(claims)], args.runs)
        rows = [
            ("read + sort (pandas floor)", floor, "-"),
            ("estimates reconcile -> json", measure(
                [estimates, "reconcile", str(claims), "--format", "json", "-o", str(out)],
                args.runs), "<= 10 s, <= 3 GB"),
            ("estimates reconcile -> table", measure(
                [estimates, "reconcile", str(claims), "-o", str(Path(folder) / "out.txt")],
                args.runs), "<= 10 s, <= 3 GB"),
        ]
    print(f"{'workload':<30} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'peak GB':>8} "
          f"{'x floor':>8}  target")
    for name, (seconds, peak), target in rows:
        print(f"{name:<30} {args.rows:>10,} {seconds:>8.2f} {args.rows / seconds:>10,.0f} "
              f"{peak:>8.2f} {seconds / floor[0]:>8.2f}  {target}")
    print(f"claims accounted for in the output: {accounted:,} of {args.rows:,}")


if __name__ == "__main__":
    main()
