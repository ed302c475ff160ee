"""``bench run [CONFIG]``: run a benchmark config and print its ROUGE table."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from bench.config import default_config_path, load_config
from bench.run.execute import execute

__all__ = ["add_parser"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="run a benchmark config (default: configs/default.yaml on the bundled sample)",
        description="Run every system of CONFIG on every target (headline, standfirst) of its corpus, "
        "score with ROUGE, print the table with its signature, and write a run directory "
        "<output>/<config-name>-<UTC yyyymmdd-hhmmss>/ with config.yaml, manifest.json, "
        "predictions.jsonl, scores.jsonl and summary.{json,csv,md}. Predictions are cached "
        "under <output>/.cache/, so an interrupted run resumes where it stopped.",
    )
    p.add_argument("config", nargs="?", type=Path, default=None, help="YAML config (default: configs/default.yaml)")
    p.add_argument(
        "--limit",
        type=int,
        metavar="N",
        default=None,
        help="score only N articles: a deterministic sample of the corpus (after the config's own sampling) "
        "that keeps its strata when corpus.stratify_by is set",
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        default=Path("results"),
        help="folder for run directories and the prediction cache (default: results)",
    )
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="regenerate every prediction instead of reusing cached ones (still writes the cache)",
    )
    p.add_argument(
        "--examples",
        type=int,
        metavar="K",
        default=1,
        help="show every system's output beside the real headline and standfirst for K "
        "articles (default 1; 0 hides them)",
    )
    p.add_argument(
        "--columns",
        action="append",
        metavar="COLUMN",
        default=None,
        help="show this metric column in the table (a key such as rouge1_p or semantic, a label such "
        "as R-1, a metric name such as extra, or all); repeat for several (default: the columns "
        "each metric shows: ROUGE F1 and words). Every column is in summary.csv either way",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars (for CI logs)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bench.cli.progress import make_progress
    from bench.errors import ConfigError
    from bench.render.compare import build_comparison
    from bench.render.terminal import to_rich
    from bench.run.manifest import cuda_build_without_gpu

    if args.limit is not None and args.limit < 1:
        raise ConfigError(f"--limit: must be ≥ 1, got {args.limit}")
    if args.quiet:  # model libraries draw their own tqdm bars (weight loading, conversion)
        os.environ.setdefault("TQDM_DISABLE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    config = load_config(args.config or default_config_path())
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # piped or captured: do not squeeze the table into 80 columns
    err = Console(file=sys.stderr)
    progress = make_progress(args.quiet)
    try:
        result = execute(
            config,
            output_root=args.output,
            use_cache=not args.no_cache,
            limit=args.limit,
            progress=progress,
            argv=["bench", *sys.argv[1:]],
        )
    finally:
        progress.close()
    notice = cuda_build_without_gpu()  # only when a system imported torch: extractive runs never pay for it
    if notice:
        err.print(notice, markup=False, highlight=False, soft_wrap=True)
    reused = sum(u.reused for u in result.units)
    if reused:
        err.print(f"reused {reused} cached predictions (--no-cache to regenerate)")
    skipped = {(u.target): u.skipped_no_reference for u in result.units if u.skipped_no_reference}
    for target, count in skipped.items():
        err.print(f"skipped {count} articles without a {target} (nothing to score against)")
    _print_examples(console, result, args.examples)
    table = build_comparison([result.run], test=False, columns=args.columns)
    console.print(to_rich(table, caption=False))
    for note in table.notes:
        err.print(f"warning: {note}", style="yellow", markup=False, soft_wrap=True, highlight=False)
    if table.common_n:
        console.print(
            "Systems scored different article sets: ranked on the articles all of them scored; each "
            "system's own mean is listed after the ranking.",
            soft_wrap=True,
        )
    for name, signature in table.signatures.items():
        console.print(
            f"signature: {signature}" if name == "rouge" else f"signature ({name}): {signature}",
            soft_wrap=True,
            highlight=False,
        )
    for f in result.failures:
        err.print(f"[red]FAILED[/red] {f['system']} on {f['target']}: {f['error']}")
    console.print(f"run directory: {result.run_dir}", soft_wrap=True)
    return 1 if result.failures else 0


def _print_examples(console: Console, result, k: int) -> None:
    """Each system's output beside the real references, for the k articles most systems predicted."""
    from rich.markup import escape

    for article_id, targets in result.examples(k):
        console.print(f"[bold]Example: article {escape(article_id)}[/bold]")
        for target, reference, rows in targets:
            console.print(f"  [cyan]{target} (real):[/cyan] {escape(_clip(reference))}")
            width = max(len(name) for name, _ in rows)
            for name, prediction in rows:
                console.print(f"    {escape(name.ljust(width))}  {escape(_clip(prediction))}", highlight=False)
        console.print()


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
