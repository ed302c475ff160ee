"""``bench compare RUN_DIR...``: one table of systems × targets × ROUGE types across runs."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from rich.console import Console

from bench.render.compare import build_comparison, to_csv, to_markdown, to_rich
from bench.errors import RunError
from bench.metrics.stats import SIGNIFICANCE_METHODS
from bench.run.rundir import open_run

__all__ = ["add_parser", "FORMATS"]

FORMATS = ("terminal", "markdown", "csv")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="compare run directories: systems × targets × ROUGE with CIs and significance",
        description="Read one or more run directories written by 'bench run' and print one table of "
                    "systems × targets × ROUGE F1 with 95% bootstrap CIs, a * where a system differs "
                    "significantly from the baseline (paired test on per-article scores, seeded), speed "
                    "(articles/s) and model size. Runs scored with different ROUGE signatures are refused.")
    p.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="run directories to compare")
    p.add_argument("--baseline", metavar="SYSTEM", default=None,
                   help="system the others are tested against (default: the first system that ran, in the "
                        "first run); a name that appears in several runs means the first run's")
    p.add_argument("--target", action="append", metavar="TARGET", default=None,
                   help="only this target (headline or standfirst); repeat for several (default: all)")
    p.add_argument("--metric", action="append", metavar="TYPE", default=None,
                   help="only this ROUGE type, e.g. rouge1; repeat for several (default: all scored)")
    p.add_argument("--test", choices=SIGNIFICANCE_METHODS, default="paired-bootstrap",
                   help="significance test on per-article F1 paired by article, seeded with the runs' bootstrap "
                        "settings (default: paired-bootstrap)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level for the * mark (default: 0.05)")
    p.add_argument("--format", choices=FORMATS, default="terminal", help="output format (default: terminal)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", default=None,
                   help="write the table to FILE instead of standard output")
    p.set_defaults(func=_compare)


def _compare(args: argparse.Namespace) -> int:
    if not 0 < args.alpha < 1:
        raise RunError(f"--alpha: a significance level between 0 and 1 such as 0.05, got {args.alpha}")
    runs = [open_run(path) for path in args.runs]
    table = build_comparison(runs, baseline=args.baseline, targets=args.target, types=args.metric,
                             method=args.test, alpha=args.alpha)
    if args.format == "terminal" and args.output is None:
        Console().print(to_rich(table))
        return 0
    if args.format == "terminal":
        console = Console(file=io.StringIO(), width=200, color_system=None)
        console.print(to_rich(table))
        text = console.file.getvalue()
    else:
        text = to_markdown(table) if args.format == "markdown" else to_csv(table)
    if args.output is None:
        print(text, end="")
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RunError(f"{args.output}: cannot write ({exc.strerror}); pass -o with a writable path") from None
    print(f"wrote {args.output}")
    return 0
