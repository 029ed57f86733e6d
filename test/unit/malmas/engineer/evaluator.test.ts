/**
 * The evaluator fits every generated column on each fold's training rows only: a validation row
 * never shapes the statistic it is scored with.
 */
import { compileFeature, schemaOf } from '../../../../src/malmas/dsl/index.js';
import type { Table } from '../../../../src/malmas/dataset/index.js';
import { FoldedEvaluator } from '../../../../src/malmas/evaluator.js';
import { GbdtPool } from '../../../../src/malmas/model/index.js';

// keys a (rows 0-3), b (rows 4-7), c (rows 8-9); c's rows are both in fold 0
const key = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c'];
const x = Float64Array.from([1, 2, 3, 4, 10, 20, 30, 40, 100, 200]);
const table: Table = {
  nRows: 10,
  columns: [
    { kind: 'numeric', name: 'x', values: x },
    { kind: 'categorical', name: 'key', codes: Int32Array.from(key, (k) => 'abc'.indexOf(k)), levels: ['a', 'b', 'c'] },
  ],
};
const folds = Int32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 0, 0]);
const y = Float64Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);

describe('FoldedEvaluator', () => {
  it('a group mean for fold k comes from the rows outside fold k', async () => {
    const pool = new GbdtPool(1);
    const ev = new FoldedEvaluator({ train: table, y, folds, nFolds: 2, task: 'classification', params: { nTrees: 2 }, pool, ctx: { ordered: false, target: 'y' }, target: 'y' });
    const c = compileFeature('group_mean(x, key)', schemaOf(table), { ordered: false });
    if (!c.ok) throw new Error(c.error);
    const [f0, f1] = ev.foldValues(c.feature, 'gm');
    // fold 0 trains on rows 0, 2, 4, 6 (fold 1): a = mean(1, 3) = 2, b = mean(10, 30) = 20, c unseen
    expect(f0![1]).toBe(2);
    expect(f0![5]).toBe(20);
    expect(f0![8]).not.toBe(150);
    // fold 1 trains on rows 1, 3, 5, 7, 8, 9: a = 3, b = 30, c = 150
    expect(f1![0]).toBe(3);
    expect(f1![4]).toBe(30);
    expect(f1![8]).toBe(150);
    // fitted on every row (the held-out score's fit), the same feature is the plain group mean
    expect(c.feature.fit(table).apply(table, 'gm').kind).toBe('numeric');
    await pool.close();
  });
});
