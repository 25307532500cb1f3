"""Optimizers with TF.js's exact updates, one per phase.

torch.optim keeps a step count per parameter; TF.js's Adam keeps one per optimizer
(its accumulated β powers), and a weight without a gradient in a step is left alone but
still ages the optimizer. These follow TF.js, so both engines take the same steps.
"""

from __future__ import annotations

import math
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import torch
from torch import Tensor

# TF.js's float32 backend epsilon, its default for Adam and RMSProp.
TFJS_EPSILON = 1e-7


class PhaseOptimizer:
    """One phase's optimizer over its weights (named as in checkpoints), with TF.js's state names."""

    # The per-weight state TF.js keeps, by the suffix of its name (`q/t0/kernel/m`).
    slots: Tuple[str, ...] = ()

    def __init__(self, params: Sequence[Tensor], names: Sequence[str]) -> None:
        self.params = list(params)
        self.names = list(names)
        self.iterations = 0
        self.state: Dict[str, List[Optional[Tensor]]] = {slot: [None] * len(self.params) for slot in self.slots}

    def apply(self, grads: Sequence[Optional[Tensor]]) -> None:
        raise NotImplementedError

    def slot(self, name: str, i: int) -> Tensor:
        """Weight i's state, created (zero) on its first gradient, as TF.js does."""
        value = self.state[name][i]
        if value is None:
            value = self.state[name][i] = torch.zeros_like(self.params[i])
        return value

    def state_entries(self) -> List[Tuple[str, Tensor]]:
        """TF.js's getWeights(): the step count, then each slot's tensors in weight order (weights with state only)."""
        out: List[Tuple[str, Tensor]] = [("iter", torch.tensor(self.iterations, dtype=torch.int32))]
        for slot in self.slots:
            out.extend((f"{name}/{slot}", t) for name, t in zip(self.names, self.state[slot]) if t is not None)
        return out

    @torch.no_grad()
    def load_state_entries(self, entries: Mapping[str, Tensor]) -> None:
        self.iterations = int(entries["iter"])
        for slot in self.slots:
            for i, name in enumerate(self.names):
                saved = entries.get(f"{name}/{slot}")
                self.state[slot][i] = saved.to(self.params[i].device, torch.float32).clone() if saved is not None else None


class Adam(PhaseOptimizer):
    slots = ("m", "v")

    def __init__(self, params: Sequence[Tensor], names: Sequence[str], lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: Optional[float] = None) -> None:
        super().__init__(params, names)
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.epsilon = TFJS_EPSILON if epsilon is None else epsilon
        self.acc_beta1 = beta1
        self.acc_beta2 = beta2

    def load_state_entries(self, entries: Mapping[str, Tensor]) -> None:
        super().load_state_entries(entries)
        # As TF.js's setWeights: the β powers from the step count, in float32.
        self.acc_beta1 = float(torch.tensor(self.beta1, dtype=torch.float32) ** (self.iterations + 1))
        self.acc_beta2 = float(torch.tensor(self.beta2, dtype=torch.float32) ** (self.iterations + 1))

    @torch.no_grad()
    def apply(self, grads: Sequence[Optional[Tensor]]) -> None:
        # TF.js keeps the powers as float32 variables; so do we, for the same bias correction.
        one_minus_b1 = 1 - torch.tensor(self.acc_beta1, dtype=torch.float32)
        one_minus_b2 = 1 - torch.tensor(self.acc_beta2, dtype=torch.float32)
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if g is None:
                continue
            m = self.slot("m", i).mul_(self.beta1).add_(g * (1 - self.beta1))
            v = self.slot("v", i).mul_(self.beta2).add_(torch.square(g) * (1 - self.beta2))
            p.add_((m / one_minus_b1) / (torch.sqrt(v / one_minus_b2) + self.epsilon) * -self.lr)
        self.acc_beta1 = float(torch.tensor(self.acc_beta1, dtype=torch.float32) * self.beta1)
        self.acc_beta2 = float(torch.tensor(self.acc_beta2, dtype=torch.float32) * self.beta2)
        self.iterations += 1


class SGD(PhaseOptimizer):
    """Plain SGD, or TF.js's momentum optimizer (accumulation = momentum·accumulation + g)."""

    def __init__(self, params: Sequence[Tensor], names: Sequence[str], lr: float, momentum: float = 0.0) -> None:
        self.slots = ("momentum",) if momentum > 0 else ()
        super().__init__(params, names)
        self.lr, self.momentum = lr, momentum

    @torch.no_grad()
    def apply(self, grads: Sequence[Optional[Tensor]]) -> None:
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if g is None:
                continue
            if self.momentum > 0:
                a = self.slot("momentum", i).mul_(self.momentum).add_(g)
                p.add_(a * -self.lr)
            else:
                p.add_(g * -self.lr)
        self.iterations += 1


class RMSProp(PhaseOptimizer):
    """TF.js's RMSProp (not centered): ε inside the square root, momentum on the scaled step."""

    slots = ("rms", "momentum")

    def __init__(self, params: Sequence[Tensor], names: Sequence[str], lr: float, decay: float = 0.9, momentum: float = 0.0, epsilon: Optional[float] = None) -> None:
        super().__init__(params, names)
        self.lr, self.decay, self.momentum = lr, decay, momentum
        self.epsilon = TFJS_EPSILON if epsilon is None else epsilon

    @torch.no_grad()
    def apply(self, grads: Sequence[Optional[Tensor]]) -> None:
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if g is None:
                continue
            ms = self.slot("rms", i).mul_(self.decay).add_(torch.square(g) * (1 - self.decay))
            mom = self.slot("momentum", i).mul_(self.momentum).add_(g * self.lr / torch.sqrt(ms + self.epsilon))
            p.sub_(mom)
        self.iterations += 1


def create_optimizer(kind: str, parameters: Mapping[str, float], params: Sequence[Tensor], names: Sequence[str]) -> PhaseOptimizer:
    if kind == "adam":
        return Adam(params, names, parameters.get("lr", 0.001), parameters.get("beta1", 0.9), parameters.get("beta2", 0.999), parameters.get("epsilon"))
    if kind == "sgd":
        return SGD(params, names, parameters["lr"], parameters.get("momentum", 0.0))
    if kind == "rmsprop":
        return RMSProp(params, names, parameters["lr"], parameters.get("decay", 0.9), parameters.get("momentum", 0.0), parameters.get("epsilon"))
    raise ValueError(f"unknown optimizer {kind!r}")


def clip_by_global_norm(grads: Sequence[Optional[Tensor]], max_norm: float) -> List[Optional[Tensor]]:
    """Scales the gradients together so their global L2 norm is at most max_norm."""
    present = [g for g in grads if g is not None]
    if not present:
        return list(grads)
    norm = torch.sqrt(torch.stack([torch.square(g).sum() for g in present]).sum())
    scale = max_norm / torch.clamp(norm, min=max_norm)
    return [None if g is None else g * scale for g in grads]
