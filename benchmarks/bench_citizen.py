"""What a library call leaves in the user's process, and reading a file with a blank line.

1. Memory given back: in a fresh process that has loaded every module and compiled kernel on
   a small file, read and reconcile N generated claims, ``del`` the result and
   ``gc.collect()``; the resident memory (RSS) left above the start is compared with plain
   pandas work of the same size (read the same CSV, sort it, drop it). "A second call"
   measures the same after one unmeasured call of that size (what stays for good, as a
   service calls again and again); "a second later" measures again 1.5 s after the call,
   and a small call of the same kind (Arrow's pools give freed memory back at a later
   allocation). "Of it glibc heap" is the part resident in glibc's main heap (its ``[heap]``
   mapping in /proc/self/smaps); the rest is mostly free memory in Arrow's pools (which hold
   no live bytes after the call: checked) and Python's small-object arenas.
2. One blank line: `read_claims` on N rows, and on the same rows with one blank line in the
   middle (time and peak memory, each in a fresh process; medians of the runs).

Run: python benchmarks/bench_citizen.py [--rows N] [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RSS = """
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
"""
GIVEN_BACK = RSS + """
import contextlib, gc, sys
import pandas as pd
def glibc_heap():  # resident memory of glibc's main heap (its [heap] mapping), MB
    resident, inside = 0, False
    for line in open("/proc/self/smaps"):
        if line[:1] in "0123456789abcdef" and "-" in line.split()[0]:
            inside = line.rstrip().endswith("[heap]")
        elif inside and line.startswith("Rss:"):
            resident += int(line.split()[1])
    return resident / 1024
def arrow_pools():  # bytes the pools have handed out and not taken back (none at rest)
    import pyarrow as pa
    pools = [pa.default_memory_pool()]
    try:
        pools.append(pa.jemalloc_memory_pool())
    except NotImplementedError:
        pass
    return sum(pool.bytes_allocated() for pool in pools)
from estimates.claims import read_claims
from estimates.reconcile import reconcile
try:
    from estimates._kernel import forced
    compiled = forced(True)
except ImportError:  # before kernels compiled only where they pay: always compiled
    compiled = contextlib.nullcontext()
with compiled:  # load (or compile) the kernels and every module first: the baseline holds them
    reconcile(read_claims(sys.argv[3]))
pd.read_csv(sys.argv[3], dtype=object).sort_values(["quantity", "as_of"])
if sys.argv[2] == "estimates, second call":  # the first call of this size, not measured
    reconcile(read_claims(sys.argv[1]))
gc.collect()
start, start_heap = rss(), glibc_heap()
if sys.argv[2].startswith("estimates"):
    result = reconcile(read_claims(sys.argv[1]))
    held = rss()
    del result
else:
    frame = pd.read_csv(sys.argv[1], dtype=object, keep_default_na=False)
    frame = frame.sort_values(["quantity", "as_of"], kind="stable")
    held = rss()
    del frame
gc.collect()
left = rss() - start
if sys.argv[2].endswith("a second later"):  # the next, small, call of the same kind
    import time
    time.sleep(1.5)
    if sys.argv[2].startswith("estimates"):
        read_claims(sys.argv[3])
    else:
        pd.read_csv(sys.argv[3], dtype=object)
    gc.collect()
    left = rss() - start
assert arrow_pools() == 0  # nothing stays referenced
print(held - start, left, peak(), glibc_heap() - start_heap)
"""
READ = RSS + """
import sys, time
from estimates.claims import read_claims
start = time.perf_counter()
read_claims(sys.argv[1], skip_invalid=True)
print(time.perf_counter() - start, peak())
"""


def _run(script: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True,
                         text=True).stdout.split()
    return [float(x) for x in out]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--memory-only", action="store_true")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        claims = Path(folder) / "claims.csv"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--claims", str(args.rows),
                        "--quantities", str(max(args.rows // 10, 1)), "-o", str(claims)],
                       check=True, stdout=subprocess.DEVNULL)
        data = claims.read_bytes()
        middle = data.index(b"\n", len(data) // 2) + 1
        blank = Path(folder) / "blank.csv"
        blank.write_bytes(data[:middle] + b"\n" + data[middle:])
        small = Path(folder) / "small.csv"
        small.write_bytes(data[:data.index(b"\n", len(data) // 100) + 1])
        del data
        _run(READ, str(claims))  # warm-up: compiled kernels cached
        print(f"{'memory, MB (median of runs)':<34} {'held':>8} {'left after gc':>14} {'peak':>8} "
              f"{'of it glibc heap':>17}")
        labels = {"estimates": "read_claims + reconcile",
                  "estimates, a second later": "the same, a second later",
                  "estimates, second call": "the same, a second call",
                  "pandas": "pandas read_csv + sort",
                  "pandas, a second later": "pandas, a second later"}
        for who, label in labels.items():
            runs = [_run(GIVEN_BACK, str(claims), who, str(small)) for _ in range(args.runs)]
            held, left, peak, free = (statistics.median(r[k] for r in runs) for k in range(4))
            print(f"{label:<34} {held:>8,.0f} {left:>14,.0f} {peak:>8,.0f} {free:>17,.0f}")
        if args.memory_only:
            return
        print(f"\n{'read_claims':<34} {'rows':>10} {'seconds':>8} {'peak MB':>8}")
        for name, path in (("no blank line", claims), ("one blank line", blank)):
            runs = [_run(READ, str(path)) for _ in range(args.runs)]
            print(f"{name:<34} {args.rows:>10,} {statistics.median(r[0] for r in runs):>8.2f} "
                  f"{statistics.median(r[1] for r in runs):>8,.0f}")


if __name__ == "__main__":
    main()
