/**
 * The sampler seam: decides what to try next. Knows nothing of Redis, processes or early stopping.
 * A sampler is a pure function of (resolved sweep, trial records, seed, trial number): it keeps no
 * hidden state between calls, so a restarted coordinator resumes exactly.
 */
import type { FlatParams } from '../core/params.js';
import type { TrialRecord } from '../core/trial.js';
import type { ResolvedSweep } from '../config/types.js';

export interface SearchContext {
  readonly sweep: ResolvedSweep;
  /**
   * Every trial of the sweep so far, in any state, ordered by number. Queued and running trials are
   * included: grid skips their points, TPE treats them with the constant liar.
   */
  readonly trials: readonly TrialRecord[];
  /** Sweep seed. */
  readonly seed: number;
  /** Number of the trial being suggested; randomness derives from (seed, trialNumber). */
  readonly trialNumber: number;
  /**
   * 0 (or absent) for the first try. When a suggestion in a finite space repeats a trial that is
   * still queued or running, the coordinator asks again with 1, 2, …: samplers mix it into their
   * randomness, so the retry is as deterministic as the first try.
   */
  readonly retry?: number;
}

/** The seed parts of one suggestion: (seed, purpose, trial number[, retry]). */
export function suggestionSeed(ctx: SearchContext, purpose: string): Array<number | string> {
  return ctx.retry ? [ctx.seed, purpose, ctx.trialNumber, ctx.retry] : [ctx.seed, purpose, ctx.trialNumber];
}

export interface Suggestion {
  /** One value for every parameter of the sweep, constants included, keyed by dotted name. */
  readonly params: FlatParams;
  /** Why this point (e.g. TPE's score, "startup: random"), kept with the trial. */
  readonly info?: Readonly<Record<string, unknown>>;
}

export interface Sampler {
  /** `null` when the search space is exhausted (grid); the sweep then ends. */
  suggest(ctx: SearchContext): Suggestion | null;
}
