"""A small OpenAI-compatible HTTP server (standard library) whose answers can be made wrong on purpose:
no choices, a body that is not JSON, text past max_tokens, a required key. Real servers do not misbehave
on request, so the bad-input tests use this; the happy path is tested against a real llama.cpp server.

It answers with the first words of the article in the prompt, so outputs are deterministic and checkable.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    answer: str = "echo"  # echo | no-choices | html | long | no-usage | leak
    key: str | None = None  # when set, requests must carry "Authorization: Bearer <key>"
    models: tuple[str, ...] = ("stub-model",)
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def article_words(payload: dict[str, Any], n: int) -> str:
    text = payload.get("prompt") or payload["messages"][-1]["content"]
    body = text.rsplit("Article:", 1)[-1]
    return " ".join(re.findall(r"\S+", body)[:n])


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode())

    def _authorised(self) -> bool:
        b = self.behaviour
        if b.key is None or self.headers.get("Authorization") == f"Bearer {b.key}":
            return True
        self._json(
            401,
            {
                "error": {
                    "message": f"Incorrect API key provided: {self.headers.get('Authorization', '')[7:]}",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            },
        )
        return False

    def do_GET(self) -> None:
        if not self._authorised():
            return
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in self.behaviour.models]})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        b = self.behaviour
        with b.lock:
            b.requests.append(
                {"path": self.path, "payload": payload, "authorization": self.headers.get("Authorization")}
            )
        if not self._authorised():
            return
        if payload.get("model") not in b.models:
            self._json(404, {"error": {"message": f"The model `{payload.get('model')}` does not exist."}})
            return
        with b.lock:
            b.in_flight += 1
            b.max_in_flight = max(b.max_in_flight, b.in_flight)
        try:
            if b.delay:
                time.sleep(b.delay)
        finally:
            with b.lock:
                b.in_flight -= 1
        self._answer(payload)

    def _answer(self, payload: dict[str, Any]) -> None:
        b = self.behaviour
        if b.answer == "leak":  # a server whose error message repeats the key it was sent
            self._json(400, {"error": {"message": f"bad request with {self.headers.get('Authorization')}"}})
            return
        if b.answer == "html":
            self._send(200, b"<html><body>Welcome to the web UI</body></html>", "text/html")
            return
        n = 300 if b.answer == "long" else min(8, payload.get("max_tokens", 8))
        text = article_words(payload, n)
        chat = "messages" in payload
        choice = {
            "index": 0,
            "finish_reason": "stop",
            **({"message": {"role": "assistant", "content": text}} if chat else {"text": text}),
        }
        body = {
            "id": "x",
            "object": "chat.completion" if chat else "text_completion",
            "created": 0,
            "model": payload["model"],
            "choices": [] if b.answer == "no-choices" else [choice],
        }
        if b.answer != "no-usage":
            words = len(text.split())
            body["usage"] = {"prompt_tokens": 100, "completion_tokens": words, "total_tokens": 100 + words}
        self._json(200, body)


class StubServer:
    """``with StubServer(Behaviour(...)) as url:`` serves on 127.0.0.1 at a free port; ``url`` ends in /v1."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        handler = type("Handler", (_Handler,), {"behaviour": self.behaviour})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
