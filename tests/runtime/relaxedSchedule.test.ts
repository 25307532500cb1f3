import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rt from "../../src/runtime/index.js";
import { generateTfjsModule } from "../../src/codegen/index.js";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { evaluateModule, syntheticBatch } from "../helpers/trainSpec.js";

/**
 * A relaxed categorical whose temperature follows a schedule (Jang et al.'s annealing):
 * the generated encoder's τ is the schedule's value at the Forward's clock — the step
 * being taken while training, the steps done for evaluation and encode — against the
 * closed form max(floor, from·exp(−rate·t)) written here apart from the runtime.
 */

const spec = `model Annealed {
  data x: binary[6]
  latent c: onehot[3]
  prior p(c) = Categorical(uniform)
  encoder q(c | x) = RelaxedCategorical(logits, temperature = exponential(2, 0.5, rate = 0.4, per = epoch)) {
    logits: dense(3)
  }
  decoder p(x | c) = Bernoulli(logits) {
    logits: dense(6)
  }
  objective elbo
  train {
    optimizer adam(lr = 1e-3)
    batch 4
    epochs 5
  }
}`;

const stepsPerEpoch = 2;
const tau = (step: number) => Math.max(0.5, 2 * Math.exp((-0.4 * step) / stepsPerEpoch));

type Internals = {
  forward(batch: object, training: boolean, clock?: rt.TrainingClock): { out_q(): { c: rt.RelaxedCategoricalParameters } };
};

describe("a relaxed categorical with a scheduled temperature", () => {
  let model: rt.GeneratedModel<any, any>;
  let description: rt.ModelDescription;
  beforeAll(async () => {
    await rt.selectBackend("cpu");
    const check = checkSource({ name: "annealed.aespec", text: spec });
    expect(check.diagnostics).toEqual([]);
    const ir = lowerModel(check.models[0]!, "annealed.aespec");
    expect(ir.networks.find((n) => n.name === "q")!.distributions[0]!.relaxed!.temperature).toEqual({ schedule: "exponential", from: 2, floor: 0.5, rate: 0.4, unit: "epochs" });
    const loaded = await evaluateModule(await generateTfjsModule(ir), ir.model);
    description = loaded.description;
    model = await loaded.create({ seed: 1, backend: "cpu" });
    model.stepsPerEpoch = stepsPerEpoch;
  });
  afterAll(() => model.dispose());

  it("the encoder's τ is the schedule's value at the clock it is given", () => {
    const batch = syntheticBatch(description.variables, ["x"], 4);
    const internals = model as unknown as Internals;
    for (const step of [0, 1, 3, 8, 40]) {
      const temperature = tf.tidy(() => internals.forward(batch, true, { step, stepsPerEpoch }).out_q().c.temperature);
      expect(temperature).toBeCloseTo(tau(step), 12);
    }
    expect(tau(40)).toBe(0.5);
    tf.dispose(Object.values(batch));
  });

  it("training step t uses τ(t); evaluation after t steps uses τ(t)", async () => {
    const internals = model as unknown as Internals;
    const forward = internals.forward.bind(model);
    const seen: number[] = [];
    internals.forward = (batch, training, clock) => {
      const f = forward(batch, training, clock);
      if (training) seen.push(f.out_q().c.temperature);
      return f;
    };
    for (let step = 0; step < 3; step++) {
      const batch = syntheticBatch(description.variables, ["x"], 4, step + 1);
      await model.trainStep(batch);
      tf.dispose(Object.values(batch));
    }
    expect(seen.length).toBe(3);
    seen.forEach((t, step) => expect(t, `step ${step}`).toBeCloseTo(tau(step), 12));
    const batch = syntheticBatch(description.variables, ["x"], 4);
    const evaluated = tf.tidy(() => forward(batch, false).out_q().c.temperature);
    expect(evaluated).toBeCloseTo(tau(3), 12);
    tf.dispose(Object.values(batch));
  });
});
