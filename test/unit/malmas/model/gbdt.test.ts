import { Rng } from '../../../../src/core/rng.js';
import { fitGbdt } from '../../../../src/malmas/model/gbdt.js';
import { rmse, rocAuc } from '../../../../src/malmas/model/metrics.js';
import type { Dataset } from '../../../../src/malmas/model/types.js';

/** n rows of `nFeatures` standard normals; y from `label(row)`. */
function synth(n: number, nFeatures: number, seed: number, label: (x: number[], rng: Rng) => number): Dataset {
  const rng = new Rng(seed);
  const columns = Array.from({ length: nFeatures }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: nFeatures }, () => rng.normal());
    x.forEach((v, f) => (columns[f]![i] = v));
    y[i] = label(x, rng);
  }
  return { columns, y };
}

const xorLabel = (x: number[]): number => (x[0]! * x[1]! > 0 ? 1 : 0);

describe('fitGbdt, binary log-loss', () => {
  it('learns a planted interaction y = [x0·x1 > 0] far better than chance', () => {
    const train = synth(2000, 5, 1, xorLabel);
    const test = synth(1000, 5, 2, xorLabel);
    const model = fitGbdt(train, { nTrees: 50, maxDepth: 4 });
    const auc = rocAuc(test.y, model.predict(test.columns));
    expect(auc).toBeGreaterThan(0.97);
    // the two planted features carry almost all of the gain
    const imp = model.importance('total_gain');
    const total = imp.reduce((a, b) => a + b, 0);
    expect((imp[0]! + imp[1]!) / total).toBeGreaterThan(0.9);
  });

  it('reproduces the Newton leaf weights of a single stump (XGBoost formulas, base score 0.5)', () => {
    // x < 0 ⇒ y = 0 (3 rows), x > 0 ⇒ y = 1 (5 rows): at margin 0, g = 0.5 − y, h = 0.25
    const columns = [Float64Array.from([-3, -2, -1, 1, 2, 3, 4, 5])];
    const y = Float64Array.from([0, 0, 0, 1, 1, 1, 1, 1]);
    const model = fitGbdt({ columns, y }, { nTrees: 1, maxDepth: 1, learningRate: 0.3, lambda: 1, minChildWeight: 0 });
    const tree = model.trees[0]!;
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(1); // value < 1 goes left: the cut is the first positive value
    const wLeft = (-(3 * 0.5) / (3 * 0.25 + 1)) * 0.3;
    const wRight = (-(5 * -0.5) / (5 * 0.25 + 1)) * 0.3;
    const m = model.predictMargin([Float64Array.from([-10, 0.5, 1, 10])]);
    expect(Array.from(m)).toEqual([wLeft, wLeft, wRight, wRight].map((w) => expect.closeTo(w, 12)));
    // gain without the ½ factor, as XGBoost's loss_chg
    const gain = 1.5 ** 2 / 1.75 + 2.5 ** 2 / 2.25 - 1 ** 2 / 3;
    expect(tree.gain[0]).toBeCloseTo(gain, 12);
    expect(model.baseMargin).toBe(0);
  });

  it('sends missing values the learned default way', () => {
    // x0 decides the label; where x0 is missing the label is 1 (then 0), so NaN must follow it
    for (const missingLabel of [1, 0]) {
      const rng = new Rng(3);
      const n = 600;
      const x0 = new Float64Array(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (i % 4 === 0) {
          x0[i] = Number.NaN;
          y[i] = missingLabel;
        } else {
          x0[i] = rng.normal();
          y[i] = x0[i]! > 0.3 ? 1 : 0;
        }
      }
      const model = fitGbdt({ columns: [x0], y }, { nTrees: 20, maxDepth: 2 });
      const p = model.predict([Float64Array.from([Number.NaN, -2, 2])]);
      if (missingLabel === 1) expect(p[0]).toBeGreaterThan(0.9);
      else expect(p[0]).toBeLessThan(0.1);
      expect(p[1]).toBeLessThan(0.1);
      expect(p[2]).toBeGreaterThan(0.9);
    }
  });

  it('learns a default direction even without missing training values (right, as XGBoost)', () => {
    const d = synth(300, 2, 4, (x) => (x[0]! > 0 ? 1 : 0));
    const model = fitGbdt(d, { nTrees: 1, maxDepth: 1 });
    expect(model.trees[0]!.defaultLeft[0]).toBe(0);
    const [pNaN, pHigh] = model.predictMargin([Float64Array.from([Number.NaN, 5]), Float64Array.from([0, 0])]);
    expect(pNaN).toBe(pHigh);
  });

  it('is deterministic for a seed, with row and column subsampling', () => {
    const d = synth(800, 6, 5, xorLabel);
    const params = { nTrees: 20, subsample: 0.7, colsampleBytree: 0.5, seed: 11 };
    const a = fitGbdt(d, params).predictMargin(d.columns);
    const b = fitGbdt(d, params).predictMargin(d.columns);
    const c = fitGbdt(d, { ...params, seed: 12 }).predictMargin(d.columns);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('fits on a subset of rows without looking at the others', () => {
    const d = synth(500, 3, 6, xorLabel);
    const rows = Int32Array.from({ length: 250 }, (_, i) => 2 * i);
    const poisoned: Dataset = { columns: d.columns.map((c) => c.map((v, i) => (i % 2 === 1 ? 1e6 : v))), y: d.y };
    const a = fitGbdt(d, { nTrees: 10 }, rows).predictMargin(d.columns, rows);
    const b = fitGbdt(poisoned, { nTrees: 10 }, rows).predictMargin(d.columns, rows);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('rejects bad parameters and labels with messages naming the value', () => {
    const d = synth(20, 2, 7, xorLabel);
    expect(() => fitGbdt(d, { maxDepth: -1, learningRate: 0 })).toThrow(/maxDepth = -1.*learningRate = 0/);
    expect(() => fitGbdt({ columns: d.columns, y: d.y.map((v) => v * 2) })).toThrow(/y\[\d+\] = 2/);
    expect(() => fitGbdt({ columns: [Float64Array.from([1, Infinity]), Float64Array.from([1, 2])], y: Float64Array.from([0, 1]) })).toThrow(/Infinity/);
  });
});

describe('fitGbdt, squared error', () => {
  it('reduces RMSE well below the spread of y, more with more trees', () => {
    const label = (x: number[], rng: Rng): number => 3 * x[0]! + Math.sin(2 * x[1]!) + 0.1 * rng.normal();
    const train = synth(1500, 4, 8, label);
    const test = synth(500, 4, 9, label);
    const mean = test.y.reduce((a, b) => a + b, 0) / test.y.length;
    const spread = rmse(test.y, new Float64Array(test.y.length).fill(mean));
    const few = rmse(test.y, fitGbdt(train, { objective: 'squared', nTrees: 5 }).predict(test.columns));
    const many = rmse(test.y, fitGbdt(train, { objective: 'squared', nTrees: 200 }).predict(test.columns));
    expect(few).toBeLessThan(spread);
    expect(many).toBeLessThan(few);
    expect(many).toBeLessThan(0.2 * spread);
  });

  it("starts from the mean with baseScore 'mean' and from 0.5 by default", () => {
    const d = synth(50, 1, 10, (x) => 10 + x[0]!);
    const m0 = fitGbdt(d, { objective: 'squared', nTrees: 0 });
    const m1 = fitGbdt(d, { objective: 'squared', nTrees: 0, baseScore: 'mean' });
    expect(m0.predict(d.columns)[0]).toBe(0.5);
    expect(m1.predict(d.columns)[0]).toBeCloseTo(d.y.reduce((a, b) => a + b, 0) / 50, 12);
  });
});
