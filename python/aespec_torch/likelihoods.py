"""The likelihoods beyond Normal, Bernoulli and Categorical: negative log densities per
example (shape [batch], nats, every constant kept), their means and their samples.

Term for term the formulas, constants and random draws of src/runtime/likelihoods.ts
(docs/likelihoods-numerics.md states them), so both engines agree to float32 precision
and, replaying the TF.js draws through ``ReplayNoise``, sample the same numbers. Branches
are chosen with ``torch.where`` on inputs that keep every branch finite, since the
gradient of the unchosen branch is multiplied by 0 and 0·∞ is NaN.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .distributions import sum_per_example
from .noise import Noise

LOG_2 = math.log(2)

# Log-scales are clipped to ±40 (zero gradient beyond), as LOG_SCALE_BOUND in TF.js.
LOG_SCALE_BOUND = 40.0


def _bounded_log_scale(log_scale: Tensor) -> Tensor:
    return torch.clamp(log_scale, -LOG_SCALE_BOUND, LOG_SCALE_BOUND)


def _uniform_within(shape, edge: float, noise: Noise) -> Tensor:
    """Noise.uniform draws (tf.randomUniform on the TF.js side) kept inside [edge, 1 − edge]."""
    return torch.clamp(noise.uniform(list(shape)), edge, 1 - edge)


# --- Laplace -----------------------------------------------------------------------------


def laplace_nll(x: Tensor, mu: Tensor, log_scale: Tensor) -> Tensor:
    """|x − μ|/b + log(2b), b = exp(log_scale)."""
    s = _bounded_log_scale(log_scale)
    centred = x - mu
    # |t| as sign(t)·t, as the TF.js runtime writes it (gradient 0 at 0).
    return sum_per_example(torch.sign(centred) * centred * torch.exp(-s) + (s + LOG_2))


def laplace_sample(mu: Tensor, log_scale: Tensor, noise: Noise) -> Tensor:
    """Inverse CDF: μ − b·sign(v)·log(1 − 2|v|), v = u − ½."""
    with torch.no_grad():
        v = _uniform_within(mu.shape, 1e-7, noise).to(mu) - 0.5
        tail = torch.log(1 - 2 * torch.abs(v))
        return mu - torch.exp(_bounded_log_scale(log_scale)) * (torch.sign(v) * tail)


# --- Continuous Bernoulli (Loaiza-Ganem & Cunningham 2019) -------------------------------

CB_LOG_NORMALISER_SERIES_BELOW = 0.5
CB_MEAN_SERIES_BELOW = 1.0
CB_SAMPLE_SERIES_BELOW = 0.01


def continuous_bernoulli_log_normaliser(logits: Tensor) -> Tensor:
    """log C = log(l / tanh(l/2)); near 0 its series in y = l/2 (see the TF.js runtime)."""
    a = torch.abs(logits)
    far = torch.clamp(a, min=CB_LOG_NORMALISER_SERIES_BELOW)
    exact = torch.log(far) - torch.log(torch.tanh(0.5 * far))
    y2 = torch.square(0.5 * torch.clamp(a, max=CB_LOG_NORMALISER_SERIES_BELOW))
    series = LOG_2 + y2 * (1 / 3 + y2 * (-7 / 90 + y2 * (62 / 2835 + y2 * (-127 / 18900))))
    return torch.where(a < CB_LOG_NORMALISER_SERIES_BELOW, series, exact)


def continuous_bernoulli_nll(x: Tensor, logits: Tensor) -> Tensor:
    """softplus(l) − x·l − log C: the binary cross-entropy minus the log normaliser."""
    cross_entropy = F.softplus(logits) - x * logits
    return sum_per_example(cross_entropy - continuous_bernoulli_log_normaliser(logits))


def continuous_bernoulli_mean(logits: Tensor) -> Tensor:
    """½ + (coth y − 1/y)/2, y = l/2; the Langevin series near 0."""
    y = 0.5 * logits
    far = torch.clamp(torch.abs(y), min=CB_MEAN_SERIES_BELOW / 2)
    exact = torch.sign(y) * (torch.reciprocal(torch.tanh(far)) - torch.reciprocal(far))
    near = torch.clamp(y, -CB_MEAN_SERIES_BELOW / 2, CB_MEAN_SERIES_BELOW / 2)
    y2 = torch.square(near)
    series = near * (1 / 3 + y2 * (-1 / 45 + y2 * (2 / 945 + y2 * (-1 / 4725))))
    langevin = torch.where(torch.abs(logits) < CB_MEAN_SERIES_BELOW, series, exact)
    return 0.5 + 0.5 * langevin


def continuous_bernoulli_sample(logits: Tensor, noise: Noise) -> Tensor:
    """Inverse CDF s = log(1 + v·expm1(a))/a with a = −|l|, x = s (l < 0) or 1 − s."""
    with torch.no_grad():
        u = noise.uniform(list(logits.shape)).to(logits)
        negative = logits < 0
        v = torch.where(negative, u, 1 - u)
        a = -torch.abs(logits)
        far = torch.clamp(a, max=-CB_SAMPLE_SERIES_BELOW)
        exact = torch.log1p(v * torch.expm1(far)) / far
        near = torch.clamp(a, min=-CB_SAMPLE_SERIES_BELOW)
        spread = v * (1 - v)
        series = v + spread * (0.5 * near + (1 - 2 * v) / 6 * torch.square(near))
        s = torch.clamp(torch.where(a > -CB_SAMPLE_SERIES_BELOW, series, exact), 0, 1)
        return torch.where(negative, s, 1 - s)


# --- Discretized logistic (Salimans et al. 2017, PixelCNN++) ------------------------------


class Bins(NamedTuple):
    """The grid data lie on: low + i·(high − low)/(levels − 1), i = 0 … levels − 1."""

    low: float
    high: float
    levels: int


def bin_width(bins: Bins) -> float:
    if not isinstance(bins.levels, int) or bins.levels < 2 or not bins.high > bins.low:
        raise ValueError(f"a discretized likelihood needs levels ≥ 2 and high > low, not {tuple(bins)}")
    return (bins.high - bins.low) / (bins.levels - 1)


NARROW_BIN = 1e-3


def discretized_logistic_log_mass(x: Tensor, mu: Tensor, log_scale: Tensor, bins: Bins) -> Tensor:
    """log P(x's bin) element-wise: the open-ended edge bins, log σ(a) + log σ(−c) + log(1 − e^(−d))
    inside, the midpoint rule for narrow bins (d < 1e-3)."""
    step = bin_width(bins)
    s = _bounded_log_scale(log_scale)
    inverse_scale = torch.exp(-s)
    centred = x - mu
    upper = inverse_scale * (centred + step / 2)
    lower = inverse_scale * (centred - step / 2)
    width = inverse_scale * step
    log_below_upper = -F.softplus(-upper)
    log_above_lower = -F.softplus(lower)
    wide = torch.clamp(width, min=NARROW_BIN)
    log_bin = (log_below_upper + log_above_lower) + torch.log(-torch.expm1(-wide))
    middle = inverse_scale * centred
    log_midpoint = -(F.softplus(middle) + F.softplus(-middle)) - (s - math.log(step))
    inside = torch.where(width > NARROW_BIN, log_bin, log_midpoint)
    top = torch.where(x > bins.high - step / 2, log_above_lower, inside)
    return torch.where(x < bins.low + step / 2, log_below_upper, top)


def discretized_logistic_nll(x: Tensor, mu: Tensor, log_scale: Tensor, bins: Bins) -> Tensor:
    return sum_per_example(-discretized_logistic_log_mass(x, mu, log_scale, bins))


def discretized_logistic_mean(mu: Tensor, log_scale: Tensor, bins: Bins) -> Tensor:
    """μ clipped to [low, high] (not the exact mean of the binned distribution)."""
    bin_width(bins)
    return torch.clamp(mu, bins.low, bins.high)


def _snap_to_grid(value: Tensor, bins: Bins) -> Tensor:
    step = bin_width(bins)
    index = torch.clamp(torch.round((value - bins.low) / step), 0, bins.levels - 1)
    return bins.low + index * step


def discretized_logistic_sample(mu: Tensor, log_scale: Tensor, bins: Bins, noise: Noise) -> Tensor:
    """μ + b·log(u/(1 − u)), u within [1e-5, 1 − 1e-5], snapped to the grid."""
    with torch.no_grad():
        u = _uniform_within(mu.shape, 1e-5, noise).to(mu)
        logistic = torch.log(u) - torch.log(1 - u)
        return _snap_to_grid(mu + torch.exp(_bounded_log_scale(log_scale)) * logistic, bins)


def discretized_logistic_mixture_nll(x: Tensor, logit_weights: Tensor, mu: Tensor, log_scale: Tensor, bins: Bins) -> Tensor:
    """K components per dimension (parameters [batch, ...shape, K]); log-sum-exp over K."""
    log_weights = logit_weights - torch.logsumexp(logit_weights, -1, keepdim=True)
    log_mass = discretized_logistic_log_mass(x.unsqueeze(-1), mu, log_scale, bins)
    return sum_per_example(-torch.logsumexp(log_weights + log_mass, -1))


def discretized_logistic_mixture_mean(logit_weights: Tensor, mu: Tensor, log_scale: Tensor, bins: Bins) -> Tensor:
    return (torch.softmax(logit_weights, -1) * discretized_logistic_mean(mu, log_scale, bins)).sum(-1)


def discretized_logistic_mixture_sample(logit_weights: Tensor, mu: Tensor, log_scale: Tensor, bins: Bins, noise: Noise) -> Tensor:
    """A component by Gumbel-max, then that component's draw."""
    with torch.no_grad():
        gumbel = -torch.log(-torch.log(_uniform_within(logit_weights.shape, 1e-5, noise).to(logit_weights)))
        chosen = F.one_hot(torch.argmax(logit_weights + gumbel, -1), logit_weights.shape[-1]).to(mu)
        return discretized_logistic_sample((chosen * mu).sum(-1), (chosen * log_scale).sum(-1), bins, noise)


# --- Beta ---------------------------------------------------------------------------------

BETA_EDGE = 1e-6


def beta_nll(x: Tensor, alpha: Tensor, beta: Tensor) -> Tensor:
    """log B(α, β) − (α − 1)·log x − (β − 1)·log(1 − x), x clipped to [1e-6, 1 − 1e-6]."""
    clipped = torch.clamp(x, BETA_EDGE, 1 - BETA_EDGE)
    log_beta = (torch.lgamma(alpha) + torch.lgamma(beta)) - torch.lgamma(alpha + beta)
    log_kernel = (alpha - 1) * torch.log(clipped) + (beta - 1) * torch.log(1 - clipped)
    return sum_per_example(log_beta - log_kernel)


def beta_mean(alpha: Tensor, beta: Tensor) -> Tensor:
    return alpha / (alpha + beta)


GAMMA_ROUNDS = 10


def _log_gamma_sample(alpha: Tensor, noise: Noise) -> Tensor:
    """log G, G ~ Gamma(α, 1): Marsaglia & Tsang in fixed rounds, drawn as the TF.js runtime draws."""
    boost = (alpha < 1).to(alpha)
    raised = alpha + boost
    d = raised - 1 / 3
    c = torch.rsqrt(9 * d)
    shape = [GAMMA_ROUNDS, *alpha.shape]
    n = noise.normal(shape).to(alpha)
    u = noise.uniform(shape).to(alpha)
    boost_u = _uniform_within(alpha.shape, 1e-30, noise).to(alpha)
    cube = torch.pow(1 + c * n, 3)
    positive = torch.clamp(cube, min=1e-30)
    bound = 0.5 * torch.square(n) + ((d - d * positive) + d * torch.log(positive))
    accepted = (cube > 0) & (torch.log(u) < bound)
    proposals = torch.log(d * positive)
    log_g = torch.log(d)
    for round in range(GAMMA_ROUNDS - 1, -1, -1):
        log_g = torch.where(accepted[round], proposals[round], log_g)
    return log_g + boost * (torch.log(boost_u) / alpha)


def beta_sample(alpha: Tensor, beta: Tensor, noise: Noise) -> Tensor:
    """σ(log G_α − log G_β). No gradient."""
    with torch.no_grad():
        log_a = _log_gamma_sample(alpha, noise)
        log_b = _log_gamma_sample(beta, noise)
        return torch.sigmoid(log_a - log_b)
