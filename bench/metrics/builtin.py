"""The built-in registered metrics: ``rouge`` (:mod:`bench.metrics.rouge`) and ``extra``
(:mod:`bench.metrics.extra`), adapted to the :class:`~bench.metrics.base.Metric` interface.

A new metric is one module with a ``@register_metric`` class, imported at the end of this file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bench.metrics import stats
from bench.metrics.base import Column, Item, Metric, Values, register_metric
from bench.metrics.extra import ExtraConfig, ExtraMetrics
from bench.metrics.rouge import Rouge, RougeConfig, Score
from bench.metrics.rouge_columns import ROUGE_LABELS, ROUGE_STATS, rouge_columns

__all__ = ["RougeMetric", "ExtraMetric", "ROUGE_LABELS"]


@register_metric("rouge")
class RougeMetric(Metric):
    """ROUGE with the configured engine: P, R and F1 per type; tables show F1 ×100."""

    Config = RougeConfig
    enabled_by_default = True
    item_independent = True  # every engine scores each pair on its own (perl's bootstrap is in aggregate)
    # CPU work in this process, no model: fast (Rust), reference (Python) and perl, a Python port of
    # ROUGE-1.5.5 (the real script is started only by tests and scripts/bench_perl_engine.py to check it)
    parallel_safe = True

    def __init__(self, config: RougeConfig) -> None:
        super().__init__(config)
        self.rouge = Rouge(config)
        # every column key in Score field order per type: a row of scores is zipped onto them
        self._keys = [f"{t}_{short}" for t in self.rouge.types for short, _, _ in ROUGE_STATS]
        self._fields = [Score._fields.index(field) for _, field, _ in ROUGE_STATS]

    def columns(self) -> list[Column]:
        return rouge_columns(self.rouge.types)

    def score(self, items: Sequence[Item]) -> list[Values]:
        scores = self.rouge.score(
            [it.prediction for it in items],
            [it.references[0] if len(it.references) == 1 else list(it.references) for it in items],
            languages=[it.article.language for it in items],
        )
        keys, types, fields = self._keys, self.rouge.types, self._fields
        return [dict(zip(keys, [row[t][k] for t in types for k in fields])) for row in scores]

    def aggregate(self, values: Sequence[Mapping[str, float | None]]) -> dict[str, stats.Interval]:
        """Mean and seeded bootstrap CI of every column, or the engine's own corpus numbers (perl: the script's
        bootstrap average and interval)."""
        if values and not self.rouge.engine_aggregates:
            return dict(zip(self._keys, self.rouge.bootstrap([_every(values, k) for k in self._keys])))
        scores = [
            {t: Score(*(float(row[f"{t}_{short}"]) for short, _, _ in ROUGE_STATS)) for t in self.rouge.types}
            for row in values
        ]
        out = {}
        for t, agg in self.rouge.aggregate(scores).items():
            for short, field, _ in ROUGE_STATS:
                out[f"{t}_{short}"] = getattr(agg, field)
        return out

    def signature(self) -> str:
        return self.rouge.signature()

    def notes(self) -> list[str]:
        """Text the tokenizer could not see, or text scored as another language than it is written in."""
        return list(self.rouge.warnings())

    def take_state(self) -> dict[str, Any]:
        return self.rouge.take_state()

    def merge_state(self, state: Any) -> None:
        self.rouge.merge_state(state)


@register_metric("extra")
class ExtraMetric(Metric):
    """Lengths, compression, novel n-grams, extractive fragments and (optionally) semantic similarity."""

    Config = ExtraConfig
    enabled_by_default = True

    def __init__(self, config: ExtraConfig) -> None:
        super().__init__(config)
        self.extra = ExtraMetrics(config)
        # counts per item; sentence embeddings (semantic) are batched, and a batch may change their last bits
        self.item_independent = not config.semantic  # type: ignore[misc]
        # counts are cheap CPU work; the embedding model is not loaded once per worker process
        self.parallel_safe = not config.semantic  # type: ignore[misc]

    def columns(self) -> list[Column]:
        c = self.config
        out: list[Column] = []
        if c.lengths:
            out += [
                Column(
                    "pred_words",
                    "words",
                    "extra",
                    "prediction length in words",
                    digits=1,
                    show=True,
                    test=False,
                    ci=False,
                    higher_is_better=False,
                ),
                Column("pred_chars", "chars", "extra", "prediction length in characters", digits=0, test=False),
                Column("ref_words", "ref words", "extra", "reference length in words", digits=1, test=False),
                Column("ref_chars", "ref chars", "extra", "reference length in characters", digits=0, test=False),
            ]
        if c.compression:
            out.append(
                Column("compression", "compression", "extra", "article words / prediction words", digits=1, test=False)
            )
        out += [
            Column(
                f"novel_{n}gram",
                f"novel {n}-grams",
                "extra",
                f"share of {n}-grams not in the article",
                scale=100.0,
                digits=1,
                test=False,
            )
            for n in c.novel_ngrams
        ]
        if c.fragments:
            out += [
                Column(
                    "coverage", "coverage", "extra", "Grusky et al. extractive fragment coverage", digits=3, test=False
                ),
                Column(
                    "density", "density", "extra", "Grusky et al. extractive fragment density", digits=2, test=False
                ),
            ]
        if c.semantic:
            out.append(Column("semantic", "semantic", "extra", "cosine of sentence embeddings", scale=100.0, digits=1))
        return out

    def score(self, items: Sequence[Item]) -> list[Values]:
        return self.extra.score(
            [it.prediction for it in items], [list(it.references) for it in items], [it.article.body for it in items]
        )

    def signature(self) -> str:
        base = self.extra.signature()
        boot = f"|boot:{getattr(self.config, 'bootstrap', 1000)}|seed:{getattr(self.config, 'seed', 12345)}"
        head, sep, version = base.rpartition("|version:")
        return f"{head}{boot}{sep}{version}" if sep else base + boot


from bench.judge import metric as _judge  # noqa: E402,F401  (registers llm-judge; bench/judge/ drives a system)
from bench.metrics import bertscore, nli  # noqa: E402,F401  (registers bertscore and nli-faithfulness)


def _every(values: Sequence[Mapping[str, float | None]], key: str) -> Sequence[float]:
    """Column ``key`` of every row (ROUGE gives each article a value): the run's score arrays as one float64
    array (:func:`~bench.metrics.base.column_values`), any other rows read one by one."""
    column = getattr(values, "column", None)
    if column is not None and len(arr := column(key)) == len(values):
        return arr
    return [float(row[key]) for row in values]  # type: ignore[arg-type]
