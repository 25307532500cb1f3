"""The project's own launcher: ``--nproc N`` starts N ranks of the trainer on this machine.

torchrun is broken with Debian's torch 1.13 under Python 3.11 (/work/shared/docs/torch-notes.md);
this sets the same variables torchrun does. It imports no torch, so the launcher process
starts at once and only the ranks pay for torch.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import List, Optional, Sequence


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(nproc: int, argv: Sequence[str], port: Optional[int] = None) -> int:
    """Starts ``nproc`` ranks of ``python -m aespec_torch.train argv`` on this machine and waits.

    Each rank gets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1, MASTER_PORT and
    OMP_NUM_THREADS=1, in a session of its own: SIGINT and SIGTERM reach the ranks through
    the launcher only (once each), so they agree on the step to stop after. Rank 0's stdout
    is the launcher's; the others' is discarded (only rank 0 reports). When a rank fails,
    the others are stopped. Returns rank 0's exit code (or the first failure's).
    """
    port = port or free_port()
    children: List[subprocess.Popen] = []
    base = {**os.environ, "WORLD_SIZE": str(nproc), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "OMP_NUM_THREADS": "1", "AESPEC_LAUNCHER_PID": str(os.getpid())}
    path = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    base["PYTHONPATH"] = path + (os.pathsep + base["PYTHONPATH"] if base.get("PYTHONPATH") else "")

    def forward(signum, _frame) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for rank in range(nproc):
            env = {**base, "RANK": str(rank), "LOCAL_RANK": str(rank)}
            children.append(subprocess.Popen([sys.executable, "-m", "aespec_torch.train", *argv], env=env, stdout=None if rank == 0 else subprocess.DEVNULL, start_new_session=True))
        failed: Optional[int] = None
        while any(c.poll() is None for c in children):
            codes = [c.poll() for c in children]
            if failed is None and any(code not in (None, 0, 130) for code in codes):
                failed = next(code for code in codes if code not in (None, 0, 130))
                deadline = time.time() + 10
            if failed is not None and time.time() > deadline:
                for c in children:
                    if c.poll() is None:
                        c.kill()
            time.sleep(0.05)
        codes = [c.returncode for c in children]
        return codes[0] if codes[0] != 0 or all(c == 0 for c in codes) else next(c for c in codes if c != 0)
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
        for s, handler in previous.items():
            signal.signal(s, handler)


def launch_from_argv(argv: Sequence[str]) -> Optional[int]:
    """When ``--nproc N`` (N > 1) is given outside a rank (no RANK set), launches and returns the exit code; else None."""
    if "RANK" in os.environ:
        return None
    nproc, port, rest = 1, None, []
    items = list(argv)
    i = 0
    while i < len(items):
        a = items[i]
        name, _, value = a.partition("=")
        if name in ("--nproc", "--port"):
            if not value:
                i += 1
                value = items[i] if i < len(items) else ""
            try:
                number = int(value)
            except ValueError:
                return None  # argparse reports it
            if name == "--nproc":
                nproc = number
            else:
                port = number
        else:
            rest.append(a)
        i += 1
    if nproc <= 1:
        return None
    if "-h" in rest or "--help" in rest:
        return None
    return launch(nproc, rest, port)
