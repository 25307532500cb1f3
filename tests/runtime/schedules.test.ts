import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Schedule as LanguageSchedule } from "../../src/language/schedules.js";
import { type Schedule, scalarValue } from "../../src/runtime/schedules.js";
import { root } from "../torch/helpers.js";

// The runtime restates the IR's type (it stands alone): the two must be the same type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameType: Same<Schedule, LanguageSchedule> = true;

const linear: Schedule = { schedule: "linear", from: 0, to: 1, unit: "epochs", length: 10 };
const cyclical: Schedule = { schedule: "cyclical", from: 0, to: 1, unit: "steps", length: 400, cycles: 4, rising: 0.5 };
const exponential: Schedule = { schedule: "exponential", from: 1, floor: 0.5, unit: "steps", rate: 1e-3 };

describe("schedules against their closed forms", () => {
  it("the runtime's type is the IR's", () => expect(sameType).toBe(true));

  it("linear warm-up: from + (to − from)·t/length, then to; t in epochs is steps / stepsPerEpoch", () => {
    const at = (step: number) => scalarValue(linear, { step, stepsPerEpoch: 100 });
    expect(at(0)).toBe(0);
    expect(at(250)).toBeCloseTo(0.25, 12); // 2.5 epochs of 10
    expect(at(999)).toBeCloseTo(0.999, 12);
    expect(at(1000)).toBe(1);
    expect(at(5000)).toBe(1);
    expect(scalarValue({ ...linear, from: 25, to: 5, unit: "steps", length: 4 }, { step: 1 })).toBe(20);
  });

  it("cyclical (Fu et al. 2019, M = 4, R = 0.5 over 400 steps): rises over the first 50 steps of each 100, holds 1, restarts at 0; after the length, 1", () => {
    const at = (step: number) => scalarValue(cyclical, { step });
    expect([0, 25, 50, 75, 99, 100, 125, 150, 399].map(at)).toEqual([0, 0.5, 1, 1, 1, 0, 0.5, 1, 1]);
    // Fu et al.'s frange_cycle_linear: L[i + c·period] = start + i·(stop − start)/(period·ratio) while ≤ stop, else stop.
    for (let step = 0; step < 400; step++) {
      const i = step % 100;
      expect(at(step)).toBeCloseTo(Math.min(1, i / 50), 12);
    }
    expect(at(400)).toBe(1);
    expect(at(10_000)).toBe(1);
  });

  it("exponential with a floor (Jang et al. 2017): max(floor, from·exp(−rate·t))", () => {
    const at = (step: number) => scalarValue(exponential, { step });
    expect(at(0)).toBe(1);
    expect(at(100)).toBeCloseTo(Math.exp(-0.1), 12);
    expect(at(Math.ceil(Math.log(2) / 1e-3))).toBe(0.5);
    expect(at(1e6)).toBe(0.5);
  });

  it("a number is itself; a schedule in epochs without the steps per epoch is an error that says what to set", () => {
    expect(scalarValue(4, { step: 17 })).toBe(4);
    expect(() => scalarValue(linear, { step: 3 })).toThrow(/steps per epoch.*stepsPerEpoch/);
  });
});

describe("the torch engine's scalar_value agrees with the TS runtime's", () => {
  it("on a grid of steps, for every kind of schedule, in steps and in epochs", () => {
    const schedules: Schedule[] = [
      linear,
      { ...linear, unit: "steps", length: 7, from: 3, to: -1 },
      cyclical,
      { ...cyclical, unit: "epochs", length: 6, cycles: 3, rising: 0.3, from: 0.2, to: 2 },
      { ...cyclical, cycles: 1, rising: 1 },
      exponential,
      { ...exponential, unit: "epochs", rate: 0.7, from: 5, floor: 0.1 },
    ];
    const grid = [0, 1, 2, 3, 5, 7, 11, 13, 49, 50, 51, 99, 100, 101, 133, 250, 399, 400, 401, 1000, 12345];
    const stepsPerEpoch = 13;
    const script = [
      "import json, sys",
      "from aespec_torch.schedules import scalar_value",
      "data = json.load(sys.stdin)",
      "print(json.dumps([[scalar_value(s, t, data['stepsPerEpoch']) for t in data['grid']] for s in data['schedules']]))",
    ].join("\n");
    const out = execFileSync("python3", ["-c", script], { input: JSON.stringify({ schedules, grid, stepsPerEpoch }), env: { ...process.env, PYTHONPATH: `${root}python` } }).toString();
    const torch = JSON.parse(out) as number[][];
    schedules.forEach((s, i) => {
      grid.forEach((step, j) => {
        const ts = scalarValue(s, { step, stepsPerEpoch });
        expect(Math.abs(torch[i]![j]! - ts), `${JSON.stringify(s)} at step ${step}: ts ${ts}, torch ${torch[i]![j]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ts)));
      });
    });
  });
});
