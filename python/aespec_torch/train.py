"""Trains a generated PyTorch module on rows from a memory-mapped float32 file.

    python3 -m aespec_torch.train generated/vae.py --data rows.json --out runs/vae-torch \\
        [--epochs N] [--batch B] [--seed S] [--device cpu|cuda] [--start-from RUN]

rows.json describes the rows file beside it (written by the Node side from the same
loaders the wasm engine uses)::

    {"file": "rows.f32", "rows": 60000,
     "columns": [{"name": "x", "size": 784}, {"name": "y", "size": 10}],
     "labelled": "labelled.i32"}            # optional: int32 row indices with labels

rows.f32 holds every row's columns one after another (float32, little-endian, row-major),
mapped copy-on-write, so the data set is never read into memory as a whole. The run
folder gets model.json + weights.bin (the TF.js layout: the generated TS module's
``load()`` reads it) after every epoch, atomically, and one JSON line per epoch on stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import mmap
import os
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from torch import Tensor

from .model import GeneratedModel


class RowFile:
    """The rows of a data set, mapped from disk; ``batch(rows)`` copies only the rows asked for."""

    def __init__(self, description: str) -> None:
        with open(description, encoding="utf-8") as f:
            meta = json.load(f)
        folder = os.path.dirname(os.path.abspath(description))
        self.size: int = meta["rows"]
        self.columns: List[Tuple[str, int]] = [(c["name"], c["size"]) for c in meta["columns"]]
        self.width = sum(size for _, size in self.columns)
        path = os.path.join(folder, meta["file"])
        expected = self.size * self.width * 4
        if os.path.getsize(path) != expected:
            raise ValueError(f"{path} has {os.path.getsize(path)} bytes; {self.size} rows of {self.width} float32 values need {expected}")
        self._file = open(path, "rb")
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_COPY) if expected > 0 else None
        self.rows = torch.frombuffer(self._map, dtype=torch.float32).reshape(self.size, self.width) if self._map is not None else torch.zeros(0, self.width)
        self.labelled: Optional[Tensor] = None
        if meta.get("labelled"):
            with open(os.path.join(folder, meta["labelled"]), "rb") as f:
                data = f.read()
            self.labelled = torch.frombuffer(bytearray(data), dtype=torch.int32).long()

    def batch(self, rows: Tensor, names: Sequence[str]) -> Dict[str, Tensor]:
        block = self.rows[rows]
        out: Dict[str, Tensor] = {}
        start = 0
        for name, size in self.columns:
            if name in names:
                out[name] = block[:, start:start + size]
            start += size
        return out


def load_module(path: str):
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0].replace("-", "_"), path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def create_model(module, seed: int, device: Optional[str]) -> GeneratedModel:
    creators = [getattr(module, n) for n in dir(module) if n.startswith("create_")]
    if len(creators) != 1:
        raise ValueError("a generated module has exactly one create_<model> function")
    return creators[0](seed=seed, device=device)


def reshape_batch(model: GeneratedModel, batch: Dict[str, Tensor], shapes: Dict[str, Sequence[int]]) -> Dict[str, Tensor]:
    return {name: value.reshape(value.shape[0], *shapes[name]) for name, value in batch.items()}


def train(module_path: str, data_path: str, out: str, epochs: Optional[int] = None, batch_size: Optional[int] = None, seed: int = 1, device: Optional[str] = None, start_from: Optional[str] = None) -> List[Dict[str, float]]:
    # One thread per process: OpenBLAS's threads oversubscribe small machines (docs/torch.md).
    torch.set_num_threads(int(os.environ.get("AESPEC_THREADS", "1")))
    model = create_model(load_module(module_path), seed, device)
    if start_from is not None:
        model.load(start_from)
    data = RowFile(data_path)
    shapes = dict(model.data_shapes)
    epochs = epochs if epochs is not None else model.epochs
    batch_size = batch_size or model.batch_size
    needs_labelled = any(p.subset == "labelled" for p in model.phases)
    if needs_labelled and (data.labelled is None or len(data.labelled) == 0):
        raise ValueError("this model has a phase on labelled examples: rows.json must name a non-empty labelled file")
    names = model.batch_variables("all")
    labelled_names = model.batch_variables("labelled")
    generator = torch.Generator().manual_seed(seed)
    history: List[Dict[str, float]] = []
    for epoch in range(epochs):
        started = time.time()
        order = torch.randperm(data.size, generator=generator)
        sums: Dict[str, float] = {}
        for start in range(0, data.size, batch_size):
            rows = order[start:start + batch_size]
            batch = reshape_batch(model, data.batch(rows, names), shapes)
            labelled = None
            if needs_labelled:
                assert data.labelled is not None
                pick = torch.randint(0, len(data.labelled), (len(rows),), generator=generator)
                labelled = reshape_batch(model, data.batch(data.labelled[pick], labelled_names), shapes)
            terms = model.train_step(batch, labelled)
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + v * len(rows)
        means = {k: s / data.size for k, s in sums.items()}
        history.append(means)
        model.save(out)
        print(json.dumps({"epoch": epoch + 1, "terms": means, "seconds": round(time.time() - started, 3), "examplesPerSecond": round(data.size / max(time.time() - started, 1e-9), 1)}), flush=True)
    return history


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m aespec_torch.train", description="Train a model aec generated for PyTorch.")
    parser.add_argument("module", help="the generated module, e.g. generated/vae.py")
    parser.add_argument("--data", required=True, help="rows.json describing a float32 rows file")
    parser.add_argument("--out", required=True, help="the run folder: model.json + weights.bin are written there")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", default=None)
    parser.add_argument("--start-from", help="a run folder (TF.js or torch) whose weights to start from; optimizer state starts fresh")
    args = parser.parse_args(argv)
    train(args.module, args.data, args.out, args.epochs, args.batch, args.seed, args.device, args.start_from)
    return 0


if __name__ == "__main__":
    sys.exit(main())
