"""``bench leaderboard RUN_DIR``: the markdown leaderboard of one run (what results/*/LEADERBOARD.md holds)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.cli.compare import add_table_arguments, write_output
from bench.errors import RunError
from bench.render import get_output
from bench.render.compare import build_comparison
from bench.run.rundir import open_run

__all__ = ["add_parser"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "leaderboard",
        help="write a run's leaderboard: ranked tables per target with provenance",
        description="Read a finished run directory and write its leaderboard: the signatures, date, machine, "
        "commit and the command that reproduces it, then one table per target (systems ranked by "
        "the first ranking column, 95% CIs, * for a significant difference from the baseline, speed, "
        "size). Every number comes from the run directory; nothing is re-scored. Example: "
        "bench leaderboard results/bbc-news-2004-<stamp> -o results/bbc-news-2004/LEADERBOARD.md",
    )
    p.add_argument("run", type=Path, metavar="RUN_DIR", help="a run directory written by 'bench run'")
    add_table_arguments(p, "leaderboard")
    p.set_defaults(func=_leaderboard)


def _leaderboard(args: argparse.Namespace) -> int:
    if not 0 < args.alpha < 1:
        raise RunError(f"--alpha: a significance level between 0 and 1 such as 0.05, got {args.alpha}")
    table = build_comparison(
        [open_run(args.run)],
        baseline=args.baseline,
        targets=args.target,
        columns=args.columns,
        method=args.test,
        alpha=args.alpha,
    )
    write_output(get_output(args.format).render(table), args.output)
    return 0
