"""Settings of ``kind: openai``. What changes the outputs (host, model, mode, prompts, generation
settings, ``extra_body``) is in the fingerprint; what only changes speed or bookkeeping (concurrency,
timeouts, retries, price, the key's variable name) is not, so tuning them reuses the cache."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse

from bench.errors import ConfigError
from bench.systems.hf.base import check_per_target
from bench.systems.prompts import Example, check_template

__all__ = ["Price", "ServerSettings", "IDENTITY_FIELDS"]

#: settings that change what the server writes (hashed into the fingerprint)
IDENTITY_FIELDS = (
    "base_url",
    "model",
    "mode",
    "prompts",
    "system",
    "max_tokens",
    "temperature",
    "top_p",
    "seed",
    "max_input_words",
    "extra_body",
)


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens (the provider's list price), for the cost line of the run."""

    input: float = 0.0
    output: float = 0.0

    def validate(self, where: str) -> None:
        if self.input < 0 or self.output < 0:
            raise ConfigError(f"{where}: prices must be ≥ 0 (USD per 1M tokens)")

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1e6


@dataclass(frozen=True)
class ServerSettings:
    """See the README section "Models behind a server"; defaults suit a local vLLM or llama.cpp server."""

    base_url: str
    model: str
    api_key_env: str | None = None  # NAME of the environment variable holding the key (never the key)
    mode: Literal["chat", "completions"] = "chat"
    prompts: dict[str, str] = field(default_factory=dict)
    system: str | None = None
    examples: tuple[Example, ...] = ()
    max_tokens: dict[str, int] = field(default_factory=dict)  # per target; default 2 × max_words + 8
    temperature: float = 0.0
    top_p: float | None = None
    seed: int | None = 0
    max_input_words: int | None = None  # cut article bodies to this many words (servers have a context limit)
    extra_body: dict[str, Any] = field(default_factory=dict)  # passed through (vLLM: top_k, min_tokens ...)
    concurrency: int = 32
    timeout: float = 120.0  # seconds per request
    retries: int = 6
    backoff: float = 0.5  # first retry waits about this long; doubles each time, with jitter
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # a Retry-After longer than this fails the request instead of waiting
    check_model: bool = True  # ask /v1/models first: wrong names fail before any request, listing the offer
    price: Price | None = None

    def validate(self, where: str) -> None:
        url = urlparse(self.base_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ConfigError(
                f"{where}.base_url: {self.base_url!r} is not an http(s) URL; write e.g. http://127.0.0.1:8000/v1"
            )
        if not self.model.strip():
            raise ConfigError(f"{where}.model: empty; give the model name the server serves")
        if self.api_key_env is not None and (
            not self.api_key_env.strip() or " " in self.api_key_env or self.api_key_env.startswith(("sk-", "sk_"))
        ):
            raise ConfigError(
                f"{where}.api_key_env: give the NAME of an environment variable "
                "(e.g. OPENAI_API_KEY), never the key itself"
            )
        check_per_target(self.prompts, f"{where}.prompts")
        check_per_target(self.max_tokens, f"{where}.max_tokens")
        for target, template in self.prompts.items():
            check_template(template, f"{where}.prompts.{target}")
        for target, n in self.max_tokens.items():
            if n < 1:
                raise ConfigError(f"{where}.max_tokens.{target}: must be ≥ 1, got {n}")
        for name in ("concurrency", "max_input_words"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"{where}.{name}: must be ≥ 1, got {value}")
        if self.retries < 0 or self.timeout <= 0 or self.backoff < 0 or self.max_backoff < self.backoff:
            raise ConfigError(f"{where}: need retries ≥ 0, timeout > 0 and 0 ≤ backoff ≤ max_backoff")
        if self.temperature < 0:
            raise ConfigError(f"{where}.temperature: must be ≥ 0, got {self.temperature}")
        clash = sorted(set(self.extra_body) & {"model", "messages", "prompt", "max_tokens", "seed", "temperature"})
        if clash:
            raise ConfigError(f"{where}.extra_body: {', '.join(clash)} are settings of their own; set them there")
