import { encode as encodePng } from "fast-png";

/**
 * The pictures of a run, drawn without any graphics library: image grids and scatter
 * plots as PNG (fast-png encodes them), loss curves as SVG.
 */

export interface Grid {
  /** Row-major pixel values, one image after another, each height × width × channels (red, green, blue interleaved). */
  readonly images: Float32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly columns: number;
  /** 1 (greyscale, the default) or 3 (colour). */
  readonly channels?: 1 | 3;
  /** The values drawn black and white (each channel at 0 and full): the data's declared interval, [0, 1] by default; values outside are clipped. */
  readonly range?: readonly [number, number];
}

/** Images tiled left to right, top to bottom, with a 1-pixel gap, as a greyscale or RGB PNG. */
export function gridPng(grid: Grid): Uint8Array {
  const { images, count, height, width, columns } = grid;
  const channels = grid.channels ?? 1;
  const [low, high] = grid.range ?? [0, 1];
  const rows = Math.ceil(count / columns);
  const gap = 1;
  const W = columns * (width + gap) + gap;
  const H = rows * (height + gap) + gap;
  const pixels = new Uint8Array(W * H * channels).fill(64);
  for (let n = 0; n < count; n++) {
    const top = gap + Math.floor(n / columns) * (height + gap);
    const left = gap + (n % columns) * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          const v = (images[((n * height + y) * width + x) * channels + c]! - low) / (high - low);
          pixels[((top + y) * W + left + x) * channels + c] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
    }
  }
  return encodePng({ width: W, height: H, data: pixels, channels, depth: 8 });
}

/** Ten colours that stay distinct for the ten MNIST classes. */
export const palette: readonly (readonly [number, number, number])[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** A scatter of 2-D points coloured by class, on a white square with axes through the origin. */
export function scatterPng(points: Float32Array, labels: Uint8Array, size = 512, background?: Float32Array): Uint8Array {
  const n = labels.length;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const set of background ? [points, background] : [points]) {
    for (let i = 0; i < set.length / 2; i++) {
      minX = Math.min(minX, set[2 * i]!);
      maxX = Math.max(maxX, set[2 * i]!);
      minY = Math.min(minY, set[2 * i + 1]!);
      maxY = Math.max(maxY, set[2 * i + 1]!);
    }
  }
  const span = Math.max(maxX - minX, maxY - minY, 1e-6) * 1.05;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const toPixel = (x: number, y: number) => [Math.round(((x - cx) / span + 0.5) * (size - 1)), Math.round((0.5 - (y - cy) / span) * (size - 1))] as const;
  const rgba = new Uint8Array(size * size * 4).fill(255);
  const put = (px: number, py: number, [r, g, b]: readonly [number, number, number]) => {
    if (px < 0 || py < 0 || px >= size || py >= size) return;
    const o = (py * size + px) * 4;
    rgba[o] = r;
    rgba[o + 1] = g;
    rgba[o + 2] = b;
  };
  const [ox, oy] = toPixel(0, 0);
  for (let i = 0; i < size; i++) {
    put(ox, i, [210, 210, 210]);
    put(i, oy, [210, 210, 210]);
  }
  // Samples of the prior, light grey underneath: where the codes should lie.
  for (let i = 0; background && i < background.length / 2; i++) {
    const [px, py] = toPixel(background[2 * i]!, background[2 * i + 1]!);
    put(px, py, [200, 200, 200]);
  }
  for (let i = 0; i < n; i++) {
    const [px, py] = toPixel(points[2 * i]!, points[2 * i + 1]!);
    const colour = palette[labels[i]! % palette.length]!;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) put(px + dx, py + dy, colour);
  }
  return encodePng({ width: size, height: size, data: rgba, channels: 4, depth: 8 });
}

export interface Curve {
  readonly label: string;
  readonly values: readonly (number | undefined)[];
  readonly dashed: boolean;
  readonly colour: number;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** How the x axis is named and numbered: epochs by default; the playground plots steps. */
export interface Axis {
  readonly label: string;
  readonly tick: (index: number) => number;
}

/** Loss curves per epoch (or per `axis`): one line per term, solid for training and dashed for test. */
export function lossSvg(title: string, curves: readonly Curve[], epochs: number, axis: Axis = { label: "epoch", tick: (e) => e }): string {
  const width = 720;
  const height = 420;
  const margin = { left: 70, right: 190, top: 40, bottom: 50 };
  const all = curves.flatMap((c) => c.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  const low = Math.min(0, ...all);
  const high = Math.max(1e-9, ...all);
  const x = (epoch: number) => margin.left + (epochs <= 1 ? 0 : ((epoch - 1) / (epochs - 1)) * (width - margin.left - margin.right));
  const y = (v: number) => margin.top + (1 - (v - low) / (high - low)) * (height - margin.top - margin.bottom);
  const lines: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="15">${escapeXml(title)}</text>`,
    `<line x1="${margin.left}" y1="${y(low)}" x2="${width - margin.right}" y2="${y(low)}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${y(low)}" stroke="black"/>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(axis.label)}</text>`,
    `<text x="16" y="${(margin.top + height - margin.bottom) / 2}" transform="rotate(-90 16 ${(margin.top + height - margin.bottom) / 2})" text-anchor="middle">nats per example</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = low + ((high - low) * t) / 4;
    lines.push(`<text x="${margin.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toPrecision(3)}</text>`);
  }
  for (let e = 1; e <= epochs; e += Math.max(1, Math.ceil(epochs / 10))) lines.push(`<text x="${x(e)}" y="${y(low) + 18}" text-anchor="middle">${axis.tick(e)}</text>`);
  curves.forEach((curve, i) => {
    const colour = palette[curve.colour % palette.length]!;
    const stroke = `rgb(${colour.join(",")})`;
    const points = curve.values.map((v, e) => (v === undefined || !Number.isFinite(v) ? undefined : `${x(e + 1).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    if (points.length > 0) lines.push(`<polyline fill="none" stroke="${stroke}" stroke-width="2"${curve.dashed ? ' stroke-dasharray="6 4"' : ""} points="${points.join(" ")}"/>`);
    // A line needs two points: after one epoch each value is drawn as a dot (hollow for test).
    if (points.length === 1) {
      const [cx, cy] = points[0]!.split(",");
      lines.push(`<circle cx="${cx}" cy="${cy}" r="4" stroke="${stroke}" stroke-width="2" fill="${curve.dashed ? "white" : stroke}"/>`);
    }
    const ly = margin.top + 16 * i;
    lines.push(`<line x1="${width - margin.right + 12}" y1="${ly}" x2="${width - margin.right + 40}" y2="${ly}" stroke="${stroke}" stroke-width="2"${curve.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    lines.push(`<text x="${width - margin.right + 46}" y="${ly + 4}">${escapeXml(curve.label)}</text>`);
  });
  lines.push(`</svg>`);
  return `${lines.join("\n")}\n`;
}
