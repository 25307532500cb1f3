import * as tf from "@tensorflow/tfjs";
import { installWasmConvGradients } from "./wasmConvGradients.js";
import { installWasmPoolGradients } from "./wasmPoolGradients.js";

/**
 * The wasm backend hands a matMul to XNNPACK only when neither input is transposed; the
 * transposed forms (every dense layer's backward pass) run a plain loop about 10× slower
 * (tfjs-notes.md). These wrappers transpose a flagged input with the wasm Transpose
 * kernel first and call the original kernel with both flags off. Results are the same
 * numbers; the temporary transposes are freed at once.
 */

type KernelFunc = tf.KernelConfig["kernelFunc"];
interface WasmBackend {
  disposeData(dataId: object): boolean;
}

const wrapped = Symbol.for("aespec.wasmFastPath");

function transposeLastTwo(input: tf.TensorInfo, backend: unknown, transpose: KernelFunc): tf.TensorInfo {
  const rank = input.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 1], perm[rank - 2]] = [perm[rank - 2]!, perm[rank - 1]!];
  return transpose({ inputs: { x: input }, backend: backend as never, attrs: { perm } }) as tf.TensorInfo;
}

function wrap(kernelName: string, transpose: KernelFunc): void {
  const original = tf.getKernel(kernelName, "wasm");
  if (!original || (original.kernelFunc as unknown as Record<symbol, boolean>)[wrapped]) return;
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as ProductAttrs;
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    if (preferSwapped(inputs, attrs)) return swapped(args, original.kernelFunc, transpose);
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const temporaries: tf.TensorInfo[] = [];
    const a = attrs.transposeA ? transposeLastTwo(inputs.a!, args.backend, transpose) : inputs.a!;
    const b = attrs.transposeB ? transposeLastTwo(inputs.b!, args.backend, transpose) : inputs.b!;
    if (attrs.transposeA) temporaries.push(a);
    if (attrs.transposeB) temporaries.push(b);
    try {
      return original.kernelFunc({ ...args, inputs: { ...inputs, a, b }, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporaries) (args.backend as unknown as WasmBackend).disposeData(t.dataId);
    }
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[wrapped] = true;
  tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ ...original, kernelFunc });
}

/**
 * XNNPACK packs a matMul's second operand (its "weights") whenever that tensor is new: a
 * weight just updated by the optimizer, or a transposed copy. For a short A (a batch) and
 * a large B (a weight matrix) the transposed product packs only the small one:
 *   A·B  = (Bᵀ·Aᵀ)ᵀ   (every dense layer's forward pass)
 *   A·Bᵀ = (B·Aᵀ)ᵀ    (every dense layer's input gradient)
 * Three cheap transposes instead of packing the whole matrix: about 2–3× faster per
 * product at batch 64–128 (bench notes in docs/benchmarks.md). A fused bias and activation
 * are applied after the product with the backend's own kernels.
 */
interface ProductAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/** The activations _FusedMatMul fuses, by the kernel that applies each one alone. */
const activationKernels: Record<string, string> = { relu: "Relu", relu6: "Relu6", elu: "Elu", sigmoid: "Sigmoid", leakyrelu: "LeakyRelu", prelu: "Prelu" };

function preferSwapped(inputs: Record<string, tf.TensorInfo>, attrs: ProductAttrs): boolean {
  if (attrs.transposeA) return false;
  if (attrs.activation && attrs.activation !== "linear" && !activationKernels[attrs.activation]) return false;
  const [a, b] = [inputs.a!.shape, inputs.b!.shape];
  if (a.length !== b.length || a.slice(0, -2).some((d) => d !== 1) || b.slice(0, -2).some((d) => d !== 1)) return false;
  const [m, k] = a.slice(-2) as [number, number];
  const n = attrs.transposeB ? b[b.length - 2]! : b[b.length - 1]!;
  return m * k + m * n < n * k;
}

function swapped(args: Parameters<KernelFunc>[0], kernel: KernelFunc, transpose: KernelFunc): tf.TensorInfo {
  const inputs = args.inputs as Record<string, tf.TensorInfo>;
  const attrs = args.attrs as ProductAttrs;
  const backend = args.backend as unknown as WasmBackend;
  const temporaries: tf.TensorInfo[] = [];
  const run = (name: string, kernelInputs: Record<string, tf.TensorInfo>, kernelAttrs: object = {}) => {
    const out = tf.getKernel(name, "wasm")!.kernelFunc({ inputs: kernelInputs as never, backend: args.backend, attrs: kernelAttrs as never }) as tf.TensorInfo;
    temporaries.push(out);
    return out;
  };
  try {
    const aT = transposeLastTwo(inputs.a!, args.backend, transpose);
    temporaries.push(aT);
    // Bᵀ·Aᵀ needs Bᵀ; B·Aᵀ (for a transposed B) takes B as it is.
    const left = attrs.transposeB ? inputs.b! : transposeLastTwo(inputs.b!, args.backend, transpose);
    if (!attrs.transposeB) temporaries.push(left);
    const product = kernel({ ...args, inputs: { a: left, b: aT }, attrs: { ...attrs, transposeA: false, transposeB: false, activation: "linear" } }) as tf.TensorInfo;
    temporaries.push(product);
    let out = transposeLastTwo(product, args.backend, transpose);
    temporaries.push(out);
    if (inputs.bias) out = run("Add", { a: out, b: inputs.bias });
    const activation = attrs.activation && attrs.activation !== "linear" ? activationKernels[attrs.activation]! : undefined;
    if (activation) {
      out = activation === "Prelu" ? run("Prelu", { x: out, alpha: inputs.preluActivationWeights! }) : run(activation, { x: out }, activation === "LeakyRelu" ? { alpha: attrs.leakyreluAlpha ?? 0.2 } : {});
    }
    // Everything made here is freed but the result (which may be the bare transposed product).
    const kept = temporaries.indexOf(out);
    if (kept >= 0) temporaries.splice(kept, 1);
    return out;
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/** Installs the fast paths on the wasm backend; safe to call any number of times. */
export function installWasmFastPaths(): void {
  installWasmConvGradients();
  installWasmPoolGradients();
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!transpose) return;
  wrap("BatchMatMul", transpose.kernelFunc);
  wrap("_FusedMatMul", transpose.kernelFunc);
}
