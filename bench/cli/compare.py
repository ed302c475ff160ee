"""``bench compare RUN_DIR...``: one table of systems × targets × metric columns across runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from bench.errors import RunError
from bench.files import write_text_atomic
from bench.metrics.stats import SIGNIFICANCE_METHODS
from bench.render import get_output, output_formats
from bench.render.compare import build_comparison
from bench.run.rundir import open_run

__all__ = ["add_parser", "add_table_arguments", "write_output"]


def add_table_arguments(p: argparse.ArgumentParser, default_format: str) -> None:
    """The options ``bench compare`` and ``bench leaderboard`` share."""
    p.add_argument(
        "--baseline",
        metavar="SYSTEM",
        default=None,
        help="system the others are tested against (default: the first real system that ran, in the "
        "first run); a name that appears in several runs means the first run's",
    )
    p.add_argument(
        "--target",
        action="append",
        metavar="TARGET",
        default=None,
        help="only this target (headline or standfirst); repeat for several (default: all)",
    )
    p.add_argument(
        "--columns",
        "--metric",
        action="append",
        metavar="COLUMN",
        default=None,
        dest="columns",
        help="only this metric column: a key (rouge1_f), a label (R-1), a metric name (extra) or all; "
        "repeat for several (default: the columns each metric shows)",
    )
    p.add_argument(
        "--test",
        choices=SIGNIFICANCE_METHODS,
        default="paired-bootstrap",
        help="significance test on per-article values paired by article, seeded with the runs' "
        "bootstrap settings (default: paired-bootstrap)",
    )
    p.add_argument("--alpha", type=float, default=0.05, help="significance level for the * mark (default: 0.05)")
    p.add_argument(
        "--format",
        choices=list(output_formats()),
        default=default_format,
        help=f"output format (default: {default_format}): "
        + "; ".join(f"{f.name}: {f.description}" for f in output_formats().values()).replace("%", "%%"),
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="FILE", default=None, help="write to FILE instead of standard output"
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare run directories: systems × targets × metrics with CIs and significance",
        description="Read one or more run directories written by 'bench run' and print one table of "
        "systems × targets × metric columns (ROUGE F1 and words by default) with 95% bootstrap CIs, "
        "a * where a system differs significantly from the baseline (paired test on per-article "
        "scores, seeded), speed (articles/s) and model size. When systems scored different article "
        "sets, rows are ranked on the articles all of them scored. Runs scored with different "
        "metric signatures are refused.",
    )
    p.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR", help="run directories to compare")
    add_table_arguments(p, "terminal")
    p.set_defaults(func=_compare)


def write_output(text: str, output: Path | None) -> None:
    """Print ``text`` or write it to ``output`` atomically (one clear line when that fails)."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(output, text)
    except OSError as exc:
        raise RunError(f"{output}: cannot write ({exc.strerror}); pass -o with a writable path") from None
    print(f"wrote {output}")


def _compare(args: argparse.Namespace) -> int:
    if not 0 < args.alpha < 1:
        raise RunError(f"--alpha: a significance level between 0 and 1 such as 0.05, got {args.alpha}")
    runs = [open_run(path) for path in args.runs]
    table = build_comparison(
        runs, baseline=args.baseline, targets=args.target, columns=args.columns, method=args.test, alpha=args.alpha
    )
    if args.format == "terminal" and args.output is None and sys.stdout.isatty():
        from bench.render.terminal import to_rich

        Console().print(to_rich(table))
        return 0
    write_output(get_output(args.format).render(table), args.output)
    return 0
