"""Priors with the densities and samplers of src/runtime/priors.ts, drawing from a Noise."""

from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor

from .distributions import NormalParameters, normal_log_prob
from .noise import Noise


class Prior:
    """Every prior can be sampled; those with a density also give log p(z) per example."""

    has_density = True

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        raise NotImplementedError

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no density")


class NormalPrior(Prior):
    def __init__(self, shape: Sequence[int], mu: float, sigma: float) -> None:
        self.shape, self.mu, self.sigma = list(shape), mu, sigma

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        return noise.normal([n, *self.shape], self.mu, self.sigma)

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        return normal_log_prob(z, NormalParameters(torch.full_like(z, self.mu), torch.full_like(z, 2 * math.log(self.sigma))))


class UniformPrior(Prior):
    def __init__(self, shape: Sequence[int], low: float, high: float) -> None:
        self.shape, self.low, self.high = list(shape), low, high
        self.size = math.prod(self.shape)

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        return noise.uniform([n, *self.shape], self.low, self.high)

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        # Constant inside the box, zero (log = −∞) outside it.
        inside = ((z >= self.low) & (z <= self.high)).reshape(z.shape[0], -1).all(1)
        value = torch.full((z.shape[0],), -self.size * math.log(self.high - self.low), device=z.device)
        return torch.where(inside, value, torch.full_like(value, -math.inf))


class CategoricalPrior(Prior):
    """Uniform over K classes; with ``groups``, a onehot[groups, K] latent, one class per group."""

    def __init__(self, classes: int, groups: Optional[int] = None) -> None:
        self.classes, self.groups = classes, groups

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        codes = F.one_hot(noise.uniform_int([n * (self.groups or 1)], 0, self.classes).long(), self.classes).float()
        return codes if self.groups is None else codes.reshape(n, self.groups, self.classes)

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        return torch.full((z.shape[0],), -(self.groups or 1) * math.log(self.classes), device=z.device)


class MixtureOfGaussiansPrior(Prior):
    """K 2-D Gaussians on a circle, elongated along the radius; a one-hot label picks the component."""

    def __init__(self, components: int, radius: float, radial_sigma: float, tangential_sigma: float) -> None:
        self.components, self.radius = components, radius
        self.radial_sigma, self.tangential_sigma = radial_sigma, tangential_sigma
        angles = [2 * math.pi * k / components for k in range(components)]
        self.cos = torch.tensor([math.cos(a) for a in angles], dtype=torch.float32)
        self.sin = torch.tensor([math.sin(a) for a in angles], dtype=torch.float32)

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        index = label.argmax(1) if label is not None else noise.uniform_int([n], 0, self.components).long()
        c = self.cos.to(index.device)[index]
        s = self.sin.to(index.device)[index]
        radial = self.radius + self.radial_sigma * noise.normal([n], 0.0, 1.0)
        tangential = self.tangential_sigma * noise.normal([n], 0.0, 1.0)
        return torch.stack([c * radial - s * tangential, s * radial + c * tangential], 1)

    def log_prob(self, z: Tensor, label: Optional[Tensor] = None) -> Tensor:
        cos = self.cos.to(z.device).reshape(1, -1)
        sin = self.sin.to(z.device).reshape(1, -1)
        x, y = z[:, 0:1], z[:, 1:2]
        dx = x - self.radius * cos
        dy = y - self.radius * sin
        r = dx * cos + dy * sin
        t = dy * cos - dx * sin
        log_normalizer = -math.log(2 * math.pi * self.radial_sigma * self.tangential_sigma)
        per_component = log_normalizer + -0.5 * (torch.square(r / self.radial_sigma) + torch.square(t / self.tangential_sigma))
        if label is not None:
            return (per_component * label).sum(1)
        return torch.logsumexp(per_component, 1) - math.log(self.components)


class SwissRollPrior(Prior):
    """Points along a 2-D spiral (no density): r grows from 0 to ``scale`` over ``turns`` turns."""

    has_density = False

    def __init__(self, turns: float, noise: float, scale: float) -> None:
        self.turns, self.noise, self.scale = turns, noise, scale

    def sample(self, n: int, noise: Noise, label: Optional[Tensor] = None) -> Tensor:
        u = torch.sqrt(noise.uniform([n], 0.05, 1.0))
        angle = u * (2 * math.pi * self.turns)
        r = u * self.scale
        points = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)
        return points + noise.normal([n, 2], 0.0, self.noise)
