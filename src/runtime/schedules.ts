/**
 * The value of a schedule at a point of training: the one function the TS engine
 * evaluates term weights, capacities and schedulable parameters with (the torch engine's
 * twin is python/aespec_torch/schedules.py; tests/runtime/schedules.test.ts holds them to
 * each other and to the closed forms). The runtime stands alone, so it restates the IR's
 * `Schedule` type (src/language/schedules.ts); a test checks the two are the same.
 */

export type ScheduleUnit = "steps" | "epochs";

export type Schedule =
  | { readonly schedule: "linear"; readonly from: number; readonly to: number; readonly unit: ScheduleUnit; readonly length: number }
  | { readonly schedule: "cyclical"; readonly from: number; readonly to: number; readonly unit: ScheduleUnit; readonly length: number; readonly cycles: number; readonly rising: number }
  | { readonly schedule: "exponential"; readonly from: number; readonly floor: number; readonly unit: ScheduleUnit; readonly rate: number };

export type Scalar = number | Schedule;

/**
 * Where training is: `step` training steps done before the one being taken (0 at the
 * first step), and the steps an epoch has (needed only by schedules counted in epochs).
 */
export interface TrainingClock {
  readonly step: number;
  readonly stepsPerEpoch?: number;
}

/** A number as is; a schedule at time t = clock.step, or clock.step / stepsPerEpoch in epochs. */
export function scalarValue(value: Scalar, clock: TrainingClock): number {
  if (typeof value === "number") return value;
  const t = value.unit === "steps" ? clock.step : clock.step / epochLength(clock);
  switch (value.schedule) {
    case "linear":
      return value.from + (value.to - value.from) * Math.min(1, t / value.length);
    case "cyclical": {
      if (t >= value.length) return value.to;
      const period = value.length / value.cycles;
      const within = (t - Math.floor(t / period) * period) / period;
      return value.from + (value.to - value.from) * Math.min(1, within / value.rising);
    }
    case "exponential":
      return Math.max(value.floor, value.from * Math.exp(-value.rate * t));
  }
}

function epochLength(clock: TrainingClock): number {
  const n = clock.stepsPerEpoch;
  if (n === undefined || !Number.isInteger(n) || n < 1) {
    throw new Error(`a schedule counted in epochs needs the steps per epoch (a whole number ≥ 1), found ${String(n)}: fit() sets it; set model.stepsPerEpoch before calling trainStep directly`);
  }
  return n;
}
