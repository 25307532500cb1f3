/**
 * What training can represent: the bounds the checker holds every number and every
 * tensor of an accepted spec to, so that an accepted spec never overflows. Training runs
 * in float32 (TF.js), whose largest value is about 3.4e38 and smallest normal one 1.2e-38.
 */

/**
 * Largest magnitude of any number a spec writes (supports, prior and corruption
 * parameters, term weights, clipNorm, learning rates). Losses square such values and
 * multiply them by a weight, and optimizers square the gradients again: a value of 1e6,
 * squared (1e12) and weighted by 1e6, gives 1e18, whose square (1e36) still stays below
 * float32's largest value (3.4e38). The semantic fuzz found 1e15 too loose (a prior mean
 * of 1e15 under a KL weight of 1e15 overflows).
 */
export const maxMagnitude = 1e6;

/** float32's smallest normal value: a positive number below it rounds to 0 (or a denormal) in training. */
export const minPositive = 1.1754943508222875e-38;

/**
 * Smallest scale training divides by (a prior's standard deviation, batch normalisation's
 * epsilon): a density divides by σ², batch normalisation by √(variance + ε) and its
 * gradient by (variance + ε)^1.5; at 1e-6 these stay within 1e12 and 1e9.
 */
export const minScale = 1e-6;

/**
 * The log-variances a Normal may have in training: σ from minScale to maxMagnitude,
 * [2 ln 1e-6, 2 ln 1e6] ≈ [−27.63, 27.63]. A network's logvar (or sigma) head and a learned
 * logvar are clamped to it where the Normal is formed (the IR records the bounds on each
 * such output, `logvarBounds`), and a constant outside it is refused (AE0443). Inside it,
 * every Normal operation stays finite in float32: σ² and 1/σ² are at most 1e12, a sample
 * μ + σ·ε and (x − μ)²/σ² are finite for |x − μ| up to 1e13, and the ratio σ_q²/σ_p² of a
 * KL between two Normals is at most e^55 ≈ 8e23. The semantic fuzz found heads that
 * overflow without it: a prior network's linear logvar head at −93 (1/σ² = e^93 = ∞ in
 * float32) and an encoder behind dropout(0.999) whose logvar was 260 (σ = e^130 = ∞).
 */
export const logvarBounds: readonly [number, number] = [2 * Math.log(minScale), 2 * Math.log(maxMagnitude)];

/**
 * Most values one tensor may hold: 2²⁶ floats (256 MiB). This restates the runtime's
 * `maxElements` (src/runtime/validate.ts), which refuses larger tensors at run time; the
 * checker may not import the runtime, so the number is repeated here. A batch of
 * activations of one layer, a k-sample importance batch and a mixture prior's
 * components × batch table are each one tensor, so each is held to this bound.
 */
export const maxTensorValues = 2 ** 26;
