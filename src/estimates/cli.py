"""The `estimates` command line: parse, validate, reconcile, report, plot.

Exit codes: 0 done, 1 only with ``--fail-on-contradiction`` when there is one, 2 bad
usage or bad input (a message, never a traceback), 3 an internal error (a message that
says so and how to report it).

>>> main(["parse", "over 10,000 troops", "--format", "json"])  # doctest: +ELLIPSIS
{"text": "over 10,000 troops", ...}
0
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from estimates import __version__
from estimates.errors import EstimatesError, OutputError, UsageError, first_few

__all__ = ["main"]

FOUND_CONTRADICTION = 1
BAD_INPUT = 2
INTERNAL_ERROR = 3


class _Formats(Sequence[str]):
    """`estimates.report.FORMATS`, read when first needed: `estimates parse` loads no pandas."""

    def __getitem__(self, index: Any) -> Any:
        from estimates.report import FORMATS

        return FORMATS[index]

    def __len__(self) -> int:
        from estimates.report import FORMATS

        return len(FORMATS)


class _Parser(argparse.ArgumentParser):
    """argparse that exits with code 2 and a one-line hint, never a traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(BAD_INPUT, f"{self.prog}: error: {message}\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        """As argparse's, but a failure to write (``--help`` on a full disk) is not hidden."""
        if message:
            stream = file or sys.stderr
            stream.write(message)
            stream.flush()


class _StandardOutput:
    """Standard output for a command's run: a failure to write to it (a full disk, past a
    file-size limit) is an `OutputError`, told as an input error is; a reader that left
    (BrokenPipeError) is not one. Where it is a file descriptor, bytes go to it with
    `os.write` until all are written: Python's own buffer takes a short write (the file-size
    limit reached) as done, and the rest would be lost without a word."""

    _CHUNK = 8192  #: as Python's own buffer

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._pending: list[bytes] = []
        self._size = 0
        try:
            stream.flush()
            self._fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):  # a StringIO, a closed stream
            self._fd = None

    def write(self, text: str) -> int:
        if self._fd is None:
            return int(self._guarded(self._stream.write, text))
        data = text.encode(self._stream.encoding or "utf-8", self._stream.errors or "strict")
        self._pending.append(data)
        self._size += len(data)
        if self._size >= self._CHUNK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._fd is None:
            self._guarded(self._stream.flush)
            return
        data, self._pending, self._size = memoryview(b"".join(self._pending)), [], 0
        while data:
            data = data[self._guarded(os.write, self._fd, data):]

    @staticmethod
    def _guarded(write: Callable[..., Any], *args: Any) -> Any:
        try:
            return write(*args)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError("standard output", error) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _checked_stdout() -> Iterator[None]:
    """`_StandardOutput` in place of sys.stdout for the command's run, restored after."""
    before = sys.stdout
    sys.stdout = _StandardOutput(before)
    try:
        yield
    finally:
        pending, sys.stdout = sys.stdout, before
        with contextlib.suppress(OSError):  # written at the run's end; an error told there
            pending.flush()


def _phrases(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(where, phrase) for each phrase: arguments, then lines of --file (``-`` is stdin)."""
    found = [(f"argument {number}", text) for number, text in enumerate(args.text, 1)
             if text != "-"]
    files = ([args.file] if args.file else []) + (["-"] if "-" in args.text else [])
    for name in files:
        try:
            handle = sys.stdin if name == "-" else open(name, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise UsageError(f"cannot read {name}: {error.strerror}") from None
        with handle:
            for number, line in enumerate(handle, 1):
                if line.strip() and not line.lstrip().startswith("#"):
                    found.append((f"{'<stdin>' if name == '-' else name}:{number}",
                                  line.rstrip("\r\n")))
    if not found:
        raise UsageError("estimates parse needs a phrase, --file FILE, or - to read stdin")
    return found


_PARSE_FIELDS = ("text", "low", "high", "low_open", "high_open", "unit", "kind", "hedge",
                 "halo", "span", "noun", "notes", "error")


def _parse_command(args: argparse.Namespace) -> int:
    """Read every phrase in one start-up; each gets a result, an unreadable one its error."""
    import csv

    from estimates.errors import ParseError
    from estimates.formulas import safe_cell
    from estimates.lexicon import Lexicon
    from estimates.parse import parse

    lexicon = Lexicon.load(args.lexicon) if args.lexicon else None
    failed = 0
    # CRLF line ends, as every CSV estimates writes: a cell holding a CR alone is quoted
    writer = csv.DictWriter(sys.stdout, _PARSE_FIELDS, lineterminator="\r\n") \
        if args.format == "csv" else None
    if writer is not None:
        writer.writeheader()
    for count, (where, text) in enumerate(_phrases(args)):
        try:
            row = parse(text, lexicon=lexicon, halo=args.halo).to_dict()
        except ParseError as error:
            failed += 1
            print(f"estimates: error: {where}: {error}", file=sys.stderr)
            row = {"text": text, "error": str(error).split("\n", 1)[0]}
        if writer is not None:
            writer.writerow({key: safe_cell("; ".join(value) if key == "notes" else value)
                             for key, value in row.items()})
        elif args.format == "json":
            print(json.dumps(row, ensure_ascii=False))
        else:
            print("\n" * bool(count) + "\n".join(f"{key:>10}: {value}" for key, value
                                                   in row.items()))
    return BAD_INPUT if failed else 0


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
    for unclaimed in _unclaimed_names(relations or (), _named_quantities(claims), args.relations):
        print(f"estimates: warning: {unclaimed}", file=sys.stderr)
    return claims, relations


def _unclaimed_names(relations: Any, named: set[str], source: str, shown: int = 5) -> list[str]:
    """One warning per relation naming quantities without claims, for at most ``shown``
    relations, each naming at most ``shown`` of its names, then one line for the rest.

    >>> from estimates.expression import Relation
    >>> _unclaimed_names([Relation.read("a = b + c", line=3)], {"b"}, "r.txt")
    ['r.txt:3: 2 names have no claims (a, c); the relation can only bound them through the others']
    """
    warnings_ = []
    for relation in relations:
        missing = sorted(set(relation.names) - named)
        if not missing:
            continue
        if len(missing) == 1:
            what, them = f"{missing[0]} has no claims", "it"
        else:
            what = f"{len(missing):,} names have no claims ({first_few(missing, shown)})"
            them = "them"
        warnings_.append(f"{source}:{relation.line}: {what}; the relation can only bound "
                         f"{them} through the others")
    if len(warnings_) > shown:
        rest = len(warnings_) - shown
        warnings_[shown:] = [f"{source}: {rest:,} more relations name quantities without claims"]
    return warnings_


def _named_quantities(claims: Any) -> set[str]:
    """Every quantity name a valid claim is about, inside expressions too (an invalid row's
    quantity may be no expression at all: it is listed with its problem instead)."""
    from estimates.expression import read_expression

    valid = claims["problem"].isna().to_numpy(bool)
    expression = claims["expression"].to_numpy(bool)
    names = set(claims.loc[valid & ~expression, "quantity"])
    for text in claims.loc[valid & expression, "quantity"].unique():
        names.update(read_expression(text).names)
    return names


def _refuse_overwriting_inputs(args: argparse.Namespace, outputs: Sequence[Path]) -> None:
    """No file the command writes may be one of its inputs (checked before any work): each
    file of a folder or a glob of claims counts, not only the path given."""
    from estimates.claimfiles import claim_files
    from estimates.destination import refuse_inputs

    if args.output:
        refuse_inputs(outputs, [*claim_files(args.file), getattr(args, "relations", None),
                                getattr(args, "lexicon", None)])


def _dates(text: str) -> list[str]:
    """``--at 2024-11-01,2024-12-01``: the dates, checked by `reconcile`."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _reconcile_command(args: argparse.Namespace) -> int:
    from estimates import report
    from estimates._given_back import given_back

    if args.output:
        _refuse_overwriting_inputs(args, report.outputs(args.format, args.output))
    if args.engine == "dask":
        return _reconcile_on_dask(args)
    with given_back():  # one block: what reading frees, reconciling and writing reuse
        return _reconcile_here(args)


def _reconcile_here(args: argparse.Namespace) -> int:
    """``reconcile`` in this process."""
    from estimates import report
    from estimates.reconcile import reconcile

    progress = _Progress(args.file)
    claims, relations = _read_inputs(args)
    from estimates.output import plural

    progress.say(f"reconciling {plural(len(claims), 'claim')}")
    result = reconcile(claims, relations, window=args.window, at=args.at, revisions=args.revisions)
    if not args.skip_invalid:  # the reader's problems stopped it already; these are counts'
        unwhole = claims[(result.claims["status"] == "invalid").to_numpy(bool)]
        if len(unwhole):
            from estimates.errors import ClaimsError
            from estimates.reconcile.closing import problem_rows

            raise ClaimsError(problem_rows(unwhole), str(args.file))
    report.write(result, args.format, args.output)
    progress.say("done")
    if args.fail_on_contradiction and len(result.contradictions):
        return FOUND_CONTRADICTION
    return 0


def _report_command(args: argparse.Namespace) -> int:
    from estimates._given_back import given_back
    from estimates.reconcile import reconcile
    from estimates.webpage import write_html

    _refuse_overwriting_inputs(args, [Path(args.output)])
    with given_back():  # one block: what reading frees, reconciling and drawing reuse
        claims, relations = _read_inputs(args)
        result = reconcile(claims, relations, window=args.window)
        write_html(result, args.output, claims, title=args.title or f"Reconciliation of {args.file}",
                   max_plots=args.max_plots)
    return 0


def _reconcile_on_dask(args: argparse.Namespace) -> int:
    """``reconcile --engine dask``: the claims partitioned by group on a Dask cluster."""
    from estimates import report

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
    from estimates.errors import ClaimsError, DimensionError
    from estimates.output import plural
    from estimates.quantities import settle_quantities
    from estimates.reconcile.closing import count_problems

    try:
        claims, relations = _read_inputs(args)
        settled = settle_quantities(claims, relations)  # units across relations, as reconcile does
        unwhole = count_problems(settled.claims, relations or (), settled.unclaimed)
        if len(unwhole):
            raise ClaimsError(unwhole, str(args.file))
    except (ClaimsError, DimensionError) as error:
        print(str(error).split("\n", 1)[-1], file=sys.stderr)
        print(f"{args.file}: {plural(len(error.problems), 'problem')}", file=sys.stderr)  # type: ignore[arg-type]
        return BAD_INPUT
    print(f"{args.file}: {plural(len(claims), 'claim')}, no problems")
    return 0


def _plot_command(args: argparse.Namespace) -> int:
    from estimates.plot import plot_file

    _refuse_overwriting_inputs(args, [Path(args.output)])
    claims, relations = _read_inputs(args)
    plot_file(claims, relations, quantity=args.quantity, kind=args.kind, output=args.output,
              window=args.window)
    return 0


def _extract_command(args: argparse.Namespace) -> int:
    from estimates.destination import refuse_inputs
    from estimates.errors import ArticleError
    from estimates.extract import draft_table, read_article, rejected_table, settle_drafts
    from estimates.extract.source import load_articles
    from estimates.lexicon import Lexicon
    from estimates.output import atomic_write, csv_text, plural

    refuse_inputs([name for name in (args.output, args.rejected) if name], [*args.files, args.lexicon])
    if args.output and args.rejected and Path(args.output).resolve() == Path(args.rejected).resolve():
        raise UsageError("-o and --rejected name the same file")
    lexicon = Lexicon.load(args.lexicon) if args.lexicon else None
    drafts: list[dict[str, str]] = []
    rejected: list[dict[str, object]] = []
    problems: list[str] = []
    stems: dict[str, int] = {}
    for article in load_articles(args.files):
        try:
            found = read_article(article.text, published=args.published or article.published or None,
                                 outlet=args.outlet or article.outlet,
                                 author=args.author or article.author,
                                 document=article.path.name, lexicon=lexicon)
        except UsageError as error:
            problems.append(f"{article.path}: {str(error).split(': ', 1)[-1]}")
            continue
        seen = stems.get(article.path.stem, 0)
        stems[article.path.stem] = seen + 1
        for row in found.draft_rows:
            drafts.append({**row, "id": f"{row['id']}-{seen + 1}"} if seen else row)
        rejected.extend(found.rejected_rows)
    if problems:
        raise ArticleError(problems)
    draft = draft_table(settle_drafts(drafts))
    left_out = rejected_table(rejected)
    text = csv_text(draft)
    if args.output:
        atomic_write(args.output, lambda handle: handle.write(text))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()  # a failure to write it is told before the summary
    if args.rejected:
        rejected_text = csv_text(left_out)
        atomic_write(args.rejected, lambda handle: handle.write(rejected_text))
    if not len(draft):
        print("estimates: warning: no claim was drafted; the draft holds its header only, which "
              "`estimates validate` reports as a file with no claims", file=sys.stderr)
    where = f"listed in {args.rejected}" if args.rejected else "list them with --rejected FILE"
    print(f"estimates: {plural(len(draft), 'claim')} drafted, {plural(len(left_out), 'number mention')} "
          f"left out ({where}), from {plural(len(args.files), 'article')}", file=sys.stderr)
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


def _days(text: str) -> float:
    """A --window: a finite number of days from 0 to `estimates.reconcile.MAX_WINDOW`."""
    from estimates.reconcile.table import MAX_WINDOW  # only commands that reconcile read it

    try:
        days = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not (math.isfinite(days) and 0 <= days <= MAX_WINDOW):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 0 to {MAX_WINDOW:,}")
    return days


def _delimiter(text: str) -> str:
    """A --delimiter: one character that is not a quote, a line break or a space."""
    from estimates.csvfile import check_delimiter

    try:
        return check_delimiter(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _output(text: str) -> str:
    """An output's path: not empty (``-o ""`` would write to stdout, or fail late)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path: give a file or folder name")
    return text


def _add_input_options(command: argparse.ArgumentParser, relations: bool = True) -> None:
    command.add_argument("file", help="claims: a CSV or Parquet file, a folder or a glob of them "
                                      "(see docs/schema.md)")
    if relations:
        command.add_argument("--relations", metavar="FILE",
                             help="relations between quantities, one per line")
    command.add_argument("--delimiter", default=",", type=_delimiter,
                         help="CSV field separator, one character (default: ,)")
    command.add_argument("--lexicon", metavar="FILE", help="a TOML lexicon merged over the defaults")


def _add_window(command: argparse.ArgumentParser) -> None:
    command.add_argument("--window", type=_days, default=7.0, metavar="DAYS",
                         help="level claims this close in time are compared (default: 7)")


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
        help="show how phrases are read",
        description="Show how phrases are read into intervals with units: each argument,\n"
                    "each line of --file, or each line of stdin with -. Every phrase gets a\n"
                    "result; unreadable ones are listed on stderr and the exit code is 2.",
        epilog='example: estimates parse "some 3000-10000 soldiers" --format json',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("text", nargs="*", help="phrases as written, e.g. 'over 10,000 troops'; "
                       "- reads one phrase per line from stdin")
    parse.add_argument("--file", metavar="FILE", help="read one phrase per line (# comments)")
    parse.add_argument("--format", choices=["table", "json", "csv"], default="table",
                       help="table: a block per phrase; json: one object per line; csv")
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
    _add_window(reconcile)
    reconcile.add_argument("--at", type=_dates, default=None, metavar="DATE[,DATE...]",
                           help="also give ranges at these dates (YYYY-MM-DD)")
    reconcile.add_argument("--no-revisions", dest="revisions", action="store_false",
                           help="a source's later reading does not supersede its earlier one")
    reconcile.add_argument("--format", choices=_Formats(), default="table", metavar="FORMAT",
                           help="%(choices)s (default: table)")
    reconcile.add_argument("-o", "--output", metavar="OUT", type=_output,
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

    report_page = commands.add_parser(
        "report", help="write a self-contained HTML report to share",
        description="Reconcile claims and write one self-contained HTML page: the summary, per "
                    "quantity its plot, ranges, contradictions with quotes, changes and "
                    "revisions, and a claims table to sort and filter.",
        epilog="example: estimates report data/estimates.csv --relations data/relations.txt "
               "-o report.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_options(report_page)
    _add_window(report_page)
    report_page.add_argument("-o", "--output", required=True, metavar="REPORT.html", type=_output)
    report_page.add_argument("--title", help="the page's title (default: names the file)")
    report_page.add_argument("--max-plots", type=int, default=60, metavar="N",
                             help="plot the N quantities with the most claims (default: 60; "
                                  "a plot takes about a second; 0 for none)")
    report_page.add_argument("--skip-invalid", action="store_true",
                             help="report the good rows; list bad ones as invalid in the claims table")
    report_page.set_defaults(run=_report_command)

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
    plot.add_argument("--kind", choices=["forest", "timeline"], default="forest",
                      help="forest (default): the claims side by side; timeline: over time")
    _add_window(plot)
    plot.add_argument("-o", "--output", required=True, metavar="FIG.png", type=_output)
    plot.set_defaults(run=_plot_command)

    extract = commands.add_parser(
        "extract", help="draft a claims CSV from the text of articles",
        description="Draft a claims CSV from articles (plain UTF-8 text, or HTML pages with the "
                    "html extra): one row per numeric claim, with its hedge, unit, sentence, dates "
                    "and claimant, to review. Every number mention not drafted is listed with the "
                    "reason (--rejected).",
        epilog="example: estimates extract article.txt --published 2024-10-24 --author 'A. Writer' "
               "-o draft.csv --rejected rejected.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("files", nargs="+", metavar="ARTICLE", help="article files (.txt or .html)")
    extract.add_argument("--published", metavar="DATE",
                         help="publication date YYYY-MM-DD (default: the page's metadata or dateline)")
    extract.add_argument("--outlet", default="", metavar="NAME", help="who published the articles")
    extract.add_argument("--author", default="", metavar="NAME",
                         help="claimant where a sentence names none (default: the page's author)")
    extract.add_argument("-o", "--output", metavar="FILE", type=_output,
                         help="write the draft here instead of stdout")
    extract.add_argument("--rejected", metavar="FILE", type=_output,
                         help="write the number mentions not drafted, with the reason, here")
    extract.add_argument("--lexicon", metavar="FILE", help="a TOML lexicon merged over the defaults")
    extract.set_defaults(run=_extract_command)
    return parser


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as on Ctrl-C (temporary files removed), exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP interrupt the command as SIGINT does (the command line's own
    process only; the handlers before are restored after)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _quiet_broken_pipe() -> int:
    """The reader of stdout left (``| head``): end quietly, as Unix tools do (128 + SIGPIPE)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.close()  # the failed flush still closes the stream: nothing is left to flush
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (the interpreter's last flush goes here)
    return 128 + signal.SIGPIPE


def _where_to_report() -> str:
    """Where to report a bug, from this install's own metadata (its project URLs, home page or
    authors' addresses); when it names none, to those the user got estimates from."""
    from importlib import metadata

    try:
        meta = metadata.metadata("estimates")
    except metadata.PackageNotFoundError:
        meta = None
    places = [url.partition(",")[2].strip() for url in (meta.get_all("Project-URL") or [])] if meta else []
    places += [value for field in ("Home-page", "Author-email", "Maintainer-email", "Author", "Maintainer")
               for value in (meta.get_all(field) or [])] if meta else []
    places = [place for place in dict.fromkeys(places) if place and place != "UNKNOWN"]
    if places:
        return "to the maintainers of estimates (" + ", ".join(places) + ")"
    return ("to the maintainers of the copy of estimates you use (its package names no address: "
            "the person, team or repository you got it from)")


def _internal_error(argv: Sequence[str], args: argparse.Namespace) -> str:
    """What to tell and send when estimates fails: the command, the input's shape, the trace."""
    shape = ""
    name = getattr(args, "file", None)
    if name and name != "-":
        try:
            with open(name, "rb") as handle:
                header = handle.readline(10_000).decode("utf-8", "replace").strip()
                lines = 1 + sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
            shape = (f"input: {os.path.getsize(name):,} bytes, {lines:,} lines, header: "
                     f"{header[:300]}\n")
        except OSError:
            shape = ""
    return ("estimates: internal error (a bug in estimates, not in your input).\n"
            f"Please report it {_where_to_report()}, with\n"
            f"command: estimates {' '.join(argv)}\n{shape}"
            f"version: estimates {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
            "the shape of your input above (not its data, unless you can share it), and this trace:\n"
            + traceback.format_exc())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process arguments); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = argparse.Namespace()
    try:
        with _stopped_by_signals(), _checked_stdout():
            args = _build_parser().parse_args(argv)
            run: Callable[[argparse.Namespace], int] = args.run
            code = run(args)
            sys.stdout.flush()  # a reader that left shows here, not at exit
            return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except EstimatesError as error:
        print(f"estimates: error: {error}", file=sys.stderr)
        return BAD_INPUT
    except _Stopped as stopped:
        print(f"estimates: stopped by {signal.Signals(stopped.signum).name}", file=sys.stderr)
        return 128 + stopped.signum
    except KeyboardInterrupt:
        print("estimates: interrupted", file=sys.stderr)
        return 130
    except Exception:
        print(_internal_error(argv, args), file=sys.stderr)
        return INTERNAL_ERROR
