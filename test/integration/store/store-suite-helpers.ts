/** Helpers shared by the store conformance suite (store-suite*.ts). */
import type { StoreEvent, TrialLease, TrialStore } from '../../../src/coordinator/store.js';
import type { StopChannel } from '../../../src/coordinator/store.js';
import type { SweepMeta, TrialDetail } from '../../../src/coordinator/types.js';
import type { Goal } from '../../../src/core/trial.js';
import { makeSweep } from '../../helpers/sweeps.js';

export interface StoreHarness {
  readonly store: TrialStore;
  /** Stop channel bound to the same store. */
  readonly stop: StopChannel;
  readonly cleanup: () => Promise<void>;
  /** Another store over the same data (closed by `cleanup`); default: `store` itself. */
  readonly peer?: () => Promise<TrialStore>;
  /** Trials in the bulk-read case (default 2500; smaller where each claim writes files). */
  readonly bulkTrials?: number;
}

export type MakeHarness = () => Promise<StoreHarness>;

let created = 0;

export function sweepOf(goal: Goal = 'minimize'): ReturnType<typeof makeSweep> {
  return makeSweep({ parameters: { x: { distribution: 'uniform', min: 0, max: 1 } }, metric: { name: 'loss', goal } });
}

/** Meta with distinct, increasing creation times (lists are sorted by them). */
export function metaOf(id: string, state: SweepMeta['state'] = 'running'): SweepMeta {
  created += 1;
  return { id, source: 'test-sweep.yaml', seed: 7, createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, created)).toISOString(), state };
}

export function leaseOf(t: TrialDetail): TrialLease {
  return { sweepId: t.sweepId, number: t.number, attempt: t.attempt, dispatch: t.dispatch ?? 1 };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves with the value, or with 'timeout' after `ms` (a generous bound, not a timing assertion). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

/** Every event after `cursor` (non-blocking). */
export async function drain(store: TrialStore, cursor: string): Promise<{ cursor: string; events: StoreEvent[] }> {
  const events: StoreEvent[] = [];
  for (;;) {
    const batch = await store.readEvents(cursor, 0, 500);
    events.push(...batch.events);
    if (batch.events.length === 0) return { cursor, events };
    cursor = batch.cursor;
  }
}

/** A running sweep `s` with `n` queued trials (params x = 0.1·i). */
export async function sweepWithTrials(store: TrialStore, n: number, goal: Goal = 'minimize', id = 's'): Promise<TrialDetail[]> {
  await store.createSweep(sweepOf(goal), metaOf(id));
  const requests = Array.from({ length: n }, (_, i) => ({ params: { x: i / 10 } }));
  return (await store.claimTrials(id, requests, undefined)).claimed;
}

/** A sweep with one trial started by worker `w1`; returns its lease. */
export async function runningTrial(store: TrialStore, leaseMs = 60000, goal: Goal = 'minimize'): Promise<TrialLease> {
  const [t] = await sweepWithTrials(store, 1, goal);
  const lease = leaseOf(t!);
  const started = await store.startTrial(lease, 'w1', leaseMs);
  expect(started.ok).toBe(true);
  return lease;
}
