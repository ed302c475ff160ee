"""Linear layers of an inference-only torch model on oneDNN with pre-packed weights (CPU).

``torch.nn.Linear`` on CPU runs MKL's sgemm on a plain weight; oneDNN's linear with the weight reordered once
into its blocked layout is faster on the same numbers (MiniLM on a 2-core AMD EPYC, one thread: 7-10% less CPU
per text, both in large batches and two texts at a time; unit token vectors within 6e-7 of ``nn.Linear``'s —
float32 sums in another order). :func:`pack_linears` swaps every ``nn.Linear`` of a model for a
:class:`PackedLinear` after checking, on one input, that the op exists in this torch build and gives
``nn.Linear``'s result; otherwise the model is left as it was. Packed layers have no gradient: use them under
``torch.inference_mode()``; a packed model pickles and deep-copies. Imports torch: import it where torch is used.
"""

from __future__ import annotations

import logging

import torch

__all__ = ["PackedLinear", "pack_linears"]

log = logging.getLogger(__name__)


class PackedLinear(torch.nn.Module):
    """``y = x Wᵀ + b`` of one ``nn.Linear`` through oneDNN, its weight reordered once at construction."""

    def __init__(self, linear: torch.nn.Linear) -> None:
        super().__init__()
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.weight = torch.ops.mkldnn._reorder_linear_weight(linear.weight.detach(), None)
        self.bias = None if linear.bias is None else linear.bias.detach().clone()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "none", [], "")

    def __getstate__(self) -> dict:
        """Pickled and deep-copied with the plain weight (a packed tensor has no storage to copy)."""
        return {**self.__dict__, "weight": self.weight.to_dense()}

    def __setstate__(self, state: dict) -> None:
        super().__setstate__({**state, "weight": torch.ops.mkldnn._reorder_linear_weight(state["weight"], None)})


def _usable() -> bool:
    """Whether this torch build packs and runs a linear through oneDNN with ``nn.Linear``'s result."""
    if not torch.backends.mkldnn.is_available():
        return False
    try:
        gen = torch.Generator().manual_seed(0)
        linear = torch.nn.Linear(48, 40)
        x = torch.randn(3, 5, 48, generator=gen)
        with torch.inference_mode():
            return bool(torch.allclose(PackedLinear(linear)(x), linear(x), rtol=1e-4, atol=1e-5))
    except (RuntimeError, AttributeError, TypeError) as exc:  # the private op is missing or changed in this build
        log.debug("oneDNN packed linear unavailable: %s", exc)
        return False


def pack_linears(model: torch.nn.Module) -> int:
    """Replace every ``nn.Linear`` of ``model`` by a :class:`PackedLinear`; how many were replaced.

    0 (the model untouched) when oneDNN cannot run them here or the model is not all float32 on the CPU.
    """
    params = list(model.parameters())
    if not params or any(p.device.type != "cpu" or p.dtype != torch.float32 for p in params) or not _usable():
        return 0
    targets = [(name, m) for name, m in model.named_modules() if type(m) is torch.nn.Linear]
    for name, linear in targets:
        parent_name, _, attr = name.rpartition(".")
        setattr(model.get_submodule(parent_name), attr, PackedLinear(linear))
    return len(targets)
