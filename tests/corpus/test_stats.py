"""Corpus statistics, with expected figures counted by hand."""

from __future__ import annotations

from bench.article import Article
from bench.corpus.load import Corpus
from bench.corpus.stats import LengthStats, corpus_stats, nearest_rank


def test_nearest_rank_by_hand():
    values = list(range(1, 21))  # 1..20: ceil(0.95 * 20) = 19th value
    assert nearest_rank(values, 0.95) == 19
    assert nearest_rank([4], 0.95) == 4
    assert nearest_rank([1, 2, 3], 0.5) == 2


def test_length_stats_by_hand():
    stats = LengthStats.of([5, 1, 3, 10])
    assert stats == LengthStats(count=4, min=1, median=4.0, p95=10, max=10, mean=4.8)
    assert LengthStats.of([]) is None


def test_corpus_stats_counts_missing_languages_and_lengths():
    arts = [
        Article(id="1", body="one two three", headline="A b", standfirst="s s s s", language="en", category="x"),
        Article(id="2", body="one two three four five\n\nsix", headline="C", language="de"),
        Article(id="3", body="w " * 10, standfirst="t", language="en", category="x", url="http://u"),
    ]
    corpus = Corpus(
        articles=arts, source="mem", problems=["f:2: bad"], duplicates=1, duplicate_notes=["f:4: same"], rows_read=4
    )
    stats = corpus_stats(corpus)
    assert (stats.articles, stats.rows_read, stats.skipped, stats.duplicates) == (3, 4, 1, 1)
    assert stats.missing == {"headline": 1, "standfirst": 1, "date": 3, "url": 2, "category": 1, "source": 3}
    assert stats.languages == {"en": 2, "de": 1}
    assert stats.categories == {"x": 2, "(none)": 1}
    assert stats.words["body"] == LengthStats(count=3, min=3, median=6.0, p95=10, max=10, mean=6.3)
    assert stats.words["headline"] == LengthStats(count=2, min=1, median=1.5, p95=2, max=2, mean=1.5)
    assert stats.paragraphs == LengthStats(count=3, min=1, median=1.0, p95=2, max=2, mean=1.3)
    assert stats.to_dict()["words"]["standfirst"]["max"] == 4
