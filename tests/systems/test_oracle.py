"""oracle: greedy ROUGE selection against the reference; scores agree with rouge-score itself."""

from __future__ import annotations

import pytest

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.systems import Task, create

BODY = ("The council met on Monday. A new bridge will cross the river. Work starts in May. "
        "Residents welcomed the plan.")


def test_picks_the_sentence_that_matches_the_headline() -> None:
    art = Article("a", BODY, headline="New bridge will cross the river")
    out = create({"kind": "oracle"}, "t").summarize([art], Task("headline", 8))
    # adding any other sentence lowers precision more than it raises recall: one sentence
    assert out == ["A new bridge will cross the river."]


def test_greedy_adds_sentences_while_the_score_rises_and_keeps_article_order() -> None:
    art = Article("a", BODY, standfirst="Work starts in May on a bridge over the river. The council met.")
    out = create({"kind": "oracle", "sentences": 3}, "t").summarize([art], Task("standfirst", 20))
    assert out == ["The council met on Monday. A new bridge will cross the river. Work starts in May."]
    capped = create({"kind": "oracle", "sentences": 1}, "t").summarize([art], Task("standfirst", 20))
    assert len(capped[0].split(". ")) == 1


def test_score_matches_rouge_score_on_joined_text() -> None:
    from rouge_score import rouge_scorer

    oracle = create({"kind": "oracle", "metric": ["rouge1", "rouge2", "rougeL"]}, "t")
    ref, pred = "Bridges rising over rivers in May", "The bridge rises over the river. Work starts in May."
    tok = oracle._tokenizer
    got = oracle.score(tok.tokenize(pred), tok.tokenize(ref))
    raw = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True).score(ref, pred)
    assert got == pytest.approx(sum(raw[k].fmeasure for k in raw) / 3)


def test_needs_the_reference() -> None:
    with pytest.raises(SystemError_, match="no headline"):
        create({"kind": "oracle"}, "t").summarize([Article("a", BODY)], Task("headline", 8))


def test_bad_metric() -> None:
    with pytest.raises(ConfigError, match="rouge3"):
        create({"kind": "oracle", "metric": ["rouge3"]}, "t")


def test_labelled_as_upper_bound() -> None:
    oracle = create({"kind": "oracle"}, "t")
    assert oracle.upper_bound and oracle.needs_reference
