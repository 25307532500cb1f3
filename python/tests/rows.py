"""A rows file for the trainer's tests: x (784 values in [0, 1)), optionally y (one-hot of 10) and labelled rows."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional

import torch


def write_rows(folder: str, rows: int, labels: bool = False, seed: int = 0, labelled_every: Optional[int] = None) -> str:
    """rows.json + rows.f32 (+ labelled.i32: every ``labelled_every``-th row, when given) in ``folder``; returns rows.json's path."""
    generator = torch.Generator().manual_seed(seed)
    block = torch.rand(rows, 784, generator=generator)
    columns = [{"name": "x", "size": 784}]
    if labels:
        block = torch.cat([block, torch.nn.functional.one_hot(torch.arange(rows) % 10, 10).float()], 1)
        columns.append({"name": "y", "size": 10})
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "rows.f32"), "wb") as f:
        f.write(block.numpy().astype("<f4").tobytes())
    meta: Dict[str, Any] = {"file": "rows.f32", "rows": rows, "columns": columns}
    if labelled_every:
        with open(os.path.join(folder, "labelled.i32"), "wb") as f:
            f.write(torch.arange(0, rows, labelled_every, dtype=torch.int32).numpy().astype("<i4").tobytes())
        meta["labelled"] = "labelled.i32"
    path = os.path.join(folder, "rows.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(meta, f)
    return path
