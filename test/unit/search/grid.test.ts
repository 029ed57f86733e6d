import type { ResolvedSweep } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/core/errors.js';
import type { FlatParams } from '../../../src/core/params.js';
import type { TrialRecord, TrialState } from '../../../src/core/trial.js';
import { GridSampler, gridPoint, gridSize } from '../../../src/search/grid.js';
import { makeSweep, makeTrial } from '../../helpers/sweeps.js';

const grid = new GridSampler();

/** Suggest until exhausted, recording each point as a trial in `state`. */
function exhaust(sweep: ResolvedSweep, state: TrialState = 'finished', start: TrialRecord[] = []): FlatParams[] {
  const trials = [...start];
  const out: FlatParams[] = [];
  for (let t = trials.length; t < 10_000; t++) {
    const s = grid.suggest({ sweep, trials, seed: 0, trialNumber: t });
    if (s === null) return out;
    out.push(s.params);
    trials.push(makeTrial(t, s.params, state));
  }
  throw new Error('grid did not end');
}

function allPoints(sweep: ResolvedSweep): FlatParams[] {
  return Array.from({ length: gridSize(sweep) }, (_, i) => gridPoint(sweep, i));
}

describe('grid order', () => {
  const sweep = makeSweep({
    method: 'grid',
    parameters: {
      c: { distribution: 'int_uniform', min: 0, max: 1 },
      a: { distribution: 'categorical', values: [1, 2] },
      b: { distribution: 'categorical', values: ['x', 'y'] },
    },
  });

  it('is itertools.product over names in sorted order, the last varying fastest', () => {
    const expected = [
      [1, 'x', 0], [1, 'x', 1], [1, 'y', 0], [1, 'y', 1],
      [2, 'x', 0], [2, 'x', 1], [2, 'y', 0], [2, 'y', 1],
    ].map(([a, b, c]) => ({ a, b, c }));
    expect(exhaust(sweep)).toEqual(expected);
    expect(allPoints(sweep)).toEqual(expected);
    expect(gridSize(sweep)).toBe(8);
  });

  it('keeps categorical values in the written order', () => {
    const s = makeSweep({ method: 'grid', parameters: { v: { distribution: 'categorical', values: ['z', 'a', 'm'] } } });
    expect(exhaust(s).map((p) => p['v'])).toEqual(['z', 'a', 'm']);
  });

  it('orders nested parameters depth first with names sorted at each level, dotted keys out', () => {
    const s = makeSweep({
      method: 'grid',
      parameters: {
        zeta: { distribution: 'categorical', values: [0, 1] },
        'model.depth': { distribution: 'int_uniform', min: 1, max: 2 },
        'model.act': { distribution: 'categorical', values: ['relu', 'gelu'] },
        alpha: { distribution: 'constant', value: 0.5 },
      },
    });
    const points = exhaust(s);
    expect(points).toHaveLength(8);
    expect(Object.keys(points[0]!)).toEqual(['alpha', 'model.act', 'model.depth', 'zeta']);
    expect(points.slice(0, 3)).toEqual([
      { alpha: 0.5, 'model.act': 'relu', 'model.depth': 1, zeta: 0 },
      { alpha: 0.5, 'model.act': 'relu', 'model.depth': 1, zeta: 1 },
      { alpha: 0.5, 'model.act': 'relu', 'model.depth': 2, zeta: 0 },
    ]);
  });
});

describe('grid axes', () => {
  it('int_uniform enumerates min..max inclusive', () => {
    const s = makeSweep({ method: 'grid', parameters: { n: { distribution: 'int_uniform', min: -1, max: 2 } } });
    expect(exhaust(s).map((p) => p['n'])).toEqual([-1, 0, 1, 2]);
  });

  it('q_uniform is min + k·q strictly below max, points not rounded to multiples of q', () => {
    const values = (body: { min: number; max: number; q: number; qIsInt: boolean }) =>
      allPoints(makeSweep({ method: 'grid', parameters: { x: { distribution: 'q_uniform', ...body } } })).map((p) => p['x']);
    expect(values({ min: 0, max: 1, q: 0.25, qIsInt: false })).toEqual([0, 0.25, 0.5, 0.75]);
    expect(values({ min: 0, max: 10, q: 3, qIsInt: true })).toEqual([0, 3, 6, 9]);
    expect(values({ min: 0.5, max: 3, q: 1, qIsInt: true })).toEqual([0.5, 1.5, 2.5]);
    // min + k·q, never accumulated and without float noise: 0.3, not 0.30000000000000004 (and 1 is excluded)
    const tenths = values({ min: 0, max: 1, q: 0.1, qIsInt: false });
    expect(tenths).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    // numpy's arange(0.1, 0.4, 0.1) has a 4th point AT 0.4 ((0.4 − 0.1)/0.1 = 3.0000000000000004);
    // we exclude max always, as the config docs say
    expect(values({ min: 0.1, max: 0.4, q: 0.1, qIsInt: false })).toEqual([0.1, 0.2, 0.3]);
    expect(values({ min: 0, max: 0.3, q: 0.1, qIsInt: false })).toEqual([0, 0.1, 0.2]);
  });

  it('emits constants with every point without enumerating them', () => {
    const s = makeSweep({
      method: 'grid',
      parameters: { k: { distribution: 'constant', value: { deep: [1, 2] } }, v: { distribution: 'categorical', values: [1, 2] } },
    });
    expect(gridSize(s)).toBe(2);
    expect(exhaust(s)).toEqual([
      { k: { deep: [1, 2] }, v: 1 },
      { k: { deep: [1, 2] }, v: 2 },
    ]);
  });

  it('a sweep of constants only is one point', () => {
    const s = makeSweep({ method: 'grid', parameters: { k: { distribution: 'constant', value: 3 } } });
    expect(gridSize(s)).toBe(1);
    expect(exhaust(s)).toEqual([{ k: 3 }]);
  });

  it('collapses duplicate categorical values by canonical hash (3.0 ≡ 3, dict key order ignored, true ≠ 1)', () => {
    const s = makeSweep({
      method: 'grid',
      parameters: { v: { distribution: 'categorical', values: [3, 3.0, true, 1, '3', { a: 1, b: 2 }, { b: 2, a: 1 }, null, Number.NaN, Number.NaN] } },
    });
    expect(gridSize(s)).toBe(7);
    expect(exhaust(s).map((p) => p['v'])).toEqual([3, true, 1, '3', { a: 1, b: 2 }, null, Number.NaN]);
    // as W&B's hash → value dict: the last written form of a duplicate is emitted, at the first one's place
    expect(Object.keys(gridPoint(s, 4)['v'] as object)).toEqual(['b', 'a']);
  });

  it('rejects distributions grid cannot enumerate, naming the parameter', () => {
    for (const body of [
      { distribution: 'uniform', min: 0, max: 1 },
      { distribution: 'categorical_w_probabilities', values: [1, 2], probabilities: [0.5, 0.5] },
      { distribution: 'log_uniform_values', min: 1, max: 10 },
    ] as const) {
      const s = makeSweep({ method: 'grid', parameters: { 'opt.lr': body } });
      expect(() => grid.suggest({ sweep: s, trials: [], seed: 0, trialNumber: 0 })).toThrow(ConfigError);
      expect(() => gridSize(s)).toThrow(/parameters\.opt\.parameters\.lr\.distribution.*grid search/);
    }
  });

  it('gridPoint rejects indices outside the grid', () => {
    const s = makeSweep({ method: 'grid', parameters: { n: { distribution: 'int_uniform', min: 1, max: 3 } } });
    expect(() => gridPoint(s, 3)).toThrow(RangeError);
    expect(() => gridPoint(s, -1)).toThrow(RangeError);
    expect(() => gridPoint(s, 0.5)).toThrow(RangeError);
  });

  it('handles products far too large to materialise', () => {
    const parameters: Record<string, { distribution: 'int_uniform'; min: number; max: number }> = {};
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) parameters[n] = { distribution: 'int_uniform', min: 1, max: 1000 };
    const s = makeSweep({ method: 'grid', parameters });
    expect(gridSize(s)).toBe(1e18);
    expect(gridPoint(s, 1001)).toEqual({ a: 1, b: 1, c: 1, d: 1, e: 2, f: 2 });
    const first = grid.suggest({ sweep: s, trials: [makeTrial(0, { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 })], seed: 0, trialNumber: 1 });
    expect(first?.params).toEqual({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 2 });
  });
});

describe('grid dedupe against existing trials', () => {
  const sweep = makeSweep({
    method: 'grid',
    parameters: {
      a: { distribution: 'categorical', values: [1, 2, 3] },
      b: { distribution: 'int_uniform', min: 0, max: 1 },
      k: { distribution: 'constant', value: 'c' },
    },
  });

  it('skips points held by trials in every state, including failed and pending ones', () => {
    const states: TrialState[] = ['queued', 'running', 'finished', 'stopped', 'failed'];
    const trials = states.map((state, i) => makeTrial(i, gridPoint(sweep, i), state));
    const s = grid.suggest({ sweep, trials, seed: 0, trialNumber: 5 });
    expect(s?.params).toEqual(gridPoint(sweep, 5));
    expect(s?.info).toEqual({ sampler: 'grid', gridIndex: 5, gridSize: 6 });
  });

  it('fills holes first: the first product point not yet taken', () => {
    const trials = [0, 1, 3].map((i, n) => makeTrial(n, gridPoint(sweep, i)));
    expect(grid.suggest({ sweep, trials, seed: 0, trialNumber: 3 })?.params).toEqual(gridPoint(sweep, 2));
  });

  it('matches canonically: 3.0 is 3, true is not 1, constants and extra keys do not matter', () => {
    const trials = [
      makeTrial(0, { a: 1, b: 0, k: 'other constant', extra: 'ignored' }),
      makeTrial(1, { a: 3.0, b: 1.0, k: 'c' }),
      makeTrial(2, { a: true, b: 0, k: 'c' }),
    ];
    const got = exhaust(sweep, 'finished', trials);
    expect(got).toHaveLength(4);
    expect(got).toContainEqual({ a: 1, b: 1, k: 'c' });
    expect(got).not.toContainEqual({ a: 1, b: 0, k: 'c' });
    expect(got).not.toContainEqual({ a: 3, b: 1, k: 'c' });
  });

  it('a trial missing a grid parameter covers no point (W&B re-suggests it)', () => {
    const trials = [makeTrial(0, { a: 1, k: 'c' })];
    expect(grid.suggest({ sweep, trials, seed: 0, trialNumber: 1 })?.params).toEqual(gridPoint(sweep, 0));
  });

  it('returns null once every point is taken, and never repeats a point', () => {
    const points = exhaust(sweep, 'failed');
    expect(points).toHaveLength(6);
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(6);
    const trials = points.map((p, i) => makeTrial(i, p, 'finished'));
    expect(grid.suggest({ sweep, trials, seed: 0, trialNumber: 6 })).toBeNull();
  });

  it('ignores the seed: grid order is the same for every seed', () => {
    const at = (seed: number) => grid.suggest({ sweep, trials: [], seed, trialNumber: 0 })?.params;
    expect(at(1)).toEqual(at(99));
  });
});
