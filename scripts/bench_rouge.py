#!/usr/bin/env python
"""Throughput of the ROUGE engines vs Google's rouge-score, single process and all cores.

    python scripts/bench_rouge.py [--pairs 2000] [--slow-pairs 300] [--repeat 3] [--json OUT.json]

Pair shapes, from the BBC corpus in ../shared when present (else seeded synthetic text of the same
lengths, and the output says so):

* ``headline``   — lead-10 words vs the headline (~10 vs ~8 words);
* ``standfirst`` — lead-30 words vs the standfirst (~30 vs ~25 words);
* ``long``       — the standfirst (~30 words) vs the first 400 words of the body.

Rows: ``rouge-score`` and ``rouge-score-rs`` are the raw libraries (``RougeScorer.score`` in a loop and
``RougeScorer.score_batch``; texts already split one sentence per line, untimed, as their callers must
do); ``reference``, ``fast`` and ``perl`` go through
:class:`bench.metrics.rouge.Rouge` end to end (sentence splitting included; a fresh instance per
repetition so nothing is cached). "1 core": one process (Rust: ``RAYON_NUM_THREADS=1``); "all cores":
a process pool of ``os.cpu_count()`` workers (Rust: its own threads). Types: rouge1, rouge2, rougeL,
rougeLsum (perl: rougeSU4 instead of rougeLsum). Every measurement runs in a fresh subprocess; the best
of ``--repeat`` runs is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"
SHAPES = ("headline", "standfirst", "long")
ENGINES = ("rouge-score", "rouge-score-rs", "reference", "fast", "perl")
RAW = ("rouge-score", "rouge-score-rs")  # the libraries themselves, on pre-split text
RS_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def _words(text: str, n: int) -> str:
    return " ".join(text.split()[:n])


def _synthetic(n: int) -> list[dict]:
    rng = random.Random(12345)
    vocab = [f"w{i}" for i in range(3000)]

    def text(k: int) -> str:
        return " ".join(rng.choice(vocab) + ("." if rng.random() < 0.06 else "") for _ in range(k))

    return [{"headline": text(8), "standfirst": text(25), "body": text(600)} for _ in range(n)]


def load_pairs(shape: str, n: int) -> tuple[list[str], list[str], str]:
    """(predictions, references, source) for ``shape``: deterministic, the same in every subprocess."""
    if BBC.exists():
        arts = [json.loads(line) for line in BBC.open(encoding="utf-8")]
        arts = [a for a in arts if a.get("headline") and a.get("standfirst")][:n]
        source = f"bbc-news-2004 ({len(arts)} articles)"
    else:
        arts, source = _synthetic(n), "synthetic (BBC corpus not found)"
    if shape == "headline":
        return [_words(a["body"], 10) for a in arts], [a["headline"] for a in arts], source
    if shape == "standfirst":
        return [_words(a["body"], 30) for a in arts], [a["standfirst"] for a in arts], source
    return [a["standfirst"] for a in arts], [_words(a["body"], 400) for a in arts], source


_WORKER: dict = {}


def _init_worker(engine: str, types: tuple[str, ...]) -> None:
    _WORKER["score"] = _scorer(engine, types)


def _score_chunk(chunk: tuple[list[str], list[str]]) -> int:
    _WORKER["score"](*chunk)
    return len(chunk[0])


def _scorer(engine: str, types: tuple[str, ...]):
    """A function (preds, refs) -> None that scores ``types`` with ``engine`` (perl: its own types)."""
    if engine == "rouge-score":
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer(list(types), use_stemmer=True)
        return lambda preds, refs: [scorer.score(r, p) for p, r in zip(preds, refs)]
    if engine == "rouge-score-rs":
        import rouge_score_rs

        fast = rouge_score_rs.RougeScorer(list(types), use_stemmer=True)
        return lambda preds, refs: fast.score_batch(refs, preds)
    from bench.metrics.rouge import Rouge, RougeConfig

    config = RougeConfig(engine=engine, types=None if engine == "perl" else types)  # type: ignore[arg-type]
    return lambda preds, refs: Rouge(config).score(preds, refs)


def measure(engine: str, shape: str, mode: str, n: int, repeat: int, types: tuple[str, ...]) -> dict:
    """pairs/s of one (engine, shape, mode), best of ``repeat``; runs in the current process."""
    preds, refs, source = load_pairs(shape, n)
    if engine in RAW and "rougeLsum" in types:  # the raw libraries get their input split, untimed
        from bench.text import split_sentences

        preds = ["\n".join(split_sentences(p)) for p in preds]
        refs = ["\n".join(split_sentences(r)) for r in refs]
    best = 0.0
    if mode == "all" and engine not in ("fast", "rouge-score-rs"):
        cores = os.cpu_count() or 1
        size = max(1, len(preds) // (cores * 8))
        chunks = [(preds[i : i + size], refs[i : i + size]) for i in range(0, len(preds), size)]
        with Pool(cores, initializer=_init_worker, initargs=(engine, types)) as pool:
            pool.map(_score_chunk, chunks[:cores])  # warm up every worker
            for _ in range(repeat):
                t = time.perf_counter()
                done = sum(pool.map(_score_chunk, chunks))
                best = max(best, done / (time.perf_counter() - t))
    else:
        score = _scorer(engine, types)
        score(preds[:20], refs[:20])  # warm up (imports, stemmer caches of the first words only)
        for _ in range(repeat):
            t = time.perf_counter()
            score(preds, refs)
            best = max(best, len(preds) / (time.perf_counter() - t))
    return {"engine": engine, "shape": shape, "mode": mode, "pairs": len(preds), "pairs_per_s": best, "source": source}


def _run_child(engine: str, shape: str, mode: str, n: int, repeat: int, types: str) -> dict:
    env = dict(os.environ)
    if engine in ("fast", "rouge-score-rs") and mode == "1":
        env["RAYON_NUM_THREADS"] = "1"
    cmd = [
        sys.executable,
        __file__,
        "--one",
        engine,
        shape,
        mode,
        "--pairs",
        str(n),
        "--repeat",
        str(repeat),
        "--types",
        types,
    ]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=2000, help="pairs for the fast engine")
    ap.add_argument("--slow-pairs", type=int, default=300, help="pairs for rouge-score, reference and perl")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--types", default=",".join(RS_TYPES), help="types of rouge-score, reference and fast")
    ap.add_argument("--json", type=Path, help="also write the rows to this file")
    ap.add_argument("--one", nargs=3, metavar=("ENGINE", "SHAPE", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one, n=args.pairs, repeat=args.repeat, types=tuple(args.types.split(",")))))
        return
    rows = []
    for shape in args.shapes.split(","):
        for engine in args.engines.split(","):
            for mode in ("1", "all"):
                n = args.pairs if engine in ("fast", "rouge-score-rs") else args.slow_pairs
                rows.append(_run_child(engine, shape, mode, n, args.repeat, args.types))
    base = {(r["shape"], r["mode"]): r["pairs_per_s"] for r in rows if r["engine"] == "rouge-score"}
    base1 = {r["shape"]: r["pairs_per_s"] for r in rows if r["engine"] == "rouge-score" and r["mode"] == "1"}
    print(f"cores: {os.cpu_count()}, data: {rows[0]['source']}, types: {args.types} (perl: its defaults)")
    print(f"{'shape':<11} {'engine':<12} {'mode':<9} {'pairs':>6} {'pairs/s':>10} {'x rs same':>10} {'x rs 1core':>10}")
    for r in rows:
        same = r["pairs_per_s"] / base.get((r["shape"], r["mode"]), float("nan"))
        one = r["pairs_per_s"] / base1.get(r["shape"], float("nan"))
        mode = "1 core" if r["mode"] == "1" else "all"
        print(
            f"{r['shape']:<11} {r['engine']:<12} {mode:<9} {r['pairs']:>6} {r['pairs_per_s']:>10.0f} "
            f"{same:>10.1f} {one:>10.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
