"""Opening run directories: real runs load as dicts and DataFrames; anything else is refused by name."""

import json
import shutil

import pytest

from bench.config import load_config
from bench.errors import RunError
from bench.files import read_jsonl
from bench.run.execute import execute
from bench.run.rundir import open_run, parse_signature, signature_difference


@pytest.fixture
def run_dir(tmp_path, small_config):
    return execute(load_config(small_config), output_root=tmp_path / "results", argv=["bench", "run"]).run_dir


def test_a_real_run_loads(run_dir):
    run = open_run(run_dir)
    assert run.name == run_dir.name and run.name.startswith("small-")
    assert run.manifest["command"] == ["bench", "run"]
    assert run.systems == ["lead-1", "lead-words"] and run.targets == ["headline", "standfirst"]
    # 2 systems × (2 headlines + 3 standfirsts): a3 has no headline
    assert len(run.scores) == 10 and len(run.predictions) == 10
    assert set(run.scores.columns) >= {"system", "target", "article_id", "article_hash", "rouge1_f", "rouge1_p"}
    row = run.predictions[
        (run.predictions["system"] == "lead-1")
        & (run.predictions["article_id"] == "a1")
        & (run.predictions["target"] == "headline")
    ].iloc[0]
    assert row["reference"] == "Council approves new bridge over river"
    assert row["prediction"] == "The city council approved a new bridge over the river on Monday."
    assert run.config["metrics"]["rouge"]["seed"] == 7 and run.bootstrap_settings() == (200, 7)
    assert run.columns[0].key == "rouge1_p" and [c.key for c in run.columns if c.rank] == ["rouge1_f"]


def test_summary_frame_flattens_cis(run_dir):
    run = open_run(run_dir)
    frame = run.summary_frame()
    assert len(frame) == 4
    first = run.rows[0]
    got = frame.iloc[0]
    stats = first["scores"]["rouge1_f"]
    assert got["rouge1_f"] == stats["mean"] and got["rouge1_f_n"] == stats["n"]
    assert (got["rouge1_f_low"], got["rouge1_f_high"]) == (stats["low"], stats["high"])


def test_ids_that_look_like_numbers_stay_strings(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"article_id": "007", "system": "s"}\n{"article_id": "10", "system": "s"}\n')
    from bench.run.rundir import _frame

    frame = _frame(read_jsonl(path))
    assert list(frame["article_id"]) == ["007", "10"]


def test_missing_path(tmp_path):
    with pytest.raises(RunError, match=r"nope: no such run directory"):
        open_run(tmp_path / "nope")


def test_a_file_is_not_a_run(run_dir):
    with pytest.raises(RunError, match=r"summary.json: is a file, not a run directory"):
        open_run(run_dir / "summary.json")


def test_an_empty_folder_is_not_a_run(tmp_path):
    with pytest.raises(RunError, match=r"not a run directory \(no config.yaml or manifest.json\)"):
        open_run(tmp_path)


def test_the_results_folder_points_to_its_runs(run_dir):
    with pytest.raises(RunError, match=rf"results folder holding 1 run directory.*{run_dir.name}"):
        open_run(run_dir.parent)


def test_an_interrupted_run_names_what_is_missing(run_dir):
    (run_dir / "summary.json").unlink()
    (run_dir / "scores.jsonl").unlink()
    with pytest.raises(RunError, match=r"incomplete run directory, missing summary.json, scores.jsonl .* rerun"):
        open_run(run_dir)


def test_a_damaged_jsonl_line_is_named(run_dir):
    path = run_dir / "scores.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2][:20] + "\n"
    path.write_text("".join(lines))
    run = open_run(run_dir)
    with pytest.raises(RunError, match=r"scores.jsonl:3: not valid JSON"):
        _ = run.scores


def test_a_summary_without_rows_is_refused(tmp_path, run_dir):
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    (copy / "summary.json").write_text(json.dumps({"rows": []}))
    with pytest.raises(RunError, match=r"summary.json: missing 'rows' or 'signature'"):
        open_run(copy)


def test_signature_parts_and_difference():
    a = "rouge|engine:fast|stem:porter|boot:1000|version:0.1.0"
    b = "rouge|engine:fast|stem:none|boot:1000|version:0.2.0"
    assert parse_signature(a) == {
        "rouge": "rouge",
        "engine": "fast",
        "stem": "porter",
        "boot": "1000",
        "version": "0.1.0",
    }
    assert signature_difference(a, b) == "stem: porter ≠ none; version: 0.1.0 ≠ 0.2.0"
    assert signature_difference(a, a) == "identical"
    assert signature_difference("x:1", "x:1|y:2") == "y: (absent) ≠ 2"


def test_pandas_reads_the_jsonl_files_directly(run_dir):
    import pandas as pd

    scores = pd.read_json(run_dir / "scores.jsonl", lines=True)
    preds = pd.read_json(run_dir / "predictions.jsonl", lines=True)
    assert len(scores) == 10 and len(preds) == 10
    merged = preds.merge(scores, on=["system", "target", "article_hash"])
    assert len(merged) == 10 and merged["rouge1_f"].between(0, 1).all()
