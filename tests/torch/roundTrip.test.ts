import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/runtime/backend.js";
import { root, skipTorch, torchPython } from "./helpers.js";
import { readPack } from "./tensorPack.js";

/**
 * Weights round trip: vae-2d trained a few steps on torch and saved as model.json +
 * weights.bin loads in the generated TF.js module, which reconstructs the same images
 * as torch does (to 1e-4: the reconstructions are probabilities in [0, 1]).
 */
describe.skipIf(skipTorch)("a torch-trained model in the TF.js module", () => {
  it("vae-2d: trained on torch, loaded by load(), reconstructs as torch does", { timeout: 120_000 }, async () => {
    const python = torchPython();
    expect(python, "no interpreter with torch: apt-get install python3-torch, or set AESPEC_PYTHON").toBeDefined();
    const folder = mkdtempSync(join(tmpdir(), "aespec-torch-roundtrip-"));
    try {
      const script = `
import importlib.util, sys, torch
sys.path.insert(0, ${JSON.stringify(join(root, "tests/torch"))})
from step import write_pack
spec = importlib.util.spec_from_file_location("vae2d", ${JSON.stringify(join(root, "generated/vae-2d.py"))})
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
torch.manual_seed(0)
model = module.create_vae2d(seed=4)
data = torch.rand(64, 784)
for step in range(5):
    model.train_step({"x": data[step * 12:(step + 1) * 12]})
model.save(${JSON.stringify(join(folder, "run"))})
probe = data[:8]
write_pack(${JSON.stringify(join(folder, "probe"))}, [("x", probe), ("reconstruction", model.reconstruct({"x": probe})["x"])])
`;
      execFileSync(python!, ["-c", script], { env: { ...process.env, PYTHONPATH: join(root, "python"), OMP_NUM_THREADS: "1" }, stdio: ["ignore", "pipe", "pipe"] });
      await selectBackend("cpu");
      const { createVAE2D } = await import("../../generated/vae-2d.js");
      const model = await createVAE2D({ seed: 1, backend: "cpu" });
      await model.load(join(folder, "run"));
      const probe = readPack(join(folder, "probe"));
      const x = tf.tensor(probe.get("x")!.values, [8, 784]);
      const reconstruction = model.reconstruct({ x });
      const ours = reconstruction.x.dataSync();
      const theirs = probe.get("reconstruction")!.values;
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
      expect(worst).toBeLessThanOrEqual(1e-4);
      tf.dispose([x, reconstruction.x]);
      model.dispose();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
