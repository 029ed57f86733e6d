import type { FlatParams } from '../../../src/core/params.js';
import { Rng } from '../../../src/core/rng.js';
import { betaCdf, normalCdf } from '../../../src/core/special.js';
import { RandomSampler, sampleParams } from '../../../src/search/random.js';
import { makeSweep, makeTrial } from '../../helpers/sweeps.js';

const N = 2000;

const sweep = makeSweep({
  method: 'random',
  parameters: {
    cat: { distribution: 'categorical', values: ['a', 'b', 'c', 'd'] },
    wcat: { distribution: 'categorical_w_probabilities', values: [1, 2, 3], probabilities: [0.1, 0.2, 0.7] },
    int: { distribution: 'int_uniform', min: -2, max: 3 },
    uni: { distribution: 'uniform', min: -1, max: 3 },
    qu_int: { distribution: 'q_uniform', min: 0, max: 10, q: 1, qIsInt: true },
    qu_half: { distribution: 'q_uniform', min: 0, max: 2, q: 0.5, qIsInt: false },
    logv1: { distribution: 'log_uniform', min: -4, max: 1 },
    logv: { distribution: 'log_uniform_values', min: 1e-4, max: 0.1 },
    qlogv1: { distribution: 'q_log_uniform', min: 0, max: Math.log(100), q: 1, qIsInt: true },
    qlogv: { distribution: 'q_log_uniform_values', min: 1, max: 100, q: 1, qIsInt: true },
    invv1: { distribution: 'inv_log_uniform', min: 0, max: 3 },
    invv: { distribution: 'inv_log_uniform_values', min: 0.01, max: 10 },
    norm: { distribution: 'normal', mu: 1, sigma: 2 },
    qnorm: { distribution: 'q_normal', mu: 0, sigma: 3, q: 0.5, qIsInt: false },
    lnorm: { distribution: 'log_normal', mu: 0.5, sigma: 0.5 },
    qlnorm: { distribution: 'q_log_normal', mu: 1, sigma: 0.5, q: 1, qIsInt: true },
    beta: { distribution: 'beta', a: 2, b: 5 },
    beta_u: { distribution: 'beta', a: 0.5, b: 0.5 },
    qbeta: { distribution: 'q_beta', a: 2, b: 2, q: 0.1, qIsInt: false },
    'group.k': { distribution: 'constant', value: 'kept' },
  },
});

const sampler = new RandomSampler();
const draws: FlatParams[] = [];
for (let t = 0; t < N; t++) draws.push(sampler.suggest({ sweep, trials: [], seed: 1234, trialNumber: t }).params);
const col = (name: string): number[] => draws.map((d) => d[name] as number);

/** Kolmogorov–Smirnov statistic of a sample against a continuous CDF. */
function ks(xs: readonly number[], cdf: (x: number) => number): number {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, (i + 1) / s.length - f, f - i / s.length);
  }
  return d;
}
/** KS critical value at α ≈ 0.001. */
const KS_CRIT = 1.95 / Math.sqrt(N);

/** Pearson χ² statistic, and a critical value (Wilson–Hilferty, z = 3.29, α ≈ 0.0005). */
function chiSquare(xs: readonly unknown[], expected: ReadonlyMap<unknown, number>): { stat: number; crit: number; unknown: unknown[] } {
  const counts = new Map<unknown, number>();
  const unknown: unknown[] = [];
  for (const x of xs) {
    if (!expected.has(x)) unknown.push(x);
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  let stat = 0;
  for (const [k, p] of expected) {
    const e = p * xs.length;
    stat += ((counts.get(k) ?? 0) - e) ** 2 / e;
  }
  const df = expected.size - 1;
  const h = 2 / (9 * df);
  return { stat, crit: df * (1 - h + 3.29 * Math.sqrt(h)) ** 3, unknown };
}

function expectChi(xs: readonly unknown[], expected: ReadonlyMap<unknown, number>): void {
  const r = chiSquare(xs, expected);
  expect(r.unknown).toEqual([]);
  expect(r.stat).toBeLessThan(r.crit);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
}
/** Sample mean within k standard errors of mu. */
function expectMean(xs: readonly number[], mu: number, sd: number, k = 4): void {
  expect(Math.abs(mean(xs) - mu)).toBeLessThan((k * sd) / Math.sqrt(xs.length));
}
/** Sample variance within k standard errors of v (normal-ish: se ≈ v·√(2/n), widened for tails). */
function expectVariance(xs: readonly number[], v: number, k = 5): void {
  expect(Math.abs(variance(xs) - v)).toBeLessThan(k * v * Math.sqrt(2 / xs.length));
}

function isMultiple(x: number, q: number): boolean {
  return Math.abs(x / q - Math.round(x / q)) < 1e-9;
}

describe('RandomSampler: one independent draw per parameter through its ppf', () => {
  it('emits every parameter in sweep order, constants included', () => {
    expect(Object.keys(draws[0]!)).toEqual(sweep.parameters.map((s) => s.name));
    expect(draws.every((d) => d['group.k'] === 'kept')).toBe(true);
  });

  it('derives randomness from (seed, trial number) only, never from history', () => {
    const trials = [makeTrial(0, draws[0]!, 'finished', [1]), makeTrial(1, draws[1]!, 'running')];
    const a = sampler.suggest({ sweep, trials, seed: 1234, trialNumber: 5 });
    expect(a.params).toEqual(draws[5]);
    expect(a.params).toEqual(sampleParams(sweep.parameters, new Rng(1234, 'random', 5)));
    expect(new RandomSampler().suggest({ sweep, trials: [], seed: 1235, trialNumber: 5 }).params).not.toEqual(draws[5]);
  });

  it('never repeats a continuous point and never returns null', () => {
    expect(new Set(col('uni')).size).toBe(N);
  });
});

describe('random sampling: continuous distributions match their CDFs (KS, n = 2000)', () => {
  const cases: Array<[string, (x: number) => number]> = [
    ['uni', (x) => (x + 1) / 4],
    ['logv1', (x) => (Math.log(x) + 4) / 5],
    ['logv', (x) => (Math.log(x) - Math.log(1e-4)) / (Math.log(0.1) - Math.log(1e-4))],
    // ln(1/X) ~ U(0, 3)
    ['invv1', (x) => 1 - -Math.log(x) / 3],
    // ln(1/X) ~ U(ln(1/10), ln(1/0.01)): same law as log_uniform_values on [0.01, 10]
    ['invv', (x) => (Math.log(x) - Math.log(0.01)) / (Math.log(10) - Math.log(0.01))],
    ['norm', (x) => normalCdf((x - 1) / 2)],
    ['lnorm', (x) => normalCdf((Math.log(x) - 0.5) / 0.5)],
    ['beta', (x) => betaCdf(x, 2, 5)],
    ['beta_u', (x) => betaCdf(x, 0.5, 0.5)],
  ];
  for (const [name, cdf] of cases) {
    it(`${name}`, () => {
      expect(ks(col(name), cdf)).toBeLessThan(KS_CRIT);
    });
  }

  it('the KS check has power: a log-uniform sample fails against the uniform CDF', () => {
    expect(ks(col('logv'), (x) => (x - 1e-4) / (0.1 - 1e-4))).toBeGreaterThan(10 * KS_CRIT);
  });

  it('normal, log_normal and beta moments', () => {
    expectMean(col('norm'), 1, 2);
    expectVariance(col('norm'), 4);
    const lm = Math.exp(0.5 + 0.125);
    const lv = (Math.exp(0.25) - 1) * Math.exp(1 + 0.25);
    expectMean(col('lnorm'), lm, Math.sqrt(lv));
    expectVariance(col('lnorm'), lv, 8);
    const bv = 10 / (49 * 8);
    expectMean(col('beta'), 2 / 7, Math.sqrt(bv));
    expectVariance(col('beta'), bv);
  });
});

describe('random sampling: discrete distributions (χ² on frequencies)', () => {
  it('categorical is uniform over the values', () => {
    expectChi(col('cat'), new Map(['a', 'b', 'c', 'd'].map((v) => [v, 0.25])));
  });

  it('categorical_w_probabilities follows the probabilities', () => {
    expectChi(col('wcat'), new Map([[1, 0.1], [2, 0.2], [3, 0.7]]));
  });

  it('int_uniform is uniform on min..max, both ends inclusive', () => {
    expect(col('int').every(Number.isInteger)).toBe(true);
    expectChi(col('int'), new Map([-2, -1, 0, 1, 2, 3].map((v) => [v, 1 / 6])));
  });

  it('q_uniform with an int q: integers, end points with half weight (rounding of U(0,10))', () => {
    const xs = col('qu_int');
    expect(xs.every(Number.isInteger)).toBe(true);
    const expected = new Map<unknown, number>();
    for (let v = 0; v <= 10; v++) expected.set(v, v === 0 || v === 10 ? 0.05 : 0.1);
    expectChi(xs, expected);
  });

  it('q_uniform with a float q: multiples of q, not only integers', () => {
    const xs = col('qu_half');
    expect(xs.every((x) => isMultiple(x, 0.5))).toBe(true);
    expect(xs.some((x) => !Number.isInteger(x))).toBe(true);
    expectChi(xs, new Map([[0, 0.125], [0.5, 0.25], [1, 0.25], [1.5, 0.25], [2, 0.125]]));
  });
});

describe('random sampling: quantized forms', () => {
  it('q_log_uniform_values and q_log_uniform (v1) give integers with a log-uniform law', () => {
    for (const name of ['qlogv', 'qlogv1']) {
      const xs = col(name);
      expect(xs.every((x) => Number.isInteger(x) && x >= 1 && x <= 100)).toBe(true);
      // P(X ≤ 10) = P(U < 10.5) for U log-uniform on [1, 100]
      const p = Math.log(10.5) / Math.log(100);
      const phat = xs.filter((x) => x <= 10).length / N;
      expect(Math.abs(phat - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('q_normal: multiples of q with the normal mean and variance (+ q²/12)', () => {
    const xs = col('qnorm');
    expect(xs.every((x) => isMultiple(x, 0.5))).toBe(true);
    expectMean(xs, 0, 3);
    expectVariance(xs, 9 + 0.25 / 12);
  });

  it('q_log_normal: non-negative integers near the log-normal mean', () => {
    const xs = col('qlnorm');
    expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    const v = (Math.exp(0.25) - 1) * Math.exp(2 + 0.25);
    expectMean(xs, Math.exp(1.125), Math.sqrt(v + 1 / 12), 5);
  });

  it('q_beta with a float q: multiples of q in [0, 1], mean a/(a+b)', () => {
    const xs = col('qbeta');
    expect(xs.every((x) => isMultiple(x, 0.1) && x >= 0 && x <= 1)).toBe(true);
    expect(xs.some((x) => !Number.isInteger(x))).toBe(true);
    expectMean(xs, 0.5, Math.sqrt(0.05 + 0.01 / 12));
  });
});
