/**
 * Trials as the engine sees them. Samplers and early-stop rules are pure functions of
 * (resolved config, these records, seed): everything durable lives in the trial store.
 */
import type { FlatParams } from './params.js';

/**
 * - `queued`: suggested and claimed, not yet started by a worker (counts as pending for samplers)
 * - `running`: a worker is executing it
 * - `finished`: exited successfully
 * - `stopped`: ended early by an early-stop rule or by the user (Optuna's PRUNED)
 * - `failed`: non-zero exit, crash, or retries exhausted
 */
export type TrialState = 'queued' | 'running' | 'finished' | 'stopped' | 'failed';
export const TERMINAL_STATES: readonly TrialState[] = ['finished', 'stopped', 'failed'];
export function isTerminal(state: TrialState): boolean {
  return state === 'finished' || state === 'stopped' || state === 'failed';
}

export type Goal = 'minimize' | 'maximize';

/** What the decision code needs to know about one trial. */
export interface TrialRecord {
  /** 0-based, dense, assigned at suggestion time. */
  readonly number: number;
  readonly params: FlatParams;
  readonly state: TrialState;
  /**
   * Finite values of the sweep's metric, in the order they were logged (one per logged step that
   * contained it). W&B's hyperband "iteration" is an index into this list.
   */
  readonly metricHistory: readonly number[];
}

/** Best value of a history for a goal (W&B: a run's objective is the best value it ever logged). */
export function bestValue(history: readonly number[], goal: Goal): number | undefined {
  let best: number | undefined;
  for (const v of history) {
    if (!Number.isFinite(v)) continue;
    if (best === undefined || (goal === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/** `a` is strictly better than `b` under the goal. */
export function isBetter(a: number, b: number, goal: Goal): boolean {
  return goal === 'minimize' ? a < b : a > b;
}

/** Sign that turns a value into a loss (smaller is better). */
export function lossSign(goal: Goal): 1 | -1 {
  return goal === 'minimize' ? 1 : -1;
}

/** `value` has reached `target` under the goal (W&B: at or past the target). */
export function reachedTarget(value: number, target: number, goal: Goal): boolean {
  return goal === 'minimize' ? value <= target : value >= target;
}
