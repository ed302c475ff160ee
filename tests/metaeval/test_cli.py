"""``bench meta-eval`` end to end on the first 20 REALSumm documents (500 judged summaries) with ROUGE:
JSON schema, per-family groups, paired tests, and a rerun served from the score cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.errors import BenchError
from bench.metaeval.judgments import load_judgments
from bench.metaeval.scoring import score_judgments
from bench.metrics.base import create_metric
from tests.metaeval.shared import REALSUMM, realsumm_subset, run_meta_eval

pytestmark = pytest.mark.skipif(not REALSUMM.is_file(), reason="shared judgments not present")


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return realsumm_subset(tmp_path_factory.mktemp("j") / "realsumm-20.jsonl", 20)


def test_json_schema_groups_and_tests(subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = json.loads(
        run_meta_eval(
            [
                str(subset),
                "--group-by",
                "family",
                "--bootstrap",
                "50",
                "--json",
                "--cache-dir",
                str(tmp_path),
                "--test",
                "rouge2.recall",
                "rouge1.precision",
            ],
            capsys,
        )
    )
    assert out["n_summaries"] == 500
    assert out["signature"]["rouge"].startswith("rouge|engine:") and out["signature"]["meta-eval"].startswith(
        "metaeval|"
    )
    row = out["rows"][0]
    assert set(row) == {"metric", "aspect", "level", "group", "kendall", "spearman", "pearson", "ci"}
    assert set(row["ci"]) == {"kendall", "spearman", "pearson"} and len(row["ci"]["kendall"]) == 2
    assert {r["group"] for r in out["rows"]} == {"abs", "ext"}
    assert {r["level"] for r in out["rows"]} == {"system", "summary", "global"}
    assert "rouge2.recall" in {r["metric"] for r in out["rows"]}
    for r in out["rows"]:
        lo, hi = r["ci"]["kendall"]
        assert r["kendall"] is None or lo <= hi
    assert len(out["tests"]) == 2 * 3 and all(0 < t["p"] <= 1 for t in out["tests"])


def test_rerun_comes_from_the_cache(subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    judgments = load_judgments(subset)
    metric = create_metric("rouge", {"engine": "reference"}, "test")
    first, sig1, fresh1 = score_judgments(judgments, metric, tmp_path)
    # identical outputs (abs_bart_out and ext_bart_out, and a few more) are scored once
    distinct = len({(j.summary, j.references) for j in judgments})
    assert distinct < 500 and fresh1 == distinct
    again, sig2, fresh2 = score_judgments(judgments, create_metric("rouge", {"engine": "reference"}, "t"), tmp_path)
    assert fresh2 == 0 and again == first and sig2 == sig1
    other = create_metric("rouge", {"engine": "reference", "stemmer": False}, "test")
    assert score_judgments(judgments, other, tmp_path)[2] == distinct  # another setting: another cache file


def test_text_table_names_levels_and_signature(
    subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = run_meta_eval([str(subset), "--bootstrap", "20", "--levels", "system", "--cache-dir", str(tmp_path)], capsys)
    assert "litepyramid_recall, system level (25 systems × 20 documents" in text
    assert "rouge2.recall" in text and "metaeval|levels:system|" in text


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--aspects", "fluency"], "no human aspect 'fluency'"),
        (["--test", "rouge9.recall", "rouge1.f1"], "no metric column 'rouge9.recall'"),
        (["--group-by", "colour"], "has no field 'colour'"),
        (["--metrics", "rogue"], "unknown metric 'rogue'"),
    ],
)
def test_user_mistakes_are_one_line_errors(
    subset: Path, tmp_path: Path, argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(BenchError, match=words):
        run_meta_eval([str(subset), "--bootstrap", "10", "--cache-dir", str(tmp_path), *argv], capsys)


def test_columns_without_information_are_left_out_with_a_note(
    subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # REALSumm has no articles: extra's article statistics are constant (or undefined) on every summary
    text = run_meta_eval([str(subset), "--metrics", "extra", "--bootstrap", "10", "--cache-dir", str(tmp_path)], capsys)
    assert "extra.pred_words" in text and "extra.novel_1gram " not in text
    assert "note: left out, undefined or constant on every summary: " in text and "extra.coverage" in text


def test_config_file_two_settings_of_one_metric(
    subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "meta.yaml"
    config.write_text(
        f"judgments: {subset}\nbootstrap: 30\nlevels: [system, global]\n"
        "metrics:\n  rouge: {engine: fast, types: [rouge2]}\n"
        "  rouge@ref: {engine: reference, types: [rouge2]}\n"
    )
    out = json.loads(run_meta_eval(["--config", str(config), "--json", "--cache-dir", str(tmp_path)], capsys))
    rows = {(r["metric"], r["level"]): r for r in out["rows"]}
    assert set(out["signature"]) == {"meta-eval", "rouge", "rouge@ref"}
    # the fast engine gives rouge-score's numbers, so both settings correlate identically, CIs included
    for level in ("system", "global"):
        assert rows[("rouge2.recall", level)] | {"metric": ""} == rows[("rouge2@ref.recall", level)] | {"metric": ""}


def test_bad_config_is_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "meta.yaml"
    config.write_text("metrics: {rouge: {}}\ngroupby: family\n")
    with pytest.raises(BenchError, match=r"""meta.yaml: unknown key 'groupby' \(did you mean "group_by"\?\)"""):
        run_meta_eval(["--config", str(config)], capsys)


def test_csv_and_markdown_outputs(subset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = [str(subset), "--bootstrap", "10", "--levels", "global", "--cache-dir", str(tmp_path)]
    text = run_meta_eval([*common, "--csv", "--out", str(tmp_path / "out.csv")], capsys)
    assert text == (tmp_path / "out.csv").read_text()
    header, first = text.splitlines()[:2]
    assert header.startswith("metric,aspect,level,group,n_docs,n_systems,kendall,kendall_lo,kendall_hi,")
    assert first.startswith("rouge1.precision,litepyramid_recall,global,,20,25,")
    md = run_meta_eval([*common, "--markdown"], capsys)
    assert "| metric | Kendall τ-b | Spearman | Pearson |" in md and "`rouge: rouge|engine:" in md
