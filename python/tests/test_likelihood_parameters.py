"""The plumbing of likelihood parameters without heads (mirrors tests/runtime/likelihoodParameters.test.ts)."""

from __future__ import annotations

import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import aespec_torch as rt  # noqa: E402


def test_a_learned_value_is_a_named_weight_broadcast_to_the_batch() -> None:
    learned = rt.Learned("p/x.logvar/value", (1,))
    assert [name for name, _ in learned.named_weights()] == ["p/x.logvar/value"]
    assert list(learned.parameters())[0].shape == (1,)
    with torch.no_grad():
        learned.value.fill_(2.0)
    weights = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    (rt.broadcast_like(torch.zeros(3, 2), learned.value) * weights).sum().backward()
    assert learned.value.grad.tolist() == [21.0]


def test_scales_from_heads_go_through_softplus() -> None:
    raw = torch.tensor([0.0, 5.0])
    p = rt.laplace_from_scale(raw, raw)
    expected = [math.log(math.log(2) + 1e-6), math.log(math.log1p(math.exp(5)) + 1e-6)]
    assert torch.allclose(p.log_scale, torch.tensor(expected), atol=1e-6)
    assert abs(rt.beta_from_heads(raw, raw).alpha[0].item() - (math.log(2) + 1e-6)) < 1e-6


def test_a_mixture_head_is_reshaped_to_k_components_per_value() -> None:
    head = torch.arange(6.0).reshape(1, 6)
    p = rt.mixture_parameters(head, head, head, (3,), 2, None)
    assert p.mu.tolist() == [[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]]
