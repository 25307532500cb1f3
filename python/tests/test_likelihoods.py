"""The likelihoods of aespec_torch (python/aespec_torch/likelihoods.py) in float64: values
against closed forms, gradients against finite differences (gradcheck), normalisation,
sample moments, no NaN at the support's ends. TF.js = torch is checked in
tests/runtime/likelihoods.test.ts."""

from __future__ import annotations

import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from aespec_torch.likelihoods import (  # noqa: E402
    Bins,
    beta_mean,
    beta_nll,
    beta_sample,
    continuous_bernoulli_log_normaliser,
    continuous_bernoulli_mean,
    continuous_bernoulli_nll,
    continuous_bernoulli_sample,
    discretized_logistic_mean,
    discretized_logistic_mixture_mean,
    discretized_logistic_mixture_nll,
    discretized_logistic_mixture_sample,
    discretized_logistic_nll,
    discretized_logistic_sample,
    laplace_nll,
    laplace_sample,
)
from aespec_torch.noise import SeededNoise  # noqa: E402

BYTES = Bins(0, 255, 256)
UNIT = Bins(0, 1, 256)


def column(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64).reshape(-1, 1)


def simpson(log_density, a: float, b: float, intervals: int = 4000) -> float:
    x = torch.linspace(a, b, intervals + 1, dtype=torch.float64).reshape(-1, 1)
    weights = torch.ones(intervals + 1, dtype=torch.float64)
    weights[1:-1:2] = 4
    weights[2:-1:2] = 2
    return float((torch.exp(log_density(x)) * weights).sum() * (b - a) / intervals / 3)


def moments(samples: torch.Tensor):
    flat = samples.flatten().double()
    return float(flat.mean()), float(flat.var())


def log_c_reference(l: float) -> float:
    """log of 2·atanh(1 − 2λ)/(1 − 2λ) from its definition (1 − 2λ = −tanh(l/2) keeps the digits)."""
    t = -math.tanh(l / 2)
    if abs(t) < 1e-6:
        return math.log(2) + l * l / 12
    if abs(l) > 20:
        return math.log(abs(l)) - math.log1p(-2 / (math.exp(abs(l)) + 1))
    return math.log(2 * math.atanh(t) / t)


def test_laplace_closed_form_gradients_normalisation_and_samples() -> None:
    x, mu, s = column([0.3, -1.2, 1.0, 1.0]), column([0.0, 0.5, 0.0, 0.5]), column([0.0, -1.0, -20.0, 20.0])
    expected = [abs(a - m) * math.exp(-b) + b + math.log(2) for a, m, b in zip(x.flatten().tolist(), mu.flatten().tolist(), s.flatten().tolist())]
    assert torch.allclose(laplace_nll(x, mu, s), torch.tensor(expected, dtype=torch.float64), rtol=1e-12)
    assert torch.autograd.gradcheck(lambda m, b: laplace_nll(x, m, b), (column([0.1, 0.4, -2.0, 0.7]).requires_grad_(), column([0.0, -1.0, -5.0, 3.0]).requires_grad_()))
    integral = simpson(lambda t: -laplace_nll(t, torch.full_like(t, 1.5), torch.full_like(t, math.log(0.7))), 1.5 - 30, 1.5 + 30, 20000)
    assert abs(integral - 1) < 1e-6
    mean, variance = moments(laplace_sample(torch.full((40000, 1), 1.5), torch.full((40000, 1), math.log(0.7)), SeededNoise(3)))
    assert abs(mean - 1.5) < 0.02 and abs(variance / 0.98 - 1) < 0.05


def test_continuous_bernoulli_normaliser_nll_gradient_and_ends() -> None:
    logits = [-80, -20, -3, -0.5000001, -0.5, -0.4999999, -1e-3, -1e-7, 0.0, 1e-7, 1e-4, 0.3, 0.5, 2, 80]
    log_c = continuous_bernoulli_log_normaliser(torch.tensor(logits, dtype=torch.float64))
    for value, l in zip(log_c.tolist(), logits):
        assert abs(value - log_c_reference(l)) < 1e-8, l
    for x in (0.0, 1.0, 0.37):
        l = column(logits).requires_grad_()
        nll = continuous_bernoulli_nll(torch.full_like(l, x), l)
        (grad,) = torch.autograd.grad(nll.sum(), l)
        assert torch.isfinite(nll).all() and torch.isfinite(grad).all()
        # d/dl [softplus(l) − x·l − log C] = σ(l) − x − (1/l − 1/sinh l); the last term's series near 0.
        for g, v in zip(grad.flatten().tolist(), logits):
            d_log_c = v / 6 - 7 * v**3 / 360 if abs(v) < 1e-3 else 1 / v - 1 / math.sinh(v) if abs(v) < 700 else 1 / v
            # The series are truncated for float32: below 1e-7 even in float64.
            assert abs(g - (1 / (1 + math.exp(-v)) - x - d_log_c)) < 1e-7, (x, v)
    assert torch.autograd.gradcheck(lambda l: continuous_bernoulli_nll(column([0.2, 0.9, 0.0, 1.0]), l), (column([0.49, 0.51, -3.0, 1e-4]).requires_grad_(),))


def test_continuous_bernoulli_integrates_to_one_mean_and_samples() -> None:
    for l in (-20.0, -3.0, -1e-3, 0.0, 1e-5, 0.4999, 0.5001, 2.0, 15.0):
        integral = simpson(lambda t: -continuous_bernoulli_nll(t, torch.full_like(t, l)), 0, 1)
        assert abs(integral - 1) < 1e-7, l
    for l in (-80.0, -5.0, -1.0001, -0.9999, -1e-3, 0.0, 0.3, 1.0001, 4.0, 80.0):
        lam = 1 / (1 + math.exp(-l))
        expected = 0.5 + l / 12 if abs(l) < 1e-4 else lam / (2 * lam - 1) + 1 / -l
        assert abs(float(continuous_bernoulli_mean(torch.tensor([l], dtype=torch.float64))) - expected) < 1e-7, l
    for l in (-3.0, 0.0, 0.2, 5.0):
        samples = continuous_bernoulli_sample(torch.full((40000, 1), l, dtype=torch.float64), SeededNoise(5))
        assert ((samples >= 0) & (samples <= 1)).all()
        lam = 1 / (1 + math.exp(-l))
        mean_expected = 0.5 if l == 0 else lam / (2 * lam - 1) + 1 / -l
        var_expected = 1 / 12 if l == 0 else lam * (lam - 1) / (1 - 2 * lam) ** 2 + 1 / l**2
        mean, variance = moments(samples)
        assert abs(mean - mean_expected) < 0.01 and abs(variance / var_expected - 1) < 0.05, l


def test_discretized_logistic_sums_to_one_matches_the_cdf_and_has_finite_gradients() -> None:
    for bins in (BYTES, UNIT, Bins(-1, 1, 5)):
        step = (bins.high - bins.low) / (bins.levels - 1)
        grid = column([bins.low + i * step for i in range(bins.levels)])
        for mu, s in ((bins.low + 0.4 * (bins.high - bins.low), math.log(2 * step)), (bins.low, -20.0), (bins.high + 3, 20.0), (bins.low - 10 * step, math.log(step))):
            nll = discretized_logistic_nll(grid, torch.full_like(grid, mu), torch.full_like(grid, s), bins)
            assert abs(float(torch.exp(-nll).sum()) - 1) < 1e-9, (bins, mu, s)
    # An interior bin against the logistic CDF, either side of the narrow-bin switch.
    x, mu = 50.0, 40.0
    for s in (0.0, math.log(1 / 1e-3) - 1e-4, math.log(1 / 1e-3) + 1e-4, 20.0):
        cdf = lambda t: 1 / (1 + math.exp(-(t - mu) / math.exp(s)))  # noqa: E731
        mass = float(torch.exp(-discretized_logistic_nll(column([x]), column([mu]), column([s]), BYTES)))
        assert abs(mass / (cdf(x + 0.5) - cdf(x - 0.5)) - 1) < 1e-6, s
    xs = column([0.0, 1.0, 128.0, 254.0, 255.0] * 4)
    mu = column([0.0] * 5 + [255.0] * 5 + [128.3] * 5 + [-50.0] * 5).requires_grad_()
    s = column([-20.0] * 5 + [20.0] * 5 + [1.0] * 5 + [-3.0] * 5).requires_grad_()
    nll = discretized_logistic_nll(xs, mu, s, BYTES)
    grads = torch.autograd.grad(nll.sum(), (mu, s))
    assert torch.isfinite(nll).all() and all(torch.isfinite(g).all() for g in grads)
    assert torch.autograd.gradcheck(lambda m, t: discretized_logistic_nll(column([0.0, 7.0, 255.0]), m, t, BYTES), (column([3.0, 7.2, 250.0]).requires_grad_(), column([1.0, 0.5, 2.0]).requires_grad_()))
    assert discretized_logistic_mean(torch.tensor([-3.0, 0.5, 300.0]), torch.zeros(3), BYTES).tolist() == [0.0, 0.5, 255.0]


def test_discretized_logistic_samples_and_mixture() -> None:
    samples = discretized_logistic_sample(torch.full((40000, 1), 100.3), torch.full((40000, 1), math.log(3)), BYTES, SeededNoise(7))
    assert torch.equal(samples, torch.round(samples)) and samples.min() >= 0 and samples.max() <= 255
    grid = column(list(range(256)))
    probabilities = torch.exp(-discretized_logistic_nll(grid, torch.full_like(grid, 100.3), torch.full_like(grid, math.log(3)), BYTES)).flatten()
    exact_mean = float((probabilities * grid.flatten()).sum())
    assert abs(moments(samples)[0] - exact_mean) < 0.1
    w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
    m = torch.tensor([30.0, 128.4, 250.0], dtype=torch.float64)
    s = torch.tensor([math.log(5), -20.0, math.log(2)], dtype=torch.float64)
    tile = lambda v, n: v.reshape(1, 1, 3).repeat(n, 1, 1)  # noqa: E731
    nll = discretized_logistic_mixture_nll(grid, tile(w, 256), tile(m, 256), tile(s, 256), BYTES)
    components = torch.stack([discretized_logistic_nll(grid, torch.full_like(grid, float(m[k])), torch.full_like(grid, float(s[k])), BYTES) for k in range(3)], -1)
    expected = -torch.logsumexp(torch.log_softmax(w, 0) - components, -1)
    assert torch.allclose(nll, expected, rtol=1e-12) and abs(float(torch.exp(-nll).sum()) - 1) < 1e-9
    params = (tile(w, 2).clone().requires_grad_(), tile(m, 2).clone().requires_grad_(), tile(s.clamp(min=-3), 2).clone().requires_grad_())
    assert torch.autograd.gradcheck(lambda a, b, c: discretized_logistic_mixture_nll(column([30.0, 129.0]), a, b, c, BYTES), params)
    mixture_mean = discretized_logistic_mixture_mean(tile(w, 1), tile(m, 1), tile(s, 1), BYTES)
    assert abs(float(mixture_mean) - float((torch.softmax(w, 0) * m).sum())) < 1e-9
    draws = discretized_logistic_mixture_sample(tile(w, 40000), tile(m, 40000), tile(s, 40000), BYTES, SeededNoise(9))
    exact = float((torch.exp(-nll).flatten() * grid.flatten()).sum())
    assert abs(moments(draws)[0] - exact) < 1


def test_beta_closed_form_edges_normalisation_and_samples() -> None:
    x = column([0.2, 0.5, 0.97, 0.0, 1.0])
    a = column([2.0, 0.5, 300.0, 2.0, 0.5]).requires_grad_()
    b = column([5.0, 0.5, 20.0, 3.0, 0.5]).requires_grad_()
    nll = beta_nll(x, a, b)
    clipped = x.clamp(1e-6, 1 - 1e-6).flatten().tolist()
    for value, xi, ai, bi in zip(nll.tolist(), clipped, a.flatten().tolist(), b.flatten().tolist()):
        expected = math.lgamma(ai) + math.lgamma(bi) - math.lgamma(ai + bi) - (ai - 1) * math.log(xi) - (bi - 1) * math.log1p(-xi)
        assert abs(value - expected) < 1e-9 * max(1, abs(expected))
    grads = torch.autograd.grad(nll.sum(), (a, b))
    assert all(torch.isfinite(g).all() for g in grads)
    assert torch.autograd.gradcheck(lambda p, q: beta_nll(column([0.2, 0.7]), p, q), (column([0.7, 3.0]).requires_grad_(), column([1.5, 40.0]).requires_grad_()))
    for p, q in ((1.0, 1.0), (2.0, 5.0), (3.5, 1.5), (10.0, 10.0)):
        integral = simpson(lambda t: -beta_nll(t, torch.full_like(t, p), torch.full_like(t, q)), 0, 1, 20000)
        assert abs(integral - 1) < 1e-4, (p, q)
    for p, q in ((2.0, 5.0), (0.5, 0.5), (0.3, 3.0), (50.0, 20.0)):
        samples = beta_sample(torch.full((40000, 1), p, dtype=torch.float64), torch.full((40000, 1), q, dtype=torch.float64), SeededNoise(11))
        assert ((samples >= 0) & (samples <= 1)).all()
        mean, variance = moments(samples)
        exact_var = p * q / ((p + q) ** 2 * (p + q + 1))
        assert abs(mean - p / (p + q)) < 0.01 * max(p / (p + q), 0.1) and abs(variance / exact_var - 1) < 0.05, (p, q)
    assert beta_mean(torch.tensor([2.0, 0.5]), torch.tensor([6.0, 0.5])).tolist() == [0.25, 0.5]
