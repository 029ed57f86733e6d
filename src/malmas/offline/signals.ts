/**
 * What the offline proposer reads off a {@link ProposalContext} besides the columns: how relevant
 * each column looks (importance ranking, else the spread of its per-bin target means), which way it
 * pulls the target, and what memory says (columns and patterns of the best features get a bonus,
 * those of recent failures a penalty). All plain arithmetic on the context: no data, no randomness.
 */
import { readColumns, schemaOfColumns, type ColumnInfo } from '../agents/columns.js';
import { featurePattern } from '../agents/patterns.js';
import { formatExpr } from '../dsl/ast.js';
import { parseFeature, type Schema } from '../dsl/index.js';
import type { ProposalContext } from '../types.js';

export interface Signals {
  readonly ctx: ProposalContext;
  readonly cols: readonly ColumnInfo[];
  readonly byName: ReadonlyMap<string, ColumnInfo>;
  readonly schema: Schema;
  /** 0 … 1; 0.3 when nothing is known. */
  relevance(name: string): number;
  /** +1 when the target mean rises with the column, -1 when it falls, 0 when unclear. */
  direction(name: string): number;
  /** Memory: bonus (feedback) minus penalty (failures) for a column or a pattern family. */
  columnBias(name: string): number;
  familyBias(family: string): number;
  /** Names and normalised expressions already tried (valid, invalid, failures, feedback, columns). */
  readonly takenNames: ReadonlySet<string>;
  readonly triedExprs: ReadonlySet<string>;
}

export function readSignals(ctx: ProposalContext): Signals {
  const cols = readColumns(ctx.columns);
  const byName = new Map(cols.map((c) => [c.name, c]));

  const imp = new Map<string, number>();
  const maxShare = Math.max(0, ...(ctx.importance ?? []).map((x) => x.share));
  if (maxShare > 0) for (const x of ctx.importance ?? []) imp.set(x.name, x.share / maxShare);
  const spread = new Map<string, number>();
  for (const c of cols) {
    const s = binSpread(c);
    if (s > 0) spread.set(c.name, s);
  }
  const maxSpread = Math.max(0, ...spread.values());
  const relevance = (name: string): number => {
    const i = imp.get(name);
    const t = maxSpread > 0 && spread.has(name) ? spread.get(name)! / maxSpread : maxSpread > 0 ? 0 : undefined;
    if (i !== undefined && t !== undefined) return 0.6 * i + 0.4 * t;
    if (i !== undefined) return i;
    if (t !== undefined) return t;
    return imp.size > 0 ? 0 : 0.3;
  };

  const colBias = new Map<string, number>();
  const famBias = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  [...ctx.feedback]
    .sort((a, b) => b.gain - a.gain)
    .forEach((f, i) => {
      const p = featurePattern(f.expr);
      if (p === undefined) return;
      const w = 0.5 / (1 + i);
      for (const c of p.columns) add(colBias, c, w);
      add(famBias, p.family, w);
    });
  for (const f of ctx.failures) {
    const p = featurePattern(f.expr);
    const invalid = f.reason.startsWith('invalid');
    for (const c of p?.columns ?? []) add(colBias, c, invalid ? -0.4 : -0.15);
    if (p !== undefined) add(famBias, p.family, invalid ? -0.3 : -0.2);
  }
  const clampBias = (x: number | undefined): number => Math.max(-1.5, Math.min(1, x ?? 0));

  const takenNames = new Set<string>([...ctx.valid, ...ctx.invalid, ...cols.map((c) => c.name)]);
  for (const f of [...ctx.failures, ...ctx.feedback]) takenNames.add(f.name);
  const triedExprs = new Set<string>();
  for (const f of [...ctx.failures, ...ctx.feedback]) triedExprs.add(normalise(f.expr));

  return {
    ctx,
    cols,
    byName,
    schema: schemaOfColumns(cols),
    relevance,
    direction: (name) => direction(byName.get(name)),
    columnBias: (name) => clampBias(colBias.get(name)),
    familyBias: (family) => clampBias(famBias.get(family)),
    takenNames,
    triedExprs,
  };
}

/** Canonical text of an expression (so `a/b` and `a / b` count as the same). */
export function normalise(expr: string): string {
  const p = parseFeature(expr);
  return p.ok ? formatExpr(p.expr) : expr.trim();
}

/**
 * How much the target mean varies across the column's bins: the weighted standard deviation of
 * the bin means, scaled by the square root of the share of rows the listed bins cover (ten rare
 * ticket numbers with means 0 or 1 say little about the other 94% of rows).
 */
function binSpread(c: ColumnInfo): number {
  const bins = c.targetBins;
  if (bins.length < 2) return 0;
  const w = bins.map((b) => (c.type === 'categorical' ? (c.frequencies[b.label] ?? 0) : 1));
  const total = w.reduce((s, x) => s + x, 0);
  if (total <= 0) return 0;
  let mean = 0;
  for (let i = 0; i < bins.length; i++) mean += (w[i]! * bins[i]!.mean) / total;
  let v = 0;
  for (let i = 0; i < bins.length; i++) v += (w[i]! * (bins[i]!.mean - mean) ** 2) / total;
  const coverage = c.type === 'categorical' ? Math.min(1, total) : 1;
  return Math.sqrt(v) * Math.sqrt(coverage);
}

function direction(c: ColumnInfo | undefined): number {
  if (c === undefined || c.type !== 'numeric' || c.targetBins.length < 2) return 0;
  const ms = c.targetBins.map((b) => b.mean);
  const half = Math.floor(ms.length / 2);
  const lo = avg(ms.slice(0, half));
  const hi = avg(ms.slice(ms.length - half));
  const range = Math.max(...ms) - Math.min(...ms);
  if (range <= 0 || Math.abs(hi - lo) < 0.25 * range) return 0;
  return hi > lo ? 1 : -1;
}

function avg(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
