import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../diagnostics/catalog.js";
import { DiagnosticError } from "../diagnostics/error.js";

/** Expands files and folders into the sorted list of .aespec files they name; a path that cannot be used throws AE0901. */
export function collectSpecFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw new DiagnosticError(diagnose.AE0901.noSuchPath(path));
    }
    if (stats.isDirectory()) {
      const inFolder = walk(path);
      if (inFolder.length === 0) throw new DiagnosticError(diagnose.AE0901.emptyFolder(path));
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
    throw new DiagnosticError(diagnose.AE0901.unreadable({ path, reason }));
  }
}

/** Atomic writes (temporary file + rename) live with the runtime's Node I/O, shared here. */
export { writeFileAtomic } from "../runtime/nodeIO.js";
