"""``take``: a run's ``--limit`` keeps the strata of the corpus instead of taking the first N."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from bench.article import Article
from bench.corpus.load import CorpusConfig, load_corpus
from bench.corpus.sampling import take
from bench.errors import CorpusError

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)
needs_bbc = pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")


@pytest.fixture(scope="module")
def bbc() -> list[Article]:
    return load_corpus(CorpusConfig(path=str(BBC), dedupe=False)).articles


def _assert_proportional(sample: list[Article], population: list[Article], n: int) -> None:
    have, total = Counter(a.category for a in sample), Counter(a.category for a in population)
    assert len(sample) == n and set(have) == set(total)
    for category, size in total.items():
        assert abs(have[category] - n * size / len(population)) <= 1, (category, have, total)


@needs_bbc
def test_limit_50_of_bbc_keeps_every_category_in_proportion(bbc: list[Article]) -> None:
    assert len(bbc) == 2127
    assert {a.category for a in bbc[:50]} == {"business"}  # what corpus.articles[:50] gave
    sample = take(bbc, 50, stratify_by="category", seed=0)
    _assert_proportional(sample, bbc, 50)
    positions = {id(a): i for i, a in enumerate(bbc)}
    assert [positions[id(a)] for a in sample] == sorted(positions[id(a)] for a in sample)  # corpus order
    assert [a.id for a in take(bbc, 50, stratify_by="category", seed=0)] == [a.id for a in sample]
    assert [a.id for a in take(bbc, 50, stratify_by="category", seed=1)] != [a.id for a in sample]


@needs_bbc
def test_limit_of_a_stratified_corpus_sample_keeps_its_strata() -> None:
    # the run's flow: the config samples 500 by category, then --limit 50 takes from that sample
    corpus = load_corpus(CorpusConfig(path=str(BBC), limit=500, seed=7, stratify_by="category"))
    sample = take(corpus.articles, 50, stratify_by="category", seed=7)
    _assert_proportional(sample, corpus.articles, 50)


@needs_bbc
def test_without_strata_limit_is_a_rank_sample_not_the_head(bbc: list[Article]) -> None:
    sample = take(bbc, 50, seed=0)
    assert len(sample) == 50 and len({a.category for a in sample}) == 5
    # ranks nest: --limit 50 of a corpus loaded with limit 500 picks what loading with limit 50 picks
    corpus = load_corpus(CorpusConfig(path=str(BBC), limit=500, seed=3, dedupe=False))
    direct = load_corpus(CorpusConfig(path=str(BBC), limit=50, seed=3, dedupe=False))
    assert [a.id for a in take(corpus.articles, 50, seed=3)] == [a.id for a in direct.articles]


def test_too_small_a_limit_warns_naming_the_strata_left_out(caplog: pytest.LogCaptureFixture) -> None:
    articles = [Article(f"a{i}", f"Body {i}.", category=c) for i, c in enumerate(["sport"] * 8 + ["tech", "arts"])]
    with caplog.at_level(logging.WARNING, logger="bench.corpus.sampling"):
        sample = take(articles, 2, stratify_by="category")
    assert [a.category for a in sample] == ["sport", "sport"]
    assert "limit 2 leaves out 2 category value(s) of the corpus (arts, tech)" in caplog.text
    caplog.clear()
    assert take(articles, 99, stratify_by="category") == articles and not caplog.text


@pytest.mark.parametrize("n", [0, -1, True, 2.5])
def test_bad_limit_is_refused(n: object) -> None:
    with pytest.raises(CorpusError, match="limit: expected a number of articles >= 1"):
        take([Article("a", "Body.")], n)  # type: ignore[arg-type]
