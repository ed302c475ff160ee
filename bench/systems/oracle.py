"""``oracle``: the body sentences that score best against the reference — an upper bound, not a system.

Greedy selection as in the SummaRuNNer oracle (Nallapati et al., 2017): start empty; repeatedly add the
sentence that most raises the mean F1 of the configured ROUGE types against the reference; stop when no
sentence raises it or ``sentences`` are chosen. A candidate is the chosen sentences in article order,
joined by spaces, scored against the reference by the ROUGE engine of :mod:`bench.metrics.engines`
(``auto``: rouge-score-rs, which gives rouge-score's numbers bit for bit, on all cores); ties go to the
earlier sentence. The oracle reads the reference, so its scores bound what extraction can reach; tables
must label it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.metrics.engines import make_engine, resolve_engine
from bench.metrics.rouge import RougeConfig
from bench.systems.base import System, Task, register
from bench.systems.extractive import Selection, compose
from bench.text import split_sentences

__all__ = ["Oracle", "ORACLE_TYPES"]

log = logging.getLogger(__name__)

ORACLE_TYPES = ("rouge1", "rouge2", "rougeL")


@register("oracle")
class Oracle(System):
    """Greedy ROUGE-maximising sentence selection against the reference (an upper bound)."""

    version = "2"  # a word cut counts words only (bench.text.first_words): cached cuts are regenerated

    upper_bound: ClassVar[bool] = True
    needs_reference: ClassVar[bool] = True

    @dataclass(frozen=True)
    class Config(Selection):
        sentences: int = 3
        metric: tuple[str, ...] = ("rouge1", "rouge2")
        stemmer: bool = True

        def validate(self, where: str) -> None:
            Selection.validate(self, where)
            bad = [m for m in self.metric if m not in ORACLE_TYPES]
            if bad or not self.metric:
                raise ConfigError(
                    f"{where}.metric: {', '.join(bad) or 'empty'}; name one or more of "
                    f"{', '.join(ORACLE_TYPES)} (their mean F1 is maximised)"
                )

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        engine = resolve_engine("auto")
        if engine != "fast":
            log.warning(
                "%s: rouge-score-rs is not installed, so the oracle scores its candidates with rouge-score "
                "(the same choices, about 15x slower); pip install rouge-score-rs",
                name,
            )
        self._engine = make_engine(
            engine, RougeConfig(engine=engine, types=tuple(config.metric), stemmer=config.stemmer)
        )

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        out = []
        for article in articles:
            reference = article.reference(task.target)
            if reference is None:
                raise SystemError_(
                    f"{self.name}: article {article.id!r} has no {task.target}; the oracle needs "
                    "the reference (the runner should skip articles without one)"
                )
            sentences = split_sentences(article.body)
            chosen = self.select(sentences, reference)
            out.append(compose(sentences, chosen, self.config, task))
        return out

    def select(self, sentences: Sequence[str], reference: str) -> list[int]:
        """Indices of the greedily chosen sentences, in the order they were chosen."""
        chosen: list[int] = []
        best = 0.0
        while len(chosen) < self.config.sentences:
            rest = [i for i in range(len(sentences)) if i not in chosen]
            if not rest:
                break
            candidates = [" ".join(sentences[j] for j in sorted(chosen + [i])) for i in rest]
            value, neg_i = max(zip(self.score(candidates, reference), [-i for i in rest]))
            if value <= best:
                break
            best = value
            chosen.append(-neg_i)
        return chosen

    def score(self, candidates: Sequence[str], reference: str) -> list[float]:
        """Mean F1 of the configured ROUGE types of each candidate text against ``reference``."""
        scores = self._engine.score(candidates, [[reference]] * len(candidates))
        return [sum(s[kind].f1 for kind in self.config.metric) / len(self.config.metric) for s in scores]
