// The README's "Use it in your app", followed literally from an empty folder: install aespec
// (as a tarball, and as a path to a checkout), compile a spec into the app, type-check the app
// with its own tsconfig, then train, sample, encode, save and load (examples/node-app).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const repo = resolve(".");
const example = join(repo, "examples", "node-app");
const npmFlags = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
}

/** A new app folder: `npm init -y`, an ES module package, the example's spec, tsconfig and main.ts. */
function emptyApp(): string {
  const app = mkdtempSync(join(tmpdir(), "aespec-app-"));
  run("npm", ["init", "-y"], app);
  run("npm", ["pkg", "set", "type=module"], app);
  for (const file of ["model.aespec", "tsconfig.json", "src"]) cpSync(join(example, file), join(app, file), { recursive: true });
  return app;
}

/** The README's steps after installing aespec; returns what the app printed. */
function buildAndRun(app: string): Record<string, unknown> {
  run("npm", ["install", "--save-dev", "typescript@5.9", ...npmFlags], app);
  run("npx", ["aec", "compile", "model.aespec", "--out", "src"], app);
  run("npx", ["tsc", "-p", "."], app);
  return JSON.parse(run("node", ["dist/main.js"], app).trim().split("\n").at(-1)!);
}

function expectWorkingApp(printed: Record<string, unknown>): void {
  expect(printed.sampleShape).toEqual([4, 16]);
  expect(printed.codeShape).toEqual([8, 2]);
  expect(printed.sameCodesAfterLoad).toBe(true);
  expect(printed.misuse).toBe("n");
  const [first, last] = [printed.firstEpoch, printed.lastEpoch] as Record<string, number>[];
  expect(Number.isFinite(first!.nll_x) && Number.isFinite(last!.nll_x)).toBe(true);
  expect(last!.nll_x! + last!.kl_z!).toBeLessThan(first!.nll_x! + first!.kl_z!);
}

describe("a Node app from an empty folder, as the README says", () => {
  let tarball: string;
  beforeAll(() => {
    // dist/ is built by `npm test` before the tests run; packing it is what `npm publish` would ship.
    const folder = mkdtempSync(join(tmpdir(), "aespec-pack-"));
    run("npm", ["pack", "--ignore-scripts", "--pack-destination", folder, "--loglevel=error"], repo);
    tarball = join(folder, readdirSync(folder).find((f) => f.endsWith(".tgz"))!);
  }, 120_000);

  it("installs aespec from a tarball (one TF.js, as a peer dependency), compiles, type-checks and runs", () => {
    const app = emptyApp();
    run("npm", ["install", tarball, ...npmFlags], app);
    const tfjsCopies = run("npm", ["ls", "@tensorflow/tfjs-core", "--all", "--parseable"], app).trim().split("\n").filter(Boolean);
    expect(tfjsCopies).toHaveLength(1);
    expectWorkingApp(buildAndRun(app));
    expect(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).dependencies.aespec).toMatch(/aespec-0\.1\.0\.tgz$/);
  }, 300_000);

  it("installs aespec from a path to a checkout (a symlink), and the app still uses one TF.js through aespec/runtime", () => {
    const app = emptyApp();
    run("npm", ["install", repo, "--ignore-scripts", ...npmFlags], app);
    expectWorkingApp(buildAndRun(app));
  }, 300_000);
});
