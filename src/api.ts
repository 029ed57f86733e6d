/**
 * feature-forge as a library. `runSweep` runs a whole sweep in this process — the coordinator,
 * a memory trial store (optionally writing the runs folder) and in-process workers: the same
 * classes `ff run` and the distributed deployment use — with either the sweep's own
 * program/command or an in-process objective function:
 *
 *   import { runSweep, loadSweepFile } from 'feature-forge';
 *   const result = await runSweep({
 *     sweep: loadSweepFile('sweeps/demo.yaml'),
 *     seed: 0,
 *     parallel: 2,
 *     objective: async (config, { report, shouldStop }) => {
 *       for (let epoch = 1; epoch <= 10 && !shouldStop(); epoch++) await report({ val_loss: train(config, epoch) });
 *     },
 *   });
 *   console.log(result.best);
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedSweep } from './config/types.js';
import { Coordinator, type CoordinatorEvent } from './coordinator/coordinator.js';
import { bestTrial } from './coordinator/policy.js';
import type { SweepMeta, TrialDetail } from './coordinator/types.js';
import { executorSpecFor } from './executor/spec.js';
import { FunctionExecutor, type TrialFunction } from './executor/function.js';
import { memoryConsumerPool, MemoryTrialQueue } from './queue/memory.js';
import { MemoryTrialStore } from './store/memory-store.js';
import type { Tracker } from './tracker/types.js';
import { WorkerRuntime } from './worker/runtime.js';

export { loadSweepFile, resolveSweepObject, checkSweepFile } from './config/index.js';
export type { ResolvedSweep } from './config/types.js';
export type { TrialFunction, TrialFunctionContext } from './executor/function.js';
export { TrialStoppedError, FFError, ConfigError } from './core/errors.js';
export type { CoordinatorEvent } from './coordinator/coordinator.js';
export type { SweepMeta, TrialDetail } from './coordinator/types.js';
// the MALMAS feature engineer, usable on its own
export { MalmasFeatureEngineer } from './malmas/pipeline.js';
export { runEngineer, type EngineerOptions, type EngineerResult, type EngineerEvent } from './malmas/engineer.js';
export { FeatureSet, type FeatureMeta } from './malmas/feature-set.js';
export { writeArtifacts } from './malmas/artifacts.js';
export { readCsv, parseCsv, type Table, type Column } from './malmas/dataset/index.js';
export { createProposer } from './malmas/setup.js';
// experiment trackers
export { createTracker, TRACKER_NAMES } from './tracker/registry.js';
export type { Tracker, TrackerRun, RunInit, TrackerOptions } from './tracker/types.js';

export interface RunSweepOptions {
  readonly sweep: ResolvedSweep;
  /** Same seed, same suggestions (given the same results). */
  readonly seed: number;
  /** Trials at once (default 1). */
  readonly parallel?: number;
  /** The objective, in this process; without it the sweep's `program` / `command` runs. */
  readonly objective?: TrialFunction;
  /** Keep the sweep in this runs folder (readable by `ff status`); default: memory only. */
  readonly runsDir?: string;
  /** Working directory of command trials (default: this process's). */
  readonly cwd?: string;
  /** SIGTERM → SIGKILL delay for command trials (default 30 s). */
  readonly graceMs?: number;
  /** Aborting it cancels the sweep: no new trials, running ones are stopped. */
  readonly signal?: AbortSignal;
  readonly sweepId?: string;
  readonly source?: string;
  /** Every coordinator event, with the trials as they stand. */
  readonly onEvent?: (event: CoordinatorEvent, trials: readonly TrialDetail[]) => void;
  readonly log?: (line: string) => void;
  /** Tracks every trial as a run (see `createTracker`); default: not tracked. Closed at the end. */
  readonly tracker?: Tracker;
}

export interface RunSweepResult {
  readonly sweepId: string;
  readonly meta: SweepMeta;
  readonly trials: readonly TrialDetail[];
  readonly best?: { readonly trial: TrialDetail; readonly value: number };
}

const IN_PROCESS = { kind: 'builtin', name: 'in-process objective' } as const;

export async function runSweep(opts: RunSweepOptions): Promise<RunSweepResult> {
  const { sweep, objective } = opts;
  const parallel = Math.max(1, Math.floor(opts.parallel ?? 1));
  const sweepId = opts.sweepId ?? randomBytes(4).toString('hex');
  if (objective === undefined) executorSpecFor(sweep, opts.cwd); // unknown built-in or nothing to run: fail now
  const store = new MemoryTrialStore(opts.runsDir !== undefined ? { persistDir: opts.runsDir } : {});
  await store.createSweep(sweep, { id: sweepId, source: opts.source ?? sweep.source, seed: opts.seed, createdAt: new Date().toISOString(), state: 'running' });
  const queue = new MemoryTrialQueue();
  // trial folders (logs, config files): in the runs folder, or a scratch folder removed at the end
  const workDir = opts.runsDir ?? mkdtempSync(join(tmpdir(), 'ff-sweep-'));
  const worker = new WorkerRuntime({
    store,
    stopChannel: store.stopChannel(),
    pool: memoryConsumerPool(queue, parallel),
    sweeps: [sweepId],
    id: 'local',
    // one process: a trial cannot lose its worker, so the lease only needs to outlive the run
    leaseMs: 24 * 3600 * 1000,
    graceMs: opts.graceMs ?? 30000,
    workDir,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(objective !== undefined ? { executorFor: () => new FunctionExecutor(objective) } : {}),
    ...(opts.tracker !== undefined ? { tracker: opts.tracker } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const coordinator: Coordinator = new Coordinator({
    store,
    queue,
    sweeps: [sweepId],
    exitWhenIdle: true,
    ...(opts.cwd !== undefined ? { commandCwd: opts.cwd } : {}),
    ...(objective !== undefined ? { executorFor: () => IN_PROCESS } : {}),
    ...(opts.onEvent ? { onEvent: (e: CoordinatorEvent) => opts.onEvent!(e, coordinator.trials(sweepId)) } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const onAbort = (): void => void store.setSweepState(sweepId, 'cancelled', String(opts.signal?.reason ?? 'cancelled'));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await worker.start();
    await coordinator.run(new AbortController().signal);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await worker.shutdown('finish');
    if (opts.runsDir === undefined) rmSync(workDir, { recursive: true, force: true });
  }
  const trials = await store.getTrials(sweepId);
  const meta = (await store.getSweep(sweepId))!.meta;
  const best = bestTrial(sweep, trials);
  return { sweepId, meta, trials, ...(best ? { best } : {}) };
}
