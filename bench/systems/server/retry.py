"""When to retry a request to a server, and how long to wait first.

Retried: 408, 409, 429 and 5xx answers, timeouts and connection errors (refused, reset, closed). Waits
grow exponentially from ``backoff`` (×2 per attempt, capped at ``max_backoff``) with jitter (×0.5–1.5,
from a seeded generator, so two runs wait alike), and never less than the server's ``Retry-After``
(seconds, an HTTP date, or ``retry-after-ms``). Anything else (400, 401, 403, 404, 422, a body that is not
an answer) fails at once: repeating it cannot help.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Failure", "RetryPolicy", "classify", "parse_retry_after"]

RETRY_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True)
class Failure:
    """What went wrong with one attempt: ``reason`` is 'http', 'timeout', 'connection' or 'bad-body'."""

    reason: str
    status: int | None
    message: str
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        if self.reason in ("timeout", "connection"):
            return True
        return (
            self.reason == "http" and self.status is not None and (self.status in RETRY_STATUSES or self.status >= 500)
        )

    @property
    def label(self) -> str:
        """Short name for the counts in the manifest: '429', '500', 'timeout', 'connection'."""
        return str(self.status) if self.reason == "http" else self.reason


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asks us to wait, or None when it does not say (or says nonsense)."""
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = lower.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            parsed = email.utils.parsedate_tz(value) if name == "retry-after" else None
            if parsed is None:
                continue
            seconds = email.utils.mktime_tz(parsed) - time.time()
        if not math.isfinite(seconds):
            return None
        return max(0.0, seconds)
    return None


def classify(exc: BaseException) -> Failure | None:
    """A :class:`Failure` for an ``openai`` client exception; None for anything else (a bug: re-raise)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return Failure("timeout", None, "no answer within the timeout")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        text = f"{type(cause).__name__}: {cause}" if cause is not None and str(cause) else str(exc)
        return Failure("connection", None, one_line(text))
    if isinstance(exc, openai.APIStatusError):
        headers = dict(exc.response.headers) if exc.response is not None else None
        return Failure("http", exc.status_code, one_line(_status_message(exc)), parse_retry_after(headers))
    if isinstance(exc, openai.APIResponseValidationError):
        return Failure("bad-body", getattr(exc, "status_code", None), one_line(str(exc.message)))
    return None


def _status_message(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(inner, str):
            return inner
    return str(getattr(exc, "message", exc))


def one_line(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class RetryPolicy:
    retries: int
    backoff: float
    max_backoff: float
    max_retry_after: float
    rng: random.Random

    def wait(self, attempt: int, failure: Failure) -> float | None:
        """Seconds to wait before attempt ``attempt + 1`` (attempts count from 0), or None: give up."""
        if not failure.retryable or attempt >= self.retries:
            return None
        if failure.retry_after is not None and failure.retry_after > self.max_retry_after:
            return None
        delay = min(self.max_backoff, self.backoff * 2**attempt) * (0.5 + self.rng.random())
        return max(delay, failure.retry_after or 0.0)
