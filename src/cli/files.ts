import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** A path the user named that could not be used, with the reason in words. */
export class InputError extends Error {}

/** Expands files and folders into the sorted list of .aespec files they name. */
export function collectSpecFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new InputError(`cannot read \`${path}\`: no such file or folder`);
    }
    if (stats.isDirectory()) {
      const inFolder = walk(path);
      if (inFolder.length === 0) throw new InputError(`\`${path}\` holds no .aespec files`);
      found.push(...inFolder);
    } else {
      found.push(path);
    }
  }
  return [...new Set(found)];
}

function walk(folder: string): string[] {
  const result: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) result.push(...walk(path));
    else if (entry.isFile() && entry.name.endsWith(".aespec")) result.push(path);
  }
  return result;
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : String(code ?? error);
    throw new InputError(`cannot read \`${path}\`: ${reason}`);
  }
}

/** Atomic writes (temporary file + rename) live with the runtime's Node I/O, shared here. */
export { writeFileAtomic } from "../runtime/nodeIO.js";
