/**
 * Every evaluation dataset in ../shared/datasets (relative to the repo root) loads and prepares with
 * its documented target and positive class; the numbers below are copied from its MANIFEST.md.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../../../../src/malmas/dataset/csv.js';
import { describeColumns } from '../../../../src/malmas/dataset/describe.js';
import { splitTask } from '../../../../src/malmas/dataset/split.js';
import { prepareTask, type TaskKind } from '../../../../src/malmas/dataset/target.js';
import { column, type ColumnKind } from '../../../../src/malmas/dataset/table.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const shared = resolve(root, '../shared/datasets');

interface Spec {
  readonly file: string;
  readonly target: string;
  readonly positive?: string;
  readonly task: TaskKind;
  readonly rows: number;
  readonly cols: number;
  /** Classification: positive rate; regression: [min, max, mean]. */
  readonly rate?: number;
  readonly range?: readonly [number, number, number];
  /** Kinds the manifest implies for some columns. */
  readonly kinds?: Readonly<Record<string, ColumnKind>>;
}

const SPECS: readonly Spec[] = [
  { file: 'titanic.csv', target: 'Survived', positive: '1', task: 'classification', rows: 891, cols: 12, rate: 0.384, kinds: { PassengerId: 'id', Name: 'id', Sex: 'categorical', Ticket: 'categorical', Age: 'numeric' } },
  { file: 'adult.csv', target: 'income', positive: '>50K', task: 'classification', rows: 32561, cols: 15, rate: 0.241, kinds: { occupation: 'categorical', native_country: 'categorical', fnlwgt: 'numeric' } },
  { file: 'bank_marketing.csv', target: 'y', positive: 'yes', task: 'classification', rows: 4119, cols: 21, rate: 0.11, kinds: { month: 'categorical', job: 'categorical', pdays: 'numeric' } },
  { file: 'credit_g.csv', target: 'default', positive: '2', task: 'classification', rows: 1000, cols: 21, rate: 0.3, kinds: { purpose: 'categorical', amount: 'numeric' } },
  { file: 'diabetes_pima.csv', target: 'Outcome', positive: '1', task: 'classification', rows: 768, cols: 9, rate: 0.349, kinds: { Pregnancies: 'numeric' } },
  { file: 'heart_disease.csv', target: 'target', positive: '1', task: 'classification', rows: 920, cols: 15, rate: 0.553, kinds: { site: 'categorical', ca: 'numeric' } },
  { file: 'blood_transfusion.csv', target: 'class', positive: '1', task: 'classification', rows: 748, cols: 5, rate: 0.238 },
  { file: 'breast_cancer_wisconsin.csv', target: 'class', positive: '4', task: 'classification', rows: 699, cols: 11, rate: 0.345, kinds: { bare_nuclei: 'numeric' } },
  { file: 'telco_churn.csv', target: 'Churn', positive: 'Yes', task: 'classification', rows: 7043, cols: 21, rate: 0.265, kinds: { customerID: 'id', Contract: 'categorical', TotalCharges: 'numeric' } },
  { file: 'banknote.csv', target: 'class', positive: '1', task: 'classification', rows: 1372, cols: 5, rate: 0.445 },
  { file: 'occupancy.csv', target: 'Occupancy', positive: '1', task: 'classification', rows: 20560, cols: 7, rate: 0.231, kinds: { date: 'datetime' } },
  { file: 'bike_sharing_hourly.csv', target: 'cnt', task: 'regression', rows: 17379, cols: 14, range: [1, 977, 189.5], kinds: { dteday: 'datetime', hr: 'numeric' } },
  { file: 'insurance.csv', target: 'charges', task: 'regression', rows: 1338, cols: 7, range: [1122, 63770, 13270], kinds: { region: 'categorical', smoker: 'categorical' } },
  { file: 'abalone.csv', target: 'Rings', task: 'regression', rows: 4177, cols: 9, range: [1, 29, 9.93], kinds: { Sex: 'categorical' } },
  { file: 'wine_quality.csv', target: 'quality', task: 'regression', rows: 6497, cols: 13, range: [3, 9, 5.818], kinds: { type: 'categorical' } },
];

describe('the shared evaluation datasets (MANIFEST.md)', () => {
  beforeAll(() => {
    if (!existsSync(shared)) {
      throw new Error(`the shared datasets are not at ${shared} (expected ../shared/datasets next to the repo root ${root}); this test needs them`);
    }
  });

  it('the table covers every CSV in the directory', () => {
    const files = readdirSync(shared).filter((f) => f.endsWith('.csv')).sort();
    expect(files).toEqual(SPECS.map((s) => s.file).sort());
  });

  it.each(SPECS.map((s) => [s.file, s] as const))('%s loads and prepares as documented', (_file, s) => {
    const table = readCsv(join(shared, s.file));
    expect([table.nRows, table.columns.length]).toEqual([s.rows, s.cols]);
    for (const [name, kind] of Object.entries(s.kinds ?? {})) expect(`${name}: ${column(table, name)?.kind}`).toBe(`${name}: ${kind}`);

    // Without task or positive, inference must agree with the manifest too.
    const inferred = prepareTask(table, { target: s.target });
    expect(inferred.task).toBe(s.task);
    expect(inferred.positive).toBe(s.positive); // {0,1}, {no,yes} or the minority (credit_g '2', breast '4')

    const p = prepareTask(table, { target: s.target, task: s.task, ...(s.positive !== undefined ? { positive: s.positive } : {}) });
    expect(p.rowsDropped).toBe(0);
    expect(p.features.columns.length).toBe(s.cols - 1);
    expect(p.y.length).toBe(s.rows);
    if (s.task === 'classification') {
      expect(Math.abs(p.positiveRate! - s.rate!)).toBeLessThan(0.0015);
    } else {
      const [min, max, mean] = s.range!;
      let lo = Infinity;
      let hi = -Infinity;
      let sum = 0;
      for (const v of p.y) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        sum += v;
      }
      expect(Math.round(lo)).toBe(min);
      expect(Math.round(hi)).toBe(max);
      expect(Math.abs(sum / p.y.length - mean) / mean).toBeLessThan(0.001);
    }

    // The MALMAS data path: split, then describe the training rows only.
    const { train, test } = splitTask(p, { seed: 0 });
    expect(test.y.length).toBe(Math.ceil(0.4 * s.rows));
    const desc = describeColumns(train.features, train.y);
    expect(desc.map((d) => d.name)).toEqual(p.features.columns.map((c) => c.name));
  });

  it('wine_quality as MALMAS uses it: binary with quality >= 7', () => {
    const p = prepareTask(readCsv(join(shared, 'wine_quality.csv')), { target: 'quality', positive: '>=7' });
    expect(p.task).toBe('classification');
    expect(p.positiveRate!).toBeCloseTo(0.197, 3);
  });

  it('the demo copies in datasets/ are the shared files', () => {
    for (const f of ['titanic.csv', 'diabetes_pima.csv']) {
      const a = readCsv(join(root, 'datasets', f));
      const b = readCsv(join(shared, f));
      expect(a.columns).toEqual(b.columns);
    }
  });
});
