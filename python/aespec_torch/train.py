"""Trains a generated PyTorch module on rows from a memory-mapped float32 file.

    python3 -m aespec_torch.train generated/vae.py --data rows.json --out runs/vae-torch \\
        [--test test.json] [--epochs N] [--batch B] [--seed S] [--device cpu|cuda] \\
        [--start-from RUN_OR_CHECKPOINT] [--resume] [--spec vae.aespec] [--nproc N] \\
        [--progress-every K]

rows.json describes the rows file beside it (written by the Node side from the same
loaders the wasm engine uses)::

    {"file": "rows.f32", "rows": 60000,
     "columns": [{"name": "x", "size": 784}, {"name": "y", "size": 10}],
     "labelled": "labelled.i32"}            # optional: int32 row indices with labels

rows.f32 holds every row's columns one after another (float32, little-endian, row-major),
mapped copy-on-write, so the data set is never read into memory as a whole.

The run folder is a TS run folder (run.json, spec.aespec, latest.json, checkpoints/: see
checkpoint.py). Standard output carries one JSON object per line, and nothing else; the
protocol is in docs/torch.md ("Progress protocol"). Exit codes: 0 done, 130 interrupted
(SIGINT/SIGTERM: the step finishes and a checkpoint marked interrupted is saved), 1 an
error (its JSON line says which: a non-finite loss names the term and step).
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    # The launcher imports no torch: with --nproc N only the ranks pay for it.
    from .launch import launch_from_argv

    _launched = launch_from_argv(sys.argv[1:])
    if _launched is not None:
        sys.exit(_launched)

import argparse
import importlib.util
import json
import math
import mmap
import resource
import signal
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
from torch import Tensor

from . import distributed as ddp
from .checkpoint import decode_state, encode_state, latest_checkpoint, read_random, restore_weights, save_checkpoint
from .model import GeneratedModel, NonFiniteLoss
from .noise import SeededNoise
from .weights import _write_atomic


class TrainError(Exception):
    """A mistake in the trainer's inputs: reported as one JSON error line, exit 1."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


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


def train_step(model: GeneratedModel, ctx: ddp.Context, load: Callable[[Tensor, str], Dict[str, Tensor]], rows: Tensor, labelled_rows: Optional[Tensor]) -> Dict[str, float]:
    """One step of every phase in order, on this rank's shard; the same as ``model.train_step`` on one process.

    A rank's loss is its shard's mean times its share of the batch, the ranks sum gradients
    and terms, so every rank applies the whole batch's gradient. A rank whose shard is
    empty (a last batch smaller than the ranks) runs one row with share 0.
    """
    model.steps += 1
    kept: Dict[str, float] = {}
    # This rank's shard of each kind of rows the phases read, loaded once for the whole step.
    read = {kind for phase in model.phases for kind in phase.rows}
    batches: Dict[str, Dict[str, Tensor]] = {}
    shares: Dict[str, float] = {"all": 0.0, "labelled": 0.0}
    for kind, whole in (("all", rows), ("labelled", labelled_rows)):
        if kind not in read:
            continue
        if whole is None:
            raise ValueError("the model has terms on labelled examples: the data has none")
        mine = ddp.shard(whole, ctx)
        shares[kind] = len(mine) / len(whole)
        if len(mine) == 0:
            mine, shares[kind] = whole[:1], 0.0
        batches[kind] = load(mine, kind)
    for index, phase in enumerate(model.phases):
        grads, terms, updates = model.phase_gradients(index, batches, shares=shares, step=model.steps - 1)
        if ctx.distributed:
            rows_of = {t.term: t.rows for t in phase.terms}
            grads, terms = ddp.reduce_phase(grads, {k: v * shares[rows_of[k]] for k, v in terms.items()}, ctx)
        model.apply_phase(index, grads, updates)
        for k, v in terms.items():
            kept.setdefault(k, float(v))
    for term, value in kept.items():
        if not math.isfinite(value):
            raise NonFiniteLoss(term, model.steps, value)
    return kept


def _json_number(v: float) -> Any:
    return v if math.isfinite(v) else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity"))


def emit_stdout(event: Dict[str, Any]) -> None:
    """One protocol line. A closed stdout (a parent that stopped reading) does not stop training."""
    try:
        sys.stdout.write(json.dumps(event, allow_nan=False) + "\n")
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass


class Interrupt:
    """SIGINT/SIGTERM: the first finishes the step and saves; a second quits at once (exit 130)."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Dict[int, Any] = {}
        self._launcher = int(os.environ.get("AESPEC_LAUNCHER_PID", "0"))

    def __enter__(self) -> "Interrupt":
        try:
            for s in (signal.SIGINT, signal.SIGTERM):
                self._previous[s] = signal.signal(s, self._handle)
        except ValueError:  # not the main thread: no signals
            pass
        return self

    def _handle(self, _signum, _frame) -> None:
        if self.requested:
            os._exit(130)
        self.requested = True
        print("interrupt: finishing this step, then saving a checkpoint (again to quit at once)", file=sys.stderr, flush=True)

    def check(self) -> bool:
        # A rank whose launcher died stops as if interrupted.
        if self._launcher and os.getppid() != self._launcher:
            self.requested = True
        return self.requested

    def __exit__(self, *_exc) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, handler)


def _read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            value = json.load(f)
        return value if isinstance(value, dict) else None
    except (OSError, ValueError):
        return None


def _write_json(path: str, value: Any) -> None:
    _write_atomic(path, (json.dumps(value, indent=2) + "\n").encode("utf-8"))


def _start_folder(path: str, on_damaged: Callable[[str, str], None]) -> str:
    """A run folder's newest complete checkpoint, a checkpoint folder, or a folder of weights."""
    if os.path.isfile(os.path.join(path, "latest.json")) or os.path.isdir(os.path.join(path, "checkpoints")):
        found = latest_checkpoint(path, on_damaged)
        if found is None:
            raise TrainError("noCheckpoint", f"{path} has no complete checkpoint to start from")
        return found[0]
    return path


def train(
    module_path: str,
    data_path: str,
    out: str,
    epochs: Optional[int] = None,
    batch_size: Optional[int] = None,
    seed: Optional[int] = None,
    device: Optional[str] = None,
    start_from: Optional[str] = None,
    resume: bool = False,
    test_path: Optional[str] = None,
    spec_path: Optional[str] = None,
    progress_every: int = 10,
    emit: Callable[[Dict[str, Any]], None] = emit_stdout,
    interrupt: Optional[Interrupt] = None,
) -> int:
    """Trains; returns the exit code (0 done, 130 interrupted). Raises TrainError and NonFiniteLoss."""
    ctx = ddp.context_from_environment()
    say = emit if ctx.main else (lambda _event: None)
    # One thread per process: OpenBLAS's threads oversubscribe small machines (docs/torch.md).
    torch.set_num_threads(int(os.environ.get("AESPEC_THREADS", "1")))
    device = ddp.init(ctx, device)
    try:
        with interrupt or Interrupt() as stop:
            return _train(ctx, say, stop, module_path, data_path, out, epochs, batch_size, seed, device, start_from, resume, test_path, spec_path, progress_every)
    finally:
        ddp.finish(ctx)


def _train(ctx: ddp.Context, say: Callable[[Dict[str, Any]], None], stop: Interrupt, module_path: str, data_path: str, out: str, epochs: Optional[int], batch_size: Optional[int], seed: Optional[int], device: Optional[str], start_from: Optional[str], resume: bool, test_path: Optional[str], spec_path: Optional[str], progress_every: int) -> int:
    def damaged(folder: str, reason: str) -> None:
        say({"event": "warning", "kind": "damagedCheckpoint", "checkpoint": folder, "reason": reason})

    record = _read_json(os.path.join(out, "run.json"))
    checkpoint: Optional[Tuple[str, Dict[str, Any]]] = None
    if resume:
        if record is None:
            raise TrainError("notARun", f"{out} is not a run folder (run.json is missing or invalid)")
        checkpoint = latest_checkpoint(out, damaged)
        if checkpoint is None:
            raise TrainError("noCheckpoint", f"{out} has no complete checkpoint to resume from")
        for setting, given, was in (("--seed", seed, record.get("seed")), ("--batch", batch_size, record.get("batch"))):
            if given is not None and was is not None and given != was:
                raise TrainError("settingDiffers", f"{out} was trained with {setting} {was}, not {given}")
        if epochs is not None and epochs < checkpoint[1]["epoch"]:
            raise TrainError("settingDiffers", f"{out} has done {checkpoint[1]['epoch']} epochs, more than --epochs {epochs}")
    elif os.path.isfile(os.path.join(out, "latest.json")) or os.path.isdir(os.path.join(out, "checkpoints")):
        raise TrainError("runExists", f"{out} already holds a run: continue it with --resume, or choose another --out")

    seed = seed if seed is not None else int((record or {}).get("seed", 1))
    model = create_model(load_module(module_path), seed, device)
    if ctx.distributed and any(not s.trainable for s in model.weight_specs):
        raise TrainError("movingStatistics", f"model {model.model_name} keeps moving averages (batch-norm statistics or an EMA codebook), which data-parallel replicas would not agree on: train it with one process")
    if ctx.rank > 0:
        model.noise = SeededNoise(seed + 1_000_003 * ctx.rank, model.device)  # ranks draw different noise
    data = RowFile(data_path)
    test = RowFile(test_path) if test_path else None
    shapes = dict(model.data_shapes)
    epochs = epochs if epochs is not None else int((record or {}).get("epochs", model.epochs))
    batch_size = batch_size or int((record or {}).get("batch", 0)) or model.batch_size
    if ctx.distributed and batch_size < ctx.world:
        raise TrainError("batchTooSmall", f"a batch of {batch_size} cannot be shared by {ctx.world} processes")
    needs_labelled = model.reads_labelled
    if needs_labelled and (data.labelled is None or len(data.labelled) == 0):
        raise TrainError("noLabels", "this model has terms on labelled examples: rows.json must name a non-empty labelled file")
    if needs_labelled:
        assert data.labelled is not None
        model.labelled_fraction = len(data.labelled) / data.size
    names = {"all": model.batch_variables("all"), "labelled": model.batch_variables("labelled")}

    def load(rows: Tensor, subset: str) -> Dict[str, Tensor]:
        return model.to_device(reshape_batch(model, data.batch(rows, names["labelled" if subset == "labelled" else "all"]), shapes))

    generator = torch.Generator().manual_seed(seed)
    history: List[Dict[str, Any]] = []
    first = 0
    partial: Optional[Dict[str, Any]] = None
    random: Optional[Dict[str, Any]] = None
    if checkpoint is not None:
        folder, state = checkpoint
        random = read_random(folder)
        if random is None:
            raise TrainError("notATorchRun", f"{folder} was written by the TF.js engine: start a torch run from it with --start-from")
        if random.get("nproc") != ctx.world:
            raise TrainError("settingDiffers", f"{out} was trained by {random.get('nproc')} processes, not {ctx.world}: resume with --nproc {random.get('nproc')}")
        restore_weights(model, folder)
        model.steps = state["steps"]
        for optimizer, extra in zip(model.optimizers, random.get("optimizers", [])):
            for k, v in extra.items():
                if k.startswith("acc_") and hasattr(optimizer, k):
                    setattr(optimizer, k, float(v))
        generator.set_state(decode_state(random["data"]))
        model.noise.set_state(decode_state(random["noise"][ctx.rank]))
        history = list(state["history"])
        first = state["epoch"]
        partial = state.get("partial") if state.get("interrupted") else None
    elif start_from is not None:
        restore_weights(model, _start_folder(start_from, damaged))
    ddp.broadcast_weights([t for _, t in model.named_weights()], ctx)

    if ctx.main:
        os.makedirs(out, exist_ok=True)
        if spec_path and not os.path.exists(os.path.join(out, "spec.aespec")):
            with open(spec_path, "rb") as f:
                _write_atomic(os.path.join(out, "spec.aespec"), f.read())
        if record is None:
            record = {"spec": spec_path, "model": model.model_name, "data": data_path, "seed": seed, "batch": batch_size, "epochs": epochs, "engine": "torch", "module": module_path}
            _write_json(os.path.join(out, "run.json"), {k: v for k, v in record.items() if v is not None})
        elif record.get("epochs") != epochs and record.get("engine") == "torch":
            _write_json(os.path.join(out, "run.json"), {**record, "epochs": epochs})

    steps_per_epoch = math.ceil(data.size / batch_size)
    model.steps_per_epoch = steps_per_epoch
    say({"event": "start", "model": model.model_name, "rows": data.size, "testRows": test.size if test else 0, "batch": batch_size, "epochs": epochs, "stepsPerEpoch": steps_per_epoch,
         "nproc": ctx.world, "device": str(model.device), "torch": torch.__version__, "resumedFrom": checkpoint[0] if checkpoint else None, "epoch": first + 1, "step": (partial or {}).get("steps", 0) + 1})
    started = time.time() - (history[-1]["seconds"] if history else 0.0)

    def random_record(epoch_state: Tensor) -> Dict[str, Any]:
        noise_device = getattr(model.noise, "device", torch.device("cpu"))
        states = ddp.gather_states(model.noise.get_state().to(noise_device if str(noise_device).startswith("cuda") else "cpu"), ctx)
        return {"format": "aespec-torch-random", "version": 1, "torch": torch.__version__, "nproc": ctx.world,
                "data": encode_state(generator.get_state()), "epochData": encode_state(epoch_state), "noise": [encode_state(s.cpu()) for s in states],
                # Adam's accumulated β powers: TF.js (and load_optimizer_state) recompute them from the
                # step count, which can differ in the last bit from the product; kept for an exact resume.
                "optimizers": [{k: v for k, v in vars(o).items() if k.startswith("acc_")} for o in model.optimizers]}

    def save(state: Dict[str, Any], epoch_state: Tensor) -> Optional[str]:
        rec = random_record(epoch_state)  # collective: every rank takes part
        return save_checkpoint(out, model, state, rec) if ctx.main else None

    def stopping() -> bool:
        flag = torch.tensor([1.0 if stop.check() else 0.0])
        return bool(ddp.all_sum(flag, ctx).item() > 0) if ctx.distributed else bool(flag.item())

    name: Optional[str] = f"checkpoints/{os.path.basename(checkpoint[0])}" if checkpoint else None  # the newest checkpoint
    for epoch in range(first, epochs):
        if stopping():
            say({"event": "interrupted", "epoch": epoch + 1, "step": 0, "checkpoint": name})
            return 130
        if partial is not None and random is not None:
            epoch_state = decode_state(random["epochData"])
            generator.set_state(epoch_state)
            order = torch.randperm(data.size, generator=generator)
            generator.set_state(decode_state(random["data"]))
            done, sums, seen = int(partial["steps"]), dict(partial["sums"]), int(partial["seen"])
            partial = None
        else:
            epoch_state = generator.get_state()
            order = torch.randperm(data.size, generator=generator)
            done, sums, seen = 0, {}, 0
        group_started, group_sums, group_rows = time.time(), {}, 0
        epoch_started = time.time()
        for step in range(done, steps_per_epoch):
            rows = order[step * batch_size:(step + 1) * batch_size]
            labelled = None
            if needs_labelled:
                assert data.labelled is not None
                labelled = data.labelled[torch.randint(0, len(data.labelled), (len(rows),), generator=generator)]
            try:
                terms = train_step(model, ctx, load, rows, labelled)
            except NonFiniteLoss as error:
                error.epoch = epoch + 1  # type: ignore[attr-defined]
                raise
            done += 1
            seen += len(rows)
            group_rows += len(rows)
            for k, v in terms.items():
                sums[k] = sums.get(k, 0.0) + v * len(rows)
                group_sums[k] = group_sums.get(k, 0.0) + v * len(rows)
            if done % progress_every == 0 or done == steps_per_epoch:
                now = time.time()
                say({"event": "steps", "epoch": epoch + 1, "step": done, "steps": steps_per_epoch, "globalStep": model.steps,
                     "terms": {k: s / group_rows for k, s in group_sums.items()}, "examples": group_rows, "examplesPerSecond": round(group_rows / max(now - group_started, 1e-9), 1)})
                group_started, group_sums, group_rows = now, {}, 0
            if done < steps_per_epoch and stopping():
                state = {"epoch": epoch, "interrupted": True, "random": 0, "steps": model.steps, "history": history,
                         "partial": {"epochRandom": 0, "steps": done, "sums": sums, "seen": seen}}
                name = save(state, epoch_state)
                say({"event": "interrupted", "epoch": epoch + 1, "step": done, "checkpoint": name})
                return 130
        means = {k: s / max(seen, 1) for k, s in sums.items()}
        seconds = time.time() - epoch_started
        test_terms: Dict[str, float] = {}
        if test is not None and ctx.main and test.size > 0:
            # Evaluation draws from a noise of its own, so a test set does not change training.
            kept_noise, model.noise = model.noise, SeededNoise(seed + 7919 * (epoch + 1), model.device)
            try:
                test_names = model.batch_variables("labelled") if all(n in dict(test.columns) for n in model.batch_variables("labelled")) else model.batch_variables("all")
                test_terms = model.evaluate(reshape_batch(model, test.batch(torch.arange(test.size), test_names), shapes), batch_size)
            finally:
                model.noise = kept_noise
        entry = {"epoch": epoch + 1, "seconds": round(time.time() - started, 3), "train": means, "test": test_terms,
                 "rssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
        schedules = model.schedule_values()
        if schedules:
            entry["schedules"] = schedules
        history.append(entry)
        name = save({"epoch": epoch + 1, "interrupted": False, "random": 0, "steps": model.steps, "history": history}, generator.get_state())
        say({"event": "epoch", "epoch": epoch + 1, "epochs": epochs, "terms": means, "test": test_terms, "seconds": round(seconds, 3),
             "examplesPerSecond": round(seen / max(seconds, 1e-9), 1), "checkpoint": name})
    say({"event": "done", "epochs": epochs, "steps": model.steps, "seconds": round(time.time() - started, 3), "checkpoint": name})
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python3 -m aespec_torch.train", description="Train a model aec generated for PyTorch.")
    parser.add_argument("module", help="the generated module, e.g. generated/vae.py")
    parser.add_argument("--data", required=True, help="rows.json describing a float32 rows file")
    parser.add_argument("--out", required=True, help="the run folder (the TS runner's layout)")
    parser.add_argument("--test", help="rows.json of a test set, evaluated after every epoch")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--device", default=None, help="cpu (default) or cuda")
    parser.add_argument("--start-from", help="a run folder (its newest checkpoint), a checkpoint folder or a weights folder, TF.js or torch: its weights, and its optimizer state where it has one")
    parser.add_argument("--resume", action="store_true", help="continue the torch run in --out from its newest complete checkpoint")
    parser.add_argument("--spec", help="the .aespec file, copied to the run folder as spec.aespec")
    parser.add_argument("--nproc", type=int, default=1, help="data-parallel processes on this machine (the project's launcher; ignored when RANK is set)")
    parser.add_argument("--port", type=int, help="MASTER_PORT for --nproc (default: a free port)")
    parser.add_argument("--progress-every", type=int, default=10, help="steps per progress line")
    args = parser.parse_args(argv)
    if args.nproc > 1 and "RANK" not in os.environ:
        from .launch import launch

        rest = [a for i, a in enumerate(argv) if not (a in ("--nproc", "--port") or a.startswith(("--nproc=", "--port=")) or (i > 0 and argv[i - 1] in ("--nproc", "--port")))]
        return launch(args.nproc, rest, args.port)
    try:
        return train(args.module, args.data, args.out, args.epochs, args.batch, args.seed, args.device, args.start_from, args.resume, args.test, args.spec, max(1, args.progress_every))
    except NonFiniteLoss as error:
        if ddp.context_from_environment().main:
            found = latest_checkpoint(args.out) if os.path.isdir(args.out) else None
            emit_stdout({"event": "error", "kind": "nonFiniteLoss", "term": error.term, "value": _json_number(error.value), "step": error.step, "epoch": getattr(error, "epoch", None),
                         "checkpoint": f"checkpoints/{os.path.basename(found[0])}" if found else None, "message": str(error)})
            print(f"error: {error}", file=sys.stderr)
        return 1
    except (TrainError, ValueError, OSError) as error:
        if ddp.context_from_environment().main:
            kind = error.kind if isinstance(error, TrainError) else "OSError" if isinstance(error, OSError) else "ValueError"
            emit_stdout({"event": "error", "kind": kind, "message": str(error)})
        print(f"error{'' if ddp.context_from_environment().main else ' (rank ' + os.environ.get('RANK', '?') + ')'}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
