"""``llm-judge`` through real systems: a tiny causal LM (garbage answers, counted, no crash) and an
OpenAI-compatible judge on 127.0.0.1 whose ratings follow a rule the tests check; the cache, the self-judge
refusal, the prompt check and the signature."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from bench.article import Article
from bench.config import parse_config
from bench.errors import ConfigError, MetricError
from bench.metrics.base import Item, create_metric
from tests.conftest import ARTICLES
from tests.judge.judge_stub import JudgeStub, judge_spec, rule

ARTS = [Article(**a) for a in ARTICLES]


def judge(settings: dict) -> object:
    return create_metric("llm-judge", settings, "t")


def standfirst_items() -> list[Item]:
    return [Item(a.standfirst or "", (a.standfirst or "",), a, "standfirst") for a in ARTS]


def test_a_tiny_causal_lm_judge_writes_garbage_that_is_counted_not_fatal(tiny_lm: Path):
    metric = judge({"judge": {"kind": "causal-lm", "model": str(tiny_lm)}, "answer_tokens": 24})
    items = [Item(a.body.split(".")[0], ("",), a, "headline") for a in ARTS]
    values = metric.score(items)
    assert [v["judge_status"] for v in values] == ["unparseable"] * 3
    assert all(v["judge_raw"] and isinstance(v["judge_raw"], str) for v in values)  # what the model wrote, kept
    assert all(v["judge_accuracy"] is None and v["judge_overall"] is None and v["judge_parsed"] == 0.0 for v in values)
    assert metric.aggregate(values)["judge_parsed"].mean == 0.0
    assert "judge_overall" not in metric.aggregate(values)  # nothing read: no mean, not a 0
    [note] = metric.notes()
    assert note.startswith("llm-judge: 3 of 3 judge answers unparseable (no rating read)")
    assert "accuracy 3, specificity 3, no_sensationalism 3" in note


@pytest.mark.parametrize("style", ["json", "fenced", "lines"])
def test_ratings_come_back_through_an_openai_judge_as_it_gave_them(style: str):
    items = standfirst_items()
    with JudgeStub(style) as url:
        values = judge({"judge": judge_spec(url)}).score(items)
    for item, v in zip(items, values):
        expected = {c: rule(c, item.prediction, item.article.body) for c in ("accuracy", "coverage", "fluency")}
        assert {c: v[f"judge_{c}"] for c in expected} == expected
        assert v["judge_overall"] == pytest.approx(statistics.mean(expected.values()))
        assert v["judge_specificity"] is None  # a headline criterion: not asked for standfirsts
        assert v["judge_status"] == "ok" and v["judge_parsed"] == 1.0
    if style != "json":  # whole answers, blank lines and chatter included (no clean-up of the judge's text)
        assert all("\n\n" in v["judge_raw"] for v in values)


def test_unread_ratings_are_left_out_of_the_means_and_counted():
    items = standfirst_items()
    with JudgeStub("seven") as url:  # accuracy 7 on every answer; coverage and fluency fine
        metric = judge({"judge": judge_spec(url), "bootstrap": 200})
        values = metric.score(items)
    agg = metric.aggregate(values)
    assert "judge_accuracy" not in agg and "judge_overall" not in agg
    fluency = [rule("fluency", it.prediction, it.article.body) for it in items]
    assert agg["judge_fluency"].mean == pytest.approx(statistics.mean(fluency))
    assert [v["judge_problem"] for v in values] == ["accuracy: 7 is outside 1-5"] * 3
    assert metric.notes() == [
        (
            "llm-judge: 3 of 3 judge answers partly read; ratings not read (accuracy 3) are left out of the means "
            "(judge_status, judge_problem and judge_raw per article in scores.jsonl)"
        )
    ]


def test_answers_are_cached_by_judge_and_prompt(_judge_cache: Path):
    items, stub = standfirst_items(), JudgeStub("json")
    with stub as url:
        first = judge({"judge": judge_spec(url)}).score(items)
        assert len(stub.behaviour.requests) == 3
        again = judge({"judge": judge_spec(url)})
        assert again.score(items) == first and len(stub.behaviour.requests) == 3  # all from the cache
        assert again.judge.judged == 0
        judge({"judge": judge_spec(url), "descriptions": {"fluency": "it reads well aloud"}}).score(items)
        assert len(stub.behaviour.requests) == 6  # another prompt: judged again
    assert len(list((_judge_cache / "llm-judge").glob("*.jsonl"))) == 1  # one file per judge


def test_without_an_article_nothing_is_judged_unless_the_reference_is_the_source():
    items = [Item("A storm shut schools.", ("Schools across the region were closed after a storm.",), Article("x", ""))]
    with JudgeStub("json") as url:
        blind = judge({"judge": judge_spec(url)})
        [v] = blind.score(items)
        assert v["judge_status"] == "no-source" and v["judge_raw"] is None
        assert blind.notes() == ["llm-judge: 1 items have no article text and were not judged"]
        [v] = judge({"judge": judge_spec(url), "source": "reference"}).score(items)
    assert v["judge_accuracy"] == rule("accuracy", items[0].prediction, items[0].references[0])
    assert v["judge_coverage"] is not None  # no target: rated as a summary (accuracy, coverage, fluency)


def test_a_prompt_cut_by_the_judge_input_limit_fails_loudly(tiny_lm: Path):
    metric = judge({"judge": {"kind": "causal-lm", "model": str(tiny_lm), "max_input_tokens": 16}, "cache": False})
    with pytest.raises(MetricError, match=r"3 judge prompt\(s\) were longer than the judge's input limit"):
        metric.score([Item(a.body[:40], ("",), a, "headline") for a in ARTS])


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"prompt": "Rate {summary}."}, r"must contain \{source\}"),
        ({"prompt": "{source} {summary} {headline}"}, r"unknown placeholder \{headline\}"),
        ({"prompt": "{source} {summary} {"}, "write literal braces as"),
        ({"criteria": {"headline": ["Accuracy"]}}, "'Accuracy' is not a usable criterion name"),
        ({"criteria": {"title": ["accuracy"]}}, "unknown key 'title'"),
        ({"criteria": {"headline": ["overall"]}}, "'overall' is not a usable criterion name"),
        ({"judge": {"kind": "lead"}}, "'lead' cannot judge; use one of causal-lm, openai, llama-cpp"),
        ({"judge": {"kind": "openai", "model": "m", "base_url": "http://x/v1", "prompts": {}}}, "remove prompts"),
        ({"judge": {"kind": "openai", "model": "m", "base_url": "localhost"}}, "judge.base_url"),
        ({"answer_tokens": 0}, "answer_tokens: must be ≥ 1"),
    ],
)
def test_settings_mistakes_are_one_line_naming_the_field(settings: dict, message: str):
    full = {"judge": {"kind": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1"}, **settings}
    with pytest.raises(ConfigError, match=message) as err:
        judge(full)
    assert "\n" not in str(err.value) and str(err.value).startswith("t.llm-judge")


def _config(tmp_path: Path, judge_model: str, allow: bool = False) -> dict:
    (tmp_path / "c.jsonl").write_text("")
    return {
        "corpus": {"path": str(tmp_path / "c.jsonl")},
        "systems": [
            {"name": "lead-1", "kind": "lead", "sentences": 1},
            {"name": "mine", "kind": "causal-lm", "model": judge_model},
        ],
        "metrics": {"llm-judge": {"judge": {"kind": "causal-lm", "model": judge_model}, "allow_self_judge": allow}},
    }


def test_a_judge_that_is_a_scored_system_is_refused(tmp_path: Path, tiny_lm: Path):
    with pytest.raises(ConfigError) as err:
        parse_config(_config(tmp_path, str(tiny_lm)), tmp_path / "run.yaml")
    assert str(err.value) == (
        f"{tmp_path / 'run.yaml'}: metrics.llm-judge.judge: the judge's model {str(tiny_lm)!r} is also the scored "
        "system 'mine'; a model rates its own outputs higher (self-preference): judge with another model, or "
        "set allow_self_judge: true"
    )
    parse_config(_config(tmp_path, str(tiny_lm), allow=True), tmp_path / "run.yaml")  # allowed when asked
    other = _config(tmp_path, str(tiny_lm))
    other["systems"] = other["systems"][:1]
    parse_config(other, tmp_path / "run.yaml")  # judging only other systems is fine


def test_the_signature_names_judge_prompt_criteria_and_temperature(tiny_lm: Path):
    metric = judge({"judge": {"kind": "causal-lm", "model": str(tiny_lm)}})
    sig = metric.signature()
    assert sig.startswith(f"llm-judge|judge:causal-lm:{tiny_lm}|fp:{metric.judge.fingerprint()[:8]}|prompt:")
    assert "|criteria:headline=accuracy,specificity,no_sensationalism;standfirst=accuracy,coverage,fluency;" in sig
    assert "|source:article|cut:400w|temp:0|answer:96tok|scale:1-5|" in sig
    other = judge({"judge": {"kind": "causal-lm", "model": str(tiny_lm)}, "prompt": "{source}\n{summary}\n{criteria}"})
    assert other.signature().split("|prompt:")[1][:8] != sig.split("|prompt:")[1][:8]
