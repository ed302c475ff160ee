"""oneDNN-packed linears give nn.Linear's outputs, replace every nn.Linear, and leave models they cannot run alone."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from bench.metrics.packed_linear import PackedLinear, pack_linears  # noqa: E402

needs_onednn = pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="torch built without oneDNN")


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    inner = torch.nn.Sequential(torch.nn.Linear(16, 64), torch.nn.GELU(), torch.nn.Linear(64, 16, bias=False))
    return torch.nn.Sequential(torch.nn.Linear(24, 16), torch.nn.LayerNorm(16), inner, torch.nn.Linear(16, 8))


@needs_onednn
def test_packed_model_gives_the_same_outputs() -> None:
    model = _model().eval()
    x = torch.randn(4, 7, 24, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        expected = model(x).clone()
        assert pack_linears(model) == 4
        got = model(x)
    assert not any(type(m) is torch.nn.Linear for m in model.modules())
    assert sum(isinstance(m, PackedLinear) for m in model.modules()) == 4
    assert got.shape == expected.shape == (4, 7, 8)
    assert torch.allclose(got, expected, rtol=1e-5, atol=1e-6)


@needs_onednn
def test_one_layer_equals_x_w_plus_b() -> None:
    linear = torch.nn.Linear(3, 2)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
        linear.bias.copy_(torch.tensor([0.25, -2.0]))
    with torch.inference_mode():
        y = PackedLinear(linear)(torch.tensor([[1.0, 1.0, 1.0], [2.0, 0.0, -1.0]]))
    assert y.tolist() == [[6.25, -2.5], [-0.75, -4.0]]


@needs_onednn
def test_a_packed_model_pickles_and_deep_copies() -> None:
    import copy
    import pickle

    model = _model().eval()
    pack_linears(model)
    x = torch.randn(2, 3, 24, generator=torch.Generator().manual_seed(2))
    with torch.inference_mode():
        expected = model(x).clone()
        for other in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
            assert torch.equal(other(x), expected)
            assert all(m.weight.is_mkldnn for m in other.modules() if isinstance(m, PackedLinear))


def test_models_it_cannot_pack_are_left_as_they_were() -> None:
    double = _model().double()
    assert pack_linears(double) == 0
    assert sum(type(m) is torch.nn.Linear for m in double.modules()) == 4
    assert pack_linears(torch.nn.Sequential(torch.nn.ReLU())) == 0
