import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accuracy, logLoss, nrmse, rmse, rocAuc } from '../../../../src/malmas/model/metrics.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const benchDir = join(repoRoot, '..', 'shared', 'bench');

/** row,fold,target,pred as columns. */
function readOof(name: string): { fold: Int32Array; target: Float64Array; pred: Float64Array } {
  const path = join(benchDir, `${name}_oof_xgb_nthread1.csv`);
  if (!existsSync(path)) {
    throw new Error(`reference file ${path} is missing: these tests need the shared bench data at <repo>/../shared/bench (see shared/bench/README.md)`);
  }
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1);
  const fold = new Int32Array(lines.length);
  const target = new Float64Array(lines.length);
  const pred = new Float64Array(lines.length);
  lines.forEach((l, i) => {
    const [, f, t, p] = l.split(',');
    fold[i] = Number(f);
    target[i] = Number(t);
    pred[i] = Number(p);
  });
  return { fold, target, pred };
}

function subset<T extends Float64Array>(xs: T, fold: Int32Array, k: number): Float64Array {
  return xs.filter((_, i) => fold[i] === k);
}

/*
 * Expected values from scikit-learn 1.2.1 (Debian python3-sklearn), computed once with
 *   d = np.genfromtxt('<name>_oof_xgb_nthread1.csv', delimiter=',', names=True)
 *   roc_auc_score(d['target'], d['pred'])                       # pooled
 *   [roc_auc_score(t[f == k], p[f == k]) for k in range(5)]      # per fold
 *   accuracy_score(d['target'], (d['pred'] > 0.5).astype(int))
 * breast_cancer has 28 tied predictions, synth50k 1961, so ties are exercised.
 */
const SKLEARN = {
  breast_cancer: {
    pooled: 0.9940410126314677,
    folds: [0.9872256796593515, 0.998689813298395, 0.9933862433862434, 0.9990079365079365, 0.9956405097250168],
    accuracy: 0.9736379613356766,
  },
  synth50k: {
    pooled: 0.9946325111914119,
    folds: [0.99532158, 0.9947406199999999, 0.9952376399999999, 0.9948228, 0.9931770397270816],
    accuracy: 0.98266,
  },
} as const;

describe('rocAuc against scikit-learn on the shared XGBoost OOF predictions', () => {
  for (const name of ['breast_cancer', 'synth50k'] as const) {
    it(`${name}: pooled and per-fold AUC equal roc_auc_score to 1e-9`, () => {
      const { fold, target, pred } = readOof(name);
      const want = SKLEARN[name];
      expect(Math.abs(rocAuc(target, pred) - want.pooled)).toBeLessThan(1e-9);
      want.folds.forEach((w, k) => {
        expect(Math.abs(rocAuc(subset(target, fold, k), subset(pred, fold, k)) - w)).toBeLessThan(1e-9);
      });
      expect(accuracy(target, pred)).toBeCloseTo(want.accuracy, 12);
    });
  }
});

describe('rocAuc edge cases', () => {
  it('all scores tied gives 0.5', () => {
    expect(rocAuc([0, 1, 0, 1, 1], [3, 3, 3, 3, 3])).toBe(0.5);
  });
  it('a perfect ranking gives 1 and the reversed one 0', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
  });
  it('counts tied positive/negative pairs as one half (values checked with scikit-learn)', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([0, 1, 0, 1, 1, 0], [0.5, 0.5, 0.2, 0.9, 0.2, 0.9])).toBe(0.5);
  });
  it('is NaN with one class only, and rejects NaN scores and non-binary labels', () => {
    expect(rocAuc([1, 1, 1], [0.1, 0.2, 0.3])).toBeNaN();
    expect(() => rocAuc([0, 1], [0.1, Number.NaN])).toThrow(/NaN/);
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow(/0 or 1/);
    expect(() => rocAuc([0, 1, 1], [0.1, 0.2])).toThrow(/pair up/);
  });
});

describe('accuracy, logLoss, rmse, nrmse', () => {
  it('accuracy predicts class 1 only above 0.5 (as XGBClassifier.predict)', () => {
    expect(accuracy([0, 1, 1, 0], [0.5, 0.51, 0.9, 0.2])).toBe(1);
    expect(accuracy([1, 1], [0.5, 0.7])).toBe(0.5);
  });
  it('logLoss is the mean negative log-likelihood', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
  });
  it('rmse and nrmse = rmse / mean(y)', () => {
    const y = [2, 4, 6];
    const p = [3, 4, 4];
    const r = Math.sqrt((1 + 0 + 4) / 3);
    expect(rmse(y, p)).toBeCloseTo(r, 12);
    expect(nrmse(y, p)).toBeCloseTo(r / 4, 12);
  });
});
