"""Deterministic sampling, stratification and the disjoint few-shot pool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.article import Article
from bench.corpus.load import Corpus, CorpusConfig, load_corpus
from bench.corpus.sampling import allocate, few_shot_pool, sample_articles
from bench.errors import CorpusError

CATEGORIES = ["sport"] * 12 + ["tech"] * 6 + ["arts"] * 2


def make_articles(n: int = 20) -> list[Article]:
    return [
        Article(id=f"a{i:02d}", body=f"Body number {i}.", headline=f"H{i}", category=CATEGORIES[i % 20])
        for i in range(n)
    ]


def write(path: Path, articles: list[Article]) -> Path:
    path.write_text("".join(json.dumps(a.to_record()) + "\n" for a in articles))
    return path


def test_same_seed_same_articles_whatever_the_input_order():
    arts = make_articles()
    first = sample_articles(arts, 5, seed=3)
    again = sample_articles(list(reversed(arts)), 5, seed=3)
    assert sorted(a.id for a in first) == sorted(a.id for a in again)
    assert len(first) == 5 and len({a.id for a in first}) == 5


def test_sample_keeps_corpus_order_and_grows_as_a_superset():
    arts = make_articles()
    small, large = sample_articles(arts, 4, seed=1), sample_articles(arts, 9, seed=1)
    assert [a.id for a in small] == sorted(a.id for a in small)
    assert {a.id for a in small} <= {a.id for a in large}


def test_different_seeds_differ_and_no_limit_keeps_all():
    arts = make_articles()
    picks = {tuple(a.id for a in sample_articles(arts, 5, seed=s)) for s in range(5)}
    assert len(picks) > 1
    assert sample_articles(arts, None, seed=0) == arts and sample_articles(arts, 50, seed=0) == arts


def test_allocate_largest_remainder_by_hand():
    # quotas for n=5 over 6/3/1: 3.0, 1.5, 0.5 -> floors 3, 1, 0; one left; remainders tie at .5 -> "b" first
    assert allocate({"a": 6, "b": 3, "c": 1}, 5) == {"a": 3, "b": 2, "c": 0}
    assert allocate({"sport": 12, "tech": 6, "arts": 2}, 10) == {"sport": 6, "tech": 3, "arts": 1}
    assert allocate({"x": 2, "y": 1}, 10) == {"x": 2, "y": 1}


def test_stratified_sample_is_proportional():
    picked = sample_articles(make_articles(), 10, seed=0, stratify_by="category")
    counts = {c: sum(a.category == c for a in picked) for c in ("sport", "tech", "arts")}
    assert counts == {"sport": 6, "tech": 3, "arts": 1}


def test_load_corpus_limit_and_stratify(tmp_path):
    path = write(tmp_path / "c.jsonl", make_articles())
    a = load_corpus(CorpusConfig(path=str(path), limit=10, seed=2, stratify_by="category"))
    b = load_corpus(CorpusConfig(path=str(path), limit=10, seed=2, stratify_by="category"))
    assert [x.id for x in a.articles] == [x.id for x in b.articles] and len(a.articles) == 10
    assert sum(x.category == "arts" for x in a.articles) == 1
    with pytest.raises(CorpusError, match=r"stratify_by: no field or meta key 'categroy'.*did you mean \"category\""):
        load_corpus(CorpusConfig(path=str(path), limit=5, stratify_by="categroy"))


def test_few_shot_examples_are_never_evaluated(tmp_path):
    path = write(tmp_path / "c.jsonl", make_articles())
    corpus = load_corpus(CorpusConfig(path=str(path), few_shot=3, limit=10))
    assert len(corpus.few_shot) == 3 and len(corpus.articles) == 10
    assert not {a.body for a in corpus.few_shot} & {a.body for a in corpus.articles}
    again = load_corpus(CorpusConfig(path=str(path), few_shot=3, limit=10))
    assert [a.id for a in again.few_shot] == [a.id for a in corpus.few_shot]


def test_few_shot_from_a_separate_file_removes_overlap(tmp_path):
    arts = make_articles()
    path = write(tmp_path / "eval.jsonl", arts)
    pool = write(tmp_path / "train.jsonl", arts[:2] + [Article(id="t1", body="Train only.")])
    corpus = load_corpus(CorpusConfig(path=str(path), few_shot=3, few_shot_path=str(pool)))
    assert {a.id for a in corpus.few_shot} == {"a00", "a01", "t1"}
    assert len(corpus.articles) == 18 and not {"a00", "a01"} & {a.id for a in corpus.articles}


def test_few_shot_pool_function():
    corpus = Corpus(articles=make_articles(), source="mem")
    examples, rest = few_shot_pool(corpus, 4, seed=0)
    assert len(examples) == 4 and len(rest.articles) == 16 and rest.few_shot == examples
    assert not {a.id for a in examples} & {a.id for a in rest.articles}
    with pytest.raises(CorpusError, match="asked for 20 examples but the corpus has only 20"):
        few_shot_pool(corpus, 20, seed=0)
