/**
 * Kernels of one dimension of TPE's Parzen estimator (the per-parameter part of the mixture).
 *
 * Source: optuna/samplers/_tpe/parzen_estimator.py (`_calculate_numerical_distributions`,
 * `_calculate_categorical_distributions`), Optuna 5.0.0.dev @ 1d8ce7b; reference
 * shared/reference/sweeps-semantics.md §3.4. Semantics only, own implementation.
 *
 *  - Numeric: step → bounds widened by step/2; log → centres and bounds in ln space. One kernel
 *    per observation plus a prior kernel at the centre of the bounds with σ = high − low.
 *    σ_i = max(gap to the left neighbour, gap to the right one) over the sorted centres padded with
 *    the bounds; without `considerEndpoints` (and N ≥ 2) the smallest and largest centres use only
 *    their inner gap. Magic clip: σ ∈ [(high − low)/min(100, N + 2), high − low], else [1e−12, …].
 *    Ties in the sort keep trial order (numpy's argsort leaves them unspecified).
 *  - Categorical: kernel i gives p(c) ∝ priorWeight/(N+1) + [c = c_i]; the prior kernel is uniform.
 *
 * Speed: no O(N log N) sort where O(N) does. Continuous centres under the magic clip go into
 * buckets of width σ_min (≤ 100 buckets): a gap inside a bucket is < σ_min, so it can only matter
 * through the clip, and only each bucket's first/last centre needs its true outer gap. Discrete
 * centres are sorted by counting on the grid, and their distinct (μ, σ) pairs recorded, so interval
 * masses are computed once per pair, as Optuna's `_unique_inverse_2d` does.
 */
import { LOG_SQRT_2PI, logGaussMass } from './gauss.js';
import { argsortStable, countingSort } from './sorting.js';
import type { CategoricalModel, NumericModel } from './space.js';

export interface KernelParams {
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
}

export interface NumericKernels {
  readonly kind: 'numeric';
  readonly model: NumericModel;
  /** Centres and bandwidths in the transformed space (prior kernel last). */
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
  readonly invSigma: Float64Array;
  /** Truncation bounds in the transformed space (widened by step/2 when discrete). */
  readonly lowT: number;
  readonly highT: number;
  /** Continuous: −log σ − log √(2π) − log mass(bounds); discrete: −log mass(bounds). */
  readonly logNorm: Float64Array;
  /** Discrete only: kernel → its distinct (μ, σ) pair, and each pair's first kernel. */
  readonly pairOf?: Int32Array;
  readonly pairKernel?: Int32Array;
}

export interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly nChoices: number;
  /** Observed choice per kernel; −1 for the prior kernel. */
  readonly choice: Int32Array;
  /** Probability of a kernel's own choice and of any other choice (observation kernels). */
  readonly pOwn: number;
  readonly pOther: number;
}

export type Kernels = NumericKernels | CategoricalKernels;

const EPS = 1e-12;
/** Bucketed bandwidths need range/minSigma buckets: 100 at most with the magic clip. */
const MAX_BUCKETS = 4096;

/** Bounds in the transformed space: widened by step/2 when discrete, in ln space when log. */
export function transformedBounds(m: NumericModel): [number, number] {
  const h = m.step > 0 ? m.step / 2 : 0;
  return m.log ? [Math.log(m.low - h), Math.log(m.high + h)] : [m.low - h, m.high + h];
}

export function numericKernels(m: NumericModel, obs: Float64Array, params: KernelParams): NumericKernels {
  const n = obs.length;
  const [lowT, highT] = transformedBounds(m);
  const K = n + 1;
  const discrete = m.step > 0;
  // one allocation for the four per-kernel arrays
  const buf = new Float64Array(4 * K);
  const mu = buf.subarray(0, K);
  const sigma = buf.subarray(K, 2 * K);
  const invSigma = buf.subarray(2 * K, 3 * K);
  const logNorm = buf.subarray(3 * K);
  for (let i = 0; i < n; i++) mu[i] = m.log ? Math.log(obs[i]!) : obs[i]!;
  const range = highT - lowT;
  const pairOf = discrete ? new Int32Array(K) : undefined;
  const firstKernel: number[] = [];
  if (n > 0) {
    const minSigma = params.considerMagicClip ? range / Math.min(100, n + 2) : EPS;
    const grid = discrete && !m.log ? { low: m.low, step: m.step, size: Math.round((m.high - m.low) / m.step) + 1 } : undefined;
    if (!discrete && range / minSigma <= MAX_BUCKETS) bucketBandwidths(mu.subarray(0, n), lowT, highT, params.considerEndpoints, minSigma, range, sigma);
    else {
      const [sorted, order] = grid !== undefined && grid.size <= 4 * n + 1024 ? countingSort(mu.subarray(0, n), grid) : argsortStable(mu.subarray(0, n));
      bandwidths(sorted, order, lowT, highT, params.considerEndpoints, minSigma, range, sigma);
      if (pairOf !== undefined) distinctPairs(sorted, order, sigma, pairOf, firstKernel);
    }
  }
  mu[n] = 0.5 * (lowT + highT);
  sigma[n] = range;
  if (pairOf !== undefined) {
    pairOf[n] = firstKernel.length; // the prior kernel is a pair of its own
    firstKernel.push(n);
  }
  const pairKernel = pairOf !== undefined ? Int32Array.from(firstKernel) : undefined;
  let lastSigma = NaN;
  let lastLogSigma = 0;
  for (let i = 0; i < K; i++) {
    const inv = 1 / sigma[i]!;
    invSigma[i] = inv;
    if (pairOf !== undefined && pairKernel![pairOf[i]!]! !== i) {
      logNorm[i] = logNorm[pairKernel![pairOf[i]!]!]!; // a pair's first kernel precedes the others
      continue;
    }
    const lm = logGaussMass((lowT - mu[i]!) * inv, (highT - mu[i]!) * inv);
    if (discrete) logNorm[i] = -lm;
    else {
      // clipped bandwidths repeat, and so would their logs
      if (sigma[i] !== lastSigma) {
        lastSigma = sigma[i]!;
        lastLogSigma = Math.log(lastSigma);
      }
      logNorm[i] = -lastLogSigma - LOG_SQRT_2PI - lm;
    }
  }
  return { kind: 'numeric', model: m, mu, sigma, invSigma, lowT, highT, logNorm, pairOf, pairKernel };
}

export function categoricalKernels(m: CategoricalModel, obs: Float64Array, priorWeight: number): CategoricalKernels {
  const n = obs.length;
  const C = m.nChoices;
  const choice = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) choice[i] = obs[i]!;
  choice[n] = -1;
  // Every observation row has the same sum C·pw/(N+1) + 1, so two numbers describe all of them.
  const base = n === 0 ? 0 : priorWeight / (n + 1);
  const rowSum = C * base + 1;
  return { kind: 'categorical', nChoices: C, choice, pOwn: (base + 1) / rowSum, pOther: base / rowSum };
}

/** Neighbour-distance bandwidths of the sorted centres, clipped, written to `sigmaOut[order[k]]`. */
function bandwidths(sorted: Float64Array, order: Int32Array, low: number, high: number, endpoints: boolean, minSigma: number, maxSigma: number, sigmaOut: Float64Array): void {
  const n = sorted.length;
  for (let k = 0; k < n; k++) {
    const left = sorted[k]! - (k === 0 ? low : sorted[k - 1]!);
    const right = (k === n - 1 ? high : sorted[k + 1]!) - sorted[k]!;
    let s = left > right ? left : right;
    if (!endpoints && n >= 2 && (k === 0 || k === n - 1)) s = k === 0 ? right : left;
    sigmaOut[order[k]!] = s < minSigma ? minSigma : s > maxSigma ? maxSigma : s;
  }
}

/**
 * Distinct (μ, σ) pairs: equal centres are adjacent in sorted order and a run of ties has at most
 * three distinct bandwidths (first, middle ones, last), so looking back three slots within the run
 * finds any repeat. Fills `pairOf[kernel]` and each pair's smallest kernel index.
 */
function distinctPairs(sorted: Float64Array, order: Int32Array, sigma: Float64Array, pairOf: Int32Array, firstKernel: number[]): void {
  let runStart = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (k > 0 && sorted[k] !== sorted[k - 1]) runStart = k;
    const i = order[k]!;
    let id = -1;
    for (let j = k - 1; j >= runStart && j >= k - 3; j--) {
      if (sigma[order[j]!] === sigma[i]) {
        id = pairOf[order[j]!]!;
        break;
      }
    }
    if (id < 0) {
      id = firstKernel.length;
      firstKernel.push(i);
    } else if (i < firstKernel[id]!) firstKernel[id] = i;
    pairOf[i] = id;
  }
}

/**
 * The same bandwidths as {@link bandwidths} without sorting, valid when σ_min ≥ range/MAX_BUCKETS.
 * In sorted order (ties by index) a centre's neighbours lie in its bucket unless it is the
 * bucket's first (left neighbour: the previous non-empty bucket's max) or last (right neighbour:
 * the next one's min). Gaps inside a bucket are < σ_min, so they enter max(left, right) as 0 and
 * the clip restores σ_min.
 */
function bucketBandwidths(mus: Float64Array, low: number, high: number, endpoints: boolean, minSigma: number, maxSigma: number, sigmaOut: Float64Array): void {
  const n = mus.length;
  const nb = Math.max(1, Math.ceil((high - low) / minSigma));
  const bucket = new Int32Array(n);
  const bMin = new Float64Array(nb).fill(Infinity);
  const bMax = new Float64Array(nb).fill(-Infinity);
  const bMinIdx = new Int32Array(nb); // first index holding the minimum (stable order)
  const bMaxIdx = new Int32Array(nb); // last index holding the maximum
  for (let i = 0; i < n; i++) {
    const x = mus[i]!;
    const b = Math.min(nb - 1, Math.max(0, Math.floor((x - low) / minSigma)));
    bucket[i] = b;
    if (x < bMin[b]!) {
      bMin[b] = x;
      bMinIdx[b] = i;
    }
    if (x >= bMax[b]!) {
      bMax[b] = x;
      bMaxIdx[b] = i;
    }
  }
  // the nearest value on each side outside a bucket (the bounds past the ends)
  const before = new Float64Array(nb);
  const after = new Float64Array(nb);
  let prev = low;
  let firstBucket = -1;
  for (let b = 0; b < nb; b++) {
    before[b] = prev;
    if (bMax[b]! > -Infinity) {
      prev = bMax[b]!;
      if (firstBucket < 0) firstBucket = b;
    }
  }
  let next = high;
  let lastBucket = -1;
  for (let b = nb - 1; b >= 0; b--) {
    after[b] = next;
    if (bMin[b]! < Infinity) {
      next = bMin[b]!;
      if (lastBucket < 0) lastBucket = b;
    }
  }
  for (let i = 0; i < n; i++) {
    const b = bucket[i]!;
    const x = mus[i]!;
    const first = bMinIdx[b] === i;
    const last = bMaxIdx[b] === i;
    let left = first ? x - before[b]! : 0;
    let right = last ? after[b]! - x : 0;
    if (!endpoints && n >= 2) {
      if (first && b === firstBucket) left = 0; // the smallest centre uses its inner gap only
      if (last && b === lastBucket) right = 0; // the largest likewise
    }
    const s = left > right ? left : right;
    sigmaOut[i] = s < minSigma ? minSigma : s > maxSigma ? maxSigma : s;
  }
}
