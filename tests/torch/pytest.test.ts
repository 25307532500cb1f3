import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, skipTorch, torchPython } from "./helpers.js";

/** The Python runtime's own unit tests (python/tests), with Debian's python3-pytest. */
describe.skipIf(skipTorch)("python/tests", () => {
  it("pass under pytest", { timeout: 240_000 }, () => {
    const python = torchPython();
    expect(python, "no interpreter with torch: apt-get install python3-torch python3-pytest, or set AESPEC_PYTHON").toBeDefined();
    const output = execFileSync(python!, ["-m", "pytest", "-q", "-p", "no:cacheprovider", join(root, "python/tests")], {
      cwd: root,
      env: { ...process.env, PYTHONPATH: join(root, "python"), PYTHONDONTWRITEBYTECODE: "1" },
      encoding: "utf8",
    });
    expect(output).toMatch(/\d+ passed/);
  });
});
