"""Unit tests of the aespec_torch runtime (run: python3 -m pytest python/tests)."""

from __future__ import annotations

import math
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import aespec_torch as rt  # noqa: E402
from aespec_torch.layers import same_padding  # noqa: E402
from aespec_torch.optim import Adam, clip_by_global_norm  # noqa: E402


def test_layout_fingerprint_matches_the_typescript_runtime() -> None:
    # layoutFingerprint in src/runtime/weights.ts gives 12ab1cbc for these (FNV-1a over UTF-16 code units).
    assert rt.layout_fingerprint([("q/t0/kernel", [784, 500]), ("p/z.µ/bias", [2])]) == "12ab1cbc"


def test_weights_round_trip_and_refusals(tmp_path) -> None:
    weights = [("a/t0/kernel", torch.randn(3, 2)), ("a/t0/bias", torch.randn(2))]
    rt.save_weights(str(tmp_path), "M", weights)
    loaded = rt.load_weights(str(tmp_path), "M", [("a/t0/kernel", (3, 2)), ("a/t0/bias", (2,))])
    for name, value in weights:
        assert torch.equal(loaded[name], value)
    with pytest.raises(ValueError, match="belong to model"):
        rt.load_weights(str(tmp_path), "Other", [("a/t0/kernel", (3, 2)), ("a/t0/bias", (2,))])
    with pytest.raises(ValueError, match="layout"):
        rt.load_weights(str(tmp_path), "M", [("a/t0/kernel", (2, 3)), ("a/t0/bias", (2,))])


def test_same_padding_puts_the_odd_row_last() -> None:
    assert same_padding(28, 3, 2) == (0, 1)
    assert same_padding(28, 3, 1) == (1, 1)
    assert same_padding(7, 4, 1) == (1, 2)


def test_transposed_convolution_is_the_adjoint_of_the_convolution() -> None:
    torch.manual_seed(0)
    conv = rt.Conv2d(3, 5, 3, 2, "same", "linear", names=("c/kernel", "c/bias"))
    up = rt.Conv2dTranspose(5, 3, 3, 2, "same", (9, 9, 3), "linear", names=("u/kernel", "u/bias"))
    with torch.no_grad():
        conv.kernel.normal_()
        up.kernel.copy_(conv.kernel)
    x = torch.randn(2, 9, 9, 3)
    y = torch.randn(2, 5, 5, 5)
    # <conv(x), y> = <x, conv_transpose(y)> with the same kernel and zero biases.
    assert torch.allclose((conv(x) * y).sum(), (x * up(y)).sum(), rtol=1e-4)


def test_replay_noise_checks_kind_shape_and_count() -> None:
    noise = rt.ReplayNoise([("normal", torch.zeros(2, 3)), ("uniform", torch.ones(4))])
    assert noise.normal([2, 3]).shape == (2, 3)
    with pytest.raises(rt.NoiseMismatch):
        noise.normal([4])
    assert not noise.finished()


def test_adam_follows_tfjs_with_a_step_count_per_optimizer() -> None:
    w = torch.zeros(2)
    adam = Adam([w], ["w"], lr=0.1)
    adam.apply([torch.tensor([1.0, -2.0])])
    assert torch.allclose(w, torch.tensor([-0.1, 0.1]), atol=1e-6)
    # A weight without a gradient is left alone; the optimizer still ages.
    adam.apply([None])
    assert adam.iterations == 2 and torch.allclose(w, torch.tensor([-0.1, 0.1]), atol=1e-6)


def test_clip_by_global_norm() -> None:
    clipped = clip_by_global_norm([torch.tensor([3.0]), None, torch.tensor([4.0])], 1.0)
    assert clipped[1] is None
    assert math.isclose(float(clipped[0]), 0.6, rel_tol=1e-6) and math.isclose(float(clipped[2]), 0.8, rel_tol=1e-6)


def test_stable_likelihoods_from_logits() -> None:
    logits = torch.tensor([[200.0, -200.0]])
    x = torch.tensor([[1.0, 0.0]])
    assert float(rt.bernoulli_nll(logits, x)) == pytest.approx(0.0, abs=1e-6)
    assert float(rt.categorical_nll(torch.tensor([[1000.0, 0.0]]), torch.tensor([[1.0, 0.0]]))) == pytest.approx(0.0, abs=1e-6)


def test_mixture_prior_density_integrates_to_one() -> None:
    prior = rt.MixtureOfGaussiansPrior(4, 2.0, 0.5, 0.2)
    grid = torch.linspace(-5, 5, 401)
    z = torch.cartesian_prod(grid, grid)
    mass = float(torch.exp(prior.log_prob(z)).sum()) * float(grid[1] - grid[0]) ** 2
    assert mass == pytest.approx(1.0, rel=1e-3)


def test_kl_normal_normal_is_zero_at_the_prior() -> None:
    q = rt.NormalParameters(torch.zeros(3, 4), torch.zeros(3, 4))
    assert torch.allclose(rt.kl_normal_normal(q, 0.0, 1.0), torch.zeros(3))


def test_optimizer_state_round_trip(tmp_path) -> None:
    w = torch.zeros(3)
    adam = Adam([w, torch.zeros(2)], ["a/kernel", "a/bias"], lr=0.01)
    adam.apply([torch.tensor([1.0, 2.0, 3.0]), None])
    adam.apply([torch.tensor([1.0, -1.0, 0.5]), None])
    entries = adam.state_entries()
    # TF.js's order and names: the step count, the first moments, the second moments; no state for a weight never reached.
    assert [name for name, _ in entries] == ["iter", "a/kernel/m", "a/kernel/v"]
    rt.save_weights(str(tmp_path), None, entries, format="aespec-optimizer")
    header, saved = rt.read_weights(str(tmp_path))
    assert header == {} and saved["iter"].dtype == torch.int32 and int(saved["iter"]) == 2
    other = Adam([w.clone(), torch.zeros(2)], ["a/kernel", "a/bias"], lr=0.01)
    other.load_state_entries(saved)
    assert other.iterations == 2 and other.acc_beta1 == pytest.approx(adam.acc_beta1, rel=1e-6)
    g = torch.tensor([0.3, 0.2, 0.1])
    adam.apply([g, None])
    other.apply([g, None])
    assert torch.allclose(adam.params[0], other.params[0], atol=1e-7)


def test_bound_logvar_clamps_like_the_typescript_runtime() -> None:
    # boundLogvar in src/runtime/distributions.ts: the same values inside, the bounds beyond, zero gradient there.
    low, high = 2 * math.log(1e-6), 2 * math.log(1e6)
    logvar = torch.tensor([[-93.0, -27.0, 0.0, 27.0, 260.0]], requires_grad=True)
    mu = torch.zeros(1, 5)
    bounded = rt.bound_logvar(rt.NormalParameters(mu, logvar), low, high)
    assert bounded.mu is mu
    expected = torch.tensor([[low, -27.0, 0.0, 27.0, high]], dtype=torch.float32)
    assert torch.equal(bounded.logvar.detach(), expected)
    (bounded.logvar * torch.tensor([[1.0, 2.0, 3.0, 4.0, 5.0]])).sum().backward()
    assert logvar.grad.tolist() == [[0.0, 2.0, 3.0, 4.0, 0.0]]
