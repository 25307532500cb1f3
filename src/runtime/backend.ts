import * as tf from "@tensorflow/tfjs";
import { isNode, nodeIO } from "./environment.js";
import { installWasmFastPaths } from "./wasmFastPaths.js";

export type BackendChoice = "node" | "webgl" | "wasm" | "cpu";

/** Module names held in variables so bundlers do not try to resolve optional packages. */
const tfjsNode = "@tensorflow/tfjs-node";
const tfjsWasm = "@tensorflow/tfjs-backend-wasm";

async function tryNode(): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ tfjsNode);
    return tf.findBackend("tensorflow") !== null && (await tf.setBackend("tensorflow"));
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    // A page registers the wasm backend itself (a static import, which bundlers can see,
    // and setWasmPaths for where its .wasm files are served); Node loads it here.
    if (isNode()) {
      const wasm = await import(/* @vite-ignore */ tfjsWasm);
      wasm.setWasmPaths((await nodeIO()).wasmDirectory());
    } else if (!tf.findBackendFactory("wasm")) {
      return false;
    }
    if (!(await tf.setBackend("wasm"))) return false;
    installWasmFastPaths();
    return true;
  } catch {
    return false;
  }
}

/**
 * Selects the fastest backend available: tfjs-node when installed, WebGL in a browser,
 * then wasm, then the pure-JS cpu backend. Asking for a specific backend that cannot
 * start is an error, never a silent fallback.
 */
export async function selectBackend(choice?: BackendChoice): Promise<string> {
  const attempts: Record<BackendChoice, () => Promise<boolean>> = {
    node: tryNode,
    webgl: async () => !isNode() && (await tf.setBackend("webgl").catch(() => false)),
    wasm: tryWasm,
    cpu: () => tf.setBackend("cpu"),
  };
  if (choice) {
    if (tf.getBackend() === (choice === "node" ? "tensorflow" : choice)) {
      // Set by the app already: still give wasm its fast paths.
      if (choice === "wasm") installWasmFastPaths();
      return tf.getBackend();
    }
    if (!(await attempts[choice]())) {
      throw new Error(choice === "node" ? "the node backend needs @tensorflow/tfjs-node, which is not installed" : `the ${choice} backend could not start here`);
    }
    await tf.ready();
    return tf.getBackend();
  }
  for (const candidate of ["node", "webgl", "wasm", "cpu"] as const) {
    if (await attempts[candidate]()) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  throw new Error("no TensorFlow.js backend could start");
}
