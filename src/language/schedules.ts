/**
 * Schedules: numbers that change over training (a KL warm-up, cyclical annealing, a
 * capacity that rises, a temperature that decays). One notion for every place a number
 * may follow one: a term's weight, a preset's parameter marked `schedulable`, the target
 * C of `abs(term - C)`. The IR carries them as plain JSON; each engine evaluates them with
 * one pure function (src/runtime/schedules.ts, python/aespec_torch/schedules.py).
 *
 * Time t is the number of training steps done before the step being taken (0 at the
 * first step), in steps, or in epochs as t / stepsPerEpoch.
 */

import type { BuiltinSpec, ParameterSpec } from "./vocabulary.js";

export type ScheduleUnit = "steps" | "epochs";

export type Schedule =
  /** from + (to − from)·min(1, t / length): a warm-up, then constant. */
  | { readonly schedule: "linear"; readonly from: number; readonly to: number; readonly unit: ScheduleUnit; readonly length: number }
  /** Fu et al. (2019): `length` split into `cycles` equal cycles; in each the value rises linearly over the fraction `rising` of the cycle, then stays at `to`; after `length`, `to`. */
  | { readonly schedule: "cyclical"; readonly from: number; readonly to: number; readonly unit: ScheduleUnit; readonly length: number; readonly cycles: number; readonly rising: number }
  /** max(floor, from·exp(−rate·t)) (Jang et al. 2017's temperature annealing). */
  | { readonly schedule: "exponential"; readonly from: number; readonly floor: number; readonly unit: ScheduleUnit; readonly rate: number };

/** A number, or a number that follows a schedule. */
export type Scalar = number | Schedule;

export type ScheduleName = Schedule["schedule"];

const p = (name: string, kind: ParameterSpec["kind"], doc: string, extra: Partial<ParameterSpec> = {}): ParameterSpec => ({ name, kind, doc, ...extra });
const clock = [p("epochs", "size", "length in epochs (or give `steps`)"), p("steps", "size", "length in training steps (or give `epochs`)")];

/** The schedules a spec can write where a number may follow one: docs/reference.md's table. */
export const schedules: readonly (BuiltinSpec & { readonly name: ScheduleName })[] = [
  {
    name: "linear",
    doc: "from `from` to `to` linearly over `epochs` or `steps`, then `to`: a KL warm-up (Bowman et al. 2016), a rising capacity (Burgess et al. 2018)",
    parameters: [p("from", "number", "value at the first step", { required: true }), p("to", "number", "value from the end of the ramp on", { required: true }), ...clock],
  },
  {
    name: "cyclical",
    doc: "Fu et al. (2019): the length (default: the whole training) split into `cycles` cycles; each rises linearly from `from` over the fraction `rising` of the cycle, then stays at `to`",
    parameters: [
      p("from", "number", "value at the start of each cycle", { required: true }),
      p("to", "number", "value at the end of each rise", { required: true }),
      p("cycles", "size", "number of cycles M (must divide the length)", { default: 4 }),
      p("rising", "number", "fraction R of each cycle spent rising, in (0, 1]", { default: 0.5 }),
      p("epochs", "size", "length in epochs (default: the train block's epochs)"),
      p("steps", "size", "length in training steps"),
    ],
  },
  {
    name: "exponential",
    doc: "max(floor, from·exp(−rate·t)), t in steps or epochs (`per`): an annealed temperature (Jang et al. 2017)",
    parameters: [
      p("from", "number", "value at the first step", { required: true }),
      p("floor", "number", "the value never goes below it (must be below `from`)", { required: true }),
      p("rate", "positive", "decay rate r per unit of time", { required: true }),
      p("per", "choice", "the unit of t", { required: true, choices: ["step", "epoch"] }),
    ],
  },
];

export const scheduleNames: readonly ScheduleName[] = schedules.map((s) => s.name);

export function isSchedule(value: unknown): value is Schedule {
  return typeof value === "object" && value !== null && typeof (value as { schedule?: unknown }).schedule === "string";
}

/** The least and greatest value a scalar takes over training. */
export function scalarRange(value: Scalar): readonly [number, number] {
  if (!isSchedule(value)) return [value, value];
  if (value.schedule === "exponential") return [value.floor, value.from];
  return [Math.min(value.from, value.to), Math.max(value.from, value.to)];
}

/** k × a schedule (k ≥ 0), as a schedule of the same kind: a weight written `4 * linear(0, 1, …)`. */
export function scaleSchedule(s: Schedule, k: number): Schedule {
  if (s.schedule === "exponential") return { ...s, from: s.from * k, floor: s.floor * k };
  return { ...s, from: s.from * k, to: s.to * k };
}

/** How a scalar reads in the loss graph, generated comments and `aec compile --dump`: `linear(0 → 1, 10 epochs)`. */
export function describeScalar(value: Scalar): string {
  if (!isSchedule(value)) return String(value);
  const length = (n: number) => `${n} ${n === 1 ? value.unit.slice(0, -1) : value.unit}`;
  switch (value.schedule) {
    case "linear":
      return `linear(${value.from} → ${value.to}, ${length(value.length)})`;
    case "cyclical":
      return `cyclical(${value.from} → ${value.to}, ${value.cycles} cycles over ${length(value.length)}, rising ${value.rising})`;
    case "exponential":
      return `exponential(${value.from}·e^(−${value.rate}·t), floor ${value.floor}, t in ${value.unit})`;
  }
}

/** A term of a phase's loss, as the checker, the IR and the runtime describe it. */
interface WeightedTermLike {
  readonly term: string;
  readonly weight: Scalar;
  readonly rows?: "labelled";
  readonly byLabelledFraction?: true;
}

/**
 * A phase's loss as a sum of weighted term ids: `nll_x + linear(0 → 1, 10 epochs)·kl_z`;
 * in a phase that mixes rows, terms on labelled rows are marked, and N_l/N appears where
 * it multiplies a weight (`(N_l/N)·nll_x (labelled) + enumerate_y`).
 */
export function weightedSum(terms: readonly WeightedTermLike[]): string {
  const mixed = !labelledOnly(terms) && terms.some((t) => t.rows === "labelled");
  return terms
    .map((t) => {
      const factors = [...(t.byLabelledFraction ? ["(N_l/N)"] : []), ...(t.weight === 1 ? [] : [describeScalar(t.weight)])];
      return `${factors.map((f) => `${f}·`).join("")}${t.term}${mixed && t.rows === "labelled" ? " (labelled)" : ""}`;
    })
    .join(" + ");
}

/** Whether every term of a phase is a mean over labelled rows (a phase `on labelled`). */
export function labelledOnly(terms: readonly WeightedTermLike[]): boolean {
  return terms.every((t) => t.rows === "labelled");
}
