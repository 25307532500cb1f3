"""Vector quantisation (van den Oord et al. 2017), as src/runtime/quantize.ts computes it.

Each position of the encoder's output z_e (its last axis is the vectors' width D) is
replaced by the nearest of K codebook vectors; the decoder's gradient is copied from z_q
to z_e unchanged (the straight-through estimator).
"""

from __future__ import annotations

import math
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .layers import Layer
from .noise import Noise
from .priors import Prior


class Codebook(Layer):
    """The [K, D] codebook of one quantised latent, under its TF.js weight name; an EMA
    codebook is state, not a parameter, and keeps its codes' moving counts N beside it."""

    def __init__(self, codes: int, dimension: int, names: Sequence[str], ema: bool = False) -> None:
        super().__init__()
        self.add_weight("embeddings", names[0], [codes, dimension], trainable=not ema)
        if ema:
            self.add_weight("cluster_size", names[1], [codes], trainable=False)


class Quantized(NamedTuple):
    encoded: Tensor
    """z_e, the encoder's output."""
    codes: Tensor
    """z_q: the nearest codebook vector at every position (its gradient reaches the codebook only)."""
    latent: Tensor
    """z_e + sg[z_q − z_e]: z_q's value, the gradient passed straight through to z_e."""
    indices: Tensor
    """The chosen code at every position, batch-major: [batch · positions]."""


def vector_quantize(encoded: Tensor, codebook: Tensor) -> Quantized:
    k, d = codebook.shape
    flat = encoded.reshape(-1, d)
    # ‖z − e‖² = ‖z‖² − 2 z·e + ‖e‖²: one row of K distances per position.
    distances = flat.square().sum(1, keepdim=True) - 2 * flat @ codebook.t() + codebook.square().sum(1)
    indices = distances.argmin(1)
    codes = (F.one_hot(indices, k).to(codebook.dtype) @ codebook).reshape(encoded.shape)
    return Quantized(encoded, codes, encoded + (codes - encoded).detach(), indices)


def _per_example(x: Tensor) -> Tensor:
    """‖x‖² of each example: the sum over positions and dimensions."""
    return x.square().reshape(x.shape[0], -1).sum(1)


def vq_loss(q: Quantized, beta: float) -> Tensor:
    """Per example: ‖sg[z_e] − z_q‖² + β‖z_e − sg[z_q]‖², summed over positions and dimensions."""
    return _per_example(q.encoded.detach() - q.codes) + commitment_loss(q, beta)


def commitment_loss(q: Quantized, beta: float) -> Tensor:
    """β‖z_e − sg[z_q]‖² per example: the commitment part of the ``vq`` term, and all of it for an EMA codebook."""
    return _per_example(q.encoded - q.codes.detach()) * beta


EMA_SMOOTHING = 1e-5
"""Laplace smoothing of an EMA codebook's counts, as quantize.ts's emaSmoothing."""


class EmaCodebook(NamedTuple):
    codebook: Tensor
    """The [K, D] codebook e."""
    cluster_size: Tensor
    """The codes' moving counts N, [K]."""


def _smoothed_counts(cluster_size: Tensor) -> Tensor:
    """(N_i + ε) / (n + Kε) · n with n = Σ N: every count above 0, their sum unchanged."""
    total = cluster_size.sum()
    return (cluster_size + EMA_SMOOTHING) / (total + cluster_size.shape[0] * EMA_SMOOTHING) * total


def ema_codebook_step(q: Quantized, state: EmaCodebook, decay: float) -> EmaCodebook:
    """One EMA step (van den Oord et al. 2017, appendix A.1), as quantize.ts's emaCodebookStep:
    N ← γN + (1 − γ)n, m ← γm + (1 − γ)s, e = m / Ñ, with m = e·Ñ of the state."""
    k, d = state.codebook.shape
    with torch.no_grad():
        assigned = F.one_hot(q.indices, k).to(state.codebook.dtype)
        counts = assigned.sum(0)
        sums = assigned.t() @ q.encoded.reshape(-1, d)
        means = state.codebook * _smoothed_counts(state.cluster_size).unsqueeze(1)
        cluster_size = state.cluster_size * decay + counts * (1 - decay)
        moved = means * decay + sums * (1 - decay)
        return EmaCodebook(moved / _smoothed_counts(cluster_size).unsqueeze(1), cluster_size)


def ema_vq_loss(q: Quantized, beta: float, state: EmaCodebook, decay: float, training: bool, updates: List[Tuple[Tensor, Tensor]]) -> Tensor:
    """The ``vq`` term of an EMA codebook: β·commitment per example; while training, queues the
    codebook's EMA step, applied after the phase's update as batch-norm's moving statistics are."""
    if training:
        following = ema_codebook_step(q, state, decay)
        updates.append((state.codebook, following.codebook))
        updates.append((state.cluster_size, following.cluster_size))
    return commitment_loss(q, beta)


def codebook_kl(positions: int, codes: int) -> Tensor:
    """KL of a one-hot posterior over K codes from the uniform prior, at every position: positions · log K."""
    return torch.tensor(positions * math.log(codes))


class CodebookPrior(Prior):
    """Uniform over the codebook's vectors, independently at each position; reads the codebook when it samples."""

    def __init__(self, codebook: Tensor, shape: Sequence[int]) -> None:
        self.codebook, self.shape = codebook, list(shape)
        self.positions = math.prod(self.shape) // codebook.shape[1]

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        k = self.codebook.shape[0]
        index = noise.uniform_int([n * self.positions], 0, k).long().to(self.codebook.device)
        return (F.one_hot(index, k).to(self.codebook.dtype) @ self.codebook.detach()).reshape(n, *self.shape)

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        return torch.full((z.shape[0],), -self.positions * math.log(self.codebook.shape[0]), device=z.device)


def code_usage_statistics(variable: str, indices: Tensor, codes: int) -> Dict[str, Tensor]:
    """``perplexity_z`` (exp of the codes' entropy in the batch) and ``codesUsed_z`` (the fraction of codes used)."""
    frequencies = F.one_hot(indices, codes).float().mean(0)
    entropy = -(frequencies * torch.log(frequencies + 1e-10)).sum()
    return {f"perplexity_{variable}": torch.exp(entropy), f"codesUsed_{variable}": (frequencies > 0).float().sum() / codes}
