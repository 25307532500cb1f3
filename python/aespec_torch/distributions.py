"""Log densities and samples, per example: each sums over a variable's dimensions and
returns shape [batch]; losses average over the batch ("nats per example").
Stable from logits, as src/runtime/distributions.ts."""

from __future__ import annotations

import math
from typing import NamedTuple, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from .noise import Noise

LOG_2PI = math.log(2 * math.pi)


def sum_per_example(t: Tensor) -> Tensor:
    if t.dim() == 1:
        return t
    return t.reshape(t.shape[0], -1).sum(1)


class NormalParameters(NamedTuple):
    """A Gaussian by mean and log-variance (sigma heads go through softplus first)."""

    mu: Tensor
    logvar: Tensor


class LogitParameters(NamedTuple):
    logits: Tensor


class ValueParameters(NamedTuple):
    value: Tensor


Parameters = Union[NormalParameters, LogitParameters, ValueParameters]


def normal_from_sigma(mu: Tensor, raw_sigma: Tensor) -> NormalParameters:
    """A head named ``sigma`` is unconstrained; softplus keeps the standard deviation positive."""
    sigma = F.softplus(raw_sigma) + 1e-6
    return NormalParameters(mu, 2 * torch.log(sigma))


def bound_logvar(p: NormalParameters, low: float, high: float) -> NormalParameters:
    """The Normal with its log-variance clamped to [low, high] (the IR's logvarBounds), zero gradient beyond."""
    return NormalParameters(p.mu, torch.clamp(p.logvar, low, high))


def normal_log_prob(x: Tensor, p: NormalParameters) -> Tensor:
    squared = torch.square(x - p.mu) / torch.exp(p.logvar)
    return -0.5 * sum_per_example(squared + p.logvar + LOG_2PI)


def normal_sample(p: NormalParameters, noise: Noise) -> Tensor:
    """z = mu + sigma * eps: differentiable in mu and logvar."""
    eps = noise.normal(list(p.mu.shape), 0.0, 1.0)
    return p.mu + torch.exp(0.5 * p.logvar) * eps


def bernoulli_nll(logits: Tensor, x: Tensor) -> Tensor:
    """softplus(logits) − x·logits: the binary cross-entropy from logits, finite for any logit."""
    return sum_per_example(F.softplus(logits) - x * logits)


def logits_from_probs(probs: Tensor) -> Tensor:
    p = torch.clamp(probs, 1e-6, 1 - 1e-6)
    return torch.log(p) - torch.log1p(-p)


def categorical_nll(logits: Tensor, y: Tensor) -> Tensor:
    """logsumexp(logits) − y·logits, for one-hot (or soft) y."""
    flat = logits.reshape(logits.shape[0], -1)
    target = y.reshape(y.shape[0], -1)
    return torch.logsumexp(flat, 1) - (target * flat).sum(1)


def categorical_logits_from_probs(probs: Tensor) -> Tensor:
    return torch.log(torch.clamp(probs, 1e-6, 1))


def kl_normal_normal(q: NormalParameters, prior_mean: float, prior_sigma: float) -> Tensor:
    """KL(N(mu, σ²) ‖ N(m, s²)) per example, in closed form."""
    variance = torch.exp(q.logvar)
    s2 = prior_sigma * prior_sigma
    per_dimension = (math.log(prior_sigma) - 0.5 * q.logvar) + ((variance + torch.square(q.mu - prior_mean)) / (2 * s2) - 0.5)
    return sum_per_example(per_dimension)


def one_hot_labels(label: Optional[Union[int, Sequence[int]]], n: int, classes: int, noise: Noise) -> Tensor:
    """One-hot labels for sampling: one class for all, one per example (cycled), or uniform."""
    indices = []
    for i in range(n):
        value = noise.int(classes) if label is None else label if isinstance(label, int) else label[i % len(label)]
        if not isinstance(value, int) or value < 0 or value >= classes:
            raise ValueError(f"label {value} is not a class in 0..{classes - 1}")
        indices.append(value)
    return F.one_hot(torch.tensor(indices, dtype=torch.long), classes).float()
