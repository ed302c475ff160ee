"""Device/dtype choice and the out-of-memory back-off (with a simulated OOM)."""

from __future__ import annotations

import pytest
import torch

from bench.errors import ConfigError, SystemError_
from bench.systems.hf.devices import OomBackoff, check_device_spec, pick_device, pick_dtype


@pytest.mark.parametrize("spec", ["auto", "cpu", "cuda", "cuda:1", "mps"])
def test_valid_specs(spec: str) -> None:
    check_device_spec(spec, "s")


@pytest.mark.parametrize("spec", ["gpu", "cuda:", "CPU", "tpu"])
def test_invalid_specs(spec: str) -> None:
    with pytest.raises(ConfigError, match="not a device"):
        check_device_spec(spec, "s")


def test_cpu_and_auto_on_this_machine() -> None:
    assert pick_device("cpu").type == "cpu"
    expected = "cuda" if torch.cuda.is_available() else pick_device("auto").type
    assert pick_device("auto").type == expected
    assert pick_dtype("auto", torch.device("cpu")) == torch.float32
    assert pick_dtype("bfloat16", torch.device("cpu")) == torch.bfloat16


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_gpu() -> None:
    with pytest.raises(SystemError_, match="no CUDA GPU"):
        pick_device("cuda")


def test_backoff_halves_and_keeps_order() -> None:
    calls = []

    def fn(batch):
        calls.append(len(batch))
        if len(batch) > 2:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return [x * 10 for x in batch]

    backoff = OomBackoff("test", limit=8)
    assert backoff.run(list(range(7)), fn) == [x * 10 for x in range(7)]
    # 7 fails -> limit 4 fails -> limit 2, which then holds for the rest of the run
    assert calls == [7, 4, 2, 2, 2, 1]
    assert backoff.halvings == 2 and backoff.limit == 2


def test_backoff_single_item_oom_is_a_clear_error() -> None:
    def fn(batch):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    with pytest.raises(SystemError_, match="out of memory on a single input"):
        OomBackoff("test").run([1, 2], fn)


def test_backoff_passes_other_errors_through() -> None:
    def fn(batch):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        OomBackoff("test").run([1], fn)
