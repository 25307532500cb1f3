"""Exact enumeration of a class missing from the data (Kingma et al. 2014, M2), as
src/runtime/enumerate.ts: the networks reading y run once per class on K·B rows,
class-major (rows k·B … k·B + B − 1 are class k), weighted by q(y | x)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor


def enumerated_classes(classes: int, rows: int, like: Tensor) -> Tensor:
    """The K one-hot classes, each repeated for the B examples: [K·B, K], on `like`'s device and dtype."""
    index = torch.arange(classes * rows, device=like.device) // rows
    return F.one_hot(index, classes).to(like.dtype)


def tile_for_classes(t: Tensor, classes: int) -> Tensor:
    """A batch tensor repeated for each of K classes: [K·B, ...], class-major."""
    return t.repeat(classes, *([1] * (t.dim() - 1)))


def enumerated_bound(logits: Tensor, bounds: Tensor) -> Tensor:
    """Σ_k q(k | x)·bound(x, k) + KL(q(y | x) ‖ Uniform(K)) per example, averaged over the batch;
    `bounds` is −ELBO(x, k) without −log p(y) for the K·B rows, class-major. The bounds are
    weighted less the example's mean bound (held constant, added back): the same value and
    gradients, without float32's loss of digits in bound_k − Σ_j q_j·bound_j (enumerate.ts)."""
    rows, classes = logits.shape
    log_q = F.log_softmax(logits, dim=1)
    q = log_q.exp()
    per_class = bounds.reshape(classes, rows).t()
    baseline = per_class.mean(1, keepdim=True).detach()
    expected = (q * (per_class - baseline)).sum(1) + baseline.squeeze(1)
    kl = (q * (log_q + math.log(classes))).sum(1)
    return (expected + kl).mean()
