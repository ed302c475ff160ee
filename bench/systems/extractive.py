"""Extractive baselines: they copy text from the article body.

``lead``: the first ``sentences`` sentences, or the first ``words`` words (``words: task`` takes the
task's length budget). The classic news baseline: journalists put the key facts first.

A word budget counts words (:func:`bench.text.is_word`: a whitespace token with a letter or digit): lone
punctuation such as the dash in "growth of just 0.1% - and" rides along uncounted, so the output stays a
verbatim prefix of the body and holds exactly the budget's words (ROUGE tokenizers drop the dash anyway).

``random``: ``sentences`` sentences drawn at random, seeded by ``seed`` and the article's content hash
(so the choice does not depend on batching or corpus order); a floor for the other systems.

Selecting systems (random, oracle, textrank, lexrank, embedding-centroid) share :class:`Selection`:
how many sentences to pick and an optional word cut (``words: task`` = the task's max_words); the chosen
sentences are output in article order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bench.article import Article
from bench.errors import ConfigError
from bench.systems.base import System, Task, register
from bench.text import first_words, split_sentences

__all__ = ["Lead", "RandomSentences", "Selection", "compose"]


@register("lead")
class Lead(System):
    """First k sentences, or first n words, of the body."""

    # 2: a word budget no longer spends words on lone punctuation; line breaks end sentences (rules-v2)
    version = "2"

    @dataclass(frozen=True)
    class Config:
        sentences: int | None = None
        words: int | str | None = None

        def validate(self, where: str) -> None:
            if (self.sentences is None) == (self.words is None):
                raise ConfigError(f"{where}: set exactly one of 'sentences' (k) or 'words' (n or \"task\")")
            if self.sentences is not None and self.sentences < 1:
                raise ConfigError(f"{where}.sentences: must be ≥ 1, got {self.sentences}")
            if isinstance(self.words, int) and self.words < 1:
                raise ConfigError(f"{where}.words: must be ≥ 1, got {self.words}")
            if isinstance(self.words, str) and self.words != "task":
                raise ConfigError(f'{where}.words: an integer or "task" (the task\'s max_words), got {self.words!r}')

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        cfg = self.config
        if cfg.sentences is not None:
            return [" ".join(split_sentences(a.body)[: cfg.sentences]) for a in articles]
        n = task.max_words if cfg.words == "task" else int(cfg.words)
        return [first_words(a.body, n) for a in articles]


@dataclass(frozen=True)
class Selection:
    """Settings shared by sentence-selecting systems: how many sentences, and an optional word cut."""

    sentences: int = 1
    words: int | str | None = None

    def validate(self, where: str) -> None:
        if self.sentences < 1:
            raise ConfigError(f"{where}.sentences: must be ≥ 1, got {self.sentences}")
        if isinstance(self.words, int) and self.words < 1:
            raise ConfigError(f"{where}.words: must be ≥ 1, got {self.words}")
        if isinstance(self.words, str) and self.words != "task":
            raise ConfigError(f'{where}.words: an integer or "task" (the task\'s max_words), got {self.words!r}')


def compose(sentences: Sequence[str], chosen: Sequence[int], selection: Selection, task: Task) -> str:
    """The chosen sentences in article order, joined, cut to the selection's word limit if any."""
    text = " ".join(sentences[i] for i in sorted(set(chosen)))
    if selection.words is None:
        return text
    return first_words(text, task.max_words if selection.words == "task" else int(selection.words))


@register("random")
class RandomSentences(System):
    """Random sentences of the body, seeded per article (a floor every real system should beat)."""

    version = "2"  # as lead: word cut counts words only; line breaks end sentences

    @dataclass(frozen=True)
    class Config(Selection):
        seed: int = 0

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        out = []
        for article in articles:
            sentences = split_sentences(article.body)
            rng = random.Random(f"{self.config.seed}:{article.content_hash}")
            chosen = rng.sample(range(len(sentences)), min(self.config.sentences, len(sentences)))
            out.append(compose(sentences, chosen, self.config, task))
        return out
