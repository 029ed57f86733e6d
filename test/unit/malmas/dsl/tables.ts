/** Hand-made tables and a compile → fit → apply helper for the feature-language tests. */
import type { Column, Table } from '../../../../src/malmas/dataset/table.js';
import { compileFeature, schemaOf, type FeatureContext } from '../../../../src/malmas/dsl/index.js';

export const num = (name: string, xs: Array<number | null>): Column => ({ kind: 'numeric', name, values: Float64Array.from(xs, (x) => (x === null ? Number.NaN : x)) });

export function cat(name: string, xs: Array<string | null>): Column {
  const levels: string[] = [];
  const codes = Int32Array.from(xs, (x) => {
    if (x === null) return -1;
    let i = levels.indexOf(x);
    if (i < 0) i = levels.push(x) - 1;
    return i;
  });
  return { kind: 'categorical', name, codes, levels };
}

export const date = (name: string, xs: Array<string | null>): Column => ({
  kind: 'datetime',
  name,
  values: Float64Array.from(xs, (x) => (x === null ? Number.NaN : Date.parse(x.length === 10 ? `${x}T00:00:00Z` : x))),
});

export const id = (name: string, xs: string[]): Column => ({ kind: 'id', name, raw: xs });

export function table(...columns: Column[]): Table {
  const c = columns[0]!;
  const nRows = c.kind === 'categorical' ? c.codes.length : c.kind === 'id' ? c.raw.length : c.values.length;
  return { nRows, columns };
}

/** Rows [from, to) of a table, as a new table (categorical levels kept, so codes stay valid). */
export function slice(t: Table, from: number, to: number): Table {
  return {
    nRows: to - from,
    columns: t.columns.map((c): Column => {
      switch (c.kind) {
        case 'categorical':
          return { ...c, codes: c.codes.slice(from, to) };
        case 'id':
          return { ...c, raw: c.raw.slice(from, to) };
        default:
          return { ...c, values: c.values.slice(from, to) };
      }
    }),
  };
}

export type Output = Array<number | null> | Array<string | null>;

/** Compiles, fits on `rows` (all when absent) and applies to `t`; numbers keep NaN, labels null when missing. */
export function run(text: string, t: Table, opts: { rows?: number[]; ctx?: FeatureContext; on?: Table } = {}): Output {
  const r = compileFeature(text, schemaOf(t), opts.ctx ?? { ordered: false });
  if (!r.ok) throw new Error(r.error);
  const fitted = r.feature.fit(t, opts.rows ? Int32Array.from(opts.rows) : undefined);
  const col = fitted.apply(opts.on ?? t);
  if (col.kind === 'numeric') return Array.from(col.values);
  return Array.from(col.codes, (c) => (c < 0 ? null : col.levels[c]!));
}

export function compileError(text: string, t: Table, ctx: FeatureContext = { ordered: false }): string {
  const r = compileFeature(text, schemaOf(t), ctx);
  if (r.ok) throw new Error(`expected '${text}' to fail`);
  return r.error;
}
