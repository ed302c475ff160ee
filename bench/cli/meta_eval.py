"""``bench meta-eval``: how far each metric agrees with human judgments.

    bench meta-eval JUDGMENTS.jsonl [--config configs/meta-eval-realsumm.yaml] [--metrics rouge,bertscore]
                    [--group-by family] [--aspects A,B] [--levels system,summary,global]
                    [--bootstrap N] [--seed S] [--test METRIC_A METRIC_B ...] [--json | --csv | --markdown]
                    [--cache-dir DIR | --no-cache] [--out FILE] [--report FILE.html]

Scores every judged summary with the metrics (cached by content), then prints Kendall τ-b, Spearman and
Pearson per human aspect at system, summary and global level with 95% bootstrap CIs over systems and
documents, any paired permutation tests, and the signatures; ``--report`` also writes them as one HTML page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.errors import ConfigError
from bench.files import write_text_atomic
from bench.metaeval.config import MetaEvalConfig, build_specs, load_config
from bench.metaeval.correlations import LEVELS
from bench.metaeval.evaluate import Settings, meta_evaluate
from bench.metaeval.judgments import load_judgments
from bench.metaeval.render import to_csv, to_json, to_markdown, to_text

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "meta-eval",
        help="correlate metrics with human judgments (Kendall, Spearman, Pearson with CIs)",
        description="Score every summary of a human-judgment JSONL file with the chosen metrics (cached), then "
        "report per human aspect Kendall tau-b, Spearman and Pearson at system, summary and global "
        "level, with 95% bootstrap CIs over systems and documents (Deutsch et al. 2021).",
    )
    p.add_argument(
        "judgments",
        nargs="?",
        type=Path,
        metavar="JUDGMENTS.jsonl",
        help="one judged summary per line: {doc_id, system, summary, references, human, article?}",
    )
    p.add_argument("--config", type=Path, help="a meta-eval YAML (configs/meta-eval-*.yaml): metrics and options")
    p.add_argument(
        "--metrics",
        help="comma-separated metric labels (name or name@tag from the config), "
        "e.g. rouge,bertscore (default: the config's, else rouge)",
    )
    p.add_argument("--group-by", metavar="FIELD", help="compute each value of this judgment field separately")
    p.add_argument("--aspects", help="comma-separated human aspects (default: every aspect)")
    p.add_argument("--levels", help=f"comma-separated levels among {','.join(LEVELS)} (default: all)")
    p.add_argument("--bootstrap", type=int, metavar="N", help="bootstrap resamples for the CIs (default 1000)")
    p.add_argument("--seed", type=int, help="seed of the bootstrap and permutations (default 12345)")
    p.add_argument(
        "--test",
        nargs=2,
        action="append",
        metavar=("A", "B"),
        help="paired permutation test between metric columns A and B (e.g. rouge2.recall bertscore.f1)",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON instead of tables")
    fmt.add_argument("--csv", action="store_true", help="print CSV instead of tables")
    fmt.add_argument("--markdown", action="store_true", help="print markdown tables")
    p.add_argument("--out", type=Path, help="also write the output to this file")
    p.add_argument(
        "--report",
        type=Path,
        metavar="FILE.html",
        help="also write a self-contained HTML page: the tables with CIs, the paired tests, the signatures",
    )
    cache = p.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache-dir", type=Path, help="metric-score cache (default $HEADLINE_BENCH_CACHE or ~/.cache/headline-bench)"
    )
    cache.add_argument("--no-cache", action="store_true", help="score everything again, cache nothing")
    p.set_defaults(func=run)
    return p


def _csv_list(text: str | None) -> tuple[str, ...] | None:
    return tuple(x.strip() for x in text.split(",") if x.strip()) if text else None


def _settings(args: argparse.Namespace, cfg: MetaEvalConfig) -> Settings:
    opts = cfg.options
    levels = _csv_list(args.levels) or tuple(opts.get("levels") or LEVELS)
    aspects = _csv_list(args.aspects) or (tuple(opts["aspects"]) if opts.get("aspects") else None)
    tests = tuple(tuple(t) for t in (args.test or opts.get("tests") or ()))
    if any(len(t) != 2 for t in tests):
        raise ConfigError(f"{cfg.path}: tests: expected pairs like [[rouge2.recall, bertscore.f1]]")
    return Settings(
        bootstrap=args.bootstrap or int(opts.get("bootstrap", 1000)),
        seed=args.seed if args.seed is not None else int(opts.get("seed", 12345)),
        levels=levels,
        aspects=aspects,
        group_by=args.group_by or opts.get("group_by"),
        tests=tests,
    )


def _metrics(args: argparse.Namespace, cfg: MetaEvalConfig) -> dict[str, dict[str, Any]]:
    labels = _csv_list(args.metrics)
    if not labels:
        return cfg.metrics
    return {label: cfg.metrics.get(label, {}) for label in labels}


def _cache_dir(args: argparse.Namespace) -> Path | None:
    if args.no_cache:
        return None
    if args.cache_dir:
        return args.cache_dir
    from bench.sources import cache_root

    return cache_root()


def run(args: argparse.Namespace) -> int:
    cfg = load_config(args.config) if args.config else MetaEvalConfig()
    path = args.judgments or cfg.judgments
    if path is None:
        raise ConfigError("meta-eval: give a judgments file (JUDGMENTS.jsonl) or a --config that names one")
    specs = build_specs(_metrics(args, cfg), f"{args.config or 'meta-eval'}: metrics")
    settings = _settings(args, cfg)
    result = meta_evaluate(load_judgments(path), specs, settings, _cache_dir(args))
    if args.json:
        text = json.dumps(to_json(result), ensure_ascii=False, indent=1) + "\n"
    elif args.csv:
        text = to_csv(result)
    else:
        text = to_markdown(result) if args.markdown else to_text(result)
    sys.stdout.write(text)
    if args.out:
        write_text_atomic(args.out, text)
    if args.report:
        from bench.metaeval.report import report_html

        write_text_atomic(args.report, report_html(result, str(path)))
    return 0
