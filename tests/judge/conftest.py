"""A tiny Gemma-shaped causal LM (from tests/systems) for the judge's plumbing; nothing from the hub."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.systems.conftest import _tiny_gemma


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tiny_gemma(tmp_path_factory.mktemp("tiny-judge"), chat=False)


@pytest.fixture(autouse=True)
def _judge_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default judge cache (``$HEADLINE_BENCH_CACHE/llm-judge``) inside the test's own folder."""
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(tmp_path / "bench-cache"))
    return tmp_path / "bench-cache"
