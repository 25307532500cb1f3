"""Mixture priors (src/runtime/mixturePriors.ts's twin): densities against a direct
float64 sum over components, the VampPrior as the mean of posteriors, samples by weight."""

import math

import torch

from aespec_torch.distributions import NormalParameters
from aespec_torch.mixture_priors import FixedGaussianMixturePrior, axis_means, into_support, learned_mixture, mixture_log_prob, mixture_sample, vamp_mixture
from aespec_torch.noise import SeededNoise

MU = [[0.0, 1.0, -1.0], [2.0, 0.0, 0.5], [-1.5, -0.5, 1.0]]
LOGVAR = [[0.0, 0.3, -0.4], [-1.0, 0.2, 0.0], [0.5, -0.2, 0.1]]
Z = [[0.2, 0.4, -0.3], [1.8, -0.1, 0.9], [-3.0, 2.0, 0.0]]


def direct(z, mu, logvar, weights):
    total = 0.0
    for k, m in enumerate(mu):
        density = weights[k]
        for i, zi in enumerate(z):
            variance = math.exp(logvar[k][i])
            density *= math.exp(-((zi - m[i]) ** 2) / (2 * variance)) / math.sqrt(2 * math.pi * variance)
        total += density
    return math.log(total)


def test_learned_mixture_density_is_the_direct_sum():
    logits = [0.3, -0.2, 1.1]
    total = sum(math.exp(v) for v in logits)
    weights = [math.exp(v) / total for v in logits]
    got = mixture_log_prob(torch.tensor(Z), learned_mixture(torch.tensor(MU), torch.tensor(LOGVAR), torch.tensor(logits)))
    for n, row in enumerate(Z):
        assert abs(got[n].item() - direct(row, MU, LOGVAR, weights)) < 1e-4


def test_vamp_prior_is_the_mean_of_the_posteriors():
    m = vamp_mixture(NormalParameters(torch.tensor(MU), torch.tensor(LOGVAR)))
    got = mixture_log_prob(torch.tensor(Z), m)
    for n, row in enumerate(Z):
        assert abs(got[n].item() - direct(row, MU, LOGVAR, [1 / 3] * 3)) < 1e-4


def test_fixed_mixture_means_and_samples():
    assert axis_means(3, 2, 4.0).tolist() == [[4, 0], [-4, 0], [0, 4]]
    prior = FixedGaussianMixturePrior((2,), 4, 5.0, 0.5)
    samples = prior.sample(4000, SeededNoise(3))
    first = ((samples[:, 0].abs() > samples[:, 1].abs()) & (samples[:, 0] > 0)).float().mean().item()
    assert abs(first - 0.25) < 0.03
    log_prob = prior.log_prob(torch.tensor([[5.0, 0.0]]))[0].item()
    assert abs(log_prob - direct([5, 0], axis_means(4, 2, 5.0).tolist(), [[2 * math.log(0.5)] * 2] * 4, [0.25] * 4)) < 1e-4


def test_samples_pick_components_by_weight():
    m = learned_mixture(torch.tensor([[-10.0], [10.0]]), torch.tensor([[-4.0], [-4.0]]), torch.tensor([math.log(0.2), math.log(0.8)]))
    samples = mixture_sample(5000, [1], m, SeededNoise(5))
    assert abs((samples > 0).float().mean().item() - 0.8) < 0.03


def test_pseudo_inputs_map_into_the_support():
    u = torch.tensor([-50.0, 0.0, 50.0])
    assert torch.allclose(into_support(u, -1.0, 3.0), torch.tensor([-1.0, 1.0, 3.0]))
    assert torch.allclose(into_support(u, binary=True), torch.tensor([0.0, 0.5, 1.0]))
    assert torch.equal(into_support(u), u)
