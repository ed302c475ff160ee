"""The ``bench`` command: a thin front over the library, one module per subcommand.

Each subcommand module defines ``add_parser(subparsers)``, which registers its parser and sets
``func`` (``args -> exit code``). User mistakes (:class:`~bench.errors.BenchError`) print one line and
exit non-zero, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from bench import __version__
from bench.errors import BenchError

__all__ = ["main", "build_parser"]

# Order is the order shown in --help. A module listed here must exist.
COMMANDS = ("run", "score", "compare", "leaderboard", "report", "ingest", "corpus_stats", "systems")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench",
        description="headline-bench: benchmark summarizers on writing news headlines and standfirsts, "
                    "scored with ROUGE you can publish. Every run is logged, resumable and signed.",
        epilog="Run 'bench COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"headline-bench {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"bench.cli.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BenchError as exc:
        print(f"bench {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"bench {args.command}: interrupted; work already written is kept (rerun to resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
