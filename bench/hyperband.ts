/**
 * Benchmark (c): W&B-semantics hyperband (src/early-stop/hyperband.ts) on synthetic saturating
 * learning curves (bench/curves.ts). 100 trials of up to 27 steps run through a few parallel slots:
 * every tick each busy slot's trial reports one step, the rule is applied at that report (as
 * `ff run` does), a stopped or finished trial frees its slot for the next trial. Compares the steps
 * used and the best final value (value at the last step, among trials that got there) with running
 * every trial to the end. Deterministic for given options. Prints one JSON object.
 *
 *   node dist/bench/hyperband.js [--seeds 20] [--trials 100] [--slots 4] [--steps 27]
 *                                [--tradeoffs 0,0.5] [--dump-curves curves.json]
 *   --tradeoffs: curve families to run (bench/curves.ts ρ); --dump-curves: write the minimize curves
 *   of every family and seed as JSON ({family: [seed][trial][step]}), to run a peer on the same curves.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { HyperbandSpec, ResolvedSweep } from '../src/config/types.js';
import { Rng } from '../src/core/rng.js';
import type { Goal, TrialState } from '../src/core/trial.js';
import { HyperbandRule, cutoffIndex } from '../src/early-stop/hyperband.js';
import { makeCurves, type Curve } from './curves.js';

/** Curve families: independent final/τ, and crossing curves where slow learners end best. */
const FAMILIES = [
  { name: 'independent', tradeoff: 0 },
  { name: 'crossing', tradeoff: 0.5 },
] as const;

interface Options {
  seeds: number;
  trials: number;
  slots: number;
  steps: number;
  dumpCurves?: string;
  families: ReadonlyArray<{ readonly name: string; readonly tradeoff: number }>;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { seeds: 20, trials: 100, slots: 4, steps: 27, families: FAMILIES };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--dump-curves' && v !== undefined) o.dumpCurves = v;
    else if (k === '--tradeoffs' && v !== undefined && /^[\d.]+(,[\d.]+)*$/.test(v)) o.families = v.split(',').map((x) => ({ name: `tradeoff ${x}`, tradeoff: Number(x) }));
    else if ((k === '--seeds' || k === '--trials' || k === '--slots' || k === '--steps') && v !== undefined && /^\d+$/.test(v)) o[k.slice(2) as 'seeds'] = Number(v);
    else throw new Error(`unknown or incomplete option ${k}; valid: --seeds N --trials N --slots N --steps N --tradeoffs ρ[,ρ…] --dump-curves FILE`);
    i++;
  }
  return o;
}

interface SimTrial {
  readonly number: number;
  readonly params: Record<string, never>;
  state: TrialState;
  readonly metricHistory: number[];
}

interface SimResult {
  steps: number;
  /** Trials that reached the last step (finished, or stopped exactly there). */
  completed: number;
  /** Number of values a trial had when stopped → count. */
  stoppedAt: Record<number, number>;
  bestFinal: number;
  bestTrial: number;
}

function sweepFor(goal: Goal, spec?: HyperbandSpec): ResolvedSweep {
  return { source: 'bench', method: 'random', metric: { name: 'loss', goal }, parameters: [], raw: {}, ...(spec ? { earlyTerminate: spec } : {}) };
}

function simulate(curves: readonly Curve[], goal: Goal, opts: Options, rule?: HyperbandRule): SimResult {
  const sweep = sweepFor(goal, rule?.spec);
  const trials: SimTrial[] = [];
  const slots: Array<SimTrial | undefined> = new Array<SimTrial | undefined>(opts.slots).fill(undefined);
  const res: SimResult = { steps: 0, completed: 0, stoppedAt: {}, bestFinal: Number.NaN, bestTrial: -1 };
  let next = 0;
  const better = (a: number, b: number): boolean => Number.isNaN(b) || (goal === 'minimize' ? a < b : a > b);
  for (;;) {
    for (let s = 0; s < slots.length; s++) {
      if (slots[s] === undefined && next < curves.length) {
        const t: SimTrial = { number: next++, params: {}, state: 'running', metricHistory: [] };
        trials.push(t);
        slots[s] = t;
      }
    }
    if (slots.every((t) => t === undefined)) break;
    for (let s = 0; s < slots.length; s++) {
      const t = slots[s];
      if (t === undefined) continue;
      const v = curves[t.number]!.values[t.metricHistory.length]!;
      t.metricHistory.push(v);
      res.steps++;
      const done = t.metricHistory.length === opts.steps;
      if (done) {
        res.completed++;
        if (better(v, res.bestFinal)) [res.bestFinal, res.bestTrial] = [v, t.number];
      }
      if (rule?.decide({ sweep, trials, trialNumber: t.number }).stop) {
        t.state = 'stopped';
        res.stoppedAt[t.metricHistory.length] = (res.stoppedAt[t.metricHistory.length] ?? 0) + 1;
        slots[s] = undefined;
      } else if (done) {
        t.state = 'finished';
        slots[s] = undefined;
      }
    }
  }
  return res;
}

const round = (x: number, d = 4): number => Number(x.toFixed(d));
function stats(xs: readonly number[]): { mean: number; median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { mean: round(xs.reduce((a, b) => a + b, 0) / xs.length), median: round(median), min: round(s[0]!), max: round(s[s.length - 1]!) };
}

const VARIANTS: ReadonlyArray<{ name: string; spec: HyperbandSpec }> = [
  { name: 'min_iter=1 eta=3 strict', spec: { type: 'hyperband', minIter: 1, eta: 3, strict: true } },
  { name: 'min_iter=1 eta=3 non-strict', spec: { type: 'hyperband', minIter: 1, eta: 3, strict: false } },
  { name: 'max_iter=27 s=3 eta=3 strict', spec: { type: 'hyperband', maxIter: 27, s: 3, eta: 3, strict: true } },
];


function quality(opts: Options, tradeoff: number) {
  const full = opts.trials * opts.steps;
  const out = [];
  for (const v of VARIANTS) {
    const bands = new HyperbandRule(v.spec).bands.filter((b) => b <= opts.steps);
    const fractions: number[] = [];
    const gaps: number[] = [];
    const completed: number[] = [];
    const stoppedAt: Record<string, number> = {};
    let bestKept = 0;
    let goalsAgree = true;
    for (let seed = 0; seed < opts.seeds; seed++) {
      const perGoal = (['minimize', 'maximize'] as const).map((goal) => {
        const curves = makeCurves(seed, opts.trials, { maxSteps: opts.steps, goal, tradeoff });
        return { base: simulate(curves, goal, opts), hb: simulate(curves, goal, opts, new HyperbandRule(v.spec, goal)) };
      });
      const { base, hb } = perGoal[0]!;
      const mx = perGoal[1]!.hb;
      goalsAgree &&= mx.steps === hb.steps && mx.bestTrial === hb.bestTrial && JSON.stringify(mx.stoppedAt) === JSON.stringify(hb.stoppedAt);
      fractions.push(hb.steps / full);
      gaps.push(hb.bestFinal - base.bestFinal); // minimize: > 0 means worse with early stopping
      completed.push(hb.completed);
      if (hb.bestTrial === base.bestTrial) bestKept++;
      for (const [k, n] of Object.entries(hb.stoppedAt)) {
        // stopped on reaching a band, or later (re-judged at its latest band once others raised the bar)
        const key = bands.includes(Number(k)) ? `at ${k}` : 'between bands';
        stoppedAt[key] = (stoppedAt[key] ?? 0) + n;
      }
    }
    out.push({
      variant: v.name,
      bands,
      stepsFraction: stats(fractions),
      bestFinalGap: stats(gaps),
      trialsCompleted: stats(completed),
      trueBestKept: `${bestKept}/${opts.seeds}`,
      meanTrialsStopped: Object.fromEntries(Object.entries(stoppedAt).map(([k, n]) => [k, round(n / opts.seeds, 2)])),
      minimizeAndMaximizeAgree: goalsAgree,
    });
  }
  return out;
}

/** Cost of one decision (µs) with many trials, against sorting the band's values per call (W&B's way). */
function scale() {
  const out = [];
  for (const n of [1000, 5000]) {
    const rng = new Rng(99, 'hb-scale', n);
    const trials = Array.from({ length: n }, (_, i) => {
      const len = 1 + rng.int(27);
      const state: TrialState = rng.random() < 0.3 ? 'running' : 'finished';
      return { number: i, params: {}, state, metricHistory: Array.from({ length: len }, () => rng.random()) };
    });
    const spec: HyperbandSpec = { type: 'hyperband', minIter: 1, eta: 3, strict: true };
    const rule = new HyperbandRule(spec);
    const sweep = sweepFor('minimize', spec);
    const running = trials.filter((t) => t.state === 'running').map((t) => t.number);
    const reps = 300;
    let stops = 0;
    let t0 = performance.now();
    for (let r = 0; r < reps; r++) if (rule.decide({ sweep, trials, trialNumber: running[r % running.length]! }).stop) stops++;
    const decideUs = ((performance.now() - t0) * 1000) / reps;
    let sortStops = 0;
    t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      const t = trials[running[r % running.length]!]!;
      const band = rule.bands.filter((b) => b <= t.metricHistory.length).at(-1)!;
      const vals = trials.filter((u) => u.metricHistory.length >= band).map((u) => u.metricHistory[band - 1]!).sort((a, b) => a - b);
      if (t.metricHistory[band - 1]! > vals[cutoffIndex(vals.length, 3)]!) sortStops++;
    }
    const sortUs = ((performance.now() - t0) * 1000) / reps;
    t0 = performance.now();
    const all = rule.decideAll({ sweep, trials });
    const decideAllMs = performance.now() - t0;
    out.push({
      trials: n,
      running: running.length,
      decideUs: round(decideUs, 1),
      sortBasedUs: round(sortUs, 1),
      sameDecisions: stops === sortStops,
      decideAllMs: round(decideAllMs, 2),
      stoppedNow: all.filter((d) => d.stop).length,
    });
  }
  return out;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.dumpCurves !== undefined) {
    const dump = Object.fromEntries(
      opts.families.map((f) => [f.name, Array.from({ length: opts.seeds }, (_, seed) => makeCurves(seed, opts.trials, { maxSteps: opts.steps, goal: 'minimize', tradeoff: f.tradeoff }).map((c) => c.values))]),
    );
    writeFileSync(opts.dumpCurves, JSON.stringify(dump));
  }
  const result = {
    bench: 'hyperband',
    setup: {
      trials: opts.trials,
      maxSteps: opts.steps,
      slots: opts.slots,
      seeds: opts.seeds,
      curves: 'acc(t) = final·(1 − exp(−t/τ)) + N(0, 0.004²); final in U(0.70, 0.95), τ in logU(1, 12), coupled by tradeoff ρ; minimize reports 1 − acc',
      decisionAt: 'every report',
      bestFinalGap: 'best final value with hyperband − without, in loss sign (> 0 = worse)',
    },
    fullSteps: opts.trials * opts.steps,
    curves: opts.families.map((f) => ({ family: f.name, tradeoff: f.tradeoff, variants: quality(opts, f.tradeoff) })),
    scale: scale(),
    reference: {
      peer: 'Optuna 3.1 HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)',
      stepsFraction: 0.3,
      bestFinalGap: [0.002, 0.006],
      note: 'on its own synthetic saturating curves, 100 trials; not these curves',
      source: '/work/shared/bench/README.md',
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main();
