"""Static KV caches for decoder LLMs: full-length layers reused across batches, sized for padded inputs,
and a compiled decoding step that is built once for a sliding-window model (tiny Gemma3: window 16,
prompts longer than that), with the same outputs as the dynamic cache."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from bench.systems.hf.static_cache import StaticCachePool
from tests.systems.test_causal_lm import ARTS, TASK, system


def test_pool_reuses_a_cache_per_shape_and_drops_old_lengths(tiny_gemma: Path) -> None:
    from transformers import AutoConfig

    pool = StaticCachePool(AutoConfig.from_pretrained(tiny_gemma))
    first = pool.get(4, 128)
    assert pool.get(4, 128) is first
    assert len(first.layers) == 2 and not any(first.is_sliding)  # full-length layers on the sliding one too
    other = pool.get(2, 128)
    assert other is not first and pool.get(4, 128) is first
    assert pool.get(4, 256) is not first
    assert list(pool._caches) == [(4, 256)]


def test_cache_length_covers_padding_and_only_grows(tiny_gemma: Path) -> None:
    s = system(tiny_gemma, cache="static", pad_to_multiple_of=64)
    assert s.static_cache_len([[1] * 200, [1] * 10], 8) == 384  # 200 → 256 padded, + 8 → 384
    assert system(tiny_gemma, cache="static").static_cache_len([[1] * 200], 8) == 256
    s.summarize(ARTS, TASK)
    grown = s.cache_len
    s.summarize(ARTS[-1:], TASK)  # a shorter call keeps the longer cache
    assert s.cache_len == grown > 0


@pytest.mark.parametrize("fixture", ["tiny_gemma", "tiny_gpt2"])  # sliding + full layers; absolute positions
def test_static_cache_gives_dynamic_outputs_without_deprecation_warnings(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    model_dir = request.getfixturevalue(fixture)
    dynamic = system(model_dir, batch_size=2).summarize(ARTS, TASK)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        assert system(model_dir, batch_size=2, cache="static").summarize(ARTS, TASK) == dynamic


@pytest.mark.slow
def test_compiled_step_is_built_once_and_matches_dynamic(tiny_gemma: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers compiles only on GPUs; a CompileConfig that asks for all devices runs inductor here."""
    import torch
    import transformers
    from torch._dynamo.utils import counters

    class AnyDevice(transformers.CompileConfig):
        _compile_all_devices = True

    monkeypatch.setattr(transformers, "CompileConfig", AnyDevice)
    torch._dynamo.reset()
    dynamic = system(tiny_gemma, batch_size=2).summarize(ARTS, TASK)
    compiled = system(tiny_gemma, batch_size=2, cache="static", compile=True)
    before = counters["stats"]["unique_graphs"]
    # three articles in batches of two: the short last batch is filled up to two rows, so no second graph;
    # then a second call with one article: same cache, same graph
    assert compiled.summarize(ARTS, TASK) == dynamic
    assert compiled.summarize(ARTS[:1], TASK) == dynamic[:1]
    assert counters["stats"]["unique_graphs"] - before == 1
    assert compiled.stats["batches"] == 3


def test_compile_fills_short_batches_up_to_the_largest_batch_seen(tiny_gemma: Path) -> None:
    # on a CPU transformers does not compile, so this checks the filling alone: rows follow the first
    # (largest) batch, not batch_size, so a chunk smaller than batch_size is not padded with waste
    dynamic = system(tiny_gemma, batch_size=8).summarize(ARTS, TASK)
    s = system(tiny_gemma, batch_size=8, cache="static", compile=True)
    assert s.summarize(ARTS, TASK) == dynamic
    assert s.fill_rows == 3
    assert s.summarize(ARTS[1:2], TASK) == dynamic[1:2]  # one article, run as a batch of three
    assert s.fill_rows == 3 and s.stats["batches"] == 2
    budget = system(tiny_gemma, batch_size=8, cache="static", compile=True, token_budget=10_000)
    assert budget.summarize(ARTS, TASK) == dynamic and budget.fill_rows == 0  # budgets vary batch sizes anyway


def test_beam_search_and_greedy_targets_share_a_static_system(tiny_gemma: Path) -> None:
    # headline with 4 beams, standfirst greedy: the caches differ in rows, and outputs match the dynamic cache
    from bench.systems import Task

    gen = {"headline": {"max_new_tokens": 6, "num_beams": 4}, "standfirst": {"max_new_tokens": 6}}
    standfirst = Task("standfirst", 8)
    dynamic = system(tiny_gemma, batch_size=2, generation=gen)
    static = system(tiny_gemma, batch_size=2, generation=gen, cache="static")
    for task in (TASK, standfirst, TASK):
        assert static.summarize(ARTS, task) == dynamic.summarize(ARTS, task)
