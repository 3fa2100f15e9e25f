"""End to end: `estimates reconcile` on a generated CSV, against the floor of reading it.

The floor is what any tool must do: read the same CSV with pandas and sort its rows by
quantity and time once. It reads text as Python strings (``dtype=object``): with pyarrow
installed, ``dtype=str`` would hold the text in Arrow and take about twice as long, which
would flatter the ratio. Each command runs in a fresh process; its wall time and peak
memory (the child's maximum resident set) are measured from outside; the three commands
take turns, run after run.

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


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (GB) of `command` in a fresh process."""
    output = subprocess.run([sys.executable, "-c", MEASURE, *command], check=True,
                            capture_output=True, text=True).stdout.split()
    if output[2] != "0":
        raise SystemExit(f"{' '.join(command)} exited with {output[2]}")
    return float(output[0]), int(output[1]) / 1024**2


def measure(commands: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """For each command, the median wall seconds and the largest peak memory (GB) over `runs`
    fresh processes, the commands taking turns (so that a busy spell of the machine falls on
    all of them alike)."""
    times = [[run(command) for command in commands] for _ in range(runs)]
    return [(statistics.median(t[k][0] for t in times), max(t[k][1] for t in times))
            for k in range(len(commands))]


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
        floor, json_out, table = measure([
            [sys.executable, "-c", FLOOR, str(claims)],
            [estimates, "reconcile", str(claims), "--format", "json", "-o", str(out)],
            [estimates, "reconcile", str(claims), "-o", str(Path(folder) / "out.txt")],
        ], args.runs)
        rows = [
            ("read + sort (pandas floor)", floor, "-"),
            ("estimates reconcile -> json", json_out, "<= 10 s, <= 3 GB"),
            ("estimates reconcile -> table", table, "<= 10 s, <= 3 GB"),
        ]
    print(f"{'workload':<30} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'peak GB':>8} "
          f"{'x floor':>8}  target")
    for name, (seconds, peak), target in rows:
        print(f"{name:<30} {args.rows:>10,} {seconds:>8.2f} {args.rows / seconds:>10,.0f} "
              f"{peak:>8.2f} {seconds / floor[0]:>8.2f}  {target}")
    print(f"claims accounted for in the output: {accounted:,} of {args.rows:,}")


if __name__ == "__main__":
    main()
