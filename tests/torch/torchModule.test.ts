import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource } from "../../src/compiler.js";
import { emitTorchModule, generateTorchModule, snakeCase } from "../../src/codegen/torchModule.js";
import { lowerModel } from "../../src/ir/lower.js";
import { irOf, root, skipTorch, specNames, torchModules, torchPython } from "./helpers.js";

describe("the PyTorch generator", () => {
  it("keeps generated/<spec>.py fresh (regenerate: npx tsx tests/torch/generate.ts)", () => {
    for (const { spec, python } of torchModules()) {
      expect(readFileSync(join(root, `generated/${spec}.py`), "utf8"), `generated/${spec}.py is stale`).toBe(python);
    }
  });

  it("writes byte-identical output on recompiling", () => {
    for (const spec of specNames) expect(emitTorchModule(irOf(spec))).toBe(emitTorchModule(irOf(spec)));
  });

  it("refuses an invalid IR", () => {
    const ir = irOf("vae");
    expect(() => generateTorchModule({ ...ir, networks: [{ ...ir.networks[0]!, name: 3 as unknown as string }] })).toThrow();
  });

  it("names functions in snake_case", () => {
    expect(["VAE", "VAE2D", "ConditionalVAE", "SemiSupervisedAAE", "Autoencoder"].map(snakeCase)).toEqual(["vae", "vae2d", "conditional_vae", "semi_supervised_aae", "autoencoder"]);
  });

  it("has one nn.Module per network and one function per term, each with its formula and estimator", () => {
    for (const { ir, python } of torchModules()) {
      expect(python.match(/^class \w+\(nn\.Module\):$/gm)?.length).toBe(ir.networks.length);
      for (const term of ir.terms) {
        expect(python).toContain(`"""${term.id} = ${term.formula}`);
        expect(python).toContain(`Estimator: ${term.estimator}.`);
      }
      expect(python).not.toMatch(/import \*/);
    }
  });
});

describe.skipIf(skipTorch)("generated Python runs", () => {
  it("with spec names that are Python keywords, builtins and the module's own names, dropout and batchNorm", () => {
    const python = torchPython();
    expect(python, "no interpreter with torch: apt-get install python3-torch, or set AESPEC_PYTHON").toBeDefined();
    const path = "tests/torch/fixtures/python-names.aespec";
    const result = checkSource({ name: path, text: readFileSync(join(root, path), "utf8") });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const folder = mkdtempSync(join(tmpdir(), "aespec-torch-names-"));
    try {
      writeFileSync(join(folder, "names.py"), generateTorchModule(lowerModel(result.models[0]!, path)));
      const script = [
        "import sys, torch",
        `sys.path.insert(0, ${JSON.stringify(folder)})`,
        "import names",
        "m = names.create_lambda(seed=2)",
        "x = torch.rand(8, 784); y = torch.nn.functional.one_hot(torch.arange(8) % 10, 10).float()",
        "terms = m.train_step({'None': x, 'self': y})",
        "assert all(v == v for v in terms.values()), terms",
        "assert m.reconstruct({'None': x, 'self': y})['None'].shape == (8, 784)",
        "assert m.sample(3, label=2)['None'].shape == (3, 784)",
        `m.save(${JSON.stringify(join(folder, "w"))}); m.load(${JSON.stringify(join(folder, "w"))})`,
        "print(sorted(terms))",
      ].join("\n");
      const out = execFileSync(python!, ["-c", script], { env: { ...process.env, PYTHONPATH: join(root, "python") }, encoding: "utf8" });
      expect(out.trim()).toBe("['kl_rt', 'nll_None']");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
