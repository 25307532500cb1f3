"""Vector quantisation against closed forms: nearest codes, the straight-through gradient, the vq term's gradients."""

from __future__ import annotations

import math

import torch

import aespec_torch as rt


def fixture(k: int = 5, d: int = 4):
    generator = torch.Generator().manual_seed(7)
    encoded = torch.randn(2, 3, 3, d, generator=generator, dtype=torch.float64)
    codebook = torch.randn(k, d, generator=generator, dtype=torch.float64)
    return encoded, codebook


def test_nearest_codes_by_brute_force() -> None:
    encoded, codebook = fixture()
    q = rt.vector_quantize(encoded, codebook)
    rows = encoded.reshape(-1, codebook.shape[1])
    expected = torch.stack([((codebook - row) ** 2).sum(1).argmin() for row in rows])
    assert torch.equal(q.indices, expected)
    assert torch.allclose(q.codes.reshape(-1, codebook.shape[1]), codebook[expected])
    assert torch.allclose(q.latent, q.codes)


def test_straight_through_gradient() -> None:
    encoded, codebook = fixture()
    encoded.requires_grad_(True)
    codebook.requires_grad_(True)
    upstream = torch.randn(encoded.shape, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    (rt.vector_quantize(encoded, codebook).latent * upstream).sum().backward()
    assert torch.equal(encoded.grad, upstream)
    assert codebook.grad is None or torch.count_nonzero(codebook.grad) == 0


def test_vq_term_value_and_gradients() -> None:
    encoded, codebook = fixture()
    encoded.requires_grad_(True)
    codebook.requires_grad_(True)
    beta = 0.25
    q = rt.vector_quantize(encoded, codebook)
    loss = rt.vq_loss(q, beta).sum()
    loss.backward()
    z = encoded.detach().reshape(-1, codebook.shape[1])
    chosen = codebook.detach()[q.indices]
    assert math.isclose(float(loss), (1 + beta) * float(((z - chosen) ** 2).sum()), rel_tol=1e-12)
    assert torch.allclose(encoded.grad.reshape(-1, codebook.shape[1]), 2 * beta * (z - chosen))
    expected = torch.zeros_like(codebook)
    expected.index_add_(0, q.indices, 2 * (chosen - z))
    assert torch.allclose(codebook.grad, expected)


def test_code_usage() -> None:
    uniform = rt.code_usage_statistics("z", torch.tensor([0, 1, 2, 3, 0, 1, 2, 3]), 4)
    assert math.isclose(float(uniform["perplexity_z"]), 4, rel_tol=1e-5)
    assert float(uniform["codesUsed_z"]) == 1
    one = rt.code_usage_statistics("z", torch.tensor([2, 2, 2]), 8)
    assert math.isclose(float(one["perplexity_z"]), 1, rel_tol=1e-5)
    assert math.isclose(float(one["codesUsed_z"]), 1 / 8)


def test_codebook_prior_samples_codebook_rows() -> None:
    _, codebook = fixture()
    prior = rt.CodebookPrior(codebook, (3, 3, 4))

    class Uniform:
        def uniform_int(self, shape, low, high):
            return torch.randint(low, high, shape, generator=torch.Generator().manual_seed(1))

    z = prior.sample(4, Uniform())
    assert z.shape == (4, 3, 3, 4)
    for row in z.reshape(-1, 4):
        assert any(torch.allclose(row, e) for e in codebook)
    assert math.isclose(float(prior.log_prob(z)[0]), -9 * math.log(5), rel_tol=1e-6)
    assert math.isclose(float(rt.codebook_kl(9, 5)), 9 * math.log(5), rel_tol=1e-6)


def ema_fixture():
    """quantize.test.ts's hand-computed case: e = (0, 10, 100), N = 1, γ = 0.5, z_e = 1, 3, 9."""
    state = rt.EmaCodebook(torch.tensor([[0.0], [10.0], [100.0]], dtype=torch.float64), torch.ones(3, dtype=torch.float64))
    encoded = torch.tensor([1.0, 3.0, 9.0], dtype=torch.float64).reshape(3, 1, 1, 1)
    return state, encoded


def smoothed(counts):
    total = sum(counts)
    return [(n + 1e-5) / (total + len(counts) * 1e-5) * total for n in counts]


def test_ema_codebook_step_by_hand() -> None:
    from aespec_torch.quantize import ema_codebook_step

    state, encoded = ema_fixture()
    following = ema_codebook_step(rt.vector_quantize(encoded, state.codebook), state, 0.5)
    counts = [1.5, 1.0, 0.5]
    assert following.cluster_size.tolist() == counts
    expected = [m / n for m, n in zip([2.0, 9.5, 50.0], smoothed(counts))]
    assert torch.allclose(following.codebook.reshape(-1), torch.tensor(expected, dtype=torch.float64), rtol=1e-12)
    assert math.isclose(expected[0], 4 / 3, rel_tol=1e-4) and math.isclose(expected[2], 100, rel_tol=1e-4)


def test_ema_vq_term_is_commitment_and_queues_the_step_while_training() -> None:
    state, encoded = ema_fixture()
    encoded.requires_grad_(True)
    updates = []
    loss = rt.ema_vq_loss(rt.vector_quantize(encoded, state.codebook), 0.25, state, 0.5, False, updates)
    assert loss.tolist() == [0.25, 0.25 * 9, 0.25] and updates == []
    loss.sum().backward()
    assert encoded.grad.reshape(-1).tolist() == [0.5 * 1, 0.5 * 3, 0.5 * -1]
    rt.ema_vq_loss(rt.vector_quantize(encoded, state.codebook), 0.25, state, 0.5, True, updates)
    assert [u[0] is t for u, t in zip(updates, state)] == [True, True]
    assert updates[1][1].tolist() == [1.5, 1.0, 0.5] and not updates[0][1].requires_grad
