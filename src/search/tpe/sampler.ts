/**
 * Tree-structured Parzen Estimator sampler with Optuna v5's defaults (multivariate, constant liar,
 * neighbour-distance bandwidth in every mode).
 *
 * Sources: Bergstra et al., "Algorithms for Hyper-Parameter Optimization" (NeurIPS 2011);
 * Watanabe, "Tree-Structured Parzen Estimator: Understanding Its Algorithm Components…" (2023);
 * optuna/samplers/_tpe/sampler.py, Optuna 5.0.0.dev @ 1d8ce7b (`_sample`, `_sample_relative`,
 * `sample_independent`, `infer_relative_search_space`, `_get_internal_repr`, `_compare`);
 * shared/reference/sweeps-semantics.md §3. Semantics only, own implementation.
 *
 * One suggestion:
 *  1. Startup: while #COMPLETE + #PRUNED < nStartupTrials, every parameter is drawn as W&B's random
 *     search draws it (`sample(spec, rng)`).
 *  2. Split the history into below/above (split.ts); with the constant liar, queued/running trials
 *     (other than the one being suggested) go above, which pushes l/g down around them.
 *  3. Multivariate: the relative space is the intersection of the parameters every COMPLETE/PRUNED
 *     trial holds (space.ts says when a value is "held"); one estimator of product kernels is built
 *     per set from the trials holding all of them. Parameters outside the intersection, and every
 *     parameter when `multivariate: false`, get their own one-dimensional TPE (Optuna's
 *     `sample_independent`), each from the trials that hold it.
 *  4. nEiCandidates draws from l; score = log l(x) − log g(x); the first argmax wins.
 *
 * Pure function of (sweep, trials, seed, trialNumber[, retry]): randomness comes from
 * Rng(seed, 'tpe', trialNumber[, retry]) (`suggestionSeed`); the only state kept is the derived
 * search space, cached by the identity of the (frozen) parameter list.
 */
import { FFError } from '../../core/errors.js';
import type { FlatParams, ParamSpec, ParamValue } from '../../core/params.js';
import { Rng } from '../../core/rng.js';
import type { TrialRecord } from '../../core/trial.js';
import { sample } from '../distributions.js';
import { suggestionSeed, type Sampler, type SearchContext, type Suggestion } from '../types.js';
import { ParzenEstimator, mixtureWeights } from './parzen-estimator.js';
import type { MixtureWeights, ParzenParams } from './parzen-estimator.js';
import { buildSpace } from './space.js';
import type { Dimension, TpeSpace } from './space.js';
import { defaultGamma, defaultWeights, splitTrials } from './split.js';

export interface TPEOptions {
  /** Joint (product-kernel) model over the parameters all trials share; Optuna v5 default true. */
  readonly multivariate: boolean;
  /** Pending trials count as "above" (bad) so concurrent suggestions spread out; v5 default true. */
  readonly constantLiar: boolean;
  /** Random draws until this many trials are finished or stopped (10). */
  readonly nStartupTrials: number;
  /** Candidates drawn from l(x) per suggestion (24). */
  readonly nEiCandidates: number;
  /** Size of the below set for n finished/stopped trials (min(⌈0.1·n⌉, 25)). */
  readonly gamma: (n: number) => number;
  /** Mixture weights of n observations, oldest first (Optuna's default_weights). */
  readonly weights: (n: number) => ArrayLike<number>;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
}

export const TPE_DEFAULTS: TPEOptions = Object.freeze({
  multivariate: true,
  constantLiar: true,
  nStartupTrials: 10,
  nEiCandidates: 24,
  gamma: defaultGamma,
  weights: defaultWeights,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
});

export class TPESampler implements Sampler {
  readonly options: TPEOptions;
  private readonly parzen: ParzenParams;
  private readonly spaces = new WeakMap<readonly ParamSpec[], TpeSpace>();

  constructor(options: Partial<TPEOptions> = {}) {
    const o: TPEOptions = { ...TPE_DEFAULTS, ...options };
    if (!Number.isInteger(o.nStartupTrials) || o.nStartupTrials < 0) throw new FFError('FF_USAGE', `TPE nStartupTrials must be an integer ≥ 0, got ${o.nStartupTrials}`);
    if (!Number.isInteger(o.nEiCandidates) || o.nEiCandidates < 1) throw new FFError('FF_USAGE', `TPE nEiCandidates must be an integer ≥ 1, got ${o.nEiCandidates}`);
    if (!(o.priorWeight >= 0) || !Number.isFinite(o.priorWeight)) throw new FFError('FF_USAGE', `TPE priorWeight must be a finite number ≥ 0, got ${o.priorWeight}`);
    this.options = Object.freeze(o);
    this.parzen = { priorWeight: o.priorWeight, considerMagicClip: o.considerMagicClip, considerEndpoints: o.considerEndpoints, weights: o.weights };
  }

  suggest(ctx: SearchContext): Suggestion {
    const o = this.options;
    const rng = new Rng(...suggestionSeed(ctx, 'tpe'));
    const specs = ctx.sweep.parameters;
    const space = this.space(specs);
    const goal = ctx.sweep.metric?.goal ?? 'minimize';
    const split = splitTrials(byNumber(ctx.trials), { goal, constantLiar: o.constantLiar, trialNumber: ctx.trialNumber, gamma: o.gamma });
    const counts = { nBelow: split.below.length, nAbove: split.above.length, nRunning: split.nRunning, nObserved: split.nObserved };

    if (split.nObserved < o.nStartupTrials || space.dims.length === 0) {
      const params: Record<string, ParamValue> = {};
      for (const spec of specs) params[spec.name] = sample(spec, rng);
      return { params, info: { sampler: 'tpe', phase: 'startup', ...counts } };
    }

    const dims = space.dims;
    const below = internalValues(split.below, dims);
    const above = internalValues(split.above, dims);
    const chosen = new Float64Array(dims.length);
    // estimators over sets of the same size share their mixture weights
    const weightMemo = new Map<number, MixtureWeights>();
    const weightsFor = (n: number): MixtureWeights => {
      let w = weightMemo.get(n);
      if (w === undefined) weightMemo.set(n, (w = mixtureWeights(n, this.parzen)));
      return w;
    };
    const info: Record<string, unknown> = { sampler: 'tpe', phase: 'tpe', multivariate: o.multivariate, ...counts };

    let independent = dims.map((_, d) => d);
    if (o.multivariate) {
      const rel = relativeDims(dims.length, below, above, split.above);
      if (rel.length > 0) {
        const score = this.sampleJoint(rel, dims, below, above, rng, chosen, weightsFor);
        info['score'] = score;
        independent = independent.filter((d) => !rel.includes(d));
      }
    }
    if (independent.length > 0) {
      const scores: Record<string, number> = {};
      for (const d of independent) scores[dims[d]!.spec.name] = this.sampleJoint([d], dims, below, above, rng, chosen, weightsFor);
      if (o.multivariate) info['independent'] = scores;
      else info['scores'] = scores;
    }

    const params: Record<string, ParamValue> = {};
    let d = 0;
    for (const e of space.entries) {
      if ('fixed' in e) params[e.fixed.spec.name] = e.fixed.value;
      else params[e.dim.spec.name] = e.dim.toExternal(chosen[d++]!);
    }
    return { params, info };
  }

  /**
   * TPE over the dimensions `dd` jointly: estimators from the rows of each set that hold all of
   * them, nEiCandidates draws from l, best log l − log g. Writes the winner into `chosen`.
   */
  private sampleJoint(dd: readonly number[], dims: readonly Dimension[], below: Values, above: Values, rng: Rng, chosen: Float64Array, weightsFor: (n: number) => MixtureWeights): number {
    const models = dd.map((d) => dims[d]!.model);
    const colsBelow = columns(below, dd);
    const colsAbove = columns(above, dd);
    const l = new ParzenEstimator(models, colsBelow, this.parzen, weightsFor(colsBelow[0]!.length));
    const g = new ParzenEstimator(models, colsAbove, this.parzen, weightsFor(colsAbove[0]!.length));
    const candidates = l.sample(rng, this.options.nEiCandidates);
    const ll = l.logPdf(candidates);
    const lg = g.logPdf(candidates);
    let best = 0;
    let bestScore = -Infinity;
    for (let s = 0; s < ll.length; s++) {
      const score = ll[s]! - lg[s]!;
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    dd.forEach((d, j) => (chosen[d] = candidates[j]![best]!));
    return bestScore;
  }

  private space(specs: readonly ParamSpec[]): TpeSpace {
    let s = this.spaces.get(specs);
    if (s === undefined) {
      s = buildSpace(specs);
      this.spaces.set(specs, s);
    }
    return s;
  }
}

/** Internal values of a set of trials: row-major n × D, NaN where a trial does not hold a parameter. */
interface Values {
  readonly n: number;
  readonly D: number;
  readonly v: Float64Array;
}

function internalValues(trials: readonly TrialRecord[], dims: readonly Dimension[]): Values {
  const D = dims.length;
  const v = new Float64Array(trials.length * D);
  for (let t = 0; t < trials.length; t++) {
    const params: FlatParams = trials[t]!.params;
    for (let d = 0; d < D; d++) {
      const dim = dims[d]!;
      v[t * D + d] = dim.toInternal(params[dim.spec.name]);
    }
  }
  return { n: trials.length, D, v };
}

/** Columns of `dd` over the rows that hold every one of them (Optuna's `_get_internal_repr`). */
function columns(vals: Values, dd: readonly number[]): Float64Array[] {
  const { n, D, v } = vals;
  const J = dd.length;
  const keep = new Uint8Array(n);
  let rows = 0;
  for (let t = 0; t < n; t++) {
    let ok = 1;
    for (let j = 0; j < J; j++) if (v[t * D + dd[j]!] !== v[t * D + dd[j]!]) ok = 0; // NaN: not held
    keep[t] = ok;
    rows += ok;
  }
  const cols: Float64Array[] = [];
  for (let j = 0; j < J; j++) {
    const col = new Float64Array(rows);
    const d = dd[j]!;
    for (let t = 0, r = 0; t < n; t++) if (keep[t] === 1) col[r++] = v[t * D + d]!;
    cols.push(col);
  }
  return cols;
}

/**
 * Optuna's IntersectionSearchSpace(include_pruned=True): the dimensions held by every finished or
 * stopped trial. Running trials (in the above set) do not narrow it.
 */
function relativeDims(D: number, below: Values, above: Values, aboveTrials: readonly TrialRecord[]): number[] {
  const held = new Uint8Array(D).fill(1);
  const scan = (vals: Values, skip?: (t: number) => boolean): void => {
    for (let t = 0; t < vals.n; t++) {
      if (skip !== undefined && skip(t)) continue;
      for (let d = 0; d < D; d++) if (Number.isNaN(vals.v[t * D + d]!)) held[d] = 0;
    }
  };
  scan(below);
  scan(above, (t) => {
    const s = aboveTrials[t]!.state;
    return s === 'queued' || s === 'running';
  });
  const rel: number[] = [];
  for (let d = 0; d < D; d++) if (held[d] === 1) rel.push(d);
  return rel;
}

/** The trials in number order (they normally arrive so; sorting only when they do not). */
function byNumber(trials: readonly TrialRecord[]): readonly TrialRecord[] {
  for (let i = 1; i < trials.length; i++) {
    if (trials[i]!.number < trials[i - 1]!.number) return [...trials].sort((a, b) => a.number - b.number);
  }
  return trials;
}
