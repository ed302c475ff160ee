"""``openai``: any OpenAI-compatible server — ``vllm serve``, llama.cpp's server, Ollama, TGI,
``transformers serve``, hosted APIs — through the official ``openai`` async client.

Prompts, few-shot examples and output clean-up are those of ``causal-lm`` (:mod:`bench.systems.prompts`):
in ``chat`` mode the turns are sent as messages (the server applies its model's chat template), in
``completions`` mode as one text. Greedy (``temperature: 0``) with ``seed: 0`` by default. Requests run
``concurrency`` at a time with a per-request ``timeout``; 429/5xx/timeouts/connection errors are retried
with exponential back-off and jitter, honouring ``Retry-After`` (:mod:`bench.systems.server.retry`).
A request that still fails fails the unit with one line naming the HTTP status and the server's message.

The API key is read at ``load()`` from the environment variable NAMED by ``api_key_env`` and kept only
inside the client: it is not in the config, the fingerprint, the cache, the manifest, logs or errors
(server messages are scrubbed of it). Without ``api_key_env`` no key is sent — the client's own
``OPENAI_API_KEY`` fallback is switched off, so a key is never sent to a server that was not meant to get it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import random
import re
from collections.abc import Sequence
from typing import Any

from bench.article import Article
from bench.errors import SystemError_
from bench.systems.base import System, Task, register
from bench.systems.prompts import DEFAULT_PROMPTS, Example, build_messages, build_prompt, clean_output
from bench.systems.server.calls import Answer, Caller, Counters, RequestFailed
from bench.systems.server.retry import Failure, RetryPolicy, classify
from bench.systems.server.settings import IDENTITY_FIELDS, ServerSettings
from bench.typed import to_plain

__all__ = ["OpenAIServer"]

log = logging.getLogger(__name__)

_NO_KEY = "no-key"  # sent when api_key_env is unset: the client needs some string


@register("openai")
class OpenAIServer(System):
    """A model behind an OpenAI-compatible HTTP API."""

    Config = ServerSettings

    def __init__(self, name: str, config: ServerSettings) -> None:
        super().__init__(name, config)
        self.examples: tuple[Example, ...] = tuple(config.examples)
        self.counters = Counters()
        self.truncated_inputs = 0
        self.last_usage: list[dict[str, int | None]] = []  # per prediction of the last summarize() call
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._secret: str | None = None

    # identity -----------------------------------------------------------------------------------
    def use_examples(self, articles: Sequence[Article]) -> None:
        extra = tuple(Example(a.body, a.headline, a.standfirst) for a in articles)
        self.examples = tuple(self.config.examples) + extra

    def template_for(self, target: str) -> str:
        return self.config.prompts.get(target, DEFAULT_PROMPTS[target])

    def fingerprint(self) -> str:
        """Host, model, mode, prompts, examples and generation settings; never the key, and not the
        settings that only change speed (concurrency, timeouts, retries) or bookkeeping (price)."""
        identity = {f: to_plain(getattr(self.config, f)) for f in IDENTITY_FIELDS}
        identity["base_url"] = self.config.base_url.rstrip("/")
        identity["prompts"] = {t: self.template_for(t) for t in DEFAULT_PROMPTS}
        identity["examples"] = [[e.body, e.headline, e.standfirst] for e in self.examples]
        payload = {"kind": self.kind, "version": self.version, "identity": identity}
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]

    # lifecycle ----------------------------------------------------------------------------------
    def load(self) -> None:
        if self._client is not None:
            return
        try:
            import openai
        except ImportError:
            raise SystemError_(
                f'{self.name}: kind: openai needs the openai package; pip install -e ".[openai]"'
            ) from None
        env = self.config.api_key_env
        if env is not None:
            self._secret = os.environ.get(env) or None
            if self._secret is None:
                raise SystemError_(
                    f"{self.name}: api_key_env: environment variable {env} is not set (or empty); "
                    f"export {env}=<your key>, or remove api_key_env for a server without keys"
                )
        self._loop = asyncio.new_event_loop()
        self._client = openai.AsyncOpenAI(
            base_url=self.config.base_url, api_key=self._secret or _NO_KEY, timeout=self.config.timeout, max_retries=0
        )
        if self.config.check_model:
            self._check_model()

    def _run(self, coro: Any) -> Any:
        assert self._loop is not None
        return self._loop.run_until_complete(coro)

    def _check_model(self) -> None:
        """Fail before any article when the server is unreachable, refuses the key, or lacks the model."""
        try:
            offered = self._run(self._models())
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
            if failure.reason == "http" and failure.status in (404, 405, 501):
                log.info("%s: %s has no /models list; model name not checked", self.name, self.config.base_url)
                return
            raise SystemError_(self._explain(failure, 1, "the model list")) from None
        if offered and self.config.model not in offered:
            raise SystemError_(
                f"{self.name}: model {self.config.model!r} is not served at {self.config.base_url}; "
                f"it offers: {', '.join(offered[:20])}; set model: to one of them"
            )

    async def _models(self) -> list[str]:
        page = await self._client.models.list()
        return sorted(str(m.id) for m in page.data)

    def close(self) -> None:
        if self._loop is None:
            return
        try:
            if self._client is not None:
                self._run(self._client.close())
        finally:
            self._loop.close()
            self._loop, self._client, self._secret = None, None, None

    # generation ---------------------------------------------------------------------------------
    def max_tokens(self, task: Task) -> int:
        return self.config.max_tokens.get(task.target, 2 * task.max_words + 8)

    def payload(self, article: Article, task: Task) -> dict[str, Any]:
        """The request body (less the client's own fields) for one article."""
        c = self.config
        body = self._cut(article.body)
        template = self.template_for(task.target)
        if c.mode == "chat":
            content: dict[str, Any] = {
                "messages": build_messages(
                    template, article, body, task.target, task.max_words, self.examples, c.system
                )
            }
        else:
            content = {
                "prompt": build_prompt(
                    None, template, article, body, task.target, task.max_words, self.examples, False, c.system
                )
            }
        extra = {k: v for k, v in (("seed", c.seed), ("top_p", c.top_p)) if v is not None}
        return {
            "model": c.model,
            **content,
            "max_tokens": self.max_tokens(task),
            "temperature": c.temperature,
            **extra,
            **({"extra_body": dict(c.extra_body)} if c.extra_body else {}),
        }

    def _cut(self, body: str) -> str:
        limit = self.config.max_input_words
        if limit is None:
            return body
        words = list(re.finditer(r"\S+", body))
        if len(words) <= limit:
            return body
        self.truncated_inputs += 1
        return body[: words[limit - 1].end()]

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        self.load()
        caller = Caller(self._client, self.config.mode, self._policy(), self.counters, self.config.concurrency)
        try:
            answers = self._run(caller.ask_all([self.payload(a, task) for a in articles]))
        except RequestFailed as exc:
            raise SystemError_(self._explain(exc.failure, exc.attempts, f"article {articles[exc.index].id}")) from None
        limit = self.max_tokens(task)
        for article, answer in zip(articles, answers):
            self._check_length(article, answer, limit)
        self.last_usage = [self._usage(a) for a in answers]
        return [a.text if task.raw else clean_output(a.text, task.target) for a in answers]

    def _usage(self, answer: Any) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "attempts": answer.attempts,
        }
        price = self.config.price
        if price is not None and answer.prompt_tokens is not None and answer.completion_tokens is not None:
            usage["cost_usd"] = price.cost(answer.prompt_tokens, answer.completion_tokens)
        return usage

    def _policy(self) -> RetryPolicy:
        c = self.config
        seed = c.seed if c.seed is not None else 0
        return RetryPolicy(
            c.retries,
            c.backoff,
            c.max_backoff,
            c.max_retry_after,
            random.Random(seed * 1_000_003 + self.counters.requests),
        )

    def _check_length(self, article: Article, answer: Answer, limit: int) -> None:
        """A server that writes past max_tokens makes the run's settings a lie: refuse its outputs."""
        tokens = answer.completion_tokens
        words = len(answer.text.split())
        if (tokens is not None and tokens > limit) or words > limit:
            got = f"{tokens} tokens" if tokens is not None and tokens > limit else f"{words} words"
            raise SystemError_(
                f"{self.name}: {self.config.base_url} ignored max_tokens: {limit} "
                f"(article {article.id}: {got}); the server does not honour the limit — use its "
                "own length option or another server"
            )

    def _explain(self, failure: Failure, attempts: int, what: str) -> str:
        """One line: what failed, the HTTP status and server message, and the fix."""
        c = self.config
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        head = f"{self.name}: {c.base_url} ({what}{tries})"
        message = self._scrub(failure.message)
        if failure.reason == "connection":
            return f"{head}: cannot connect ({message}); is the server running and base_url right?"
        if failure.reason == "timeout":
            return f"{head}: no answer within timeout: {c.timeout:g}s; raise timeout or lower concurrency"
        if failure.reason == "bad-body":
            return f"{head}: {message}; is base_url the API root (usually ending in /v1)?"
        if failure.status == 401:
            if c.api_key_env:
                return (
                    f"{head}: HTTP 401, the server refused the key in ${c.api_key_env}; "
                    f"set {c.api_key_env} to a valid key"
                )
            return (
                f"{head}: HTTP 401, the server wants an API key; "
                "set api_key_env: to the NAME of the variable holding it"
            )
        if failure.status == 404 and self._client is not None and what != "the model list":
            offered = self._offered()
            if offered is not None and c.model not in offered:
                return f"{head}: HTTP 404, model {c.model!r} not found; it offers: {', '.join(offered[:20])}"
        if failure.retry_after is not None and failure.retry_after > c.max_retry_after:
            message += f" (Retry-After {failure.retry_after:g}s > max_retry_after {c.max_retry_after:g}s)"
        return f"{head}: HTTP {failure.status}: {message}"

    def _offered(self) -> list[str] | None:
        try:
            return self._run(self._models())
        except Exception:  # noqa: BLE001 — only a hint for the error line
            return None

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def prediction_extras(self) -> list[dict[str, int | None]]:
        """Per prediction of the last :meth:`summarize` call, same order: prompt/completion tokens and
        attempts (for a runner that stores extras beside each prediction)."""
        return list(self.last_usage)

    def run_stats(self) -> dict[str, Any]:
        stats = {
            "base_url": self.config.base_url,
            "model": self.config.model,
            **self.counters.to_dict(),
            "truncated_inputs": self.truncated_inputs,
        }
        if self.config.price is not None:
            cost = self.config.price.cost(self.counters.prompt_tokens, self.counters.completion_tokens)
            stats["cost_usd"] = round(cost, 6)
            if self.counters.usage_missing:
                stats["cost_note"] = f"{self.counters.usage_missing} answers had no token usage; cost is a lower bound"
        return stats
