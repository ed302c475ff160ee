"""Aggregating a unit from its score arrays: the columns come out as float64 arrays (no Python float per
value), and every metric's intervals are those it gives for the same values as a list of row mappings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from bench.article import Article
from bench.metrics.base import create_metric
from bench.run.generate import PredictionRow, Unit
from bench.run.score import ScoreArrays, aggregate_rows, columns_of, score_values
from bench.systems.base import Task

_BBC = Path("shared/corpora/bbc-news-2004/articles.jsonl")
BBC = next((p / _BBC for p in Path(__file__).resolve().parents if (p / _BBC).exists()), _BBC)


def bbc_unit(n: int) -> Unit:
    """lead-12-words headlines of the first ``n`` BBC articles, as a unit's rows."""
    if not BBC.exists():
        pytest.skip("shared BBC corpus not found (../shared/corpora/bbc-news-2004)")
    unit = Unit("lead", "lead", "fp", Task("headline", 12))
    with BBC.open() as fh:
        for line, _ in zip(fh, range(n)):
            rec = json.loads(line)
            article = Article(id=rec["id"], body=rec["body"], headline=rec["headline"])
            unit.rows.append(PredictionRow(article, " ".join(rec["body"].split()[:12]), False))
    return unit


def test_columns_and_intervals_from_the_arrays_equal_those_from_rows():
    metrics = [create_metric("rouge", {"engine": "fast"}, "metrics"), create_metric("extra", {}, "metrics")]
    unit = bbc_unit(300)
    values = score_values(unit, unit.rows, metrics)
    values[3]["compression"] = None  # a metric may give None, or NaN: both are left out of a column
    values[5]["compression"] = math.nan
    arrays = ScoreArrays.empty([r.article.content_hash for r in unit.rows], columns_of(metrics))
    arrays.fill(0, values, unit)
    view = arrays.rows()
    plain = [dict(row) for row in view]  # the same values as ordinary mappings: the row-by-row path
    assert plain[3]["compression"] is None and math.isnan(plain[5]["compression"])
    column = view.column("compression")
    assert isinstance(column, np.ndarray) and column.dtype == np.float64 and len(column) == 299  # None left out
    expected = [row["rouge1_f"] for row in values]
    assert view.column("rouge1_f").tolist() == expected
    from_arrays, from_rows = aggregate_rows(metrics, view), aggregate_rows(metrics, plain)
    assert set(from_arrays) == {c.key for c in columns_of(metrics)}
    assert from_arrays == from_rows  # every mean and CI bound, bit for bit
    assert (
        from_arrays["compression"].mean
        == math.fsum(v for i, row in enumerate(values) if i not in (3, 5) for v in [row["compression"]]) / 298
    )
