"""``bench corpus-stats PATH|CONFIG``: what a corpus holds before you benchmark on it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.cli.corpus_source import add_source_arguments, load_from_args, print_problems
from bench.corpus.stats import LENGTH_FIELDS, CorpusStats, LengthStats, corpus_stats

__all__ = ["add_parser", "render"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "corpus-stats",
        help="counts, missing fields, duplicates, languages and lengths of a corpus",
        description="Load SRC like a run would (field mapping, presets, dedupe, sampling) and print: article "
        "counts, rows skipped and duplicates, missing fields, languages, categories and sources, "
        "and word-length distributions (min/median/p95/max) of headline, standfirst and body. "
        "p95 is the nearest-rank 95th percentile. It also shows the boilerplate lines removed from bodies "
        "(corpus.clean: lines per rule, the 20 most frequent lines, articles kept uncleaned) and the "
        "leaked openings.",
    )
    add_source_arguments(p)
    p.add_argument("--json", action="store_true", help="print the figures as JSON (for machines)")
    p.set_defaults(func=_corpus_stats)


def _length_row(name: str, stats: LengthStats | None) -> str:
    if stats is None:
        return f"  {name:<11} {'(absent)':>8}"
    median = f"{stats.median:g}"
    return (
        f"  {name:<11} {stats.count:>8,} {stats.min:>6,} {median:>8} {stats.p95:>6,} {stats.max:>7,} "
        f"{stats.mean:>8,.1f}"
    )


def _counts(counts: dict[str, int], limit: int = 10) -> str:
    items = list(counts.items())
    text = ", ".join(f"{k} {v:,}" for k, v in items[:limit])
    return text + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def render(stats: CorpusStats) -> str:
    """The human-readable report."""
    lines = [
        f"corpus: {stats.source}",
        f"articles: {stats.articles:,} (read {stats.rows_read:,}; skipped {stats.skipped:,} bad row(s); "
        f"{stats.duplicates:,} duplicate(s) by body"
        + (f"; {stats.few_shot:,} set aside for few-shot" if stats.few_shot else "")
        + ")",
        "leakage: "
        + (", ".join(f"{v:,} opened with their {k}" for k, v in stats.leakage.items()) or "none")
        + " (a body that repeats its headline or standfirst; corpus.leakage: strip|flag|off)",
        *_boilerplate(stats.clean),
        "missing: " + ", ".join(f"{k} {v:,}" for k, v in stats.missing.items()),
        f"languages: {_counts(stats.languages)}",
        f"categories: {_counts(stats.categories)}",
        f"sources: {_counts(stats.sources)}",
        "words:",
        f"  {'field':<11} {'articles':>8} {'min':>6} {'median':>8} {'p95':>6} {'max':>7} {'mean':>8}",
    ]
    lines += [_length_row(name, stats.words[name]) for name in LENGTH_FIELDS]
    lines.append(_length_row("paragraphs", stats.paragraphs))
    return "\n".join(lines)


def _boilerplate(clean: dict[str, Any], shown: int = 20) -> list[str]:
    """The boilerplate section: lines removed per rule, the most frequent ones, the articles kept uncleaned."""
    if not clean:
        return ["boilerplate: not removed (corpus.clean: false)"]
    removed = clean.get("removed") or {}
    kept = clean.get("kept_uncleaned") or []
    kept_count = clean.get("kept_uncleaned_count", len(kept))
    lines = [
        f"boilerplate: {sum(removed.values()):,} line(s) removed from {clean.get('articles_cleaned', 0):,} article(s)"
        + (" (" + ", ".join(f"{rule} {n:,}" for rule, n in removed.items()) + ")" if removed else "")
        + f"; {kept_count:,} article(s) kept uncleaned [{clean.get('settings', '')}]"
    ]
    top = clean.get("top_lines") or []
    if top:
        lines.append(f"  most removed lines (top {min(shown, len(top))}; to keep one, change corpus.clean):")
        lines += [f"  {n:>7,}× {line}" for line, n in top[:shown]]
    if kept:
        lines.append("  kept uncleaned (they would lose more than corpus.clean.max_loss of their words):")
        lines += [f"    {note}" for note in kept[:shown]] + (
            [f"    ... ({len(kept) - shown} more)"] if len(kept) > shown else []
        )
    return lines


def _corpus_stats(args: argparse.Namespace) -> int:
    corpus = load_from_args(args)
    stats = corpus_stats(corpus)
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_problems(corpus)
        print(render(stats))
    return 0
