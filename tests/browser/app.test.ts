import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { artifactFolder, servedExample } from "./harness.js";

const example = servedExample("examples/app/vite.config.ts");

/** How much of a canvas is lit and how much it varies: a drawn grid of digits, not an empty frame. Runs in the page. */
function canvasStatistics(id: string) {
  const canvas = document.getElementById(id) as HTMLCanvasElement;
  const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
  let lit = 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < data.length; i += 4) {
    const v = data[i]! / 255;
    sum += v;
    squares += v * v;
    if (v > 0.5) lit++;
  }
  const n = data.length / 4;
  const mean = sum / n;
  return { width: canvas.width, height: canvas.height, lit: lit / n, deviation: Math.sqrt(squares / n - mean * mean) };
}

describe("the example app in Chromium", () => {
  // weights/: trained by `aec train specs/vae-2d.aespec` (TF.js); weights-torch/: by `aec train … --engine torch`.
  it.each([["weights", "TF.js"], ["weights-torch", "PyTorch"]])("loads the weights %s/ (trained on %s) and draws samples and the 2-D manifold", async (folder) => {
    const page = await example.browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(folder === "weights" ? example.url : `${example.url}?weights=${encodeURIComponent(`${folder}/model.json`)}`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 60_000 });
    expect(await page.getAttribute("body", "data-ready")).toBe("true");
    expect(await page.textContent("#status")).toMatch(new RegExp(`weights from .*${folder}/model\\.json, backend (webgl|wasm|cpu)`));
    const samples = await page.evaluate(canvasStatistics, "samples");
    const manifold = await page.evaluate(canvasStatistics, "manifold");
    expect(samples).toMatchObject({ width: 224, height: 224 });
    expect(manifold).toMatchObject({ width: 560, height: 560 });
    // Digits: white strokes on black, about a tenth to a fifth of the pixels lit.
    for (const stats of [samples, manifold]) {
      expect(stats.lit).toBeGreaterThan(0.04);
      expect(stats.lit).toBeLessThan(0.4);
      expect(stats.deviation).toBeGreaterThan(0.2);
    }
    await page.screenshot({ path: join(artifactFolder, `app-${folder}.png`), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("says which weights it could not load, instead of drawing noise", async () => {
    const page = await example.browser.newPage();
    await page.goto(`${example.url}?weights=${encodeURIComponent("missing/model.json")}`);
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 60_000 });
    expect(await page.getAttribute("body", "data-ready")).toBe("error");
    expect(await page.textContent("#status")).toMatch(/could not show the model: .*missing\/model\.json/);
    await page.close();
  }, 120_000);
});
