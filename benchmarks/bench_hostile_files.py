"""Reading claims files that a user's tools leave untidy: do they stay on the fast path?

`read_claims` on N generated rows (`generate.py`), and on the same rows with: one blank
line in the middle; several blank lines; one line of white space alone; several such lines;
blank lines before the header; a row of too few fields; CRLF line ends; and a file of one
claim with 100,000 columns outside the schema. Each read runs in a fresh process; the table
gives the median seconds and peak resident memory (MB) of the runs, and the rows read.

Run: python benchmarks/bench_hostile_files.py [--rows N] [--runs R] [--src FOLDER]
(``--src`` reads with another checkout's ``src``, to compare with an older version.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
READ = """
import sys, time, warnings
from estimates.claims import read_claims
warnings.simplefilter("ignore")
start = time.perf_counter()
claims = read_claims(sys.argv[1], skip_invalid=True)
seconds = time.perf_counter() - start
peak = [int(line.split()[1]) / 1024 for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(seconds, peak, len(claims))
"""


def _variants(data: bytes) -> dict[str, bytes]:
    """The untidy versions of a clean claims file."""
    def at(share: float) -> int:
        return data.index(b"\n", int(len(data) * share)) + 1

    header, quarter, middle, three = data.index(b"\n") + 1, at(0.25), at(0.5), at(0.75)
    short = b"c9999999,q000001.losses,5,person,,,,2024-03-01\n"  # 8 of the 18 fields
    return {
        "clean": data,
        "one blank line": data[:middle] + b"\n" + data[middle:],
        "several blank lines": (data[:quarter] + b"\n\n\n" + data[quarter:middle] + b"\n"
                                + data[middle:three] + b"\n\n" + data[three:] + b"\n\n"),
        "one line of spaces": data[:middle] + b"   \n" + data[middle:],
        "several lines of spaces": (data[:quarter] + b" \t \n" + data[quarter:middle] + b"  \n"
                                    + data[middle:three] + b"\t\n" + data[three:]),
        "blank lines before the header": b"\n  \n" + data,
        "a row of too few fields": data[:middle] + short + data[middle:],
        "CRLF line ends": data.replace(b"\n", b"\r\n"),
        "100,000 unknown columns": (
            b",".join([data[:header - 1], *(b"x%d" % i for i in range(100_000))]) + b"\n"
            + data[header:data.index(b"\n", header)] + b"," * 100_000 + b"\n"),
    }


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--runs", type=int, default=3)
    options.add_argument("--src", type=Path, help="read with the estimates package of this folder")
    args = options.parse_args()
    environment = dict(os.environ)
    if args.src:
        environment["PYTHONPATH"] = str(args.src.resolve())
    with tempfile.TemporaryDirectory() as folder:
        clean = Path(folder) / "clean.csv"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--claims", str(args.rows),
                        "--quantities", str(max(args.rows // 10, 1)), "-o", str(clean)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        data = clean.read_bytes()
        print(f"{'read_claims':<32} {'rows read':>10} {'seconds':>8} {'peak MB':>8}")
        for name, content in _variants(data).items():
            path = Path(folder) / "variant.csv"
            path.write_bytes(content)
            del content
            runs = []
            for _ in range(args.runs):
                out = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True,
                                     text=True, env=environment)
                runs.append([float(x) for x in out.stdout.split()] if out.returncode == 0 else None)
            if None in runs:
                print(f"{name:<32} {'failed':>10}")
                continue
            print(f"{name:<32} {int(runs[0][2]):>10,} {statistics.median(r[0] for r in runs):>8.2f} "
                  f"{statistics.median(r[1] for r in runs):>8,.0f}", flush=True)


if __name__ == "__main__":
    main()
