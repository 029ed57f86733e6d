/**
 * Where `ff compare` reads sweeps from. A source hands back one sweep with every trial's logged
 * steps, in one shape whatever keeps it (runs folder, Redis, or later an MLflow tracking server),
 * so the summary and the report never know where the numbers came from.
 */
import type { FlatParams } from '../core/params.js';
import type { Goal, TrialState } from '../core/trial.js';
import { LocalSweepStore } from '../coordinator/file-store.js';
import type { TrialStore } from '../coordinator/store.js';
import type { SweepMeta } from '../coordinator/types.js';

export interface CompareTrial {
  readonly number: number;
  readonly state: TrialState;
  /** Flat, keyed by the parameters' dotted names (as `ResolvedSweep.parameters[].name`). */
  readonly params: FlatParams;
  /** Every logged step in order, each the metrics object as the program reported it. */
  readonly steps: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** ISO 8601 times; absent for a trial that never started (or a source that does not know). */
  readonly startedAt?: string;
  readonly endedAt?: string;
}

/** What a comparison needs of a sweep (a ResolvedSweep is one; a tracker may only know this much). */
export interface SweepInfo {
  readonly name?: string;
  readonly parameters: ReadonlyArray<{ readonly name: string; readonly path: readonly string[] }>;
  readonly metric?: { readonly name: string; readonly goal: Goal };
}

export interface CompareData {
  readonly sweep: SweepInfo;
  readonly meta: Pick<SweepMeta, 'id' | 'source'>;
  /** In trial-number order. */
  readonly trials: readonly CompareTrial[];
}

/** A place that keeps sweeps. Implement this to compare sweeps kept somewhere else. */
export interface CompareSource {
  /** Where the sweeps are, for messages: a folder, or `redis <url> prefix <p>`. */
  readonly location: string;
  /** Ids of every sweep this source holds (callers resolve prefixes against them). */
  sweepIds(): Promise<string[]>;
  /** One sweep and all its trials' steps; undefined when this source has no such sweep. */
  load(sweepId: string): Promise<CompareData | undefined>;
}

/** Sweeps run with `ff run`, in a runs folder. */
export function localSource(runsDir: string): CompareSource {
  return {
    location: runsDir,
    sweepIds: async () => LocalSweepStore.list(runsDir).map((f) => f.meta.id),
    load: async (sweepId) => {
      if (!LocalSweepStore.list(runsDir).some((f) => f.meta.id === sweepId)) return undefined;
      const store = LocalSweepStore.open(runsDir, sweepId);
      const trials = store.trials.map((t) =>
        trialOf(t, store.history(t.number).map(({ _step: _s, _time: _t, ...metrics }) => metrics)),
      );
      return { sweep: store.sweep, meta: store.meta, trials };
    },
  };
}

/** Sweeps in a trial store (Redis for distributed sweeps); the caller owns and closes the store. */
export function storeSource(store: TrialStore, location: string): CompareSource {
  return {
    location,
    sweepIds: async () => (await store.listSweeps()).map((m) => m.id),
    load: async (sweepId) => {
      const rec = await store.getSweep(sweepId);
      if (rec === undefined) return undefined;
      const details = await store.getTrials(sweepId);
      const trials: CompareTrial[] = [];
      // one trial at a time: a large sweep should not open thousands of requests at once
      for (const t of details) trials.push(trialOf(t, await store.getSteps(sweepId, t.number)));
      return { sweep: rec.sweep, meta: rec.meta, trials };
    },
  };
}

interface TrialLike {
  readonly number: number;
  readonly state: TrialState;
  readonly params: FlatParams;
  readonly startedAt?: string;
  readonly endedAt?: string;
}

function trialOf(t: TrialLike, steps: ReadonlyArray<Readonly<Record<string, unknown>>>): CompareTrial {
  return {
    number: t.number,
    state: t.state,
    params: t.params,
    steps,
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
  };
}
