"""The value of a schedule at a point of training (src/runtime/schedules.ts's twin): term
weights, capacities and schedulable parameters are a number or a schedule, a dict as the IR
writes it ({"schedule": "linear", "from": 0, "to": 1, "unit": "epochs", "length": 10}).

Time t is the number of training steps done before the step being taken (0 at the first
step), in steps, or t / steps_per_epoch in epochs."""

from __future__ import annotations

import math
from typing import Any, Mapping, Optional, Union

Scalar = Union[float, int, Mapping[str, Any]]


def scalar_value(value: Scalar, step: int, steps_per_epoch: Optional[int] = None) -> float:
    """A number as is; a schedule at ``step`` steps done (in epochs: step / steps_per_epoch)."""
    if not isinstance(value, Mapping):
        return float(value)
    if value["unit"] == "steps":
        t = float(step)
    else:
        if steps_per_epoch is None or int(steps_per_epoch) != steps_per_epoch or steps_per_epoch < 1:
            raise ValueError(f"a schedule counted in epochs needs the steps per epoch (a whole number >= 1), found {steps_per_epoch!r}: set model.steps_per_epoch")
        t = step / steps_per_epoch
    kind = value["schedule"]
    if kind == "linear":
        return value["from"] + (value["to"] - value["from"]) * min(1.0, t / value["length"])
    if kind == "cyclical":
        if t >= value["length"]:
            return float(value["to"])
        period = value["length"] / value["cycles"]
        within = (t - math.floor(t / period) * period) / period
        return value["from"] + (value["to"] - value["from"]) * min(1.0, within / value["rising"])
    if kind == "exponential":
        return max(value["floor"], value["from"] * math.exp(-value["rate"] * t))
    raise ValueError(f"unknown schedule {kind!r}")
