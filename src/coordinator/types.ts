/**
 * Records the coordinator keeps about sweeps and trials. Plain JSON (they cross process
 * boundaries and live in files / Redis); the decision code reads the `TrialRecord` part.
 */
import type { FlatParams } from '../core/params.js';
import type { TrialRecord, TrialState } from '../core/trial.js';
import type { StopDecision } from '../early-stop/types.js';

/**
 * W&B's sweep states: running, paused (no new trials), stopped (no new trials, running ones
 * finish), cancelled (running ones stopped now), finished (space exhausted, run_cap or target).
 */
export type SweepState = 'running' | 'paused' | 'stopped' | 'cancelled' | 'finished' | 'failed';

export interface SweepMeta {
  readonly id: string;
  /** Config file it came from. */
  readonly source: string;
  readonly seed: number;
  readonly createdAt: string;
  state: SweepState;
  /** Why the sweep ended, in words ("grid exhausted after 12 trials", "run_cap 20 reached"). */
  endedReason?: string;
  endedAt?: string;
}

export interface TrialDetail extends TrialRecord {
  readonly id: string;
  readonly sweepId: string;
  state: TrialState;
  params: FlatParams;
  metricHistory: number[];
  attempt: number;
  /** Fencing token within an attempt: increases when a trial is handed back and sent again. */
  dispatch?: number;
  readonly createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** Number of logged steps (any metrics), not only those with the sweep metric. */
  steps: number;
  /** The last logged step's metrics. */
  lastMetrics?: Record<string, unknown>;
  /** Best value of the sweep metric so far (W&B: best ever logged). */
  value?: number;
  /** Latest early-stop decision (its explanation is shown by `ff status`). */
  decision?: StopDecision;
  /** Why it was stopped, when stopped. */
  stopReason?: string;
  error?: string;
  exitCode?: number | null;
  stderrTail?: string;
  /** What the sampler said about this suggestion. */
  suggestion?: Record<string, unknown>;
  /** Which worker ran it ("local" for `ff run`). */
  worker?: string;
}

/** Counts of trials by state. */
export type StateCounts = Record<TrialState, number>;

export function countStates(trials: readonly TrialRecord[]): StateCounts {
  const c: StateCounts = { queued: 0, running: 0, finished: 0, stopped: 0, failed: 0 };
  for (const t of trials) c[t.state]++;
  return c;
}
