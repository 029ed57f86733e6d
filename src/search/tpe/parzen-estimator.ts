/**
 * TPE's Parzen estimator: a mixture of product kernels (truncated normal / categorical), one
 * component index shared by all dimensions.
 *
 * Source: optuna/samplers/_tpe/parzen_estimator.py and probability_distributions.py
 * (`_MixtureOfProductDistribution.sample`, `.log_pdf`), Optuna 5.0.0.dev @ 1d8ce7b; reference
 * shared/reference/sweeps-semantics.md §3.4. Semantics only, own implementation. Kernels: kernels.ts.
 *
 *  - Mixture weights: weights(N) for the N observations (oldest first) and `priorWeight` for the
 *    prior kernel, normalised; with N = 0 only the prior remains.
 *  - Density, all in log space: continuous, log φ(z) − log σ − log mass(bounds) (no Jacobian for
 *    log parameters: it cancels in l/g); discrete, log mass([x − step/2, x + step/2]) (edges in ln
 *    space for log) − log mass(bounds); categorical, log p_i(c). Mixture by log-sum-exp.
 *  - Sampling: a component by weight, then per dimension its truncated normal by inverse CDF
 *    (exp() for log, stepped values snapped to low + round((x − low)/step)·step within [low, high])
 *    or the component's categorical row by inverse CDF.
 *
 * Speed, without changing results beyond rounding: the multi-dimensional density is log-pdf.ts's
 * single streamed pass (terms more than 40 nats below the running maximum are not exponentiated);
 * discrete masses are computed once per distinct (μ, σ) pair and sample value; one-dimensional
 * estimators (independent TPE) sum their kernels per choice (categorical) or per pair (discrete) in
 * advance, or stream over the kernels without an intermediate array (continuous).
 */
import type { Rng } from '../../core/rng.js';
import { expNonPositive, logGaussMass, truncNormPpf } from './gauss.js';
import { categoricalKernels, numericKernels } from './kernels.js';
import { LSE_CUTOFF, mixtureLogPdf } from './log-pdf.js';
import type { CategoricalKernels, KernelParams, Kernels, NumericKernels } from './kernels.js';
import type { DimModel } from './space.js';

export interface ParzenParams extends KernelParams {
  /** Weights of n observations ordered oldest first (Optuna's `weights`). */
  readonly weights: (n: number) => ArrayLike<number>;
}

/** Normalised mixture weights of N observations and the prior kernel (last), and their logs. */
export interface MixtureWeights {
  readonly weights: Float64Array;
  readonly logWeights: Float64Array;
}

/**
 * [weights(N)…, priorWeight] normalised (only the prior when N = 0). Estimators of the same
 * suggestion share it (pass it to the constructor) rather than recomputing N logs each.
 */
export function mixtureWeights(n: number, params: ParzenParams): MixtureWeights {
  const w = new Float64Array(n + 1);
  if (n === 0) w[0] = 1;
  else {
    const given = params.weights(n);
    for (let i = 0; i < n; i++) w[i] = given[i]!;
    w[n] = params.priorWeight;
  }
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i]! >= 0 && Number.isFinite(w[i]!))) throw new RangeError(`weights must be finite and non-negative, got ${w[i]} for n = ${n}`);
    total += w[i]!;
  }
  if (!(total > 0)) throw new RangeError(`weights must not all be zero (n = ${n})`);
  const lw = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    w[i] = w[i]! / total;
    lw[i] = Math.log(w[i]!);
  }
  return { weights: w, logWeights: lw };
}

export class ParzenEstimator {
  readonly nKernels: number;
  /** Normalised mixture weights, prior kernel last. */
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly dims: Kernels[];
  /** One categorical dimension: log density per choice. */
  private readonly choiceLogPdf?: Float64Array;
  /** One discrete dimension: log of the summed weights of each (μ, σ) pair. */
  private readonly pairLogWeight?: Float64Array;
  /** One continuous dimension: log weight + log normaliser per kernel. */
  private readonly kernelBase?: Float64Array;

  /**
   * @param models one per dimension
   * @param observations one column per dimension of internal (untransformed) values, all of
   *   length N, oldest first
   */
  constructor(models: readonly DimModel[], observations: readonly Float64Array[], params: ParzenParams, mixture?: MixtureWeights) {
    if (!(params.priorWeight >= 0)) throw new RangeError(`priorWeight must be non-negative, got ${params.priorWeight}`);
    const n = observations.length > 0 ? observations[0]!.length : 0;
    this.nKernels = n + 1;
    const { weights, logWeights } = mixture !== undefined && mixture.weights.length === n + 1 ? mixture : mixtureWeights(n, params);
    this.weights = weights;
    this.logWeights = logWeights;
    this.dims = models.map((m, d) => (m.kind === 'categorical' ? categoricalKernels(m, observations[d]!, params.priorWeight) : numericKernels(m, observations[d]!, params)));
    const only = this.dims.length === 1 ? this.dims[0]! : undefined;
    if (only?.kind === 'categorical') this.choiceLogPdf = choiceLogPdf(only, weights);
    else if (only?.kind === 'numeric' && only.pairOf !== undefined) this.pairLogWeight = pairLogWeight(only, weights);
    else if (only?.kind === 'numeric') this.kernelBase = logWeights.map((lw, i) => lw + only.logNorm[i]!);
  }

  /** `size` draws; one Float64Array of internal values per dimension. */
  sample(rng: Rng, size: number): Float64Array[] {
    const out = this.dims.map(() => new Float64Array(size));
    const cum = new Float64Array(this.nKernels);
    let acc = 0;
    for (let i = 0; i < cum.length; i++) cum[i] = acc += this.weights[i]!;
    for (let s = 0; s < size; s++) {
      const c = pickComponent(cum, rng.random() * acc);
      for (let d = 0; d < this.dims.length; d++) {
        const kd = this.dims[d]!;
        out[d]![s] = kd.kind === 'categorical' ? sampleCategorical(kd, c, rng.random()) : sampleNumeric(kd, c, rng.random());
      }
    }
    return out;
  }

  /** log density of each sample (columns as returned by {@link sample}). */
  logPdf(samples: readonly Float64Array[]): Float64Array {
    const size = samples.length > 0 ? samples[0]!.length : 0;
    const out = new Float64Array(size);
    if (this.choiceLogPdf !== undefined) {
      for (let s = 0; s < size; s++) out[s] = this.choiceLogPdf[samples[0]![s]!] ?? -Infinity;
      return out;
    }
    if (this.kernelBase !== undefined) {
      for (let s = 0; s < size; s++) out[s] = continuousLogPdf(this.dims[0] as NumericKernels, this.kernelBase, samples[0]![s]!);
      return out;
    }
    const memo = this.dims.map(() => new Map<number, Float64Array>());
    if (this.pairLogWeight !== undefined) {
      const kd = this.dims[0] as NumericKernels;
      for (let s = 0; s < size; s++) out[s] = logSumExp(pairLogPdf(kd, samples[0]![s]!, memo[0]!), this.pairLogWeight);
      return out;
    }
    return mixtureLogPdf(this.dims, this.logWeights, samples, (kd, d, x) => pairLogPdf(kd, x, memo[d]!));
  }
}

/** log Σ exp(v_i [+ offset_i]), skipping terms more than {@link LSE_CUTOFF} below the largest. */
function logSumExp(v: Float64Array, offset?: Float64Array): number {
  const n = v.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = offset === undefined ? v[i]! : v[i]! + offset[i]!;
    if (x > max) max = x;
  }
  if (max === -Infinity || Number.isNaN(max)) return max;
  const floor = max - LSE_CUTOFF;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = offset === undefined ? v[i]! : v[i]! + offset[i]!;
    if (x > floor) sum += expNonPositive(x - max);
  }
  return max + Math.log(sum);
}

/** One continuous dimension: streamed log-sum-exp of base_i − z_i²/2, no intermediate array. */
function continuousLogPdf(kd: NumericKernels, base: Float64Array, x: number): number {
  const xt = kd.model.log ? Math.log(x) : x;
  if (!(xt >= kd.lowT && xt <= kd.highT)) return -Infinity;
  const mu = kd.mu;
  const inv = kd.invSigma;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    const z = (xt - mu[i]!) * inv[i]!;
    const v = base[i]! - 0.5 * z * z;
    if (v > max) {
      sum = (max === -Infinity ? 0 : sum * expNonPositive(max - v)) + 1;
      max = v;
    } else if (v > max - LSE_CUTOFF) sum += expNonPositive(v - max);
  }
  return max === -Infinity ? max : max + Math.log(sum);
}

function choiceLogPdf(kd: CategoricalKernels, w: Float64Array): Float64Array {
  const C = kd.nChoices;
  const byChoice = new Float64Array(C);
  let prior = 0;
  let observed = 0;
  for (let i = 0; i < kd.choice.length; i++) {
    const c = kd.choice[i]!;
    if (c < 0) prior += w[i]!;
    else {
      observed += w[i]!;
      byChoice[c] = byChoice[c]! + w[i]!;
    }
  }
  const out = new Float64Array(C);
  for (let c = 0; c < C; c++) out[c] = Math.log(prior / C + kd.pOther * observed + (kd.pOwn - kd.pOther) * byChoice[c]!);
  return out;
}

function pairLogWeight(kd: NumericKernels, w: Float64Array): Float64Array {
  const sums = new Float64Array(kd.pairKernel!.length);
  for (let i = 0; i < w.length; i++) sums[kd.pairOf![i]!] = sums[kd.pairOf![i]!]! + w[i]!;
  return sums.map(Math.log);
}

/** Per (μ, σ) pair: log mass of [x − step/2, x + step/2] − log mass(bounds); memoised by x (do not modify). */
function pairLogPdf(kd: NumericKernels, x: number, memo: Map<number, Float64Array>): Float64Array {
  let perPair = memo.get(x);
  if (perPair === undefined) {
    const m = kd.model;
    const h = m.step / 2;
    const left = m.log ? Math.log(x - h) : x - h;
    const right = m.log ? Math.log(x + h) : x + h;
    const reps = kd.pairKernel!;
    perPair = new Float64Array(reps.length);
    for (let p = 0; p < reps.length; p++) {
      const i = reps[p]!;
      const mu = kd.mu[i]!;
      const inv = kd.invSigma[i]!;
      perPair[p] = kd.logNorm[i]! + logGaussMass((left - mu) * inv, (right - mu) * inv);
    }
    memo.set(x, perPair);
  }
  return perPair;
}

function pickComponent(cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function sampleCategorical(kd: CategoricalKernels, c: number, u: number): number {
  const C = kd.nChoices;
  const own = kd.choice[c]!;
  // the first choice whose cumulative probability reaches u; the last one absorbs rounding
  let acc = 0;
  for (let j = 0; j < C - 1; j++) {
    acc += own < 0 ? 1 / C : j === own ? kd.pOwn : kd.pOther;
    if (acc >= u) return j;
  }
  return C - 1;
}

function sampleNumeric(kd: NumericKernels, c: number, u: number): number {
  const mu = kd.mu[c]!;
  const inv = kd.invSigma[c]!;
  let x = truncNormPpf(u, (kd.lowT - mu) * inv, (kd.highT - mu) * inv) * kd.sigma[c]! + mu;
  const m = kd.model;
  if (m.log) x = Math.exp(x);
  if (m.step > 0) x = m.low + Math.round((x - m.low) / m.step) * m.step;
  // continuous values only move by rounding (exp∘log), stepped ones by the snap
  return x < m.low ? m.low : x > m.high ? m.high : x;
}
