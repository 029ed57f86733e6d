import { FFError } from '../../../../src/core/errors.js';
import { Rng } from '../../../../src/core/rng.js';
import { parseCsv } from '../../../../src/malmas/dataset/csv.js';
import { splitTask, trainTestSplit } from '../../../../src/malmas/dataset/split.js';
import { prepareTask } from '../../../../src/malmas/dataset/target.js';
import { takeRows } from '../../../../src/malmas/dataset/table.js';

/** 0/1 labels with `pos` positives among `n`, in a seeded random order. */
function labels(n: number, pos: number, seed = 7): Float64Array {
  const ys = Array.from({ length: n }, (_, i) => (i < pos ? 1 : 0));
  return Float64Array.from(new Rng(seed).shuffle(ys));
}

function count(y: ArrayLike<number>, idx: ArrayLike<number>, v: number): number {
  let c = 0;
  for (let k = 0; k < idx.length; k++) if (y[idx[k]!] === v) c++;
  return c;
}

describe('trainTestSplit', () => {
  it('holds out ceil(0.4·n) rows by default; the parts partition 0…n-1 and are sorted', () => {
    const { train, test } = trainTestSplit(101, undefined, { seed: 0 });
    expect(test.length).toBe(41);
    expect(train.length).toBe(60);
    const all = [...train, ...test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (const part of [train, test]) for (let k = 1; k < part.length; k++) expect(part[k]!).toBeGreaterThan(part[k - 1]!);
  });

  it('same seed ⇒ same split; another seed ⇒ another split', () => {
    const y = labels(200, 30);
    const a = trainTestSplit(200, y, { seed: 3, stratify: true });
    const b = trainTestSplit(200, y, { seed: 3, stratify: true });
    const c = trainTestSplit(200, y, { seed: 4, stratify: true });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it.each([
    [200, 30, 0.4],
    [768, 268, 0.4],
    [57, 11, 0.25],
    [1000, 300, 0.3],
  ])('stratified (n=%i, %i positive, test %p) keeps the class counts within one row of exact', (n, pos, testSize) => {
    const y = labels(n, pos);
    for (const seed of [0, 1, 2]) {
      const { train, test } = trainTestSplit(n, y, { seed, testSize, stratify: true });
      expect(test.length).toBe(Math.ceil(testSize * n));
      const exact = (pos * test.length) / n;
      expect(Math.abs(count(y, test, 1) - exact)).toBeLessThan(1);
      expect(count(y, train, 1) + count(y, test, 1)).toBe(pos);
    }
  });

  it('without stratification the class share drifts (so the option matters)', () => {
    const y = labels(60, 12);
    const drift = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => Math.abs(count(y, trainTestSplit(60, y, { seed }).test, 1) - 12 * 0.4));
    expect(Math.max(...drift)).toBeGreaterThanOrEqual(1);
  });

  it('stratifies any number of classes', () => {
    const y = Float64Array.from({ length: 90 }, (_, i) => i % 3);
    const { test } = trainTestSplit(90, y, { seed: 5, stratify: true });
    expect([0, 1, 2].map((v) => count(y, test, v))).toEqual([12, 12, 12]);
  });

  it('rejects a test size outside (0, 1) and a split that leaves a part empty', () => {
    expect(() => trainTestSplit(10, undefined, { seed: 0, testSize: 1 })).toThrow(FFError);
    expect(() => trainTestSplit(10, undefined, { seed: 0, testSize: 0 })).toThrow(/test size 0 is out of range/);
    expect(() => trainTestSplit(1, undefined, { seed: 0 })).toThrow(/cannot split 1 rows/);
  });
});

describe('takeRows and splitTask', () => {
  const text = `id_code,x,c,label\n${Array.from({ length: 40 }, (_, i) => `k${i},${i * 0.5},${['a', 'b', 'c'][i % 3]},${i % 4 === 0 ? 1 : 0}`).join('\n')}\n`;
  const table = parseCsv(text, 'mem.csv');

  it('takeRows subsets every column kind, keeps levels and source lines', () => {
    const sub = takeRows(table, [5, 0, 5]);
    expect(sub.nRows).toBe(3);
    const [id, x, c] = sub.columns;
    expect(id?.kind === 'id' && id.raw).toEqual(['k5', 'k0', 'k5']);
    expect(x?.kind === 'numeric' && Array.from(x.values)).toEqual([2.5, 0, 2.5]);
    expect(c?.kind === 'categorical' && [c.levels, Array.from(c.codes)]).toEqual([['a', 'b', 'c'], [2, 0, 2]]);
    expect(Array.from(sub.rowLines!)).toEqual([7, 2, 7]);
    expect(() => takeRows(table, [40])).toThrow(RangeError);
  });

  it('splitTask stratifies a classification task and aligns features with y', () => {
    const prep = prepareTask(table, { target: 'label' });
    const { train, test } = splitTask(prep, { seed: 1 });
    expect(test.y.length).toBe(16);
    expect(test.y.reduce((a, b) => a + b, 0)).toBe(4);
    expect(train.features.nRows).toBe(24);
    const x = test.features.columns.find((c) => c.name === 'x');
    for (let k = 0; k < test.rows.length; k++) {
      const i = test.rows[k]!;
      expect(x?.kind === 'numeric' && x.values[k]).toBe(i * 0.5);
      expect(test.y[k]).toBe(i % 4 === 0 ? 1 : 0);
    }
  });
});
