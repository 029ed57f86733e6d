/** A horizontal bar chart as a PNG (feature importance): one bar per label, largest first as given. */
import { Raster, textAdvance, textWidth, type Rgb } from './raster.js';

export interface BarChartInput {
  readonly title: string;
  readonly bars: ReadonlyArray<{ readonly label: string; readonly value: number; readonly highlight?: boolean }>;
  readonly valueFormat?: (v: number) => string;
  /** Legend text for highlighted bars (e.g. "generated feature"). */
  readonly highlightLabel?: string;
  readonly width?: number;
}

const INK: Rgb = [33, 37, 41];
const MUTED: Rgb = [108, 117, 125];
const BAR: Rgb = [134, 142, 150];
const HIGHLIGHT: Rgb = [13, 110, 253];
const GRID: Rgb = [233, 236, 239];

const SCALE = 2;
const ROW = 24;
const PAD = 16;
/** A text line: 7 pixel rows and 2 for descenders, at SCALE. */
const LINE = 9 * SCALE;

export function renderBarChart(input: BarChartInput): Buffer {
  const width = input.width ?? 900;
  const fmt = input.valueFormat ?? ((v: number) => String(Number(v.toPrecision(3))));
  const bars = input.bars;
  const charW = textAdvance(SCALE);
  const labelChars = Math.min(32, Math.max(4, ...bars.map((b) => b.label.length)));
  const labelW = labelChars * charW;
  const valueW = Math.max(4, ...bars.map((b) => fmt(b.value).length)) * charW;
  const top = PAD + LINE + 12 + (bars.some((b) => b.highlight) ? LINE + 8 : 0);
  const height = top + Math.max(1, bars.length) * ROW + PAD;
  const img = new Raster(width, height);
  img.text(PAD, PAD, clip(input.title, Math.floor((width - 2 * PAD) / charW)), INK, SCALE);
  if (bars.some((b) => b.highlight)) {
    const y = PAD + LINE + 6;
    img.fill(PAD, y, 7 * SCALE, 7 * SCALE, HIGHLIGHT);
    img.text(PAD + 7 * SCALE + 6, y, input.highlightLabel ?? 'generated feature', MUTED, SCALE);
    const x2 = PAD + 7 * SCALE + 6 + textWidth(input.highlightLabel ?? 'generated feature', SCALE) + 24;
    img.fill(x2, y, 7 * SCALE, 7 * SCALE, BAR);
    img.text(x2 + 7 * SCALE + 6, y, 'original column', MUTED, SCALE);
  }
  const x0 = PAD + labelW + 10;
  const span = Math.max(10, width - x0 - valueW - PAD - 8);
  const max = Math.max(0, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  for (let k = 0; k <= 4; k++) img.fill(x0 + (span * k) / 4, top - 4, 1, bars.length * ROW + 4, GRID);
  bars.forEach((b, i) => {
    const y = top + i * ROW;
    const label = clip(b.label, labelChars);
    img.text(PAD + labelW - textWidth(label, SCALE), y + (ROW - 7 * SCALE) / 2, label, INK, SCALE);
    const v = Number.isFinite(b.value) && b.value > 0 ? b.value : 0;
    const w = max > 0 ? Math.max(1, (v / max) * span) : 0;
    img.fill(x0, y + 4, w, ROW - 8, b.highlight === true ? HIGHLIGHT : BAR);
    img.text(x0 + w + 6, y + (ROW - 7 * SCALE) / 2, fmt(b.value), MUTED, SCALE);
  });
  return img.toPng();
}

function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}~`;
}
