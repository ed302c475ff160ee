"""seq2seq on tiny T5 and BART built from configs: batched harness output equals plain one-at-a-time
greedy ``generate``, batch size does not change outputs, truncation is counted, bad settings fail early."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus.load import article_from_record
from bench.errors import ConfigError, SystemError_
from bench.systems import Task, create
from tests.conftest import ARTICLES

ARTS = [article_from_record(a, "test", f"a{i}") for i, a in enumerate(ARTICLES)]
TASK = Task("headline", 5)


def plain_generate(model_dir: Path, texts: list[str], new_tokens: int, max_length: int) -> list[str]:
    """Reference: transformers directly, one article per generate call, greedy."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    out = []
    for text in texts:
        enc = tok(text, return_tensors="pt", truncation=True, max_length=max_length)
        with torch.inference_mode():
            ids = model.generate(**enc, max_new_tokens=new_tokens, do_sample=False, num_beams=1)
        out.append(" ".join(tok.decode(ids[0], skip_special_tokens=True).split()))
    return out


def system(model_dir: Path, **settings):
    spec = {
        "name": "tiny",
        "kind": "seq2seq",
        "model": str(model_dir),
        "device": "cpu",
        "generation": {"headline": {"max_new_tokens": 8}},
        **settings,
    }
    return create(spec, "test.systems[0]")


@pytest.mark.parametrize("fixture", ["tiny_t5", "tiny_bart"])
def test_batched_equals_plain_generate(fixture: str, request: pytest.FixtureRequest) -> None:
    model_dir = request.getfixturevalue(fixture)
    sys8 = system(model_dir, batch_size=8, prefix={"headline": "summarize: "})
    got = sys8.summarize(ARTS, TASK)
    expected = plain_generate(model_dir, ["summarize: " + a.body for a in ARTS], 8, 64)
    assert got == expected
    assert any(got), "a tiny random model still writes tokens"
    sys1 = system(model_dir, batch_size=1, prefix={"headline": "summarize: "})
    assert sys1.summarize(ARTS, TASK) == got
    assert sys8.stats["inputs"] == 3 and sys8.stats["batches"] == 1 and sys1.stats["batches"] == 3


def test_truncation_is_counted(tiny_t5: Path) -> None:
    s = system(tiny_t5, max_input_tokens=10)
    s.summarize(ARTS, TASK)
    # every test article is longer than 10 word-level tokens
    assert s.stats["truncated"] == 3


def test_static_cache_matches_dynamic(tiny_bart: Path) -> None:
    dynamic = system(tiny_bart).summarize(ARTS, TASK)
    assert system(tiny_bart, cache="static").summarize(ARTS, TASK) == dynamic


def test_fingerprint_tracks_weights_and_settings(tiny_t5: Path, tiny_bart: Path) -> None:
    a, b = system(tiny_t5), system(tiny_bart)
    assert a.fingerprint() != b.fingerprint()
    assert a.fingerprint() == system(tiny_t5).fingerprint()
    assert a.fingerprint() != system(tiny_t5, prefix="summarize: ").fingerprint()
    # dtype "auto" is resolved into the fingerprint: CPU float32 here, bfloat16 on a CUDA GPU
    auto = create({"kind": "seq2seq", "model": str(tiny_t5), "device": "cpu"}, "t")
    assert auto.fingerprint_extra()["numerics"] == "cpu:float32"


def test_missing_model_path_is_one_clear_line(tmp_path: Path) -> None:
    s = system(tmp_path / "nope" / "model")
    assert s.fingerprint()  # the runner fingerprints before loading; the failure comes from load()
    with pytest.raises(SystemError_, match="does not exist"):
        s.load()


def test_hub_id_offline_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    s = create({"kind": "seq2seq", "model": "no-such-org/no-such-model-xyz", "device": "cpu"}, "t")
    with pytest.raises(SystemError_, match="HF_HUB_OFFLINE"):
        s.summarize(ARTS[:1], TASK)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"generation": {"title": {"max_new_tokens": 4}}}, "unknown target 'title'"),
        ({"generation": {"headline": {"num_beams": 0}}}, "num_beams"),
        ({"prefix": {"body": "x"}}, "unknown target 'body'"),
        ({"device": "gpu"}, "not a device"),
        ({"compile": True}, "cache: static"),
        ({"dtype": "float8"}, "float8"),
    ],
)
def test_bad_settings_fail_at_build(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create({"kind": "seq2seq", "model": "t5-small", **settings}, "test")
