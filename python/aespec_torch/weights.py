"""The TF.js weight format, shared by both engines: model.json + weights.bin.

weights.bin is every weight's float32 values, little-endian, one after another in the
model's weight order; model.json carries the same ``modelTopology`` header as
src/runtime/weights.ts (format, model, layout fingerprint), so the generated TS
module's ``load()`` accepts what ``save_weights`` writes, and the reverse.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import tempfile
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import torch
from torch import Tensor

WeightSpec = Tuple[str, Sequence[int]]


def layout_fingerprint(specs: Sequence[WeightSpec]) -> str:
    """FNV-1a over ``name:AxB;…`` (UTF-16 code units, as the TS side hashes), 8 hex digits."""
    text = ";".join(f"{name}:{'x'.join(str(d) for d in shape)}" for name, shape in specs)
    digest = 2166136261
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        digest = ((digest ^ (units[i] | units[i + 1] << 8)) * 16777619) & 0xFFFFFFFF
    return f"{digest:08x}"


def _write_atomic(path: str, data: bytes) -> None:
    folder = os.path.dirname(path) or "."
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); a run's files get the usual mode, as Node writes them.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _dtype(t: Tensor) -> str:
    return "int32" if t.dtype in (torch.int32, torch.int64) else "float32"


def _tensor_bytes(t: Tensor) -> bytes:
    """float32 (or int32 for integer tensors, e.g. an optimizer's step count), little-endian."""
    code = "i" if _dtype(t) == "int32" else "f"
    values = t.detach().to("cpu", torch.int32 if code == "i" else torch.float32).contiguous().reshape(-1)
    if _has_numpy() and sys.byteorder == "little":
        return values.numpy().tobytes()
    return struct.pack(f"<{values.numel()}{code}", *values.tolist())


def _has_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def save_weights(folder: str, model: Optional[str], weights: Sequence[Tuple[str, Tensor]], format: str = "aespec-weights") -> None:
    """Writes weights.bin, then model.json (so a model.json on disk always points at complete weights).

    With a model name, model.json carries the aespec header (model, layout fingerprint) that
    load() checks; without one (optimizer state) it has none, as the TS runner writes it.
    """
    os.makedirs(folder, exist_ok=True)
    specs = [(name, list(t.shape)) for name, t in weights]
    data = b"".join(_tensor_bytes(t) for _, t in weights)
    _write_atomic(os.path.join(folder, "weights.bin"), data)
    manifest: Dict[str, object] = {}
    if model is not None:
        manifest["modelTopology"] = {"format": "aespec", "model": model, "layout": layout_fingerprint(specs)}
    manifest["format"] = format
    if model is not None:
        manifest["generatedBy"] = "aespec"
    manifest["weightsManifest"] = [{"paths": ["weights.bin"], "weights": [{"name": n, "shape": s, "dtype": _dtype(t)} for (n, s), (_, t) in zip(specs, weights)]}]
    _write_atomic(os.path.join(folder, "model.json"), (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def read_weights(folder: str) -> Tuple[Dict[str, object], Dict[str, Tensor]]:
    """The model.json header and every weight in the folder, by name (float32 only)."""
    with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    tensors: Dict[str, Tensor] = {}
    for group in manifest.get("weightsManifest", []):
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for entry in group["weights"]:
            dtype = entry.get("dtype", "float32")
            if dtype not in ("float32", "int32"):
                raise ValueError(f"weight {entry['name']!r} is {dtype}; only float32 and int32 are read")
            count = 1
            for d in entry["shape"]:
                count *= d
            chunk = data[offset:offset + 4 * count]
            if len(chunk) != 4 * count:
                raise ValueError(f"weights.bin ends inside {entry['name']!r}")
            if dtype == "int32":
                values = torch.tensor(struct.unpack(f"<{count}i", chunk), dtype=torch.int32)
            else:
                values = torch.tensor(struct.unpack(f"<{count}f", chunk), dtype=torch.float32) if not _has_numpy() else _from_buffer(chunk)
            tensors[entry["name"]] = values.reshape(entry["shape"])
            offset += 4 * count
    return manifest.get("modelTopology") or {}, tensors


def _from_buffer(chunk: bytes) -> Tensor:
    import numpy

    return torch.from_numpy(numpy.frombuffer(chunk, dtype="<f4").copy())


def load_weights(folder: str, model: str, specs: Sequence[WeightSpec]) -> Dict[str, Tensor]:
    """Saved weights checked against the model: its name, its layout, every name and shape."""
    header, tensors = read_weights(folder)
    layout = layout_fingerprint(specs)
    if header.get("format") != "aespec":
        raise ValueError("these are not aespec weights (model.json has no aespec header)")
    if header.get("model") != model or header.get("layout") != layout:
        raise ValueError(f"these weights belong to model {header.get('model')!r} (layout {header.get('layout')}), not {model!r} (layout {layout})")
    for name, shape in specs:
        if name not in tensors:
            raise ValueError(f"the saved weights lack {name!r}")
        if list(tensors[name].shape) != list(shape):
            raise ValueError(f"{name!r} has shape {list(tensors[name].shape)} in the file but {list(shape)} in the model")
    return tensors
