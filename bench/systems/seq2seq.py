"""``seq2seq``: encoder-decoder summarizers (T5, BART, PEGASUS, mT5) through AutoModelForSeq2SeqLM.

The input is ``prefix[target] + body`` (T5-style models want e.g. ``"summarize: "``), truncated to the
model's input limit (or ``max_input_tokens``); truncated inputs are counted in ``stats`` and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench.article import Article
from bench.systems.base import Task, register
from bench.systems.hf.base import HFSettings, HFSystem, check_per_target

__all__ = ["Seq2Seq", "model_input_limit"]

log = logging.getLogger(__name__)

_HUGE = 1_000_000  # tokenizers without a limit report int(1e30)


def model_input_limit(tokenizer: Any, config: Any, fallback: int = 512) -> int:
    """The longest input the model takes: the tokenizer's limit, else the position table, else ``fallback``."""
    limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(limit, int) and 0 < limit < _HUGE:
        return limit
    for name in ("max_position_embeddings", "n_positions", "max_encoder_position_embeddings"):
        value = getattr(config, name, None)
        if isinstance(value, int) and 0 < value < _HUGE:
            return value
    return fallback


@register("seq2seq")
class Seq2Seq(HFSystem):
    """A transformers encoder-decoder model; per-target prefix and generation settings."""

    model_class = "AutoModelForSeq2SeqLM"

    @dataclass(frozen=True)
    class Config(HFSettings):
        prefix: str | dict[str, str] = ""

        def validate(self, where: str) -> None:
            HFSettings.validate(self, where)
            if isinstance(self.prefix, dict):
                check_per_target(self.prefix, f"{where}.prefix")

    def after_load(self) -> None:
        if self.config.compile and not self.config.pad_to_multiple_of:
            log.warning(
                "%s: compile: true without pad_to_multiple_of: the cross-attention cache follows each "
                "batch's input width, so every new width compiles again; set pad_to_multiple_of to the "
                "input limit (e.g. 1024 for BART) for one compiled step",
                self.name,
            )

    def prefix_for(self, target: str) -> str:
        prefix = self.config.prefix
        return prefix.get(target, "") if isinstance(prefix, dict) else prefix

    def input_limit(self) -> int:
        limit = model_input_limit(self.tokenizer, self.model.config)
        return min(limit, self.config.max_input_tokens) if self.config.max_input_tokens else limit

    def encode(self, articles: Sequence[Article], task: Task) -> list[list[int]]:
        texts = [self.prefix_for(task.target) + a.body for a in articles]
        limit = self.input_limit()
        full = self.tokenizer(texts, verbose=False).input_ids  # untruncated, to count truncations
        cut = self.tokenizer(texts, truncation=True, max_length=limit).input_ids
        truncated = sum(len(f) > limit for f in full)
        self.stats["inputs"] += len(texts)
        self.stats["truncated"] += truncated
        if truncated:
            log.info("%s: %d of %d inputs truncated to %d tokens", self.name, truncated, len(texts), limit)
        return cut

    def static_cache_len(self, inputs: Sequence[list[int]], max_new_tokens: int) -> int | None:
        """None: the decoder's self-attention cache only holds the new tokens, and transformers sizes it
        from ``max_new_tokens`` (the same for every batch); the cross-attention cache follows the encoder
        width, which ``pad_to_multiple_of`` buckets."""
        return None

    def decode(self, output_ids: Any, input_width: int, task: Task) -> list[str]:
        pad = self.tokenizer.pad_token_id
        seqs = output_ids[:, 1:]  # drop the decoder start token
        self.stats["new_tokens"] += int((seqs != pad).sum()) if pad is not None else seqs.numel()
        texts = self.tokenizer.batch_decode(seqs, skip_special_tokens=True)
        return [" ".join(t.split()) for t in texts]
