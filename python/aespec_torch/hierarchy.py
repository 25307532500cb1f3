"""Hierarchical VAEs: the KL of a latent against a prior network (mirrors src/runtime/hierarchy.ts)."""

from __future__ import annotations

import torch
from torch import Tensor

from .distributions import NormalParameters, sum_per_example


def kl_normal_normal_parameters(q: NormalParameters, p: NormalParameters) -> Tensor:
    """KL(q ‖ p) between two diagonal Gaussians given as tensors, per example.

    ½ Σ [logvar_p − logvar_q + (σ_q² + (μ_q − μ_p)²) / σ_p² − 1]: the analytic KL term of a
    latent whose prior network's inputs do not depend on it.
    """
    ratio = (torch.exp(q.logvar) + torch.square(q.mu - p.mu)) / torch.exp(p.logvar)
    return 0.5 * sum_per_example(p.logvar - q.logvar + ratio - 1)


def tile_batch(batch: "dict[str, Tensor]", k: int) -> "dict[str, Tensor]":
    """Each data tensor repeated k times along the batch axis (row i·batch + j is copy i of example j)."""
    return {name: value.repeat(k, *([1] * (value.dim() - 1))) for name, value in batch.items()}
