"""The trainer as an engine: checkpoints in the TS runner's format, resume, SIGINT, non-finite losses, DDP.

Models: python/tests/fixtures/*.py, generated from tests/train/fixtures/*.aespec
(`npx tsx tests/torch/generate.ts`; tests/torch/trainer.test.ts fails when one is stale).
"""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
from typing import Any, Dict, List, Optional

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))

from aespec_torch.checkpoint import CHECKSUMMED, RANDOM_FILE, latest_checkpoint, verify  # noqa: E402
from aespec_torch.train import Interrupt, train  # noqa: E402
from aespec_torch.weights import read_weights  # noqa: E402

sys.path.insert(0, HERE)
from rows import write_rows as rows_file  # noqa: E402

TINY_AE = os.path.join(HERE, "fixtures", "tiny-ae.py")
TINY_VAE = os.path.join(HERE, "fixtures", "tiny-vae.py")
EXPLODING = os.path.join(HERE, "fixtures", "exploding-vae.py")
TINY_SSAAE = os.path.join(HERE, "fixtures", "tiny-ssaae.py")
ENV = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "python"), "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}

# DDP against one process: the ranks sum their share-scaled gradients in another order than
# one process sums the whole batch, so the results agree to float32 rounding, not bit for bit.
# Measured (tiny-ae, 17 rows, 3 Adam steps, lr 1e-3): weights 7.5e-9, moments 3.7e-7 of their largest entry.
WEIGHT_TOLERANCE = 1e-6  # absolute, i.e. 1e-3 · lr
MOMENT_TOLERANCE = 1e-5  # of each tensor's largest entry


def write_rows(folder: str, rows: int, labels: bool = False) -> str:
    return rows_file(folder, rows, labels=labels, labelled_every=3 if labels else None)


def newest(run: str) -> str:
    found = latest_checkpoint(run)
    assert found is not None, f"{run} has no complete checkpoint"
    return found[0]


def weights_of(folder: str) -> Dict[str, torch.Tensor]:
    return read_weights(folder)[1]


def assert_same(a: Dict[str, torch.Tensor], b: Dict[str, torch.Tensor]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), f"{k} differs by {float((a[k].float() - b[k].float()).abs().max())}"


class StopAfter(Interrupt):
    """An interrupt requested at the n-th check (the trainer checks before each epoch and after each step but an epoch's last)."""

    def __init__(self, checks: int) -> None:
        super().__init__()
        self.left = checks

    def check(self) -> bool:
        self.left -= 1
        return self.left < 0 or self.requested


def run_cli(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aespec_torch.train", *args], env=ENV, capture_output=True, text=True, timeout=timeout)


def events_of(stdout: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_checkpoints_are_ts_run_folders(tmp_path) -> None:
    rows = write_rows(str(tmp_path), 24)
    run = str(tmp_path / "run")
    events: List[Dict[str, Any]] = []
    assert train(TINY_AE, rows, run, epochs=3, batch_size=8, test_path=rows, spec_path=os.path.join(ROOT, "tests/train/fixtures/tiny-ae.aespec"), emit=events.append) == 0
    assert sorted(os.listdir(os.path.join(run, "checkpoints"))) == ["epoch-0002-step-00000006", "epoch-0003-step-00000009"], "the newest two are kept"
    assert json.load(open(os.path.join(run, "latest.json"))) == {"folder": "checkpoints/epoch-0003-step-00000009"}
    assert open(os.path.join(run, "spec.aespec")).read().startswith("// A tiny plain autoencoder")
    record = json.load(open(os.path.join(run, "run.json")))
    assert record["model"] == "TinyAE" and record["batch"] == 8 and record["epochs"] == 3 and record["engine"] == "torch"
    folder = os.path.join(run, "checkpoints", "epoch-0003-step-00000009")
    state = verify(folder)
    assert isinstance(state, dict)
    assert state["epoch"] == 3 and state["steps"] == 9 and state["interrupted"] is False and state["random"] == 0 and state["engine"] == "torch"
    assert [h["epoch"] for h in state["history"]] == [1, 2, 3] and set(state["history"][0]) >= {"epoch", "seconds", "train", "test"}
    assert set(state["checksums"]) == set(CHECKSUMMED) | {RANDOM_FILE}
    assert json.load(open(os.path.join(folder, "optimizer", "model.json")))["format"] == "aespec-optimizer"
    assert json.load(open(os.path.join(folder, RANDOM_FILE)))["format"] == "aespec-torch-random"
    # Damage the newest: the previous complete one is used, with a warning.
    with open(os.path.join(folder, "weights.bin"), "r+b") as f:
        f.write(b"\0\0\0\0")
    warned: List[str] = []
    assert latest_checkpoint(run, lambda f, reason: warned.append(reason))[0].endswith("epoch-0002-step-00000006")
    assert warned == ["weights.bin does not match its checksum"]
    # The protocol: start, steps, epoch (with test terms), done.
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("epoch") == 3
    assert all(json.dumps(e) for e in events)
    epoch = next(e for e in events if e["event"] == "epoch")
    assert set(epoch["terms"]) == {"nll_x"} and set(epoch["test"]) == {"nll_x"} and epoch["examplesPerSecond"] > 0


def test_resume_mid_epoch_is_exact(tmp_path) -> None:
    """tiny-vae samples z: resuming restores the batch order, the step and torch's noise stream."""
    rows = write_rows(str(tmp_path), 24)
    straight, resumed = str(tmp_path / "straight"), str(tmp_path / "resumed")
    assert train(TINY_VAE, rows, straight, epochs=2, batch_size=8, emit=lambda e: None) == 0
    # Stops after step 2 of epoch 2 (checks: before epoch 1, steps 1, 2; before epoch 2, step 1 (4), step 2 (5)).
    events: List[Dict[str, Any]] = []
    assert train(TINY_VAE, rows, resumed, epochs=2, batch_size=8, emit=events.append, interrupt=StopAfter(5)) == 130
    assert events[-1] == {"event": "interrupted", "epoch": 2, "step": 2, "checkpoint": "checkpoints/epoch-0001-step-00000005-interrupted"}
    state = verify(newest(resumed))
    assert state["interrupted"] is True and state["partial"]["steps"] == 2 and state["partial"]["seen"] == 16
    assert train(TINY_VAE, rows, resumed, resume=True, emit=events.append) == 0
    assert_same(weights_of(newest(straight)), weights_of(newest(resumed)))
    assert_same(read_weights(os.path.join(newest(straight), "optimizer"))[1], read_weights(os.path.join(newest(resumed), "optimizer"))[1])
    assert verify(newest(straight))["history"][1]["train"] == verify(newest(resumed))["history"][1]["train"]


def test_resume_at_an_epoch_boundary_with_more_epochs(tmp_path) -> None:
    rows = write_rows(str(tmp_path), 16, labels=True)
    straight, resumed = str(tmp_path / "straight"), str(tmp_path / "resumed")
    assert train(TINY_SSAAE, rows, straight, epochs=2, batch_size=8, emit=lambda e: None) == 0
    assert train(TINY_SSAAE, rows, resumed, epochs=1, batch_size=8, emit=lambda e: None) == 0
    assert train(TINY_SSAAE, rows, resumed, epochs=2, resume=True, emit=lambda e: None) == 0
    assert_same(weights_of(newest(straight)), weights_of(newest(resumed)))


def test_refusals(tmp_path) -> None:
    rows = write_rows(str(tmp_path), 8)
    run = str(tmp_path / "run")
    assert run_cli(TINY_AE, "--data", rows, "--out", run, "--epochs", "1", "--batch", "8").returncode == 0
    again = run_cli(TINY_AE, "--data", rows, "--out", run, "--epochs", "1")
    assert again.returncode == 1 and events_of(again.stdout)[-1]["kind"] == "runExists"
    other = run_cli(TINY_AE, "--data", rows, "--out", run, "--resume", "--batch", "4", "--epochs", "2")
    assert other.returncode == 1 and events_of(other.stdout)[-1] == {"event": "error", "kind": "settingDiffers", "message": f"{run} was trained with --batch 8, not 4"}


def test_sigint_saves_an_interrupted_checkpoint_and_exits_130(tmp_path) -> None:
    rows = write_rows(str(tmp_path), 24)
    run = str(tmp_path / "run")
    child = subprocess.Popen([sys.executable, "-m", "aespec_torch.train", TINY_AE, "--data", rows, "--out", run, "--epochs", "100000", "--batch", "8", "--progress-every", "1"],
                             env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines = [child.stdout.readline(), child.stdout.readline()]
    assert json.loads(lines[1])["event"] == "steps"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    last = events_of(out)[-1]
    assert last["event"] == "interrupted"
    # A signal just before an epoch starts leaves the previous epoch's checkpoint as the newest (step 0).
    assert last["checkpoint"].endswith("-interrupted") == (last["step"] > 0)
    assert verify(os.path.join(run, last["checkpoint"]))["interrupted"] is (last["step"] > 0)
    assert latest_checkpoint(run) is not None


def test_a_non_finite_loss_is_one_json_line_and_keeps_the_last_checkpoint(tmp_path) -> None:
    """exploding-vae (Adam, lr 1e5), one step per epoch: the loss is NaN at step 3, after two checkpoints."""
    rows = write_rows(str(tmp_path), 24)
    run = str(tmp_path / "run")
    result = run_cli(EXPLODING, "--data", rows, "--out", run, "--batch", "24", "--epochs", "50")
    assert result.returncode == 1, result.stderr
    error = events_of(result.stdout)[-1]
    assert error["event"] == "error" and error["kind"] == "nonFiniteLoss"
    assert error["term"] in ("nll_x", "kl_z") and error["value"] in ("NaN", "Infinity", "-Infinity")
    assert error["step"] == error["epoch"] >= 2, error
    previous = error["epoch"] - 1
    assert error["checkpoint"] == f"checkpoints/epoch-{previous:04d}-step-{previous:08d}"
    assert latest_checkpoint(run)[0] == os.path.join(run, error["checkpoint"])
    assert result.stderr.strip().splitlines()[-1].startswith("error: loss term")


def test_two_processes_equal_one_on_the_whole_batch(tmp_path) -> None:
    """tiny-ae is deterministic (no sampling): 2 gloo ranks on loopback, 3 steps, against 1 process.

    17 rows in batches of 8: the third batch has one row, so rank 1's shard is empty (share 0).
    """
    rows = write_rows(str(tmp_path), 17)
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    assert train(TINY_AE, rows, one, epochs=1, batch_size=8, emit=lambda e: None) == 0
    result = run_cli(TINY_AE, "--data", rows, "--out", two, "--epochs", "1", "--batch", "8", "--nproc", "2")
    assert result.returncode == 0, result.stderr
    events = events_of(result.stdout)
    assert events[0]["nproc"] == 2 and events[-1]["event"] == "done" and events[-1]["steps"] == 3
    a, b = weights_of(newest(one)), weights_of(newest(two))
    for k in a:
        assert float((a[k] - b[k]).abs().max()) <= WEIGHT_TOLERANCE, k
    ma, mb = read_weights(os.path.join(newest(one), "optimizer"))[1], read_weights(os.path.join(newest(two), "optimizer"))[1]
    for k in ma:
        scale = float(ma[k].float().abs().max()) or 1.0
        assert float((ma[k].float() - mb[k].float()).abs().max()) <= MOMENT_TOLERANCE * scale, k
    # The epoch's mean term is the whole batch's, not one shard's.
    assert abs(events[-2]["terms"]["nll_x"] - verify(newest(one))["history"][0]["train"]["nll_x"]) < 1e-3
    random = json.load(open(os.path.join(newest(two), RANDOM_FILE)))
    assert random["nproc"] == 2 and len(random["noise"]) == 2 and random["noise"][0] != random["noise"][1], "ranks draw different noise"


def test_an_interrupted_ddp_run_resumes_to_the_uninterrupted_weights(tmp_path) -> None:
    """tiny-vae (it samples) on 2 ranks; SIGINT to the launcher mid-run, then --resume --nproc 2."""
    rows = write_rows(str(tmp_path), 120)
    straight, resumed = str(tmp_path / "straight"), str(tmp_path / "resumed")
    common = [TINY_VAE, "--data", rows, "--batch", "8", "--epochs", "2", "--nproc", "2"]
    assert run_cli(*common, "--out", straight).returncode == 0
    child = subprocess.Popen([sys.executable, "-m", "aespec_torch.train", *common, "--out", resumed, "--progress-every", "1"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    child.stdout.readline()
    child.stdout.readline()  # the first step is done: the ranks are training
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    stopped = events_of(out)[-1]
    assert stopped["event"] == "interrupted" and (stopped["epoch"], stopped["step"]) < (2, 15), stopped
    result = run_cli(*common, "--out", resumed, "--resume")
    assert result.returncode == 0, result.stderr
    assert_same(weights_of(newest(straight)), weights_of(newest(resumed)))
