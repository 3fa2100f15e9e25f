"""Where compiling the kernels pays: a reconciliation run plain (Python) and compiled.

For each size, a fresh process reconciles generated claims with every kernel forced plain,
then with every kernel forced compiled from a warm disk cache (`estimates._kernel.forced`);
a last process compiles them all from an empty cache (``NUMBA_CACHE_DIR``), as the first
run after an install would. A kernel compiles on its own once a call holds
`estimates._kernel.COMPILE_FROM` items: where plain Python costs less than compiling.

Run: python benchmarks/bench_kernels.py [--sizes 1000 5000 20000 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN = """
import sys, time
sys.path.insert(0, sys.argv[3])
from generate import generate_claims
from estimates import _kernel
from estimates.claims import read_claims
from estimates.reconcile import reconcile
claims = read_claims(generate_claims(int(sys.argv[1]), max(int(sys.argv[1]) // 10, 1)),
                     skip_invalid=True)
mode = sys.argv[2]
with _kernel.forced(mode != "plain"):
    start = time.perf_counter()
    reconcile(claims)
    print(time.perf_counter() - start)
"""


def _seconds(size: int, mode: str, env: dict[str, str] | None = None) -> float:
    out = subprocess.run([sys.executable, "-c", RUN, str(size), mode, str(HERE)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return float(out.split()[-1])


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000, 100_000])
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as empty:
        cold = _seconds(args.sizes[0], "compiled", {**os.environ, "NUMBA_CACHE_DIR": empty})
    warm = _seconds(args.sizes[0], "compiled")
    print(f"compiling every kernel from an empty cache: {cold - warm:.1f} s")
    print(f"{'claims':>10} {'plain s':>8} {'compiled s':>11}  (compiled from a warm cache)")
    for size in args.sizes:
        print(f"{size:>10,} {_seconds(size, 'plain'):>8.2f} {_seconds(size, 'compiled'):>11.2f}")


if __name__ == "__main__":
    main()
