"""The retry policy of ``kind: openai``: which failures are retried, how long it waits, and Retry-After."""

from __future__ import annotations

import email.utils
import random
import time

import pytest

from bench.systems.server.retry import Failure, RetryPolicy, parse_retry_after


@pytest.mark.parametrize(
    "headers, seconds",
    [
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"Retry-After": "soon"}, None),
        ({}, None),
        (None, None),
        ({"Retry-After": "nan"}, None),
    ],
)
def test_retry_after_in_seconds_or_milliseconds(headers, seconds):
    assert parse_retry_after(headers) == seconds


def test_retry_after_as_an_http_date():
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 27 <= parse_retry_after({"Retry-After": when}) <= 31


def _policy(**kw) -> RetryPolicy:
    return RetryPolicy(
        **{"retries": 3, "backoff": 1.0, "max_backoff": 4.0, "max_retry_after": 60.0, "rng": random.Random(0), **kw}
    )


def test_backoff_doubles_with_jitter_up_to_the_cap_and_never_below_retry_after():
    policy = _policy()
    server_error = Failure("http", 500, "boom")
    waits = [policy.wait(attempt, server_error) for attempt in range(3)]
    for attempt, wait in enumerate(waits):
        base = min(4.0, 2.0**attempt)
        assert 0.5 * base <= wait < 1.5 * base
    assert policy.wait(3, server_error) is None  # retries spent
    assert _policy().wait(0, Failure("http", 429, "slow down", retry_after=10.0)) == 10.0
    assert _policy().wait(0, Failure("http", 429, "come back tomorrow", retry_after=86400.0)) is None
    assert [_policy().wait(0, server_error) for _ in range(2)] == [waits[0]] * 2  # seeded: runs wait alike


@pytest.mark.parametrize(
    "failure, retried",
    [
        (Failure("http", 429, ""), True),
        (Failure("http", 503, ""), True),
        (Failure("http", 408, ""), True),
        (Failure("timeout", None, ""), True),
        (Failure("connection", None, ""), True),
        (Failure("http", 400, ""), False),
        (Failure("http", 401, ""), False),
        (Failure("http", 404, ""), False),
        (Failure("bad-body", 200, ""), False),
    ],
)
def test_what_is_retried(failure, retried):
    assert (_policy().wait(0, failure) is not None) is retried
