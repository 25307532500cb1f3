// An app that uses a model compiled by `aec compile model.aespec --out src`: train, sample,
// encode, save and load. TF.js comes from aespec/runtime, so the app and the generated
// module share one copy of it however aespec was installed.
import { ModelInputError, tf } from "aespec/runtime";
import { createTinyVAE } from "./model.js";

// 64 "images" of 16 pixels in [0, 1].
const size = 64;
const x = Float32Array.from({ length: size * 16 }, (_, i) => ((i * 37) % 101) / 100);
const data = { size, columns: { x } };

const model = await createTinyVAE({ seed: 1 });
const history = await model.fit(data, { epochs: 5 });

const samples = model.sample(4);
const first = tf.tensor2d(x.subarray(0, 8 * 16), [8, 16]);
const codes = model.encode({ x: first });

await model.save("saved-model");
const loaded = await createTinyVAE({ seed: 2 });
await loaded.load("saved-model");
const again = loaded.encode({ x: first });
const sameCodes = tf.max(tf.abs(tf.sub(codes.z, again.z))).dataSync()[0] === 0;

let misuse = "";
try {
  model.sample(0);
} catch (error) {
  if (error instanceof ModelInputError) misuse = error.argument;
}

console.log(
  JSON.stringify({
    backend: tf.getBackend(),
    firstEpoch: history[0],
    lastEpoch: history.at(-1),
    sampleShape: samples.x.shape,
    codeShape: codes.z.shape,
    sameCodesAfterLoad: sameCodes,
    misuse,
  }),
);
