/** TPE's below/above split (Optuna's `_split_trials`, single objective) and its gamma/weights. */
import type { TrialRecord, TrialState } from '../../../src/core/trial.js';
import { defaultGamma, defaultWeights, splitTrials } from '../../../src/search/tpe/split.js';
import type { SplitOptions } from '../../../src/search/tpe/split.js';

function trial(number: number, state: TrialState, metricHistory: number[] = []): TrialRecord {
  return { number, params: { x: number }, state, metricHistory };
}

const numbers = (ts: readonly TrialRecord[]): number[] => ts.map((t) => t.number);
const opts = (o: Partial<SplitOptions> = {}): SplitOptions => ({ goal: 'minimize', constantLiar: true, trialNumber: 1000, gamma: defaultGamma, ...o });

describe('gamma and weights', () => {
  it('gamma(n) = min(⌈0.1·n⌉, 25)', () => {
    expect([0, 1, 9, 10, 11, 100, 101, 249, 250, 251, 10000].map(defaultGamma)).toEqual([0, 1, 1, 1, 2, 10, 11, 25, 25, 25, 25]);
  });

  it('weights: ones below 25; linspace(1/n, 1, n − 25) for the oldest, then 25 ones', () => {
    expect([...defaultWeights(0)]).toEqual([]);
    expect([...defaultWeights(24)]).toEqual(Array<number>(24).fill(1));
    expect([...defaultWeights(25)]).toEqual(Array<number>(25).fill(1));
    expect([...defaultWeights(26)]).toEqual([1 / 26, ...Array<number>(25).fill(1)]);
    const w = defaultWeights(30); // linspace(1/30, 1, 5)
    const step = (1 - 1 / 30) / 4;
    [1 / 30, 1 / 30 + step, 1 / 30 + 2 * step, 1 / 30 + 3 * step, 1].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 14));
    expect([...w.subarray(5)]).toEqual(Array<number>(25).fill(1));
  });
});

describe('splitTrials', () => {
  it('puts the best gamma(n) finished trials below, both sets in trial-number order', () => {
    const trials = [5, 3, 9, 1, 7, 8, 2, 6, 4, 10, 11].map((v, i) => trial(i, 'finished', [v]));
    const s = splitTrials(trials, opts({ gamma: () => 3 }));
    expect(numbers(s.below)).toEqual([1, 3, 6]); // values 3, 1, 2
    expect(numbers(s.above)).toEqual([0, 2, 4, 5, 7, 8, 9, 10]);
    expect(s.nObserved).toBe(11);
    // default gamma: ⌈1.1⌉ = 2
    expect(numbers(splitTrials(trials, opts()).below)).toEqual([3, 6]);
  });

  it('uses the best value ever logged, per the goal', () => {
    const trials = [trial(0, 'finished', [10, 2, 8]), trial(1, 'finished', [3, 4]), trial(2, 'finished', [1, 9])];
    expect(numbers(splitTrials(trials, opts({ gamma: () => 1 })).below)).toEqual([2]); // 1 < 2 < 3
    expect(numbers(splitTrials(trials, opts({ gamma: () => 1, goal: 'maximize' })).below)).toEqual([0]); // 10 > 9 > 4
  });

  it('breaks ties in value by trial number (earlier first), as a stable sort does', () => {
    const trials = [trial(0, 'finished', [2]), trial(1, 'finished', [1]), trial(2, 'finished', [1]), trial(3, 'finished', [1])];
    expect(numbers(splitTrials(trials, opts({ gamma: () => 2 })).below)).toEqual([1, 2]);
  });

  it('fills the remaining slots with stopped trials: further first, then better value at the last step', () => {
    const trials = [
      trial(0, 'finished', [5]),
      trial(1, 'stopped', [9, 8]), // 2 steps, last 8
      trial(2, 'stopped', [1]), // 1 step
      trial(3, 'stopped', [9, 3]), // 2 steps, last 3 (but best 3)
      trial(4, 'stopped', []), // never reported: ranks last
      trial(5, 'stopped', [0, 1, 7]), // 3 steps: furthest
    ];
    expect(numbers(splitTrials(trials, opts({ gamma: () => 3 })).below)).toEqual([0, 3, 5]);
    expect(numbers(splitTrials(trials, opts({ gamma: () => 5 })).below)).toEqual([0, 1, 2, 3, 5]);
    expect(numbers(splitTrials(trials, opts({ gamma: () => 6 })).below)).toEqual([0, 1, 2, 3, 4, 5]);
    // complete trials always come first, even when a pruned one has a better value
    expect(numbers(splitTrials([trial(0, 'finished', [5]), trial(1, 'stopped', [0])], opts({ gamma: () => 1 })).below)).toEqual([0]);
    // for maximize the sign of the intermediate value flips
    expect(numbers(splitTrials(trials, opts({ gamma: () => 3, goal: 'maximize' })).below)).toEqual([0, 1, 5]);
  });

  it('sends queued and running trials above with the constant liar, never the trial being suggested', () => {
    const trials = [trial(0, 'finished', [1]), trial(1, 'running'), trial(2, 'finished', [2]), trial(3, 'queued'), trial(4, 'running')];
    const liar = splitTrials(trials, opts({ gamma: () => 1, trialNumber: 4 }));
    expect(numbers(liar.below)).toEqual([0]);
    expect(numbers(liar.above)).toEqual([1, 2, 3]);
    expect(liar.nRunning).toBe(2);
    expect(liar.nObserved).toBe(2); // running trials do not count towards n (gamma, startup)
    const noLiar = splitTrials(trials, opts({ gamma: () => 1, constantLiar: false }));
    expect(numbers(noLiar.above)).toEqual([2]);
  });

  it('ignores failed trials and finished trials that never logged the metric', () => {
    const trials = [trial(0, 'failed', [0]), trial(1, 'finished', []), trial(2, 'finished', [4]), trial(3, 'stopped', [1])];
    const s = splitTrials(trials, opts({ gamma: () => 1 }));
    expect(numbers(s.below)).toEqual([2]);
    expect(numbers(s.above)).toEqual([3]);
    expect([s.nObserved, s.nComplete, s.nPruned]).toEqual([2, 1, 1]);
  });
});
