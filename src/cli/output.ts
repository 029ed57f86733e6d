/** Terminal output helpers: tables, value formatting, a live progress line. No I/O beyond the stream given. */
import type { ParamValue } from '../core/params.js';

export function fmtNumber(v: number | undefined): string {
  if (v === undefined) return '-';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(5)));
}

export function fmtValue(v: ParamValue | undefined): string {
  if (v === undefined) return '-';
  if (typeof v === 'number') return fmtNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** A plain aligned table (no colours), columns padded to the widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Progress on a stream: in a terminal, one line redrawn in place (at most every 100 ms);
 * elsewhere, nothing is redrawn and callers print plain event lines instead.
 */
export class ProgressLine {
  private last = '';
  private lastDraw = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  get live(): boolean {
    return this.stream.isTTY === true;
  }

  update(text: string, force = false): void {
    if (!this.live) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) {
      this.last = text;
      return;
    }
    this.lastDraw = now;
    this.last = text;
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  }

  /** Prints a line above the progress line. */
  log(text: string): void {
    if (this.live) {
      this.stream.write(`\r\x1b[2K${text}\n`);
      if (this.last !== '') this.update(this.last, true);
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  done(): void {
    if (this.live && this.last !== '') this.stream.write(`\r\x1b[2K${this.last}\n`);
    this.last = '';
  }
}
