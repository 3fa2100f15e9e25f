"""The `estimates` command line: parse, and (as they land) validate, reconcile, plot.

Exit codes: 0 done, 1 only with ``--fail-on-contradiction`` when there is one, 2 bad
usage or bad input (a message, never a traceback), 3 an internal error (a message that
says so and how to report it).

>>> main(["parse", "over 10,000 troops", "--format", "json"])  # doctest: +ELLIPSIS
{"text": "over 10,000 troops", ...}
0
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from estimates import __version__, collector, heap, report
from estimates.errors import EstimatesError, UsageError

__all__ = ["main"]

FOUND_CONTRADICTION = 1
BAD_INPUT = 2
INTERNAL_ERROR = 3
REPORT_TO = "https://github.com/estimates/estimates/issues"


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and a one-line hint, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"{self.prog}: error: {message}\n")


def _parse_command(args: argparse.Namespace) -> int:
    from estimates.lexicon import Lexicon
    from estimates.parse import parse

    lexicon = Lexicon.load(args.lexicon) if args.lexicon else None
    reading = parse(args.text, lexicon=lexicon, halo=args.halo)
    if args.format == "json":
        print(json.dumps(reading.to_dict(), ensure_ascii=False))
        return 0
    for key, value in reading.to_dict().items():
        print(f"{key:>10}: {value}")
    return 0


def _read_inputs(args: argparse.Namespace) -> tuple[Any, Any]:
    """Read the claims (and relations) named on the command line; print warnings to stderr."""
    from estimates.claims import read_claims
    from estimates.expression import read_relations

    lexicon = None
    if getattr(args, "lexicon", None):
        from estimates.lexicon import Lexicon

        lexicon = Lexicon.load(args.lexicon)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        claims = read_claims(args.file, lexicon=lexicon, delimiter=args.delimiter,
                             skip_invalid=getattr(args, "skip_invalid", False))
        relations = read_relations(args.relations) if getattr(args, "relations", None) else None
    for warning in caught:
        print(f"estimates: warning: {warning.message}", file=sys.stderr)
    for relation in relations or ():
        for name in sorted(set(relation.names) - _named_quantities(claims)):
            print(f"estimates: warning: {args.relations}:{relation.line}: {name} has no claims; "
                  "the relation can only bound it through the others", file=sys.stderr)
    return claims, relations


def _named_quantities(claims: Any) -> set[str]:
    """Every quantity name a claim is about, inside expressions too."""
    from estimates.expression import read_expression

    names = set(claims.loc[~claims["expression"], "quantity"])
    for text in claims.loc[claims["expression"], "quantity"].unique():
        names.update(read_expression(text).names)
    return names


def _refuse_overwriting_inputs(args: argparse.Namespace) -> None:
    if not args.output:
        return
    inputs = [args.file, getattr(args, "relations", None), getattr(args, "lexicon", None)]
    target = Path(args.output).resolve()
    for name in filter(None, inputs):
        if Path(name).resolve() == target:
            raise UsageError(f"-o {args.output} names an input file; refusing to overwrite it")


def _reconcile_command(args: argparse.Namespace) -> int:
    from estimates.reconcile import reconcile

    _refuse_overwriting_inputs(args)
    if args.engine == "dask":
        return _reconcile_on_dask(args)
    progress = _Progress(args.file)
    # the whole job: freed blocks are reused, not mapped afresh, nor handed back before exit
    with heap.retained(give_back=False):
        claims, relations = _read_inputs(args)
        progress.say(f"reconciling {len(claims):,} claims")
        result = reconcile(claims, relations, window=args.window)
        with collector.paused():
            report.write(result, args.format, args.output)
    progress.say("done")
    if args.fail_on_contradiction and len(result.contradictions):
        return FOUND_CONTRADICTION
    return 0


def _reconcile_on_dask(args: argparse.Namespace) -> int:
    """``reconcile --engine dask``: the claims partitioned by group on a Dask cluster."""
    for option, given in (("--lexicon", args.lexicon), ("--delimiter", args.delimiter != ",")):
        if given:
            raise UsageError(f"{option} is not available with --engine dask")
    try:
        import pyarrow.parquet as pq

        from estimates import distributed
    except ImportError as error:
        raise UsageError(f"--engine dask needs Dask: pip install 'estimates[dask]' ({error})") from None
    progress = _Progress(args.file, always=True)
    options: dict[str, Any] = {"window": int(args.window), "progress": progress.enabled}
    with distributed.local_client(args.workers, args.memory_limit, args.scheduler) as client:
        progress.say(f"Dask dashboard: {client.dashboard_link}")
        if args.format == "parquet":
            if not args.output:
                raise UsageError("--format parquet writes a folder of tables: name it with -o")
            distributed.write_parquet(args.file, args.relations, args.output, client=client,
                                      skip_invalid=args.skip_invalid, **options)
            found = 0
            if args.fail_on_contradiction:
                found = pq.ParquetDataset(Path(args.output) / "contradictions.parquet").read(
                    columns=["id"]).num_rows
        else:
            result = distributed.reconcile(args.file, args.relations, client=client, **options)
            if not args.skip_invalid:
                claims = result.claims
                distributed.check_valid(claims[~claims["problem"].isna()][["line", "problem"]].compute(),
                                        args.file)
            local = result.compute()
            report.write(local, args.format, args.output)
            found = len(local.contradictions)
    progress.say("done")
    return FOUND_CONTRADICTION if args.fail_on_contradiction and found else 0


def _validate_command(args: argparse.Namespace) -> int:
    from estimates.errors import ClaimsError

    try:
        claims, _ = _read_inputs(args)
    except ClaimsError as error:
        print(str(error).split("\n", 1)[-1], file=sys.stderr)
        count = len(error.problems)  # type: ignore[arg-type]
        print(f"{args.file}: {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return BAD_INPUT
    print(f"{args.file}: {len(claims):,} claims, no problems")
    return 0


def _plot_command(args: argparse.Namespace) -> int:
    from estimates.plot import plot_file

    _refuse_overwriting_inputs(args)
    claims, relations = _read_inputs(args)
    plot_file(claims, relations, quantity=args.quantity, kind=args.kind, output=args.output,
              window=args.window)
    return 0


#: inputs this large (about 100,000 rows of claims) show their progress on a terminal
PROGRESS_BYTES = 10_000_000


class _Progress:
    """Stage messages on stderr for large inputs, only when stderr is a terminal."""

    def __init__(self, path: str, always: bool = False) -> None:
        try:
            large = always or Path(path).stat().st_size >= PROGRESS_BYTES
        except OSError:
            large = False
        self.enabled = large and sys.stderr.isatty()
        self.start = time.perf_counter()
        self.say(f"reading {path}")

    def say(self, message: str) -> None:
        if self.enabled:
            print(f"[{time.perf_counter() - self.start:6.1f}s] {message}", file=sys.stderr)


def _add_input_options(command: argparse.ArgumentParser, relations: bool = True) -> None:
    command.add_argument("file", help="claims: a CSV or Parquet file, a folder or a glob of them "
                                      "(see the schema in the README)")
    if relations:
        command.add_argument("--relations", metavar="FILE",
                             help="relations between quantities, one per line")
    command.add_argument("--delimiter", default=",", help="CSV field separator (default: ,)")
    command.add_argument("--lexicon", metavar="FILE", help="a TOML lexicon merged over the defaults")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="estimates",
        description="Turn the numbers in reports into honest ranges and find where they disagree.",
    )
    parser.add_argument("--version", action="version", version=f"estimates {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    parse = commands.add_parser(
        "parse",
        help="show how a phrase is read",
        description="Show how a phrase is read into an interval with a unit.",
        epilog='example: estimates parse "some 3000-10000 soldiers" --format json',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("text", help="the number as written, e.g. 'over 10,000 troops'")
    parse.add_argument("--format", choices=["table", "json"], default="table")
    parse.add_argument("--lexicon", metavar="FILE", help="a TOML lexicon merged over the defaults")
    parse.add_argument("--halo", choices=["digits", "exact", "relative"], default="digits",
                       help="how precisely a bare number is read (default: digits)")
    parse.set_defaults(run=_parse_command)

    reconcile = commands.add_parser(
        "reconcile", help="reconcile claims into ranges and list contradictions",
        description="Reconcile claims into consistent ranges per quantity and time, and explain "
                    "every contradiction.",
        epilog="example: estimates reconcile data/estimates.csv --relations data/relations.txt "
               "--format markdown -o report.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(reconcile)
    reconcile.add_argument("--window", type=float, default=7.0, metavar="DAYS",
                           help="level claims this close in time are compared (default: 7)")
    reconcile.add_argument("--format", choices=report.FORMATS, default="table")
    reconcile.add_argument("-o", "--output", metavar="OUT",
                           help="write here (for csv and parquet: a folder of the tables) instead of stdout")
    reconcile.add_argument("--skip-invalid", action="store_true",
                           help="reconcile the good rows; list bad ones as invalid in the claims table")
    reconcile.add_argument("--fail-on-contradiction", action="store_true",
                           help="exit 1 when any contradiction is found")
    reconcile.add_argument("--engine", choices=["inprocess", "dask"], default="inprocess",
                           help="inprocess (default), or dask: partitioned by group of quantities "
                                "on a Dask cluster (needs estimates[dask]; see docs/distributed.md)")
    reconcile.add_argument("--scheduler", metavar="ADDRESS",
                           help="with --engine dask: the scheduler to use (default: a local cluster)")
    reconcile.add_argument("--workers", type=int, metavar="N",
                           help="with --engine dask and no --scheduler: local workers (default: 2)")
    reconcile.add_argument("--memory-limit", metavar="SIZE",
                           help="with --engine dask and no --scheduler: memory per worker, e.g. 8GB")
    reconcile.set_defaults(run=_reconcile_command)

    validate = commands.add_parser(
        "validate", help="check a claims file and list every problem",
        description="Check a claims file and list every problem, one per line.",
        epilog="example: estimates validate data/estimates.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(validate)
    validate.set_defaults(run=_validate_command)

    plot = commands.add_parser(
        "plot", help="draw the claims and the reconciled range of one quantity",
        description="Draw the claims about one quantity and its reconciled range.",
        epilog="example: estimates plot data/estimates.csv --quantity dprk.troops.in_russia "
               "-o troops.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(plot)
    plot.add_argument("--quantity", required=True, help="the quantity to draw")
    plot.add_argument("--kind", choices=["forest", "timeline"], default="forest")
    plot.add_argument("--window", type=float, default=7.0, metavar="DAYS")
    plot.add_argument("-o", "--output", required=True, metavar="FIG.png")
    plot.set_defaults(run=_plot_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process arguments); return the exit code."""
    args = _build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except EstimatesError as error:
        print(f"estimates: error: {error}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        print("estimates: interrupted", file=sys.stderr)
        return 130
    except Exception:
        print("estimates: internal error (a bug in estimates, not in your input).\n"
              f"Please report it at {REPORT_TO} with the command and this trace:\n"
              + traceback.format_exc(), file=sys.stderr)
        return INTERNAL_ERROR
