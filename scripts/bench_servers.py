"""Articles per second of ``kind: openai`` at concurrency 1 vs N against a server that answers in ~200 ms.

The server is a standard-library stand-in for a GPU server (vLLM answers a short headline in about that
time and serves many requests at once): it sleeps ``--latency`` seconds per request, in parallel, and
answers with the article's first words. Both settings run in the same process on the same articles.

    python scripts/bench_servers.py --articles 64 --concurrency 16
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.article import Article, Task
from bench.systems import create

BBC = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc-news-2004" / "articles.jsonl"


def slow_server(latency: float) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle stalls

        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(latency)
            words = re.findall(r"\S+", payload["messages"][-1]["content"].split("Article:", 1)[-1])[:8]
            body = json.dumps(
                {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": payload["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": " ".join(words)},
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": len(words), "total_tokens": 9},
                }
            )
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def articles(n: int, corpus: Path) -> list[Article]:
    if corpus.exists():
        with open(corpus, encoding="utf-8") as fh:
            rows = [json.loads(line) for _, line in zip(range(n), fh)]
        return [Article(id=str(r["id"]), body=r["body"], headline=r.get("headline")) for r in rows]
    return [Article(id=f"a{i}", body=f"Article {i} says something happened today.", headline="x") for i in range(n)]


def rate(url: str, arts: list[Article], concurrency: int) -> float:
    system = create(
        {
            "name": f"c{concurrency}",
            "kind": "openai",
            "base_url": url,
            "model": "stub",
            "check_model": False,
            "concurrency": concurrency,
        },
        "bench",
    )
    system.load()
    system.summarize(arts[:concurrency], Task("headline", 12))  # warm-up: connections, first-call imports
    start = time.perf_counter()
    out = system.summarize(arts, Task("headline", 12))
    seconds = time.perf_counter() - start
    system.close()
    assert len(out) == len(arts)
    return len(arts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--corpus", type=Path, default=BBC, help="JSONL articles (default: the shared BBC copy)")
    args = parser.parse_args()
    httpd, url = slow_server(args.latency)
    arts = articles(args.articles, args.corpus)
    one = rate(url, arts, 1)
    many = rate(url, arts, args.concurrency)
    httpd.shutdown()
    print(
        json.dumps(
            {
                "articles": len(arts),
                "corpus": str(args.corpus) if args.corpus.exists() else "synthetic",
                "latency_s": args.latency,
                "concurrency_1_articles_per_s": round(one, 2),
                f"concurrency_{args.concurrency}_articles_per_s": round(many, 2),
                "speedup": round(many / one, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
