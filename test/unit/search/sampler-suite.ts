/**
 * The conformance suite every sampler passes (Optuna's shared sampler test cases): values respect
 * the space for each distribution the sampler supports, nested names and constants are emitted,
 * the same seed gives the same sequence, and a suggestion is a pure function of
 * (sweep, trials, seed, trialNumber) — no hidden state between calls or objects.
 *
 * Usage: `samplerConformance('random', () => new RandomSampler())` inside a test file.
 */
import type { Method, ResolvedSweep } from '../../../src/config/types.js';
import { DISTRIBUTIONS, canonicalValue } from '../../../src/core/params.js';
import type { DistributionName, FlatParams, ParamSpec, ParamValue } from '../../../src/core/params.js';
import type { TrialRecord, TrialState } from '../../../src/core/trial.js';
import type { Sampler, SearchContext } from '../../../src/search/types.js';
import { makeSweep } from '../../helpers/sweeps.js';
import type { SpecBody } from '../../helpers/sweeps.js';

export interface ConformanceOptions {
  /** Distributions the sampler accepts (default: every one in DISTRIBUTIONS). */
  readonly distributions?: readonly DistributionName[];
  /** The sweep `method` to put in generated sweeps (default 'random'). */
  readonly method?: Method;
  /** Suggestions drawn per sequence (default 40). */
  readonly n?: number;
  /** Whether different seeds must give different sequences (false for grid, default true). */
  readonly seedSensitive?: boolean;
  /** The sampler may return null when the space is exhausted (grid). */
  readonly exhaustible?: boolean;
  /** Objective logged by finished trials of the simulated history (default: a smooth function of the numbers). */
  readonly objective?: (params: FlatParams) => number;
}

/** One example spec per distribution, chosen so every check below is meaningful. */
const EXAMPLES: Readonly<Record<DistributionName, SpecBody>> = {
  constant: { distribution: 'constant', value: { nested: [1, 'two'] } },
  categorical: { distribution: 'categorical', values: ['adam', 'sgd', 3, true, null] },
  categorical_w_probabilities: { distribution: 'categorical_w_probabilities', values: ['a', 'b', 'c'], probabilities: [0.2, 0, 0.8] },
  int_uniform: { distribution: 'int_uniform', min: -2, max: 3 },
  uniform: { distribution: 'uniform', min: -1, max: 2.5 },
  // min a multiple of q, so grid's arange points are multiples of q as well
  q_uniform: { distribution: 'q_uniform', min: 0, max: 2, q: 0.25, qIsInt: false },
  log_uniform: { distribution: 'log_uniform', min: -3, max: 1 },
  log_uniform_values: { distribution: 'log_uniform_values', min: 1e-4, max: 0.1 },
  q_log_uniform: { distribution: 'q_log_uniform', min: 0, max: 4, q: 1, qIsInt: true },
  q_log_uniform_values: { distribution: 'q_log_uniform_values', min: 2, max: 512, q: 2, qIsInt: true },
  inv_log_uniform: { distribution: 'inv_log_uniform', min: 0, max: 3 },
  inv_log_uniform_values: { distribution: 'inv_log_uniform_values', min: 0.01, max: 10 },
  normal: { distribution: 'normal', mu: 1, sigma: 2 },
  q_normal: { distribution: 'q_normal', mu: 0, sigma: 3, q: 0.5, qIsInt: false },
  log_normal: { distribution: 'log_normal', mu: 0, sigma: 1 },
  q_log_normal: { distribution: 'q_log_normal', mu: 2, sigma: 0.5, q: 1, qIsInt: true },
  beta: { distribution: 'beta', a: 0.5, b: 2 },
  q_beta: { distribution: 'q_beta', a: 2, b: 2, q: 0.1, qIsInt: false },
};

const REL = 1e-9;

function isMultiple(v: number, q: number): boolean {
  const k = v / q;
  return Math.abs(k - Math.round(k)) <= 1e-7 * Math.max(1, Math.abs(k));
}

function within(v: number, lo: number, hi: number): boolean {
  const tol = REL * Math.max(1, Math.abs(lo), Math.abs(hi));
  return v >= lo - tol && v <= hi + tol;
}

/** Why `v` is not a value `spec` can produce, or undefined when it is. */
export function violation(spec: ParamSpec, v: ParamValue | undefined): string | undefined {
  if (v === undefined) return 'missing';
  if (spec.distribution === 'constant') return canonicalValue(v) === canonicalValue(spec.value) ? undefined : 'not the constant';
  if (spec.distribution === 'categorical' || spec.distribution === 'categorical_w_probabilities') {
    const allowed = spec.values.filter((_, i) => spec.distribution === 'categorical' || spec.probabilities[i]! > 0).map(canonicalValue);
    return allowed.includes(canonicalValue(v)) ? undefined : 'not one of the values (with positive probability)';
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'not a finite number';
  const q = 'q' in spec ? spec.q : undefined;
  if (q !== undefined) {
    if (!isMultiple(v, q)) return `not a multiple of q=${q}`;
    if ('qIsInt' in spec && spec.qIsInt && !Number.isInteger(v)) return 'not an integer although q is';
  }
  // quantized values may land up to q/2 outside the continuous range (W&B rounds without clipping)
  const slack = q === undefined ? 0 : q / 2;
  switch (spec.distribution) {
    case 'int_uniform':
      return Number.isInteger(v) && v >= spec.min && v <= spec.max ? undefined : 'not an integer in [min, max]';
    case 'uniform':
    case 'q_uniform':
      return within(v, spec.min - slack, spec.max + slack) ? undefined : 'outside [min, max]';
    case 'log_uniform':
    case 'q_log_uniform':
      return within(v, Math.exp(spec.min) - slack, Math.exp(spec.max) + slack) ? undefined : 'outside [e^min, e^max]';
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return within(v, spec.min - slack, spec.max + slack) ? undefined : 'outside [min, max]';
    case 'inv_log_uniform':
      return within(v, Math.exp(-spec.max), Math.exp(-spec.min)) ? undefined : 'outside [e^-max, e^-min]';
    case 'normal':
    case 'q_normal':
      return undefined;
    case 'log_normal':
      return v > 0 ? undefined : 'not positive';
    case 'q_log_normal':
      return v >= 0 ? undefined : 'negative';
    case 'beta':
    case 'q_beta':
      return within(v, 0 - slack, 1 + slack) ? undefined : 'outside [0, 1]';
  }
}

function defaultObjective(params: FlatParams): number {
  let s = 0;
  for (const v of Object.values(params)) {
    if (typeof v === 'number') s += Math.tanh(v);
    else if (typeof v === 'string') s += v.length / 10;
    else if (typeof v === 'boolean') s += v ? 0.3 : 0;
  }
  return s;
}

/** Trial states of the simulated history: mostly finished, with failed/stopped mixed in. */
function stateOf(t: number): TrialState {
  return t % 7 === 5 ? 'failed' : t % 11 === 4 ? 'stopped' : 'finished';
}

/**
 * Run a sampler over `n` trials, each suggested from the history so far, as the coordinator does
 * (every trial number once, in order). `make` is called once unless `fresh` (a new object per call).
 */
function runSequence(make: (sweep: ResolvedSweep) => Sampler, sweep: ResolvedSweep, seed: number, n: number, objective: (p: FlatParams) => number, fresh = false): Array<FlatParams | null> {
  let sampler = make(sweep);
  const trials: TrialRecord[] = [];
  const out: Array<FlatParams | null> = [];
  for (let t = 0; t < n; t++) {
    if (fresh) sampler = make(sweep);
    const s = sampler.suggest({ sweep, trials, seed, trialNumber: t });
    out.push(s === null ? null : s.params);
    if (s === null) break;
    const state = stateOf(t);
    const value = objective(s.params);
    trials.push({ number: t, params: s.params, state, metricHistory: state === 'failed' ? [] : [value, value - 0.01] });
  }
  return out;
}

export function samplerConformance(name: string, make: (sweep: ResolvedSweep) => Sampler, opts: ConformanceOptions = {}): void {
  const distributions = opts.distributions ?? DISTRIBUTIONS;
  const method = opts.method ?? 'random';
  const n = opts.n ?? 40;
  const objective = opts.objective ?? defaultObjective;
  const seedSensitive = opts.seedSensitive ?? true;

  /** Every supported distribution once, plus a nested group and a name that needs nesting. */
  function fullSweep(): ResolvedSweep {
    const parameters: Record<string, SpecBody> = {};
    for (const d of distributions) parameters[`p_${d}`] = EXAMPLES[d];
    if (distributions.includes('int_uniform')) parameters['model.depth'] = { distribution: 'int_uniform', min: 1, max: 4 };
    if (distributions.includes('categorical')) parameters['model.act'] = { distribution: 'categorical', values: ['relu', 'gelu'] };
    if (distributions.includes('constant')) parameters['model.opt.name'] = { distribution: 'constant', value: 'adam' };
    return makeSweep({ method, parameters });
  }

  describe(`sampler conformance: ${name}`, () => {
    const sweep = fullSweep();

    it('emits every parameter, nested names and constants included, each within its space', () => {
      const seq = runSequence(make, sweep, 7, n, objective);
      expect(seq.length).toBeGreaterThan(0);
      expect(seq[0]).not.toBeNull();
      const problems: string[] = [];
      for (const params of seq) {
        if (params === null) {
          if (opts.exhaustible !== true) problems.push('returned null although the space is not exhaustible');
          continue;
        }
        for (const spec of sweep.parameters) {
          const why = violation(spec, params[spec.name]);
          if (why !== undefined) problems.push(`${spec.name} (${spec.distribution}) = ${JSON.stringify(params[spec.name])}: ${why}`);
        }
        const extra = Object.keys(params).filter((k) => !sweep.parameters.some((s) => s.name === k));
        if (extra.length > 0) problems.push(`unknown keys ${extra.join(', ')}`);
      }
      expect(problems).toEqual([]);
    });

    for (const d of distributions) {
      it(`respects the space of a lone ${d} parameter`, () => {
        // alone, with a searchable companion when the distribution is a constant (some samplers need one)
        const parameters: Record<string, SpecBody> = { x: EXAMPLES[d] };
        if (d === 'constant') parameters['y'] = distributions.includes('int_uniform') ? EXAMPLES.int_uniform : EXAMPLES.categorical;
        const single = makeSweep({ method, parameters });
        const seq = runSequence(make, single, 3, Math.min(n, 25), objective);
        const spec = single.parameters.find((s) => s.name === 'x')!;
        const bad = seq.filter((p): p is FlatParams => p !== null).filter((p) => violation(spec, p['x']) !== undefined);
        expect(bad).toEqual([]);
        expect(seq[0]).not.toBeNull();
      });
    }

    it('gives the same sequence for the same seed', () => {
      expect(runSequence(make, sweep, 42, n, objective)).toEqual(runSequence(make, sweep, 42, n, objective));
    });

    if (seedSensitive) {
      it('gives different sequences for different seeds', () => {
        expect(runSequence(make, sweep, 1, n, objective)).not.toEqual(runSequence(make, sweep, 2, n, objective));
      });
    }

    it('is a pure function of (sweep, trials, seed, trialNumber): no hidden state', () => {
      const oneObject = runSequence(make, sweep, 11, n, objective);
      expect(runSequence(make, sweep, 11, n, objective, true)).toEqual(oneObject);

      // a history with pending trials too; repeated and interleaved calls must not matter
      const history: TrialRecord[] = oneObject
        .filter((p): p is FlatParams => p !== null)
        .slice(0, Math.min(12, n))
        .map((params, i) => ({ number: i, params, state: i === 10 ? 'running' : i === 11 ? 'queued' : stateOf(i), metricHistory: i >= 10 ? [] : [objective(params)] }));
      const ctx: SearchContext = { sweep, trials: history, seed: 5, trialNumber: history.length };
      const a = make(sweep);
      const first = a.suggest(ctx);
      a.suggest({ ...ctx, seed: 6, trialNumber: ctx.trialNumber + 3 });
      expect(a.suggest(ctx)).toEqual(first);
      expect(make(sweep).suggest(ctx)).toEqual(first);
    });

    if (opts.exhaustible === true) {
      it('visits every point of a small space once, then returns null', () => {
        const parameters: Record<string, SpecBody> = { a: { distribution: 'categorical', values: ['x', 'y', 'z'] } };
        if (distributions.includes('int_uniform')) parameters['b.c'] = { distribution: 'int_uniform', min: 0, max: 1 };
        const small = makeSweep({ method, parameters });
        const seq = runSequence(make, small, 0, 20, objective);
        const points = seq.filter((p): p is FlatParams => p !== null);
        expect(seq[seq.length - 1]).toBeNull();
        const keys = points.map((p) => JSON.stringify(p));
        expect(new Set(keys).size).toBe(keys.length);
        expect(points).toHaveLength(distributions.includes('int_uniform') ? 6 : 3);
      });
    }

    it('does not mutate the sweep or the trials it is given', () => {
      const snapshot = JSON.stringify(sweep);
      const trials: TrialRecord[] = [];
      const sampler = make(sweep);
      for (let t = 0; t < Math.min(n, 15); t++) {
        const s = sampler.suggest({ sweep, trials, seed: 9, trialNumber: t });
        if (s === null) break;
        const frozen = Object.freeze({ number: t, params: Object.freeze({ ...s.params }), state: 'finished' as const, metricHistory: Object.freeze([objective(s.params)]) });
        trials.push(frozen);
      }
      expect(JSON.stringify(sweep)).toBe(snapshot);
    });
  });
}
