// An app that uses a generated module the way any user would: import it from generated/,
// let it import TF.js and `aespec/runtime` from the installed packages, and load weights
// that `aec train` saved.
import { tf } from "aespec/runtime"; // the one TF.js the generated module uses
import "../../shared/wasmBackend.js";
import { createVAE2D } from "../../../generated/vae-2d.js";

const status = document.getElementById("status")!;
const resample = document.getElementById("resample") as HTMLButtonElement;

/** Images [n, 784] in [0, 1] as one picture of `columns` columns, drawn on a canvas. */
async function drawGrid(canvas: HTMLCanvasElement, images: tf.Tensor, columns: number): Promise<void> {
  const rows = images.shape[0]! / columns;
  const picture = tf.tidy(() =>
    images.reshape([rows, columns, 28, 28]).transpose([0, 2, 1, 3]).reshape([rows * 28, columns * 28]).clipByValue(0, 1),
  );
  canvas.width = columns * 28;
  canvas.height = rows * 28;
  await tf.browser.toPixels(picture as tf.Tensor2D, canvas);
  picture.dispose();
}

/** The standard normal's quantile function (Acklam's rational approximation, relative error below 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

async function main(): Promise<void> {
  const weights = new URL(new URLSearchParams(location.search).get("weights") ?? "weights/model.json", document.baseURI).href;
  const model = await createVAE2D({ seed: Date.now() % 100000 });
  await model.load(weights);
  status.textContent = `weights from ${weights}, backend ${tf.getBackend()}`;

  const drawSamples = async () => {
    const { x } = model.sample(64);
    await drawGrid(document.getElementById("samples") as HTMLCanvasElement, x, 8);
    x.dispose();
  };
  await drawSamples();
  resample.disabled = false;
  resample.addEventListener("click", () => void drawSamples());

  const side = 20;
  const quantiles = Array.from({ length: side }, (_, i) => normalQuantile(0.025 + (0.95 * i) / (side - 1)));
  const plane = tf.tensor2d(quantiles.flatMap((y) => quantiles.map((x) => [x, -y])).flat(), [side * side, 2]);
  const { x: manifold } = model.decode({ z: plane });
  await drawGrid(document.getElementById("manifold") as HTMLCanvasElement, manifold, side);
  tf.dispose([plane, manifold]);
  document.body.dataset.ready = "true";
}

main().catch((error: unknown) => {
  status.textContent = `could not show the model: ${error instanceof Error ? error.message : String(error)}`;
  status.className = "error";
  document.body.dataset.ready = "error";
});
