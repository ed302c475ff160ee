"""The run's environment notice: a CUDA build of torch on a machine with no usable GPU is said in one
line with the exact command for a CPU torch; a CPU build, or a CUDA build with a GPU, says nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

from bench.run.manifest import CPU_TORCH_COMMAND, cuda_build_without_gpu, cuda_mismatch_message

PROBE = "from bench.run.manifest import cuda_build_without_gpu as f; print(f(import_torch=True))"


def test_message_for_a_cuda_build_without_gpu_names_the_cpu_command():
    line = cuda_mismatch_message("2.6.0+cu124", "12.4", gpu_available=False)
    assert line == (
        "torch 2.6.0+cu124 is a CUDA 12.4 build, but this machine has no usable GPU, so models run on "
        "the CPU; the CPU-only build is much smaller and needs no CUDA libraries: "
        "pip install torch --index-url https://download.pytorch.org/whl/cpu"
    )
    assert CPU_TORCH_COMMAND == "pip install torch --index-url https://download.pytorch.org/whl/cpu"
    assert cuda_mismatch_message("2.6.0+cu124", "12.4", gpu_available=True) is None
    assert cuda_mismatch_message("2.6.0+cpu", None, gpu_available=False) is None


def test_torch_not_imported_is_not_imported_for_the_notice():
    code = "import sys; from bench.run.manifest import cuda_build_without_gpu as f; print(f(), 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["None", "False"]


@pytest.mark.skipif(torch.version.cuda is not None, reason=f"torch {torch.__version__} here is a CUDA build")
def test_cpu_build_says_nothing():
    assert cuda_build_without_gpu(import_torch=True) is None


@pytest.mark.skipif(
    torch.version.cuda is None,
    reason=f"torch {torch.__version__} here is a CPU build; runs where a CUDA build is installed",
)
def test_cuda_build_with_gpus_hidden_says_so_once_in_one_line():
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")  # the real build, as on a machine without a GPU
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"torch {torch.__version__} is a CUDA {torch.version.cuda} build")
    assert lines[0].endswith(CPU_TORCH_COMMAND)
    assert "Warning" not in proc.stderr  # the driver probe's own warning is not shown beside it


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no GPU here")
def test_cuda_build_with_a_gpu_says_nothing():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "None"
