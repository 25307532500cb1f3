"""The trainer entry point on a small rows file (run: python3 -m pytest python/tests)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

from aespec_torch.train import RowFile, train  # noqa: E402

sys.path.insert(0, HERE)
from rows import write_rows as rows_file  # noqa: E402


def write_rows(folder: str, rows: int, labelled: bool) -> str:
    return rows_file(folder, rows, labels=True, labelled_every=2 if labelled else None)


def test_row_file_maps_columns(tmp_path) -> None:
    data = RowFile(write_rows(str(tmp_path), 6, labelled=True))
    batch = data.batch(torch.tensor([4, 1]), ["y"])
    assert list(batch) == ["y"] and batch["y"].argmax(1).tolist() == [4, 1]
    assert data.labelled is not None and data.labelled.tolist() == [0, 2, 4]


@pytest.mark.parametrize("spec", ["conv-vae", "semi-supervised-aae"])
def test_trains_and_writes_a_run_folder(tmp_path, spec: str) -> None:
    rows = write_rows(str(tmp_path), 24, labelled=True)
    out = str(tmp_path / "run")
    events = []
    assert train(os.path.join(ROOT, "generated", f"{spec}.py"), rows, out, epochs=2, batch_size=8, seed=3, emit=events.append) == 0
    epochs = [e for e in events if e["event"] == "epoch"]
    assert len(epochs) == 2 and all(v == v for v in epochs[-1]["terms"].values())
    latest = json.load(open(os.path.join(out, "latest.json"), encoding="utf-8"))["folder"]
    manifest = json.load(open(os.path.join(out, latest, "model.json"), encoding="utf-8"))
    assert manifest["modelTopology"]["format"] == "aespec"
    # Starting again from the run folder reads its newest checkpoint back.
    assert train(os.path.join(ROOT, "generated", f"{spec}.py"), rows, str(tmp_path / "again"), epochs=1, batch_size=8, start_from=out, emit=events.append) == 0


def test_command_line(tmp_path) -> None:
    rows = write_rows(str(tmp_path), 16, labelled=False)
    result = subprocess.run(
        [sys.executable, "-m", "aespec_torch.train", os.path.join(ROOT, "generated", "vae-2d.py"), "--data", rows, "--out", str(tmp_path / "run"), "--epochs", "1", "--batch", "8"],
        env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")}, capture_output=True, text=True, check=True,
    )
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    epoch = next(line for line in lines if line["event"] == "epoch")
    assert epoch["epoch"] == 1 and "nll_x" in epoch["terms"] and lines[-1]["event"] == "done"


def test_generated_models_are_ordinary_modules() -> None:
    from aespec_torch.train import create_model, load_module

    model = create_model(load_module(os.path.join(ROOT, "generated", "conv-vae.py")), seed=1, device=None)
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert "Conv2dTranspose" in visited
    assert sum(p.numel() for p in model.parameters()) == sum(math.prod(s.shape) for s in model.weight_specs if s.trainable)
    assert all(n.startswith("net_") for n in model.state_dict())
