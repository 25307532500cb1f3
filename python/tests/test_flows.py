"""Flows and hierarchical KLs of the aespec_torch runtime, in float64 against finite differences and closed forms."""

from __future__ import annotations

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import aespec_torch as rt  # noqa: E402


def finite_difference_log_det(f, z: torch.Tensor, h: float = 1e-6) -> float:
    """log|det J| of f at one point z [1, D], J by central differences."""
    d = z.shape[1]
    jacobian = torch.zeros(d, d, dtype=torch.float64)
    for i in range(d):
        step = torch.zeros_like(z)
        step[0, i] = h
        jacobian[:, i] = ((f(z + step) - f(z - step)) / (2 * h))[0]
    return torch.linalg.slogdet(jacobian)[1].item()


def randomised(flow: torch.nn.Module, seed: int) -> torch.nn.Module:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, value in flow.named_weights():
            value.copy_(torch.randn(value.shape, generator=generator, dtype=torch.float64))
    return flow


def test_planar_log_det_equals_the_finite_difference_jacobian() -> None:
    flow = randomised(rt.PlanarFlow(5, 3, names=[f"q/z.flow{k}/{p}" for k in range(3) for p in "uwb"]).double(), 1)
    for seed in range(4):
        z = torch.randn(1, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
        sample = flow(z)
        assert abs(sample.log_det.item() - finite_difference_log_det(lambda v: flow(v).z, z)) < 1e-6


def test_iaf_log_det_equals_the_finite_difference_jacobian_which_is_triangular() -> None:
    names = [f"q/z.flow{k}/{p}" for k in range(2) for p in ("hidden/kernel", "hidden/bias", "mu/kernel", "mu/bias", "sigma/kernel", "sigma/bias")]
    flow = randomised(rt.IafFlow(4, 2, 16, names=names).double(), 2)
    flow.hidden_mask0, flow.output_mask0 = flow.hidden_mask0.double(), flow.output_mask0.double()
    z = torch.randn(1, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    assert abs(flow(z).log_det.item() - finite_difference_log_det(lambda v: flow(v).z, z)) < 1e-6
    # One step alone is autoregressive: output d depends on inputs before it only (upper triangle of ∂z'/∂z is zero).
    one = rt.IafFlow(4, 1, 16, names=names[:6]).double()
    randomised(one, 4)
    jacobian = torch.autograd.functional.jacobian(lambda v: one(v).z, z)[0, :, 0, :]
    assert torch.all(torch.triu(jacobian, diagonal=1) == 0)


def test_made_masks_let_each_output_see_only_earlier_variables() -> None:
    hidden, output = (torch.tensor(m) for m in rt.made_masks(5, 12, False))
    reach = (hidden @ output) > 0  # [D, D]: input i reaches output d
    assert torch.equal(reach, torch.triu(torch.ones(5, 5, dtype=torch.bool), diagonal=1))
    hidden, output = (torch.tensor(m) for m in rt.made_masks(5, 12, True))
    assert torch.equal((hidden @ output) > 0, torch.tril(torch.ones(5, 5, dtype=torch.bool), diagonal=-1))


def test_planar_direction_keeps_every_step_invertible() -> None:
    generator = torch.Generator().manual_seed(5)
    for _ in range(200):
        u = torch.randn(1, 6, generator=generator, dtype=torch.float64) * 10
        w = torch.randn(1, 6, generator=generator, dtype=torch.float64) * 10
        # w·û = m(w·u) = −1 + softplus(w·u) ≥ −1 (Rezende & Mohamed 2015, app. A.1), so 1 + (1 − tanh²)·w·û ≥ 0.
        wu = torch.sum(w * u)
        constrained = torch.sum(w * rt.planar_direction(u, w))
        assert constrained.item() >= -1 - 1e-9
        assert abs(constrained.item() - (torch.nn.functional.softplus(wu).item() - 1)) < 1e-9
    # A direction that would fold the plane (w·u = −5) is pulled back: w·û = −1 + softplus(−5) ≈ −0.993.
    w = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    assert abs(torch.sum(w * rt.planar_direction(torch.tensor([[-5.0, 1.0]], dtype=torch.float64), w)).item() - (-1 + torch.nn.functional.softplus(torch.tensor(-5.0)).item())) < 1e-6


def test_kl_between_normal_parameter_tensors_matches_torch_distributions() -> None:
    generator = torch.Generator().manual_seed(6)
    q = rt.NormalParameters(torch.randn(3, 4, generator=generator), torch.randn(3, 4, generator=generator))
    p = rt.NormalParameters(torch.randn(3, 4, generator=generator), torch.randn(3, 4, generator=generator))
    expected = torch.distributions.kl_divergence(
        torch.distributions.Normal(q.mu, torch.exp(0.5 * q.logvar)), torch.distributions.Normal(p.mu, torch.exp(0.5 * p.logvar))
    ).sum(1)
    assert torch.allclose(rt.kl_normal_normal_parameters(q, p), expected, atol=1e-5)
    # Against N(0, 1) it is the fixed-prior KL.
    standard = rt.NormalParameters(torch.zeros(3, 4), torch.zeros(3, 4))
    assert torch.allclose(rt.kl_normal_normal_parameters(q, standard), rt.kl_normal_normal(q, 0.0, 1.0), atol=1e-5)


def test_tile_batch_repeats_whole_batches() -> None:
    x = torch.arange(6.0).reshape(3, 2)
    tiled = rt.tile_batch({"x": x}, 2)["x"]
    assert torch.equal(tiled, torch.cat([x, x]))
