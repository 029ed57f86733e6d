import { Rng } from '../../../../src/core/rng.js';
import { crossValidate, metricsOf } from '../../../../src/malmas/model/cv.js';
import { checkFolds, kFold, stratifiedKFold } from '../../../../src/malmas/model/folds.js';
import { GbdtPool } from '../../../../src/malmas/model/pool.js';
import type { Dataset } from '../../../../src/malmas/model/types.js';

function synth(n: number, seed: number, objective: 'binary' | 'squared'): Dataset {
  const rng = new Rng(seed);
  const columns = Array.from({ length: 4 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of columns) c[i] = rng.normal();
    const s = columns[0]![i]! + 0.5 * columns[1]![i]! * columns[2]![i]!;
    // a 30% positive rate makes stratification visible
    y[i] = objective === 'binary' ? (s + 0.5 * rng.normal() > 0.7 ? 1 : 0) : 5 + s + 0.2 * rng.normal();
  }
  return { columns, y };
}

describe('fold assignment', () => {
  it('stratified K-fold keeps each class within one row of its share in every fold', () => {
    const y = Float64Array.from({ length: 1003 }, (_, i) => (i % 10 < 3 ? 1 : 0));
    const folds = stratifiedKFold(y, 5, { seed: 3 });
    const nPos = y.reduce((a, b) => a + b, 0);
    for (let k = 0; k < 5; k++) {
      const inFold = [...folds.keys()].filter((i) => folds[i] === k);
      const pos = inFold.filter((i) => y[i] === 1).length;
      expect(Math.abs(pos - nPos / 5)).toBeLessThanOrEqual(1);
      expect(Math.abs(inFold.length - 1003 / 5)).toBeLessThanOrEqual(1);
    }
    expect(Array.from(stratifiedKFold(y, 5, { seed: 3 }))).toEqual(Array.from(folds));
    expect(Array.from(stratifiedKFold(y, 5, { seed: 4 }))).not.toEqual(Array.from(folds));
  });

  it('K-fold without shuffling cuts contiguous blocks, the first n mod K one larger (as scikit-learn)', () => {
    expect(Array.from(kFold(7, 3, { shuffle: false }))).toEqual([0, 0, 0, 1, 1, 2, 2]);
    const shuffled = kFold(100, 4, { seed: 1 });
    for (let k = 0; k < 4; k++) expect(shuffled.filter((f) => f === k).length).toBe(25);
  });

  it('rejects bad fold counts and assignments', () => {
    expect(() => kFold(3, 5)).toThrow(/between 2 and the row count/);
    expect(() => checkFolds([0, 0, 2, 2], 4)).toThrow(/bad folds 1/);
    expect(() => checkFolds([0, 1], 3)).toThrow(/one fold id per row/);
  });
});

describe('crossValidate (threads: 1, inline)', () => {
  it('returns per-fold, mean and pooled out-of-fold metrics for classification', async () => {
    const d = synth(600, 1, 'binary');
    const r = await crossValidate(d, { params: { nTrees: 30, maxDepth: 3 }, nFolds: 4, seed: 2, threads: 1 });
    expect(r.folds).toHaveLength(4);
    expect(r.threadsUsed).toBe(1);
    expect(r.folds.reduce((s, f) => s + f.nValid, 0)).toBe(600);
    for (const f of r.folds) {
      expect(f.nTrain + f.nValid).toBe(600);
      expect(f.metrics.auc).toBeGreaterThan(0.8);
    }
    expect(r.mean.auc).toBeCloseTo(r.folds.reduce((s, f) => s + f.metrics.auc!, 0) / 4, 12);
    expect(r.pooled).toEqual(metricsOf('binary', d.y, r.oof));
    expect(r.importance[0]).toBe(Math.max(...r.importance));
    expect(r.fitMsSum).toBeGreaterThan(0);
  });

  it('uses given fold ids and is deterministic', async () => {
    const d = synth(300, 2, 'binary');
    const folds = Int32Array.from({ length: 300 }, (_, i) => i % 3);
    const opts = { params: { nTrees: 15, subsample: 0.8, colsampleBytree: 0.75, seed: 5 }, folds, threads: 1 };
    const a = await crossValidate(d, opts);
    const b = await crossValidate(d, opts);
    expect(Array.from(a.foldIds)).toEqual(Array.from(folds));
    expect(Array.from(a.oof)).toEqual(Array.from(b.oof));
    expect(a.mean).toEqual(b.mean);
  });

  it('K-fold regression reports RMSE and NRMSE = RMSE / mean(y)', async () => {
    const d = synth(500, 3, 'squared');
    const r = await crossValidate(d, { params: { objective: 'squared', nTrees: 60, maxDepth: 3 }, threads: 1 });
    const mean = d.y.reduce((a, b) => a + b, 0) / 500;
    expect(r.pooled.nrmse).toBeCloseTo(r.pooled.rmse! / mean, 12);
    expect(r.pooled.auc).toBeUndefined();
    expect(r.mean.rmse).toBeLessThan(0.6);
  });

  it('a pool with threads > 1 gives the same results (inline here: workers need the compiled JS)', async () => {
    const d = synth(300, 4, 'binary');
    const pool = new GbdtPool(2);
    try {
      const a = await crossValidate(d, { params: { nTrees: 10 }, pool });
      const b = await crossValidate(d, { params: { nTrees: 10 }, threads: 1 });
      expect(Array.from(a.oof)).toEqual(Array.from(b.oof));
      expect(a.threadsUsed).toBe(pool.size);
    } finally {
      await pool.close();
    }
  });
});

describe('per-fold columns (features fitted on each fold\'s training rows)', () => {
  it('columns given for every fold alike give the same CV as shared columns', async () => {
    const d = synth(600, 11, 'binary');
    const folds = stratifiedKFold(d.y, 5, { seed: 1 });
    const params = { objective: 'binary' as const, nTrees: 10, maxDepth: 3 };
    const shared = await crossValidate(d, { params, folds, threads: 1 });
    const perFold = await crossValidate({ columns: d.columns.slice(0, 2), y: d.y }, { params, folds, threads: 1, foldColumns: () => d.columns.slice(2) });
    expect(Array.from(perFold.oof)).toEqual(Array.from(shared.oof));
    expect(perFold.importance.length).toBe(4);
  });

  it('each fold trains and predicts on its own columns', async () => {
    const d = synth(500, 12, 'binary');
    const folds = stratifiedKFold(d.y, 5, { seed: 2 });
    const params = { objective: 'binary' as const, nTrees: 10, maxDepth: 3 };
    // fold 0 sees the informative column, the others pure noise: only fold 0 can score well
    const noise = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const r = await crossValidate({ columns: [noise], y: d.y }, { params, folds, threads: 1, foldColumns: (k) => [k === 0 ? d.columns[0]! : noise] });
    const auc = r.folds.map((f) => f.metrics.auc!);
    expect(auc[0]).toBeGreaterThan(0.75);
    for (const a of auc.slice(1)) expect(a).toBeLessThan(0.65);
  });
});
