"""Normalising flows after a Normal posterior (mirrors src/runtime/flows.ts).

z0 = μ + σ·ε goes through K invertible steps to zK, and
log q(zK | x) = log q0(z0 | x) − Σ log|det ∂zₖ/∂zₖ₋₁| (``log_det``, per example).
"""

from __future__ import annotations

from typing import List, NamedTuple, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from .layers import Layer


class FlowSample(NamedTuple):
    z0: Tensor
    z: Tensor
    log_det: Tensor


def planar_direction(u: Tensor, w: Tensor) -> Tensor:
    """û = u + (m(w·u) − w·u)·w/‖w‖², m(a) = −1 + softplus(a): w·û > −1, so the step is invertible."""
    wu = torch.sum(w * u)
    m = F.softplus(wu) - 1
    return u + ((m - wu) / torch.sum(w * w)) * w


class PlanarFlow(Layer):
    """K planar steps f(z) = z + û·tanh(w·z + b) (Rezende & Mohamed 2015)."""

    def __init__(self, size: int, steps: int, names: Sequence[str]) -> None:
        super().__init__()
        self.steps = steps
        for k in range(steps):
            self.add_weight(f"u{k}", names[3 * k], [1, size])
            self.add_weight(f"w{k}", names[3 * k + 1], [1, size])
            self.add_weight(f"b{k}", names[3 * k + 2], [1])

    def forward(self, z0: Tensor) -> FlowSample:
        z, log_det = z0, torch.zeros(z0.shape[0], device=z0.device)
        for k in range(self.steps):
            u, w, b = getattr(self, f"u{k}"), getattr(self, f"w{k}"), getattr(self, f"b{k}")
            direction = planar_direction(u, w)
            h = torch.tanh(z @ w.t() + b)  # [batch, 1]
            det = 1 + (1 - h * h) * torch.sum(w * direction)
            log_det = log_det + torch.log(torch.abs(det)).reshape(-1)
            z = z + h * direction
        return FlowSample(z0, z, log_det)


def made_masks(size: int, hidden: int, reversed_order: bool) -> Tuple[List[List[float]], List[List[float]]]:
    """MADE's masks: variable i has degree i + 1 (D − i reversed), hidden unit j (j mod (D − 1)) + 1."""
    inputs = [size - i if reversed_order else i + 1 for i in range(size)]
    units = [(j % max(1, size - 1)) + 1 for j in range(hidden)]
    return (
        [[1.0 if h >= d else 0.0 for h in units] for d in inputs],
        [[1.0 if d > h else 0.0 for d in inputs] for h in units],
    )


class IafFlow(Layer):
    """K inverse autoregressive steps σ⊙z + (1 − σ)⊙m, [m, s] = MADE(z), σ = sigmoid(s) (Kingma et al. 2016)."""

    def __init__(self, size: int, steps: int, hidden: int, names: Sequence[str]) -> None:
        super().__init__()
        self.steps = steps
        parts = (("hidden_kernel", [size, hidden]), ("hidden_bias", [hidden]), ("mu_kernel", [hidden, size]), ("mu_bias", [size]), ("sigma_kernel", [hidden, size]), ("sigma_bias", [size]))
        for k in range(steps):
            for i, (part, shape) in enumerate(parts):
                self.add_weight(f"{part}{k}", names[6 * k + i], shape)
            hidden_mask, output_mask = made_masks(size, hidden, k % 2 == 1)
            self.register_buffer(f"hidden_mask{k}", torch.tensor(hidden_mask), persistent=False)
            self.register_buffer(f"output_mask{k}", torch.tensor(output_mask), persistent=False)

    def forward(self, z0: Tensor) -> FlowSample:
        z, log_det = z0, torch.zeros(z0.shape[0], device=z0.device)
        for k in range(self.steps):
            weight = lambda part: getattr(self, f"{part}{k}")  # noqa: E731
            h = torch.relu(z @ (weight("hidden_kernel") * weight("hidden_mask")) + weight("hidden_bias"))
            m = h @ (weight("mu_kernel") * weight("output_mask")) + weight("mu_bias")
            s = h @ (weight("sigma_kernel") * weight("output_mask")) + weight("sigma_bias")
            sigma = torch.sigmoid(s)
            z = sigma * z + (1 - sigma) * m
            log_det = log_det - F.softplus(-s).sum(1)  # log sigmoid(s), finite for any s
        return FlowSample(z0, z, log_det)
