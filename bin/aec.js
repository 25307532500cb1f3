#!/usr/bin/env node
// The `aec` command: a thin shim over the compiled CLI (run `npm run build` after changing src/).
import { runCli } from "../dist/cli/main.js";

process.stdout.on("error", (error) => {
  // `aec ... | head` closes the pipe early; that is not a failure of ours.
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2));
