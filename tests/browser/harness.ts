import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";
import { afterAll, beforeAll } from "vitest";
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

/**
 * For one test file: builds and serves an example and starts Chromium before its tests,
 * and stops both afterwards. Read `url` and `browser` inside tests.
 */
export function servedExample(configFile: string): { readonly url: string; readonly browser: Browser } {
  const state: { url?: string; browser?: Browser; server?: PreviewServer; folder?: string } = {};
  beforeAll(async () => {
    state.folder = mkdtempSync(join(tmpdir(), "aespec-example-"));
    ({ server: state.server, url: state.url } = await buildAndServe(configFile, join(state.folder, "dist")));
    state.browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await state.browser?.close();
    await state.server?.close();
    if (state.folder) rmSync(state.folder, { recursive: true, force: true });
  });
  return {
    get url() {
      return state.url!;
    },
    get browser() {
      return state.browser!;
    },
  };
}
