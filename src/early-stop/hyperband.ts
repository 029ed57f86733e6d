/**
 * W&B-compatible hyperband early termination: a stateless threshold test, re-evaluated at every report.
 *
 * Source: wandb/sweeps `src/sweeps/hyperband_stopping.py` and `tests/test_hyperband_stopping.py`
 * (@ b1dfc5f, 2026-08-05), read for semantics only, no code taken; summarised in
 * shared/reference/sweeps-semantics.md §1.7 and §2.4. What follows W&B exactly:
 *  - bands: with max_iter and s, b ← b/η up to s times, stop once b < 1, keep ⌊b⌋, ascending
 *    (max_iter itself is never a band); with min_iter, ⌊min_iter·η^k⌋ for k = 0..99, the running
 *    value kept as a float; no band at all is an error;
 *  - an "iteration" is a finite logged value of the metric (not `_step`); maximize negates values;
 *  - threshold at band B: the values h[B−1] of every trial in any state (the judged one included)
 *    with at least B values, sorted ascending, at index ⌊|V|/η⌋ (W&B: ⌊r·|V|⌋ with r = 1/η);
 *  - a trial is judged only at its latest band B* ≤ L; strict (the default) compares h[B*−1],
 *    non-strict the best value of its whole history; STOP iff strictly worse than the threshold.
 * Hyperband itself: Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
 * Optimization", JMLR 2018 (arXiv:1603.06560). W&B keeps its η-geometric bands, not its brackets.
 *
 * Differences that cannot change a decision, or only in corner cases:
 *  - ⌊|V|/η⌋ is computed exactly with η read as written (its shortest decimal form). W&B's float
 *    ⌊(1/η)·|V|⌋ agrees for every integer η and e.g. 1.1, 1.5, 2.5; it is one lower for some
 *    η such as 1.3 (|V| = 39, 65, …).
 *  - Repeated bands (small η) are listed once; min_iter bands stop below 2^53.
 *  - Queued trials are judged as well as running ones (they have no values yet, so they go on).
 */
import { ConfigError } from '../core/errors.js';
import type { Violation } from '../core/errors.js';
import type { Goal, TrialRecord, TrialState } from '../core/trial.js';
import type { HyperbandSpec } from '../config/types.js';
import type { EarlyStopContext, EarlyStopRule, StopDecision } from './types.js';

/** Trials that a rule judges; every other state is already over. */
const JUDGED: ReadonlySet<TrialState> = new Set<TrialState>(['running', 'queued']);

/** Band schedule of a hyperband spec (ascending, distinct). Throws ConfigError when there is none. */
export function hyperbandBands(spec: HyperbandSpec, source = 'sweep config'): number[] {
  const fail = (path: string, message: string, value?: unknown): never => {
    const v: Violation = value === undefined ? { path, message } : { path, message, value };
    throw new ConfigError(source, [v]);
  };
  const { eta } = spec;
  if (!Number.isFinite(eta) || eta <= 1) fail('early_terminate.eta', 'must be a number greater than 1 (W&B default 3)', eta);
  const bands: number[] = [];
  if (spec.maxIter !== undefined && spec.s !== undefined) {
    const { maxIter, s } = spec;
    if (!Number.isFinite(maxIter)) fail('early_terminate.max_iter', 'must be a finite number of iterations', maxIter);
    if (!Number.isInteger(s) || s < 1) fail('early_terminate.s', 'must be a whole number of bands ≥ 1', s);
    let b = maxIter;
    for (let i = 0; i < s; i++) {
      b /= eta;
      if (b < 1) break;
      bands.push(Math.floor(b));
    }
    bands.sort((x, y) => x - y);
    if (bands.length === 0) {
      fail('early_terminate', `max_iter ${maxIter} / eta ${eta} is below 1, so there is no band; raise max_iter, lower eta, or use min_iter`, { max_iter: maxIter, s, eta });
    }
  } else if (spec.minIter !== undefined) {
    const { minIter } = spec;
    if (!Number.isFinite(minIter) || minIter < 1) fail('early_terminate.min_iter', 'must be a number of iterations ≥ 1', minIter);
    let b = minIter;
    for (let k = 0; k < 100 && b <= Number.MAX_SAFE_INTEGER; k++) {
      bands.push(Math.floor(b));
      b *= eta;
    }
  } else {
    fail('early_terminate', 'hyperband needs either max_iter and s, or min_iter', { type: spec.type });
  }
  return bands.filter((b, i) => i === 0 || b !== bands[i - 1]);
}

/** ⌊n/η⌋, exact for η as written (p/q = its shortest decimal form). */
export function cutoffIndex(n: number, eta: number): number {
  return cutoffWith(n, decimalFraction(eta));
}

interface Fraction {
  readonly p: bigint;
  readonly q: bigint;
  /** The same as numbers when both are safe integers, for the fast path. */
  readonly pn: number;
  readonly qn: number;
}

function decimalFraction(x: number): Fraction {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(x));
  if (m === null) throw new RangeError(`not a positive finite number: ${x}`);
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? '0') - frac.length;
  let p = BigInt(m[1]! + frac);
  let q = 1n;
  if (exp >= 0) p *= 10n ** BigInt(exp);
  else q = 10n ** BigInt(-exp);
  return { p, q, pn: Number(p), qn: Number(q) };
}

function cutoffWith(n: number, f: Fraction): number {
  const a = n * f.qn;
  if (Number.isSafeInteger(a) && Number.isSafeInteger(f.pn)) return (a - (a % f.pn)) / f.pn; // exact integer division
  return Number((BigInt(n) * f.q) / f.p);
}

/** The k-th (1-based) finite value of a history, or undefined when it has fewer. O(k) for clean histories. */
function nthFinite(h: readonly number[], k: number): number | undefined {
  if (h.length < k) return undefined;
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    const v = h[i]!;
    if (Number.isFinite(v) && ++seen === k) return v;
  }
  return undefined;
}

/**
 * k-th smallest of `a` (0-based), reordering `a`. Quickselect with median-of-three and a three-way
 * partition (metrics such as accuracy tie a lot); falls back to a sort if partitions stay lopsided.
 */
function selectKth(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 8;
  while (hi > lo) {
    if (budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return a[k]!;
    }
    const x = a[lo]!, y = a[(lo + hi) >>> 1]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      const v = a[i]!;
      if (v < pivot) { a[i] = a[lt]!; a[lt++] = v; i++; }
      else if (v > pivot) { a[i] = a[gt]!; a[gt--] = v; }
      else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return a[k]!;
}

/** Threshold at one band, in loss sign (smaller is better). */
interface BandThreshold {
  readonly band: number;
  /** Number of trials with a value at this band (|V|). */
  readonly count: number;
  /** ⌊count/η⌋. */
  readonly index: number;
  /** +∞ when no trial has reached the band (W&B). */
  readonly loss: number;
}

/** A band's threshold as shown to users: in the metric's own sign, undefined when nobody reached it. */
export interface BandSummary {
  readonly band: number;
  readonly count: number;
  readonly threshold?: number;
}

export class HyperbandRule implements EarlyStopRule {
  readonly bands: readonly number[];
  private readonly sign: 1 | -1;
  private readonly etaFraction: Fraction;

  constructor(
    readonly spec: HyperbandSpec,
    readonly goal: Goal = 'minimize',
    source = 'sweep config',
  ) {
    this.bands = Object.freeze(hyperbandBands(spec, source));
    this.sign = goal === 'maximize' ? -1 : 1;
    this.etaFraction = decimalFraction(spec.eta);
  }

  decide(ctx: EarlyStopContext): StopDecision {
    const trialNumber = ctx.trialNumber;
    const trial = ctx.trials.find((t) => t.number === trialNumber);
    if (trial === undefined) return { trialNumber, stop: false, explanation: `hyperband: trial ${trialNumber} is unknown → continue` };
    return this.judge(trial, ctx.trials, new Map());
  }

  /** One decision per running or queued trial, in the order given; thresholds computed once per band. */
  decideAll(ctx: Omit<EarlyStopContext, 'trialNumber'>): StopDecision[] {
    const cache = new Map<number, BandThreshold>();
    const out: StopDecision[] = [];
    for (const t of ctx.trials) if (JUDGED.has(t.state)) out.push(this.judge(t, ctx.trials, cache));
    return out;
  }

  /**
   * Thresholds now (W&B's `early_terminate_info` "Bands: 3 = …" line), for status displays: every band
   * some trial has reached, then the first band nobody has (min_iter schedules run to 2^53).
   */
  thresholds(trials: readonly TrialRecord[]): BandSummary[] {
    const out: BandSummary[] = [];
    for (const band of this.bands) {
      const th = this.threshold(trials, band);
      if (th.count === 0) {
        out.push({ band, count: 0 });
        break;
      }
      out.push({ band, count: th.count, threshold: this.sign * th.loss });
    }
    return out;
  }

  private threshold(trials: readonly TrialRecord[], band: number): BandThreshold {
    const values = new Float64Array(trials.length);
    let count = 0;
    for (const t of trials) {
      const v = nthFinite(t.metricHistory, band);
      if (v !== undefined) values[count++] = this.sign * v;
    }
    if (count === 0) return { band, count, index: 0, loss: Number.POSITIVE_INFINITY };
    const index = cutoffWith(count, this.etaFraction);
    return { band, count, index, loss: selectKth(values.subarray(0, count), index) };
  }

  private judge(trial: TrialRecord, trials: readonly TrialRecord[], cache: Map<number, BandThreshold>): StopDecision {
    const trialNumber = trial.number;
    if (!JUDGED.has(trial.state)) {
      return { trialNumber, stop: false, explanation: `hyperband: trial ${trialNumber} is not running (${trial.state}) → not judged` };
    }
    // One pass over the trial's own history: L, best so far (loss sign).
    let length = 0;
    let best = Number.POSITIVE_INFINITY;
    for (const v of trial.metricHistory) {
      if (!Number.isFinite(v)) continue;
      length++;
      if (this.sign * v < best) best = this.sign * v;
    }
    let band: number | undefined;
    for (const b of this.bands) {
      if (b > length) break;
      band = b;
    }
    if (band === undefined) {
      const first = this.bands[0]!;
      return { trialNumber, stop: false, explanation: `hyperband: not judged yet: first band is ${first}, ${length} value${length === 1 ? '' : 's'} so far → continue` };
    }
    let th = cache.get(band);
    if (th === undefined) {
      th = this.threshold(trials, band);
      cache.set(band, th);
    }
    const { strict, eta } = this.spec;
    const cond = strict ? this.sign * nthFinite(trial.metricHistory, band)! : best;
    const stop = cond > th.loss;
    const value = this.sign * cond;
    const threshold = this.sign * th.loss;
    const [vs, ts] = formatPair(value, threshold);
    const what = strict ? `value ${vs} at iteration ${band}` : `best value ${vs} over ${length} iteration${length === 1 ? '' : 's'}`;
    const verdict = stop ? 'is worse than' : cond === th.loss ? 'ties' : 'is within';
    const explanation =
      `hyperband: band ${band} (η=${eta}, ${strict ? 'strict' : 'non-strict'}): ${what} ${verdict} threshold ${ts} ` +
      `(rank ${th.index + 1} of ${th.count}, cutoff index ${th.index}) → ${stop ? 'STOP' : 'continue'}`;
    return { trialNumber, stop, band, threshold, value, explanation };
  }
}

/** Short forms of two numbers, with enough digits to tell them apart when they differ. */
function formatPair(a: number, b: number): [string, string] {
  for (let digits = 4; digits < 17; digits++) {
    const x = short(a, digits), y = short(b, digits);
    if (a === b || x !== y) return [x, y];
  }
  return [String(a), String(b)];
}

function short(x: number, digits: number): string {
  return String(Number(x.toPrecision(digits)));
}
