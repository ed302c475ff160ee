"""random (seeded per article) and the shared Selection settings of the selecting systems."""

from __future__ import annotations

import pytest

from bench.article import Article
from bench.errors import ConfigError
from bench.systems import Task, create
from bench.text import split_sentences

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


@pytest.mark.parametrize("settings, message", [
    ({"sentences": 0}, "sentences: must be ≥ 1"),
    ({"words": "all"}, "an integer or \"task\""),
    ({"seed": "x"}, "expected an integer"),
])
def test_bad_selection_settings(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create({"kind": "random", **settings}, "t")


def test_lead_unchanged() -> None:
    assert create({"kind": "lead", "sentences": 2}, "t").summarize([A], TASK) == ["One here. Two there."]
