import { Rng } from '../../../../src/core/rng.js';
import { describeColumns, enrichedDescription, type CategoricalDescription, type ColumnDescription } from '../../../../src/malmas/dataset/describe.js';
import { modeCount, moments, quantileSorted } from '../../../../src/malmas/dataset/stats.js';
import type { Table } from '../../../../src/malmas/dataset/table.js';

// A hand-made table of 10 rows. Reference values were worked out by hand and checked with numpy/scipy
// (std ddof=1, skew/kurtosis bias=False — the formulas of pandas Series.std / skew / kurt).
const x = [1, 2, 2, 3, 3, 3, 4, 4, 5, NaN];
const table: Table = {
  nRows: 10,
  columns: [
    { kind: 'numeric', name: 'x', values: Float64Array.from(x) },
    { kind: 'numeric', name: 'z', values: Float64Array.from([1, 2, 2, 3, 3, 3, 4, 4, 5, 5]) },
    { kind: 'categorical', name: 'c', codes: Int32Array.from([0, 1, 1, 2, 1, 0, 1, -1, 2, 1]), levels: ['a', 'b', 'c', 'unused'] },
    { kind: 'datetime', name: 'd', values: Float64Array.from([Date.UTC(2011, 0, 3), NaN, Date.UTC(2011, 0, 1), ...Array.from({ length: 7 }, (_, i) => Date.UTC(2011, 0, 2, i))]) },
    { kind: 'id', name: 'who', raw: ['p', 'q', '', 'r', 's', 't', 'u', 'v', 'w', 'x'] },
  ],
};
const y = [0, 0, 1, 0, 1, 1, 1, 0, 1, 1];

function byName(ds: readonly ColumnDescription[], name: string): ColumnDescription {
  return ds.find((d) => d.name === name)!;
}

describe('describeColumns on a hand-made table', () => {
  const ds = describeColumns(table, y);

  it('numeric: moments, outliers, distinct values, modes', () => {
    const d = byName(ds, 'x');
    if (d.kind !== 'numeric') throw new Error('numeric expected');
    // 9 values, mean 3, squared deviations sum 12 → sample var 12/8
    expect(d.missingRatio).toBeCloseTo(0.1);
    expect([d.min, d.max, d.mean]).toEqual([1, 5, 3]);
    expect(d.std).toBeCloseTo(Math.sqrt(12 / 8), 12);
    expect(d.skewness).toBeCloseTo(0, 12); // symmetric around 3
    // m2 = 12/9, m4 = 36/9: G2 = (8/(7·6))·(10·(4 / (12/9)² − 3) + 6) = −2/7 (scipy kurtosis(bias=False) agrees)
    expect(d.kurtosis).toBeCloseTo(-2 / 7, 12);
    expect(d.outlierRatio3Sigma).toBe(0);
    expect(d.nDistinct).toBe(5);
    expect(d.numModesEstimated).toBe(1);
  });

  it('numeric: target mean per quantile bin, with pandas qcut edges', () => {
    expect(byName(ds, 'x').targetBinAvg).toBeUndefined(); // 9 non-missing values: fewer than 10
    const d = byName(ds, 'z');
    // numpy quantiles of z at 0, 0.1, …, 1: 1, 1.9, 2, 2.7, 3, 3, 3.4, 4, 4.2, 5, 5 → duplicates dropped;
    // the empty bins (2, 2.7], (3, 3.4], (4, 4.2] are left out.
    expect(d.targetBinAvg).toEqual([
      { bin: '[1, 1.9]', n: 1, mean: 0 },
      { bin: '(1.9, 2]', n: 2, mean: 0.5 },
      { bin: '(2.7, 3]', n: 3, mean: 2 / 3 },
      { bin: '(3.4, 4]', n: 2, mean: 0.5 },
      { bin: '(4.2, 5]', n: 2, mean: 1 },
    ]);
  });

  it('categorical: distinct values present, most frequent first, frequencies of the non-missing', () => {
    const d = byName(ds, 'c');
    if (d.kind !== 'categorical') throw new Error('categorical expected');
    expect(d.missingRatio).toBeCloseTo(0.1);
    expect(d.nUnique).toBe(3);
    expect(d.topValues).toEqual([
      { value: 'b', count: 5, frequency: 5 / 9 },
      { value: 'a', count: 2, frequency: 2 / 9 },
      { value: 'c', count: 2, frequency: 2 / 9 },
    ]);
    expect(d.targetBinAvg).toBeUndefined(); // fewer than 10 non-missing rows
    const limited = describeColumns(table, undefined, { topValues: 1 });
    expect((byName(limited, 'c') as CategoricalDescription).topValues).toHaveLength(1);
  });

  it('datetime: ISO range; id: distinct count and examples', () => {
    const d = byName(ds, 'd');
    expect(d.kind === 'datetime' && [d.min, d.max, d.nDistinct, d.missingRatio]).toEqual(['2011-01-01T00:00:00.000Z', '2011-01-03T00:00:00.000Z', 9, 0.1]);
    const w = byName(ds, 'who');
    expect(w.kind === 'id' && [w.nUnique, w.examples, w.missingRatio]).toEqual([9, ['p', 'q', 'r'], 0.1]);
  });

  it('without y there is no targetBinAvg; with a y of the wrong length it throws', () => {
    expect(describeColumns(table).every((d) => d.targetBinAvg === undefined)).toBe(true);
    expect(() => describeColumns(table, [1, 2])).toThrow(RangeError);
  });

  it('enrichedDescription uses MALMAS key and type names', () => {
    const e = enrichedDescription(ds);
    expect(Object.keys(e)).toEqual(['x', 'z', 'c', 'd', 'who']);
    expect(e['x']).toMatchObject({ type: 'numerical', missing_ratio: 0.1, min: 1, max: 5, mean: 3, std: 1.22474, outlier_ratio_3sigma: 0, num_modes_estimated: 1 });
    expect(e['z']!['target_bin_avg']).toEqual({ '[1, 1.9]': 0, '(1.9, 2]': 0.5, '(2.7, 3]': 0.666667, '(3.4, 4]': 0.5, '(4.2, 5]': 1 });
    expect(e['c']).toEqual({ type: 'categorical', missing_ratio: 0.1, n_unique: 3, values: ['b', 'a', 'c'], value_frequencies: { b: 0.555556, a: 0.222222, c: 0.222222 } });
    expect(e['d']).toMatchObject({ type: 'datetime' });
  });
});

describe('statistics helpers', () => {
  it('outlier share beyond 3 std', () => {
    const values = Float64Array.from([...Array.from({ length: 30 }, () => 0), 100]);
    const [d] = describeColumns({ nRows: 31, columns: [{ kind: 'numeric', name: 'v', values }] });
    expect(d?.kind === 'numeric' && d.outlierRatio3Sigma).toBeCloseTo(1 / 31);
    // scipy.stats.skew / kurtosis with bias=False (= pandas skew / kurt)
    expect(d?.kind === 'numeric' && d.skewness).toBeCloseTo(5.567764362830021, 10);
    expect(d?.kind === 'numeric' && d.kurtosis).toBeCloseTo(31, 10);
  });

  it('moments of a constant or tiny column', () => {
    expect(moments([4, 4, 4, 4])).toMatchObject({ std: 0, skewness: 0, kurtosis: 0 });
    expect(moments([1, 2])).toMatchObject({ n: 2, mean: 1.5 });
    expect(Number.isNaN(moments([1, 2]).skewness)).toBe(true);
    expect(moments([NaN]).n).toBe(0);
  });

  it('quantiles interpolate linearly', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 1 / 3)).toBeCloseTo(2);
  });

  it('modeCount finds one, two and three bumps', () => {
    const rng = new Rng(11);
    const bump = (c: number, n: number): number[] => Array.from({ length: n }, () => c + rng.normal());
    expect(modeCount(bump(0, 500))).toBe(1);
    expect(modeCount([...bump(0, 400), ...bump(10, 400)])).toBe(2);
    expect(modeCount([...bump(0, 300), ...bump(10, 300), ...bump(20, 300)])).toBe(3);
    expect(modeCount([])).toBe(0);
    expect(modeCount([2, 2, 2])).toBe(1);
  });
});
