"""Vector quantisation (van den Oord et al. 2017), as src/runtime/quantize.ts computes it.

Each position of the encoder's output z_e (its last axis is the vectors' width D) is
replaced by the nearest of K codebook vectors; the decoder's gradient is copied from z_q
to z_e unchanged (the straight-through estimator).
"""

from __future__ import annotations

import math
from typing import Dict, NamedTuple, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from .layers import Layer
from .noise import Noise
from .priors import Prior


class Codebook(Layer):
    """The [K, D] codebook of one quantised latent, under its TF.js weight name."""

    def __init__(self, codes: int, dimension: int, names: Sequence[str]) -> None:
        super().__init__()
        self.add_weight("embeddings", names[0], [codes, dimension])


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


def vq_loss(q: Quantized, beta: float) -> Tensor:
    """Per example: ‖sg[z_e] − z_q‖² + β‖z_e − sg[z_q]‖², summed over positions and dimensions."""
    def per_example(x: Tensor) -> Tensor:
        return x.square().reshape(x.shape[0], -1).sum(1)

    return per_example(q.encoded.detach() - q.codes) + beta * per_example(q.encoded - q.codes.detach())


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
