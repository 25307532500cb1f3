"""Checkpoints in the TS runner's format (src/runner/checkpoint.ts), so a torch run folder is a TS run folder.

A run folder holds ``latest.json`` (``{"folder": "checkpoints/<name>"}``) and
``checkpoints/<name>/`` with model.json + weights.bin (the model), ``optimizer/`` (model.json +
weights.bin, format ``aespec-optimizer``), state.json and, for torch only,
``torch-random.json``. <name> is ``epoch-EEEE-step-SSSSSSSS[-interrupted]``.

state.json has the TS fields: ``epoch`` (the next epoch to run), ``interrupted``, ``random``,
``steps``, ``history`` (one record per finished epoch), ``partial`` (an interrupted epoch:
``epochRandom``, ``steps``, ``sums``, ``seen``) and ``checksums`` (SHA-256 of model.json,
weights.bin, optimizer/model.json, optimizer/weights.bin, plus torch-random.json). The TS
random stream position means nothing to torch: ``random`` and ``partial.epochRandom`` are 0,
``engine`` is ``"torch"`` and torch's generator states are in torch-random.json (JSON, the
states base64-encoded; never a pickle).

A checkpoint is written into a hidden ``.<name>.<pid>.partial`` folder, read back against its
checksums, renamed into place, and only then named by latest.json (rewritten atomically);
the newest other checkpoint that verifies is kept, everything else in checkpoints/ goes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import torch

from .model import GeneratedModel
from .weights import _write_atomic

CHECKSUMMED = ("model.json", "weights.bin", "optimizer/model.json", "optimizer/weights.bin")
RANDOM_FILE = "torch-random.json"
NAME = re.compile(r"^epoch-(\d{4,})-step-(\d{8,})(-interrupted)?$")


def checkpoint_name(epoch: int, steps: int, interrupted: bool) -> str:
    return f"epoch-{epoch:04d}-step-{steps:08d}{'-interrupted' if interrupted else ''}"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def encode_state(state: torch.Tensor) -> str:
    return base64.b64encode(state.numpy().tobytes() if _numpy() else bytes(state.tolist())).decode("ascii")


def decode_state(text: str) -> torch.Tensor:
    return torch.frombuffer(bytearray(base64.b64decode(text)), dtype=torch.uint8).clone()


def _numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _write_json(path: str, value: Any) -> None:
    _write_atomic(path, (json.dumps(value, indent=2, allow_nan=False) + "\n").encode("utf-8"))


def read_latest(run: str) -> Optional[str]:
    try:
        with open(os.path.join(run, "latest.json"), encoding="utf-8") as f:
            folder = json.load(f).get("folder")
        return folder if isinstance(folder, str) else None
    except (OSError, ValueError, AttributeError):
        return None


def candidates(run: str) -> List[str]:
    """Checkpoint folder names, newest first: the one latest.json names, then by epoch and step."""
    try:
        entries = [e for e in os.listdir(os.path.join(run, "checkpoints")) if NAME.match(e)]
    except OSError:
        entries = []

    def key(name: str) -> Tuple[int, int]:
        m = NAME.match(name)
        assert m is not None
        return int(m.group(1)), int(m.group(2))

    entries.sort(key=key, reverse=True)
    latest = read_latest(run)
    latest = latest[len("checkpoints/"):] if latest and latest.startswith("checkpoints/") else latest
    return [latest] + [e for e in entries if e != latest] if latest in entries else entries


def _is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def verify(folder: str) -> Any:
    """The checkpoint's state if every file is there and matches its checksum, else a string saying what is wrong."""
    try:
        with open(os.path.join(folder, "state.json"), encoding="utf-8") as f:
            state = json.load(f)
    except FileNotFoundError:
        return "state.json is missing"
    except (OSError, ValueError):
        return "state.json is not valid JSON"
    if not isinstance(state, dict):
        return "state.json is not a checkpoint's state"
    if not _is_count(state.get("epoch")):
        return f"its epoch {state.get('epoch')!r} is not a whole number of at least 0"
    if not _is_count(state.get("steps")) or not _is_count(state.get("random")) or not isinstance(state.get("interrupted"), bool):
        return "state.json lacks the step count, random stream or interrupted flag"
    if not isinstance(state.get("history"), list) or len(state["history"]) != state["epoch"]:
        return f"its history does not have {state['epoch']} epochs"
    checksums = state.get("checksums")
    if checksums is not None and not isinstance(checksums, dict):
        return "state.json's checksums are not a list of files"
    files = list(CHECKSUMMED) + ([RANDOM_FILE] if state.get("engine") == "torch" else [])
    for file in files:
        path = os.path.join(folder, file)
        if not os.path.isfile(path):
            return f"{file} is missing"
        if checksums is not None and file in checksums and _sha256(path) != checksums[file]:
            return f"{file} does not match its checksum"
    for sub in (folder, os.path.join(folder, "optimizer")):
        problem = _manifest_problem(sub)
        if problem is not None:
            return problem
    return state


def _manifest_problem(folder: str) -> Optional[str]:
    """What is wrong with a model.json + weights.bin pair, judged by the manifest and the sizes (the checksums cover the bytes)."""
    try:
        with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        groups = manifest["weightsManifest"]
        for group in groups:
            needed = sum(4 * _count(entry["shape"]) for entry in group["weights"])
            have = sum(os.path.getsize(os.path.join(folder, p)) for p in group["paths"])
            if needed != have:
                return f"{os.path.join(folder, group['paths'][0])} has {have} bytes; its manifest needs {needed}"
    except OSError as error:
        return f"cannot read {folder}: {error.strerror}"
    except (ValueError, KeyError, TypeError):
        return f"{os.path.join(folder, 'model.json')} is not a model manifest"
    return None


def _count(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def save_checkpoint(run: str, model: GeneratedModel, state: Mapping[str, Any], random: Mapping[str, Any]) -> str:
    """Writes one checkpoint (rank 0 only) and returns its folder relative to the run, e.g. ``checkpoints/epoch-0001-step-00000003``."""
    folders = os.path.join(run, "checkpoints")
    os.makedirs(folders, exist_ok=True)
    name = checkpoint_name(state["epoch"], state["steps"], state["interrupted"])
    partial = os.path.join(folders, f".{name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save(partial)
    model.save_optimizer_state(os.path.join(partial, "optimizer"))
    _write_json(os.path.join(partial, RANDOM_FILE), dict(random))
    checksums = {f: _sha256(os.path.join(partial, f)) for f in CHECKSUMMED + (RANDOM_FILE,)}
    _write_json(os.path.join(partial, "state.json"), {**state, "random": 0, "engine": "torch", "randomFile": RANDOM_FILE, "checksums": checksums})
    damage = verify(partial)
    if isinstance(damage, str):
        raise RuntimeError(f"the checkpoint just written in {partial} does not read back: {damage}")
    target = os.path.join(folders, name)
    current = read_latest(run)
    if os.path.exists(target):
        if current == f"checkpoints/{name}" and not isinstance(verify(target), str):
            shutil.rmtree(partial, ignore_errors=True)
            return f"checkpoints/{name}"
        os.replace(target, os.path.join(folders, f".{name}.{os.getpid()}.replaced"))
    os.replace(partial, target)
    _write_json(os.path.join(run, "latest.json"), {"folder": f"checkpoints/{name}"})
    previous = next((c for c in candidates(run) if c != name and not isinstance(verify(os.path.join(folders, c)), str)), None)
    for entry in os.listdir(folders):
        if entry not in (name, previous):
            path = os.path.join(folders, entry)
            shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.unlink(path)
    return f"checkpoints/{name}"


def latest_checkpoint(run: str, on_damaged: Optional[Callable[[str, str], None]] = None) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The newest complete checkpoint (folder, state) of a run; damaged newer ones are passed over and reported."""
    for name in candidates(run):
        folder = os.path.join(run, "checkpoints", name)
        result = verify(folder)
        if isinstance(result, str):
            if on_damaged is not None:
                on_damaged(folder, result)
            continue
        return folder, result
    return None


def read_random(folder: str) -> Optional[Dict[str, Any]]:
    """torch-random.json of a torch checkpoint; None for a TF.js checkpoint."""
    path = os.path.join(folder, RANDOM_FILE)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        value = json.load(f)
    if value.get("format") != "aespec-torch-random":
        raise ValueError(f"{path} is not aespec's record of torch's random state")
    return value


def restore_weights(model: GeneratedModel, folder: str) -> bool:
    """Weights and, where the folder has ``optimizer/``, the optimizer state (from either engine). True when it had optimizer state."""
    model.load(folder)
    optimizer = os.path.join(folder, "optimizer")
    if os.path.isfile(os.path.join(optimizer, "model.json")):
        model.load_optimizer_state(optimizer)
        return True
    return False
