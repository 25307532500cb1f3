import * as tf from "@tensorflow/tfjs";

/**
 * tfjs-backend-wasm 4.22's MaxPoolGrad sends gradients to the wrong inputs in some shapes
 * (a 2×2 pool of a 5×6 image, any `same`-padded pool: measured against finite
 * differences in tests/runtime/imageLayers.test.ts), so max pooling would train wrongly
 * on wasm. This replaces it: each output's gradient goes to the first largest input of
 * its window (scanning rows, then columns, as the cpu kernel does), padding skipped.
 *   dx[b, y, x, c] = Σ_{windows whose first max is (y, x)} dy[b, oh, ow, c]
 */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface Attrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

const replaced = Symbol.for("aespec.wasmMaxPoolGrad");

export function installWasmPoolGradients(): void {
  const original = tf.getKernel("MaxPoolGrad", "wasm");
  if (original && (original.kernelFunc as unknown as Record<symbol, boolean>)[replaced]) return;
  const kernelFunc: tf.KernelConfig["kernelFunc"] = ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const a = attrs as unknown as Attrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const wasm = backend as unknown as WasmBackend;
    const dx = wasm.makeOutput([...input.shape], "float32");
    const out = wasm.typedArrayFromHeap(dx);
    out.fill(0);
    const xs = wasm.typedArrayFromHeap(input);
    const dys = wasm.typedArrayFromHeap(dy);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const { top, left } = info.padInfo;
    for (let b = 0; b < batchSize; b++) for (let oh = 0; oh < outHeight; oh++) for (let ow = 0; ow < outWidth; ow++) for (let c = 0; c < channels; c++) {
      let best = -1;
      let largest = -Infinity;
      for (let i = 0; i < filterHeight; i++) {
        const y = oh * strideHeight - top + i;
        if (y < 0 || y >= inHeight) continue;
        for (let j = 0; j < filterWidth; j++) {
          const x = ow * strideWidth - left + j;
          if (x < 0 || x >= inWidth) continue;
          const index = ((b * inHeight + y) * inWidth + x) * channels + c;
          if (xs[index]! > largest || best < 0) [largest, best] = [xs[index]!, index];
        }
      }
      if (best >= 0) out[best]! += dys[((b * outHeight + oh) * outWidth + ow) * channels + c]!;
    }
    return dx;
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[replaced] = true;
  if (original) tf.unregisterKernel("MaxPoolGrad", "wasm");
  tf.registerKernel({ kernelName: "MaxPoolGrad", backendName: "wasm", kernelFunc });
}
