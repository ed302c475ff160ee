"""Loading weights with transformers, from a resolved :class:`~bench.sources.ModelSource`.

Resolving a ``model:`` setting (``packaged:``, a ``.gguf`` file, a directory, a hub id) and identifying
the weights live in :mod:`bench.sources`, shared with the metrics. A ``.gguf`` file is loaded by
transformers with ``gguf_file=`` and dequantized. Converting takes most of a minute, so the converted model
is saved once under ``$HEADLINE_BENCH_CACHE`` (default ``~/.cache/headline-bench``)
``/gguf/<sha256 of the file>`` and later runs load that.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.errors import SystemError_
from bench.sources import ModelSource, cache_root

__all__ = ["load_tokenizer", "load_model", "load_error", "pretrained_location"]

log = logging.getLogger(__name__)

_CONVERTED_MARK = "headline-bench-gguf.json"


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def load_error(source: ModelSource, what: str, exc: Exception) -> SystemError_:
    """One clear line for a failed load: offline hub id, unreadable GGUF, or the loader's own first line."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if source.kind == "hub" and _offline():
        return SystemError_(
            f"model {source.spec!r}: no such local directory, and as a hub id it is not in the "
            "local Hugging Face cache while HF_HUB_OFFLINE=1; download it once with network access, "
            "or set model: to a local directory or .gguf file"
        )
    if source.kind == "gguf":
        import transformers

        return SystemError_(
            f"model {source.spec!r}: transformers {transformers.__version__} cannot read this "
            f"GGUF {what} ({first}); use a GGUF of an architecture transformers supports, "
            "or a directory saved with save_pretrained"
        )
    return SystemError_(f"model {source.spec!r}: cannot load the {what} ({first})")


def _converted_dir(source: ModelSource) -> Path:
    return cache_root() / "gguf" / str(source.digest)[:24]


def pretrained_location(source: ModelSource) -> tuple[str, dict[str, Any]]:
    """The path and keyword arguments for ``from_pretrained``, using the GGUF conversion cache."""
    if source.kind == "gguf":
        cached = _converted_dir(source)
        if (cached / _CONVERTED_MARK).is_file():
            return str(cached), {}
        path = Path(source.location)
        return str(path.parent), {"gguf_file": path.name}
    if source.kind == "hub":
        return source.location, {"revision": source.revision}
    return source.location, {}


def load_tokenizer(source: ModelSource, **kwargs: Any) -> Any:
    """The model's tokenizer (from the GGUF file itself for GGUF sources)."""
    from transformers import AutoTokenizer

    where, extra = pretrained_location(source)
    try:
        return AutoTokenizer.from_pretrained(where, **extra, **kwargs)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise load_error(source, "tokenizer", exc) from None


def load_model(source: ModelSource, model_cls: Any, dtype: Any, tokenizer: Any = None) -> Any:
    """Load weights with ``model_cls.from_pretrained`` in ``dtype`` (on CPU; the caller moves it).

    A GGUF file is dequantized once to float32 and saved with ``tokenizer`` in the conversion cache (an
    unwritable cache is logged and skipped).
    """
    where, extra = pretrained_location(source)
    converting = "gguf_file" in extra
    try:
        model = model_cls.from_pretrained(where, dtype="float32" if converting else dtype, **extra)
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as exc:
        raise load_error(source, "model", exc) from None
    if converting:
        _save_converted(source, model, tokenizer)
        model = model.to(dtype)
    return model.eval()


def _save_converted(source: ModelSource, model: Any, tokenizer: Any) -> None:
    """Save a dequantized GGUF model to the cache atomically (temp folder, then rename)."""
    import transformers

    model.hf_quantizer = None  # the weights are plain tensors now; this lets save_pretrained and .to() work
    if getattr(model.config, "quantization_config", None) is not None:
        del model.config.quantization_config
    if tokenizer is None:
        return
    target = _converted_dir(source)
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        mark = {"gguf": source.location, "transformers": transformers.__version__}
        (tmp / _CONVERTED_MARK).write_text(json.dumps(mark))
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
        log.info("saved the dequantized GGUF %s to %s (later runs load it from there)", source.location, target)
    except OSError as exc:
        log.warning("could not cache the converted GGUF in %s (%s); the next run converts again", target, exc)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
