/**
 * Small inline SVG charts for self-contained HTML reports: no scripts, fonts or external
 * references, so a report opens anywhere (and offline). Output is a pure function of the input:
 * coordinates are printed with fixed decimals, so equal data gives byte-identical markup.
 * The `xmlns` attribute is left out on purpose: inline SVG in HTML does not need it.
 */

/** Colour-blind-safe (Okabe–Ito), then a few more distinct ones. */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000', '#999999', '#882255'] as const;

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Escapes text for HTML/SVG content and double- or single-quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate with one decimal; never `-0.0`, so output does not depend on rounding signs. */
function n(x: number): string {
  const s = x.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export interface Ticks {
  readonly lo: number;
  readonly hi: number;
  readonly values: readonly number[];
  readonly label: (v: number) => string;
}

/** "Nice" ticks (1, 2, 5 × 10^e) covering [lo, hi]; a zero-width range is widened. */
export function niceTicks(lo: number, hi: number, count = 5): Ticks {
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const e = Math.floor(Math.log10(raw));
  const f = raw / 10 ** e;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * 10 ** e;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(i * step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const label = (v: number): string => {
    const s = v.toFixed(decimals);
    return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
  };
  return { lo: first * step, hi: last * step, values, label };
}

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  return (v) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));
}

function open(f: Frame, title: string): string[] {
  return [
    `<svg viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<text x="${n(f.width / 2)}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
}

function yAxis(f: Frame, ticks: Ticks, y: (v: number) => number, label: string): string[] {
  const out: string[] = [];
  for (const t of ticks.values) {
    out.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="#e9ecef"/>`);
    out.push(`<text x="${f.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" fill="#495057">${esc(ticks.label(t))}</text>`);
  }
  const mid = (f.top + f.height - f.bottom) / 2;
  out.push(`<text x="14" y="${n(mid)}" text-anchor="middle" transform="rotate(-90 14 ${n(mid)})" fill="#495057">${esc(label)}</text>`);
  out.push(`<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="#adb5bd"/>`);
  return out;
}

function empty(f: Frame, title: string, why: string): string {
  return [...open(f, title), `<text x="${n(f.width / 2)}" y="${n(f.height / 2)}" text-anchor="middle" fill="#6c757d">${esc(why)}</text>`, '</svg>'].join('\n');
}

export interface StripGroup {
  readonly label: string;
  readonly color: string;
  readonly points: ReadonlyArray<{ readonly y: number; readonly title?: string }>;
  readonly mean?: number;
  readonly sd?: number;
}

/** One column per group: each point a dot, the mean a bar with ± sd whiskers. */
export function stripChart(o: { title: string; yLabel: string; groups: readonly StripGroup[]; width?: number; height?: number }): string {
  const f: Frame = { width: o.width ?? 720, height: o.height ?? 360, left: 64, right: 16, top: 36, bottom: 56 };
  const ys: number[] = [];
  for (const g of o.groups) {
    for (const p of g.points) ys.push(p.y);
    if (g.mean !== undefined) ys.push(g.mean - (g.sd ?? 0), g.mean + (g.sd ?? 0));
  }
  if (ys.length === 0) return empty(f, o.title, 'no values to plot');
  const ticks = niceTicks(Math.min(...ys), Math.max(...ys));
  const y = scale(ticks.lo, ticks.hi, f.height - f.bottom, f.top);
  const band = (f.width - f.left - f.right) / o.groups.length;
  const out = [...open(f, o.title), ...yAxis(f, ticks, y, o.yLabel)];
  o.groups.forEach((g, i) => {
    const cx = f.left + band * (i + 0.5);
    if (g.mean !== undefined) {
      const w = Math.min(24, band * 0.3);
      if (g.sd !== undefined) {
        const y0 = n(y(g.mean - g.sd));
        const y1 = n(y(g.mean + g.sd));
        out.push(`<line x1="${n(cx)}" x2="${n(cx)}" y1="${y0}" y2="${y1}" stroke="#212529"/>`);
        for (const yy of [y0, y1]) out.push(`<line x1="${n(cx - w / 4)}" x2="${n(cx + w / 4)}" y1="${yy}" y2="${yy}" stroke="#212529"/>`);
      }
      out.push(`<line x1="${n(cx - w / 2)}" x2="${n(cx + w / 2)}" y1="${n(y(g.mean))}" y2="${n(y(g.mean))}" stroke="#212529" stroke-width="3"/>`);
    }
    // dots after the bar, so the bar never hides a trial
    const spread = Math.min(8, (band * 0.5) / Math.max(1, g.points.length));
    g.points.forEach((p, j) => {
      const x = cx + (j - (g.points.length - 1) / 2) * spread;
      const tip = p.title !== undefined ? `<title>${esc(p.title)}</title>` : '';
      out.push(`<circle cx="${n(x)}" cy="${n(y(p.y))}" r="4" fill="${esc(g.color)}" fill-opacity="0.6">${tip}</circle>`);
    });
    out.push(`<text x="${n(cx)}" y="${f.height - f.bottom + 18}" text-anchor="middle">${esc(clip(g.label, Math.max(4, Math.floor(band / 7))))}<title>${esc(g.label)}</title></text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export interface LineSeries {
  readonly label: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** One line per series over a numeric x (rounds or steps), with a legend on the right. */
export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: readonly LineSeries[]; width?: number; height?: number }): string {
  // tall enough for the legend, which lists every series
  const f: Frame = { width: o.width ?? 720, height: o.height ?? Math.max(360, 60 + 18 * o.series.length), left: 64, right: 170, top: 36, bottom: 56 };
  const pts = o.series.flatMap((s) => s.points);
  if (pts.length === 0) return empty(f, o.title, 'no per-round values to plot');
  const xs = [...new Set(pts.map((p) => p[0]))].sort((a, b) => a - b);
  const yt = niceTicks(Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1])));
  const y = scale(yt.lo, yt.hi, f.height - f.bottom, f.top);
  const x0 = xs[0]!;
  const x1 = xs[xs.length - 1]!;
  const x = scale(x0, x1, f.left + 12, f.width - f.right - 12);
  // few distinct x values (rounds): label each one; many (steps): nice ticks
  const xTicks = xs.length <= 12 ? xs.map((v) => ({ v, label: String(v) })) : niceTicks(x0, x1).values.filter((v) => v >= x0 && v <= x1).map((v) => ({ v, label: String(v) }));
  const out = [...open(f, o.title), ...yAxis(f, yt, y, o.yLabel)];
  const base = f.height - f.bottom;
  out.push(`<line x1="${f.left}" x2="${f.width - f.right}" y1="${base}" y2="${base}" stroke="#adb5bd"/>`);
  for (const t of xTicks) out.push(`<text x="${n(x(t.v))}" y="${base + 16}" text-anchor="middle" fill="#495057">${esc(t.label)}</text>`);
  out.push(`<text x="${n((f.left + f.width - f.right) / 2)}" y="${f.height - 14}" text-anchor="middle" fill="#495057">${esc(o.xLabel)}</text>`);
  o.series.forEach((s, i) => {
    const color = esc(s.color);
    if (s.points.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map((p) => `${n(x(p[0]))},${n(y(p[1]))}`).join(' ')}"/>`);
    for (const p of s.points) out.push(`<circle cx="${n(x(p[0]))}" cy="${n(y(p[1]))}" r="3" fill="${color}"/>`);
    const ly = f.top + 8 + i * 18;
    const lx = f.width - f.right + 12;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="12" height="12" fill="${color}"/>`);
    out.push(`<text x="${lx + 18}" y="${ly + 2}">${esc(clip(s.label, 20))}<title>${esc(s.label)}</title></text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
