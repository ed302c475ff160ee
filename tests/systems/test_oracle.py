"""oracle: greedy ROUGE selection against the reference; scores agree with rouge-score itself."""

from __future__ import annotations

import itertools

import pytest
from rouge_score import rouge_scorer

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.systems import Task, create
from bench.text import split_sentences

BODY = "The council met on Monday. A new bridge will cross the river. Work starts in May. Residents welcomed the plan."


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
    oracle = create({"kind": "oracle", "metric": ["rouge1", "rouge2", "rougeL"]}, "t")
    ref = "Bridges rising over rivers in May"
    preds = ["The bridge rises over the river. Work starts in May.", "Nothing in common", ""]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    expected = [sum(s.fmeasure for s in scorer.score(ref, p).values()) / 3 for p in preds]
    assert oracle.score(preds, ref) == expected  # the same floats: ties are broken as rouge-score would


# Hand-made articles: each reference draws on two or three sentences, beside distractors that share words.
ARTICLES = [
    Article(
        "flood",
        "Heavy rain fell across the north on Sunday. Rivers burst their banks in three towns. "
        "The council opened emergency shelters for families. Football matches were cancelled. "
        "Forecasters expect more rain on Tuesday.",
        headline="Rivers burst banks as heavy rain hits towns",
        standfirst="Heavy rain made rivers burst their banks in three towns, and the council opened shelters "
        "for families.",
    ),
    Article(
        "bank",
        "The central bank raised interest rates to 5%. Mortgage payments will rise for millions. "
        "Shares fell sharply in London. Economists had expected the move. "
        "The governor said inflation remained too high.",
        headline="Bank raises rates as inflation stays high",
        standfirst="The central bank raised rates to 5%, saying inflation remained too high; mortgage "
        "payments will rise.",
    ),
    Article(
        "cup",
        "The final went to extra time at Wembley. United won the cup with a late goal. "
        "Fans celebrated in the streets of Manchester. The manager praised his young players. "
        "Tickets had sold out in an hour.",
        headline="United win cup with late goal at Wembley",
        standfirst="A late goal in extra time won United the cup at Wembley, and fans celebrated in Manchester.",
    ),
]


def best_subset(sentences: list[str], reference: str, size: int, types: list[str]) -> tuple[int, ...]:
    """The subset of at most ``size`` sentences (joined in article order) with the best mean F1, by rouge-score."""
    scorer = rouge_scorer.RougeScorer(types, use_stemmer=True)
    scored = []
    for k in range(1, size + 1):
        for subset in itertools.combinations(range(len(sentences)), k):
            raw = scorer.score(reference, " ".join(sentences[i] for i in subset))
            scored.append((sum(raw[t].fmeasure for t in types) / len(types), subset))
    scored.sort(reverse=True)
    assert scored[0][0] > scored[1][0], "the hand-made article must have one best subset"
    return scored[0][1]


@pytest.mark.parametrize("target", ["headline", "standfirst"])
@pytest.mark.parametrize("types", [["rouge1", "rouge2"], ["rouge1", "rouge2", "rougeL"]])
def test_choice_is_the_brute_force_best_subset_by_rouge_score(target: str, types: list[str]) -> None:
    oracle = create({"kind": "oracle", "sentences": 3, "metric": types}, "t")
    for article in ARTICLES:
        sentences = split_sentences(article.body)
        best = best_subset(sentences, article.reference(target), 3, types)
        assert tuple(sorted(oracle.select(sentences, article.reference(target)))) == best, article.id
        summary = oracle.summarize([article], Task(target, 60))[0]
        assert summary == " ".join(sentences[i] for i in best)


def test_greedy_stops_at_a_local_optimum_that_brute_force_beats() -> None:
    # "red blue green" alone scores best, so greedy keeps it; the two other sentences together match exactly.
    sentences = ["Red blue green.", "Red blue.", "Green yellow."]
    reference = "red blue green yellow"
    oracle = create({"kind": "oracle", "sentences": 2}, "t")
    assert sorted(oracle.select(sentences, reference)) == [0, 2]
    assert best_subset(sentences, reference, 2, ["rouge1", "rouge2"]) == (1, 2)


def test_needs_the_reference() -> None:
    with pytest.raises(SystemError_, match="no headline"):
        create({"kind": "oracle"}, "t").summarize([Article("a", BODY)], Task("headline", 8))


def test_bad_metric() -> None:
    with pytest.raises(ConfigError, match="rouge3"):
        create({"kind": "oracle", "metric": ["rouge3"]}, "t")


def test_labelled_as_upper_bound() -> None:
    oracle = create({"kind": "oracle"}, "t")
    assert oracle.upper_bound and oracle.needs_reference
