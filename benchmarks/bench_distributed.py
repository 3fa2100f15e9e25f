"""The Dask engine against the in-process one, Parquet in and Parquet out.

The input is generated once as Parquet files of at most 10M claims each (`generate.py`, each
file's quantities and relation groups named apart with a prefix, so the files are one table
of independent parts), with relations linking 0.3 % of the quantities in threes. Each
engine then runs in a fresh process, from reading the Parquet folder to writing the result
folder:

- in-process: ``read_claims(folder)``, ``reconcile``, ``report.write(..., "parquet")``;
- Dask: a `LocalCluster` of ``--workers`` processes of one thread with ``--memory-limit``
  each, and ``estimates.distributed.write_parquet``. Its time includes starting the cluster
  (shown apart). Each worker's peak memory is its process's maximum resident set.

Printed: seconds, microseconds per claim, peak memory (GB) and the Dask/in-process ratio.

Run: python benchmarks/bench_distributed.py --claims 10000000 --quantities 1000000
     [--workers 2] [--memory-limit 8GB] [--skip-in-process] [--data DIR] [--runs 1]
     [--generate-only]   (with --data: write the input there once, for later runs)
The first 10M-claim file of a 50M input is the 10M input (same seed and sizes), so one
generated folder serves both: link its part-000.parquet and its ``p0.`` relations apart.
Heavy (over ~2 GB or a minute): run under ``flock /tmp/estimates-heavy.lock``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHUNK = 10_000_000  # claims per generated file

IN_PROCESS = """
import json, resource, sys, time
start = time.perf_counter()
from estimates import report
from estimates.claims import read_claims
from estimates.reconcile import reconcile
claims = read_claims(sys.argv[1], skip_invalid=True)
read = time.perf_counter() - start
result = reconcile(claims, sys.argv[2])
del claims
report.write(result, "parquet", sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - start, "read": read,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2}))
"""

ON_DASK = """
import json, resource, sys, time

def peak():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

if __name__ == "__main__":
    start = time.perf_counter()
    from estimates import distributed
    with distributed.local_client(int(sys.argv[4]), sys.argv[5]) as client:
        started = time.perf_counter() - start
        distributed.write_parquet(sys.argv[1], sys.argv[2], sys.argv[3], client=client)
        seconds = time.perf_counter() - start
        workers = sorted(client.run(peak).values())
    print(json.dumps({"seconds": seconds, "cluster_start": started, "peak_gb": peak(),
                      "worker_peak_gb": workers}))
"""


def generate(folder: Path, claims: int, quantities: int) -> Path:
    """Parquet files of at most `CHUNK` claims in `folder`, and relations.txt beside them."""
    sys.path.insert(0, str(HERE))
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    from generate import generate_claims, generate_relations

    data = folder / "claims"
    data.mkdir(parents=True, exist_ok=True)
    relations = []
    chunks = max(1, -(-claims // CHUNK))
    for k in range(chunks):
        n = claims // chunks + (1 if k < claims % chunks else 0)
        g = quantities // chunks
        groups = max(1, g // 1000)
        frame = generate_claims(n, g, relation_groups=groups, seed=k)
        prefix = f"p{k}."
        frame["quantity"] = frame["quantity"].cat.rename_categories(
            np.char.add(prefix, frame["quantity"].cat.categories.to_numpy(str)))
        frame["id"] = prefix + frame["id"].astype(str)
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), data / f"part-{k:03d}.parquet",
                       row_group_size=1_000_000)
        relations += [re.sub(r"\bg(\d+)\.", prefix + r"g\1.", line) for line in generate_relations(groups)]
        del frame
    (folder / "relations.txt").write_text("\n".join(relations) + "\n")
    return data


def run(script: str, *arguments: str) -> dict[str, float]:
    output = subprocess.run([sys.executable, "-c", script, *arguments], capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"failed ({output.returncode}):\n{output.stderr[-5000:]}")
    result: dict[str, float] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--claims", type=int, default=1_000_000)
    options.add_argument("--quantities", type=int, default=100_000)
    options.add_argument("--workers", type=int, default=2)
    options.add_argument("--memory-limit", default="8GB")
    options.add_argument("--skip-in-process", action="store_true")
    options.add_argument("--data", help="keep the generated input here (reused if present)")
    options.add_argument("--runs", type=int, default=1)
    options.add_argument("--generate-only", action="store_true",
                         help="write the input to --data and stop")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.data) if args.data else Path(scratch) / "input"
        data = folder / "claims"
        if not data.exists():
            generate(folder, args.claims, args.quantities)
        if args.generate_only:
            return
        relations = str(folder / "relations.txt")
        rows = []
        if not args.skip_in_process:
            runs = [run(IN_PROCESS, str(data), relations, str(Path(scratch) / "in-process"))
                    for _ in range(args.runs)]
            rows.append(("in-process", statistics.median(r["seconds"] for r in runs),
                         max(r["peak_gb"] for r in runs), "-"))
        runs = [run(ON_DASK, str(data), relations, str(Path(scratch) / "dask"), str(args.workers),
                    args.memory_limit) for _ in range(args.runs)]
        worker_peak = max(max(r["worker_peak_gb"]) for r in runs)
        rows.append((f"dask, {args.workers} workers x {args.memory_limit}",
                     statistics.median(r["seconds"] for r in runs), worker_peak,
                     f"cluster start {statistics.median(r['cluster_start'] for r in runs):.1f} s, "
                     f"driver peak {max(r['peak_gb'] for r in runs):.1f} GB"))
    print(f"{'engine':<30} {'claims':>11} {'seconds':>8} {'us/claim':>9} {'peak GB':>8} "
          f"{'x in-proc':>9}  note")
    base = rows[0][1] if not args.skip_in_process else None
    for name, seconds, peak, note in rows:
        ratio = f"{seconds / base:.2f}" if base else "-"
        print(f"{name:<30} {args.claims:>11,} {seconds:>8.1f} {seconds / args.claims * 1e6:>9.2f} "
              f"{peak:>8.2f} {ratio:>9}  {note}")


if __name__ == "__main__":
    main()
