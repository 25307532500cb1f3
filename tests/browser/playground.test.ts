import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { artifactFolder, servedExample } from "./harness.js";

// A small VAE so a few steps take seconds; line 11 names an activation that does not exist.
const specWithError = `// typed by the browser test
model SmallVAE {
  data x: real[784] in [0, 1]
  latent z: real[8]

  prior p(z) = Normal(0, 1)

  encoder q(z | x) = Normal(mu, logvar) {
    dense(128, relu)
    mu: dense(8)
    logvar: dense(8, reluu)
  }

  decoder p(x | z) = Bernoulli(logits) {
    dense(128, relu)
    logits: dense(784)
  }

  objective elbo

  train {
    optimizer adam(lr = 1e-3)
    batch 64
    epochs 50
  }
}
`;
const fixedSpec = specWithError.replace("dense(8, reluu)", "dense(8)");

const example = servedExample("examples/playground/vite.config.ts");

async function openPlayground(): Promise<{ page: Page; errors: string[] }> {
  const page = await example.browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(example.url);
  await page.waitForSelector("#graph svg");
  return { page, errors };
}

/** Replaces the editor's text by typing, as a person would (select all, then type). */
async function typeSpec(page: Page, text: string): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

async function trainUntil(page: Page, steps: number): Promise<Record<string, string>> {
  await page.click("#train");
  // Done when enough steps ran, or as soon as the page reports a failure (shown in the assertion).
  await page.waitForFunction(
    (n) => {
      const status = document.getElementById("training-status")!;
      return status.className === "error" || /^finished/.test(status.textContent ?? "") || Number(status.dataset.steps ?? 0) >= n;
    },
    steps,
    { timeout: 240_000 },
  );
  expect(await page.getAttribute("#training-status", "class"), (await page.textContent("#training-status")) ?? "").not.toBe("error");
  await page.click("#stop");
  await page.waitForSelector("#train:not([disabled])", { timeout: 60_000 });
  return page.evaluate(() => ({ ...document.getElementById("training-status")!.dataset, text: document.getElementById("training-status")!.textContent ?? "" }) as Record<string, string>);
}

describe("the playground in Chromium", () => {
  it("shows a diagnostic at its line, then trains the fixed spec: the loss falls and samples appear", async () => {
    const { page, errors } = await openPlayground();
    await typeSpec(page, specWithError);

    // The diagnostic: in the list with its line, and underlined in the editor on the bad word.
    const item = page.locator("#diagnostics li.error").first();
    await item.waitFor();
    expect(await item.getAttribute("data-line")).toBe("11");
    expect(await item.textContent()).toMatch(/line 11, column \d+: error\[AE\d{4}\].*reluu/);
    const underlined = page.locator(".cm-lintRange-error").first();
    await underlined.waitFor();
    expect(await underlined.textContent()).toContain("reluu");
    expect(await page.locator("#train").isDisabled()).toBe(true);
    await page.screenshot({ path: join(artifactFolder, "playground-diagnostic.png"), fullPage: true });

    await typeSpec(page, fixedSpec);
    await page.locator("#diagnostics li.ok").waitFor();
    expect(await page.textContent("#summary")).toContain("model SmallVAE");
    expect(await page.textContent("#graph svg")).toContain("SmallVAE");
    // Read back what the editor holds: typing went in verbatim (no auto-closed brackets).
    const lines = await page.locator(".cm-line").allTextContents();
    expect(lines.join("\n")).toBe(fixedSpec);

    await page.fill("#examples", "2000");
    const status = await trainUntil(page, 40);
    expect(Number(status.steps)).toBeGreaterThanOrEqual(40);
    expect(Number(status.latestLoss)).toBeLessThan(Number(status.firstLoss) * 0.8);
    expect(status.text).toMatch(/stopped after \d+ steps on (webgl|wasm|cpu)/);
    const samples = page.locator("#samples");
    await samples.waitFor();
    // 8 images of 28 pixels between 9 one-pixel rules, as aec train draws samples.png.
    expect(await samples.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(8 * 28 + 9);
    expect(await page.locator("#chart svg polyline").count()).toBe(2);

    // Download: NAME.json + NAME.weights.bin holding every weight.
    const downloads: Record<string, Buffer> = {};
    const both = new Promise<void>((resolve) => {
      page.on("download", async (download) => {
        downloads[download.suggestedFilename()] = readFileSync((await download.path())!);
        if (Object.keys(downloads).length === 2) resolve();
      });
    });
    await page.click("#download");
    await both;
    const manifest = JSON.parse(downloads["smallvae.json"]!.toString("utf8"));
    expect(manifest.modelTopology).toMatchObject({ format: "aespec", model: "SmallVAE" });
    const floats = manifest.weightsManifest[0].weights.reduce((n: number, w: { shape: number[] }) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(downloads["smallvae.weights.bin"]!.length).toBe(floats * 4);

    await page.screenshot({ path: join(artifactFolder, "playground-trained.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("trains on the wasm backend when asked (the fallback when WebGL is missing)", async () => {
    const { page, errors } = await openPlayground();
    await typeSpec(page, fixedSpec);
    await page.locator("#diagnostics li.ok").waitFor();
    await page.selectOption("#backend", "wasm");
    await page.fill("#examples", "1000");
    const status = await trainUntil(page, 10);
    expect(status.text).toMatch(/on wasm/);
    expect(Number(status.latestLoss)).toBeLessThan(Number(status.firstLoss));
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
