"""What every generated model shares: weights by TF.js name, one optimizer per phase,
the phase loop, loss terms, evaluation, save and load (src/runtime/model.ts's part)."""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

from .layers import glorot_uniform, named_weights
from .noise import Noise, SeededNoise
from .optim import PhaseOptimizer, clip_by_global_norm, create_optimizer
from .priors import Prior
from .schedules import Scalar, scalar_value
from .weights import load_weights, read_weights, save_weights

Batch = Dict[str, Tensor]


class WeightSpec(NamedTuple):
    name: str
    shape: Tuple[int, ...]
    init: str
    trainable: bool


class PhaseTerm(NamedTuple):
    """One term of a phase's loss: its weight, the rows it is a mean over (``"all"`` or
    ``"labelled"``), and whether the weight is also multiplied by N_l/N (``labelled_fraction``)."""

    term: str
    weight: Scalar
    rows: str = "all"
    by_labelled_fraction: bool = False


class Phase(NamedTuple):
    """One training phase: weighted terms, minimised over exactly ``parameters``, by its optimizer."""

    name: str
    terms: Tuple[PhaseTerm, ...]
    updates: Tuple[str, ...]
    parameters: Tuple[str, ...]
    optimizer: str
    optimizer_parameters: Mapping[str, float]

    @property
    def rows(self) -> Tuple[str, ...]:
        """The rows the phase's terms read, in the order its terms first read them."""
        return tuple(dict.fromkeys(t.rows for t in self.terms))


class Forward:
    """The values of one step, each computed once on first use (the same order of draws as TF.js)."""

    def __init__(self, model: "GeneratedModel", batch: Mapping[str, Tensor], training: bool, noise: Noise, step: Optional[int] = None) -> None:
        self.model = model
        # The schedules' clock: the steps done before this one; by default the steps done so far.
        self.step = model.steps if step is None else step
        self.batch = batch
        self.priors: Mapping[str, Prior] = model.priors
        self.noise = noise
        self.training = training
        # Batch-norm moving averages, applied after the step's update.
        self.moving_updates: List[Tuple[Tensor, Tensor]] = []
        self._cache: Dict[str, Any] = {}

    @property
    def size(self) -> int:
        return next(iter(self.batch.values())).shape[0]

    def w(self, name: str) -> Tensor:
        return self.model.weights[name]

    def scalar(self, value: Scalar) -> float:
        """A number, or a schedule's value at this step (a relaxed categorical's temperature)."""
        return scalar_value(value, self.step, self.model.steps_per_epoch)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


TermFunction = Callable[[Any], Tensor]


class NonFiniteLoss(ArithmeticError):
    def __init__(self, term: str, step: int, value: float) -> None:
        super().__init__(f"loss term {term} became {value} at step {step}")
        self.term, self.step, self.value = term, step, value


class GeneratedModel(nn.Module):
    """Subclasses (generated) register their networks, then call ``setup``."""

    model_name: str = ""
    weight_specs: Tuple[WeightSpec, ...] = ()
    phases: Tuple[Phase, ...] = ()
    # Data variables: name → the number of labelled examples, or None when every row has it.
    data_variables: Mapping[str, Optional[int]] = {}
    # Each data variable's shape (images are [height, width, channels], as TF.js has them).
    data_shapes: Mapping[str, Tuple[int, ...]] = {}
    negative_elbo: Optional[Tuple[str, ...]] = None
    clip_norm: Optional[float] = None
    # `abs(term - C)`: the terms scored as |value - C|, C a number or a schedule (schedules.py).
    term_capacities: Mapping[str, Scalar] = {}
    batch_size: int = 128
    epochs: int = 1
    term_functions: Mapping[str, TermFunction] = {}

    def setup(self, seed: int, device: Optional[torch.device]) -> None:
        self.device = torch.device(device) if device is not None else torch.device("cpu")
        found = dict(named_weights(self))
        missing = [s.name for s in self.weight_specs if s.name not in found]
        if missing:
            raise RuntimeError(f"the networks lack weights {missing}")
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for spec in self.weight_specs:
                value = found[spec.name]
                if spec.init == "glorotUniform":
                    value.copy_(glorot_uniform(spec.shape, generator))
                elif spec.init == "standardNormal":
                    value.copy_(torch.randn(list(spec.shape), generator=generator))
                else:
                    value.fill_(1.0 if spec.init == "ones" else 0.0)
        self.to(self.device)
        self.weights: Dict[str, Tensor] = {s.name: v for s, v in ((s, dict(named_weights(self))[s.name]) for s in self.weight_specs)}
        self.priors: Dict[str, Prior] = self.create_priors()
        self.noise: Noise = SeededNoise(seed, self.device)
        self.optimizers: List[PhaseOptimizer] = [
            create_optimizer(p.optimizer, p.optimizer_parameters, [self.weights[n] for n in p.parameters], p.parameters) for p in self.phases
        ]
        self.steps = 0
        # Training steps per epoch, for schedules counted in epochs (train.py sets it; set it before train_step on your own).
        self.steps_per_epoch: Optional[int] = None
        # N_l/N, the fraction of training rows whose labels are known, for terms weighted by it (train.py sets it).
        self.labelled_fraction: Optional[float] = None

    @property
    def reads_labelled(self) -> bool:
        """Whether any phase has terms on labelled rows (training then needs a labelled batch each step)."""
        return any("labelled" in p.rows for p in self.phases)

    # ── what the generated subclass provides ──

    def create_priors(self) -> Dict[str, Prior]:
        return {}

    def values(self, batch: Mapping[str, Tensor], training: bool, noise: Optional[Noise] = None, step: Optional[int] = None) -> Forward:
        raise NotImplementedError

    def statistics(self, f: Any) -> Dict[str, Tensor]:
        """Figures evaluation reports beside the terms (a quantised latent's codebook usage); none by default."""
        return {}

    # ── batches ──

    def batch_variables(self, subset: str) -> List[str]:
        """Data variables a batch carries: all for labelled batches, the unlabelled ones otherwise."""
        return [n for n, labelled in self.data_variables.items() if subset == "labelled" or labelled is None]

    def to_device(self, batch: Mapping[str, Tensor]) -> Batch:
        return {k: torch.as_tensor(v, dtype=torch.float32).to(self.device) for k, v in batch.items()}

    # ── the phase loop ──

    def phase_index(self, name: str) -> int:
        for i, p in enumerate(self.phases):
            if p.name == name:
                return i
        raise KeyError(f"model {self.model_name} has no phase {name!r}")

    def term_value(self, term: str, f: Any, step: int) -> Tensor:
        """A term's value: its function's, or |value - C| for ``abs(term - C)`` (``term_capacities``)."""
        value = self.term_functions[term](f)
        capacity = self.term_capacities.get(term)
        return value if capacity is None else (value - scalar_value(capacity, step, self.steps_per_epoch)).abs()

    def schedule_values(self) -> Dict[str, float]:
        """Every schedule's value after the steps done (the next step's): weights as ``phase/term``, capacities as ``term/capacity``."""
        out: Dict[str, float] = {}
        for phase in self.phases:
            for t in phase.terms:
                if isinstance(t.weight, Mapping):
                    out[f"{phase.name}/{t.term}"] = scalar_value(t.weight, self.steps, self.steps_per_epoch)
        for term, capacity in self.term_capacities.items():
            if isinstance(capacity, Mapping):
                out[f"{term}/capacity"] = scalar_value(capacity, self.steps, self.steps_per_epoch)
        return out

    def phase_gradients(self, index: int, batches: Mapping[str, Mapping[str, Tensor]], shares: Optional[Mapping[str, float]] = None, step: Optional[int] = None) -> Tuple[List[Optional[Tensor]], Dict[str, Tensor], List[Tuple[Tensor, Tensor]]]:
        """Phase ``index``'s gradients in its parameter order (None where its loss does not reach), and its terms.
        Each term is a mean over the batch of its rows (``batches["all"]`` or ``batches["labelled"]``); ``shares``
        multiply the loss (not the terms), a rank's share of each batch (1 by default; 0 for a rank whose shard is
        empty, which passes one row). ``step``: the steps done before this one (the schedules' clock); by default
        the steps done so far."""
        phase = self.phases[index]
        step = self.steps if step is None else step
        shares = shares or {"all": 1.0, "labelled": 1.0}
        forwards: Dict[str, Forward] = {}
        terms: Dict[str, Tensor] = {}
        totals: Dict[str, Tensor] = {}
        for t in phase.terms:
            if t.rows not in forwards:
                forwards[t.rows] = self.values(batches[t.rows], True, step=step)
            value = self.term_value(t.term, forwards[t.rows], step)
            terms[t.term] = value
            w = self.term_weight(phase, t, step)
            weighted = value if w == 1 else value * w
            totals[t.rows] = weighted if t.rows not in totals else totals[t.rows] + weighted
        total: Optional[Tensor] = None
        for rows, value in totals.items():
            scaled = value if shares[rows] == 1 else value * shares[rows]
            total = scaled if total is None else total + scaled
        assert total is not None
        params = [self.weights[n] for n in phase.parameters]
        grads = torch.autograd.grad(total, params, allow_unused=True)
        updates = [u for f in forwards.values() for u in f.moving_updates]
        return list(grads), {k: v.detach() for k, v in terms.items()}, updates

    def term_weight(self, phase: Phase, t: PhaseTerm, step: int) -> float:
        """A phase term's weight at ``step``: its number or schedule, times N_l/N when it asks for it."""
        w = scalar_value(t.weight, step, self.steps_per_epoch)
        if not t.by_labelled_fraction:
            return w
        fraction = self.labelled_fraction
        if fraction is None or not 0 < fraction <= 1:
            raise ValueError(f"phase {phase.name} weighs `{t.term}` by the fraction of training rows whose labels are known, "
                             f"found {fraction}: train.py sets it; set model.labelled_fraction (N_l/N) before calling train_step directly")
        return w * fraction

    def apply_phase(self, index: int, grads: Sequence[Optional[Tensor]], updates: Sequence[Tuple[Tensor, Tensor]] = ()) -> None:
        """One optimizer update (a weight without a gradient is left alone), then batch-norm moving averages."""
        if self.clip_norm is not None:
            grads = clip_by_global_norm(grads, self.clip_norm)
        self.optimizers[index].apply(grads)
        with torch.no_grad():
            for target, value in updates:
                target.copy_(value)

    def train_phase(self, name: str, batch: Mapping[str, Tensor]) -> Dict[str, float]:
        """One phase on a batch (of labelled rows for a phase ``on labelled``); a phase mixing rows needs train_step."""
        index = self.phase_index(name)
        rows = self.phases[index].rows
        if len(rows) > 1:
            raise ValueError(f"phase {name} reads labelled and unlabelled batches: use train_step")
        grads, terms, updates = self.phase_gradients(index, {rows[0]: self.to_device(batch)})
        self.apply_phase(index, grads, updates)
        return {k: float(v) for k, v in terms.items()}

    def train_step(self, batch: Mapping[str, Tensor], labelled: Optional[Mapping[str, Tensor]] = None) -> Dict[str, float]:
        """Every phase in order, each minimising its weighted terms over exactly its own weights."""
        kept: Dict[str, Tensor] = {}
        self.steps += 1
        batches = {"all": self.to_device(batch)}
        if labelled is not None:
            batches["labelled"] = self.to_device(labelled)
        for index, phase in enumerate(self.phases):
            if "labelled" in phase.rows and labelled is None:
                raise ValueError(f"phase {phase.name} has terms on labelled examples: pass a labelled batch to train_step")
            grads, terms, updates = self.phase_gradients(index, batches, step=self.steps - 1)
            self.apply_phase(index, grads, updates)
            for k, v in terms.items():
                kept.setdefault(k, v)
        values = {k: float(v) for k, v in kept.items()}
        for term, value in values.items():
            if not math.isfinite(value):
                raise NonFiniteLoss(term, self.steps, value)
        return values

    @torch.no_grad()
    def loss_terms(self, batch: Mapping[str, Tensor], labelled: Optional[Mapping[str, Tensor]] = None) -> Dict[str, float]:
        """Every named term on one batch, without training (dropout and corruption off)."""
        f = self.values(self.to_device(batch), False)
        g = self.values(self.to_device(labelled), False) if labelled is not None else None
        out: Dict[str, float] = {}
        for phase in self.phases:
            for t in phase.terms:
                source = g if t.rows == "labelled" else f
                if source is not None and t.term not in out:
                    out[t.term] = float(self.term_value(t.term, source, self.steps))
        out.update({k: float(v) for k, v in self.statistics(f).items()})
        if self.negative_elbo and all(t in out for t in self.negative_elbo):
            out["negativeElbo"] = sum(out[t] for t in self.negative_elbo)
        return out

    def evaluate(self, data: Mapping[str, Tensor], batch_size: Optional[int] = None) -> Dict[str, float]:
        """The mean of every term over a data set given as whole columns (labelled ones if every row has them)."""
        size = next(iter(data.values())).shape[0]
        batch_size = batch_size or self.batch_size
        labelled_names = self.batch_variables("labelled")
        can_label = all(n in data for n in labelled_names)
        names = labelled_names if can_label else self.batch_variables("all")
        sums: Dict[str, float] = {}
        for start in range(0, size, batch_size):
            batch = {n: data[n][start:start + batch_size] for n in names}
            rows = next(iter(batch.values())).shape[0]
            for k, v in self.loss_terms(batch, batch if can_label else None).items():
                sums[k] = sums.get(k, 0.0) + v * rows
        return {k: s / size for k, s in sums.items()}

    # ── weights on disk ──

    def named_weights(self) -> List[Tuple[str, Tensor]]:
        return [(s.name, self.weights[s.name]) for s in self.weight_specs]

    def save(self, folder: str) -> None:
        """model.json + weights.bin in the TF.js layout: the generated TS module's ``load()`` reads it."""
        save_weights(folder, self.model_name, self.named_weights())

    def optimizer_state(self) -> List[Tuple[str, Tensor]]:
        """Each phase's optimizer state as the TS model's optimizerState() names it: `phase:iter`, `phase:weight/m`…"""
        return [(f"{phase.name}:{name}", t) for phase, optimizer in zip(self.phases, self.optimizers) for name, t in optimizer.state_entries()]

    def set_optimizer_state(self, state: Mapping[str, Tensor]) -> None:
        """Restores state saved by either engine; a phase without saved state keeps its own."""
        for phase, optimizer in zip(self.phases, self.optimizers):
            prefix = f"{phase.name}:"
            entries = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
            if entries:
                optimizer.load_state_entries(entries)

    def save_optimizer_state(self, folder: str) -> None:
        """The optimizer state as the TS runner's checkpoints hold it (an `optimizer/` folder: model.json + weights.bin)."""
        save_weights(folder, None, self.optimizer_state(), format="aespec-optimizer")

    def load_optimizer_state(self, folder: str) -> None:
        self.set_optimizer_state(read_weights(folder)[1])

    def load(self, folder: str) -> None:
        """Loads weights saved by either engine, refusing another model's or layout's."""
        tensors = load_weights(folder, self.model_name, [(s.name, s.shape) for s in self.weight_specs])
        with torch.no_grad():
            for name, value in self.named_weights():
                value.copy_(tensors[name].to(value.device))
