import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { boundLogvar } from "../../src/runtime/distributions.js";
import { selectBackend } from "../../src/runtime/backend.js";
import { logvarBounds } from "../../src/check/limits.js";
import { checkSource } from "../../src/compiler.js";
import { lowerModel } from "../../src/ir/lower.js";
import { trainSpec } from "../helpers/trainSpec.js";

/**
 * A Normal's log-variance from a head or a learned weight is clamped to logvarBounds
 * (docs/likelihoods-numerics.md). The two specs below are the semantic fuzz's finds that
 * trained non-finite losses before the bound.
 */
const [low, high] = logvarBounds;

beforeAll(async () => {
  await selectBackend("cpu");
});

describe("the log-variance bounds", () => {
  it("are σ from 1e-6 to 1e6", () => {
    expect(Math.exp(low / 2)).toBeCloseTo(1e-6, 12);
    expect(Math.exp(high / 2) / 1e6).toBeCloseTo(1, 10);
  });

  it("leave a log-variance inside them and its gradient unchanged, and clamp one beyond them with zero gradient", () => {
    const logvar = tf.tensor2d([[-93, -27, 0, 27, 260]]);
    const mu = tf.zeros([1, 5]);
    const bounded = boundLogvar({ mu, logvar }, low, high);
    expect(Array.from(bounded.logvar.dataSync())).toEqual(Array.from(new Float32Array([low, -27, 0, 27, high])));
    expect(bounded.mu).toBe(mu);
    const gradient = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(boundLogvar({ mu, logvar: l }, low, high).logvar, tf.tensor2d([[1, 2, 3, 4, 5]]))))(logvar);
    expect(Array.from(gradient.dataSync())).toEqual([0, 2, 3, 4, 0]);
    tf.dispose([logvar, mu, bounded.logvar, gradient]);
  });

  it("are recorded on each Normal output whose variance is a head or learned, not on a constant one", () => {
    const text = readFileSync("specs/vae-gaussian.aespec", "utf8");
    const result = checkSource({ name: "vae-gaussian.aespec", text });
    const ir = lowerModel(result.models[0]!, "vae-gaussian.aespec");
    const outputs = ir.networks.flatMap((n) => n.distributions.map((d) => [`${n.role} ${d.variable}`, d.logvarBounds]));
    expect(Object.fromEntries(outputs)).toEqual({ "encoder z": [low, high], "decoder x": undefined });
  });
});

const layered = `model Fuzz {
  data x: real[4] in [-2.91, 0.948]
  latent z: real[1]
  latent z2: real[2]
  prior p2(z2) = Normal(0, 1)
  prior pz(z | z2) = Normal(mu, logvar) {
    dense(4, linear)
    mu: dense(1)
    logvar: dense(1)
  }
  encoder q2(z2 | z) = Normal(mu, logvar) {
    dense(4, linear)
    mu: dense(2)
    logvar: dense(2)
  }
  corrupt x with saltPepper(p = 0.298)
  encoder q(z | x) = Normal(mu, logvar) {
    dropout(0.537)
    mu: dense(1)
    logvar: dense(1)
  }
  decoder p(x | z) = DiscretizedLogistic(mu, logscale = -2) {
    dense(4, relu)
    mu: dense(4)
  }
  objective elbo(beta = 3.5)
  train {
    optimizer adam(lr = 0.00014, beta1 = 0.916, beta2 = 0.934, epsilon = 0.0000812)
    batch 3
    epochs 1
    clipNorm 2.3
  }
}`;

const amplified = `model Fuzz {
  data x: real[8]
  latent z: real[2]
  prior p(z) = VampPrior(components = 1)
  encoder q(z | x) = Normal(mu, logvar) {
    dropout(0.999)
    dense(2, leakyRelu)
    dense(6, elu)
    mu: dense(2)
    logvar: dense(2)
  }
  decoder p(x | z) = Normal(mu, logvar = learned) {
    dense(4, tanh)
    dense(7, tanh)
    dense(3, linear)
    mu: dense(8)
  }
  train {
    optimizer rmsprop(lr = 0.00159, decay = 0.916, momentum = 0.194, epsilon = 0.0000991)
    batch 8
    epochs 1
    clipNorm 9.96
    phase fit
      minimize 3.98 * nll(p(x | z), x) + 3.32 * kl(q(z | x), p(z)) + 3.98 * tc(q(z | x)) + 3.98 * mi(q(z | x)) + 3.98 * l2(q(z | x))
      over encoder, decoder, prior
  }
}`;

describe("the semantic fuzz's finds train finitely", () => {
  // A prior network's linear logvar head reached −93 at a sampled z2: 1/σ² = e^93 is ∞ in float32.
  it("a KL against a prior network whose logvar head is a linear function of a sampled latent", async () => {
    const outcome = await trainSpec(layered, { steps: 2, rows: 4 });
    expect(outcome.losses!.flatMap((l) => Object.values(l)).every(Number.isFinite)).toBe(true);
    expect(outcome.badWeights).toEqual([]);
  });

  // dropout(0.999) scales the kept inputs by 1000: the encoder's logvar was 260, σ = e^130 = ∞, so z = ±∞.
  it("an encoder whose logvar head is amplified by dropout(0.999), under a VampPrior with tc and mi terms", async () => {
    const outcome = await trainSpec(amplified, { steps: 2, rows: 4 });
    expect(outcome.losses!.flatMap((l) => Object.values(l)).every(Number.isFinite)).toBe(true);
    expect(outcome.badWeights).toEqual([]);
  });
});
