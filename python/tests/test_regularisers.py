"""The regularisers of aespec_torch (python/aespec_torch/regularisers.py) in float64: MMD²
against a pair-by-pair sum, the batch's TC / index-code MI / dimension-wise KL against a
correlated Gaussian's closed forms (the bias figures docs/language.md and
tests/runtime/regularisers.test.ts quote), the permutation, weight decay. TF.js = torch is
checked by tests/torch/equivalence.test.ts."""

from __future__ import annotations

import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from aespec_torch.distributions import NormalParameters  # noqa: E402
from aespec_torch.noise import SeededNoise  # noqa: E402
from aespec_torch.regularisers import (  # noqa: E402
    aggregate_posterior,
    dimension_wise_kl,
    index_code_mutual_information,
    mmd_unbiased,
    permute_dimensions,
    total_correlation,
    weight_decay,
)


def direct_mmd(a, b, kernel, scale):
    def k(u, v):
        d = float(((u - v) ** 2).sum())
        return scale / (scale + d) if kernel == "imq" else math.exp(-d / scale)

    n = len(a)
    within = sum(k(a[i], a[j]) + k(b[i], b[j]) for i in range(n) for j in range(n) if i != j)
    cross = sum(k(a[i], b[j]) for i in range(n) for j in range(n))
    return within / (n * (n - 1)) - 2 * cross / (n * n)


def test_mmd_equals_the_direct_sum():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(30, 3, generator=g, dtype=torch.float64)
    b = torch.randn(30, 3, generator=g, dtype=torch.float64) + 0.5
    for kernel, scale in (("imq", 6.0), ("rbf", 2.0)):
        assert abs(mmd_unbiased(a, b, kernel, scale).item() - direct_mmd(a, b, kernel, scale)) < 1e-10


def test_mmd_is_zero_in_expectation_for_one_distribution():
    g = torch.Generator().manual_seed(1)
    values = torch.tensor([mmd_unbiased(torch.randn(32, 4, generator=g, dtype=torch.float64), torch.randn(32, 4, generator=g, dtype=torch.float64), "imq", 8.0).item() for _ in range(400)])
    assert abs(values.mean().item()) < 3 * values.std().item() / math.sqrt(len(values))


def test_batch_estimates_against_a_correlated_gaussian():
    # x ~ N(0, C), q(z | x) = N(x, s²I): the aggregate posterior is N(0, C + s²I).
    d, s, m = 3, 0.5, 500
    c = torch.tensor([[1.0, 0.6, 0.3], [0.6, 1.0, 0.5], [0.3, 0.5, 1.0]], dtype=torch.float64)
    cov = c + s * s * torch.eye(d, dtype=torch.float64)
    exact_tc = 0.5 * (torch.log(torch.diag(cov)).sum() - torch.logdet(cov)).item()
    exact_mi = 0.5 * (torch.logdet(cov) - d * math.log(s * s)).item()
    exact_dwkl = sum(0.5 * (v - 1 - math.log(v)) for v in torch.diag(cov).tolist())
    chol = torch.linalg.cholesky(c)
    sums = [0.0, 0.0, 0.0]
    batches = 20
    for seed in range(batches):
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(m, d, generator=g, dtype=torch.float64) @ chol.T
        z = x + s * torch.randn(m, d, generator=g, dtype=torch.float64)
        q = aggregate_posterior(z, NormalParameters(x, torch.full_like(x, math.log(s * s))))
        for i, v in enumerate((total_correlation(q), index_code_mutual_information(q), dimension_wise_kl(q, z, 0.0, 1.0))):
            sums[i] += v.item() / batches
    # Measured bias at M = 500: TC +0.020, MI −0.027, dimension-wise KL +0.010 nats.
    assert abs(sums[0] - exact_tc - 0.020) < 0.02
    assert abs(sums[1] - exact_mi + 0.027) < 0.04
    assert abs(sums[2] - exact_dwkl - 0.010) < 0.01


def test_permutes_each_dimension_on_its_own():
    z = torch.stack([torch.arange(6.0), 10 + torch.arange(6.0), 20 + torch.arange(6.0)], 1)
    permuted = permute_dimensions(z, SeededNoise(3))
    for j in range(3):
        assert sorted(permuted[:, j].tolist()) == z[:, j].tolist()


def test_weight_decay():
    assert weight_decay([torch.tensor([[1.0, 2.0]]), torch.tensor([2.0])]).item() == 4.5
    assert weight_decay([]).item() == 0.0
