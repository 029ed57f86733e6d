import type { CompareTrial } from '../../../src/compare/collect.js';
import { comparisonTable, loggedMetricNames, roundMetricNames, sampleSd, summarize, trialFacts, type CompareOptions } from '../../../src/compare/summarize.js';
import type { TrialState } from '../../../src/core/trial.js';
import { fmtNumber } from '../../../src/cli/output.js';

let next = 0;
function trial(router: string | undefined, steps: CompareTrial['steps'], state: TrialState = 'finished', extra: Partial<CompareTrial> = {}): CompareTrial {
  const number = next++;
  return { number, state, params: router === undefined ? { seed: number } : { router_strategy: router, seed: number }, steps, ...extra };
}

const MAX: CompareOptions = { by: 'router_strategy', metric: 'final_auc', goal: 'maximize' };
const MIN: CompareOptions = { ...MAX, metric: 'loss', goal: 'minimize' };

beforeEach(() => {
  next = 0;
});

describe('summarize', () => {
  it('groups by the parameter, with mean, sample sd and best (maximize), best mean first', () => {
    const c = summarize(
      [
        trial('data_driven', [{ final_auc: 0.7 }]),
        trial('hybrid', [{ final_auc: 0.8 }]),
        trial('data_driven', [{ final_auc: 0.74 }]),
        trial('hybrid', [{ final_auc: 0.9 }]),
        trial('hybrid', [{ final_auc: 0.85 }]),
      ],
      MAX,
    );
    expect(c.groups.map((g) => g.label)).toEqual(['hybrid', 'data_driven']);
    const [h, d] = c.groups;
    expect(h!.metric.n).toBe(3);
    expect(h!.metric.mean).toBeCloseTo(0.85, 12);
    expect(h!.metric.sd).toBeCloseTo(0.05, 12); // sqrt(((-.05)^2 + .05^2 + 0) / 2)
    expect(h!.metric.best).toBe(0.9);
    expect(h!.metric.bestTrial).toBe(3);
    expect(d!.metric.mean).toBeCloseTo(0.72, 12);
    expect(d!.metric.sd).toBeCloseTo(Math.sqrt(0.0008), 12);
    expect(d!.values).toEqual([0.7, 0.74]);
    expect(c.best?.label).toBe('hybrid');
  });

  it('respects minimize for best and order', () => {
    const c = summarize(
      [trial('a', [{ loss: 3 }]), trial('b', [{ loss: 1 }]), trial('b', [{ loss: 2 }]), trial('a', [{ loss: 0.5 }])],
      MIN,
    );
    // means: a 1.75, b 1.5
    expect(c.groups.map((g) => g.label)).toEqual(['b', 'a']);
    expect(c.groups[0]!.metric.best).toBe(1);
    expect(c.groups[1]!.metric.best).toBe(0.5);
    expect(c.groups[1]!.metric.bestTrial).toBe(3);
  });

  it("takes a trial's last logged value of the metric", () => {
    const c = summarize([trial('a', [{ final_auc: 0.9 }, { other: 1 }, { final_auc: 0.8 }, { other: 2 }])], MAX);
    expect(c.groups[0]!.metric.mean).toBe(0.8);
    expect(c.trials[0]!.metrics).toEqual({ final_auc: 0.8, other: 2 });
  });

  it('gives a group of one no sd', () => {
    const c = summarize([trial('a', [{ final_auc: 0.8 }])], MAX);
    expect(c.groups[0]!.metric.sd).toBeUndefined();
    expect(comparisonTable(c, fmtNumber).rows[0]![2]).toBe('0.8 ± -');
    expect(sampleSd([1])).toBeUndefined();
    expect(sampleSd([])).toBeUndefined();
    expect(sampleSd([1, 3])).toBeCloseTo(Math.SQRT2, 12);
  });

  it('counts failed, running and queued trials but leaves them out of the statistics', () => {
    const c = summarize(
      [
        trial('a', [{ final_auc: 0.8, 'llm/total_cost_usd': 1 }], 'finished'),
        trial('a', [{ final_auc: 0.1, 'llm/total_cost_usd': 5 }], 'failed'),
        trial('a', [{ final_auc: 0.2 }], 'running'),
        trial('a', [], 'queued'),
        trial('a', [{ final_auc: 0.6, 'llm/total_cost_usd': 2 }], 'stopped'),
      ],
      MAX,
    );
    const g = c.groups[0]!;
    expect(g.total).toBe(5);
    expect(g.counts).toEqual({ queued: 1, running: 1, finished: 1, stopped: 1, failed: 1 });
    expect(g.metric.n).toBe(2);
    expect(g.metric.mean).toBeCloseTo(0.7, 12);
    expect(g.metric.best).toBe(0.8);
    expect(g.cost).toEqual({ n: 2, sum: 3, mean: 1.5 });
    expect(comparisonTable(c, fmtNumber).rows[0]![1]).toBe('1/5');
  });

  it('falls back from final/improvement to metric − final/base_auc, else none', () => {
    const a = trialFacts(trial('a', [{ final_auc: 0.8, 'final/base_auc': 0.7, 'final/improvement': 0.5 }]), MAX);
    expect(a.improvement).toBe(0.5);
    const b = trialFacts(trial('a', [{ final_auc: 0.8, 'final/base_auc': 0.75 }]), MAX);
    expect(b.improvement).toBeCloseTo(0.05, 12);
    const c = trialFacts(trial('a', [{ final_auc: 0.8 }]), MAX);
    expect(c.improvement).toBeUndefined();
    // signed so that positive is better under minimize too
    const d = trialFacts(trial('a', [{ loss: 0.2, 'final/base_auc': 0.5 }]), MIN);
    expect(d.improvement).toBeCloseTo(0.3, 12);
    const s = summarize([trial('x', [{ final_auc: 0.8 }])], MAX);
    expect(s.groups[0]!.improvement).toEqual({ n: 0 });
    expect(comparisonTable(s, fmtNumber).rows[0]![4]).toBe('-');
  });

  it('handles missing metrics: a group without values goes last and is never best', () => {
    const c = summarize(
      [trial('none', [{ other: 1 }]), trial('a', [{ final_auc: 0.5 }]), trial('a', [{ other: 1 }]), trial('z', [{ final_auc: 0.4, final: 'x' }])],
      MAX,
    );
    expect(c.groups.map((g) => g.label)).toEqual(['a', 'z', 'none']);
    expect(c.groups[0]!.metric).toEqual({ n: 1, mean: 0.5, best: 0.5, bestTrial: 1 });
    expect(c.groups[2]!.metric).toEqual({ n: 0 });
    expect(comparisonTable(c, fmtNumber).rows[2]).toEqual(['none', '1/1', '-', '-', '-', '-', '-', '-']);
    expect(summarize([trial('a', [{ other: 1 }])], MAX).best).toBeUndefined();
    // non-finite and non-numeric values are not values
    expect(trialFacts(trial('a', [{ final_auc: 'high' }, { final_auc: null }]), MAX).value).toBeUndefined();
  });

  it('orders ties by best value, then by value, and keeps trials without the parameter apart', () => {
    const c = summarize(
      [trial('b', [{ final_auc: 0.5 }]), trial('a', [{ final_auc: 0.5 }]), trial('c', [{ final_auc: 0.4 }]), trial('c', [{ final_auc: 0.6 }]), trial(undefined, [{ final_auc: 0.1 }])],
      MAX,
    );
    expect(c.groups.map((g) => g.label)).toEqual(['c', 'a', 'b', '(unset)']);
  });

  it('groups numbers and structured values by their JSON', () => {
    const c = summarize(
      [
        { number: 0, state: 'finished', params: { agents: ['a', 'b'] }, steps: [{ final_auc: 0.5 }] },
        { number: 1, state: 'finished', params: { agents: ['a', 'b'] }, steps: [{ final_auc: 0.7 }] },
        { number: 2, state: 'finished', params: { agents: ['a'] }, steps: [{ final_auc: 0.9 }] },
      ],
      { ...MAX, by: 'agents' },
    );
    expect(c.groups.map((g) => [g.label, g.total])).toEqual([['["a"]', 1], ['["a","b"]', 2]]);
  });

  it('averages wall time from startedAt to endedAt where both are known', () => {
    const c = summarize(
      [
        trial('a', [{ final_auc: 1 }], 'finished', { startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:10.000Z' }),
        trial('a', [{ final_auc: 1 }], 'finished', { startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:20.500Z' }),
        trial('a', [{ final_auc: 1 }], 'finished', { startedAt: '2024-01-01T00:00:00.000Z' }),
      ],
      MAX,
    );
    expect(c.groups[0]!.wallSeconds).toEqual({ n: 2, mean: 15.25 });
  });

  it('averages round_k curves per group, or the metric history when no round metric is chosen', () => {
    const steps = (a: number, b: number): CompareTrial['steps'] => [
      { 'round_1/test_auc': a, 'round_1/cv_auc': 0, final_auc: a },
      { 'round_2/test_auc': b, final_auc: b },
    ];
    const trials = [trial('a', steps(0.6, 0.7)), trial('a', steps(0.8, 0.9)), trial('a', [{ 'round_1/test_auc': 0.1 }], 'failed')];
    const rounds = summarize(trials, { ...MAX, roundMetric: 'test_auc' });
    expect(rounds.groups[0]!.curve).toEqual([
      { k: 1, mean: expect.closeTo(0.7, 12), n: 2 },
      { k: 2, mean: expect.closeTo(0.8, 12), n: 2 },
    ]);
    const history = summarize([trial('a', [{ final_auc: 0.5 }, { x: 1 }, { final_auc: 0.6 }]), trial('a', [{ final_auc: 0.7 }])], MAX);
    expect(history.groups[0]!.curve).toEqual([
      { k: 1, mean: expect.closeTo(0.6, 12), n: 2 },
      { k: 2, mean: 0.6, n: 1 },
    ]);
    expect(roundMetricNames(trials)).toEqual(['cv_auc', 'test_auc']);
    expect(loggedMetricNames(trials)).toEqual(['final_auc', 'round_1/cv_auc', 'round_1/test_auc', 'round_2/test_auc']);
  });

  it('is deterministic: the same trials in any order give the same groups', () => {
    const ts = [trial('a', [{ final_auc: 0.5 }]), trial('b', [{ final_auc: 0.6 }]), trial('a', [{ final_auc: 0.7 }])];
    const one = summarize(ts, MAX).groups;
    const two = summarize([...ts].reverse(), MAX).groups;
    expect(two.map((g) => [g.label, g.metric.mean])).toEqual(one.map((g) => [g.label, g.metric.mean]));
  });
});
