"""lead's word budget, random (seeded per article) and the shared Selection settings of the selecting systems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.article import Article
from bench.errors import ConfigError
from bench.systems import Task, create
from bench.text import is_word, normalize_space, split_sentences, word_count

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)

BODY = "One here. Two there. Three everywhere.\n\nFour more. Five at last."
A = Article("a", BODY)
B = Article("b", "Alpha one. Beta two. Gamma three. Delta four.")
TASK = Task("headline", 4)


def test_random_is_seeded_per_article_not_by_order() -> None:
    s = create({"kind": "random", "sentences": 2, "seed": 1}, "t")
    first = s.summarize([A, B], TASK)
    assert s.summarize([B, A], TASK) == first[::-1]
    assert s.summarize([A], TASK) == first[:1]
    for out, art in zip(first, (A, B)):
        picked = [x for x in split_sentences(art.body) if x in out]
        assert len(picked) == 2
        # in article order
        assert out == " ".join(picked)


def test_random_seed_changes_the_draw() -> None:
    many = [Article(str(i), " ".join(f"Sentence number {k}." for k in range(20))) for i in range(5)]
    a = create({"kind": "random", "seed": 0}, "t").summarize(many, TASK)
    b = create({"kind": "random", "seed": 1}, "t").summarize(many, TASK)
    assert a != b


def test_random_words_cut_and_short_article() -> None:
    s = create({"kind": "random", "sentences": 5, "words": "task"}, "t")
    assert s.summarize([A], TASK) == ["One here. Two there."]  # all 5 sentences in order, first 4 words
    assert create({"kind": "random", "sentences": 9}, "t").summarize([B], TASK) == [B.body]


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"sentences": 0}, "sentences: must be ≥ 1"),
        ({"words": "all"}, 'an integer or "task"'),
        ({"seed": "x"}, "expected an integer"),
    ],
)
def test_bad_selection_settings(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create({"kind": "random", **settings}, "t")


def test_lead_unchanged() -> None:
    assert create({"kind": "lead", "sentences": 2}, "t").summarize([A], TASK) == ["One here. Two there."]


def test_lead_word_budget_counts_words_not_lone_punctuation() -> None:
    art = Article("p", "- Growth of just 0.1% - and a contraction & more.")
    [out] = create({"kind": "lead", "words": 6}, "t").summarize([art], TASK)
    # "-" and "&" ride along uncounted; "0.1%" is one word
    assert out == "- Growth of just 0.1% - and a"
    assert word_count(out) == 6
    [out] = create({"kind": "lead", "words": 7}, "t").summarize([art], TASK)
    assert out == "- Growth of just 0.1% - and a contraction"  # nothing after the last word


@pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
def test_lead_words_on_bbc_holds_exactly_the_budget() -> None:
    rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()]
    articles = [Article(r["id"], r["body"]) for r in rows]
    outputs = create({"kind": "lead", "words": "task"}, "t").summarize(articles, Task("headline", 12))
    by_id = dict(zip((a.id for a in articles), outputs))
    # one that spent its budget on a dash before ("... just 0.1% - and a similar-sized contraction")
    assert by_id["bbc-business-006"] == (
        "Revised figures indicated growth of just 0.1% - and a similar-sized contraction in"
    )
    assert by_id["bbc-business-060"] == (
        "Two executives from American International Group (AIG) and one from Marsh & McLennan"
    )
    with_punctuation = [o for o in outputs if not all(is_word(t) for t in o.split())]
    assert len(with_punctuation) >= 61  # the outputs the old count cut short
    assert all(word_count(o) == 12 for o in outputs)  # every BBC body has more than 12 words
    assert all(normalize_space(a.body).startswith(o) for a, o in zip(articles, outputs))
