"""``oracle``: the body sentences that score best against the reference — an upper bound, not a system.

Greedy selection as in the SummaRuNNer oracle (Nallapati et al., 2017): start empty; repeatedly add the
sentence that most raises the mean F1 of the configured ROUGE types against the reference; stop when no
sentence raises it or ``sentences`` are chosen. Scoring uses rouge-score's tokenizer and n-gram/LCS
arithmetic (the engine of :mod:`bench.metrics.rouge`), on sentences tokenized once.
The oracle reads the reference, so its scores bound what extraction can reach; tables must label it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.systems.base import System, Task, register
from bench.systems.extractive import Selection, compose
from bench.text import split_sentences

__all__ = ["Oracle", "ORACLE_TYPES"]

ORACLE_TYPES = ("rouge1", "rouge2", "rougeL")


@register("oracle")
class Oracle(System):
    """Greedy ROUGE-maximising sentence selection against the reference (an upper bound)."""

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
                raise ConfigError(f"{where}.metric: {', '.join(bad) or 'empty'}; name one or more of "
                                  f"{', '.join(ORACLE_TYPES)} (their mean F1 is maximised)")

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        from rouge_score import tokenizers

        self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer=config.stemmer)

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        out = []
        for article in articles:
            reference = article.reference(task.target)
            if reference is None:
                raise SystemError_(f"{self.name}: article {article.id!r} has no {task.target}; the oracle needs "
                                   "the reference (the runner should skip articles without one)")
            sentences = split_sentences(article.body)
            chosen = self.select(sentences, reference)
            out.append(compose(sentences, chosen, self.config, task))
        return out

    def select(self, sentences: Sequence[str], reference: str) -> list[int]:
        """Indices of the greedily chosen sentences, in the order they were chosen."""
        ref = self._tokenizer.tokenize(reference)
        toks = [self._tokenizer.tokenize(s) for s in sentences]
        chosen: list[int] = []
        best = 0.0
        while len(chosen) < self.config.sentences:
            gains = []
            for i in range(len(sentences)):
                if i in chosen:
                    continue
                candidate = [t for j in sorted(chosen + [i]) for t in toks[j]]
                gains.append((self.score(candidate, ref), -i))
            if not gains:
                break
            value, neg_i = max(gains)
            if value <= best:
                break
            best = value
            chosen.append(-neg_i)
        return chosen

    def score(self, prediction: list[str], reference: list[str]) -> float:
        """Mean F1 of the configured ROUGE types for token lists."""
        from rouge_score import rouge_scorer as rs

        total = 0.0
        for kind in self.config.metric:
            if kind == "rougeL":
                total += rs._score_lcs(reference, prediction).fmeasure
            else:
                n = int(kind[-1])
                total += rs._score_ngrams(rs._create_ngrams(reference, n), rs._create_ngrams(prediction, n)).fmeasure
        return total / len(self.config.metric)
