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
import traceback
from collections.abc import Callable, Sequence

from estimates import __version__
from estimates.errors import EstimatesError

__all__ = ["main"]

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
