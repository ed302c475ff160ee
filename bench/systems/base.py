"""The System protocol, the Task it is asked to do, and the registry of system kinds.

A system kind is a class registered with ``@register("kind")``. It declares ``Config``, a dataclass of
its settings (built from YAML by :func:`bench.typed.build`), and implements ``summarize``. Its
``fingerprint()`` hashes everything that changes its output, so cached predictions are reused only when
they would be identical.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from bench.article import Article, Task
from bench.errors import ConfigError
from bench.typed import build, suggest, to_plain

__all__ = ["Task", "System", "register", "unregister", "registry", "create", "known_kinds"]


class System:
    """Base of every system kind. Subclasses set ``Config`` and implement :meth:`summarize`."""

    kind: ClassVar[str] = ""
    Config: ClassVar[type] = type(None)
    #: bump when the code changes outputs for the same config
    version: ClassVar[str] = "1"
    #: reads the reference it is scored against (an oracle): its scores are an upper bound, not a result
    upper_bound: ClassVar[bool] = False
    needs_reference: ClassVar[bool] = False

    def __init__(self, name: str, config: Any) -> None:
        self.name = name
        self.config = config

    def load(self) -> None:
        """Load weights and other heavy state. Called once by the runner (and timed as load time).

        Construction must stay cheap: config validation builds every system before any work starts.
        ``summarize`` may call ``load()`` itself when it was not called.
        """

    def summarize(self, articles: Sequence[Article], task: Task) -> list[str]:
        """Return one summary per article, same length and order."""
        raise NotImplementedError

    def fingerprint_extra(self) -> dict[str, Any]:
        """Extra identity beyond kind+config (e.g. a model file hash); override where it matters."""
        return {}

    def fingerprint(self) -> str:
        """Hash of everything that changes this system's output: kind, code version, config, extras."""
        payload = {
            "kind": self.kind,
            "version": self.version,
            "config": to_plain(self.config),
            "extra": self.fingerprint_extra(),
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def use_examples(self, articles: Sequence[Article]) -> None:
        """Few-shot examples the corpus set aside (disjoint from the scored articles); called by the
        runner before :meth:`fingerprint`. Systems without prompts ignore them."""

    def check(self, articles: Sequence[Article], tasks: Sequence[Task]) -> list[str]:
        """Look at every article of a task before any generation (the runner calls it once per task that has
        something to generate) and raise for what makes the whole task impossible — e.g. a predictions file
        that lacks some ids, counted over the whole run; return warning lines (they are also logged). [] by
        default."""
        return []

    def prediction_extras(self) -> list[dict[str, Any] | None] | None:
        """Per prediction of the last :meth:`summarize` call, in order: a small JSON-ready dict each (e.g. a
        server's token usage and cost), kept beside the prediction in the cache and written as ``usage`` in
        predictions.jsonl; None (the default) when the system has nothing to report."""
        return None

    def run_stats(self) -> dict[str, Any]:
        """Counts for the run manifest (inputs, truncations, batches, new tokens...); {} by default."""
        return {}

    def parameters(self) -> int | None:
        """Number of model parameters (after ``load()``), or None for systems without a model."""
        return None

    def close(self) -> None:
        """Release models/memory; called by the runner when the system is done."""


_REGISTRY: dict[str, type[System]] = {}


def register(kind: str) -> Callable[[type[System]], type[System]]:
    """Class decorator: register a System subclass under ``kind``; duplicates and non-Systems fail loudly."""

    def deco(cls: type[System]) -> type[System]:
        if not (isinstance(cls, type) and issubclass(cls, System)):
            raise TypeError(f"@register({kind!r}) needs a System subclass, got {cls!r}")
        if kind in _REGISTRY and _REGISTRY[kind] is not cls:
            raise TypeError(
                f"system kind {kind!r} registered twice: {_REGISTRY[kind].__qualname__} and {cls.__qualname__}"
            )
        if not dataclasses.is_dataclass(cls.Config):
            raise TypeError(f"{cls.__qualname__}.Config must be a dataclass")
        cls.kind = kind
        _REGISTRY[kind] = cls
        return cls

    return deco


def unregister(kind: str) -> None:
    """Remove ``kind`` from the registry (for tests that register a kind of their own)."""
    _REGISTRY.pop(kind, None)


def _load_builtin_kinds() -> None:
    # Importing the family modules runs their @register decorators.
    import bench.systems  # noqa: F401


def registry() -> dict[str, type[System]]:
    """kind -> class for every registered system kind."""
    _load_builtin_kinds()
    return dict(_REGISTRY)


def known_kinds() -> list[str]:
    return sorted(registry())


def create(spec: dict[str, Any], where: str) -> System:
    """Build a system from its config mapping ``{name, kind, **settings}``."""
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: a system must be a mapping with 'name' and 'kind', got {spec!r}")
    settings = dict(spec)
    kind = settings.pop("kind", None)
    if not isinstance(kind, str):
        raise ConfigError(f"{where}: missing 'kind'; known kinds: {', '.join(known_kinds())}")
    kinds = registry()
    if kind not in kinds:
        raise ConfigError(
            f"{where}.kind: unknown system kind {kind!r}{suggest(kind, kinds)}; known kinds: {', '.join(sorted(kinds))}"
        )
    name = settings.pop("name", kind)
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}.name: expected a non-empty string, got {name!r}")
    cls = kinds[kind]
    config = build(cls.Config, settings, where)
    return cls(name, config)
