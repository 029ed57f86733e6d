/**
 * Reading a trial program's output: splitting byte streams into lines, recognising metric lines,
 * keeping a bounded tail. Pure helpers for command.ts (no processes here).
 *
 * A metric line is one JSON object on its own line (what `print(json.dumps(metrics))` or
 * `console.log(JSON.stringify(metrics))` writes). Python's `json.dumps` writes `NaN`, `Infinity` and
 * `-Infinity` for non-finite floats, which `JSON.parse` rejects, so those bare tokens are accepted too.
 */
import { StringDecoder } from 'node:string_decoder';

/** Splits a byte stream into lines across chunk boundaries (UTF-8 safe; `\r\n` or `\n`). */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** `maxLine`: a partial line longer than this is emitted as is, so a program cannot exhaust memory. */
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 8 * 1024 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    this.feed(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** Flushes the final line, even without a trailing newline. */
  end(): void {
    this.feed(this.decoder.end());
    if (this.pending !== '') {
      const last = this.pending;
      this.pending = '';
      this.onLine(stripCr(last));
    }
  }

  private feed(text: string): void {
    if (text === '') return;
    const all = this.pending + text;
    let start = 0;
    for (let nl = all.indexOf('\n'); nl >= 0; nl = all.indexOf('\n', start)) {
      this.onLine(stripCr(all.slice(start, nl)));
      start = nl + 1;
    }
    let buf = all.slice(start);
    if (buf.length > this.maxLine) {
      this.onLine(buf);
      buf = '';
    }
    this.pending = buf;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Keeps the last `n` items. */
export class Tail {
  private readonly items: string[] = [];
  constructor(private readonly n: number) {}
  push(item: string): void {
    if (this.n <= 0) return;
    this.items.push(item);
    if (this.items.length > this.n) this.items.shift();
  }
  toString(): string {
    return this.items.join('\n');
  }
}

const NONFINITE_MARK = '\u0000ff-nonfinite:';
const NONFINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Replace bare NaN / Infinity / -Infinity tokens outside strings with marker strings. */
function markNonFinite(text: string): string | undefined {
  let out = '';
  let inString = false;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token !== undefined) {
      out += JSON.stringify(NONFINITE_MARK + token);
      i += token.length - 1;
      changed = true;
      continue;
    }
    out += ch;
  }
  return changed ? out : undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The metrics of a metric line, or undefined when the line is ordinary output. */
export function parseMetricsLine(line: string): Record<string, unknown> | undefined {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return isPlainObject(v) ? v : undefined;
  } catch {
    const marked = markNonFinite(text);
    if (marked === undefined) return undefined;
    try {
      const v: unknown = JSON.parse(marked, (_k, x: unknown) =>
        typeof x === 'string' && x.startsWith(NONFINITE_MARK) ? NONFINITE[x.slice(NONFINITE_MARK.length)] : x,
      );
      return isPlainObject(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }
}
