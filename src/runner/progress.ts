import { SingleBar } from "cli-progress";
import type { Reporter } from "../training/model.js";

/** Terms as `nll_x 102.31 · kl_z 25.10`. */
export function formatTerms(terms: Record<string, number>): string {
  return Object.entries(terms).map(([id, v]) => `${id} ${v.toFixed(2)}`).join(" · ");
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/**
 * Progress of one epoch: a bar with each term, examples/s and ETA on a terminal; plain
 * lines at every tenth of the epoch otherwise, so CI logs stay readable.
 */
export class EpochProgress {
  private bar: SingleBar | undefined;
  private readonly started = Date.now();
  private nextLine = 0.1;
  private examples = 0;

  constructor(private readonly io: Reporter, private readonly epoch: number, private readonly epochs: number, private readonly steps: number, private readonly batchSize: number) {
    if (io.isTTY) {
      this.bar = new SingleBar({
        format: `epoch ${epoch}/${epochs} {bar} {percentage}% | {value}/{total} | {terms} | {rate} ex/s | ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        etaBuffer: 50,
      });
      this.bar.start(steps, 0, { terms: "", rate: "…" });
    }
  }

  step(done: number, terms: Record<string, number>): void {
    this.examples += this.batchSize;
    const seconds = (Date.now() - this.started) / 1000;
    const rate = Math.round(this.examples / Math.max(seconds, 1e-3));
    if (this.bar) {
      this.bar.update(done, { terms: formatTerms(terms), rate: rate.toLocaleString("en-US") });
      return;
    }
    if (done / this.steps >= this.nextLine || done === this.steps) {
      while (this.nextLine <= done / this.steps) this.nextLine += 0.1;
      const eta = ((this.steps - done) * seconds) / done;
      this.io.stdout(`epoch ${this.epoch}/${this.epochs} step ${done}/${this.steps} | ${formatTerms(terms)} | ${rate} ex/s | ETA ${duration(eta)}\n`);
    }
  }

  finish(): void {
    this.bar?.stop();
  }
}
