"""Many requests to one server with at most ``concurrency`` in flight, each retried by the policy.

A request that still fails raises :class:`RequestFailed` (what went wrong, after how many attempts); the
other requests of the batch are cancelled, since the batch cannot be returned without it. Everything the
run reports is counted in :class:`Counters`: attempts, retries by reason, tokens.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.systems.server.retry import Failure, RetryPolicy, classify, one_line

__all__ = ["Answer", "Caller", "Counters", "RequestFailed"]

log = logging.getLogger(__name__)


@dataclass
class Counters:
    requests: int = 0  # HTTP attempts, retries included
    answers: int = 0
    retries: int = 0
    retry_reasons: Counter = field(default_factory=Counter)  # '429', '500', 'timeout', 'connection' -> count
    prompt_tokens: int = 0
    completion_tokens: int = 0
    usage_missing: int = 0  # answers without a usage block (their tokens are not in the totals)
    length_stops: int = 0  # answers cut by max_tokens (finish_reason 'length')
    empty: int = 0  # answers with no text

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if k != "retry_reasons"}
        out["retry_reasons"] = dict(sorted(self.retry_reasons.items()))
        return out


@dataclass(frozen=True)
class Answer:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    attempts: int
    finish_reason: str | None


class RequestFailed(Exception):
    """One request failed for good: ``failure`` is the last attempt's."""

    def __init__(self, failure: Failure, attempts: int, index: int) -> None:
        super().__init__(failure.message)
        self.failure, self.attempts, self.index = failure, attempts, index


class Caller:
    """Sends payloads through an ``openai.AsyncOpenAI`` client in ``mode`` (chat or completions)."""

    def __init__(
        self,
        client: Any,
        mode: Literal["chat", "completions"],
        policy: RetryPolicy,
        counters: Counters,
        concurrency: int,
    ) -> None:
        self.client, self.mode, self.policy, self.counters = client, mode, policy, counters
        self.concurrency = concurrency

    async def ask_all(self, payloads: list[dict[str, Any]]) -> list[Answer]:
        """One answer per payload, same order; the first request that fails for good cancels the rest."""
        gate = asyncio.Semaphore(self.concurrency)

        async def guarded(index: int, payload: dict[str, Any]) -> Answer:
            async with gate:
                return await self.ask(payload, index)

        tasks = [asyncio.create_task(guarded(i, p)) for i, p in enumerate(payloads)]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def ask(self, payload: dict[str, Any], index: int = 0) -> Answer:
        for attempt in itertools.count():
            self.counters.requests += 1
            try:
                response = await self._send(payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failure = classify(exc)
                if failure is None:
                    raise
                wait = self.policy.wait(attempt, failure)
                if wait is None:
                    raise RequestFailed(failure, attempt + 1, index) from None
                self.counters.retries += 1
                self.counters.retry_reasons[failure.label] += 1
                log.info(
                    "request %d: %s (%s); retry %d in %.2fs", index, failure.label, failure.message, attempt + 1, wait
                )
                await asyncio.sleep(wait)
                continue
            return self._answer(response, attempt + 1, index)
        raise AssertionError("unreachable")

    async def _send(self, payload: dict[str, Any]) -> Any:
        if self.mode == "chat":
            return await self.client.chat.completions.create(**payload)
        return await self.client.completions.create(**payload)

    def _answer(self, response: Any, attempts: int, index: int) -> Answer:
        choices = getattr(response, "choices", None)
        if isinstance(response, (str, bytes)) or not hasattr(response, "choices"):
            head = one_line(response if isinstance(response, str) else repr(response), 80)
            raise RequestFailed(
                Failure("bad-body", 200, f"the answer is not a JSON completion ({head!r})"), attempts, index
            )
        if not choices:
            raise RequestFailed(Failure("bad-body", 200, "the answer has no choices"), attempts, index)
        choice = choices[0]
        text = choice.message.content if self.mode == "chat" else choice.text
        usage = getattr(response, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        c = self.counters
        c.answers += 1
        if isinstance(prompt, int) and isinstance(completion, int):
            c.prompt_tokens += prompt
            c.completion_tokens += completion
        else:
            c.usage_missing += 1
        c.length_stops += choice.finish_reason == "length"
        c.empty += not text
        return Answer(text or "", prompt, completion, attempts, choice.finish_reason)
