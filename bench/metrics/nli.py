"""``nli-faithfulness``: does the article entail the prediction? SummaC-ZS (Laban et al. 2022), reference-free.

The article is split into sentences and grouped into chunks of ``chunk_sentences`` consecutive sentences;
the prediction is split into sentences. Each (chunk, prediction sentence) pair goes through an NLI
cross-encoder (premise = chunk, hypothesis = sentence); a sentence scores its best
P(entailment) − P(contradiction) over the chunks, and the prediction the mean over its sentences, in
[−1, 1]. No article (or an empty prediction): None.

``model``: any sequence-classification NLI model — a hub id, a local directory or ``packaged:<pkg>``.
Its entailment and contradiction classes are found in ``config.id2label`` (names containing "entail" and
"contradict"), or set ``entailment_label`` / ``contradiction_label`` to the label names.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.errors import MetricError
from bench.metrics.base import Column, Item, Metric, Values, register_metric
from bench.metrics.bertscore import model_location
from bench.text import SPLITTER_NAME, split_sentences

__all__ = ["NliConfig", "NliFaithfulness", "DEFAULT_NLI_MODEL"]

log = logging.getLogger(__name__)
DEFAULT_NLI_MODEL = "cross-encoder/nli-deberta-v3-xsmall"
_WHERE = "metrics.nli-faithfulness"


@dataclass(frozen=True)
class NliConfig:
    """``metrics.nli-faithfulness``: the NLI model, chunk size, label names, batching and device."""

    model: str = DEFAULT_NLI_MODEL
    chunk_sentences: int = 1
    entailment_label: str | None = None
    contradiction_label: str | None = None
    max_length: int = 512
    batch_size: int = 32
    device: str = "cpu"
    bootstrap: int = 1000
    seed: int = 12345


def _label_index(id2label: dict[Any, str], wanted: str | None, stem: str, setting: str) -> int:
    labels = {int(k): str(v) for k, v in id2label.items()}
    if wanted is not None:
        hits = [i for i, name in labels.items() if name == wanted]
    else:
        hits = [i for i, name in labels.items() if stem in name.lower()]
    if len(hits) != 1:
        raise MetricError(
            f"{_WHERE}.{setting}: cannot tell which class of the model is {stem!r} from its labels "
            f"{sorted(labels.values())}; set {setting} to one of them"
        )
    return hits[0]


def chunks(article: str, size: int) -> list[str]:
    """The article's sentences, ``size`` consecutive ones joined per chunk."""
    sentences = split_sentences(article)
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


@register_metric("nli-faithfulness")
class NliFaithfulness(Metric):
    """Mean over prediction sentences of the best entailment − contradiction over article chunks."""

    Config = NliConfig

    def __init__(self, config: NliConfig) -> None:
        super().__init__(config)
        if config.chunk_sentences < 1 or config.batch_size < 1:
            raise MetricError(f"{_WHERE}: chunk_sentences and batch_size must be >= 1")
        self._loaded: tuple[Any, Any, int, int] | None = None

    def columns(self) -> list[Column]:
        return [
            Column(
                "nli_faithfulness",
                "NLI faith.",
                "nli-faithfulness",
                "SummaC-ZS: mean over sentences of max entailment - contradiction over article chunks",
                scale=100.0,
                digits=1,
                show=True,
            )
        ]

    def _load(self) -> tuple[Any, Any, int, int]:
        if self._loaded is None:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            where = model_location(self.config.model, f"{_WHERE}.model")
            try:
                tokenizer = AutoTokenizer.from_pretrained(where)
                model = AutoModelForSequenceClassification.from_pretrained(where)
            except (OSError, ValueError, KeyError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise MetricError(f"{_WHERE}.model: cannot load {self.config.model!r} ({first})") from None
            id2label = model.config.id2label
            ent = _label_index(id2label, self.config.entailment_label, "entail", "entailment_label")
            con = _label_index(id2label, self.config.contradiction_label, "contradict", "contradiction_label")
            self._loaded = (tokenizer, model.to(self.config.device).eval(), ent, con)
        return self._loaded

    def pair_scores(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(entailment) − P(contradiction) per (premise, hypothesis), batched by length."""
        import torch

        tokenizer, model, ent, con = self._load()
        limit = min(self.config.max_length, int(getattr(tokenizer, "model_max_length", 0) or 10**9))
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = [0.0] * len(pairs)
        with torch.inference_mode():
            for start in range(0, len(order), self.config.batch_size):
                batch = order[start : start + self.config.batch_size]
                enc = tokenizer(
                    [pairs[i][0] for i in batch],
                    [pairs[i][1] for i in batch],
                    padding=True,
                    truncation="only_first",
                    max_length=limit,
                    return_tensors="pt",
                )
                probs = model(**enc.to(self.config.device)).logits.float().softmax(dim=-1).cpu()
                for row, i in enumerate(batch):
                    out[i] = float(probs[row, ent] - probs[row, con])
        return out

    def score(self, items: Sequence[Item]) -> list[Values]:
        plans: list[tuple[list[str], list[str]] | None] = []
        pairs: list[tuple[str, str]] = []
        for it in items:
            doc, sents = chunks(it.article.body, self.config.chunk_sentences), split_sentences(it.prediction)
            plans.append((doc, sents) if doc and sents else None)
            if doc and sents:
                pairs += [(c, s) for s in sents for c in doc]
        flat = iter(self.pair_scores(pairs)) if pairs else iter(())
        out: list[Values] = []
        for plan in plans:
            if plan is None:
                out.append({"nli_faithfulness": None})
                continue
            doc, sents = plan
            best = [max(next(flat) for _ in doc) for _ in sents]
            out.append({"nli_faithfulness": sum(best) / len(best)})
        return out

    def signature(self) -> str:
        import transformers

        from bench import __version__

        c = self.config
        return (
            f"nli-faithfulness|model:{c.model}|chunk:{c.chunk_sentences}sent|split:{SPLITTER_NAME}"
            f"|agg:max-ent-minus-con,mean|maxlen:{c.max_length}|boot:{c.bootstrap}|seed:{c.seed}"
            f"|transformers:{transformers.__version__}|version:{__version__}"
        )
