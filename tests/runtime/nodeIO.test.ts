import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic, type WriteBytes } from "../../src/runtime/nodeIO.js";
import { writeSync } from "node:fs";

/** A disk that takes `room` more bytes, then writes nothing (as write(2) does on a full disk). */
function fullDisk(room: number): WriteBytes {
  let left = room;
  return (fd, bytes, offset, length) => {
    const n = Math.min(length, left, 4096); // partial writes, as the kernel may do
    left -= n;
    return n === 0 ? 0 : writeSync(fd, bytes, offset, n);
  };
}

describe("writeFileAtomic", () => {
  it("writes every byte across partial writes", () => {
    const folder = mkdtempSync(join(tmpdir(), "aespec-io-"));
    const text = "x".repeat(12_775);
    writeFileAtomic(join(folder, "spec.aespec"), text, fullDisk(1 << 20));
    expect(readFileSync(join(folder, "spec.aespec"), "utf8")).toBe(text);
  });

  it("a short write on a full disk fails loudly and leaves the previous file intact, with no stray temporary file", () => {
    const folder = mkdtempSync(join(tmpdir(), "aespec-io-"));
    const path = join(folder, "user.aespec");
    writeFileSync(path, "the user's spec");
    expect(() => writeFileAtomic(path, "y".repeat(12_775), fullDisk(8192))).toThrow(/no space left/);
    expect(readFileSync(path, "utf8")).toBe("the user's spec");
    expect(readdirSync(folder)).toEqual(["user.aespec"]);
  });

  it("a write that throws (ENOSPC) also leaves the previous file and no temporary file", () => {
    const folder = mkdtempSync(join(tmpdir(), "aespec-io-"));
    const path = join(folder, "metrics.json");
    writeFileSync(path, "{}");
    const failing: WriteBytes = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    expect(() => writeFileAtomic(path, "{\"a\": 1}", failing)).toThrow(/ENOSPC/);
    expect(readFileSync(path, "utf8")).toBe("{}");
    expect(readdirSync(folder)).toEqual(["metrics.json"]);
  });
});
