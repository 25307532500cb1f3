// Registers TF.js's wasm backend in a page and tells it where Vite serves its binaries.
// A page must do this itself: the runtime cannot import optional packages a bundler
// does not see (in Node, selectBackend loads the backend on its own).
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import plain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import simd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import threadedSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

setWasmPaths({
  "tfjs-backend-wasm.wasm": plain,
  "tfjs-backend-wasm-simd.wasm": simd,
  "tfjs-backend-wasm-threaded-simd.wasm": threadedSimd,
});
