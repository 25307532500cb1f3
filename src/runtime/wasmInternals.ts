import * as tf from "@tensorflow/tfjs";

/**
 * The parts of TF.js's wasm backend (4.22) that aespec reads past its public API: where
 * each tensor's floats live in the wasm memory, the C++ side's tensor registry, and its
 * allocator. Used by the fused Adam (updates in place) and data-parallel training (copies
 * gradients out and sums them in place).
 */
export interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; refCount: number; dtype: string } | undefined };
  wasm: {
    HEAPF32: Float32Array;
    asm: { memory: WebAssembly.Memory };
    tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void };
    _malloc(bytes: number): number;
    _free(offset: number): void;
  };
}

/** The active backend's internals when it is wasm, else undefined. */
export function wasmBackend(): WasmBackendInternals | undefined {
  return tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmBackendInternals) : undefined;
}

const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

/**
 * One of aespec's kernels (src/runtime/kernels/*.wat, as base64) instantiated over the
 * backend's own memory, so it reads and writes tensors where they live; once per memory.
 * Null where it cannot be (no WebAssembly SIMD): callers then take TF.js's own ops.
 */
export function heapKernels(memory: WebAssembly.Memory, base64: string): WebAssembly.Exports | null {
  let byModule = instances.get(memory);
  if (!byModule) instances.set(memory, (byModule = new Map()));
  let exports = byModule.get(base64);
  if (exports === undefined) {
    try {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    } catch {
      exports = null;
    }
    byModule.set(base64, exports);
  }
  return exports;
}
