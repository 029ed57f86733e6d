/**
 * Planted signal: synthetic tables where the target depends on something trees find hard from the
 * raw columns (a ratio of two columns, a product read on a log scale, a value relative to its group
 * mean, a day of the week), among noise columns. The offline engineer (no LLM) must accept a
 * feature that reads the planted columns in the planted way, and the held-out AUC must rise.
 */
import { Rng } from '../../../../src/core/rng.js';
import type { Column, Table } from '../../../../src/malmas/dataset/index.js';
import { runEngineer, type EngineerResult } from '../../../../src/malmas/engineer.js';

const N = 1500;

function noiseColumns(rng: Rng): Column[] {
  return [
    { kind: 'numeric', name: 'noise_a', values: Float64Array.from({ length: N }, () => rng.normal() * 3 + 10) },
    { kind: 'numeric', name: 'noise_b', values: Float64Array.from({ length: N }, () => rng.uniform(0, 100)) },
  ];
}

function labels(rng: Rng, score: (i: number) => number): Float64Array {
  // 2% label noise so nothing is perfectly separable
  return Float64Array.from({ length: N }, (_, i) => (rng.uniform(0, 1) < 0.02 ? 1 - score(i) : score(i)));
}

function table(cols: Column[], y: Float64Array): Table {
  return { nRows: N, columns: [...cols, { kind: 'numeric', name: 'y', values: y }] };
}

async function engineer(t: Table, seed = 0): Promise<EngineerResult> {
  return runEngineer(t, { target: 'y', rounds: 2, seed, temperature: 0, model: { nTrees: 30, maxDepth: 4, maxBins: 32 }, threads: 1 });
}

/** Expressions of the features the final model kept (accepted, then chosen by CV). */
function acceptedExprs(r: EngineerResult): string[] {
  const kept = new Set(r.features.names);
  expect(kept.size).toBeGreaterThan(0);
  return r.evaluated.filter((e) => e.outcome === 'accepted' && kept.has(e.name)).map((e) => e.expr.replace(/\s+/g, ''));
}

describe('the offline engineer finds planted signal', () => {
  it('a ratio of two columns', async () => {
    const rng = new Rng(1, 'planted-ratio');
    const income = Float64Array.from({ length: N }, () => rng.uniform(1, 10));
    const members = Float64Array.from({ length: N }, () => rng.uniform(1, 10));
    const y = labels(rng, (i) => (income[i]! / members[i]! > 1.2 ? 1 : 0));
    const r = await engineer(table([{ kind: 'numeric', name: 'income', values: income }, ...noiseColumns(rng), { kind: 'numeric', name: 'members', values: members }], y));
    expect(acceptedExprs(r)).toEqual(expect.arrayContaining([expect.stringMatching(/income\/members|members\/income/)]));
    expect(r.metrics['final/malmas_auc']!).toBeGreaterThan(r.metrics['final/base_auc']!);
  });

  it('a product on a log scale (log a + log b)', async () => {
    const rng = new Rng(2, 'planted-log');
    const a = Float64Array.from({ length: N }, () => Math.exp(rng.normal()));
    const b = Float64Array.from({ length: N }, () => Math.exp(rng.normal()));
    const y = labels(rng, (i) => (Math.log(a[i]!) + Math.log(b[i]!) > 0.3 ? 1 : 0));
    const r = await engineer(table([{ kind: 'numeric', name: 'dose', values: a }, ...noiseColumns(rng), { kind: 'numeric', name: 'weight', values: b }], y));
    expect(acceptedExprs(r)).toEqual(expect.arrayContaining([expect.stringMatching(/dose\*weight|weight\*dose/)]));
    expect(r.metrics['final/malmas_auc']!).toBeGreaterThan(r.metrics['final/base_auc']!);
  });

  it('a value relative to the mean of its group', async () => {
    const rng = new Rng(3, 'planted-group');
    const K = 30;
    const shift = Float64Array.from({ length: K }, () => rng.uniform(0, 50));
    const store = Int32Array.from({ length: N }, () => rng.int(K));
    const sales = Float64Array.from({ length: N }, (_, i) => shift[store[i]!]! + rng.normal() * 5);
    const levels = Array.from({ length: K }, (_, k) => `s${String(k).padStart(2, '0')}`);
    const y = labels(rng, (i) => (sales[i]! - shift[store[i]!]! > 0 ? 1 : 0));
    const r = await engineer(table([{ kind: 'categorical', name: 'store', codes: store, levels }, { kind: 'numeric', name: 'sales', values: sales }, ...noiseColumns(rng)], y));
    expect(acceptedExprs(r)).toEqual(expect.arrayContaining([expect.stringMatching(/group_(mean|rank)\(sales,store\)/)]));
    expect(r.metrics['final/malmas_auc']!).toBeGreaterThan(r.metrics['final/base_auc']! + 0.05);
  });

  it('a date part (weekends)', async () => {
    const rng = new Rng(4, 'planted-date');
    const start = Date.UTC(2023, 0, 1);
    const day = 86_400_000;
    const when = Float64Array.from({ length: N }, () => start + rng.int(700) * day + rng.int(day));
    const y = labels(rng, (i) => {
      const wd = new Date(when[i]!).getUTCDay();
      return wd === 0 || wd === 6 ? 1 : 0;
    });
    const r = await engineer(table([{ kind: 'datetime', name: 'ordered_at', values: when }, ...noiseColumns(rng)], y));
    expect(acceptedExprs(r)).toEqual(expect.arrayContaining([expect.stringMatching(/(weekday|is_weekend|dayofweek)\(ordered_at\)/)]));
    expect(r.metrics['final/malmas_auc']!).toBeGreaterThan(r.metrics['final/base_auc']! + 0.1);
  });
});
