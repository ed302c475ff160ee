"""causal-lm on a tiny Gemma3-shaped decoder built from a config: left-padded batches give the same
greedy outputs as plain one-at-a-time ``generate``, at batch size 1 and 8; chat templates, few-shot
examples and truncation; bad prompts and devices fail with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus.load import article_from_record
from bench.errors import ConfigError, SystemError_
from bench.systems import Task, create
from bench.systems.prompts import clean_output
from tests.conftest import ARTICLES

ARTS = [article_from_record(a, "test", f"a{i}") for i, a in enumerate(ARTICLES)]
TASK = Task("headline", 5)
PROMPT = "Write a short news headline for this article : {body} Headline :"


def system(model_dir: Path, **settings):
    spec = {
        "name": "tiny-lm",
        "kind": "causal-lm",
        "model": str(model_dir),
        "device": "cpu",
        "prompts": {"headline": PROMPT},
        "generation": {"headline": {"max_new_tokens": 6}},
        **settings,
    }
    return create(spec, "test.systems[0]")


def plain_generate(model_dir: Path, prompts: list[str], new_tokens: int) -> list[str]:
    """Reference: transformers directly, one prompt per generate call, greedy, no padding."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    out = []
    for prompt in prompts:
        enc = tok(prompt, return_tensors="pt")
        with torch.inference_mode():
            ids = model.generate(**enc, max_new_tokens=new_tokens, do_sample=False, num_beams=1)
        out.append(tok.decode(ids[0, enc["input_ids"].shape[1] :], skip_special_tokens=True))
    return out


@pytest.mark.parametrize("fixture", ["tiny_gemma", "tiny_gpt2"])
def test_batched_equals_plain_generate(fixture: str, request: pytest.FixtureRequest) -> None:
    model_dir = request.getfixturevalue(fixture)
    got8 = system(model_dir, batch_size=8).summarize(ARTS, TASK)
    got1 = system(model_dir, batch_size=1).summarize(ARTS, TASK)
    raw = plain_generate(model_dir, [PROMPT.format(body=a.body) for a in ARTS], 6)
    assert got8 == got1 == [clean_output(r, "headline") for r in raw]
    assert all(got8)


@pytest.mark.parametrize("speed", [{"cache": "static"}, {"cache": "static", "compile": True, "pad_to_multiple_of": 8}])
def test_static_cache_settings_match_dynamic(tiny_gemma: Path, speed: dict) -> None:
    # on CPU compile is left to CUDA (transformers compiles the decoding step on GPUs only)
    dynamic = system(tiny_gemma, batch_size=4).summarize(ARTS, TASK)
    assert system(tiny_gemma, batch_size=4, **speed).summarize(ARTS, TASK) == dynamic


def test_token_budget_and_oom_free_batches_keep_order(tiny_gemma: Path) -> None:
    s = system(tiny_gemma, batch_size=8, token_budget=60)
    got = s.summarize(ARTS, TASK)
    assert s.stats["batches"] > 1
    assert got == system(tiny_gemma, batch_size=1).summarize(ARTS, TASK)


def test_chat_template_and_few_shot(tiny_gemma_chat: Path) -> None:
    example = {"body": "Heavy rain flooded roads .", "headline": "Storm closes schools"}
    s = system(tiny_gemma_chat, examples=[example])
    s.load()
    assert s.use_chat
    prompt = s.prompts(ARTS[:1], TASK)[0]
    body_prompt = PROMPT.format(body=ARTS[0].body)
    shot_prompt = PROMPT.format(body=example["body"])
    assert prompt == (
        f"<s> user : {shot_prompt} </s> <s> assistant : Storm closes schools </s> "
        f"<s> user : {body_prompt} </s> <s> assistant : "
    )
    plain = system(tiny_gemma_chat, chat_template="never", examples=[example])
    plain.load()
    assert plain.prompts(ARTS[:1], TASK)[0] == f"{shot_prompt} Storm closes schools\n\n{body_prompt}"
    assert s.summarize(ARTS, TASK) and s.fingerprint() != plain.fingerprint()


def test_chat_template_always_without_one_fails(tiny_gemma: Path) -> None:
    with pytest.raises(SystemError_, match="no chat template"):
        system(tiny_gemma, chat_template="always").summarize(ARTS[:1], TASK)


def test_body_truncation_is_counted(tiny_gemma: Path) -> None:
    s = system(tiny_gemma, max_input_tokens=8)
    s.load()
    prompt = s.prompts(ARTS[:1], TASK)[0]
    first8 = " ".join(ARTS[0].body.split()[:8])  # the test tokenizer: one token per word here
    assert prompt == PROMPT.format(body=first8)
    assert s.stats["truncated"] == 1


def test_unknown_placeholder_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"unknown placeholder \{article\}.*known: \{body\}"):
        create({"kind": "causal-lm", "model": "x", "prompts": {"headline": "Title of {article}:"}}, "test")


def test_cuda_without_a_gpu_is_one_clear_line(tiny_gemma: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(SystemError_, match="no CUDA GPU"):
        system(tiny_gemma, device="cuda:0").summarize(ARTS[:1], TASK)


def test_corpus_few_shot_examples_enter_prompt_and_fingerprint(tiny_gemma: Path) -> None:
    s = system(tiny_gemma)
    before = s.fingerprint()
    s.use_examples([ARTS[1]])
    assert s.fingerprint() != before
    s.load()
    prompt = s.prompts(ARTS[:1], TASK)[0]
    assert prompt.startswith(PROMPT.format(body=ARTS[1].body) + " " + ARTS[1].headline + "\n\n")
