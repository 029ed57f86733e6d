/**
 * W&B hyperband semantics. Cases follow wandb/sweeps tests/test_hyperband_stopping.py (the same
 * scenarios and expected outcomes, rewritten) and the worked examples of sweeps-semantics.md §2.4.
 */
import { HyperbandRule, cutoffIndex, hyperbandBands } from '../../../src/early-stop/hyperband.js';
import { Rng } from '../../../src/core/rng.js';
import type { Goal, TrialRecord, TrialState } from '../../../src/core/trial.js';
import type { HyperbandSpec, ResolvedSweep } from '../../../src/config/types.js';

function spec(s: Partial<HyperbandSpec>): HyperbandSpec {
  return { type: 'hyperband', eta: 3, strict: true, ...s };
}

function sweepOf(et: HyperbandSpec, goal: Goal = 'minimize'): ResolvedSweep {
  return { source: 'test.yaml', method: 'random', metric: { name: 'loss', goal }, parameters: [], earlyTerminate: et, raw: {} };
}

let nextNumber = 0;
function trial(metricHistory: number[], state: TrialState = 'running', number = nextNumber++): TrialRecord {
  return { number, params: {}, state, metricHistory };
}

/** Trial numbers the rule stops, judging every trial (W&B's stop_runs). */
function stopped(rule: HyperbandRule, trials: TrialRecord[], goal: Goal = 'minimize'): number[] {
  const sweep = sweepOf(rule.spec, goal);
  return trials.filter((t) => rule.decide({ sweep, trials, trialNumber: t.number }).stop).map((t) => t.number);
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('HyperbandRule: wandb/sweeps cases', () => {
  it('docstring example (max_iter 5, eta 2, s 2, strict): only the run at 10 at band 2 stops; ties survive', () => {
    const rule = new HyperbandRule(spec({ maxIter: 5, eta: 2, s: 2 }));
    const ts = [
      trial([10, 9], 'finished'),
      trial([10, 10]),
      trial([10, 8, 8]), // equals the band-2 threshold 8: not strictly worse
      trial([10, 7, 7]),
      trial([10, 6, 6], 'finished'),
    ];
    expect(stopped(rule, ts)).toEqual([ts[1]!.number]);
  });

  it('band 1 and band 2 stops in one pass (…_1stnoband)', () => {
    const rule = new HyperbandRule(spec({ maxIter: 5, eta: 2, s: 2 }));
    const ts = [trial([10], 'finished'), trial([11]), trial([10, 8, 8]), trial([10, 7, 7]), trial([10, 6, 6], 'finished')];
    expect(stopped(rule, ts)).toEqual([ts[1]!.number, ts[2]!.number]);
  });

  it('eta 3, non-strict: thresholds 10 (band 1) and 4 (band 3); best-so-far rescues a late improver', () => {
    const rule = new HyperbandRule(spec({ maxIter: 9, eta: 3, s: 2, strict: false }));
    const ts = [trial([9, 8], 'finished'), trial([11, 11]), trial([10, 8, 3]), trial([10, 7, 4]), trial([10, 6, 6])];
    expect(stopped(rule, ts)).toEqual([ts[1]!.number, ts[4]!.number]);
    expect(rule.thresholds(ts)).toEqual([
      { band: 1, count: 5, threshold: 10 },
      { band: 3, count: 3, threshold: 4 },
    ]);
  });

  it('eta 3, maximize, non-strict: the mirrored case stops the same runs', () => {
    const rule = new HyperbandRule(spec({ maxIter: 9, eta: 3, s: 2, strict: false }), 'maximize');
    const ts = [trial([-10, -9], 'finished'), trial([-11, -11]), trial([-10, -8, -5, -3]), trial([-10, -6, -2]), trial([-10, -6, -6, -6])];
    expect(stopped(rule, ts, 'maximize')).toEqual([ts[1]!.number, ts[4]!.number]);
  });

  it.each(['minimize', 'maximize'] as const)('min_iter 3 / max_iter 81 s 3 (%s): the flat run stops at band 3', (goal) => {
    const m = goal === 'minimize' ? 1 : -1;
    for (const s of [spec({ minIter: 3 }), spec({ maxIter: 81, s: 3 })]) {
      const rule = new HyperbandRule(s, goal);
      const flat = trial(range(4, () => m * 10));
      const improving = trial(range(10, (i) => m * (10 - i)));
      expect(stopped(rule, [flat, improving], goal)).toEqual([flat.number]);
    }
  });

  it('a single run is its own threshold and survives', () => {
    const rule = new HyperbandRule(spec({ maxIter: 18, s: 2, strict: false }));
    expect(stopped(rule, [trial(range(10, (i) => 10 - i))])).toEqual([]);
  });

  it('lists thresholds for reached bands, then the first unreached one', () => {
    const rule = new HyperbandRule(spec({ minIter: 1 }), 'maximize');
    const ts = [trial([0.5, 0.6, 0.7]), trial([0.4, 0.8, 0.9, 0.95], 'finished')];
    expect(rule.thresholds(ts)).toEqual([
      { band: 1, count: 2, threshold: 0.5 },
      { band: 3, count: 2, threshold: 0.9 },
      { band: 9, count: 0 },
    ]);
  });

  it('strict vs non-strict: value at the band vs best so far (2 runs, bands 2 and 6)', () => {
    const mk = (strict: boolean) => new HyperbandRule(spec({ maxIter: 18, s: 2, strict }));
    const a = trial([10, 10, 6]);
    const b = trial(range(10, (i) => 10 - i));
    expect(stopped(mk(false), [a, b])).toEqual([]); // best 6 ≤ threshold 9
    expect(stopped(mk(true), [a, b])).toEqual([a.number]); // h[1] = 10 > 9
  });

  it('NaN logs are not iterations: 1 finite value among 57 is not judged at bands [33, 100]', () => {
    const rule = new HyperbandRule(spec({ maxIter: 300, s: 2 }));
    const nanRun = trial([19.69, ...range(56, () => Number.NaN)]);
    const ts = [nanRun, trial(range(61, (i) => 6 - i / 20), 'finished'), trial(range(61, (i) => 6.5 - i / 20), 'finished')];
    const d = rule.decide({ sweep: sweepOf(rule.spec), trials: ts, trialNumber: nanRun.number });
    expect(d.stop).toBe(false);
    expect(d.band).toBeUndefined();
    expect(d.explanation).toBe('hyperband: not judged yet: first band is 33, 1 value so far → continue');
  });
});

describe('HyperbandRule: worked examples (sweeps-semantics §2.4)', () => {
  const bands3 = spec({ maxIter: 81, s: 3 }); // [3, 9, 27]

  it('10 runs at band 3: the threshold is the 4th best (index ⌊10/3⌋ = 3)', () => {
    const rng = new Rng(7, 'hb-10');
    const at3 = rng.shuffle(range(10, (i) => 0.1 * (i + 1)));
    const ts = at3.map((v) => trial([1, 0.9, v, 0.5]));
    const rule = new HyperbandRule(bands3);
    const sweep = sweepOf(bands3);
    for (const t of ts) {
      const d = rule.decide({ sweep, trials: ts, trialNumber: t.number });
      expect(d.band).toBe(3);
      expect(d.threshold).toBeCloseTo(0.4, 12);
      expect(d.value).toBe(t.metricHistory[2]);
      expect(d.stop).toBe(t.metricHistory[2]! > d.threshold!);
      expect(d.explanation).toContain('(rank 4 of 10, cutoff index 3)');
    }
    expect(stopped(rule, ts)).toHaveLength(6);
  });

  it('a run with 5 points is judged at band 3: strict uses h[2], non-strict min(h[0..4])', () => {
    const others = range(9, (i) => trial([1, 1, 0.1 * (i + 1)], 'finished'));
    const judged = trial([0.9, 0.8, 0.7, 0.2, 0.15]);
    const ts = [...others, judged];
    const strictD = new HyperbandRule(bands3).decide({ sweep: sweepOf(bands3), trials: ts, trialNumber: judged.number });
    expect(strictD).toMatchObject({ stop: true, band: 3, value: 0.7 });
    expect(strictD.threshold).toBeCloseTo(0.4, 12);
    expect(strictD.explanation).toBe(
      'hyperband: band 3 (η=3, strict): value 0.7 at iteration 3 is worse than threshold 0.4 (rank 4 of 10, cutoff index 3) → STOP',
    );
    const lenient = spec({ maxIter: 81, s: 3, strict: false });
    const d = new HyperbandRule(lenient).decide({ sweep: sweepOf(lenient), trials: ts, trialNumber: judged.number });
    expect(d).toMatchObject({ stop: false, band: 3, value: 0.15 });
    expect(d.explanation).toBe(
      'hyperband: band 3 (η=3, non-strict): best value 0.15 over 5 iterations is within threshold 0.4 (rank 4 of 10, cutoff index 3) → continue',
    );
  });

  it('2 runs with η = 3: index 0, the worse is stopped, the better goes on', () => {
    const good = trial([3, 2, 1]);
    const bad = trial([3, 2, 1.5]);
    const rule = new HyperbandRule(bands3);
    expect(stopped(rule, [good, bad])).toEqual([bad.number]);
  });

  it('a run that survived band 9 is stopped at band 9 later, once better runs reach band 9', () => {
    const rule = new HyperbandRule(bands3);
    const sweep = sweepOf(bands3);
    const x = trial(range(10, (i) => (i === 8 ? 0.5 : 1)));
    const y = trial(range(9, (i) => (i === 8 ? 0.6 : 1)), 'finished');
    expect(rule.decide({ sweep, trials: [x, y], trialNumber: x.number }).stop).toBe(false);
    const x2 = { ...x, metricHistory: [...x.metricHistory, 1, 1] }; // 12 values: still judged at band 9
    const better = [0.3, 0.4].map((v) => trial(range(9, (i) => (i === 8 ? v : 1)), 'stopped'));
    const d = rule.decide({ sweep, trials: [x2, y, ...better], trialNumber: x.number });
    expect(d).toMatchObject({ stop: true, band: 9, threshold: 0.4, value: 0.5 });
  });

  it('maximize: values and thresholds are reported in the metric sign', () => {
    const s = spec({ maxIter: 81, s: 3 });
    const rule = new HyperbandRule(s, 'maximize');
    const ts = range(10, (i) => trial([0.5, 0.6, 0.7 + 0.01 * i]));
    const d = rule.decide({ sweep: sweepOf(s, 'maximize'), trials: ts, trialNumber: ts[0]!.number });
    expect(d.stop).toBe(true);
    expect(d.value).toBeCloseTo(0.7, 12);
    expect(d.threshold).toBeCloseTo(0.76, 12); // 4th best accuracy of 0.70..0.79
    const best = rule.decide({ sweep: sweepOf(s, 'maximize'), trials: ts, trialNumber: ts[9]!.number });
    expect(best.stop).toBe(false);
  });

  it('ties with the threshold are not stopped (strictly greater only)', () => {
    const rule = new HyperbandRule(bands3);
    const ts = range(6, () => trial([1, 1, 0.5]));
    expect(stopped(rule, ts)).toEqual([]);
    const d = rule.decide({ sweep: sweepOf(bands3), trials: ts, trialNumber: ts[0]!.number });
    expect(d.explanation).toContain('ties threshold 0.5');
  });

  it('non-finite values are not iterations and do not shift the band index', () => {
    const rule = new HyperbandRule(bands3);
    const sweep = sweepOf(bands3);
    const a = trial([Number.NaN, 5, Number.POSITIVE_INFINITY, 4, Number.NaN]);
    const da = rule.decide({ sweep, trials: [a], trialNumber: a.number });
    expect(da.band).toBeUndefined();
    expect(da.explanation).toContain('first band is 3, 2 values so far');
    const b = trial([5, Number.NaN, 4, Number.NEGATIVE_INFINITY, 3]); // 3rd finite value is 3
    const c = trial([5, 4, 2]);
    expect(rule.decide({ sweep, trials: [b, c], trialNumber: b.number })).toMatchObject({ stop: true, band: 3, value: 3, threshold: 2 });
  });

  it('does not judge terminal trials; queued trials without values go on', () => {
    const rule = new HyperbandRule(bands3);
    const sweep = sweepOf(bands3);
    const ts = [trial([1, 1, 0.1]), trial([9, 9, 9], 'finished'), trial([9, 9, 9], 'failed'), trial([], 'queued')];
    const fin = rule.decide({ sweep, trials: ts, trialNumber: ts[1]!.number });
    expect(fin).toMatchObject({ stop: false });
    expect(fin.explanation).toContain('not running (finished)');
    expect(rule.decide({ sweep, trials: ts, trialNumber: ts[3]!.number }).explanation).toContain('0 values so far');
    expect(rule.decide({ sweep, trials: ts, trialNumber: 9999 }).stop).toBe(false);
    expect(rule.decideAll({ sweep, trials: ts }).map((d) => d.trialNumber)).toEqual([ts[0]!.number, ts[3]!.number]);
  });
});

/** W&B's algorithm transcribed literally (sort, ⌊|V|/η⌋), as a reference for the selection-based rule. */
function reference(s: HyperbandSpec, goal: Goal, trials: TrialRecord[]): number[] {
  const bands = hyperbandBands(s);
  const hist = (t: TrialRecord) => t.metricHistory.filter(Number.isFinite).map((v) => (goal === 'maximize' ? -v : v));
  const thr = bands.map((b) => {
    const vals = trials.map(hist).filter((h) => h.length >= b).map((h) => h[b - 1]!).sort((x, y) => x - y);
    return vals.length === 0 ? Infinity : vals[cutoffIndex(vals.length, s.eta)]!;
  });
  const out: number[] = [];
  for (const t of trials) {
    if (t.state !== 'running' && t.state !== 'queued') continue;
    const h = hist(t);
    const i = bands.findLastIndex((b) => b <= h.length);
    if (i < 0) continue;
    const cond = s.strict ? h[bands[i]! - 1]! : Math.min(...h);
    if (cond > thr[i]!) out.push(t.number);
  }
  return out;
}

describe('HyperbandRule: agrees with a sort-based reference', () => {
  it('on random populations with ties, gaps and both goals (seeded)', () => {
    const rng = new Rng(2024, 'hb-reference');
    const states: TrialState[] = ['running', 'running', 'running', 'queued', 'finished', 'stopped', 'failed'];
    for (let round = 0; round < 60; round++) {
      const goal: Goal = rng.random() < 0.5 ? 'minimize' : 'maximize';
      const eta = [2, 3, 4, 1.5, 1.3][rng.int(5)]!;
      const s = rng.random() < 0.5 ? spec({ minIter: 1 + rng.int(3), eta, strict: rng.random() < 0.6 }) : spec({ maxIter: 27 + rng.int(60), s: 1 + rng.int(4), eta, strict: rng.random() < 0.6 });
      const n = 1 + rng.int(150);
      const trials = range(n, (i) => {
        const len = rng.int(40);
        const h = range(len, () => (rng.random() < 0.05 ? Number.NaN : Math.round(rng.random() * 20) / 4)); // coarse values: many ties
        return trial(h, states[rng.int(states.length)]!, i);
      });
      const rule = new HyperbandRule(s, goal);
      const sweep = sweepOf(s, goal);
      expect(stopped(rule, trials, goal)).toEqual(reference(s, goal, trials));
      const all = rule.decideAll({ sweep, trials });
      const one = all.map((d) => rule.decide({ sweep, trials, trialNumber: d.trialNumber }));
      expect(all).toEqual(one);
    }
  });
});
