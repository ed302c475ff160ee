#!/usr/bin/env python
"""The Ray executor's cost: its overhead against the local executor, and how fast the driver ingests results.

    python scripts/bench_executor.py overhead [--limit N] [--workers 1] [--repeat 1] [--json OUT.json]
    python scripts/bench_executor.py ingest [--predictions 200000] [--chunk 64] [--group 1] [--json OUT.json]

``overhead``: the BBC extractive run (configs/bbc.yaml without its LLM) with ``run.executor: local`` and then
``ray`` (an embedded local Ray, ``num_workers`` per system), each into a fresh output folder (nothing cached),
through :func:`bench.run.execute.execute`. Ray's start-up and shut-down (from the run's manifest) are taken
out of the ray run's wall time and reported beside it. The BBC corpus is read from ../shared. Ray gives a
worker ``OMP_NUM_THREADS=num_cpus`` (1): run with ``OMP_NUM_THREADS=1`` so the local run's torch uses one
thread too, like with like.

``ingest``: the driver's side alone, on synthetic finished chunks (BBC-length bodies, 12-word predictions)
through the real driver path — :func:`~bench.run.generate.plan_unit`, then per chunk
:func:`~bench.run.generate.apply_chunks` (prediction cache append + fsync, unit bookkeeping, a live rich
progress bar rendering to memory) and :func:`~bench.run.generate.finish_unit` — in predictions per second.
``--group K`` appends K chunks per fsync, as the Ray driver does with chunks that are already back when it
gets to them (at most 16); ``--group 1`` is one append + fsync per chunk. That rate bounds how many workers
one driver keeps up with.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
_BBC = Path("shared/corpora/bbc-news-2004/articles.jsonl")
BBC = next((p / _BBC for p in REPO.parents if (p / _BBC).exists()), REPO.parent / _BBC)


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}"
    )


def bbc_config(folder: Path, executor: str, workers: int):
    from bench.config import parse_config

    data = yaml.safe_load((REPO / "configs" / "bbc.yaml").read_text())
    data["systems"] = [s for s in data["systems"] if "model" not in s]  # the extractive family
    data["corpus"]["path"] = str(BBC)
    data["run"] = {"executor": executor, "ray": {"num_workers": workers}}
    return parse_config(data, folder / "bbc.yaml")


def one_run(executor: str, limit: int | None, workers: int) -> dict:
    from bench.run.execute import execute

    with tempfile.TemporaryDirectory() as tmp:
        config = bbc_config(Path(tmp), executor, workers)
        start = time.perf_counter()
        result = execute(config, output_root=Path(tmp) / "results", limit=limit)
        wall = time.perf_counter() - start
        manifest = json.loads((result.run_dir / "manifest.json").read_text())
    info = manifest["executor"]
    ray_s = info.get("startup_s", 0.0) + info.get("shutdown_s", 0.0)
    per = ", ".join(f"{k} {v['load_s'] + v['generate_s']:.1f}" for k, v in manifest["timings"].items())
    print(
        f"  ({executor}: {wall:.1f} s wall, Ray start-up + shut-down {ray_s:.1f} s; load+generate s: {per})", flush=True
    )
    return {
        "executor": executor,
        "wall_s": round(wall, 2),
        "wall_without_ray_startup_s": round(wall - ray_s, 2),
        "ray_startup_s": info.get("startup_s"),
        "ray_shutdown_s": info.get("shutdown_s"),
        "generate_s": round(sum(t["generate_s"] + t["load_s"] for t in manifest["timings"].values()), 2),
        "predictions": manifest["cache"]["generated"],
        "systems": [s["name"] for s in manifest["systems"]],
    }


def overhead(args: argparse.Namespace) -> dict:
    if not BBC.exists():
        sys.exit(f"the BBC corpus is not at {BBC}; see configs/bbc.yaml")
    runs = []
    for _ in range(args.repeat):
        runs.append(one_run("local", args.limit, args.workers))
        runs.append(one_run("ray", args.limit, args.workers))
    best = {
        e: min((r for r in runs if r["executor"] == e), key=lambda r: r["wall_without_ray_startup_s"])
        for e in ("local", "ray")
    }
    ratio = best["ray"]["wall_without_ray_startup_s"] / best["local"]["wall_s"]
    settings = f"BBC {args.limit or 'all'} articles, {len(best['local']['systems'])} extractive systems × 2 targets, ray num_workers {args.workers} (embedded), best of {args.repeat}"
    print(f"overhead — {settings}; {machine()}")
    for e in ("local", "ray"):
        r = best[e]
        extra = (
            f" (+ Ray start-up {r['ray_startup_s']:.2f} s, shut-down {r['ray_shutdown_s']:.2f} s)" if e == "ray" else ""
        )
        print(
            f"  {e:5}  wall {r['wall_without_ray_startup_s']:7.2f} s{extra}; generation+load {r['generate_s']:.2f} s; {r['predictions']} predictions"
        )
    print(f"  ray / local wall (without Ray start-up): {ratio:.3f}  (target ≤ 1.15)")
    return {"settings": settings, "machine": machine(), "runs": runs, "ratio": round(ratio, 4)}


@dataclass
class _Echo:
    """A stand-in system: the driver path needs a name, kind and fingerprint, never its outputs."""

    name: str = "echo"
    kind: str = "echo"

    def check(self, articles, tasks) -> list[str]:
        return []


def ingest(args: argparse.Namespace) -> dict:
    from rich.console import Console

    from bench.article import Article, Task
    from bench.cli.progress import RichProgress
    from bench.run.cache import PredictionCache
    from bench.run.generate import ChunkResult, apply_chunks, finish_unit, plan_unit, start_unit

    body = ("The council approved the new bridge on Monday after a long debate. " * 30).strip()  # ~2 KB, a BBC body
    articles = [Article(id=f"s{i}", body=f"{i} {body}", headline=f"Headline {i}") for i in range(args.predictions)]
    prediction = "Council approves the new bridge after a long debate on Monday evening"  # 12 words
    task = Task("headline", 12)
    progress = RichProgress(Console(file=io.StringIO(), force_terminal=True, width=120))
    with tempfile.TemporaryDirectory() as tmp, PredictionCache(Path(tmp), "ingest-bench") as cache:
        work = plan_unit(_Echo(), task, articles, cache, args.chunk)  # type: ignore[arg-type]
        results = [ChunkResult([prediction] * len(c), None, 0.01) for c in work.chunks]  # as workers send them
        start = time.perf_counter()
        start_unit(work, progress)
        for k in range(0, len(work.chunks), args.group):
            apply_chunks(work, work.chunks[k : k + args.group], results[k : k + args.group], cache, progress)
        unit = finish_unit(work, cache, progress)
        seconds = time.perf_counter() - start
        progress.close()
        size = cache.path.stat().st_size
    rate = unit.generated / seconds
    appends = -(-len(work.chunks) // args.group)
    settings = f"{unit.generated} predictions in chunks of {args.chunk}, {args.group} chunk(s) per append ({appends} appends + fsync), rich progress, cache on {tempfile.gettempdir()}"
    print(f"ingest — {settings}; {machine()}")
    print(f"  {rate:,.0f} predictions/s ({seconds:.2f} s; cache file {size / 1e6:.1f} MB)  (target ≥ 20,000/s)")
    return {"settings": settings, "machine": machine(), "predictions_per_s": round(rate), "seconds": round(seconds, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    sub = parser.add_subparsers(dest="what", required=True)
    o = sub.add_parser("overhead", help="ray (one worker) vs local wall time on the BBC extractive run")
    o.add_argument("--limit", type=int, default=None, help="articles (a stratified sample); default all")
    o.add_argument("--workers", type=int, default=1, help="run.ray.num_workers (per system)")
    o.add_argument("--repeat", type=int, default=1)
    i = sub.add_parser("ingest", help="predictions/s the driver applies (cache append + fsync per chunk + progress)")
    i.add_argument("--predictions", type=int, default=200_000)
    i.add_argument("--chunk", type=int, default=64)
    i.add_argument("--group", type=int, default=1, help="chunks per append + fsync (the Ray driver: up to 16)")
    for p in (o, i):
        p.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = overhead(args) if args.what == "overhead" else ingest(args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
