"""The relaxed categorical (Gumbel-softmax, Jang et al. 2017; Concrete, Maddison et al.
2017), as src/runtime/relaxed.ts computes it: a sample is softmax((logits + g) / τ),
g = −log(−log u), u ~ U(0, 1) drawn through ``Noise`` (so TF.js draws replay here); the
class axis is the last one.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .noise import Noise

SMALLEST_UNIFORM = 1e-20
"""The smallest u the Gumbel transform takes: −log(−log u) stays finite."""


class RelaxedCategoricalParameters(NamedTuple):
    logits: Tensor
    temperature: float
    hard: bool
    """One-hot forward, the relaxed sample's gradient backward (straight-through)."""


def gumbel_noise(shape, noise: Noise) -> Tensor:
    u = torch.clamp(noise.uniform(list(shape)), SMALLEST_UNIFORM, 1)
    return -torch.log(-torch.log(u))


def relaxed_categorical_from_noise(p: RelaxedCategoricalParameters, gumbel: Tensor) -> Tensor:
    soft = torch.softmax((p.logits + gumbel.to(p.logits.dtype)) / p.temperature, -1)
    if not p.hard:
        return soft
    hard = F.one_hot(soft.argmax(-1), soft.shape[-1]).to(soft.dtype)
    return soft + (hard - soft).detach()


def relaxed_categorical_sample(p: RelaxedCategoricalParameters, noise: Noise) -> Tensor:
    return relaxed_categorical_from_noise(p, gumbel_noise(p.logits.shape, noise).to(p.logits.device))


def categorical_mode(logits: Tensor) -> Tensor:
    """The most probable class, one-hot: what encode() and reconstruct() pass on."""
    return F.one_hot(logits.argmax(-1), logits.shape[-1]).to(logits.dtype)


def categorical_kl_uniform(logits: Tensor) -> Tensor:
    """KL(Categorical(softmax(logits)) ‖ uniform over K) per example: Σ q log q + log K."""
    classes = logits.shape[-1]
    log_q = torch.log_softmax(logits.reshape(-1, classes), -1)
    per_group = (log_q.exp() * log_q).sum(1) + math.log(classes)
    return per_group.reshape(logits.shape[0], -1).sum(1)
