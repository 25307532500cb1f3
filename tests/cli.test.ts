import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { aec } from "./helpers/cli.js";

const commands = ["check", "compile", "fmt", "graph", "train", "eval", "sample", "explain"];

describe("aec --help", () => {
  it("lists every command and the exit codes", async () => {
    const run = await aec("--help");
    expect(run.exitCode).toBe(0);
    for (const command of commands) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(run.stdout).toContain("Exit codes: 0 success, 1 diagnostics");
  });

  it.each(commands)("`aec %s --help` describes its arguments and flags", async (command) => {
    const run = await aec(command, "--help");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Usage: aec ${command}`);
    expect(run.stdout).toContain("Arguments:");
  });

  it("rejects an unknown command or flag with exit code 2", async () => {
    expect((await aec("bogus")).exitCode).toBe(2);
    const run = await aec("check", "--bogus", "specs");
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown option");
  });
});

describe("aec check", () => {
  it("passes every spec of the family", async () => {
    const run = await aec("check", "specs");
    expect(run).toMatchObject({ exitCode: 0, stderr: "" });
    const count = readdirSync("specs").filter((f) => f.endsWith(".aespec")).length;
    expect(run.stdout).toBe(`checked ${count} specs: no errors\n`);
  });

  it("passes every spec with --lint (kept lints are allowed in the spec, with a reason)", async () => {
    expect(await aec("check", "--lint", "specs")).toMatchObject({ exitCode: 0, stderr: "" });
  });

  it("reports a missing path as AE0901 with exit code 1, and still checks the rest", async () => {
    const run = await aec("check", "no/such/file.aespec", "specs/vae.aespec");
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("error[AE0901]: cannot read `no/such/file.aespec`: no such file or folder");
  });

  it("prints JSON diagnostics with spans", async () => {
    const run = await aec("check", "--json", "tests/check/head-shape-mismatch.aespec");
    expect(run.exitCode).toBe(1);
    const [report] = JSON.parse(run.stdout);
    expect(report.file).toBe("tests/check/head-shape-mismatch.aespec");
    expect(report.diagnostics[0]).toMatchObject({ code: "AE0302", severity: "error", span: { line: 11, column: 9 } });
  });

  it("rejects a spec over 1 MiB with AE0106 instead of parsing it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "aec-"));
    const path = join(folder, "huge.aespec");
    writeFileSync(path, `model M {\n${"  // padding\n".repeat(90_000)}}\n`);
    const run = await aec("check", path);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("error[AE0106]");
  });
});

describe("internal errors", () => {
  it("are reported as AE0999 with exit code 3, without a stack trace unless AEC_DEBUG is set", async () => {
    let stderr = "";
    const exitCode = await runCli(["check", "specs/vae.aespec"], {
      stdout: () => {
        throw new Error("disk on fire");
      },
      stderr: (t) => void (stderr += t),
      isTTY: false,
    });
    expect(exitCode).toBe(3);
    expect(stderr).toContain("error[AE0999]: internal compiler error: disk on fire");
    expect(stderr).toContain("please file an issue");
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe("aec fmt", () => {
  function scratch(files: Record<string, string>): string {
    const folder = mkdtempSync(join(tmpdir(), "aec-fmt-"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    return folder;
  }

  it("rewrites only the .aespec files it is given, and only when they change", async () => {
    const folder = scratch({ "a.aespec": "model A{latent z:real[2]}", "b.aespec": "model B {\n  latent z: real[2]\n}\n", "notes.txt": "model A{}" });
    const run = await aec("fmt", folder);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`formatted ${join(folder, "a.aespec")}\n`);
    expect(readFileSync(join(folder, "a.aespec"), "utf8")).toBe("model A {\n  latent z: real[2]\n}\n");
    expect(readFileSync(join(folder, "notes.txt"), "utf8")).toBe("model A{}");
  });

  it("--check lists unformatted files, writes nothing, and exits 1", async () => {
    const folder = scratch({ "a.aespec": "model A{latent z:real[2]}" });
    const run = await aec("fmt", "--check", folder);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("not formatted:");
    expect(readFileSync(join(folder, "a.aespec"), "utf8")).toBe("model A{latent z:real[2]}");
  });

  it("never rewrites a file with syntax errors", async () => {
    const folder = scratch({ "bad.aespec": "model A{latent z:real[2]" });
    const run = await aec("fmt", folder);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("AE0103");
    expect(readFileSync(join(folder, "bad.aespec"), "utf8")).toBe("model A{latent z:real[2]");
  });

  it("`fmt --check specs` passes", async () => {
    expect(await aec("fmt", "--check", "specs")).toMatchObject({ exitCode: 0, stdout: "", stderr: "" });
  });
});

describe("the installed binary", () => {
  it("runs from bin/aec.js with the same exit codes (needs `npm run build`, which `npm test` does first)", async () => {
    const { spawnSync } = await import("node:child_process");
    const ok = spawnSync(process.execPath, ["bin/aec.js", "check", "specs/vae.aespec"], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, ["bin/aec.js", "check", "tests/check/head-shape-mismatch.aespec"], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("error[AE0302]");
  });
});
