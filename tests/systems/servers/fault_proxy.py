"""A fault-injecting HTTP proxy (standard library, 127.0.0.1 only) for the server tests.

Each POST (a completion request) draws from a seeded generator: 429 with ``Retry-After`` on ~30%, 500 on
~10%, a stall past the client's timeout on ~5%, a closed connection (no answer at all) on ~5%; the rest
are forwarded to the real server. The same request body is faulted at most ``max_faults`` times in a row,
so every request gets through within the client's retries. Everything is counted: what was forwarded
(with its body, so a test can tell which articles reached the server), and each fault.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "content-length", "proxy-connection"}


@dataclass
class FaultPlan:
    seed: int = 0
    rate_limited: float = 0.30
    server_error: float = 0.10
    stall: float = 0.05
    closed: float = 0.05
    stall_seconds: float = 3.0  # longer than the client's timeout in the tests
    retry_after: str = "1"
    max_faults: int = 3


@dataclass
class ProxyLog:
    forwarded: list[dict[str, Any]] = field(default_factory=list)  # request bodies that reached the server
    faults: Counter = field(default_factory=Counter)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: Any
    plan: FaultPlan
    log: ProxyLog
    rng: random.Random
    streaks: dict[str, int]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._forward(b"")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = self._draw(hashlib.sha256(body).hexdigest())
        if fault == "429":
            self._reply(
                429,
                b'{"error": {"message": "rate limited by the fault proxy"}}',
                {"Retry-After": self.plan.retry_after},
            )
        elif fault == "500":
            self._reply(500, b'{"error": {"message": "internal error injected by the fault proxy"}}')
        elif fault == "stall":
            time.sleep(self.plan.stall_seconds)
            self.close_connection = True
        elif fault == "closed":
            self.close_connection = True  # hang up without a status line
        else:
            with self.log.lock:
                self.log.forwarded.append(json.loads(body or b"{}"))
            self._forward(body)

    def _draw(self, key: str) -> str | None:
        p = self.plan
        with self.log.lock:
            self.log.requests += 1
            r = self.rng.random()
            edges = [("429", p.rate_limited), ("500", p.server_error), ("stall", p.stall), ("closed", p.closed)]
            fault, edge = None, 0.0
            for name, share in edges:
                edge += share
                if r < edge:
                    fault = name
                    break
            if fault is not None and self.streaks.get(key, 0) >= p.max_faults:
                fault = None
            self.streaks[key] = self.streaks.get(key, 0) + 1 if fault else 0
            if fault:
                self.log.faults[fault] += 1
            return fault

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _forward(self, body: bytes) -> None:
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=600)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in HOP_HEADERS:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            conn.close()


class FaultProxy:
    """``with FaultProxy("http://127.0.0.1:PORT", FaultPlan(...)) as url:`` → ``url`` ends in /v1."""

    def __init__(self, upstream: str, plan: FaultPlan | None = None) -> None:
        self.plan = plan or FaultPlan()
        self.log = ProxyLog()
        attrs = {
            "upstream": urlparse(upstream),
            "plan": self.plan,
            "log": self.log,
            "rng": random.Random(self.plan.seed),
            "streaks": {},
        }
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), attrs))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
