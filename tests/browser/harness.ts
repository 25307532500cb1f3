import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { chromiumArgs, chromiumPath } from "../../examples/shared/chromium.js";

/** Screenshots the browser tests save, kept by CI as artifacts (and looked at by people). */
export const artifactFolder = join(process.cwd(), "test-artifacts");

export async function launchChromium(): Promise<Browser> {
  mkdirSync(artifactFolder, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** Builds an example with its own Vite config into `outDir` and serves it on a free port. */
export async function buildAndServe(configFile: string, outDir: string): Promise<{ server: PreviewServer; url: string }> {
  await build({ configFile, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  const server = await preview({ configFile, logLevel: "warn", build: { outDir }, preview: { port: 0, host: "127.0.0.1" } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("the preview server has no address");
  return { server, url };
}
