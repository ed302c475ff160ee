"""meta_evaluate end to end on synthetic judgments, with metrics registered by the test: one that reads the
human score (written into the summary) plus small noise, one that is random, one undefined on some summaries."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.metaeval import MetricSpec, Settings, load_judgments, meta_evaluate
from bench.metrics.base import Column, Item, Metric, create_metric, register_metric, unregister_metric


@dataclass(frozen=True)
class _Config:
    noise: float = 0.05
    seed: int = 0


class _Reader(Metric):
    """Parses the human score the test wrote as the summary's first word; adds seeded noise."""

    Config = _Config

    def columns(self) -> list[Column]:
        return [Column("synthetic", "synthetic")]

    def score(self, items: Sequence[Item]) -> list[dict[str, float | None]]:
        out = []
        for it in items:
            rng = random.Random(f"{self.config.seed}|{it.prediction}")
            value = float(it.prediction.split()[0])
            out.append(
                {
                    "synthetic": None
                    if it.prediction.endswith("undefined")
                    else (1 - self.config.noise) * value + self.config.noise * rng.random()
                }
            )
        return out

    def signature(self) -> str:
        return f"synthetic|noise:{self.config.noise}"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    register_metric("test-synthetic")(_Reader)
    rng = random.Random(3)
    lines = []
    for d in range(30):
        for s in range(8):
            human = min(1.0, max(0.0, s / 8 + rng.gauss(0, 0.15)))
            tail = " undefined" if (d == 0 and s == 3) else ""
            lines.append(
                {
                    "doc_id": str(d),
                    "system": f"sys{s}",
                    "summary": f"{human} summary {d} {s}{tail}",
                    "references": ["ref"],
                    "human": {"quality": human},
                }
            )
    path = tmp_path_factory.mktemp("synthetic") / "j.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    yield load_judgments(path)
    unregister_metric("test-synthetic")


def test_noisy_reader_near_one_random_near_zero_and_told_apart(setup, tmp_path: Path) -> None:
    specs = [
        MetricSpec("test-synthetic", create_metric("test-synthetic", {"noise": 0.05}, "t")),
        MetricSpec("test-synthetic@random", create_metric("test-synthetic", {"noise": 1.0}, "t")),
    ]
    settings = Settings(
        bootstrap=200, tests=(("test-synthetic.synthetic", "test-synthetic@random.synthetic"),), permutations=200
    )
    result = meta_evaluate(setup, specs, settings, cache_dir=tmp_path)
    rows = {(r.metric, r.level): r for r in result.rows}
    for level in ("system", "summary", "global"):
        good, bad = rows[("test-synthetic.synthetic", level)], rows[("test-synthetic@random.synthetic", level)]
        assert good.values["kendall"] > 0.8 and good.ci["kendall"][0] > 0.5
        assert bad.ci["kendall"][0] < 0 < bad.ci["kendall"][1] or level == "system"
        assert abs(bad.values["kendall"]) < (0.6 if level == "system" else 0.15)
    assert all(t.p_value < 0.05 and t.delta > 0 for t in result.tests if t.level != "system")
    # document 0 has one undefined summary: it is left out for that metric, and said so
    assert rows[("test-synthetic.synthetic", "summary")].n_docs == 29
    assert any("undefined on some summary of 1 documents" in n for n in result.notes)
