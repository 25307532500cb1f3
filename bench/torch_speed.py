"""The torch engine against a hand-written PyTorch VAE, side by side in one process.

The same model (784-500-500-20, Bernoulli likelihood, Adam 1e-3, batch 128) the way a
PyTorch user writes it (nn.Module, torch.optim.Adam, loss.backward) and as aec generates it
(generated/vae.py on python/aespec_torch). Rounds alternate between the two; the ratio is of
medians. One thread, as docs/torch.md says. Run: `npm run bench:torch`.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))
torch.set_num_threads(1)

BATCH, STEPS, ROUNDS = 128, 40, 5


class HandVAE(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(784, 500), nn.ReLU(), nn.Linear(500, 500), nn.ReLU())
        self.mu, self.logvar = nn.Linear(500, 20), nn.Linear(500, 20)
        self.decoder = nn.Sequential(nn.Linear(20, 500), nn.ReLU(), nn.Linear(500, 500), nn.ReLU(), nn.Linear(500, 784))

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        h = self.encoder(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.decoder(z)
        nll = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)
        return (nll + kl).mean()


def load_generated():
    spec = importlib.util.spec_from_file_location("generated_vae", ROOT / "generated" / "vae.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.create_vae(seed=1)


def timed(step) -> float:
    """Examples per second over STEPS steps."""
    start = time.perf_counter()
    for i in range(STEPS):
        step(i)
    return STEPS * BATCH / (time.perf_counter() - start)


def main() -> None:
    torch.manual_seed(1)
    batches = [torch.rand(BATCH, 784) for _ in range(8)]
    hand = HandVAE()
    optimizer = torch.optim.Adam(hand.parameters(), lr=1e-3)

    def hand_step(i: int) -> None:
        optimizer.zero_grad()
        loss = hand.loss(batches[i % 8])
        loss.backward()
        optimizer.step()
        loss.item()  # read the loss each step, as the engine does

    generated = load_generated()

    def generated_step(i: int) -> None:
        generated.train_step({"x": batches[i % 8]})

    for i in range(5):  # warm up both
        hand_step(i)
        generated_step(i)
    rounds = []
    for _ in range(ROUNDS):
        rounds.append({"hand": timed(hand_step), "engine": timed(generated_step)})
    hand_median = statistics.median(r["hand"] for r in rounds)
    engine_median = statistics.median(r["engine"] for r in rounds)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch": BATCH,
        "rounds": [{k: round(v) for k, v in r.items()} for r in rounds],
        "handWrittenMedian": round(hand_median),
        "engineMedian": round(engine_median),
        "ratio": round(engine_median / hand_median, 3),
    }))


if __name__ == "__main__":
    main()
