/**
 * A MALMAS run's outputs on disk (the artifacts of the design):
 *
 *   generated_features.csv   every row of the data, in file order: the original columns, the
 *                            target, each accepted feature (fitted on the train split), and `split`
 *                            (train / test) so the evaluation can be reproduced
 *   features.json            the accepted features as a reusable transformer (feature-set.ts)
 *   feature_table.csv        every proposal: agent, round, expression, outcome, reason, gain
 *   agent_memories.json      the three-level memory of each agent
 *   router_history.json      each round's router choice with its reasons
 *   feature_importance.png   the final model's gain importance, generated features highlighted
 *   feature_importance.csv   the same as numbers
 *   metrics.json             the metric schema (round_k/…, cumulative/…, final/…) and the run info
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBarChart } from '../report/bar-chart.js';
import type { Column, Table } from './dataset/table.js';
import type { EngineerResult } from './engineer.js';

export const ARTIFACT_FILES = {
  generatedFeatures: 'generated_features.csv',
  features: 'features.json',
  featureTable: 'feature_table.csv',
  agentMemories: 'agent_memories.json',
  routerHistory: 'router_history.json',
  importancePng: 'feature_importance.png',
  importanceCsv: 'feature_importance.csv',
  metrics: 'metrics.json',
} as const;

export type ArtifactKey = keyof typeof ARTIFACT_FILES;

/** Writes every artifact into `dir` (created); returns the paths by key. */
export function writeArtifacts(result: EngineerResult, dir: string, info: Readonly<Record<string, unknown>> = {}): Record<ArtifactKey, string> {
  mkdirSync(dir, { recursive: true });
  const path = (k: ArtifactKey): string => join(dir, ARTIFACT_FILES[k]);
  atomic(path('generatedFeatures'), generatedFeaturesCsv(result));
  atomic(path('features'), json(result.features.toJSON()));
  atomic(path('featureTable'), csv(featureTable(result)));
  atomic(path('agentMemories'), json(result.memory.toJSON()));
  atomic(path('routerHistory'), json({ version: 1, rounds: result.routerHistory.map((s) => ({ ...s, round: s.round + 1 })) }));
  atomic(path('importanceCsv'), csv({ columns: ['feature', 'share', 'generated'], rows: result.importance.map((i) => [i.name, round(i.share, 6), i.generated]) }));
  atomic(
    path('importancePng'),
    renderBarChart({
      title: `Feature importance (total gain), ${result.target}`,
      bars: result.importance.slice(0, 25).map((i) => ({ label: i.name, value: i.share, highlight: i.generated })),
      valueFormat: (v) => `${(v * 100).toFixed(1)}%`,
    }),
  );
  atomic(
    path('metrics'),
    json({
      ...info,
      task: result.task,
      target: result.target,
      positive: result.positive ?? null,
      proposer: result.proposer,
      seed: result.seed,
      rounds: result.rounds,
      trainRows: result.trainRows,
      testRows: result.testRows,
      wallSeconds: round(result.wallSeconds, 3),
      metrics: result.metrics,
      features: result.features.features.map((f) => f.meta),
      warnings: result.warnings,
    }),
  );
  return Object.fromEntries(Object.keys(ARTIFACT_FILES).map((k) => [k, path(k as ArtifactKey)])) as Record<ArtifactKey, string>;
}

export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

/** The feature-comparison table: one row per proposal. */
export function featureTable(result: EngineerResult): CsvTable {
  return {
    columns: ['round', 'agent', 'name', 'expression', 'outcome', 'gain', 'persisted', 'reason'],
    rows: result.evaluated.map((e) => [e.round, e.agent, e.name, e.expr, e.outcome, e.gain !== undefined ? round(e.gain, 6) : null, e.persisted, e.reason ?? null]),
  };
}

function generatedFeaturesCsv(result: EngineerResult): string {
  const n = result.train.rows.length + result.test.rows.length;
  // Row r of the prepared data sits at position `at[r]` of the train or test part.
  const part = new Uint8Array(n);
  const at = new Int32Array(n);
  result.train.rows.forEach((r, i) => ((part[r] = 0), (at[r] = i)));
  result.test.rows.forEach((r, i) => ((part[r] = 1), (at[r] = i)));
  const tables = [result.train.table, result.test.table];
  const ys = [result.train.y, result.test.y];
  const header = [...result.train.table.columns.map((c) => c.name), result.target, 'split'];
  const lines = [header.map(cell).join(',')];
  const classes = result.prepared.classes;
  for (let r = 0; r < n; r++) {
    const t: Table = tables[part[r]!]!;
    const i = at[r]!;
    const y = ys[part[r]!]![i]!;
    const label = classes !== undefined ? classes[y === 1 ? 1 : 0] : y;
    lines.push([...t.columns.map((c) => cell(valueOf(c, i))), cell(label), part[r] === 0 ? 'train' : 'test'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function valueOf(c: Column, i: number): string | number | null {
  switch (c.kind) {
    case 'numeric': {
      const v = c.values[i]!;
      return Number.isFinite(v) ? v : null;
    }
    case 'datetime': {
      const v = c.values[i]!;
      return Number.isFinite(v) ? new Date(v).toISOString() : null;
    }
    case 'categorical':
      return c.codes[i]! < 0 ? null : c.levels[c.codes[i]!]!;
    case 'id':
      return c.raw[i]! === '' ? null : c.raw[i]!;
  }
}

export function csv(t: CsvTable): string {
  return `${[t.columns.map(cell).join(','), ...t.rows.map((r) => r.map(cell).join(','))].join('\n')}\n`;
}

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function json(v: unknown): string {
  return `${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 2)}\n`;
}

function atomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function round(x: number, d: number): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}
