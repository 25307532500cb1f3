/** True in Node.js (and Node-like runtimes), where file paths and the Node I/O module apply. */
export function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

/**
 * Loads the Node-only half of the runtime. It is imported dynamically and only in Node,
 * so bundles for the browser never contain `fs`.
 */
export async function nodeIO(): Promise<typeof import("./nodeIO.js")> {
  if (!isNode()) throw new Error("file paths work in Node.js only; in the browser pass a tf.io handler or a URL such as indexeddb://name");
  return import("./nodeIO.js");
}
