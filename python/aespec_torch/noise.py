"""Where the randomness of a step comes from.

Every random draw of a generated model goes through one ``Noise`` object, in the order
the TF.js module draws (``normal``, ``uniform`` and ``uniform_int`` mirror
``tf.randomNormal`` and ``tf.randomUniform``). ``SeededNoise`` draws from a seeded
torch generator; ``ReplayNoise`` hands back tensors recorded elsewhere (the TF.js
engine's own draws), so both engines can be compared on exactly the same noise.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import torch
from torch import Tensor


class Noise:
    """The random draws a model makes; subclasses decide where the numbers come from."""

    def normal(self, shape: Sequence[int], mean: float = 0.0, std: float = 1.0) -> Tensor:
        raise NotImplementedError

    def uniform(self, shape: Sequence[int], low: float = 0.0, high: float = 1.0) -> Tensor:
        raise NotImplementedError

    def uniform_int(self, shape: Sequence[int], low: int, high: int) -> Tensor:
        """Integers in [low, high), as tf.randomUniform(..., "int32") draws them."""
        raise NotImplementedError

    def int(self, n: int) -> int:
        """One integer in [0, n), for choices made outside tensors (labels to sample)."""
        return int(self.uniform_int([1], 0, n).item())


class SeededNoise(Noise):
    """Draws from one seeded torch generator: a seed reproduces a run on one machine."""

    def __init__(self, seed: int = 1, device: Optional[torch.device] = None) -> None:
        self.device = device if device is not None else torch.device("cpu")
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(seed)

    def normal(self, shape: Sequence[int], mean: float = 0.0, std: float = 1.0) -> Tensor:
        eps = torch.randn(list(shape), generator=self.generator, device=self.device)
        return eps * std + mean if (mean != 0.0 or std != 1.0) else eps

    def uniform(self, shape: Sequence[int], low: float = 0.0, high: float = 1.0) -> Tensor:
        u = torch.rand(list(shape), generator=self.generator, device=self.device)
        return u * (high - low) + low if (low != 0.0 or high != 1.0) else u

    def uniform_int(self, shape: Sequence[int], low: int, high: int) -> Tensor:
        return torch.randint(low, high, list(shape), generator=self.generator, device=self.device)

    def get_state(self) -> Tensor:
        return self.generator.get_state()

    def set_state(self, state: Tensor) -> None:
        self.generator.set_state(state)


class NoiseMismatch(AssertionError):
    """The replayed draws are not the ones this model asks for: the two engines draw in different orders."""


class ReplayNoise(Noise):
    """Returns recorded draws in order, checking each one's kind and shape."""

    def __init__(self, draws: Sequence[Tuple[str, Tensor]], device: Optional[torch.device] = None) -> None:
        self.draws: List[Tuple[str, Tensor]] = list(draws)
        self.position = 0
        self.device = device if device is not None else torch.device("cpu")

    def _next(self, kind: str, shape: Sequence[int]) -> Tensor:
        if self.position >= len(self.draws):
            raise NoiseMismatch(f"draw {self.position} ({kind} {list(shape)}) was not recorded: only {len(self.draws)} were")
        recorded_kind, value = self.draws[self.position]
        if recorded_kind != kind or list(value.shape) != list(shape):
            raise NoiseMismatch(f"draw {self.position}: asked for {kind} {list(shape)}, recorded {recorded_kind} {list(value.shape)}")
        self.position += 1
        return value.to(self.device)

    def normal(self, shape: Sequence[int], mean: float = 0.0, std: float = 1.0) -> Tensor:
        return self._next("normal", shape)

    def uniform(self, shape: Sequence[int], low: float = 0.0, high: float = 1.0) -> Tensor:
        return self._next("uniform", shape)

    def uniform_int(self, shape: Sequence[int], low: int, high: int) -> Tensor:
        return self._next("uniform_int", shape).long()

    def finished(self) -> bool:
        return self.position == len(self.draws)
