import * as tf from "@tensorflow/tfjs";

/**
 * Pooling, upsampling, layer normalisation and residual blocks. Each is written with ops
 * whose gradients are right on both the cpu and the wasm backends of TF.js 4.22, checked
 * against finite differences (tests/runtime/imageLayers.test.ts). The kernels avoided:
 * MaxPoolGrad with `same` padding (wrong on wasm), AvgPoolGrad with `same` padding (wrong
 * on both: it divides by the whole window at the border), ResizeNearestNeighborGrad (wrong
 * on cpu) and ResizeBilinearGrad (throws on cpu for non-square images, wrong on wasm with
 * half-pixel centres). Pooling is `valid` (no padding), as PyTorch's default; resizing is
 * two matrix products with interpolation matrices.
 */

export function maxPool2d(x: tf.Tensor, size: number, stride: number): tf.Tensor4D {
  return tf.maxPool(x as tf.Tensor4D, size, stride, "valid");
}

export function avgPool2d(x: tf.Tensor, size: number, stride: number): tf.Tensor4D {
  return tf.avgPool(x as tf.Tensor4D, size, stride, "valid");
}

export type UpsampleMode = "nearest" | "bilinear";

/**
 * The [n·factor, n] matrix that resizes one axis: row o reads the input where output pixel
 * o's centre falls, (o + ½) / factor − ½ (PyTorch's `align_corners = False`), clamped to
 * the edge pixels; `nearest` takes the pixel floor(o / factor) itself.
 */
export function interpolationMatrix(n: number, factor: number, mode: UpsampleMode): Float32Array {
  const out = n * factor;
  const m = new Float32Array(out * n);
  for (let o = 0; o < out; o++) {
    if (mode === "nearest") {
      m[o * n + Math.floor(o / factor)] = 1;
      continue;
    }
    const source = Math.max((o + 0.5) / factor - 0.5, 0);
    const low = Math.min(Math.floor(source), n - 1);
    const high = Math.min(low + 1, n - 1);
    const t = source - low;
    m[o * n + low]! += 1 - t;
    m[o * n + high]! += t;
  }
  return m;
}

/** Resizes the leading axis of [n, ...rest] by `factor`, as one plain 2-D matMul. */
function resizeLeading(x: tf.Tensor, factor: number, mode: UpsampleMode): tf.Tensor {
  const [n, ...rest] = x.shape as number[];
  const matrix = tf.tensor2d(interpolationMatrix(n!, factor, mode), [n! * factor, n!]);
  const flat = tf.reshape(x, [n!, -1]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(matrix, flat), [n! * factor, ...rest]);
}

/** [b, h, w, c] → [b, h·factor, w·factor, c]: rows, then columns, each a matMul with its interpolation matrix. */
export function upsample2d(x: tf.Tensor, factor: number, mode: UpsampleMode): tf.Tensor4D {
  const rows = resizeLeading(tf.transpose(x, [1, 0, 2, 3]), factor, mode); // [H, b, w, c]
  const columns = resizeLeading(tf.transpose(rows, [2, 1, 0, 3]), factor, mode); // [W, b, H, c]
  return tf.transpose(columns, [1, 2, 0, 3]) as tf.Tensor4D;
}

/** (x − mean) / √(variance + ε) · gain + shift, the statistics over the last axis of each example (or pixel). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

/** A residual block: its input plus what its layers make of it. */
export function residual(x: tf.Tensor, layers: (input: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.add(x, layers(x));
}
