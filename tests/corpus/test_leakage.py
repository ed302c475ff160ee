"""Leakage: a body that opens by repeating its headline or standfirst is caught (stripped or flagged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.article import Article
from bench.corpus.config import CorpusConfig
from bench.corpus.leakage import check_leakage
from bench.corpus.load import load_corpus
from bench.errors import CorpusError

REPO = Path(__file__).resolve().parents[2]
STANDFIRST = "The council has approved a new bridge over the river, ending a ten-year dispute over its cost."
REST = "Work starts in March. The bridge will carry cars and bikes.\n\nCritics said the price was too high."


def _shared(*parts: str) -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / Path(*parts)).exists():
            return parent / "shared" / Path(*parts)
    return None


def art(body: str, headline: str = "Bridge approved after ten years", standfirst: str = STANDFIRST) -> Article:
    return Article(id="a1", body=body, headline=headline, standfirst=standfirst)


@pytest.mark.parametrize(
    "opening",
    [
        STANDFIRST,  # verbatim, as its own paragraph
        "The council has approved a new bridge over the river - ending a ten-year dispute over its cost",  # punctuation
        "“The council has approved a new bridge over the river, ending a 10-year dispute over its cost.”",  # quotes, a word
    ],
)
def test_a_body_opening_with_the_standfirst_is_stripped(opening):
    (out,), report = check_leakage([art(opening + "\n\n" + REST)])
    assert out.body == REST
    assert out.meta["leakage"] == {"standfirst": "stripped"}
    assert dict(report.counts) == {("standfirst", "stripped"): 1}


def test_a_standfirst_glued_to_the_first_paragraph_is_cut_at_its_end():
    (out,), _ = check_leakage([art(STANDFIRST + " " + REST)])
    assert out.body == REST


def test_headline_then_standfirst_both_go():
    (out,), report = check_leakage([art("Bridge approved after ten years\n" + STANDFIRST + "\n\n" + REST)])
    assert out.body == REST
    assert out.meta["leakage"] == {"headline": "stripped", "standfirst": "stripped"}
    assert report.total == 2


def test_flag_keeps_the_body_and_off_does_nothing():
    body = STANDFIRST + "\n\n" + REST
    (flagged,), report = check_leakage([art(body)], mode="flag")
    assert flagged.body == body and flagged.meta["leakage"] == {"standfirst": "flagged"}
    assert dict(report.counts) == {("standfirst", "flagged"): 1}
    (same,), report = check_leakage([art(body)], mode="off")
    assert same.body == body and "leakage" not in same.meta and report.total == 0


def test_no_leak_when_the_opening_only_shares_words():
    # the headline's words open the body, but mid-sentence: the lead goes on, it does not repeat the headline
    storm = art(
        "Storm hits the coast of Kent hardest, and forecasters expect more.\n\nRain is due.",
        "Storm hits the coast of Kent",
    )
    lead = art("The council approved the plan on Tuesday after a long debate.\n\n" + REST)
    out, report = check_leakage([storm, lead])
    assert [a.body for a in out] == [storm.body, lead.body]
    assert report.total == 0


def test_a_body_that_is_only_the_reference_is_kept_and_reported():
    (out,), report = check_leakage([art(STANDFIRST)])
    assert out.body == STANDFIRST
    assert report.emptied == ["a1"]


def test_bad_settings_are_one_clear_error():
    with pytest.raises(CorpusError, match="'cut' is not one of strip, flag, off"):
        check_leakage([], mode="cut")
    with pytest.raises(CorpusError, match=r"must be in \(0, 1\]"):
        check_leakage([], threshold=1.5)


@pytest.mark.skipif(_shared("pages-html") is None, reason="shared/pages-html not found")
def test_the_reuters_page_repeats_its_description_after_the_dateline():
    page = _shared("pages-html", "reuters.com.parasite.html")
    (article,) = load_corpus(CorpusConfig(path=str(page), format="html", leakage="off")).articles
    (out,), _ = check_leakage([article])
    assert article.body.startswith("LOS ANGELES (Reuters) - South Korean thriller “Parasite” was the upset winner")
    assert out.meta["leakage"] == {"standfirst": "stripped"}
    assert out.body.startswith("“Parasite,” the Korean language social satire")


@pytest.mark.parametrize("source", ["bbc", "dw-sample"])
def test_the_reference_corpora_have_nothing_to_strip(source):
    path = _shared("corpora", "bbc-news-2004", "articles.jsonl") if source == "bbc" else REPO / "data" / "sample.jsonl"
    if path is None:
        pytest.skip("shared BBC corpus not found (shared/corpora/bbc-news-2004)")
    articles = load_corpus(CorpusConfig(path=str(path), dedupe=False)).articles
    out, report = check_leakage(articles)
    assert report.total == 0 and report.emptied == []
    assert out == articles


def test_corpus_stats_and_the_run_manifest_count_what_was_stripped(tmp_path):
    import json
    import subprocess
    import sys

    import bench
    from bench.config import load_config
    from bench.run.execute import execute

    rows = [
        {
            "id": "x1",
            "headline": "Bridge approved",
            "standfirst": "The council approved a new bridge on Monday.",
            "body": "The council approved a new bridge on Monday.\n\nWork starts in May. It costs a lot.",
        },
        {
            "id": "x2",
            "headline": "Storm closes schools",
            "standfirst": "A storm closed schools.",
            "body": "Heavy rain flooded roads on Tuesday.\n\nClasses resume on Friday.",
        },
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    env = {"PYTHONPATH": str(Path(bench.__file__).resolve().parents[1]), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "bench", "corpus-stats", str(corpus)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "leakage: 1 opened with their standfirst stripped" in out.stdout
    cfg = tmp_path / "c.yaml"
    cfg.write_text("corpus: {path: c.jsonl}\nsystems:\n  - {name: lead-1, kind: lead, sentences: 1}\n")
    result = execute(load_config(cfg), output_root=tmp_path / "r")
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["corpus"]["leakage"] == {"standfirst stripped": 1}
    lead = {
        (p["article_id"], p["target"]): p["prediction"]
        for p in map(json.loads, (result.run_dir / "predictions.jsonl").read_text().splitlines())
    }
    assert lead[("x1", "standfirst")] == "Work starts in May."  # not the standfirst it would have copied
