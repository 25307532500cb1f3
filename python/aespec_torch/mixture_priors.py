"""Mixtures of diagonal Gaussians in any dimension as priors: fixed, learned, and the
VampPrior (Tomczak & Welling 2018). The maths of src/runtime/mixturePriors.ts, draw for draw."""

from __future__ import annotations

import math
from typing import Callable, NamedTuple, Optional, Sequence, Tuple

import torch
from torch import Tensor

from .distributions import LOG_2PI, NormalParameters
from .layers import Layer
from .noise import Noise
from .priors import Prior


class MixtureParameters(NamedTuple):
    """mu and logvar [K, size]; log_weights [K], log-normalised."""

    mu: Tensor
    logvar: Tensor
    log_weights: Tensor


def mixture_log_prob(z: Tensor, m: MixtureParameters) -> Tensor:
    """log Σₖ πₖ N(z; μₖ, diag σₖ²) per example, by log-sum-exp over the components."""
    m = MixtureParameters(*(t.to(z.device) for t in m))
    flat = z.reshape(z.shape[0], 1, -1)
    squared = torch.square(flat - m.mu.unsqueeze(0)) / torch.exp(m.logvar.unsqueeze(0))
    per_component = -0.5 * (squared + m.logvar.unsqueeze(0) + LOG_2PI).sum(2)
    return torch.logsumexp(per_component + m.log_weights.unsqueeze(0), 1)


def mixture_sample(n: int, shape: Sequence[int], m: MixtureParameters, noise: Noise) -> Tensor:
    """A component by inverting the weights' cumulative sum at one uniform draw each, then μₖ + σₖ·ε."""
    k = m.log_weights.shape[0]
    u = noise.uniform([n, 1], 0.0, 1.0)
    m = MixtureParameters(*(t.to(u.device) for t in m))
    cumulative = torch.cumsum(torch.exp(m.log_weights), 0)[: k - 1]
    index = (u > cumulative.unsqueeze(0)).sum(1)
    mu, logvar = m.mu[index], m.logvar[index]
    eps = noise.normal(list(mu.shape), 0.0, 1.0)
    return (mu + torch.exp(0.5 * logvar) * eps).reshape(n, *shape)


class GaussianMixturePrior(Prior):
    """A mixture prior whose parameters are computed on each use (from weights, for a learned one)."""

    def __init__(self, shape: Sequence[int], parameters: Callable[[], MixtureParameters]) -> None:
        self.shape, self.parameters = list(shape), parameters

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        return mixture_sample(n, self.shape, self.parameters(), noise)

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        return mixture_log_prob(z, self.parameters())


def axis_means(components: int, size: int, radius: float) -> Tensor:
    """Component k at (−1)ᵏ·radius on axis ⌊k/2⌋."""
    means = torch.zeros(components, size)
    for k in range(components):
        means[k, k // 2] = radius if k % 2 == 0 else -radius
    return means


class FixedGaussianMixturePrior(GaussianMixturePrior):
    """K equal-weight Gaussians of standard deviation sigma, means at ±radius on the axes."""

    def __init__(self, shape: Sequence[int], components: int, radius: float, sigma: float) -> None:
        size = math.prod(shape)
        fixed = MixtureParameters(
            axis_means(components, size, radius),
            torch.full((components, size), 2 * math.log(sigma)),
            torch.full((components,), -math.log(components)),
        )
        super().__init__(shape, lambda: fixed)


def learned_mixture(means: Tensor, logvars: Tensor, logits: Tensor) -> MixtureParameters:
    return MixtureParameters(means, logvars, torch.log_softmax(logits, 0))


def vamp_mixture(posterior: NormalParameters) -> MixtureParameters:
    """The encoder's posteriors at the K pseudo-inputs, equally weighted."""
    k = posterior.mu.shape[0]
    return MixtureParameters(posterior.mu.reshape(k, -1), posterior.logvar.reshape(k, -1), torch.full((k,), -math.log(k), device=posterior.mu.device))


def into_support(u: Tensor, low: Optional[float] = None, high: Optional[float] = None, binary: bool = False) -> Tensor:
    """low + (high − low)·sigmoid(u) for an interval, sigmoid(u) for binary data, u for reals."""
    if binary:
        return torch.sigmoid(u)
    if low is not None and high is not None:
        return low + (high - low) * torch.sigmoid(u)
    return u


class PriorWeights(Layer):
    """A learned prior's weights, under their TF.js names (`p(z)/means`…)."""

    def __init__(self, weights: Sequence[Tuple[str, str, Sequence[int]]]) -> None:
        super().__init__()
        for attribute, name, shape in weights:
            self.add_weight(attribute, name, shape)
