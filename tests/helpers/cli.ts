import { runCli } from "../../src/cli/main.js";

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aec` in-process with captured output (no colours, no progress bars). */
export async function aec(...argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const exitCode = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    isTTY: false,
  });
  return { exitCode, stdout, stderr };
}
