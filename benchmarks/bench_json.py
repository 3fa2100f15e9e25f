"""The JSON writer on a reconciled generated table: ``Reconciliation.to_json()`` and the
command line's bytes of the same document (`estimates.output.json_bytes`, written to /dev/null),
against the records-and-``json.dumps`` way that ``to_json()`` took before.

Run: python benchmarks/bench_json.py [--rows 1000000] [--quantities 100000] [--runs 3]
     [--skip-records]   (the records way takes over a minute at 1M rows)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate_claims

from estimates.output import json_bytes, result_tables
from estimates.reconcile import Reconciliation, reconcile


def by_records(result: Reconciliation) -> str:
    """The former ``to_json()``: every row a dict, every cell a Python object, then json.dumps."""
    def number(value: Any) -> Any:
        if value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, (float, np.floating)):
            return None if not math.isfinite(value) else float(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.bool_):
            return bool(value)
        return list(value) if isinstance(value, (tuple, np.ndarray)) else value

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [{k: number(v) for k, v in row.items()} for row in frame.to_dict("records")]

    return json.dumps({name: records(table) for name, table in result_tables(result).items()},
                      ensure_ascii=False)


def to_bytes(result: Reconciliation) -> int:
    """What ``estimates reconcile --format json -o FILE`` writes, written to /dev/null (the
    disk's own time is not the writer's): its size."""
    size = 0
    with open(os.devnull, "wb") as handle:
        for part in json_bytes(result_tables(result)):
            size += handle.write(part)
    return size


def to_json(result: Reconciliation) -> int:
    return len(result.to_json())


def timed(function: Any, result: Reconciliation, runs: int) -> tuple[float, int]:
    seconds, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = function(result)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), size


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--quantities", type=int, default=100_000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--skip-records", action="store_true")
    args = options.parse_args()
    result = reconcile(generate_claims(args.rows, args.quantities).astype(str))
    rows = [("to_json()", *timed(to_json, result, args.runs)),
            ("json_bytes (the CLI's)", *timed(to_bytes, result, args.runs))]
    if not args.skip_records:
        rows.append(("records + json.dumps (before)",
                     *timed(lambda r: len(by_records(r)), result, 1)))
    print(f"{'writer':<32} {'rows':>10} {'seconds':>8} {'MB':>7}")
    for name, seconds, size in rows:
        print(f"{name:<32} {args.rows:>10,} {seconds:>8.2f} {size / 1e6:>7.0f}")


if __name__ == "__main__":
    main()
