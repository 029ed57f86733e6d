/**
 * One sweep as the coordinator drives it, and the pure decisions about it: which parameter sets
 * to claim next for the free slots (with finite-space and duplicate rules), how many trials may be
 * in flight, and the job that carries a trial to a worker. No I/O here.
 */
import { canonicalParams, isSearchable, nestParams } from '../core/params.js';
import type { TrialRecord } from '../core/trial.js';
import type { ResolvedSweep } from '../config/types.js';
import { createEarlyStop } from '../early-stop/registry.js';
import type { EarlyStopRule } from '../early-stop/types.js';
import type { ExecutorSpec, TrialJob } from '../queue/contract.js';
import { createSampler } from '../search/registry.js';
import type { Sampler } from '../search/types.js';
import type { ClaimRequest } from './store.js';
import type { SweepMeta, TrialDetail } from './types.js';

export interface Active {
  meta: SweepMeta;
  readonly sweep: ResolvedSweep;
  readonly trials: TrialDetail[];
  readonly sampler: Sampler;
  readonly earlyStop: EarlyStopRule | undefined;
  readonly spec: ExecutorSpec;
  /**
   * Claims carry the point's canonical key, so a point is never claimed twice: grid, and spaces
   * with a continuous dimension, where an exact repeat only happens when two coordinators suggest
   * for the same trial number at once (the second claim gets the next number, with the first's
   * params): refused as a duplicate, it is suggested again for its real number.
   */
  readonly keyNames: readonly string[] | undefined;
  /** Random/bayes over a finite space: its parameters, so concurrent trials never repeat a point. */
  readonly finiteNames: readonly string[] | undefined;
  /** Why no further trial will be created, once known. */
  exhausted?: string;
  /** Whether the sweep's queue is paused (it follows the sweep's state). */
  queuePaused: boolean;
  readonly stopRequested: Set<number>;
  readonly lastBand: Map<number, number>;
  /** When the job of each queued trial was last sent (ms since epoch). */
  readonly sentAt: Map<number, number>;
}

export const isInflight = (t: TrialRecord): boolean => t.state === 'queued' || t.state === 'running';

/**
 * Trials in flight per slot: 2 when suggestions do not depend on results (random, grid), so a
 * worker never waits for the coordinator to react; 1 for bayes (no stale suggestions) and for
 * finite random spaces (concurrent trials must not repeat a point).
 */
export function lookahead(a: Active): number {
  return a.sweep.method === 'bayes' || a.finiteNames !== undefined ? 1 : 2;
}

/** Distributions with finitely many values. */
const FINITE = new Set<string>(['categorical', 'categorical_w_probabilities', 'int_uniform']);
/** Re-draws when a finite space's suggestion repeats a concurrent trial (then it is accepted). */
const MAX_RETRIES = 32;

export function createActive(meta: SweepMeta, sweep: ResolvedSweep, trials: TrialDetail[], spec: ExecutorSpec): Active {
  const searchable = sweep.parameters.filter(isSearchable);
  const finite = searchable.length > 0 && searchable.every((p) => FINITE.has(p.distribution));
  const names = searchable.map((p) => p.name);
  return {
    meta,
    sweep,
    trials,
    sampler: createSampler(sweep),
    earlyStop: createEarlyStop(sweep),
    spec,
    keyNames: sweep.method === 'grid' || searchable.some((p) => !FINITE.has(p.distribution)) ? names : undefined,
    finiteNames: sweep.method !== 'grid' && finite ? names : undefined,
    queuePaused: false,
    stopRequested: new Set(trials.filter((t) => t.stopReason !== undefined && isInflight(t)).map((t) => t.number)),
    lastBand: new Map(),
    sentAt: new Map(),
  };
}

/**
 * Up to `free` parameter sets to claim, each suggested with the earlier ones counted as queued.
 * In a finite random/bayes space a suggestion that repeats a concurrent trial is drawn again (up to
 * MAX_RETRIES times). `exhausted` is set when the sampler has nothing left (grid).
 */
export function suggestBatch(a: Active, free: number): { requests: ClaimRequest[]; exhausted?: string } {
  const { sweep } = a;
  const provisional: TrialRecord[] = [...a.trials];
  const requests: ClaimRequest[] = [];
  const names = a.finiteNames;
  const concurrent = names ? new Set(provisional.filter(isInflight).map((t) => canonicalParams(t.params, names))) : undefined;
  for (let i = 0; i < free; i++) {
    if (sweep.runCap !== undefined && provisional.length >= sweep.runCap) break;
    const number = provisional.length;
    let suggestion = a.sampler.suggest({ sweep, trials: provisional, seed: a.meta.seed, trialNumber: number });
    if (suggestion === null) {
      return requests.length === 0 ? { requests, exhausted: `search space exhausted after ${a.trials.length} trials` } : { requests };
    }
    if (concurrent !== undefined && names !== undefined) {
      for (let retry = 1; retry <= MAX_RETRIES && concurrent.has(canonicalParams(suggestion.params, names)); retry++) {
        suggestion = a.sampler.suggest({ sweep, trials: provisional, seed: a.meta.seed, trialNumber: number, retry }) ?? suggestion;
      }
      concurrent.add(canonicalParams(suggestion.params, names));
    }
    requests.push({
      params: suggestion.params,
      ...(a.keyNames ? { key: canonicalParams(suggestion.params, a.keyNames) } : {}),
      ...(suggestion.info ? { suggestion: suggestion.info } : {}),
    });
    provisional.push({ number, params: suggestion.params, state: 'queued', metricHistory: [] });
  }
  return { requests };
}

export function toJob(a: Active, t: TrialDetail): TrialJob {
  return {
    v: 1,
    sweepId: a.meta.id,
    trialId: t.id,
    number: t.number,
    attempt: t.attempt,
    dispatch: t.dispatch ?? 1,
    params: t.params,
    config: nestParams(a.sweep.parameters, t.params),
    executor: a.spec,
  };
}
