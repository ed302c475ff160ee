"""A whole run on a small real corpus: the run directory's files and what they hold."""

import csv
import json

import yaml

from bench.config import load_config
from bench.run.execute import execute
from bench.run.rundir import RUN_FILES


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_run_directory_contents(tmp_path, small_config):
    result = execute(load_config(small_config), output_root=tmp_path / "results", argv=["bench", "run"])
    run_dir = result.run_dir
    assert run_dir.parent == tmp_path / "results" and run_dir.name.startswith("small-")
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(RUN_FILES)

    preds = read_jsonl(run_dir / "predictions.jsonl")
    # 2 systems × (2 headlines + 3 standfirsts): a3 has no headline and is skipped for that target.
    assert len(preds) == 10
    lead1 = {(p["target"], p["article_id"]): p["prediction"] for p in preds if p["system"] == "lead-1"}
    assert lead1[("headline", "a1")] == ("The city council approved a new bridge over the river on Monday.")
    words = {(p["target"], p["article_id"]): p["prediction"] for p in preds if p["system"] == "lead-words"}
    assert words[("headline", "a2")] == "A storm closed schools across the"  # max_words 6

    scores = read_jsonl(run_dir / "scores.jsonl")
    assert len(scores) == 10
    assert {"rouge1_p", "rouge1_r", "rouge1_f", "rougeLsum_f"} <= set(scores[0])

    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["signature"] == result.signature and "boot:200" in result.signature
    rows = {(r["system"], r["target"]): r for r in summary["rows"]}
    assert rows[("lead-1", "headline")]["n"] == 2
    assert rows[("lead-1", "headline")]["skipped_no_reference"] == 1
    r1 = rows[("lead-1", "standfirst")]["scores"]["rouge1_f"]
    mean = sum(s["rouge1_f"] for s in scores if s["system"] == "lead-1" and s["target"] == "standfirst") / 3
    assert abs(r1["mean"] - mean) < 1e-12 and r1["n"] == 3
    assert r1["low"] <= r1["mean"] <= r1["high"]
    assert summary["signatures"]["rouge"] == result.signature and summary["signatures"]["extra"].startswith("extra|")
    assert {c["key"] for c in summary["columns"]} >= {"rouge1_p", "rouge1_f", "pred_words", "coverage"}

    with open(run_dir / "summary.csv") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == 4 and all(r["signature_rouge"] == result.signature for r in csv_rows)
    by = {(r["system"], r["target"]): r for r in csv_rows}
    assert float(by[("lead-1", "standfirst")]["rouge1_f"]) == r1["mean"]  # every column, values as stored
    assert "coverage_low" in csv_rows[0]
    assert result.signature in (run_dir / "summary.md").read_text()

    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["command"] == ["bench", "run"]
    assert manifest["packages"]["rouge-score"]
    assert set(manifest["timings"]) == {"lead-1", "lead-words"}
    assert manifest["failures"] == []
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config["corpus"]["path"].endswith("corpus.jsonl") and config["metrics"]["rouge"]["seed"] == 7


def test_second_run_reuses_the_cache(tmp_path, small_config):
    cfg = load_config(small_config)
    first = execute(cfg, output_root=tmp_path / "r")
    second = execute(cfg, output_root=tmp_path / "r")
    assert sum(u.generated for u in first.units) == 10 and sum(u.reused for u in first.units) == 0
    assert sum(u.generated for u in second.units) == 0 and sum(u.reused for u in second.units) == 10
    assert first.summary[0]["scores"] == second.summary[0]["scores"]
    third = execute(cfg, output_root=tmp_path / "r", use_cache=False)
    assert sum(u.generated for u in third.units) == 10


def test_extra_metrics_ride_along_and_can_be_switched_off(tmp_path, small_config):
    result = execute(load_config(small_config), output_root=tmp_path / "r")
    scores = read_jsonl(result.run_dir / "scores.jsonl")
    # lead copies the article, so nothing it writes is novel and every word is covered by a fragment
    assert all(s["novel_1gram"] == 0.0 and s["coverage"] == 1.0 for s in scores)
    words = {(s["system"], s["target"], s["article_id"]): s["pred_words"] for s in scores}
    assert words[("lead-words", "headline", "a2")] == 6.0  # "A storm closed schools across the"
    summary = json.loads((result.run_dir / "summary.json").read_text())
    assert summary["signatures"]["extra"].startswith("extra|tok:unicode-v1")

    off = small_config.read_text().replace(
        "rouge: {bootstrap: 200, seed: 7}", "rouge: {bootstrap: 200, seed: 7}\n  extra: false"
    )
    small_config.write_text(off)
    result = execute(load_config(small_config), output_root=tmp_path / "r2")
    assert "coverage" not in read_jsonl(result.run_dir / "scores.jsonl")[0]


def test_a_system_sample_runs_that_system_on_a_subset_only(tmp_path, small_config):
    text = small_config.read_text().replace(
        "  - {name: lead-words, kind: lead, words: task}",
        "  - {name: lead-words, kind: lead, words: task, sample: {limit: 1, seed: 3}}",
    )
    small_config.write_text(text)
    result = execute(load_config(small_config), output_root=tmp_path / "r")
    counts = {(u.system, u.target): len(u.rows) for u in result.units}
    assert counts[("lead-1", "standfirst")] == 3
    assert counts[("lead-words", "standfirst")] == 1
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    by_name = {s["name"]: s for s in manifest["systems"]}
    assert by_name["lead-words"]["articles"] == 1 and by_name["lead-words"]["sample"]["limit"] == 1
    assert by_name["lead-1"]["articles"] == 3 and by_name["lead-1"]["sample"] is None
