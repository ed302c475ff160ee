"""scripts/bench_generation.py on the tiny shapes (CPU): every measurement is written, and the harness
gives exactly the outputs of plain ``generate`` on the same batches (fp32 on a CPU is deterministic).

The shapes come from :mod:`bench.systems.hf.shapes` (tested directly); the script is run as users run it,
``python scripts/bench_generation.py``, in a subprocess that imports this checkout's ``bench``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import bench
from bench.errors import SystemError_
from bench.systems.hf.shapes import anchor_inputs, anchor_lengths, build_shaped_model

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "bench_generation.py"


def run_script(*args: str) -> subprocess.CompletedProcess:
    """The script in a fresh interpreter, importing the ``bench`` under test (this checkout) first."""
    code_root = str(Path(bench.__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [code_root, os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=600)


def test_anchor_lengths_follow_gpu_anchor() -> None:
    assert anchor_lengths([10, 100, 900, 0], 1000) == [13, 135, 1000, 1]
    rows = anchor_inputs([3, 5], 512, seed=1)
    assert [len(r) for r in rows] == [3, 5] and all(5 <= i < 511 for r in rows for i in r)
    assert rows == anchor_inputs([3, 5], 512, seed=1)


def test_shaped_model_tokenizer_names_every_id(tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    kind, params = build_shaped_model("tiny-bart", tmp_path)
    tok = AutoTokenizer.from_pretrained(tmp_path)
    assert kind == "seq2seq" and params > 0 and len(tok) == 512
    assert tok.decode([7, 300, 511]) == "t7 t300 t511"
    assert tok.pad_token_id == 1 and tok.eos_token_id == 2  # BartConfig's ids


def test_unknown_shape_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(SystemError_, match=r"unknown model shape 'bart-huge'; known: bart-large, gemma3-270m"):
        build_shaped_model("bart-huge", tmp_path)


@pytest.mark.parametrize("shape", ["tiny-gemma3", "tiny-bart"])
def test_harness_matches_plain_generate_on_the_same_batches(shape: str, tmp_path: Path) -> None:
    counts = tmp_path / "counts.json"
    counts.write_text(json.dumps([40, 400, 12, 90, 300, 7, 150]))
    out = tmp_path / "rows.jsonl"
    done = run_script(
        "--shape",
        shape,
        "--device",
        "cpu",
        "--word-counts",
        str(counts),
        "--articles",
        "7",
        "--max-input-tokens",
        "300",
        "--new-tokens",
        "5",
        "--baseline-articles",
        "2",
        "--plain-batch-size",
        "3",
        "--variant",
        "batch_size=3",
        "--variant",
        "batch_size=3,cache=static",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert done.stdout.splitlines() == out.read_text().splitlines()  # printed and appended alike
    assert rows[0]["setup"]["articles"] == 7 and rows[-1]["summary"]
    modes = {r["mode"]: r for r in rows if "mode" in r}
    same_batches = "plain generate sorted bs=3 longest first (harness batches)"
    assert set(modes) == {
        "plain generate bs=1",
        "plain generate sorted bs=3 shortest first (anchor)",
        same_batches,
        "harness batch_size=3",
        "harness batch_size=3 cache=static",
    }
    for mode in ("harness batch_size=3", "harness batch_size=3 cache=static"):
        assert modes[mode]["agree_with"][same_batches] == "7/7"
        assert modes[mode]["articles_per_s"] > 0 and modes[mode]["new_tokens_per_s"] > 0
    assert modes["harness batch_size=3"]["agree_with"]["plain generate bs=1"] == "2/2"
