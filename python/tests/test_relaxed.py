"""The relaxed categorical (Gumbel-softmax) in float64 against closed forms and finite
differences, as tests/runtime/relaxed.test.ts checks the TF.js runtime."""

from __future__ import annotations

import math

import torch

import aespec_torch as rt

LOGITS = torch.tensor([1.0, 0.0, -1.0, 0.5], dtype=torch.float64)


def relaxed_moments(temperature: float, n: int, seed: int, hard: bool = False):
    noise = rt.SeededNoise(seed)
    logits = LOGITS.repeat(n, 1)
    gumbel = rt.gumbel_noise(logits.shape, noise).to(torch.float64)
    y = rt.relaxed_categorical_from_noise(rt.RelaxedCategoricalParameters(logits, temperature, hard), gumbel)
    return y.mean(0), y.max(1).values.mean().item()


def test_tends_to_the_categorical_as_the_temperature_falls() -> None:
    expected = torch.softmax(LOGITS, 0)
    n = 40000
    grid = [5, 2, 1, 0.5, 0.1, 0.01, 0.001]
    moments = [relaxed_moments(t, n, 11) for t in grid]
    largest = [m[1] for m in moments]
    assert all(b > a for a, b in zip(largest, largest[1:]))
    assert largest[0] < 0.6 and largest[-1] > 0.999
    sigma = torch.sqrt(expected * (1 - expected) / n)
    assert torch.all((moments[-1][0] - expected).abs() < 4 * sigma)
    assert (moments[0][0][0] - expected[0]).abs() > 0.05


def test_straight_through_is_one_hot_with_the_soft_gradient() -> None:
    expected = torch.softmax(LOGITS, 0)
    n = 40000
    mean, largest = relaxed_moments(2, n, 5, hard=True)
    assert largest == 1
    assert torch.all((mean - expected).abs() < 4 * torch.sqrt(expected * (1 - expected) / n))
    logits = torch.tensor([[1.0, 0.0, -1.0, 0.5], [0.2, -0.3, 2.0, 0.0]], dtype=torch.float64)
    gumbel = rt.gumbel_noise(logits.shape, rt.SeededNoise(3)).to(torch.float64)
    w = torch.tensor([[0.3, -1, 2, 0.5], [1, 0.1, -0.4, 2]], dtype=torch.float64)

    def grad(hard: bool) -> torch.Tensor:
        x = logits.clone().requires_grad_(True)
        (rt.relaxed_categorical_from_noise(rt.RelaxedCategoricalParameters(x, 0.7, hard), gumbel) * w).sum().backward()
        return x.grad

    assert torch.equal(grad(True), grad(False))


def test_gradient_with_fixed_noise_against_closed_form_and_finite_differences() -> None:
    logits = torch.tensor([[1.0, 0.0, -1.0, 0.5], [0.2, -0.3, 2.0, 0.0]], dtype=torch.float64, requires_grad=True)
    gumbel = rt.gumbel_noise(logits.shape, rt.SeededNoise(9)).to(torch.float64)
    w = torch.tensor([[0.3, -1, 2, 0.5], [1, 0.1, -0.4, 2]], dtype=torch.float64)
    temperature = 0.5

    def f(x: torch.Tensor) -> torch.Tensor:
        return (rt.relaxed_categorical_from_noise(rt.RelaxedCategoricalParameters(x, temperature, False), gumbel) * w).sum()

    assert torch.autograd.gradcheck(f, (logits,), eps=1e-6, atol=1e-8)
    f(logits).backward()
    y = torch.softmax((logits.detach() + gumbel) / temperature, -1)
    closed = y * (w - (y * w).sum(1, keepdim=True)) / temperature
    assert torch.allclose(logits.grad, closed, atol=1e-12)


def test_kl_against_the_uniform_prior_in_closed_form() -> None:
    rows = torch.tensor([[1.0, 0.0, -1.0, 0.5], [0, 0, 0, 0], [30, 0, 0, 0], [-4, 2.5, 0.1, 1]], dtype=torch.float64, requires_grad=True)
    kl = rt.categorical_kl_uniform(rows)
    for i, row in enumerate(rows.detach().tolist()):
        m = max(row)
        e = [math.exp(v - m) for v in row]
        q = [v / sum(e) for v in e]
        reference = sum(v * math.log(v) for v in q if v > 0) + math.log(4)
        assert abs(kl[i].item() - reference) < 1e-12
    assert abs(kl[1].item()) < 1e-15 and abs(kl[2].item() - math.log(4)) < 1e-10
    assert torch.autograd.gradcheck(lambda x: rt.categorical_kl_uniform(x).sum(), (rows,), eps=1e-6, atol=1e-8)


def test_mode_and_gumbel_moments() -> None:
    assert torch.equal(rt.categorical_mode(torch.tensor([[1.0, 0, -1, 0.5], [0, 3, 1, 2]])), torch.tensor([[1.0, 0, 0, 0], [0, 1, 0, 0]]))
    g = rt.gumbel_noise([200000], rt.SeededNoise(4)).to(torch.float64)
    assert abs(g.mean().item() - 0.5772156649) < 0.01
    assert abs(g.var().item() / (math.pi**2 / 6) - 1) < 0.02
    assert torch.isfinite(g).all()


def test_groups_per_last_axis_and_the_grouped_prior() -> None:
    rows = torch.tensor([[[1.0, 0, -1, 0.5], [0, 0, 0, 0], [30, 0, 0, 0]], [[-4, 2.5, 0.1, 1], [1.0, 0, -1, 0.5], [0, 3, 1, 2]]], dtype=torch.float64)
    kl = rt.categorical_kl_uniform(rows)
    log_q = torch.log_softmax(rows, -1)
    assert torch.allclose(kl, ((log_q.exp() * log_q).sum(-1) + math.log(4)).sum(-1), atol=1e-12)
    y = rt.relaxed_categorical_sample(rt.RelaxedCategoricalParameters(rows, 0.5, False), rt.SeededNoise(2))
    assert y.shape == (2, 3, 4) and torch.allclose(y.sum(-1), torch.ones(2, 3, dtype=torch.float64))
    assert rt.categorical_mode(rows)[1, 2].tolist() == [0, 1, 0, 0]
    prior = rt.CategoricalPrior(4, 3)
    codes = prior.sample(500, rt.SeededNoise(8))
    assert codes.shape == (500, 3, 4) and torch.all(codes.sum(-1) == 1)
    assert torch.all((codes.mean(0) - 0.25).abs() < 0.08)
    assert abs(prior.log_prob(codes)[0].item() + 3 * math.log(4)) < 1e-6


def test_a_scheduled_temperature_is_the_schedules_value_at_the_steps_clock() -> None:
    """specs/gumbel-vae.aespec anneals τ = max(0.5, exp(−3e-5·t)) (Jang et al.): the encoder's
    temperature is that at the Forward's step — the steps done by default, the step being taken
    in phase_gradients."""
    import importlib.util
    import os

    path = os.path.join(os.path.dirname(__file__), "..", "..", "generated", "gumbel-vae.py")
    spec = importlib.util.spec_from_file_location("gumbel_vae_generated", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.create_gumbel_vae(seed=3)
    batch = {"x": (torch.rand(2, 784, generator=torch.Generator().manual_seed(1)) < 0.5).float()}
    tau = lambda t: max(0.5, math.exp(-3e-5 * t))  # noqa: E731
    assert model.values(batch, True).out_q()["c"].temperature == tau(0) == 1.0
    for step in (1, 2000, 10_000, 30_000):
        assert abs(model.values(batch, True, step=step).out_q()["c"].temperature - tau(step)) < 1e-12
    model.steps = 20_000
    assert abs(model.values(batch, False).out_q()["c"].temperature - tau(20_000)) < 1e-12
    seen = []
    values = model.values

    def recording(b, training, noise=None, step=None):  # type: ignore[no-untyped-def]
        f = values(b, training, noise, step)
        seen.append(f.out_q()["c"].temperature)
        return f

    model.values = recording  # type: ignore[method-assign]
    model.phase_gradients(0, {"all": model.to_device(batch)}, step=500)
    model.phase_gradients(0, {"all": model.to_device(batch)})
    assert len(seen) == 2
    assert abs(seen[0] - tau(500)) < 1e-12 and abs(seen[1] - tau(20_000)) < 1e-12
