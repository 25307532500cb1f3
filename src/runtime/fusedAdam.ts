import * as tf from "@tensorflow/tfjs";
import { adamWasm } from "./kernels/adamWasm.js";
import { heapKernels, wasmBackend } from "./wasmInternals.js";

type AdamKernel = (w: number, m: number, v: number, g: number, n: number, beta1: number, beta2: number, step: number, scale2: number, epsilon: number) => void;

/** kernels/adam.wat over the backend's memory, or null (then the stock update runs). */
function adamKernel(memory: WebAssembly.Memory): AdamKernel | null {
  return (heapKernels(memory, adamWasm)?.adam as AdamKernel | undefined) ?? null;
}

/** The AdamOptimizer fields TF.js declares private; the same objects its own update uses. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * TF.js's Adam with the update fused on the wasm backend. The stock update launches about
 * a dozen element-wise kernels per weight tensor, each allocating a full-size temporary
 * (about a sixth of a VAE training step, measured in bench/); here one SIMD loop
 * (kernels/adam.wat) updates the weights and both moments in place on the wasm heap. Same algorithm, state, names and
 * checkpoints as tf.train.adam (results equal within float32 rounding: tested); any other
 * backend, or a weight whose buffer another tensor shares, takes the stock update.
 */
type VariableGradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (Array.isArray(variableGradients) || !this.fuse(variableGradients)) super.applyGradients(variableGradients);
  }

  /** The fused update; false (having changed nothing) when some buffer cannot be updated in place. */
  private fuse(gradients: Exclude<VariableGradients, unknown[]>): boolean {
    const state = this as unknown as AdamState;
    const backend = wasmBackend();
    if (!backend) return false;
    const kernel = adamKernel(backend.wasm.asm.memory);
    if (!kernel) return false;
    const names = Object.keys(gradients);
    const variables = names.map((name) => tf.engine().registeredVariables[name]!);
    if (variables.some((v) => !v || v.dtype !== "float32")) return false;
    // Moments are created on first use, as the stock update does.
    names.forEach((name, i) => {
      state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(variables[i]!).variable(false)) };
      state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(variables[i]!).variable(false)) };
    });
    const offsets: [number, number, number, number][] = [];
    for (const [i, name] of names.entries()) {
      const buffers = [variables[i]!, state.accumulatedFirstMoment[i]!.variable, state.accumulatedSecondMoment[i]!.variable].map((t) => backend.dataIdMap.get(t.dataId));
      const gradient = backend.dataIdMap.get(gradients[name]!.dataId);
      if (!gradient || buffers.some((b) => !b || b.refCount !== 1)) return false;
      offsets.push([buffers[0]!.memoryOffset, buffers[1]!.memoryOffset, buffers[2]!.memoryOffset, gradient.memoryOffset]);
    }
    const [accBeta1, accBeta2] = [state.accBeta1.dataSync()[0]!, state.accBeta2.dataSync()[0]!];
    const { learningRate, beta1, beta2, epsilon } = this;
    const step = learningRate / (1 - accBeta1);
    const scale2 = 1 / (1 - accBeta2);
    for (const [i, [w, m, v, g]] of offsets.entries()) {
      kernel(w, m, v, g, variables[i]!.size, beta1, beta2, step, scale2, epsilon);
      // The backend caches XNNPACK operators with the weights packed in, keyed by tensor id:
      // re-registering the id drops them, so the next matMul or conv packs the new values.
      const { id } = backend.dataIdMap.get(variables[i]!.dataId)!;
      backend.wasm.tfjs.disposeData(id);
      backend.wasm.tfjs.registerTensor(id, variables[i]!.size, w);
    }
    tf.tidy(() => {
      state.accBeta1.assign(tf.mul(state.accBeta1, beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, beta2));
    });
    (this as unknown as { incrementIterations(): void }).incrementIterations();
    return true;
  }
}
