"""Exact enumeration (Kingma et al. 2014, M2), as tests/runtime/enumerate.test.ts: the generated
enumerate_y term, run on K·B rows at once, equals the sum over classes written out with the
labelled terms of the same model; z is made deterministic (log σ² = −40) so both see the same z."""

from __future__ import annotations

import math
import os

import torch

import aespec_torch as rt
from aespec_torch.train import load_module

HERE = os.path.dirname(os.path.abspath(__file__))


def tiny_m2():
    module = load_module(os.path.join(HERE, "fixtures", "tiny-m2.py"))
    model = module.create_tiny_m2(seed=3)
    with torch.no_grad():
        model.weights["qz/z.logvar/kernel"].zero_()
        model.weights["qz/z.logvar/bias"].fill_(-40.0)
    return model


def test_enumeration_equals_the_explicit_sum() -> None:
    model = tiny_m2()
    rows, classes = 5, 3
    x = (torch.rand(rows, 6, generator=torch.Generator().manual_seed(11)) < 0.5).float()
    labels = torch.nn.functional.one_hot(torch.zeros(rows, dtype=torch.long), classes).float()
    enumerated = model.loss_terms({"x": x}, {"x": x, "y": labels})["enumerate_y"]
    total = 0.0
    for b in range(rows):
        one = x[b:b + 1]
        bounds, q = [], []
        for k in range(classes):
            y = torch.nn.functional.one_hot(torch.tensor([k]), classes).float()
            terms = model.loss_terms({"x": one}, {"x": one, "y": y})
            bounds.append(terms["nll_x"] + terms["kl_z"] + math.log(classes))
            q.append(math.exp(-terms["nll_y"]))
        assert math.isclose(sum(q), 1.0, rel_tol=1e-5)
        entropy = -sum(p * math.log(p) for p in q)
        total += sum(p * u for p, u in zip(q, bounds)) - entropy
    assert math.isclose(enumerated, total / rows, rel_tol=1e-5)


def test_rows_are_class_major_and_weighted_per_example() -> None:
    like = torch.zeros(1)
    assert rt.enumerated_classes(3, 2, like).tolist() == [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]
    assert rt.tile_for_classes(torch.tensor([[1.0], [2.0]]), 3).tolist() == [[1], [2], [1], [2], [1], [2]]
    logits = torch.tensor([[-50.0, -50.0, 50.0], [50.0, -50.0, -50.0]])
    bounds = torch.tensor([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    assert math.isclose(float(rt.enumerated_bound(logits, bounds)), (50 + 20) / 2 + math.log(3), rel_tol=1e-5)
