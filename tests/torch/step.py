"""One training step of a generated PyTorch module on weights (and optimizer state, when
given), batches and noise the TF.js module wrote (tests/torch/equivalence.test.ts): writes each phase's terms and
gradients, the weights after the step and the evaluation terms, for comparison.

    python3 tests/torch/step.py GENERATED_MODULE.py FOLDER
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import sys
from typing import Dict, List, Optional, Tuple

import torch

import aespec_torch as rt


def read_pack(path: str) -> Dict[str, torch.Tensor]:
    """A tensor pack: PATH.json lists name, shape, dtype and offset into PATH.bin (little-endian)."""
    with open(f"{path}.json", encoding="utf-8") as f:
        entries = json.load(f)
    data = open(f"{path}.bin", "rb").read()
    out: Dict[str, torch.Tensor] = {}
    for e in entries:
        count = 1
        for d in e["shape"]:
            count *= d
        code = "i" if e["dtype"] == "int32" else "f"
        values = struct.unpack_from(f"<{count}{code}", data, e["offset"])
        out[e["name"]] = torch.tensor(values, dtype=torch.int64 if code == "i" else torch.float32).reshape(e["shape"])
    return out


def write_pack(path: str, tensors: List[Tuple[str, torch.Tensor]]) -> None:
    entries = []
    chunks = []
    offset = 0
    for name, t in tensors:
        values = t.detach().to(torch.float32).reshape(-1).tolist()
        chunk = struct.pack(f"<{len(values)}f", *values)
        entries.append({"name": name, "shape": list(t.shape), "dtype": "float32", "offset": offset})
        chunks.append(chunk)
        offset += len(chunk)
    with open(f"{path}.bin", "wb") as f:
        f.write(b"".join(chunks))
    with open(f"{path}.json", "w", encoding="utf-8") as f:
        json.dump(entries, f)


def draws(folder: str, name: str) -> rt.ReplayNoise:
    """The noise one pass drew in TF.js, in order: entries named `<index>:<kind>`."""
    pack = read_pack(os.path.join(folder, name))
    ordered = sorted(pack.items(), key=lambda item: int(item[0].split(":")[0]))
    return rt.ReplayNoise([(key.split(":")[1], value) for key, value in ordered])


def main(module_path: str, folder: str) -> None:
    torch.set_num_threads(1)
    spec = importlib.util.spec_from_file_location("generated_model", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    create = next(getattr(module, n) for n in dir(module) if n.startswith("create_"))
    model = create(seed=1)
    model.load(os.path.join(folder, "before"))
    resumed = os.path.exists(os.path.join(folder, "before-optimizer", "model.json"))
    if resumed:
        model.load_optimizer_state(os.path.join(folder, "before-optimizer"))
    # Where training is, for schedules (the TS side took its warm-up step at 3 steps per epoch).
    with open(os.path.join(folder, "clock.json"), encoding="utf-8") as f:
        clock = json.load(f)
    model.steps, model.steps_per_epoch = clock["step"], clock["stepsPerEpoch"]
    model.labelled_fraction = clock.get("labelledFraction")
    batch = read_pack(os.path.join(folder, "batch"))
    labelled = read_pack(os.path.join(folder, "labelled"))
    noise = draws(folder, "noise-eval")
    model.noise = noise
    values = model.loss_terms(batch, labelled)
    if not noise.finished():
        raise rt.NoiseMismatch(f"loss_terms drew {noise.position} of the {len(noise.draws)} recorded draws")
    with open(os.path.join(folder, "torch-eval.json"), "w", encoding="utf-8") as f:
        json.dump(values, f)
    for index, phase in enumerate(model.phases):
        noise = draws(folder, f"noise-{index}")
        model.noise = noise
        grads, terms, updates = model.phase_gradients(index, {"all": model.to_device(batch), "labelled": model.to_device(labelled)})
        if not noise.finished():
            raise rt.NoiseMismatch(f"phase {phase.name} drew {noise.position} of the {len(noise.draws)} recorded draws")
        out = [(f"term:{k}", v.reshape([])) for k, v in terms.items()]
        out += [(f"grad:{n}", g) for n, g in zip(phase.parameters, grads) if g is not None]
        write_pack(os.path.join(folder, f"torch-phase-{index}"), out)
        model.apply_phase(index, grads, updates)
    model.save(os.path.join(folder, "torch-after"))
    if resumed:
        model.save_optimizer_state(os.path.join(folder, "torch-after-optimizer"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
