/**
 * The early-stop seam: decides whether a running trial goes on. Knows nothing of samplers or Redis.
 * Pure function of (resolved sweep, trial records, trial number); applied at every report.
 */
import type { TrialRecord } from '../core/trial.js';
import type { ResolvedSweep } from '../config/types.js';

export interface StopDecision {
  readonly trialNumber: number;
  readonly stop: boolean;
  /** The band (iteration count) the trial was judged at, if any. */
  readonly band?: number;
  /** The threshold at that band. */
  readonly threshold?: number;
  /** The trial's value compared with the threshold (at the band when strict, best so far otherwise). */
  readonly value?: number;
  /** One human sentence: band, threshold, value, STOP or go on. Shown by `ff status`. */
  readonly explanation: string;
}

export interface EarlyStopContext {
  readonly sweep: ResolvedSweep;
  readonly trials: readonly TrialRecord[];
  readonly trialNumber: number;
}

export interface EarlyStopRule {
  decide(ctx: EarlyStopContext): StopDecision;
}
