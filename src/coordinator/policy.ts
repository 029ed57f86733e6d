/**
 * Sweep-level decisions, pure: may a new trial start, and what does a logged step mean for the
 * trial's record. Shared by `ff run` and the distributed coordinator.
 */
import type { ResolvedSweep } from '../config/types.js';
import { bestValue, reachedTarget, type TrialRecord } from '../core/trial.js';
import type { SweepState } from './types.js';

export type Admission = { readonly ok: true } | { readonly ok: false; readonly final: boolean; readonly reason: string };

/**
 * Whether another trial may be created now. `final` means the sweep can never start one again
 * (run_cap reached, target reached); otherwise it is a pause-like condition.
 */
export function admitNewTrial(sweep: ResolvedSweep, state: SweepState, trials: readonly TrialRecord[]): Admission {
  if (state === 'paused') return { ok: false, final: false, reason: 'sweep is paused' };
  if (state !== 'running') return { ok: false, final: true, reason: `sweep is ${state}` };
  if (sweep.runCap !== undefined && trials.length >= sweep.runCap) {
    return { ok: false, final: true, reason: `run_cap ${sweep.runCap} reached` };
  }
  const hit = targetReachedBy(sweep, trials);
  if (hit !== undefined) {
    return { ok: false, final: true, reason: `metric.target ${sweep.metric!.target} reached by trial ${hit.number} (${hit.value})` };
  }
  return { ok: true };
}

/** The first trial whose best value reached `metric.target`, if any. */
export function targetReachedBy(sweep: ResolvedSweep, trials: readonly TrialRecord[]): { number: number; value: number } | undefined {
  const metric = sweep.metric;
  if (metric?.target === undefined) return undefined;
  for (const t of trials) {
    const v = bestValue(t.metricHistory, metric.goal);
    if (v !== undefined && reachedTarget(v, metric.target, metric.goal)) return { number: t.number, value: v };
  }
  return undefined;
}

/** The named metric's value in one logged step, if present and a finite number. */
export function metricValue(name: string, metrics: Readonly<Record<string, unknown>>): number | undefined {
  const v = lookup(metrics, name);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `a.b` finds `{ "a.b": 1 }` first, then `{ a: { b: 1 } }` (wandb.log accepts both spellings). */
function lookup(obj: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in obj) return obj[name];
  let cur: unknown = obj;
  for (const part of name.split('.')) {
    if (typeof cur !== 'object' || cur === null || !(part in cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Best trial by value under the sweep's goal (ties: lowest number). */
export function bestTrial<T extends TrialRecord>(sweep: ResolvedSweep, trials: readonly T[]): { trial: T; value: number } | undefined {
  const goal = sweep.metric?.goal;
  if (goal === undefined) return undefined;
  let best: { trial: T; value: number } | undefined;
  for (const t of trials) {
    const v = bestValue(t.metricHistory, goal);
    if (v === undefined) continue;
    if (best === undefined || (goal === 'minimize' ? v < best.value : v > best.value)) best = { trial: t, value: v };
  }
  return best;
}
