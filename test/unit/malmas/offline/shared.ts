/**
 * The 15 shared evaluation datasets (../shared/datasets, MANIFEST.md) as proposal contexts:
 * loaded with readCsv, prepared with the manifest's target, described on their first 3,000 rows
 * (enough for the statistics, and fast).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contextColumns } from '../../../../src/malmas/agents/columns.js';
import { describeColumns, prepareTask, readCsv, takeRows } from '../../../../src/malmas/dataset/index.js';
import type { AgentKind, ProposalContext } from '../../../../src/malmas/types.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SHARED_DIR = resolve(root, '../shared/datasets');

export const SHARED: ReadonlyArray<{ file: string; target: string; ordered: boolean }> = [
  { file: 'titanic.csv', target: 'Survived', ordered: false },
  { file: 'adult.csv', target: 'income', ordered: false },
  { file: 'bank_marketing.csv', target: 'y', ordered: false },
  { file: 'credit_g.csv', target: 'default', ordered: false },
  { file: 'diabetes_pima.csv', target: 'Outcome', ordered: false },
  { file: 'heart_disease.csv', target: 'target', ordered: false },
  { file: 'blood_transfusion.csv', target: 'class', ordered: false },
  { file: 'breast_cancer_wisconsin.csv', target: 'class', ordered: false },
  { file: 'telco_churn.csv', target: 'Churn', ordered: false },
  { file: 'banknote.csv', target: 'class', ordered: false },
  { file: 'occupancy.csv', target: 'Occupancy', ordered: true },
  { file: 'bike_sharing_hourly.csv', target: 'cnt', ordered: true },
  { file: 'insurance.csv', target: 'charges', ordered: false },
  { file: 'abalone.csv', target: 'Rings', ordered: false },
  { file: 'wine_quality.csv', target: 'quality', ordered: false },
];

export interface SharedContext {
  readonly file: string;
  readonly task: 'classification' | 'regression';
  readonly columns: Array<Record<string, unknown>>;
  readonly ordered: boolean;
}

const cache = new Map<string, SharedContext>();

export function loadShared(file: string): SharedContext {
  const hit = cache.get(file);
  if (hit) return hit;
  if (!existsSync(SHARED_DIR)) throw new Error(`the shared datasets are not at ${SHARED_DIR}; these tests need them`);
  const spec = SHARED.find((s) => s.file === file)!;
  const p = prepareTask(readCsv(join(SHARED_DIR, file)), { target: spec.target });
  // Every k-th row, so files sorted by a column (wine: red then white) keep all their values.
  const step = Math.max(1, Math.floor(p.features.nRows / 3000));
  const rows: number[] = [];
  for (let i = 0; i < p.features.nRows; i += step) rows.push(i);
  const descs = describeColumns(takeRows(p.features, rows), Float64Array.from(rows, (i) => p.y[i]!));
  const out = { file, task: p.task, columns: contextColumns(descs), ordered: spec.ordered };
  cache.set(file, out);
  return out;
}

export function contextFor(d: SharedContext, agent: AgentKind, extra: Partial<ProposalContext> = {}): ProposalContext {
  return {
    agent,
    round: 0,
    nRounds: 4,
    task: d.task,
    taskDescription: `predict the target of ${d.file}`,
    columns: d.columns,
    ordered: d.ordered,
    valid: [],
    invalid: [],
    failures: [],
    feedback: [],
    temperature: 0,
    seed: 0,
    ...extra,
  };
}
