"""The parameters of the likelihoods beyond Normal, Bernoulli and Categorical, as the
generated networks hand them to likelihoods.py, and the two ways a parameter is given
without a head: a constant (torch.full_like, in the generated code) and a learned weight.
Mirrors src/runtime/likelihoodParameters.ts."""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from .layers import Layer


class LaplaceParameters(NamedTuple):
    mu: Tensor
    log_scale: Tensor


class DiscretizedLogisticParameters(NamedTuple):
    mu: Tensor
    log_scale: Tensor
    bins: Any


class DiscretizedLogisticMixtureParameters(NamedTuple):
    """Each [batch, ...shape, K]."""

    logits: Tensor
    mu: Tensor
    log_scale: Tensor
    bins: Any


class BetaParameters(NamedTuple):
    alpha: Tensor
    beta: Tensor


class Learned(Layer):
    """A likelihood parameter the network learns (``logvar = learned``): one weight, TF.js-named."""

    def __init__(self, name: str, shape: Sequence[int]) -> None:
        super().__init__()
        self.add_weight("value", name, shape)


def broadcast_like(like: Tensor, weight: Tensor) -> Tensor:
    """A learned weight ([...shape] or [1]) broadcast to the batch; its gradient sums over the batch."""
    return weight.expand_as(like)


def laplace_from_scale(mu: Tensor, raw_scale: Tensor) -> LaplaceParameters:
    """A head named ``scale`` is unconstrained: softplus keeps the scale positive."""
    return LaplaceParameters(mu, torch.log(F.softplus(raw_scale) + 1e-6))


def beta_from_heads(raw_alpha: Tensor, raw_beta: Tensor) -> BetaParameters:
    """Beta's heads are unconstrained: softplus (+1e-6) makes alpha and beta positive."""
    return BetaParameters(F.softplus(raw_alpha) + 1e-6, F.softplus(raw_beta) + 1e-6)


def mixture_parameters(logits: Tensor, mu: Tensor, log_scale: Tensor, shape: Sequence[int], components: int, bins: Any) -> DiscretizedLogisticMixtureParameters:
    """K values per dimension (unit i*K + k, or K channels of a pixel), reshaped to [batch, ...shape, K]."""

    def split(t: Tensor) -> Tensor:
        return t.reshape(t.shape[0], *shape, components)

    return DiscretizedLogisticMixtureParameters(split(logits), split(mu), split(log_scale), bins)
