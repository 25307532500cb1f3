"""Data-parallel training: the project's own launcher and the gradient exchange.

Each rank holds a full replica and trains on its shard of every batch (contiguous, near-equal,
the first shards one row longer: src/runner/parallel.ts's ``shards``). A rank's loss is its
shard's mean scaled by its share ``n_rank / n_batch``, so the sum over ranks of the scaled
gradients is the gradient of the whole batch's mean; the ranks sum them with one
``all_reduce`` per phase (gloo on CPU, NCCL on CUDA) and apply the same update.

The rank comes from the variables torchrun, SLURM scripts and :func:`launch` set: ``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``. torchrun itself is broken
with Debian's torch 1.13 under Python 3.11 (/work/shared/docs/torch-notes.md), so
``--nproc N`` starts the N processes itself (launch.py).
"""

from __future__ import annotations

import os
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

import torch
from torch import Tensor


class Context(NamedTuple):
    rank: int
    world: int
    local_rank: int

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def main(self) -> bool:
        return self.rank == 0


def context_from_environment() -> Context:
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        return Context(0, 1, 0)
    return Context(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", os.environ["RANK"])))


def init(ctx: Context, device: Optional[str]) -> Optional[str]:
    """Joins the process group; returns the device this rank trains on."""
    if not ctx.distributed:
        return device
    import torch.distributed as dist

    cuda = device is not None and device.startswith("cuda")
    if cuda:
        torch.cuda.set_device(ctx.local_rank)
        device = f"cuda:{ctx.local_rank}"
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    dist.init_process_group("nccl" if cuda else "gloo", rank=ctx.rank, world_size=ctx.world)
    return device


def finish(ctx: Context) -> None:
    if ctx.distributed:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


def shard(rows: Tensor, ctx: Context) -> Tensor:
    """This rank's contiguous share of a batch's rows (the first ranks get one more)."""
    return torch.tensor_split(rows, ctx.world)[ctx.rank] if ctx.distributed else rows


def all_sum(values: Tensor, ctx: Context) -> Tensor:
    if ctx.distributed:
        import torch.distributed as dist

        dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values


def reduce_phase(grads: Sequence[Optional[Tensor]], terms: Mapping[str, Tensor], ctx: Context) -> Tuple[List[Optional[Tensor]], Dict[str, Tensor]]:
    """Sums every rank's (share-scaled) gradients and terms in one flat buffer.

    Which weights have no gradient (None) depends on the graph only, so it is the same on
    every rank; those stay None and get no update, as on one process.
    """
    if not ctx.distributed:
        return list(grads), dict(terms)
    present = [g for g in grads if g is not None]
    names = list(terms)
    parts = [g.reshape(-1) for g in present]
    if names:
        parts.append(torch.stack([terms[n].reshape(()).to(torch.float32) for n in names]).to(present[0].device if present else terms[names[0]].device))
    flat = torch.cat(parts)
    all_sum(flat, ctx)
    out: List[Optional[Tensor]] = []
    offset = 0
    for g in grads:
        if g is None:
            out.append(None)
            continue
        out.append(flat[offset:offset + g.numel()].reshape(g.shape))
        offset += g.numel()
    return out, {n: flat[offset + i] for i, n in enumerate(names)}


def broadcast_weights(tensors: Sequence[Tensor], ctx: Context) -> None:
    """Rank 0's values everywhere (weights and optimizer state after a restore)."""
    if not ctx.distributed:
        return
    import torch.distributed as dist

    for t in tensors:
        dist.broadcast(t.data, src=0)


def gather_states(state: Tensor, ctx: Context) -> List[Tensor]:
    """Every rank's generator state (same size everywhere), in rank order."""
    if not ctx.distributed:
        return [state]
    import torch.distributed as dist

    out = [torch.empty_like(state) for _ in range(ctx.world)]
    dist.all_gather(out, state)
    return out
