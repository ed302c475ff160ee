"""What ``kind: openai`` sends: the causal-lm prompts as chat turns or one completion text, greedy with a
seed, vLLM's extra fields passed through, bodies cut to ``max_input_words``, and never more than
``concurrency`` requests in flight (checked at the stdlib stub server, which records every request)."""

from __future__ import annotations

import pytest

from bench.article import Article, Task
from bench.config import load_config
from bench.systems.base import create
from bench.systems.prompts import DEFAULT_PROMPTS
from tests.conftest import ARTICLES, REPO
from tests.systems.servers.stub import Behaviour, StubServer

pytest.importorskip("openai")

ARTS = [Article(**a) for a in ARTICLES]


def test_the_vllm_example_config_sends_its_extra_fields_through(tmp_path):
    config = load_config(REPO / "configs" / "vllm-server.yaml")
    [spec] = [s for s in config.system_specs if s["kind"] == "openai"]
    behaviour = Behaviour(models=(spec["model"],))
    with StubServer(behaviour) as url:
        spec = {k: v for k, v in spec.items() if k != "sample"} | {"base_url": url}
        system = create(spec, "vllm")
        system.summarize(ARTS[:2], Task("headline", 12))
        system.close()
    [first] = [r["payload"] for r in behaviour.requests if ARTS[0].body in r["payload"]["messages"][-1]["content"]]
    assert first["repetition_penalty"] == 1.0 and first["top_k"] == -1 and first["min_tokens"] == 1
    assert first["temperature"] == 0.0 and first["seed"] == 0 and first["max_tokens"] == 24
    assert first["model"] == "google/gemma-3-1b-it"
    assert first["messages"] == [{"role": "user", "content": DEFAULT_PROMPTS["headline"].format(body=ARTS[0].body)}]


def test_completions_mode_sends_few_shot_examples_as_one_text():
    behaviour = Behaviour()
    with StubServer(behaviour) as url:
        system = create(
            {
                "name": "c",
                "kind": "openai",
                "base_url": url,
                "model": "stub-model",
                "mode": "completions",
                "system": "You write headlines.",
            },
            "t",
        )
        system.use_examples([ARTS[1]])
        assert system.summarize([ARTS[0]], Task("headline", 6)) == ["The city council approved a new bridge over"]
        system.close()
    [request] = behaviour.requests
    assert request["path"] == "/v1/completions"
    shot = DEFAULT_PROMPTS["headline"].format(body=ARTS[1].body) + " " + ARTS[1].headline
    assert request["payload"]["prompt"] == (
        "You write headlines.\n\n" + shot + "\n\n" + DEFAULT_PROMPTS["headline"].format(body=ARTS[0].body)
    )


def test_bodies_are_cut_to_max_input_words_and_counted():
    behaviour = Behaviour()
    with StubServer(behaviour) as url:
        system = create(
            {"name": "c", "kind": "openai", "base_url": url, "model": "stub-model", "max_input_words": 5}, "t"
        )
        system.summarize(ARTS, Task("standfirst", 15))
        stats = system.run_stats()
        system.close()
    contents = sorted(r["payload"]["messages"][-1]["content"] for r in behaviour.requests)
    assert [c.split("Article: ")[1] for c in contents] == [
        "A storm closed schools across\n\nStandfirst:",
        "The city council approved a\n\nStandfirst:",
        "The local team won the\n\nStandfirst:",
    ]
    assert stats["truncated_inputs"] == 3


@pytest.mark.parametrize("concurrency", [1, 3])
def test_never_more_than_concurrency_requests_in_flight(concurrency):
    behaviour = Behaviour(delay=0.1)
    arts = [
        Article(id=f"x{i}", body=f"Story {i} happened today in the town centre again.", headline="h") for i in range(9)
    ]
    with StubServer(behaviour) as url:
        system = create(
            {"name": "c", "kind": "openai", "base_url": url, "model": "stub-model", "concurrency": concurrency}, "t"
        )
        out = system.summarize(arts, Task("headline", 6))
        system.close()
    assert out == [f"Story {i} happened today in the town centre" for i in range(9)]  # same order as asked
    assert behaviour.max_in_flight == concurrency
