"""``bench report RUN_DIR``: one self-contained HTML report of a run."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write a self-contained HTML report of a run directory",
        description="Write one HTML file (no network needed: inline CSS, SVG charts) with the leaderboard "
        "per target, per-article score distributions, length vs ROUGE, quality vs speed, and "
        "an article browser showing each article's real headline and standfirst beside every "
        "system's output with its scores.",
    )
    p.add_argument("run", type=Path, metavar="RUN_DIR", help="a run directory written by 'bench run'")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        default=None,
        help="where to write the report (default: RUN_DIR/report.html)",
    )
    p.add_argument(
        "--baseline",
        metavar="SYSTEM",
        default=None,
        help="system the others are tested against (default: the run's first system that ran)",
    )
    p.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from bench.report import write_report

    path = write_report(args.run, args.output, baseline=args.baseline)
    print(f"wrote {path}")
    return 0
