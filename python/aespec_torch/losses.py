"""Loss terms' building blocks, as src/runtime/losses.ts and corruption.ts."""

from __future__ import annotations

import math
from typing import NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .layers import activate, activation_derivative
from .noise import Noise
from .regularisers import gan_generator_loss_of, hinge_discriminator_loss, least_squares_discriminator_loss


def batch_mean(per_example: Tensor) -> Tensor:
    return per_example.mean()


def gan_discriminator_loss(real_logits: Tensor, fake_logits: Tensor, loss: str = "logistic") -> Tensor:
    """−log D(real) − log(1 − D(fake)) = softplus(−real) + softplus(fake), finite for any logit; or least squares, or hinge."""
    if loss == "leastSquares":
        return least_squares_discriminator_loss(real_logits, fake_logits)
    if loss == "hinge":
        return hinge_discriminator_loss(real_logits, fake_logits)
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def gan_generator_loss(fake_logits: Tensor, loss: str) -> Tensor:
    """Non-saturating −log D(fake) = softplus(−fake), or minimax log(1 − D(fake)) = −softplus(fake); or least squares, or hinge."""
    if loss in ("leastSquares", "hinge"):
        return gan_generator_loss_of(fake_logits, loss)
    if loss == "nonsaturating":
        return F.softplus(-fake_logits).mean()
    return -F.softplus(fake_logits).mean()


def iwae_loss(log_weights: Tensor) -> Tensor:
    """−log (1/k) Σᵢ wᵢ per example from log-weights shaped [k, batch]."""
    k = log_weights.shape[0]
    return -(torch.logsumexp(log_weights, 0) - math.log(k))


class DenseStage(NamedTuple):
    kernel: Tensor
    bias: Tensor
    activation: str


def contractive_penalty(x: Tensor, stages: Sequence[DenseStage], noise: Noise) -> Tensor:
    """‖∂z/∂x‖²_F per example: exact for one dense layer, Hutchinson's estimate E‖J u‖² for deeper ones."""
    if len(stages) == 1:
        kernel, bias, activation = stages[0]
        derivative = activation_derivative(torch.matmul(x, kernel) + bias, activation)
        column_norms = torch.square(kernel).sum(0)
        return (torch.square(derivative) * column_norms).sum(1)
    h = x
    jvp = noise.normal(list(x.shape), 0.0, 1.0)
    for kernel, bias, activation in stages:
        pre = torch.matmul(h, kernel) + bias
        jvp = activation_derivative(pre, activation) * torch.matmul(jvp, kernel)
        h = activate(pre, activation)
    return torch.square(jvp).sum(1)


def gaussian_noise(x: Tensor, sigma: float, bounds: Optional[Tuple[float, float]], noise: Noise) -> Tensor:
    """Adds N(0, σ²) noise, clipped to the support when it is bounded."""
    noisy = x + noise.normal(list(x.shape), 0.0, sigma)
    return torch.clamp(noisy, bounds[0], bounds[1]) if bounds is not None else noisy


def salt_pepper(x: Tensor, p: float, low: float, high: float, noise: Noise) -> Tensor:
    """Sets a fraction p of the values to ``low`` or ``high``, each with probability p/2."""
    u = noise.uniform(list(x.shape), 0.0, 1.0)
    pepper = u < p / 2
    salt = (u >= p / 2) & (u < p)
    return torch.where(pepper, torch.full_like(x, low), torch.where(salt, torch.full_like(x, high), x))


def masking(x: Tensor, p: float, noise: Noise) -> Tensor:
    """Sets a fraction p of the values to zero."""
    keep = noise.uniform(list(x.shape), 0.0, 1.0) >= p
    return x * keep.to(x.dtype)
