"""``causal-lm``: decoder LLMs (Gemma, Qwen, Llama, GPT-2 ...) prompted per target.

Weights come from a hub id, a local directory, a ``.gguf`` file or ``packaged:<python package>`` (see
:mod:`bench.systems.hf.loading`). The prompt is a template per target (placeholders in
:data:`bench.systems.prompts.PLACEHOLDERS`), wrapped in the tokenizer's chat template when it has one,
optionally after few-shot ``examples``. Inputs are left-padded; headlines stop at the end of the line;
echoed labels ("Headline:") and wrapping quotes are removed. The article body is truncated to
``max_input_tokens`` tokens (default: the model's limit, at most 2048); truncations are counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bench.article import Article
from bench.errors import SystemError_
from bench.systems.base import Task, register
from bench.systems.hf.base import HFSettings, HFSystem, check_per_target
from bench.systems.hf.static_cache import StaticCachePool, generate_cache_kwarg
from bench.systems.hf.stopping import LineTables, end_of_line_criterion, line_tables
from bench.systems.prompts import DEFAULT_PROMPTS, Example, build_prompt, check_template, clean_output
from bench.systems.seq2seq import model_input_limit

__all__ = ["CausalLM", "DEFAULT_BODY_LIMIT"]

log = logging.getLogger(__name__)

DEFAULT_BODY_LIMIT = 2048


@register("causal-lm")
class CausalLM(HFSystem):
    """A transformers decoder LLM with a prompt template per target."""

    model_class = "AutoModelForCausalLM"
    padding_side = "left"

    @dataclass(frozen=True)
    class Config(HFSettings):
        prompts: dict[str, str] = field(default_factory=dict)
        chat_template: Literal["auto", "always", "never"] = "auto"
        system: str | None = None
        examples: tuple[Example, ...] = ()
        stop_at_newline: bool = True

        def validate(self, where: str) -> None:
            HFSettings.validate(self, where)
            check_per_target(self.prompts, f"{where}.prompts")
            for target, template in self.prompts.items():
                check_template(template, f"{where}.prompts.{target}")

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        self.examples: tuple[Example, ...] = tuple(config.examples)
        self.use_chat = False
        self.line_tables: LineTables | None = None
        self.caches: StaticCachePool | None = None

    def use_examples(self, articles: Sequence[Article]) -> None:
        """Add few-shot examples set aside by the corpus (``corpus.few_shot``) after the config's own.

        Call before :meth:`fingerprint`: the examples change the prompts, so they are part of it.
        """
        extra = tuple(Example(a.body, a.headline, a.standfirst) for a in articles)
        self.examples = tuple(self.config.examples) + extra

    def template_for(self, target: str) -> str:
        return self.config.prompts.get(target, DEFAULT_PROMPTS[target])

    def prompt_identity(self) -> dict[str, Any]:
        examples = [[e.body, e.headline, e.standfirst] for e in self.examples[len(self.config.examples) :]]
        return {"prompts": {t: self.template_for(t) for t in DEFAULT_PROMPTS}, "corpus_examples": examples}

    def after_load(self) -> None:
        if self.config.cache == "static":
            self.caches = StaticCachePool(self.model.config)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        has_chat = bool(getattr(self.tokenizer, "chat_template", None))
        if self.config.chat_template == "always" and not has_chat:
            raise SystemError_(
                f"{self.name}: chat_template: always, but the tokenizer of {self.config.model!r} "
                "has no chat template; use chat_template: auto or never"
            )
        self.use_chat = has_chat and self.config.chat_template != "never"
        if self.config.stop_at_newline:
            texts = self.tokenizer.batch_decode([[i] for i in range(len(self.tokenizer))])
            rows = self.model.get_output_embeddings().weight.shape[0]
            texts += [""] * (rows - len(texts))  # ids the model has but the tokenizer does not
            self.line_tables = line_tables(texts, self.device)

    def body_limit(self) -> int:
        if self.config.max_input_tokens:
            return self.config.max_input_tokens
        return min(model_input_limit(self.tokenizer, self.model.config, DEFAULT_BODY_LIMIT), DEFAULT_BODY_LIMIT)

    def prompts(self, articles: Sequence[Article], task: Task) -> list[str]:
        """The prompt text of each article (bodies truncated to :meth:`body_limit` tokens)."""
        limit = self.body_limit()
        bodies, truncated = self._truncate([a.body for a in articles], limit)
        example_bodies, _ = self._truncate([e.body for e in self.examples], limit)
        examples = [replace(e, body=b) for e, b in zip(self.examples, example_bodies)]
        out = [
            build_prompt(
                self.tokenizer,
                self.template_for(task.target),
                article,
                body,
                task.target,
                task.max_words,
                examples,
                self.use_chat,
                self.config.system,
            )
            for article, body in zip(articles, bodies)
        ]
        self.stats["inputs"] += len(articles)
        self.stats["truncated"] += truncated
        if truncated:
            log.info("%s: %d of %d article bodies truncated to %d tokens", self.name, truncated, len(articles), limit)
        return out

    def _truncate(self, texts: list[str], limit: int) -> tuple[list[str], int]:
        """Texts cut to ``limit`` tokens, and how many were cut."""
        if not texts:
            return [], 0
        ids = self.tokenizer(texts, add_special_tokens=False, verbose=False).input_ids
        out = [self.tokenizer.decode(row[:limit]) if len(row) > limit else text for text, row in zip(texts, ids)]
        return out, sum(len(row) > limit for row in ids)

    def encode(self, articles: Sequence[Article], task: Task) -> list[list[int]]:
        texts = self.prompts(articles, task)
        # A chat template already writes the BOS token; plain prompts get the tokenizer's specials.
        return self.tokenizer(texts, add_special_tokens=not self.use_chat, verbose=False).input_ids

    def extra_generate_kwargs(self, task: Task, input_width: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"pad_token_id": self.tokenizer.pad_token_id}
        if task.target == "headline" and self.line_tables is not None and not task.raw:
            kwargs["stopping_criteria"] = [end_of_line_criterion(self.line_tables, input_width)]
        return kwargs

    def with_cache(self, call: dict[str, Any], batch_size: int) -> dict[str, Any]:
        """``cache: static`` → a full-length cache from :mod:`bench.systems.hf.static_cache`, reused across batches."""
        if call.get("cache_implementation") != "static" or self.caches is None:
            return call
        call = dict(call)
        del call["cache_implementation"]
        rows = batch_size * (call.get("num_beams") or 1)  # beam search keeps num_beams rows per input
        call[generate_cache_kwarg()] = self.caches.get(rows, call.pop("max_cache_len"))
        return call

    def close(self) -> None:
        if self.caches is not None:
            self.caches.clear()
        super().close()

    def decode(self, output_ids: Any, input_width: int, task: Task) -> list[str]:
        new = output_ids[:, input_width:]
        pad = self.tokenizer.pad_token_id
        self.stats["new_tokens"] += int((new != pad).sum()) if pad is not None else new.numel()
        texts = self.tokenizer.batch_decode(new, skip_special_tokens=True)
        return [t if task.raw else clean_output(t, task.target) for t in texts]
