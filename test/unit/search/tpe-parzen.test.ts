/**
 * TPE's Parzen estimator, checked by hand: bandwidths, magic clip, prior kernel, categorical
 * weights, truncated log-pdf against a direct computation, discrete masses, log-space stability.
 * Reference values for the Gaussian helpers come from mpmath / scipy (noted inline).
 */
import { Rng } from '../../../src/core/rng.js';
import { expNonPositive, logGaussMass, logNdtr, ndtr, truncNormPpf } from '../../../src/search/tpe/gauss.js';
import { categoricalKernels, numericKernels } from '../../../src/search/tpe/kernels.js';
import { ParzenEstimator, mixtureWeights } from '../../../src/search/tpe/parzen-estimator.js';
import type { ParzenParams } from '../../../src/search/tpe/parzen-estimator.js';
import type { NumericModel } from '../../../src/search/tpe/space.js';
import { defaultWeights } from '../../../src/search/tpe/split.js';
import { argsortStable } from '../../../src/search/tpe/sorting.js';

const PARAMS: ParzenParams = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: defaultWeights };

function expectClose(a: number, b: number, rel = 1e-12): void {
  const tol = rel * Math.max(Math.abs(b), 1e-300);
  if (!(Math.abs(a - b) <= tol)) throw new Error(`expected ${b}, got ${a}`);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);
}

const float = (low: number, high: number, log = false): NumericModel => ({ kind: 'numeric', low, high, step: 0, log });
const int = (low: number, high: number): NumericModel => ({ kind: 'numeric', low, high, step: 1, log: false });
const obs = (...xs: number[]): Float64Array => Float64Array.from(xs);

describe('Gaussian helpers (log space)', () => {
  it('log Φ matches mpmath in both tails, where Φ itself under/overflows', () => {
    expectClose(logNdtr(-40), -804.6084420137538); // Φ(−40) ≈ 1e−350 underflows
    expectClose(logNdtr(-10), -53.23128515051247);
    expectClose(logNdtr(-1), -1.8410216450092636, 1e-14);
    expectClose(logNdtr(0), Math.log(0.5), 1e-15);
    expectClose(logNdtr(5), -2.866516129637636e-7, 1e-12);
    expectClose(logNdtr(8), -6.220960574271786e-16, 1e-12);
  });

  it('log mass of an interval stays finite and accurate far in either tail', () => {
    expectClose(logGaussMass(-31, -30), -454.32124395634327);
    expectClose(logGaussMass(30, 31), -454.32124395634327); // by symmetry
    expectClose(logGaussMass(-1, 1), Math.log(0.6826894921370859), 1e-14);
    expectClose(logGaussMass(2, 2.001), -9.827693812103586, 1e-12);
    // naive Φ(b) − Φ(a) is 0 here
    expect(ndtr(-40) - ndtr(-41)).toBe(0);
    expect(Number.isFinite(logGaussMass(-41, -40))).toBe(true);
  });

  it('truncated-normal quantiles match scipy.stats.truncnorm.ppf', () => {
    expectClose(truncNormPpf(0.3, -1, 2), -0.2424038178892269, 1e-13);
    expectClose(truncNormPpf(0.9, -0.5, 0.5), 0.3938929684383988, 1e-13);
    expectClose(truncNormPpf(1e-10, -50, 0.1), -6.455354921721628, 1e-13);
    expectClose(truncNormPpf(0.999, -0.1, 40), 3.2689023176170244, 1e-13);
    expectClose(truncNormPpf(0.5, 1, 3), 1.4050542332391105, 1e-13);
    expectClose(truncNormPpf(0.2, -3, -2), -2.534528098712244, 1e-13);
  });

  it('truncated-normal quantiles invert the truncated CDF, far tails included (log-space fallback)', () => {
    const rng = new Rng(4);
    const cases: Array<[number, number]> = [[-40, -39], [38, 39.5], [-1e3, -999], [-0.3, 0.2], [-9, 30], [2, 2.5], [-60, 60]];
    for (let k = 0; k < 200; k++) {
      const a = -10 + 20 * rng.random();
      cases.push([a, a + 0.01 + 10 * rng.random()]);
    }
    for (const [a, b] of cases) {
      // (not too near the ends: there x − a is below the resolution of x and the check loses digits)
      for (const u of [1e-3, 0.01, 0.3, 0.5, 0.77, 0.999]) {
        const x = truncNormPpf(u, a, b);
        expect(x).toBeGreaterThanOrEqual(a);
        expect(x).toBeLessThanOrEqual(b);
        // F(x) = mass([a, x]) / mass([a, b]), compared in log space
        const logF = logGaussMass(a, x) - logGaussMass(a, b);
        expect(Math.abs(logF - Math.log(u))).toBeLessThan(1e-9);
      }
    }
  });

  it('the table-driven exp agrees with Math.exp to a few ulps', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 2000; i++) {
      const x = -60 * rng.random();
      expectClose(expNonPositive(x), Math.exp(x), 1e-15);
    }
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-800)).toBe(0);
  });
});

describe('numeric kernels', () => {
  it('neighbour bandwidths for 3 points, endpoints rule, magic clip, prior kernel', () => {
    // [0,10], centres 2, 3, 7: padded [0,2,3,7,10]; max gaps 2, 4, 4; without endpoints the
    // smallest uses its right gap (1), the largest its left gap (4); magic clip σ ≥ 10/min(100, 5) = 2
    const k = numericKernels(float(0, 10), obs(2, 3, 7), PARAMS);
    expect([...k.mu]).toEqual([2, 3, 7, 5]); // prior kernel last, at the centre
    expect([...k.sigma]).toEqual([2, 4, 4, 10]); // 1 clipped up to 2; prior σ = range
    const noClip = numericKernels(float(0, 10), obs(2, 3, 7), { ...PARAMS, considerMagicClip: false });
    expect([...noClip.sigma]).toEqual([1, 4, 4, 10]);
    const endpoints = numericKernels(float(0, 10), obs(2, 3, 7), { ...PARAMS, considerMagicClip: false, considerEndpoints: true });
    expect([...endpoints.sigma]).toEqual([2, 4, 4, 10]);
    // order of the observations does not matter to their own bandwidths
    const shuffled = numericKernels(float(0, 10), obs(7, 2, 3), PARAMS);
    expect([...shuffled.sigma]).toEqual([4, 2, 4, 10]);
  });

  it('one observation uses the larger distance to a bound; close points are clipped up', () => {
    expect([...numericKernels(float(0, 10), obs(2), PARAMS).sigma]).toEqual([8, 10]);
    // N = 2: σ_min = 10/4
    expect([...numericKernels(float(0, 10), obs(5, 5.1), PARAMS).sigma]).toEqual([2.5, 2.5, 10]);
    // the upper clip: σ ≤ high − low
    const wide = numericKernels(float(0, 10), obs(0, 10), { ...PARAMS, considerEndpoints: true });
    expect([...wide.sigma]).toEqual([10, 10, 10]);
  });

  it('log parameters live in ln space; discrete ones get bounds widened by step/2', () => {
    const lg = numericKernels(float(1, 100, true), obs(10), PARAMS);
    expectClose(lg.mu[0]!, Math.log(10));
    expectClose(lg.sigma[0]!, Math.log(10)); // max(ln10 − 0, ln100 − ln10)
    expectClose(lg.mu[1]!, Math.log(10)); // prior centre of [0, ln 100]
    expectClose(lg.sigma[1]!, Math.log(100));
    const d = numericKernels(int(1, 5), obs(2, 4), PARAMS);
    expect(d.lowT).toBe(0.5);
    expect(d.highT).toBe(5.5);
    expect(d.mu[2]).toBe(3);
    expect(d.sigma[2]).toBe(5);
    // padded [0.5, 2, 4, 5.5]: endpoints rule gives 2 and 2; σ_min = 5/4
    expect([...d.sigma.subarray(0, 2)]).toEqual([2, 2]);
  });

  it('bucketed bandwidths equal the sort-based rule on data with ties and clusters', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + rng.int(400);
      const xs = Float64Array.from({ length: n }, () => (rng.random() < 0.3 ? Math.round(rng.random() * 20) / 2 : rng.random() < 0.5 ? 3 + rng.random() * 0.01 : rng.random() * 10));
      for (const endpoints of [false, true]) {
        const got = numericKernels(float(0, 10), xs, { ...PARAMS, considerEndpoints: endpoints }).sigma;
        expect([...got.subarray(0, n)]).toEqual(referenceSigmas(xs, 0, 10, endpoints, 10 / Math.min(100, n + 2), 10));
      }
    }
  });

  it('argsortStable sorts and keeps ties in index order', () => {
    const keys = Float64Array.from([3, 1, 2, 1, 3, 0, 2, 1, 5, 4, 4, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const [sorted, order] = argsortStable(keys);
    const expected = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b);
    expect([...order]).toEqual(expected);
    expect([...sorted]).toEqual(expected.map((i) => keys[i]));
  });
});

/** The rule as written in Optuna's `compute_sigmas`, with a stable sort. */
function referenceSigmas(xs: Float64Array, low: number, high: number, endpoints: boolean, minSigma: number, maxSigma: number): number[] {
  const n = xs.length;
  const order = [...xs.keys()].sort((a, b) => xs[a]! - xs[b]! || a - b);
  const padded = [low, ...order.map((i) => xs[i]!), high];
  const s = order.map((_, k) => Math.max(padded[k + 1]! - padded[k]!, padded[k + 2]! - padded[k + 1]!));
  if (!endpoints && n >= 2) {
    s[0] = padded[2]! - padded[1]!;
    s[n - 1] = padded[n]! - padded[n - 1]!;
  }
  const out = new Array<number>(n);
  order.forEach((i, k) => (out[i] = Math.min(maxSigma, Math.max(minSigma, s[k]!))));
  return out;
}

describe('categorical kernels and mixture weights', () => {
  it('p_i(c) ∝ priorWeight/(N+1) + [c = c_i], prior uniform', () => {
    const k = categoricalKernels({ kind: 'categorical', nChoices: 3 }, obs(0, 0, 2), 1);
    // base 1/4, row sum 3/4 + 1: own 5/7, other 1/7
    expectClose(k.pOwn, 5 / 7);
    expectClose(k.pOther, 1 / 7);
    expect([...k.choice]).toEqual([0, 0, 2, -1]);
  });

  it('the mixture density of a categorical is the weighted average of the rows', () => {
    // weights (1,1,1,1)/4: p(0) = (5/7 + 5/7 + 1/7 + 1/3)/4 = 10/21, p(1) = 4/21, p(2) = 7/21
    const one = new ParzenEstimator([{ kind: 'categorical', nChoices: 3 }], [obs(0, 0, 2)], PARAMS);
    const lp = one.logPdf([obs(0, 1, 2)]);
    [10 / 21, 4 / 21, 7 / 21].forEach((p, c) => expectClose(lp[c]!, Math.log(p), 1e-14));
    // the same through the general (multi-dimensional) path, with a flat second dimension
    const two = new ParzenEstimator([{ kind: 'categorical', nChoices: 3 }, { kind: 'categorical', nChoices: 2 }], [obs(0, 0, 2), obs(1, 1, 1)], { ...PARAMS, priorWeight: 1 });
    const both = two.logPdf([obs(0, 1, 2), obs(1, 1, 1)]);
    // second dimension: own 3/4/(2/4+1) = 5/6 for c=1 under every observation kernel, 1/2 under the prior
    const p2 = (c: number): number => ((c === 0 ? 5 / 7 : 1 / 7) * 2 * (5 / 6) + (c === 2 ? 5 / 7 : 1 / 7) * (5 / 6) + (1 / 3) * 0.5) / 4;
    [0, 1, 2].forEach((c) => expectClose(both[c]!, Math.log(p2(c)), 1e-14));
  });

  it("weights: Optuna's default ramp for the oldest N − 25, prior weight last, normalised", () => {
    const { weights } = mixtureWeights(30, PARAMS);
    const raw = [1 / 30, 1 / 30 + (1 - 1 / 30) / 4, 1 / 30 + (2 * (1 - 1 / 30)) / 4, 1 / 30 + (3 * (1 - 1 / 30)) / 4, 1, ...Array<number>(25).fill(1), 1];
    const total = raw.reduce((a, b) => a + b, 0);
    raw.forEach((w, i) => expectClose(weights[i]!, w / total, 1e-14));
    expect([...mixtureWeights(0, PARAMS).weights]).toEqual([1]);
  });
});

describe('numeric mixture densities', () => {
  it('continuous log-pdf equals the direct truncated-normal mixture', () => {
    const model = float(-2, 3);
    const xs = obs(-1, 0.5, 0.7, 2.5);
    const pe = new ParzenEstimator([model], [xs], PARAMS);
    const k = numericKernels(model, xs, PARAMS);
    const w = mixtureWeights(4, PARAMS).weights;
    const pts = obs(-2, -1.3, 0, 0.6, 1.9, 3);
    const lp = pe.logPdf([pts]);
    pts.forEach((x, s) => {
      let p = 0;
      for (let i = 0; i < 5; i++) {
        const mu = k.mu[i]!;
        const sg = k.sigma[i]!;
        const z = (x - mu) / sg;
        p += (w[i]! * Math.exp(-0.5 * z * z)) / (sg * Math.sqrt(2 * Math.PI) * (ndtr((3 - mu) / sg) - ndtr((-2 - mu) / sg)));
      }
      expectClose(lp[s]!, Math.log(p), 1e-12);
    });
  });

  it('continuous density integrates to 1 over the bounds (log too, in ln space)', () => {
    for (const [model, xs] of [
      [float(0, 1), obs(0.1, 0.15, 0.8)],
      [float(1e-3, 10, true), obs(0.01, 0.02, 5)],
    ] as const) {
      const pe = new ParzenEstimator([model], [xs], PARAMS);
      const lo = model.log ? Math.log(model.low) : model.low;
      const hi = model.log ? Math.log(model.high) : model.high;
      const n = 20000;
      const grid = Float64Array.from({ length: n + 1 }, (_, j) => lo + ((hi - lo) * j) / n);
      // (exp∘ln may overshoot the bound by an ulp, outside the support)
      const lp = pe.logPdf([model.log ? grid.map((g) => Math.min(model.high, Math.max(model.low, Math.exp(g)))) : grid]);
      let integral = 0;
      for (let j = 0; j < n; j++) integral += ((Math.exp(lp[j]!) + Math.exp(lp[j + 1]!)) / 2) * ((hi - lo) / n);
      expect(Math.abs(integral - 1)).toBeLessThan(1e-6);
    }
  });

  it('discrete masses are Φ differences over [x ± step/2], normalised over the widened bounds', () => {
    const model = int(1, 5);
    const xs = obs(2, 4, 4);
    const pe = new ParzenEstimator([model], [xs], PARAMS);
    const k = numericKernels(model, xs, PARAMS);
    const w = mixtureWeights(3, PARAMS).weights;
    const values = obs(1, 2, 3, 4, 5);
    const lp = pe.logPdf([values]);
    let total = 0;
    values.forEach((x, s) => {
      let p = 0;
      for (let i = 0; i < 4; i++) {
        const mu = k.mu[i]!;
        const sg = k.sigma[i]!;
        p += (w[i]! * (ndtr((x + 0.5 - mu) / sg) - ndtr((x - 0.5 - mu) / sg))) / (ndtr((5.5 - mu) / sg) - ndtr((0.5 - mu) / sg));
      }
      expectClose(lp[s]!, Math.log(p), 1e-12);
      total += Math.exp(lp[s]!);
    });
    expectClose(total, 1, 1e-12);
    // the general path (two dimensions) agrees with the one-dimensional fast path
    const two = new ParzenEstimator([model, { kind: 'categorical', nChoices: 2 }], [xs, obs(0, 0, 0)], PARAMS);
    const withCat = two.logPdf([values, obs(0, 0, 0, 0, 0)]);
    const withOther = two.logPdf([values, obs(1, 1, 1, 1, 1)]);
    values.forEach((_, s) => expectClose(Math.log(Math.exp(withCat[s]!) + Math.exp(withOther[s]!)), lp[s]!, 1e-12));
  });

  it('stays finite far in the tails, where the naive mass underflows', () => {
    // 200 points piled at 1 on a 1..1000 grid: σ is clipped to 1000/100 = 10, so x = 1000 is ~100σ away
    const xs = new Float64Array(200).fill(1);
    const pe = new ParzenEstimator([int(1, 1000)], [xs], { ...PARAMS, priorWeight: 0 });
    const lp = pe.logPdf([obs(1, 500, 1000)]);
    expect(lp.every(Number.isFinite)).toBe(true);
    expect(lp[2]!).toBeLessThan(-4000);
    expect(lp[0]!).toBeGreaterThan(lp[1]!);
  });

  it('samples stay inside the bounds, on the grid for stepped dimensions, and valid for categoricals', () => {
    const models = [float(-1, 1), float(1e-5, 1e-1, true), int(1, 20), { kind: 'numeric', low: 0.5, high: 2, step: 0.25, log: false } as NumericModel, { kind: 'categorical', nChoices: 3 } as const];
    const cols = [obs(-1, 1, 0.9), obs(1e-5, 0.1, 0.001), obs(1, 20, 20), obs(0.5, 2, 1.25), obs(0, 2, 2)];
    const pe = new ParzenEstimator(models, cols, PARAMS);
    const s = pe.sample(new Rng(3), 500);
    for (let j = 0; j < 500; j++) {
      expect(Math.abs(s[0]![j]!)).toBeLessThanOrEqual(1);
      expect(s[1]![j]!).toBeGreaterThanOrEqual(1e-5);
      expect(s[1]![j]!).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(s[2]![j]!) && s[2]![j]! >= 1 && s[2]![j]! <= 20).toBe(true);
      expect(Number.isInteger((s[3]![j]! - 0.5) / 0.25) && s[3]![j]! >= 0.5 && s[3]![j]! <= 2).toBe(true);
      expect([0, 1, 2]).toContain(s[4]![j]!);
    }
    // draws follow the mixture: half the weight sits on the two kernels at 20
    const high = [...s[2]!].filter((v) => v >= 15).length;
    expect(high).toBeGreaterThan(200);
  });
});

/**
 * Reference values computed with Optuna 5.0.0.dev @ 1d8ce7b's `_ParzenEstimator` (prior_weight 1,
 * magic clip, no endpoints, default weights: N = 30 exercises the ramp) with numpy's argsort made
 * stable (numpy's default sort leaves the order of tied centres, hence which of them gets which
 * bandwidth, unspecified; we keep trial order). Space: x ∈ [−5, 5], lr log ∈ [1e−5, 0.1],
 * d int ∈ [1, 20], c categorical of 3.
 */
const OPTUNA_CASE: { obs: Record<string, number[]>; pts: Record<string, number[]>; logPdf: number[]; perDim: Record<string, number[]> } = {
  obs: {
    x: [-0.82978, 2.20324, -4.99886, -1.97667, -3.53244, -4.07661, -3.1374, -1.54439, -1.03233, 0.388167, -0.808055, 1.8522, -2.95548, 3.78117, -4.72612, 1.70468, -0.826952, 0.586898, -3.59613, -3.01899, 3.00745, 4.68262, -1.86576, 1.92323, 3.76389, 3.94607, -4.14956, -4.60945, -3.3017, 3.78143],
    lr: [2.47393e-05, 0.000483538, 0.0678513, 0.00135725, 0.00585475, 0.000182836, 0.00557191, 0.0218023, 1.18346e-05, 0.0100133, 0.0902494, 0.00983247, 0.000132366, 0.0143588, 2.58764e-05, 0.000618834, 0.0430905, 0.000149436, 0.000141612, 3.31218e-05, 1.19527e-05, 0.00519209, 7.02283e-05, 0.000115395, 0.000925321, 1.63475e-05, 0.00197911, 3.86291e-05, 0.00227626, 0.00629555],
    d: [2.0, 18.0, 14.0, 4.0, 1.0, 14.0, 7.0, 7.0, 3.0, 13.0, 12.0, 8.0, 14.0, 9.0, 12.0, 13.0, 12.0, 5.0, 8.0, 8.0, 14.0, 5.0, 17.0, 19.0, 1.0, 14.0, 11.0, 18.0, 8.0, 11.0],
    c: [0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 1.0, 0.0, 2.0, 1.0, 2.0, 0.0, 0.0, 2.0, 2.0, 2.0, 0.0, 1.0, 2.0, 2.0, 2.0, 2.0, 0.0, 2.0, 1.0, 1.0, 2.0, 0.0, 2.0],
  },
  pts: {
    x: [0.270581, 3.85942, -1.4273, 4.08535, 1.2336, -4.84179, 4.29437, 1.90897],
    lr: [0.0975644, 4.8906e-05, 3.53625e-05, 0.0537504, 0.00612735, 1.83654e-05, 0.010516, 0.0103635],
    d: [10.0, 3.0, 8.0, 6.0, 5.0, 6.0, 9.0, 14.0],
    c: [1.0, 1.0, 1.0, 0.0, 2.0, 1.0, 0.0, 0.0],
  },
  logPdf: [-6.977211470007213, -12.027274757588001, -11.885642579590161, -10.931437703970845, -10.604313870690701, -12.08395084311418, -6.449537772373785, -9.956010518299927],
  perDim: {
    x: [-3.1490277770067596, -1.8471278963670856, -2.254085477131114, -2.0692071206831626, -2.963609772316291, -1.8931584470433453, -2.3991163703760625, -2.0441384977242505],
    lr: [-2.262911622872637, -2.493782757032405, -2.0691836975450526, -2.704190673669383, -1.6311829558601347, -2.040266249315641, -1.8697618715665625, -1.8612942138177702],
    d: [-3.2861678196785338, -3.4171813157948785, -2.349938703778692, -3.209279560026812, -3.254498151361607, -3.209279560026812, -2.8937547398490895, -2.288572476567956],
    c: [-1.4634543587640965, -1.4634543587640965, -1.4634543587640965, -1.1588725453866893, -0.7880629946449713, -1.4634543587640965, -1.1588725453866893, -1.1588725453866893],
  },
};

describe('the batched multi-dimensional path', () => {
  it('matches a direct log-sum-exp over hundreds of kernels (several blocks, ramp weights)', () => {
    const rng = new Rng(11);
    const n = 300;
    const m0 = float(-5, 5);
    const m1 = float(1e-4, 1, true);
    const m2 = int(1, 20);
    const m3 = { kind: 'categorical', nChoices: 3 } as const;
    const models = [m0, m1, m2, m3];
    const cols = [
      Float64Array.from({ length: n }, () => rng.uniform(-5, 5)),
      Float64Array.from({ length: n }, () => Math.exp(rng.uniform(Math.log(1e-4), 0))),
      Float64Array.from({ length: n }, () => 1 + rng.int(20)),
      Float64Array.from({ length: n }, () => rng.int(3)),
    ];
    const pe = new ParzenEstimator(models, cols, PARAMS);
    const pts = pe.sample(new Rng(12), 24);
    const lp = pe.logPdf(pts);
    const k0 = numericKernels(m0, cols[0]!, PARAMS);
    const k1 = numericKernels(m1, cols[1]!, PARAMS);
    const k2 = numericKernels(m2, cols[2]!, PARAMS);
    const k3 = categoricalKernels(m3, cols[3]!, 1);
    const lw = mixtureWeights(n, PARAMS).logWeights;
    for (let s = 0; s < 24; s++) {
      const terms: number[] = [];
      for (let i = 0; i <= n; i++) {
        const z0 = (pts[0]![s]! - k0.mu[i]!) / k0.sigma[i]!;
        const z1 = (Math.log(pts[1]![s]!) - k1.mu[i]!) / k1.sigma[i]!;
        const x2 = pts[2]![s]!;
        const cell = logGaussMass((x2 - 0.5 - k2.mu[i]!) / k2.sigma[i]!, (x2 + 0.5 - k2.mu[i]!) / k2.sigma[i]!);
        const c = k3.choice[i]!;
        const cat = c < 0 ? -Math.log(3) : Math.log(c === pts[3]![s]! ? k3.pOwn : k3.pOther);
        terms.push(lw[i]! + k0.logNorm[i]! - 0.5 * z0 * z0 + k1.logNorm[i]! - 0.5 * z1 * z1 + k2.logNorm[i]! + cell + cat);
      }
      const m = Math.max(...terms);
      expectClose(lp[s]!, m + Math.log(terms.reduce((a, t) => a + Math.exp(t - m), 0)), 1e-13);
    }
  });
});

describe("agreement with Optuna's Parzen estimator", () => {
  const models = { x: float(-5, 5), lr: float(1e-5, 0.1, true), d: int(1, 20), c: { kind: 'categorical', nChoices: 3 } as const };
  const names = ['x', 'lr', 'd', 'c'] as const;

  it('multivariate log-pdf matches to 1e-13', () => {
    const pe = new ParzenEstimator(names.map((k) => models[k]), names.map((k) => Float64Array.from(OPTUNA_CASE.obs[k]!)), PARAMS);
    const lp = pe.logPdf(names.map((k) => Float64Array.from(OPTUNA_CASE.pts[k]!)));
    OPTUNA_CASE.logPdf.forEach((v, s) => expectClose(lp[s]!, v, 1e-13));
  });

  it('one-dimensional log-pdfs (independent TPE) match to 1e-13', () => {
    for (const k of names) {
      const pe = new ParzenEstimator([models[k]], [Float64Array.from(OPTUNA_CASE.obs[k]!)], PARAMS);
      const lp = pe.logPdf([Float64Array.from(OPTUNA_CASE.pts[k]!)]);
      OPTUNA_CASE.perDim[k]!.forEach((v, s) => expectClose(lp[s]!, v, 1e-13));
    }
  });
});
