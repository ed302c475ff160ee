"""``kind: predictions``: outputs made elsewhere are scored, cached and reported like any system's, and a
file that does not match the corpus is refused with counts and line numbers, never scored as empty text."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from bench.article import Article, Task
from bench.config import load_config
from bench.errors import SystemError_
from bench.files import read_jsonl
from bench.run.execute import execute
from bench.systems.base import create
from tests.conftest import ARTICLES


def _config(tmp_path: Path, corpus: Path, systems: str, name: str = "preds") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"""
name: {name}
corpus: {{path: {corpus}}}
tasks: {{headline: {{max_words: 6}}, standfirst: {{max_words: 15}}}}
systems:
{systems}
metrics:
  rouge: {{bootstrap: 200, seed: 7}}
""")
    return path


def _rows(run_dir: Path, name: str) -> dict[tuple[str, str], dict]:
    summary = json.loads((run_dir / "summary.json").read_text())
    return {(r["system"], r["target"]): r for r in summary["rows"] if r["system"] == name}


@pytest.fixture
def lead_run(tmp_path: Path, small_corpus: Path) -> Path:
    """A real run of lead-1 and lead-words; its predictions.jsonl is the 'made elsewhere' file."""
    cfg = _config(
        tmp_path,
        small_corpus,
        "  - {name: lead-1, kind: lead, sentences: 1}\n  - {name: lead-words, kind: lead, words: task}",
        name="lead",
    )
    return execute(load_config(cfg), output_root=tmp_path / "lead-results").run_dir


def test_a_runs_own_predictions_score_exactly_like_the_system(tmp_path, small_corpus, lead_run):
    preds = lead_run / "predictions.jsonl"
    cfg = _config(tmp_path, small_corpus, f"  - {{name: from-file, kind: predictions, path: {preds}, system: lead-1}}")
    result = execute(load_config(cfg), output_root=tmp_path / "r")
    assert result.failures == []
    mine, theirs = _rows(result.run_dir, "from-file"), _rows(lead_run, "lead-1")
    for target in ("headline", "standfirst"):
        assert mine[("from-file", target)]["n"] == theirs[("lead-1", target)]["n"]
        assert mine[("from-file", target)]["scores"] == theirs[("lead-1", target)]["scores"]
    # cached like any system: the second run reads nothing from the generator
    again = execute(load_config(cfg), output_root=tmp_path / "r")
    assert sum(u.generated for u in again.units) == 0 and sum(u.reused for u in again.units) == 5


def test_csv_with_one_target_and_its_own_column_names(tmp_path, small_corpus, lead_run):
    rows = [json.loads(line) for line in (lead_run / "predictions.jsonl").read_text().splitlines()]
    path = tmp_path / "headlines.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["doc", "text"])
        for r in rows:
            if r["system"] == "lead-words" and r["target"] == "headline":
                writer.writerow([r["article_id"], r["prediction"] + "\nwith a second line, quoted"])
    spec = {
        "name": "csv",
        "kind": "predictions",
        "path": str(path),
        "id_field": "doc",
        "prediction_field": "text",
        "target": "headline",
    }
    system = create(spec, "test")
    arts = [Article(**a) for a in ARTICLES[:2]]
    out = system.summarize(arts, Task("headline", 6))
    assert out == [
        "A storm closed schools across the\nwith a second line, quoted"
        if a.id == "a2"
        else "The city council approved a new\nwith a second line, quoted"
        for a in arts
    ]
    with pytest.raises(SystemError_, match=r"2 of 2 articles asked for have no standfirst prediction"):
        system.summarize(arts, Task("standfirst", 15))


def test_duplicate_ids_fail_that_system_with_both_line_numbers_and_the_others_finish(tmp_path, small_corpus):
    path = tmp_path / "dups.jsonl"
    lines = [
        {"id": "a1", "target": "headline", "prediction": "one"},
        {"id": "a2", "target": "headline", "prediction": "two"},
        {"id": "a1", "target": "headline", "prediction": "one again"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    cfg = _config(
        tmp_path,
        small_corpus,
        f"  - {{name: dup, kind: predictions, path: {path}}}\n  - {{name: lead-1, kind: lead, sentences: 1}}",
    )
    result = execute(load_config(cfg), output_root=tmp_path / "r")
    errors = {(f["system"], f["target"]): f["error"] for f in result.failures}
    assert set(errors) == {("dup", "headline"), ("dup", "standfirst")}
    message = errors[("dup", "headline")]
    assert "\n" not in message and "1 duplicate predictions" in message and "'a1' headline at lines 1 and 3" in message
    assert {u.system for u in result.units if u.status == "ok"} == {"lead-1"}


def test_missing_ids_fail_the_unit_with_a_count_never_an_empty_prediction(tmp_path, small_corpus):
    path = tmp_path / "partial.jsonl"
    rows = [
        {"id": "a1", "target": "standfirst", "prediction": "A bridge."},
        {"id": "a1", "target": "headline", "prediction": "Bridge approved"},
        {"id": "a2", "target": "headline", "prediction": "Storm shuts schools"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = _config(tmp_path, small_corpus, f"  - {{name: part, kind: predictions, path: {path}}}")
    cfg.write_text(cfg.read_text() + "run: {chunk_size: 1}\n")  # counted over the whole run, not per chunk
    result = execute(load_config(cfg), output_root=tmp_path / "r")
    [failure] = result.failures
    assert failure["target"] == "standfirst"
    assert "2 articles have no standfirst prediction (ids: a2, a3)" in failure["error"]
    assert "add rows for them or run on the file's articles only" in failure["error"]
    [ok] = [u for u in result.units if u.status == "ok"]
    rows = [r for r in read_jsonl(result.run_dir / "predictions.jsonl") if r["target"] == "headline"]
    assert ok.target == "headline" and [r["prediction"] for r in rows] == ["Bridge approved", "Storm shuts schools"]


def test_coverage_counts_extra_ids_with_their_line_numbers(tmp_path):
    path = tmp_path / "extra.jsonl"
    rows = [
        {"id": "a1", "target": "headline", "prediction": "x"},
        {"id": "zz9", "target": "headline", "prediction": "y"},
        {"id": "a2", "target": "headline", "prediction": "z"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    system = create({"name": "p", "kind": "predictions", "path": str(path)}, "test")
    arts = [Article(**a) for a in ARTICLES]
    notes = system.check(arts, [Task("headline", 6)])
    assert notes == [f"{path}: 1 headline rows name ids the corpus does not have: zz9 (line 2)"]
    with pytest.raises(SystemError_, match=r"3 articles have no standfirst prediction \(ids: a1, a2, a3\)"):
        system.check(arts, [Task("standfirst", 15)])


def test_fingerprint_follows_the_content_not_the_path(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "a1", "target": "headline", "prediction": "x"}) + "\n")
    moved = tmp_path / "sub" / "b.jsonl"
    moved.parent.mkdir()
    shutil.copy(path, moved)
    first = create({"name": "p", "kind": "predictions", "path": str(path)}, "t").fingerprint()
    assert create({"name": "p", "kind": "predictions", "path": str(moved)}, "t").fingerprint() == first
    path.write_text(json.dumps({"id": "a1", "target": "headline", "prediction": "y"}) + "\n")
    assert create({"name": "p", "kind": "predictions", "path": str(path)}, "t").fingerprint() != first


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"id": "a1", "target": "headline", "prediction": "x"}\nnot json\n', r"bad\.jsonl:2: not valid JSON"),
        ('{"id": "a1", "target": "title", "prediction": "x"}\n', r"bad\.jsonl:1: 'target' is 'title'; it must be"),
        ('{"id": "a1", "target": "headline"}\n', r"bad\.jsonl:1: 'prediction' is missing"),
        ('{"target": "headline", "prediction": "x"}\n', r"bad\.jsonl:1: no 'id' \(the article id\)"),
        (
            (
                '{"system": "s1", "article_id": "a1", "target": "headline", "prediction": "x"}\n'
                '{"system": "s2", "article_id": "a1", "target": "headline", "prediction": "x"}\n'
            ),
            r"holds predictions of 2 systems \(s1, s2\); set system:",
        ),
    ],
)
def test_bad_rows_are_one_line_naming_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    system = create({"name": "p", "kind": "predictions", "path": str(path)}, "t")
    with pytest.raises(SystemError_, match=message) as info:
        system.load()
    assert "\n" not in str(info.value)


def test_missing_file_fails_at_load_and_a_suffixless_path_at_config_time(tmp_path):
    system = create({"name": "p", "kind": "predictions", "path": str(tmp_path / "nope.jsonl")}, "t")
    assert len(system.fingerprint()) == 16  # building the cache key never crashes the run
    with pytest.raises(SystemError_, match=r"nope\.jsonl not found"):
        system.load()
    from bench.errors import ConfigError

    with pytest.raises(ConfigError, match=r"t\.format: cannot tell the format"):
        create({"name": "p", "kind": "predictions", "path": "outputs.txt"}, "t")
