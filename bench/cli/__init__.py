"""The ``bench`` command: a thin front over the library, one module per subcommand.

Each subcommand module defines ``add_parser(subparsers)``, which registers its parser and sets
``func`` (``args -> exit code``). User mistakes (:class:`~bench.errors.BenchError`) print one line and
exit non-zero, without a traceback. A reader that goes away (``bench corpus-stats ... | head -3``) ends
any command quietly with :data:`EXIT_READER_GONE`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys

from bench import __version__
from bench.errors import BenchError

__all__ = ["main", "build_parser", "EXIT_READER_GONE"]

# Order is the order shown in --help. A module listed here must exist.
COMMANDS = ("run", "score", "compare", "leaderboard", "report", "meta_eval", "ingest", "corpus_stats", "systems")


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


#: exit status when the reader of stdout went away: 128 + SIGPIPE, what a shell reports for any Unix
#: filter cut off by its reader (``yes | head``), so ``set -o pipefail`` scripts see bench like cat or
#: grep, and a caller can tell output that was cut from output that was complete
EXIT_READER_GONE = 128 + signal.SIGPIPE


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # ``bench ... | head``: the reader has what it wanted; stop quietly
        return _reader_gone()


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help, --version, usage errors: flush here so a closed pipe is caught in main
        sys.stdout.flush()
        raise
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if not getattr(args, "func", None):
        parser.print_help()
        sys.stdout.flush()
        return 2
    stdout_before = _stdout_file()
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a reader that went away shows here, not as a traceback at interpreter exit
        return code
    except SystemExit as exc:
        # rich's Console meets a closed pipe itself: it points stdout at /dev/null and exits 1
        if exc.code == 1 and _stdout_file() != stdout_before and _stdout_file() == _file_id(os.devnull):
            return EXIT_READER_GONE
        raise
    except BenchError as exc:
        print(f"bench {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"bench {args.command}: interrupted; work already written is kept (rerun to resume)", file=sys.stderr)
        return 130


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _stdout_file() -> tuple[int, int] | None:
    """(device, inode) of what stdout's file descriptor points at; None when it has none."""
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _reader_gone() -> int:
    """Point stdout at /dev/null, so the interpreter's final flush of what is left cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a file descriptor (captured by a test): nothing to flush
        pass
    return EXIT_READER_GONE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
