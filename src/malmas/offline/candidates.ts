/**
 * Candidate features of the offline proposer and the small helpers its generators share: quoting
 * column names and literals for the feature language, naming features, ranking columns.
 */
import type { ColumnInfo } from '../agents/columns.js';
import { formatName } from '../dsl/ast.js';
import type { Signals } from './signals.js';

export interface Candidate {
  readonly name: string;
  readonly expr: string;
  readonly type: 'numerical' | 'categorical';
  readonly baseColumns: readonly string[];
  readonly logic: string;
  /** The generator's prior for this candidate (before relevance and memory). */
  readonly prior: number;
}

export type Generator = (s: Signals) => Candidate[];

/** A column reference as the language wants it (backquoted when not a bare name). */
export function ref(name: string): string {
  return formatName(name);
}

/** A number literal with 4 significant digits; negatives in parentheses so any context parses. */
export function lit(x: number): string {
  const v = Number(x.toPrecision(4));
  const s = String(Object.is(v, -0) ? 0 : v);
  return v < 0 ? `(${s})` : s;
}

/** A string literal, or undefined for text the language cannot quote simply (backslashes, control characters). */
export function strLit(s: string): string | undefined {
  if (s === '' || /[\\\u0000-\u001f]/.test(s)) return undefined;
  return `"${s.replace(/"/g, '\\"')}"`;
}

/** A feature name from parts: letters, digits and `_` only, at most 64 characters. */
export function featureName(...parts: Array<string | number>): string {
  const text = parts
    .map((p) => (typeof p === 'number' ? numberPart(p) : p))
    .join('_')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  const name = /^[A-Za-z_]/.test(text) ? text : `f_${text}`;
  return name.length > 64 ? name.slice(0, 64).replace(/_$/, '') : name;
}

function numberPart(x: number): string {
  return String(Number(x.toPrecision(4))).replace('-', 'm').replace('.', 'p');
}

/** Columns ordered by relevance (then memory bias), best first, ties in table order; at most `max`. */
export function topColumns(s: Signals, cols: readonly ColumnInfo[], max: number): ColumnInfo[] {
  return cols
    .map((c, i) => ({ c, i, r: s.relevance(c.name) + 0.5 * s.columnBias(c.name) }))
    .sort((a, b) => b.r - a.r || a.i - b.i)
    .slice(0, max)
    .map((x) => x.c);
}

export function candidate(
  name: string,
  expr: string,
  type: 'numerical' | 'categorical',
  baseColumns: readonly string[],
  logic: string,
  prior: number,
): Candidate {
  return { name, expr, type, baseColumns, logic, prior };
}
