import * as tf from "@tensorflow/tfjs";

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so convolutions (and
 * transposed convolutions) cannot be trained on wasm. This supplies it, registered only
 * where absent: the input's patches are gathered into a matrix (im2col) and multiplied with
 * the output gradient by the wasm BatchMatMul kernel (XNNPACK):
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + kh − top, ow·s + kw − left, ci] · dy[b, oh, ow, co]
 */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

interface Attrs {
  strides: number | [number, number];
  pad: "same" | "valid" | number;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

export function installWasmConvGradients(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) return;
  const matMul = tf.getKernel("BatchMatMul", "wasm");
  const reshape = tf.getKernel("Reshape", "wasm");
  if (!matMul || !reshape) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as Attrs;
      if (a.dataFormat !== "NHWC") throw new Error("Conv2DBackpropFilter on wasm supports NHWC only");
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, "channelsLast");
      const wasm = backend as unknown as WasmBackend;
      const [batch, height, width, inChannels] = x.shape as [number, number, number, number];
      const { filterHeight: kh, filterWidth: kw, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
      const { top, left } = info.padInfo;
      const rows = kh * kw * inChannels;
      const columns = batch * outHeight * outWidth;
      // Patches as [rows, columns]: one row per filter tap, one column per output position.
      const patches = wasm.makeOutput([1, rows, columns], "float32");
      const p = wasm.typedArrayFromHeap(patches);
      const xs = wasm.typedArrayFromHeap(x);
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < inChannels; c++) {
        const row = ((i * kw + j) * inChannels + c) * columns;
        let column = 0;
        for (let b = 0; b < batch; b++) for (let oh = 0; oh < outHeight; oh++) {
          const y = oh * sh + i - top;
          for (let ow = 0; ow < outWidth; ow++, column++) {
            const xx = ow * sw + j - left;
            p[row + column] = y >= 0 && y < height && xx >= 0 && xx < width ? xs[((b * height + y) * width + xx) * inChannels + c]! : 0;
          }
        }
      }
      const dy3 = reshape.kernelFunc({ inputs: { x: dy }, backend, attrs: { shape: [1, columns, dy.shape[3]!] } }) as tf.TensorInfo;
      const product = matMul.kernelFunc({ inputs: { a: patches, b: dy3 }, backend, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
      const result = reshape.kernelFunc({ inputs: { x: product }, backend, attrs: { shape: a.filterShape } }) as tf.TensorInfo;
      // Reshape shares its input's buffer and counts a reference; dropping each temporary's
      // reference frees exactly what this kernel allocated.
      wasm.disposeData(patches.dataId);
      wasm.disposeData(dy3.dataId);
      wasm.disposeData(product.dataId);
      return result;
    },
  });
}
