"""Generation through the cache: articles with the same content in one unit are generated once and all get
that prediction; a rerun reuses it; extras reach the rows whether generated now or reused."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bench.article import Article
from bench.run.cache import PredictionCache
from bench.run.generate import NullProgress, generate_unit
from bench.systems.base import System, Task

TASK = Task("headline", 12)


class Counting(System):
    """Returns each body's first three words and records every article it was asked for."""

    @dataclass(frozen=True)
    class Config:
        pass

    def __init__(self, name: str = "counting", config: object = None) -> None:
        super().__init__(name, config or self.Config())
        self.asked: list[str] = []

    def summarize(self, articles, task):
        self.asked.extend(a.id for a in articles)
        self.last = [a.id for a in articles]
        return [" ".join(a.body.split()[:3]) for a in articles]

    def prediction_extras(self):  # which article each prediction of the last chunk was generated for
        return [{"for": i} for i in self.last]


class Bar(NullProgress):
    def __init__(self) -> None:
        self.total = self.done = 0

    def start(self, label, total, done=0):
        self.total, self.done = total, done

    def advance(self, n):
        self.done += n


def corpus() -> list[Article]:
    bodies = ["Alpha beta gamma delta.", "One two three four.", "Alpha beta gamma delta.", "Red green blue."]
    articles = [Article(id=f"a{i}", body=b, headline=f"H {b[:5]}") for i, b in enumerate(bodies)]
    return [*articles, Article(id="a4", body=bodies[1], headline=f"H {bodies[1][:5]}")]  # a0=a2, a1=a4


def test_same_content_in_a_unit_is_generated_once_and_every_copy_gets_it(tmp_path):
    system, articles, bar = Counting(), corpus(), Bar()
    with PredictionCache(tmp_path, "fp") as cache:
        unit = generate_unit(system, TASK, articles, cache, chunk_size=2, progress=bar)
    assert sorted(system.asked) == ["a0", "a1", "a3"]  # a2 and a4 repeat a0 and a1
    assert [r.article.id for r in unit.rows] == ["a0", "a1", "a2", "a3", "a4"]
    assert [r.prediction for r in unit.rows] == [
        "Alpha beta gamma",
        "One two three",
        "Alpha beta gamma",
        "Red green blue.",
        "One two three",
    ]
    assert unit.generated == 5 and unit.reused == 0 and not any(r.cached for r in unit.rows)
    assert bar.done == bar.total == 5  # the bar ends full
    assert [r.usage for r in unit.rows] == [{"for": i} for i in ("a0", "a1", "a0", "a3", "a1")]
    keys = [json.loads(line)["key"] for line in (tmp_path / "fp.jsonl").read_text().splitlines()]
    assert len(keys) == len(set(keys)) == 3  # one cache line per content

    rerun = Counting()
    with PredictionCache(tmp_path, "fp") as cache:
        again = generate_unit(rerun, TASK, articles, cache, chunk_size=2, progress=Bar())
    assert rerun.asked == [] and again.reused == 5 and again.generated == 0
    assert [(r.prediction, r.usage) for r in again.rows] == [(r.prediction, r.usage) for r in unit.rows]
    assert all(r.cached for r in again.rows)
