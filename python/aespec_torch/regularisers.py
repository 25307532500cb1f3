"""The code regularisers of WAE, InfoVAE, β-TCVAE, FactorVAE and RAE, and the GAN losses
beyond the logistic one, as src/runtime/regularisers.ts. Each is a batch statistic."""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import torch
from torch import Tensor

from .distributions import NormalParameters
from .noise import Noise

_LOG_2PI = math.log(2 * math.pi)


def _rows(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], -1)


def squared_distances(a: Tensor, b: Tensor) -> Tensor:
    """‖aᵢ − bⱼ‖² for every pair of rows, never below 0."""
    aa = torch.square(a).sum(1, keepdim=True)
    bb = torch.square(b).sum(1).reshape(1, -1)
    return torch.relu(aa + bb - 2 * torch.matmul(a, b.t()))


def kernel_matrix(a: Tensor, b: Tensor, kernel: str, scale: float) -> Tensor:
    """Inverse multiquadratic s / (s + ‖a − b‖²) or Gaussian exp(−‖a − b‖² / s)."""
    d = squared_distances(a, b)
    return scale / (scale + d) if kernel == "imq" else torch.exp(-d / scale)


def mmd_unbiased(codes: Tensor, samples: Tensor, kernel: str, scale: float) -> Tensor:
    """The unbiased MMD² (Gretton et al. 2012); with one row the within-sample means are 0."""
    a, b = _rows(codes), _rows(samples)
    n = a.shape[0]
    pairs = max(n * (n - 1), 1)

    def within(x: Tensor) -> Tensor:
        return (kernel_matrix(x, x, kernel, scale).sum() - n) / pairs

    cross = kernel_matrix(a, b, kernel, scale).sum() / (n * n)
    return within(a) + within(b) - 2 * cross


class AggregatePosterior(NamedTuple):
    conditional: Tensor  # log q(zᵢ | xᵢ)
    joint: Tensor  # log q(zᵢ), q(z) = (1/M) Σⱼ q(z | xⱼ)
    marginals: Tensor  # Σ_d log q(zᵢ_d)


def aggregate_posterior(z: Tensor, posterior: NormalParameters) -> AggregatePosterior:
    """Each code under every example's diagonal Normal posterior of the batch ([M, M, D])."""
    codes, mu, logvar = _rows(z), _rows(posterior.mu), _rows(posterior.logvar)
    m = codes.shape[0]
    log_m = math.log(m)
    diff = codes.unsqueeze(1) - mu.unsqueeze(0)
    log_density = -0.5 * (torch.square(diff) / torch.exp(logvar.unsqueeze(0)) + logvar.unsqueeze(0) + _LOG_2PI)
    pairs = log_density.sum(2)
    return AggregatePosterior(
        conditional=(pairs * torch.eye(m, dtype=pairs.dtype, device=pairs.device)).sum(1),
        joint=torch.logsumexp(pairs, 1) - log_m,
        marginals=(torch.logsumexp(log_density, 1) - log_m).sum(1),
    )


def total_correlation(q: AggregatePosterior) -> Tensor:
    return (q.joint - q.marginals).mean()


def index_code_mutual_information(q: AggregatePosterior) -> Tensor:
    return (q.conditional - q.joint).mean()


def dimension_wise_kl(q: AggregatePosterior, z: Tensor, mu: float, sigma: float) -> Tensor:
    codes = _rows(z)
    log_prior = -0.5 * (torch.square((codes - mu) / sigma) + 2 * math.log(sigma) + _LOG_2PI).sum(1)
    return (q.marginals - log_prior).mean()


def half_squared_norm(z: Tensor) -> Tensor:
    """½‖z‖² per example."""
    return 0.5 * torch.square(_rows(z)).sum(1)


def weight_decay(weights: Sequence[Tensor]) -> Tensor:
    """½ Σ θ² over the given weights (0 for a network of parameter-free layers)."""
    if len(weights) == 0:
        return torch.zeros(())
    return 0.5 * torch.stack([torch.square(w).sum() for w in weights]).sum()


def permute_dimensions(z: Tensor, noise: Noise) -> Tensor:
    """Each dimension shuffled across the batch on its own: its order ranks a uniform draw, as TF.js."""
    codes = _rows(z)
    m, d = codes.shape
    order = torch.topk(noise.uniform([d, m], 0.0, 1.0), m).indices
    return torch.gather(codes.t(), 1, order).t().reshape(z.shape)


def least_squares_discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    return 0.5 * (torch.square(real_logits - 1).mean() + torch.square(fake_logits).mean())


def hinge_discriminator_loss(real_logits: Tensor, fake_logits: Tensor) -> Tensor:
    return torch.relu(1 - real_logits).mean() + torch.relu(1 + fake_logits).mean()


def gan_generator_loss_of(fake_logits: Tensor, loss: str) -> Tensor:
    """½(D(fake) − 1)² (least squares) or −D(fake) (hinge)."""
    return 0.5 * torch.square(fake_logits - 1).mean() if loss == "leastSquares" else -fake_logits.mean()
