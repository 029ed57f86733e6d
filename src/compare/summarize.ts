/**
 * `ff compare`'s numbers, pure: one group per value of a parameter, and per group the metric's
 * mean, sample sd and best, the improvement over base, LLM cost, wall time and per-round curves.
 *
 * A trial's metric is the last value it logged (W&B's run summary, which is what W&B's tables and
 * charts compare; MALMAS logs the CV-chosen final set's AUC last). Only finished and stopped
 * trials enter the means, sums and bests: failed, queued and running ones are counted in the
 * group's trial numbers but their partial figures would bias the averages.
 */
import type { FlatParams, ParamValue } from '../core/params.js';
import { isBetter, type Goal, type TrialState } from '../core/trial.js';
import type { StateCounts } from '../coordinator/types.js';
import { metricValue } from '../coordinator/policy.js';
import type { CompareTrial } from './collect.js';

export const IMPROVEMENT_KEY = 'final/improvement';
export const BASE_KEY = 'final/base_auc';
export const COST_KEY = 'llm/total_cost_usd';
export const DEFAULT_ROUND_METRIC = 'test_auc';
const ROUND_KEY = /^round_(\d+)\/(.+)$/;

export interface CompareOptions {
  /** Dotted name of the parameter to group by. */
  readonly by: string;
  readonly metric: string;
  readonly goal: Goal;
  /** `<m>` of `round_k/<m>` for the curves; undefined: the metric's own step-by-step history. */
  readonly roundMetric?: string;
}

/** What one trial contributes. */
export interface TrialFacts {
  readonly number: number;
  readonly state: TrialState;
  readonly params: FlatParams;
  /** Its group (see {@link groupKey}). */
  readonly key: string;
  /** Finished or stopped: enters the group's statistics. */
  readonly counted: boolean;
  readonly value?: number;
  readonly improvement?: number;
  readonly costUsd?: number;
  readonly wallSeconds?: number;
  /** (k, value) pairs, k increasing. */
  readonly curve: ReadonlyArray<readonly [number, number]>;
  /** Last logged value of every key. */
  readonly metrics: Readonly<Record<string, unknown>>;
}

export interface GroupSummary {
  readonly key: string;
  /** The parameter's value; undefined for trials without it. */
  readonly value: ParamValue | undefined;
  readonly label: string;
  readonly counts: StateCounts;
  readonly total: number;
  readonly metric: { readonly n: number; readonly mean?: number; readonly sd?: number; readonly best?: number; readonly bestTrial?: number };
  readonly improvement: { readonly n: number; readonly mean?: number };
  readonly cost: { readonly n: number; readonly sum?: number; readonly mean?: number };
  readonly wallSeconds: { readonly n: number; readonly mean?: number };
  readonly curve: ReadonlyArray<{ readonly k: number; readonly mean: number; readonly n: number }>;
  /** Metric values of the counted trials, in trial order (the report's dots). */
  readonly values: readonly number[];
}

export interface Comparison {
  readonly options: CompareOptions;
  /** Best mean first; groups with no value last. */
  readonly groups: readonly GroupSummary[];
  readonly best?: GroupSummary;
  readonly trials: readonly TrialFacts[];
}

/** Canonical key of a parameter value: equal values (as JSON) share a group. */
export function groupKey(value: ParamValue | undefined): string {
  return value === undefined ? '' : JSON.stringify(value);
}

export function valueLabel(value: ParamValue | undefined): string {
  if (value === undefined) return '(unset)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function mean(xs: readonly number[]): number | undefined {
  return xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1); undefined below two values. */
export function sampleSd(xs: readonly number[]): number | undefined {
  const m = mean(xs);
  if (m === undefined || xs.length < 2) return undefined;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

function lastValue(steps: CompareTrial['steps'], name: string): number | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const v = metricValue(name, steps[i]!);
    if (v !== undefined) return v;
  }
  return undefined;
}

function wallSeconds(t: CompareTrial): number | undefined {
  if (t.startedAt === undefined || t.endedAt === undefined) return undefined;
  const s = (Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : undefined;
}

function curveOf(t: CompareTrial, opts: CompareOptions): Array<[number, number]> {
  const byK = new Map<number, number>();
  if (opts.roundMetric === undefined) {
    let k = 0;
    for (const step of t.steps) {
      const v = metricValue(opts.metric, step);
      if (v !== undefined) byK.set(++k, v);
    }
  } else {
    for (const step of t.steps) {
      for (const [key, v] of Object.entries(step)) {
        const m = ROUND_KEY.exec(key);
        if (m !== null && m[2] === opts.roundMetric && typeof v === 'number' && Number.isFinite(v)) byK.set(Number(m[1]), v);
      }
    }
  }
  return [...byK.entries()].sort((a, b) => a[0] - b[0]);
}

export function trialFacts(t: CompareTrial, opts: CompareOptions): TrialFacts {
  const value = lastValue(t.steps, opts.metric);
  let improvement = lastValue(t.steps, IMPROVEMENT_KEY);
  if (improvement === undefined && value !== undefined) {
    const base = lastValue(t.steps, BASE_KEY);
    // signed so that a positive improvement is always a better metric
    if (base !== undefined) improvement = opts.goal === 'maximize' ? value - base : base - value;
  }
  const cost = lastValue(t.steps, COST_KEY);
  const wall = wallSeconds(t);
  const metrics: Record<string, unknown> = {};
  for (const step of t.steps) Object.assign(metrics, step);
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    key: groupKey(t.params[opts.by]),
    counted: t.state === 'finished' || t.state === 'stopped',
    ...(value !== undefined ? { value } : {}),
    ...(improvement !== undefined ? { improvement } : {}),
    ...(cost !== undefined ? { costUsd: cost } : {}),
    ...(wall !== undefined ? { wallSeconds: wall } : {}),
    curve: curveOf(t, opts),
    metrics,
  };
}

function present<K extends 'value' | 'improvement' | 'costUsd' | 'wallSeconds'>(facts: readonly TrialFacts[], k: K): number[] {
  const out: number[] = [];
  for (const f of facts) {
    const v = f[k];
    if (v !== undefined) out.push(v);
  }
  return out;
}

function countByState(facts: readonly TrialFacts[]): StateCounts {
  const c: StateCounts = { queued: 0, running: 0, finished: 0, stopped: 0, failed: 0 };
  for (const f of facts) c[f.state]++;
  return c;
}

function summarizeGroup(key: string, value: ParamValue | undefined, all: readonly TrialFacts[], goal: Goal): GroupSummary {
  const used = all.filter((f) => f.counted);
  const values = present(used, 'value');
  let best: { v: number; n: number } | undefined;
  for (const f of used) {
    if (f.value !== undefined && (best === undefined || isBetter(f.value, best.v, goal))) best = { v: f.value, n: f.number };
  }
  const sd = sampleSd(values);
  const impr = present(used, 'improvement');
  const costs = present(used, 'costUsd');
  const walls = present(used, 'wallSeconds');
  const perK = new Map<number, number[]>();
  for (const f of used) for (const [k, v] of f.curve) perK.set(k, [...(perK.get(k) ?? []), v]);
  const curve = [...perK.entries()].sort((a, b) => a[0] - b[0]).map(([k, vs]) => ({ k, mean: mean(vs)!, n: vs.length }));
  const opt = <T>(name: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [name]: v });
  return {
    key,
    value,
    label: valueLabel(value),
    counts: countByState(all),
    total: all.length,
    metric: { n: values.length, ...opt('mean', mean(values)), ...opt('sd', sd), ...opt('best', best?.v), ...opt('bestTrial', best?.n) },
    improvement: { n: impr.length, ...opt('mean', mean(impr)) },
    cost: { n: costs.length, ...opt('sum', costs.length > 0 ? costs.reduce((a, b) => a + b, 0) : undefined), ...opt('mean', mean(costs)) },
    wallSeconds: { n: walls.length, ...opt('mean', mean(walls)) },
    curve,
    values,
  };
}

/** Best mean first (then best single value, then the value's key, so ties are stable). */
function compareGroups(a: GroupSummary, b: GroupSummary, goal: Goal): number {
  const am = a.metric.mean;
  const bm = b.metric.mean;
  if (am !== undefined && bm !== undefined && am !== bm) return isBetter(am, bm, goal) ? -1 : 1;
  if ((am === undefined) !== (bm === undefined)) return am === undefined ? 1 : -1;
  const ab = a.metric.best;
  const bb = b.metric.best;
  if (ab !== undefined && bb !== undefined && ab !== bb) return isBetter(ab, bb, goal) ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function summarize(trials: readonly CompareTrial[], opts: CompareOptions): Comparison {
  const facts = trials.map((t) => trialFacts(t, opts));
  const members = new Map<string, { value: ParamValue | undefined; facts: TrialFacts[] }>();
  trials.forEach((t, i) => {
    const f = facts[i]!;
    const g = members.get(f.key) ?? { value: t.params[opts.by], facts: [] };
    g.facts.push(f);
    members.set(f.key, g);
  });
  const groups = [...members.entries()].map(([key, g]) => summarizeGroup(key, g.value, g.facts, opts.goal));
  groups.sort((a, b) => compareGroups(a, b, opts.goal));
  const best = groups[0]?.metric.mean !== undefined ? groups[0] : undefined;
  return { options: opts, groups, ...(best !== undefined ? { best } : {}), trials: facts };
}

/** Every key logged by any trial, sorted (for "what would be valid" in messages). */
export function loggedMetricNames(trials: readonly CompareTrial[]): string[] {
  const names = new Set<string>();
  for (const t of trials) for (const step of t.steps) for (const k of Object.keys(step)) names.add(k);
  return [...names].sort();
}

/** The `<m>` of every `round_k/<m>` logged by any trial, sorted. */
export function roundMetricNames(trials: readonly CompareTrial[]): string[] {
  const names = new Set<string>();
  for (const k of loggedMetricNames(trials)) {
    const m = ROUND_KEY.exec(k);
    if (m !== null) names.add(m[2]!);
  }
  return [...names].sort();
}

/** The terminal table and the report's table: the same cells, formatted by `fmt`. */
export function comparisonTable(c: Comparison, fmt: (v: number | undefined) => string): { header: string[]; rows: string[][] } {
  const header = [c.options.by, 'trials', `${c.options.metric} mean ± sd`, 'best', 'improvement', 'cost $ sum', 'cost $ mean', 'wall s'];
  const rows = c.groups.map((g) => [
    g.label,
    `${g.counts.finished}/${g.total}`,
    g.metric.mean === undefined ? '-' : `${fmt(g.metric.mean)} ± ${fmt(g.metric.sd)}`,
    fmt(g.metric.best),
    fmt(g.improvement.mean),
    fmt(g.cost.sum),
    fmt(g.cost.mean),
    fmt(g.wallSeconds.mean),
  ]);
  return { header, rows };
}
