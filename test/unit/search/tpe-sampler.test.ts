/** TPESampler end to end: startup, quality against random, constant liar, determinism, mixed spaces. */
import type { ResolvedSweep } from '../../../src/config/types.js';
import type { FlatParams } from '../../../src/core/params.js';
import type { Goal, TrialRecord } from '../../../src/core/trial.js';
import { Rng } from '../../../src/core/rng.js';
import { RandomSampler } from '../../../src/search/random.js';
import { TPESampler } from '../../../src/search/tpe/sampler.js';
import type { Sampler } from '../../../src/search/types.js';
import { makeSweep } from '../../helpers/sweeps.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Sequential optimisation: each trial finishes before the next suggestion. */
function optimise(sampler: Sampler, sweep: ResolvedSweep, f: (p: FlatParams) => number, n: number, seed: number): { trials: TrialRecord[]; infos: Array<Readonly<Record<string, unknown>> | undefined> } {
  const trials: TrialRecord[] = [];
  const infos: Array<Readonly<Record<string, unknown>> | undefined> = [];
  for (let t = 0; t < n; t++) {
    const s = sampler.suggest({ sweep, trials, seed, trialNumber: t })!;
    infos.push(s.info);
    trials.push({ number: t, params: s.params, state: 'finished', metricHistory: [f(s.params)] });
  }
  return { trials, infos };
}

const best = (trials: TrialRecord[], goal: Goal = 'minimize'): number => (goal === 'minimize' ? Math.min : Math.max)(...trials.map((t) => t.metricHistory[0]!));

const quad = makeSweep({ method: 'bayes', parameters: { x: { distribution: 'uniform', min: -5, max: 5 }, y: { distribution: 'uniform', min: -5, max: 5 } } });
const quadF = (p: FlatParams): number => ((p['x'] as number) - 1.5) ** 2 + ((p['y'] as number) + 2) ** 2;

describe('TPESampler', () => {
  it('samples at random until 10 trials are finished or stopped, then runs TPE', () => {
    const { infos } = optimise(new TPESampler(), quad, quadF, 12, 1);
    expect(infos.slice(0, 10).every((i) => i?.['phase'] === 'startup')).toBe(true);
    expect(infos[10]).toMatchObject({ sampler: 'tpe', phase: 'tpe', multivariate: true, nBelow: 1, nAbove: 9 });
    expect(typeof infos[10]?.['score']).toBe('number');
    // running and failed trials do not end the startup phase; stopped ones do
    const s = new TPESampler();
    const mk = (state: TrialRecord['state'], i: number): TrialRecord => ({ number: i, params: { x: 0, y: 0 }, state, metricHistory: state === 'failed' || state === 'running' ? [] : [1] });
    const nine = Array.from({ length: 9 }, (_, i) => mk('finished', i));
    expect(s.suggest({ sweep: quad, trials: [...nine, mk('running', 9), mk('failed', 10)], seed: 0, trialNumber: 11 }).info?.['phase']).toBe('startup');
    expect(s.suggest({ sweep: quad, trials: [...nine, mk('stopped', 9)], seed: 0, trialNumber: 10 }).info?.['phase']).toBe('tpe');
  });

  it('beats random search on a quadratic (median over seeds, both modes)', () => {
    const seeds = [1, 2, 3, 4, 5];
    const run = (make: () => Sampler): number => median(seeds.map((seed) => best(optimise(make(), quad, quadF, 50, seed).trials)));
    const random = run(() => new RandomSampler());
    const multivariate = run(() => new TPESampler());
    const independent = run(() => new TPESampler({ multivariate: false }));
    expect(multivariate).toBeLessThan(random / 2);
    expect(independent).toBeLessThan(random / 2);
    expect(multivariate).toBeLessThan(0.2);
  });

  it('maximizes when the goal says so', () => {
    const sweep = makeSweep({ method: 'bayes', metric: { name: 'acc', goal: 'maximize' }, parameters: { x: { distribution: 'uniform', min: 0, max: 1 } } });
    const f = (p: FlatParams): number => -(((p['x'] as number) - 0.8) ** 2);
    const tpe = median([1, 2, 3].map((seed) => best(optimise(new TPESampler(), sweep, f, 30, seed).trials, 'maximize')));
    const random = median([1, 2, 3].map((seed) => best(optimise(new RandomSampler(), sweep, f, 30, seed).trials, 'maximize')));
    expect(tpe).toBeGreaterThan(random);
    expect(tpe).toBeGreaterThan(-1e-3);
  });

  it('constant liar: with 5 trials running at the optimum the next suggestion moves away from them', () => {
    const sweep = makeSweep({ method: 'bayes', parameters: { x: { distribution: 'uniform', min: 0, max: 1 } } });
    const rng = new Rng(5);
    const trials: TrialRecord[] = Array.from({ length: 30 }, (_, t) => {
      const x = rng.random();
      return { number: t, params: { x }, state: 'finished', metricHistory: [(x - 0.5) ** 2] };
    });
    const running: TrialRecord[] = [0.5, 0.501, 0.499, 0.502, 0.498].map((x, i) => ({ number: 30 + i, params: { x }, state: 'running', metricHistory: [] }));
    const distances = (liar: boolean): number[] =>
      Array.from({ length: 10 }, (_, seed) => {
        const s = new TPESampler({ constantLiar: liar }).suggest({ sweep, trials: [...trials, ...running], seed, trialNumber: 35 });
        return Math.abs((s.params['x'] as number) - 0.5);
      });
    const withLiar = distances(true);
    const without = distances(false);
    expect(Math.min(...withLiar)).toBeGreaterThan(0.05);
    expect(median(without)).toBeLessThan(0.05);
  });

  it('same seed gives the same sequence; a different seed a different one', () => {
    const a = optimise(new TPESampler(), quad, quadF, 20, 9).trials.map((t) => t.params);
    const b = optimise(new TPESampler(), quad, quadF, 20, 9).trials.map((t) => t.params);
    const c = optimise(new TPESampler(), quad, quadF, 20, 10).trials.map((t) => t.params);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('handles int, log, stepped and categorical parameters and learns which values are good', () => {
    const sweep = makeSweep({
      method: 'bayes',
      parameters: {
        depth: { distribution: 'int_uniform', min: 1, max: 12 },
        lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 },
        batch: { distribution: 'q_uniform', min: 8, max: 128, q: 8, qIsInt: true },
        opt: { distribution: 'categorical', values: ['sgd', 'adam', 'rmsprop'] },
        name: { distribution: 'constant', value: 'run' },
      },
    });
    const f = (p: FlatParams): number => ((p['depth'] as number) - 9) ** 2 / 10 + (Math.log10(p['lr'] as number) + 3) ** 2 + Math.abs((p['batch'] as number) - 64) / 64 + (p['opt'] === 'adam' ? 0 : 1);
    for (const multivariate of [true, false]) {
      const { trials } = optimise(new TPESampler({ multivariate }), sweep, f, 60, 4);
      const tpe = trials.slice(10).map((t) => t.params);
      for (const p of tpe) {
        expect(Number.isInteger(p['depth']) && (p['depth'] as number) >= 1 && (p['depth'] as number) <= 12).toBe(true);
        expect(p['lr']).toBeGreaterThanOrEqual(1e-5);
        expect(p['lr']).toBeLessThanOrEqual(1);
        expect(Number.isInteger(p['batch']) && (p['batch'] as number) % 8 === 0 && (p['batch'] as number) >= 8 && (p['batch'] as number) <= 128).toBe(true);
        expect(['sgd', 'adam', 'rmsprop']).toContain(p['opt']);
        expect(p['name']).toBe('run');
      }
      // TPE concentrates on the good categorical value and on lr around 1e-3
      expect(tpe.filter((p) => p['opt'] === 'adam').length).toBeGreaterThan(tpe.length / 2);
      expect(median(tpe.map((p) => Math.abs(Math.log10(p['lr'] as number) + 3)))).toBeLessThan(1);
    }
  });

  it('a parameter that some finished trial does not hold is left out of the joint model (intersection space)', () => {
    const sweep = makeSweep({ method: 'bayes', parameters: { x: { distribution: 'uniform', min: 0, max: 1 }, c: { distribution: 'categorical', values: ['a', 'b'] }, y: { distribution: 'uniform', min: 0, max: 1 } } });
    const rng = new Rng(2);
    const trials: TrialRecord[] = Array.from({ length: 15 }, (_, t) => {
      const x = rng.random();
      const y = rng.random();
      // trial 3 holds a value that is not in `c` any more (e.g. from an edited config)
      return { number: t, params: { x, y, c: t === 3 ? 'zzz' : t % 2 === 0 ? 'a' : 'b' }, state: 'finished', metricHistory: [x + y] };
    });
    const s = new TPESampler().suggest({ sweep, trials, seed: 0, trialNumber: 15 });
    expect(s.info?.['independent']).toEqual({ c: expect.any(Number) });
    expect(['a', 'b']).toContain(s.params['c']);
    // without the odd trial all three are modelled jointly
    const clean = new TPESampler().suggest({ sweep, trials: trials.filter((t) => t.number !== 3), seed: 0, trialNumber: 15 });
    expect(clean.info?.['independent']).toBeUndefined();
  });

  it('suggests the same point whatever the order of the trial list', () => {
    const { trials } = optimise(new TPESampler(), quad, quadF, 15, 3);
    const ctx = { sweep: quad, seed: 1, trialNumber: 15 };
    expect(new TPESampler().suggest({ ...ctx, trials: [...trials].reverse() })).toEqual(new TPESampler().suggest({ ...ctx, trials }));
  });

  it('rejects invalid options', () => {
    expect(() => new TPESampler({ nEiCandidates: 0 })).toThrow(/nEiCandidates/);
    expect(() => new TPESampler({ nStartupTrials: -1 })).toThrow(/nStartupTrials/);
    expect(() => new TPESampler({ priorWeight: -1 })).toThrow(/priorWeight/);
  });
});
