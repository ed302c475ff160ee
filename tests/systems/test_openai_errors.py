"""``kind: openai`` on bad input: each mistake is one clear line, the run's other systems finish, and the
API key never reaches a file, a log line or an error. The misbehaving server is the stdlib stub in
``servers/stub.py`` (a real server cannot be made to drop its choices on request)."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest

from bench.article import Article, Task
from bench.config import load_config
from bench.errors import ConfigError, SystemError_
from bench.run.execute import execute
from bench.systems.base import create
from tests.conftest import ARTICLES
from tests.systems.servers.stub import Behaviour, StubServer

pytest.importorskip("openai")

ARTS = [Article(**a) for a in ARTICLES]
HEADLINE = Task("headline", 6)


def _system(url: str, **settings):
    return create({"name": "srv", "kind": "openai", "base_url": url, "model": "stub-model", **settings}, "t")


def _fail(url: str, **settings) -> str:
    system = _system(url, **settings)
    try:
        with pytest.raises(SystemError_) as info:
            system.load()
            system.summarize(ARTS, HEADLINE)
    finally:
        system.close()
    message = str(info.value)
    assert "\n" not in message
    return message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_says_cannot_connect():
    url = f"http://127.0.0.1:{_free_port()}/v1"
    message = _fail(url, retries=1, backoff=0.01)
    assert message.startswith(f"srv: {url} (the model list): cannot connect (")
    assert "is the server running" in message


def test_wrong_model_lists_what_the_server_offers():
    with StubServer(Behaviour(models=("gemma-3-270m", "qwen2.5-0.5b"))) as url:
        message = _fail(url)
    assert message == (
        f"srv: model 'stub-model' is not served at {url}; it offers: gemma-3-270m, qwen2.5-0.5b; "
        "set model: to one of them"
    )


def test_wrong_model_found_at_request_time_when_the_list_is_not_checked():
    with StubServer(Behaviour(models=("gemma-3-270m",))) as url:
        message = _fail(url, check_model=False)
    assert "HTTP 404, model 'stub-model' not found; it offers: gemma-3-270m" in message


def test_401_names_the_variable_and_never_the_key(monkeypatch):
    monkeypatch.setenv("BENCH_TEST_KEY", "sk-wrong-key-123456")
    with StubServer(Behaviour(key="sk-right-key")) as url:
        message = _fail(url, api_key_env="BENCH_TEST_KEY")
    assert "HTTP 401, the server refused the key in $BENCH_TEST_KEY; set BENCH_TEST_KEY to a valid key" in message
    assert "sk-wrong-key-123456" not in message


def test_a_server_message_that_repeats_the_key_is_scrubbed(monkeypatch):
    monkeypatch.setenv("BENCH_TEST_KEY", "sk-live-abcdef987654")
    with StubServer(Behaviour(answer="leak")) as url:
        message = _fail(url, api_key_env="BENCH_TEST_KEY")
    assert message.endswith("HTTP 400: bad request with Bearer ***") and "sk-live-abcdef987654" not in message


def test_missing_key_variable_is_one_line_before_any_request(monkeypatch):
    monkeypatch.delenv("BENCH_TEST_KEY", raising=False)
    behaviour = Behaviour()
    with StubServer(behaviour) as url:
        message = _fail(url, api_key_env="BENCH_TEST_KEY")
    assert "api_key_env: environment variable BENCH_TEST_KEY is not set" in message
    assert behaviour.requests == []


def test_no_key_configured_sends_no_ambient_openai_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-ambient-secret")
    behaviour = Behaviour()
    with StubServer(behaviour) as url:
        system = _system(url)
        assert system.summarize(ARTS[:1], HEADLINE) == ["The city council approved a new bridge over"]
        system.close()
    assert all("sk-ambient-secret" not in (r["authorization"] or "") for r in behaviour.requests)


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("no-choices", "the answer has no choices; is base_url the API root"),
        ("html", "the answer is not a JSON completion ('<html><body>Welcome to the web UI</body></html>')"),
    ],
)
def test_answers_that_are_not_completions(answer, expected):
    with StubServer(Behaviour(answer=answer)) as url:
        assert expected in _fail(url)


def test_a_server_ignoring_max_tokens_is_refused():
    with StubServer(Behaviour(answer="long")) as url:
        message = _fail(url, max_tokens={"headline": 5})
    assert f"{url} ignored max_tokens: 5 (article a" in message and "tokens); the server does not honour" in message


def test_the_key_itself_in_api_key_env_is_a_config_error():
    with pytest.raises(ConfigError, match=r"t\.api_key_env: give the NAME of an environment variable"):
        _system("http://127.0.0.1:1/v1", api_key_env="sk-proj-abcdef")


def test_settings_that_only_change_speed_keep_the_fingerprint():
    base = _system("http://127.0.0.1:9/v1")
    assert (
        _system(
            "http://127.0.0.1:9/v1/", concurrency=2, timeout=5.0, retries=1, price={"input": 1.0, "output": 2.0}
        ).fingerprint()
        == base.fingerprint()
    )
    for changed in (
        {"model": "other"},
        {"max_tokens": {"headline": 9}},
        {"extra_body": {"top_k": 5}},
        {"mode": "completions"},
        {"seed": 1},
        {"base_url": "http://127.0.0.1:10/v1"},
    ):
        spec = {"name": "srv", "kind": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "stub-model", **changed}
        assert create(spec, "t").fingerprint() != base.fingerprint(), changed


def test_a_failing_server_is_its_failed_row_and_the_key_is_nowhere(tmp_path, small_corpus, monkeypatch, caplog):
    """One run: a working server with a key, a server that refuses it, and lead-1. The refused one is a
    FAILED row naming the variable; the others finish; the key is in no file and no log line."""
    key = "sk-test-SECRET-4242424242"
    monkeypatch.setenv("BENCH_TEST_KEY", key)
    caplog.set_level(logging.DEBUG)
    with StubServer(Behaviour(key=key)) as good, StubServer(Behaviour(key="other")) as bad:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(f"""
name: keys
corpus: {{path: {small_corpus}}}
tasks: {{headline: {{max_words: 6}}}}
systems:
  - {{name: good, kind: openai, base_url: "{good}", model: stub-model, api_key_env: BENCH_TEST_KEY,
     price: {{input: 0.5, output: 1.5}}}}
  - {{name: refused, kind: openai, base_url: "{bad}", model: stub-model, api_key_env: BENCH_TEST_KEY}}
  - {{name: lead-1, kind: lead, sentences: 1}}
""")
        result = execute(load_config(cfg), output_root=tmp_path / "results")
    [failure] = result.failures
    assert failure["system"] == "refused" and "$BENCH_TEST_KEY" in failure["error"]
    assert {u.system for u in result.units if u.status == "ok"} == {"good", "lead-1"}
    preds = [json.loads(line) for line in (result.run_dir / "predictions.jsonl").read_text().splitlines()]
    assert {p["prediction"] for p in preds if p["system"] == "good"} == {
        "The city council approved a new bridge over",
        "A storm closed schools across the region on",
    }
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    stats = {s["name"]: s["stats"] for s in manifest["systems"]}["good"]
    assert stats["requests"] == 2 and stats["prompt_tokens"] == 200 and stats["completion_tokens"] == 16
    assert stats["cost_usd"] == pytest.approx((200 * 0.5 + 16 * 1.5) / 1e6)
    # per prediction: the stub answers every request with 100 prompt and 8 completion tokens
    usage = [p["usage"] for p in preds if p["system"] == "good"]
    assert (
        usage
        == [
            {
                "prompt_tokens": 100,
                "completion_tokens": 8,
                "attempts": 1,
                "cost_usd": pytest.approx((100 * 0.5 + 8 * 1.5) / 1e6),
            }
        ]
        * 2
    )
    assert all("usage" not in p for p in preds if p["system"] == "lead-1")
    summary = {(r["system"], r["target"]): r for r in json.loads((result.run_dir / "summary.json").read_text())["rows"]}
    assert summary[("good", "headline")]["cost_usd"] == pytest.approx(stats["cost_usd"])
    assert "cost_usd" not in summary[("lead-1", "headline")]
    files = [p for p in (tmp_path / "results").rglob("*") if p.is_file()]
    assert any(p.suffix == ".jsonl" and ".cache" in p.parts for p in files)
    for path in files:
        assert key not in path.read_text(errors="replace"), path
    assert key not in caplog.text and "BENCH_TEST_KEY" in Path(result.run_dir / "config.yaml").read_text()
