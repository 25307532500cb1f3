import * as tf from "@tensorflow/tfjs";
import { installWasmConvGradients } from "./wasmConvGradients.js";

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
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean; activation?: string };
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    if (preferSwapped(inputs, attrs)) return swapped(args, original.kernelFunc, transpose);
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
 * XNNPACK packs a matMul's second operand (its "weights") whenever that tensor is new, and
 * a transposed copy is always new. For A·Bᵀ with a short A (a batch of gradients) and a
 * large B (a weight matrix: every dense layer's input gradient), (B·Aᵀ)ᵀ packs only the
 * small Aᵀ: two cheap transposes instead of transposing and packing the whole matrix.
 * Only for plain products (no bias, activation or broadcast batch) and single-batch inputs.
 */
function preferSwapped(inputs: Record<string, tf.TensorInfo>, attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string }): boolean {
  if (attrs.transposeA || !attrs.transposeB || inputs.bias || inputs.preluActivationWeights || (attrs.activation && attrs.activation !== "linear")) return false;
  const [a, b] = [inputs.a!.shape, inputs.b!.shape];
  if (a.length !== b.length || a.slice(0, -2).some((d) => d !== 1) || b.slice(0, -2).some((d) => d !== 1)) return false;
  const [m, k] = a.slice(-2) as [number, number];
  const n = b[b.length - 2]!;
  return m * k + m * n < n * k;
}

function swapped(args: Parameters<KernelFunc>[0], kernel: KernelFunc, transpose: KernelFunc): tf.TensorInfo {
  const inputs = args.inputs as Record<string, tf.TensorInfo>;
  const backend = args.backend as unknown as WasmBackend;
  const aT = transposeLastTwo(inputs.a!, args.backend, transpose);
  try {
    const product = kernel({ ...args, inputs: { ...inputs, a: inputs.b!, b: aT }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
    try {
      return transposeLastTwo(product, args.backend, transpose);
    } finally {
      backend.disposeData(product.dataId);
    }
  } finally {
    backend.disposeData(aT.dataId);
  }
}

/** Installs the fast paths on the wasm backend; safe to call any number of times. */
export function installWasmFastPaths(): void {
  installWasmConvGradients();
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!transpose) return;
  wrap("BatchMatMul", transpose.kernelFunc);
  wrap("_FusedMatMul", transpose.kernelFunc);
}
