"""The judge model: any ``causal-lm``, ``openai`` or ``llama-cpp`` system, built through the systems registry.

The metric writes each judge prompt in full; the system is given the template ``{body}`` for both targets
and an article whose body is that prompt, and is asked with ``Task(raw=True)`` so the answer comes back as
the model wrote it (no clean-up, no stop at the end of a line). Everything the systems do for their own
prompts still applies: chat templates, GGUF files, server retries and back-off.

Answers are cached with :class:`~bench.run.cache.PredictionCache`: one file per judge fingerprint under
``<cache dir>/llm-judge/``, keyed by the task and a hash of the whole prompt (prompt template, criteria,
source text and the rated text), so a rerun judges nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.article import Article, Task
from bench.errors import ConfigError, MetricError
from bench.run.cache import PredictionCache

if TYPE_CHECKING:
    from bench.systems.base import System

__all__ = ["JUDGE_KINDS", "build_judge", "same_model", "Judge"]

log = logging.getLogger(__name__)

JUDGE_KINDS = ("causal-lm", "openai", "llama-cpp")
_WHOLE_PROMPT = "{body}"
_OWN = ("prompts", "examples")  # set by the metric, not in the judge's section


def build_judge(spec: dict[str, Any], where: str) -> System:
    """The judge system from ``metrics.llm-judge.judge`` (a system config: kind, model and its settings)."""
    if not isinstance(spec, dict) or not spec.get("kind"):
        raise ConfigError(f"{where}: give the judge as a system config, e.g. {{kind: llama-cpp, model: ...}}")
    if spec["kind"] not in JUDGE_KINDS:
        raise ConfigError(
            f"{where}.kind: {spec['kind']!r} cannot judge; use one of {', '.join(JUDGE_KINDS)} "
            "(a vLLM server: kind: openai)"
        )
    for key in _OWN:
        if key in spec:
            raise ConfigError(
                f"{where}.{key}: the judge's prompt is metrics.llm-judge.prompt (with criteria); remove {key}"
            )
    from bench.systems.base import create  # late: importing the systems loads every family

    settings = {k: v for k, v in spec.items() if k != "name"}
    return create(
        {"name": "llm-judge", **settings, "prompts": {"headline": _WHOLE_PROMPT, "standfirst": _WHOLE_PROMPT}}, where
    )


def _model_id(system: Any) -> str | None:
    model = getattr(getattr(system, "config", None), "model", None)
    if not isinstance(model, str) or not model.strip():
        return None
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model.strip()


def same_model(judge: System, system: Any) -> bool:
    """Whether ``system`` runs the judge's model: the same ``model:`` (a hub id, a server's model name,
    ``packaged:...``, or a path to the same file or folder), whatever the kind."""
    mine = _model_id(judge)
    return mine is not None and _model_id(system) == mine


def _truncations(system: System) -> int:
    stats = system.run_stats()
    return sum(int(stats.get(k) or 0) for k in ("truncated", "truncated_inputs"))


class Judge:
    """Sends prompts to the judge system and caches its raw answers."""

    def __init__(self, system: System, answer_tokens: int, cache_dir: Path | None, chunk: int) -> None:
        self.system = system
        self.max_words = max(1, -(-(answer_tokens - 8) // 2))  # systems write up to 2 × max_words + 8 tokens
        self.cache_dir = cache_dir
        self.chunk = chunk
        self._fingerprint: str | None = None
        self.judged = 0  # answers generated (not from the cache)

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = self.system.fingerprint()
        return self._fingerprint

    def temperature(self) -> float:
        return float(getattr(self.system.config, "temperature", 0.0) or 0.0)

    def task(self, kind: str) -> Task:
        return Task(kind if kind in ("headline", "standfirst") else "standfirst", self.max_words, raw=True)

    def answers(self, prompts: Sequence[str], kinds: Sequence[str], ids: Sequence[str]) -> list[str]:
        """The judge's raw answer to each prompt, from the cache where it was asked before."""
        keys = [hashlib.sha256(p.encode("utf-8")).hexdigest()[:24] for p in prompts]
        cache = PredictionCache(self.cache_dir, self.fingerprint()) if self.cache_dir is not None else None
        out: dict[tuple[str, str], str] = {}
        try:
            for kind in dict.fromkeys(kinds):
                task = self.task(kind)
                todo: dict[str, tuple[str, str]] = {}
                for prompt, k, key, article_id in zip(prompts, kinds, keys, ids):
                    if k != kind or (kind, key) in out or key in todo:
                        continue
                    hit = cache.get(task.key, key) if cache is not None else None
                    if hit is not None:
                        out[(kind, key)] = hit
                    else:
                        todo[key] = (prompt, article_id)
                self._ask(task, list(todo.items()), cache, out, kind)
        finally:
            if cache is not None:
                cache.close()
        return [out[(k, key)] for k, key in zip(kinds, keys)]

    def _ask(
        self,
        task: Task,
        todo: list[tuple[str, tuple[str, str]]],
        cache: PredictionCache | None,
        out: dict[tuple[str, str], str],
        kind: str,
    ) -> None:
        for start in range(0, len(todo), self.chunk):
            part = todo[start : start + self.chunk]
            articles = [Article(id=article_id, body=prompt) for _, (prompt, article_id) in part]
            before, began = _truncations(self.system), time.perf_counter()
            texts = self.system.summarize(articles, task)
            cut = _truncations(self.system) - before
            if cut:
                raise MetricError(
                    f"metrics.llm-judge: {cut} judge prompt(s) were longer than the judge's input limit and were "
                    "cut (their end, with the instructions, lost); lower max_article_words or raise the "
                    "judge's max_input_tokens (openai: max_input_words)"
                )
            self.judged += len(texts)
            if cache is not None:
                items = [(key, article_id, text) for (key, (_, article_id)), text in zip(part, texts)]
                cache.put_many(task.key, items, time.perf_counter() - began)
            out.update({(kind, key): text for (key, _), text in zip(part, texts)})

    def close(self) -> None:
        self.system.close()
