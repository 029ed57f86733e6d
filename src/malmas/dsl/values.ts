/**
 * Run-time values of the feature language and helpers shared by the built-in functions.
 * Every numeric value is finite or NaN (missing): operations that would give ±Infinity give NaN.
 */

export type Val =
  | { readonly k: 'numeric'; readonly v: Float64Array }
  | { readonly k: 'datetime'; readonly v: Float64Array }
  | Cat
  | { readonly k: 'text'; readonly v: readonly string[] }
  | { readonly k: 'string'; readonly s: string };

export interface Cat {
  readonly k: 'categorical';
  /** Index into levels; -1 = missing. */
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export const fin = (x: number): number => (Number.isFinite(x) ? x : Number.NaN);

export function numeric(v: Float64Array): Val {
  return { k: 'numeric', v };
}

/** Numbers as category labels: 3 → "3", 0.5 → "0.5", -0 → "0". */
export function numberLabel(x: number): string {
  return Object.is(x, -0) ? '0' : String(x);
}

export class LevelBuilder {
  private readonly index = new Map<string, number>();
  readonly levels: string[] = [];

  code(s: string | null): number {
    if (s === null) return -1;
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.levels.length;
      this.index.set(s, c);
      this.levels.push(s);
    }
    return c;
  }
}

/** Any categorical-like value (categorical, id text, string literal, numeric) as codes + levels. */
export function asCategorical(val: Val, n: number): Cat {
  switch (val.k) {
    case 'categorical':
      return val;
    case 'string': {
      return { k: 'categorical', codes: new Int32Array(n), levels: [val.s] };
    }
    case 'text': {
      const b = new LevelBuilder();
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = b.code(val.v[i] === '' ? null : val.v[i]!);
      return { k: 'categorical', codes, levels: b.levels };
    }
    case 'numeric':
    case 'datetime': {
      const seen = new Map<number, number>();
      const levels: string[] = [];
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const x = val.v[i]!;
        if (Number.isNaN(x)) {
          codes[i] = -1;
          continue;
        }
        const key = x === 0 ? 0 : x;
        let c = seen.get(key);
        if (c === undefined) {
          c = levels.length;
          seen.set(key, c);
          levels.push(numberLabel(key));
        }
        codes[i] = c;
      }
      return { k: 'categorical', codes, levels };
    }
  }
}

/** Maps every level through `f` (null = missing), merging levels that map to the same string. */
export function mapLevels(cat: Cat, f: (s: string) => string | null): Cat {
  const b = new LevelBuilder();
  const remap = Int32Array.from(cat.levels, (s) => {
    const r = f(s);
    return b.code(r === null || r === '' ? null : r);
  });
  const codes = Int32Array.from(cat.codes, (c) => (c < 0 ? -1 : remap[c]!));
  return { k: 'categorical', codes, levels: b.levels };
}

/** Per-level numbers, spread over rows (missing level → NaN). */
export function levelNumbers(cat: Cat, f: (s: string) => number): Float64Array {
  const per = Float64Array.from(cat.levels, (s) => fin(f(s)));
  return Float64Array.from(cat.codes, (c) => (c < 0 ? Number.NaN : per[c]!));
}

/** Sorts labels numerically when all are numbers, else by code units; deterministic across tables. */
export function sortLabels(labels: Iterable<string>): string[] {
  const out = [...labels];
  const nums = out.map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  if (nums.every((x) => Number.isFinite(x))) {
    const idx = out.map((_, i) => i).sort((a, b) => nums[a]! - nums[b]! || (out[a]! < out[b]! ? -1 : out[a]! > out[b]! ? 1 : 0));
    return idx.map((i) => out[i]!);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The labels (in sorted order) that occur in `rows`. */
export function labelsSeen(cat: Cat, rows: Int32Array): string[] {
  const seen = new Uint8Array(cat.levels.length);
  for (const r of rows) {
    const c = cat.codes[r]!;
    if (c >= 0) seen[c] = 1;
  }
  return sortLabels(cat.levels.filter((_, i) => seen[i] === 1));
}

/** Re-expresses `cat` with fixed `levels`: codes of labels not in `levels` become -1. */
export function recode(cat: Cat, levels: readonly string[]): Int32Array {
  const index = new Map(levels.map((s, i) => [s, i]));
  const remap = Int32Array.from(cat.levels, (s) => index.get(s) ?? -1);
  return Int32Array.from(cat.codes, (c) => (c < 0 ? -1 : remap[c]!));
}
