"""Device and dtype selection for neural systems, and the CUDA out-of-memory back-off.

``device``: ``auto`` (cuda → mps → cpu), ``cpu``, ``cuda`` / ``cuda:N``, ``mps``.
``dtype``: ``auto`` (bfloat16 on CUDA when supported, else float32), ``float32``, ``bfloat16``, ``float16``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bench.errors import ConfigError, SystemError_

__all__ = ["DTYPES", "check_device_spec", "pick_device", "pick_dtype", "is_oom", "OomBackoff"]

log = logging.getLogger(__name__)

DTYPES = ("auto", "float32", "bfloat16", "float16")
_DEVICE_RE = re.compile(r"auto|cpu|mps|cuda(?::\d+)?")

T = TypeVar("T")
R = TypeVar("R")


def check_device_spec(spec: str, where: str) -> None:
    """Raise ConfigError unless ``spec`` is auto, cpu, mps, cuda or cuda:N (checked before any loading)."""
    if not _DEVICE_RE.fullmatch(spec):
        raise ConfigError(f"{where}.device: {spec!r} is not a device; use auto, cpu, cuda, cuda:N or mps")


def pick_device(spec: str) -> torch.device:  # noqa: F821
    """Resolve a device spec to a ``torch.device``; asking for one this machine lacks raises SystemError_."""
    import torch

    if spec == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if spec.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SystemError_(
                f"device {spec!r} asked for, but this machine has no CUDA GPU "
                f"(torch {torch.__version__}); use device: auto or cpu"
            )
        index = int(spec.split(":")[1]) if ":" in spec else 0
        if index >= torch.cuda.device_count():
            raise SystemError_(
                f"device {spec!r} asked for, but this machine has {torch.cuda.device_count()} CUDA device(s) (cuda:0..)"
            )
    if spec == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise SystemError_("device 'mps' asked for, but Apple MPS is not available here; use device: auto or cpu")
    return torch.device(spec)


def pick_dtype(spec: str, device: torch.device) -> torch.dtype:  # noqa: F821
    """Resolve a dtype name; ``auto`` is bfloat16 on CUDA GPUs that support it, float32 elsewhere."""
    import torch

    if spec == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    if spec not in DTYPES:
        raise ConfigError(f"dtype {spec!r} is not one of {', '.join(DTYPES)}")
    return getattr(torch, spec)


def is_oom(exc: BaseException) -> bool:
    """True for a CUDA (or MPS) out-of-memory error."""
    import torch

    if isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


@dataclass
class OomBackoff:
    """Runs batches, halving the batch size on out-of-memory for the rest of the run (each halving logged).

    ``limit`` is the largest batch tried (None: whole batches); it only goes down.
    """

    what: str
    limit: int | None = None
    halvings: int = 0

    def run(self, batch: Sequence[T], fn: Callable[[Sequence[T]], list[R]]) -> list[R]:
        """``fn`` over ``batch`` in chunks of at most ``limit``, in order; one input that OOMs raises."""
        out: list[R] = []
        start = 0
        while start < len(batch):
            size = len(batch) - start if self.limit is None else min(self.limit, len(batch) - start)
            chunk = batch[start : start + size]
            try:
                out.extend(fn(chunk))
            except Exception as exc:
                if not is_oom(exc):
                    raise
                _empty_cache()
                if size == 1:
                    raise SystemError_(
                        f"{self.what}: out of memory on a single input; use a smaller model, "
                        "dtype: bfloat16, a lower max_input_tokens, or device: cpu"
                    ) from None
                self.limit = (size + 1) // 2
                self.halvings += 1
                log.warning(
                    "%s: out of memory at batch size %d; halving to %d and going on", self.what, size, self.limit
                )
                continue
            start += size
        return out


def _empty_cache() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
