import * as tf from "@tensorflow/tfjs";

/**
 * The parts of TF.js's wasm backend (4.22) that aespec reads past its public API: where
 * each tensor's floats live in the wasm memory, and the C++ side's tensor registry. Used
 * by the fused Adam (updates in place) and data-parallel training (copies gradients out).
 */
export interface WasmBackendInternals {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; refCount: number; dtype: string } | undefined };
  wasm: {
    HEAPF32: Float32Array;
    asm: { memory: WebAssembly.Memory };
    tfjs: { disposeData(id: number): void; registerTensor(id: number, size: number, memoryOffset: number): void };
  };
}

/** The active backend's internals when it is wasm, else undefined. */
export function wasmBackend(): WasmBackendInternals | undefined {
  return tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmBackendInternals) : undefined;
}
