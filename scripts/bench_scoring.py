#!/usr/bin/env python
"""Throughput of the default scoring path (ROUGE fast engine + extra metrics + bootstrap CIs) on one core.

    PYTHONPATH=$PWD python scripts/bench_scoring.py [--copies 10] [--systems lead-1,lead-2,lead-words]
        [--targets headline,standfirst] [--json OUT.json]
    PYTHONPATH=$PWD python scripts/bench_scoring.py --workers 1,2 [--repeat 2] [--slice-rows 4096] ...

The corpus is the BBC News 2004 set in ../shared (2,127 articles, loaded as ``configs/bbc.yaml`` loads it:
no dedupe, leakage stripped), replicated ``--copies`` times (10: 21,270 articles). Predictions come from the
lead systems (``lead-1``, ``lead-2``, ``lead-words``: their ``summarize``), one unit per system × target, as
``bench run`` builds them. Metrics are the run's defaults built through the registry (``rouge`` with
``engine: auto, stemmer: true`` and ``extra`` with its defaults), one instance for all units as in a run.

Rows, each in pairs (prediction, reference, article) per second over all units:

* ``extra``       — ``ExtraMetric.score`` (lengths, compression, novel 1/2/3-grams, coverage/density);
* ``rouge``       — ``RougeMetric.score`` (rouge1, rouge2, rougeL, rougeLsum, fast engine);
* ``ci``          — both metrics' ``aggregate`` (mean and seeded bootstrap 95% CI of every column);
* ``total``       — :func:`bench.run.score.score_unit`, what a run times as ``seconds_score`` (fresh metrics).

Each row in wall seconds and in CPU seconds of this process: on a machine shared with other work the CPU
seconds are the steadier figure (the process is pinned to one core, so they are its time on that core).

One core: the process is pinned to one CPU and rouge-score-rs to one thread (``RAYON_NUM_THREADS=1``).
``digest`` hashes every per-article value and every aggregate (repr of the floats, so bit for bit) of the
``total`` pass: two package versions with the same digest gave identical numbers. To measure another tree,
run this script with ``PYTHONPATH`` pointing at it.

``--workers 1,2`` measures instead what a run does with ``run.score_workers``: each unit in slices of
``SLICE_ROWS`` (:func:`bench.run.score_pool.slice_values`; 2 or more: ROUGE and the extras in a pool of
that many spawned processes, slice k to worker k mod N), kept as :class:`~bench.run.score.ScoreArrays`,
then each metric's ``aggregate`` (pooled: each metric's in a worker of its own). The process is not pinned (the workers need the cores);
the counts are interleaved ``--repeat`` times. Per round: wall seconds and pairs/s, the same without the
pool's start and the aggregates (the slices alone), CPU seconds of the driver and of the workers, and the
digest, computed as ``total``'s is: every round must print the one digest (the exit status is 1 if not).
"""

from __future__ import annotations

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # before rouge-score-rs starts its thread pool
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import dataclasses
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"
if not BBC.exists():
    BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"
LEADS = {
    "lead-1": {"kind": "lead", "sentences": 1},
    "lead-2": {"kind": "lead", "sentences": 2},
    "lead-words": {"kind": "lead", "words": "task"},
}
BUDGET = {"headline": 12, "standfirst": 40}


def _pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    return "not pinned (no sched_setaffinity)"


def build_units(path: Path, copies: int, systems: list[str], targets: list[str]) -> list:
    from bench.article import Task
    from bench.corpus.config import CorpusConfig
    from bench.corpus.load import load_corpus
    from bench.run.generate import PredictionRow, Unit
    from bench.systems.base import create

    base = load_corpus(CorpusConfig(path=str(path), dedupe=False)).articles
    # copy k > 0 gets a last paragraph of its own, so no two bodies are the same text (as in a real corpus of
    # this size: nothing prepared for one article can be reused for its copy)
    articles = [
        dataclasses.replace(a, id=f"{a.id}#{k}", body=a.body + (f"\n\nCopy {k}." if k else ""))
        for k in range(copies)
        for a in base
    ]
    units = []
    for name in systems:
        system = create({"name": name, **LEADS[name]}, f"systems.{name}")
        for target in targets:
            task = Task(target, BUDGET[target])
            eligible = [a for a in articles if a.reference(target) is not None]
            preds = system.summarize(eligible, task)
            rows = [PredictionRow(a, p, False) for a, p in zip(eligible, preds)]
            units.append(Unit(name, LEADS[name]["kind"], system.fingerprint(), task, rows=rows))
    return units


def default_metrics() -> list:
    from bench.metrics.base import create_metric

    return [
        create_metric("rouge", {"engine": "auto", "stemmer": True}, "metrics"),
        create_metric("extra", {}, "metrics"),
    ]


def _items(unit) -> list:
    from bench.metrics.base import Item

    return [Item(r.prediction, (r.article.reference(unit.target) or "",), r.article) for r in unit.rows]


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _now()
    return wall - start[0], cpu - start[1]


def time_components(units: list) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds per component over all units, with one set of metrics (as a run shares them)."""
    rouge, extra = default_metrics()
    seconds = {"extra": (0.0, 0.0), "rouge": (0.0, 0.0), "ci": (0.0, 0.0)}

    def add(key: str, spent: tuple[float, float]) -> None:
        seconds[key] = (seconds[key][0] + spent[0], seconds[key][1] + spent[1])

    for unit in units:
        items = _items(unit)
        start = _now()
        ev = extra.score(items)
        add("extra", _since(start))
        start = _now()
        rv = rouge.score(items)
        add("rouge", _since(start))
        start = _now()
        rouge.aggregate(rv)
        extra.aggregate(ev)
        add("ci", _since(start))
    return seconds


def time_total(units: list, per_unit: list[float]) -> tuple[tuple[float, float], str, list[str]]:
    """(wall, CPU) seconds of score_unit over all units (fresh metrics; each unit's wall seconds appended to
    ``per_unit``), a digest of every value, the signatures."""
    from bench.run.score import score_unit

    metrics = default_metrics()
    digest = hashlib.sha256()
    wall = cpu = 0.0
    for unit in units:
        start = _now()
        scored = score_unit(unit, metrics)
        spent = _since(start)
        wall, cpu = wall + spent[0], cpu + spent[1]
        per_unit.append(round(spent[0], 3))
        for row in scored.values:
            digest.update(repr(sorted(row.items())).encode())
        for key, iv in sorted(scored.aggregates.items()):
            digest.update(repr((key, iv.mean, iv.low, iv.high)).encode())
    return (wall, cpu), digest.hexdigest()[:16], [m.signature() for m in metrics]


def time_sliced(units: list, workers: int) -> dict:
    """Score every unit as a run does (slices of SLICE_ROWS, in a pool of ``workers`` processes when ≥ 2,
    then each metric's aggregate) with fresh metrics: wall seconds (with and without starting the pool), CPU
    seconds of this process and of the workers, the digest of :func:`time_total`, the signatures and notes."""
    from bench.run.score import SLICE_ROWS, ScoreArrays, columns_of
    from bench.run.score_pool import ScorePool, aggregate_values, parallel_metrics, slice_values

    metrics = default_metrics()
    digest, columns = hashlib.sha256(), columns_of(metrics)
    start, children = _now(), os.times()
    pool = ScorePool(parallel_metrics(metrics), workers) if workers > 1 else None
    started = aggregating = aggregating_cpu = 0.0
    try:
        for unit in units:
            if pool is not None:
                clock = time.perf_counter()
                pool.ensure(-(-len(unit.rows) // SLICE_ROWS))
                started += time.perf_counter() - clock
            arrays = ScoreArrays.empty([r.article.content_hash for r in unit.rows], columns)
            for first, values in slice_values(unit, SLICE_ROWS, metrics, pool):
                arrays.fill(first, values, unit)
                for row in values:
                    digest.update(repr(sorted(row.items())).encode())
            clock, cpu_clock = time.perf_counter(), time.process_time()
            aggregates = aggregate_values(unit, arrays, metrics, pool)
            aggregating += time.perf_counter() - clock
            aggregating_cpu += time.process_time() - cpu_clock
            for key, iv in sorted(aggregates.items()):
                digest.update(repr((key, iv.mean, iv.low, iv.high)).encode())
    finally:
        used = pool.started if pool is not None else 1
        if pool is not None:
            pool.close()  # joined: the workers' CPU time is in os.times() from here
    wall, cpu = _since(start)
    after = os.times()
    workers_cpu = (after.children_user - children.children_user) + (after.children_system - children.children_system)
    return {
        "workers": workers,
        "processes_used": used,
        "seconds": round(wall, 3),
        "seconds_start": round(started, 3),
        "seconds_aggregate": round(aggregating, 3),  # after a unit's slices (pooled: one metric per worker)
        "cpu_seconds_aggregate": round(aggregating_cpu, 3),
        "cpu_seconds_driver": round(cpu, 3),
        "cpu_seconds_workers": round(workers_cpu, 3),
        "digest": digest.hexdigest()[:16],
        "signatures": [m.signature() for m in metrics],
        "notes": [n for m in metrics for n in m.notes()],
    }


def compare_workers(args: argparse.Namespace, units: list, pairs: int, counts: list[int]) -> dict:
    """``--workers``: :func:`time_sliced` for each count, interleaved ``--repeat`` times, printed and returned."""
    rounds = []
    for r in range(args.repeat):
        for n in counts:
            figures = time_sliced(units, n)
            rounds.append({"round": r, **figures})
            slices = figures["seconds"] - figures["seconds_start"] - figures["seconds_aggregate"]
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(
                f"round {r} workers {n} (used {figures['processes_used']}): {figures['seconds']:7.2f} s wall "
                f"{pairs / figures['seconds']:>9,.0f} pairs/s; slices alone {pairs / slices:>9,.0f} pairs/s (less "
                f"pool start {figures['seconds_start']:.2f} s, aggregates {figures['seconds_aggregate']:.2f} s, CPU "
                f"{figures['cpu_seconds_aggregate']:.2f} s); CPU driver "
                f"{figures['cpu_seconds_driver']:.2f} s + workers {figures['cpu_seconds_workers']:.2f} s; "
                f"digest {figures['digest']}; load {load}"
            )
    same = len({(r["digest"], json.dumps([r["signatures"], r["notes"]])) for r in rounds}) == 1
    digests = ", ".join(sorted({r["digest"] for r in rounds}))
    print(f"every round gave the same digest, signatures and notes: {same} (digest {digests})")
    return {"rounds": rounds, "identical": same}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=BBC)
    ap.add_argument("--copies", type=int, default=10, help="replicate the corpus this many times (default 10)")
    ap.add_argument("--systems", default=",".join(LEADS), help=f"comma-separated, of {', '.join(LEADS)}")
    ap.add_argument("--targets", default="headline,standfirst")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument(
        "--workers",
        help="instead of the one-core rows: score as a run does (slices, run.score_workers) with each of these "
        "process counts, e.g. 1,2 (not pinned: the workers need the cores)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="--workers: interleaved rounds of every count (default 1)")
    ap.add_argument("--slice-rows", type=int, help="--workers: rows per slice instead of SLICE_ROWS (4096)")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}; pass --corpus PATH to the BBC articles.jsonl", file=sys.stderr)
        return 2
    systems = [s for s in args.systems.split(",") if s]
    unknown = [s for s in systems if s not in LEADS]
    if unknown:
        print(f"--systems: unknown {', '.join(unknown)}; known: {', '.join(LEADS)}", file=sys.stderr)
        return 2
    counts = [int(n) for n in args.workers.split(",")] if args.workers else []
    if any(n < 1 for n in counts) or args.repeat < 1:
        print("--workers: process counts ≥ 1, e.g. 1,2; --repeat ≥ 1", file=sys.stderr)
        return 2
    pinned = _pin_one_core() if not counts else f"not pinned: {len(os.sched_getaffinity(0))} CPUs"
    import bench

    units = build_units(args.corpus, args.copies, systems, args.targets.split(","))
    pairs = sum(len(u.rows) for u in units)
    if counts:
        import bench.run.score

        if args.slice_rows:
            bench.run.score.SLICE_ROWS = args.slice_rows
        print(
            f"scoring as a run does, in slices of {bench.run.score.SLICE_ROWS}, with {args.workers} process(es) "
            f"({pinned}, RAYON_NUM_THREADS="
            f"{os.environ['RAYON_NUM_THREADS']}); package {Path(bench.__file__).resolve().parent}"
        )
        print(
            f"{len(units)} units ({', '.join(systems)} x {args.targets}), {pairs:,} pairs; corpus {args.corpus} "
            f"x{args.copies}"
        )
        figures = {
            "settings": {
                "copies": args.copies,
                "pairs": pairs,
                "units": len(units),
                "core": pinned,
                "slice_rows": bench.run.score.SLICE_ROWS,
            },
            **compare_workers(args, units, pairs, counts),
        }
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return 0 if figures["identical"] else 1
    components = time_components(units)
    per_unit: list[float] = []
    total, digest, signatures = time_total(units, per_unit)
    components["total"] = total
    figures = {
        "package": str(Path(bench.__file__).resolve().parent),
        "settings": {
            "corpus": str(args.corpus),
            "copies": args.copies,
            "systems": systems,
            "targets": args.targets.split(","),
            "units": len(units),
            "pairs": pairs,
            "core": pinned,
            "rayon_threads": os.environ["RAYON_NUM_THREADS"],
            "python": platform.python_version(),
            "signatures": signatures,
        },
        "seconds": {k: round(v[0], 3) for k, v in components.items()},
        "cpu_seconds": {k: round(v[1], 3) for k, v in components.items()},
        "pairs_per_s": {k: round(pairs / v[0]) for k, v in components.items()},
        "pairs_per_cpu_s": {k: round(pairs / v[1]) for k, v in components.items()},
        "seconds_per_unit_total": round(components["total"][0] / len(units), 3),
        "seconds_score_unit": {f"{u.system}/{u.target}": s for u, s in zip(units, per_unit)},
        "digest": digest,
    }
    print(f"scoring throughput, one core ({pinned}, RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']})")
    print(f"package {figures['package']}; {len(units)} units ({', '.join(systems)} x {args.targets}), {pairs:,} pairs")
    print(f"corpus {args.corpus} x{args.copies}")
    for sig in signatures:
        print(f"  {sig}")
    for key in ("extra", "rouge", "ci", "total"):
        wall, cpu = components[key]
        print(
            f"{key:>6}: {wall:8.2f} s wall {pairs / wall:>9,.0f} pairs/s; CPU {cpu:8.2f} s {pairs / cpu:>9,.0f} pairs/CPU-s"
        )
    print("score_unit wall seconds: " + ", ".join(f"{k} {v}" for k, v in figures["seconds_score_unit"].items()))
    print(f"total per unit: {figures['seconds_per_unit_total']} s; digest of every value and CI: {digest}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
