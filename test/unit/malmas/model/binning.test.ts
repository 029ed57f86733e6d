import { binOf, binTrainingRows, fitBins } from '../../../../src/malmas/model/binning.js';
import { argsortValues, SortScratch } from '../../../../src/malmas/model/sort.js';
import { Rng } from '../../../../src/core/rng.js';

describe('quantile binning', () => {
  it('gives every distinct value its own bin when there are at most maxBins of them', () => {
    const col = Float64Array.from([3, 1, 2, 3, 3, 1, 7, 2]);
    const { mapper, binned } = binTrainingRows([col], null, 256);
    expect(Array.from(mapper.cuts[0]!)).toEqual([2, 3, 7]);
    expect(mapper.nBins[0]).toBe(4);
    expect(Array.from(binned.bins[0]!)).toEqual([2, 0, 1, 2, 2, 0, 3, 1]);
    // a split after bin j means value < cuts[j]: bins are exact value classes
    for (const [v, b] of [[1, 0], [2, 1], [3, 2], [7, 3], [2.5, 1], [100, 3], [-5, 0]] as const) expect(binOf(mapper.cuts[0]!, v)).toBe(b);
  });

  it('handles constant and all-missing columns with a single bin', () => {
    const { mapper, binned } = binTrainingRows([new Float64Array(5).fill(4), new Float64Array(5).fill(Number.NaN)], null, 256);
    expect(Array.from(mapper.nBins)).toEqual([1, 1]);
    expect(Array.from(mapper.hasMissing)).toEqual([0, 1]);
    expect(Array.from(binned.bins[0]!)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(binned.bins[1]!)).toEqual([1, 1, 1, 1, 1]); // the missing code is nBins
  });

  it('fits on the given rows only and sends NaN to the missing slot', () => {
    const col = Float64Array.from([10, Number.NaN, 20, 30, 40]);
    const { mapper, binned } = binTrainingRows([col], Int32Array.from([1, 2, 4]), 256);
    expect(Array.from(mapper.cuts[0]!)).toEqual([40]);
    expect(Array.from(binned.bins[0]!)).toEqual([2, 0, 1]);
    expect(binned.codes[0]).toBe(binned.offsets[0]! + 2);
  });

  it('caps the bins at maxBins with balanced counts, and keeps a heavy value in one bin', () => {
    const rng = new Rng(1);
    const n = 10_000;
    const col = Float64Array.from({ length: n }, (_, i) => (i < 3000 ? 0 : rng.normal()));
    const mapper = fitBins([col], null, 16);
    expect(mapper.nBins[0]).toBeLessThanOrEqual(16);
    expect(mapper.nBins[0]).toBeGreaterThanOrEqual(14);
    const counts = new Array<number>(mapper.nBins[0]!).fill(0);
    for (const v of col) counts[binOf(mapper.cuts[0]!, v)]++;
    const zeroBin = binOf(mapper.cuts[0]!, 0);
    expect(counts[zeroBin]).toBeGreaterThanOrEqual(3000);
    // the other bins share the light rows equally, except the partial bin closed just before the heavy value
    const others = counts.filter((_, b) => b !== zeroBin && b !== zeroBin - 1);
    expect(Math.max(...others) / Math.min(...others)).toBeLessThan(1.1);
    expect(counts[zeroBin - 1]).toBeLessThanOrEqual(Math.max(...others));
    // cuts are strictly increasing values seen in the data
    const c = Array.from(mapper.cuts[0]!);
    c.forEach((x, i) => {
      if (i > 0) expect(x).toBeGreaterThan(c[i - 1]!);
      expect(col.includes(x)).toBe(true);
    });
  });
});

describe('radix argsort', () => {
  it('orders like a numeric sort, stably, with negatives, zeros and repeats', () => {
    const rng = new Rng(7);
    const values = Float64Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? -0 : i % 5 === 0 ? 0 : Math.round(rng.normal() * 1e3) / (i % 3 === 0 ? 1 : 1e6)));
    values[5] = 1e300;
    values[6] = -1e-300;
    const idx = Int32Array.from(values.keys());
    argsortValues(values, idx, idx.length, new SortScratch(idx.length));
    const expected = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || (Object.is(values[a], -0) ? 0 : 1) - (Object.is(values[b], -0) ? 0 : 1) || a - b);
    expect(Array.from(idx)).toEqual(expected);
  });
});
