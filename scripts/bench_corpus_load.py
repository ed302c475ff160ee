#!/usr/bin/env python
"""Corpus loading time with the boilerplate pass (corpus.clean) and the leakage check (corpus.leakage) on and off.

    python scripts/bench_corpus_load.py [--corpus PATH] [--repeat 15] [--json OUT.json]

(the ``bench`` package must be importable: installed, or ``PYTHONPATH=.`` from a checkout).

Loads the corpus (default: the BBC reference corpus in ../shared) through ``load_corpus`` in four settings
— clean on/off × leakage strip/off — interleaved round-robin so that a machine shared with other work
slows each setting alike. Times are CPU seconds of this process (``time.process_time``: less sensitive to
other processes than wall time), the best and the median of ``--repeat`` loads; each row says what the
pass adds over the same load without it. Everything else is the default corpus config (dedupe on, no
sampling).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_BBC = Path("shared", "corpora", "bbc-news-2004", "articles.jsonl")
BBC = next((p / _BBC for p in REPO.parents if (p / _BBC).exists()), REPO.parent / _BBC)
SETTINGS = {
    "clean off, leakage off": {"clean": False, "leakage": "off"},
    "clean off, leakage strip": {"clean": False, "leakage": "strip"},
    "clean on,  leakage off": {"clean": True, "leakage": "off"},
    "clean on,  leakage strip": {"clean": True, "leakage": "strip"},
}


def measure(path: Path, repeat: int) -> dict[str, list[float]]:
    from bench.corpus.load import CorpusConfig, load_corpus

    configs = {name: CorpusConfig(path=str(path), **kw) for name, kw in SETTINGS.items()}
    for config in configs.values():  # warm: file cache, compiled regexes, imports
        load_corpus(config)
    times: dict[str, list[float]] = {name: [] for name in configs}
    for _ in range(repeat):
        for name, config in configs.items():
            start = time.process_time()
            load_corpus(config)
            times[name].append(time.process_time() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=BBC, help="a corpus file or folder (default: the BBC corpus)")
    ap.add_argument("--repeat", type=int, default=15, help="loads per setting (default 15)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"{args.corpus}: not found; pass --corpus PATH", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)
    from bench.corpus.load import CorpusConfig, load_corpus

    corpus = load_corpus(CorpusConfig(path=str(args.corpus)))
    times = measure(args.corpus, args.repeat)
    best = {name: min(t) for name, t in times.items()}
    print(
        f"corpus load time: {corpus.source} ({corpus.rows_read:,} rows, {len(corpus.articles):,} articles); "
        f"CPU seconds of one process, best and median of {args.repeat} interleaved loads; "
        f"python {platform.python_version()} on {platform.machine()}"
    )
    for name, t in times.items():
        print(f"  {name}: best {best[name] * 1000:7.1f} ms, median {statistics.median(t) * 1000:7.1f} ms")
    print("what each pass adds (best vs best):")
    for label, with_, without in (
        ("clean (leakage off)", "clean on,  leakage off", "clean off, leakage off"),
        ("clean (leakage strip)", "clean on,  leakage strip", "clean off, leakage strip"),
        ("leakage (clean off)", "clean off, leakage strip", "clean off, leakage off"),
        ("leakage (clean on)", "clean on,  leakage strip", "clean on,  leakage off"),
    ):
        extra = best[with_] - best[without]
        print(f"  {label}: +{extra * 1000:.1f} ms = {extra / best[without]:+.1%} of {best[without] * 1000:.1f} ms")
    if args.json:
        args.json.write_text(json.dumps({"corpus": corpus.source, "repeat": args.repeat, "seconds": times}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
