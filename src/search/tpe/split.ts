/**
 * TPE's below/above split of the trial history, single objective.
 *
 * Source: optuna/samplers/_tpe/sampler.py (`default_gamma`, `default_weights`, `_split_trials`,
 * `_split_complete_trials_single_objective`, `_get_pruned_trial_score`), Optuna 5.0.0.dev @ 1d8ce7b;
 * shared/reference/sweeps-semantics.md §3.3. Semantics only.
 *
 * Trial states → Optuna states: finished with a value → COMPLETE (value = best value ever logged,
 * W&B's objective); finished without a value and failed → ignored (Optuna's FAIL); stopped → PRUNED;
 * queued/running → RUNNING (used only with the constant liar, and never the trial being suggested).
 *
 *  1. n = #COMPLETE + #PRUNED; n_below = gamma(n).
 *  2. The best min(n_below, #COMPLETE) complete trials go below (stable: earlier trials win ties).
 *  3. Remaining slots go to pruned trials ranked by (−last step, loss at the last step); a pruned
 *     trial that never reported ranks last (Optuna's key (1, 0)). Our "step" is the index in the
 *     metric history, so "got further" = more logged values.
 *  4. Everything else, running trials included, goes above. Both sets keep trial-number order,
 *     the order the age weights use.
 * Only the best ≤ 25 are selected, by insertion into a small sorted buffer: O(n), no full sort.
 */
import { bestValue, lossSign } from '../../core/trial.js';
import type { Goal, TrialRecord } from '../../core/trial.js';

/** Optuna's default gamma: min(⌈0.1·n⌉, 25). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights: n < 25 → ones; else linspace(1/n, 1, n−25) for the oldest, then 25 ones. */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const ramp = n - 25;
  const start = 1 / n;
  // numpy's linspace: start + i·(stop−start)/(num−1), the last point exactly `stop`; num 1 → [start]
  const delta = ramp > 1 ? (1 - start) / (ramp - 1) : 0;
  for (let i = 0; i < ramp; i++) w[i] = i === ramp - 1 && ramp > 1 ? 1 : start + i * delta;
  return w;
}

export interface SplitOptions {
  readonly goal: Goal;
  /** Put queued/running trials above (Optuna's constant liar). */
  readonly constantLiar: boolean;
  /** The trial being suggested: never used, whatever its state. */
  readonly trialNumber: number;
  readonly gamma: (n: number) => number;
}

export interface Split {
  /** Below (the good ones), in trial-number order. */
  readonly below: TrialRecord[];
  /** Above, in trial-number order (running trials included with the constant liar). */
  readonly above: TrialRecord[];
  /** #COMPLETE + #PRUNED: decides the end of the startup phase and gamma's argument. */
  readonly nObserved: number;
  readonly nComplete: number;
  readonly nPruned: number;
  readonly nRunning: number;
}

/** Keeps the k smallest (key1, key2) pairs seen so far; ties keep the earlier one. */
class SmallestK {
  readonly idx: number[] = [];
  private readonly k1: number[] = [];
  private readonly k2: number[] = [];
  constructor(private readonly k: number) {}

  offer(i: number, key1: number, key2: number): void {
    const n = this.idx.length;
    if (this.k <= 0) return;
    if (n === this.k && !less(key1, key2, this.k1[n - 1]!, this.k2[n - 1]!)) return;
    // insert after every entry that is not worse (stable)
    let pos = n;
    while (pos > 0 && less(key1, key2, this.k1[pos - 1]!, this.k2[pos - 1]!)) pos--;
    this.idx.splice(pos, 0, i);
    this.k1.splice(pos, 0, key1);
    this.k2.splice(pos, 0, key2);
    if (this.idx.length > this.k) {
      this.idx.pop();
      this.k1.pop();
      this.k2.pop();
    }
  }
}

function less(a1: number, a2: number, b1: number, b2: number): boolean {
  return a1 < b1 || (a1 === b1 && a2 < b2);
}

/** Trial kinds, Optuna's states: ignored (FAIL or the trial being suggested), COMPLETE, PRUNED, RUNNING. */
const IGNORED = 0;
const COMPLETE = 1;
const PRUNED = 2;
const RUNNING = 3;

/** Split `trials` (ordered by number) into below and above, as Optuna's TPE does. */
export function splitTrials(trials: readonly TrialRecord[], opts: SplitOptions): Split {
  const n = trials.length;
  const kind = new Uint8Array(n);
  const loss = new Float64Array(n);
  const sign = lossSign(opts.goal);
  let nComplete = 0;
  let nPruned = 0;
  let nRunning = 0;
  for (let i = 0; i < n; i++) {
    const t = trials[i]!;
    if (t.number === opts.trialNumber) continue;
    switch (t.state) {
      case 'finished': {
        const v = bestValue(t.metricHistory, opts.goal);
        if (v === undefined) break; // a finished trial that never logged the metric counts as failed
        kind[i] = COMPLETE;
        loss[i] = sign * v;
        nComplete++;
        break;
      }
      case 'stopped':
        kind[i] = PRUNED;
        nPruned++;
        break;
      case 'queued':
      case 'running':
        if (opts.constantLiar) {
          kind[i] = RUNNING;
          nRunning++;
        }
        break;
      case 'failed':
        break;
    }
  }
  const nObserved = nComplete + nPruned;
  let nBelow = Math.max(0, opts.gamma(nObserved));

  const isBelow = new Uint8Array(n);
  const bestComplete = new SmallestK(Math.min(nBelow, nComplete));
  for (let i = 0; i < n; i++) if (kind[i] === COMPLETE) bestComplete.offer(i, loss[i]!, 0);
  for (const i of bestComplete.idx) isBelow[i] = 1;
  nBelow -= bestComplete.idx.length;

  if (nBelow > 0 && nPruned > 0) {
    const bestPruned = new SmallestK(Math.min(nBelow, nPruned));
    for (let i = 0; i < n; i++) {
      if (kind[i] !== PRUNED) continue;
      const h = trials[i]!.metricHistory;
      if (h.length === 0) bestPruned.offer(i, 1, 0);
      else bestPruned.offer(i, -(h.length - 1), sign * h[h.length - 1]!);
    }
    for (const i of bestPruned.idx) isBelow[i] = 1;
  }

  const below: TrialRecord[] = [];
  const above: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    if (kind[i] === IGNORED) continue;
    (isBelow[i] === 1 ? below : above).push(trials[i]!);
  }
  return { below, above, nObserved, nComplete, nPruned, nRunning };
}
