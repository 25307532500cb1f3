import * as tf from "@tensorflow/tfjs";

/** One random tensor a TF.js op drew, as the PyTorch side's ReplayNoise replays it. */
export interface Draw {
  readonly kind: "normal" | "uniform" | "uniform_int";
  readonly shape: number[];
  readonly values: Float32Array | Int32Array;
}

/** The TF.js ops that draw noise, by the scope name `op()` gives them (`<name>__op`). */
const drawingOps: Record<string, (dtype: string) => Draw["kind"]> = {
  randomNormal__op: () => "normal",
  randomUniform__op: (dtype) => (dtype === "int32" ? "uniform_int" : "uniform"),
};

/**
 * Runs `f` and returns every noise tensor TF.js drew during it, in order. Every TF.js op
 * runs inside `ENGINE.startScope(name)` … `ENGINE.endScope(result)`; the engine is one
 * mutable object, so wrapping those two methods sees each random op's result without
 * touching the runtime. Ops that draw in another way (multinomial) are refused, so an
 * unrecorded draw cannot pass unnoticed.
 */
export function recordNoise<T>(f: () => T): { result: T; draws: Draw[] } {
  const engine = tf.engine() as unknown as { startScope(name?: string): void; endScope(result?: unknown): void };
  const start = engine.startScope;
  const end = engine.endScope;
  const scopes: (string | undefined)[] = [];
  const draws: Draw[] = [];
  engine.startScope = function (name?: string) {
    if (name === "multinomial__op") throw new Error("multinomial draws cannot be recorded");
    scopes.push(name);
    return start.call(this, name);
  };
  engine.endScope = function (result?: unknown) {
    const name = scopes.pop();
    const kind = name !== undefined ? drawingOps[name] : undefined;
    if (kind && result instanceof tf.Tensor) {
      draws.push({ kind: kind(result.dtype), shape: [...result.shape], values: result.dataSync() as Float32Array | Int32Array });
    }
    return end.call(this, result);
  };
  try {
    return { result: f(), draws };
  } finally {
    engine.startScope = start;
    engine.endScope = end;
  }
}
