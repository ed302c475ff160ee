#!/usr/bin/env python
"""Driver memory of a run as it grows: peak RSS of ``bench.run.execute.execute`` on a replicated BBC corpus.

    python scripts/bench_memory.py [--articles 21270] [--systems 3] [--keep DIR]

The corpus is the shared BBC file (2,127 articles) repeated until it has ``--articles`` rows; copy k > 0 gets
ids ``<id>~k`` and a last body paragraph ``(replica k of <id>)``, so every article has its own content hash
(the prediction cache does not collapse them) while the lead systems predict what they predict on the
original. (Until this was so, the paragraph read ``(replica k)``: a line repeated in 2,127 bodies, which the
boilerplate pass removes, so the copies were the originals again — 2,127 distinct articles, whatever
``--articles`` said, and figures measured that way are not comparable with these.)
Settings: lead-1, lead-2, lead-words (``--systems`` takes the first N) × headline, standfirst; metrics
``rouge: {engine: fast}`` plus the default ``extra``; ``dedupe: false``; a fresh output folder (empty
cache) in a temp dir, removed afterwards unless ``--keep``.

Each measurement runs in a fresh subprocess so nothing of the parent (or of writing the corpus) counts:
``corpus`` loads the corpus only and reports what holding it costs (RSS after − before, once freed memory is
handed back as ``execute`` does after loading; before that was so, this figure included whatever of the
load's freed temporaries the allocator kept); ``run`` calls
``execute`` and reports the peak RSS (``ru_maxrss``) and a sampling thread's peak (every 50 ms). Printed:
the peak in MiB (2**20 bytes; with decimal GB beside it) split into imports, the corpus and the rest, predictions, MiB per 100k predictions (with and
without the corpus), with the settings. Runs against whichever ``bench`` is on
``PYTHONPATH`` (e.g. ``PYTHONPATH=/work/main`` for the code before streaming).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"
if not BBC.exists():
    BBC = Path("/work/shared/corpora/bbc-news-2004/articles.jsonl")
SYSTEMS = (
    "{name: lead-1, kind: lead, sentences: 1}",
    "{name: lead-2, kind: lead, sentences: 2}",
    "{name: lead-words, kind: lead, words: task}",
)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_corpus(path: Path, articles: int) -> None:
    """``articles`` rows of the BBC corpus repeated, line by line (never the whole corpus in memory)."""
    base = BBC.read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as out:
        for i in range(articles):
            k, row = divmod(i, len(base))
            rec = json.loads(base[row])
            if k:
                rec["body"] = f"{rec['body']}\n\n(replica {k} of {rec['id']})"
                rec["id"] = f"{rec['id']}~{k}"
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def write_config(folder: Path, corpus: Path, systems: int, score_workers: str = "auto") -> Path:
    lines = [
        "name: memory",
        f"run: {{score_workers: {score_workers}}}",
        f"corpus: {{path: {corpus}, dedupe: false}}",
        "tasks: {headline: {max_words: 12}, standfirst: {max_words: 40}}",
        "systems:",
        *(f"  - {s}" for s in SYSTEMS[:systems]),
        "metrics: {rouge: {engine: fast}}",
    ]
    path = folder / "memory.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class _Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, _rss_mb())


def child(mode: str, config_path: Path, output: Path) -> dict:
    from bench.config import load_config
    from bench.corpus.load import load_corpus
    from bench.run.execute import execute
    from bench.run.stream import release_freed_memory

    config = load_config(config_path)
    config.build_metrics()  # imports what scoring imports, so "after imports" is the floor of a run
    start_rss = _rss_mb()
    if mode == "corpus":
        before = _rss_mb()
        corpus = load_corpus(config.corpus, config.base_dir)
        release_freed_memory()  # as execute() does after loading: the load's freed temporaries are not held
        held = _rss_mb() - before
        distinct = len({a.content_hash for a in corpus.articles})  # after measuring: the hashes are cached
        return {"articles": len(corpus.articles), "distinct": distinct, "corpus_mb": held, "load_peak_mb": _peak_mb()}
    sampler = _Sampler()
    sampler.start()
    t0 = time.perf_counter()
    result = execute(config, output_root=output, use_cache=False, argv=["bench_memory"])
    seconds = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    predictions = sum(row["n"] for row in result.summary)
    return {
        "start_mb": start_rss,
        "peak_mb": _peak_mb(),
        "sampled_peak_mb": max(sampler.peak, _rss_mb()),
        "predictions": predictions,
        "failures": len(result.failures),
        "seconds": seconds,
        "signature": result.signature,
    }


def _measure(mode: str, config: Path, output: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, "--config", str(config), "--output", str(output)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        sys.exit(f"bench_memory: the {mode} measurement failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=21270, help="rows of the replicated corpus (default 21270)")
    parser.add_argument("--systems", type=int, default=3, choices=(1, 2, 3), help="lead systems to run (default 3)")
    parser.add_argument("--keep", type=Path, default=None, help="write corpus, config and run here and keep them")
    parser.add_argument(
        "--score-workers", default="auto", help="run.score_workers of the measured run (default auto; 1: no pool)"
    )
    parser.add_argument("--child", choices=("corpus", "run"), help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.config, args.output)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        corpus_path = folder / "articles.jsonl"
        write_corpus(corpus_path, args.articles)
        config = write_config(folder, corpus_path, args.systems, args.score_workers)
        corpus = _measure("corpus", config, folder / "results")
        run = _measure("run", config, folder / "results")
    import bench

    n = run["predictions"]
    rest = run["peak_mb"] - run["start_mb"] - corpus["corpus_mb"]
    print(
        f"settings: {args.articles} articles (BBC ×{args.articles / 2127:.2f}, replicated; "
        f"{corpus['distinct']} distinct contents), "
        f"{args.systems} lead systems × headline, standfirst; rouge engine fast + extra; no cache reuse; "
        f"score_workers {args.score_workers}; "
        f"bench from {Path(bench.__file__).parent.parent}; {os.cpu_count()} CPUs (shared, loaded by other jobs)"
    )
    print(f"signature: {run['signature']}")
    print(f"predictions: {n} ({run['failures']} failed units), run took {run['seconds']:.1f} s")
    print(
        f"driver peak RSS: {run['peak_mb']:.0f} MiB = {run['peak_mb'] * 2**20 / 1e9:.3f} GB "
        f"(ru_maxrss; sampled every 50 ms: {run['sampled_peak_mb']:.0f} MiB) "
        f"= {run['start_mb']:.0f} MiB after imports + {corpus['corpus_mb']:.0f} MiB the corpus holds (loading it alone "
        f"peaks at {corpus['load_peak_mb']:.0f} MiB) + {rest:.0f} MiB the rest"
    )
    if n:
        print(
            f"per 100k predictions: {(run['peak_mb'] - run['start_mb']) / n * 1e5:.0f} MiB above imports, "
            f"{rest / n * 1e5:.0f} MiB without the corpus"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
