/**
 * From a table to the evaluator's column-major matrix, as MALMAS's `preprocess_X` does before every
 * model fit (malmas-algorithm.md §5): numeric and datetime columns as numbers (missing stays NaN:
 * the trees learn a default direction, where MALMAS fills 0); categorical columns label-encoded
 * (their level index, missing = NaN); id-like columns left out (they identify rows, they do not
 * describe them).
 */
import type { Column, Table } from './dataset/table.js';

export function modelColumn(c: Column): Float64Array | undefined {
  switch (c.kind) {
    case 'numeric':
    case 'datetime': {
      const out = new Float64Array(c.values.length);
      for (let i = 0; i < out.length; i++) {
        const v = c.values[i]!;
        out[i] = Number.isFinite(v) ? v : NaN;
      }
      return out;
    }
    case 'categorical':
      return Float64Array.from(c.codes, (k) => (k < 0 ? NaN : k));
    case 'id':
      return undefined;
  }
}

export interface ModelMatrix {
  readonly names: string[];
  readonly columns: Float64Array[];
}

export function modelMatrix(table: Table): ModelMatrix {
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const c of table.columns) {
    const v = modelColumn(c);
    if (v === undefined) continue;
    names.push(c.name);
    columns.push(v);
  }
  return { names, columns };
}

/** True when the column holds fewer than two distinct non-missing values. */
export function isConstant(v: Float64Array): boolean {
  let first = NaN;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x !== x) continue;
    if (first !== first) first = x;
    else if (x !== first) return false;
  }
  return true;
}

/** A 32-bit FNV-1a hash of the values (NaN-safe), to find columns that duplicate another. */
export function valuesHash(v: Float64Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${v.length}:${(h >>> 0).toString(16)}`;
}

export function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && !(x !== x && y !== y)) return false;
  }
  return true;
}
