/**
 * A worker: takes trial jobs from the queue of every sweep it serves, runs each with its executor,
 * and writes everything through the trial store, fenced by the trial's lease (sweep, number,
 * attempt, dispatch) so that a worker presumed dead can never overwrite a retry.
 *
 *  - registers itself (capacity = concurrency) and refreshes that registration: the coordinator
 *    only creates trials for live slots;
 *  - renews each running trial's lease; a lost lease or a stop notice (pushed by the store, and
 *    also returned by every report) aborts the trial at once;
 *  - every reported step is durable in the store before `report()` resolves;
 *  - on shutdown, running trials are either finished (`finish`) or handed back to the queue with
 *    the same params (`requeue`).
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ResolvedSweep } from '../config/types.js';
import { describeError } from '../core/errors.js';
import { metricValue } from '../coordinator/policy.js';
import type { StopChannel, TrialEnd, TrialLease, TrialStore, WorkerInfo } from '../coordinator/store.js';
import { createExecutor } from '../executor/spec.js';
import type { Executor, TrialOutcome } from '../executor/types.js';
import { CONTRACT_VERSION, type ExecutorSpec, type TrialJob, type TrialJobResult } from '../queue/contract.js';
import type { ConsumerPool } from '../queue/pool.js';
import type { Tracker } from '../tracker/types.js';
import { openTrialRun, type TrialRun } from './tracking.js';

export type ShutdownMode = 'finish' | 'requeue';

export interface WorkerRuntimeOptions {
  readonly store: TrialStore;
  readonly stopChannel: StopChannel;
  /** The queue consumers (BullMQ or memory), one per sweep, sharing `pool.concurrency` slots. */
  readonly pool: ConsumerPool;
  /** Serve only these sweeps (default: every running sweep). */
  readonly sweeps?: readonly string[];
  readonly id?: string;
  /** Lease of a running trial, renewed at a third of it (default 30 s). */
  readonly leaseMs?: number;
  /** SIGTERM → SIGKILL delay for command trials (default 30 s). */
  readonly graceMs?: number;
  /** Where trial folders (logs, config files) go: `<workDir>/<sweepId>/trials/<n>`. */
  readonly workDir: string;
  /** Working directory of command trials (default: this process's). */
  readonly cwd?: string;
  /** Builds a trial's executor (default: from the job's spec: a command or a built-in). */
  readonly executorFor?: (spec: ExecutorSpec) => Executor;
  /** Stop after running this many trials (`ff agent --count`). */
  readonly count?: number;
  /** With `sweeps`: shut down once every one of them has ended (`ff agent`). */
  readonly exitWhenDone?: boolean;
  /** How often an idle worker looks for new sweeps (default 0.1 s; a busy one every 2 s). */
  readonly discoverMs?: number;
  /** Tracks every trial as a run (default: none). Closed by `shutdown`. */
  readonly tracker?: Tracker;
  readonly log?: (line: string) => void;
}

interface Running {
  readonly lease: TrialLease;
  readonly abort: AbortController;
  handBack: boolean;
}

export class WorkerRuntime {
  readonly id: string;
  private readonly running = new Map<string, Running>();
  private readonly sweepCache = new Map<string, ResolvedSweep>();
  private readonly leaseMs: number;
  private readonly startedAt = new Date().toISOString();
  private started = 0;
  private stopping: ShutdownMode | undefined;
  private discovering = false;
  private timers: NodeJS.Timeout[] = [];
  private finished!: () => void;
  /** Resolves once the worker has shut down (count reached or `shutdown`). */
  readonly done: Promise<void>;

  constructor(private readonly opts: WorkerRuntimeOptions) {
    this.id = opts.id ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leaseMs = opts.leaseMs ?? 30000;
    this.done = new Promise((resolve) => (this.finished = resolve));
  }

  async start(): Promise<void> {
    await this.opts.stopChannel.subscribe((notice) => {
      const r = this.running.get(key(notice.sweepId, notice.number));
      if (r && !r.abort.signal.aborted) r.abort.abort(notice.reason);
    });
    await this.heartbeat();
    await this.discover();
    const beat = setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    // an idle slot looks for new sweeps often (a new sweep starts at once); a busy worker rarely
    let lastLook = Date.now();
    const look = setInterval(() => {
      if (this.running.size < this.opts.pool.concurrency || Date.now() - lastLook > 2000) {
        lastLook = Date.now();
        void this.discover();
      }
    }, this.opts.discoverMs ?? 100);
    this.timers.push(beat, look);
  }

  /** Stops taking trials; running ones are finished or handed back. Idempotent. */
  async shutdown(mode: ShutdownMode): Promise<void> {
    if (this.stopping !== undefined) {
      if (mode === 'requeue' && this.stopping === 'finish') this.handBackAll();
      return this.done;
    }
    this.stopping = mode;
    if (mode === 'requeue') this.handBackAll();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // closing with drain waits for running processors: finished trials, or handed back ones
    await this.opts.pool.close(true).catch((err: unknown) => this.log(`closing the queue consumers: ${describeError(err)}`));
    await this.opts.store.removeWorker(this.id).catch(() => undefined);
    await this.opts.stopChannel.close().catch(() => undefined);
    await this.opts.tracker?.close().catch(() => undefined);
    this.finished();
  }

  private handBackAll(): void {
    for (const r of this.running.values()) {
      r.handBack = true;
      if (!r.abort.signal.aborted) r.abort.abort('worker shutting down: trial handed back');
    }
  }

  private remaining(): number {
    const { concurrency } = this.opts.pool;
    const cap = this.opts.count === undefined ? concurrency : Math.min(concurrency, this.opts.count - this.started);
    return Math.max(0, cap);
  }

  private async heartbeat(): Promise<void> {
    const info: WorkerInfo = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      concurrency: this.stopping ? 0 : this.remaining(),
      ...(this.opts.sweeps ? { sweeps: this.opts.sweeps } : {}),
      startedAt: this.startedAt,
      running: this.running.size,
      lastSeen: new Date().toISOString(),
    };
    try {
      await this.opts.store.heartbeatWorker(info, this.leaseMs);
    } catch (err) {
      this.log(`heartbeat failed (${describeError(err)}); will retry`);
    }
  }

  /** Opens a consumer for each sweep this worker should serve, closes those of ended sweeps. */
  private async discover(): Promise<void> {
    if (this.stopping || this.discovering) return;
    this.discovering = true;
    let metas;
    try {
      metas = await this.opts.store.listSweeps();
    } catch (err) {
      this.log(`cannot list sweeps (${describeError(err)}); will retry`);
      return;
    } finally {
      this.discovering = false;
    }
    if (this.opts.exitWhenDone && this.opts.sweeps !== undefined) {
      const mine = metas.filter((m) => this.opts.sweeps!.includes(m.id));
      if (mine.length === this.opts.sweeps.length && mine.every((m) => m.endedAt !== undefined)) {
        void this.shutdown('finish');
        return;
      }
    }
    for (const meta of metas) {
      const serve = (this.opts.sweeps === undefined || this.opts.sweeps.includes(meta.id)) && meta.endedAt === undefined;
      const served = this.opts.pool.serving().includes(meta.id);
      if (serve && !served) {
        this.opts.pool.serve(meta.id, (job) => this.process(job));
      } else if (!serve && served) {
        void this.opts.pool.stop(meta.id, true).catch(() => undefined);
      }
    }
  }

  private async sweepOf(id: string): Promise<ResolvedSweep | undefined> {
    let s = this.sweepCache.get(id);
    if (s === undefined) {
      s = (await this.opts.store.getSweep(id))?.sweep;
      if (s !== undefined) this.sweepCache.set(id, s);
    }
    return s;
  }

  /** The queue processor: one job = one dispatch of one trial. */
  private async process(job: TrialJob): Promise<TrialJobResult> {
    const { store } = this.opts;
    const lease: TrialLease = { sweepId: job.sweepId, number: job.number, attempt: job.attempt, dispatch: job.dispatch };
    // The pool's slots are held while this runs (consumers of several sweeps share them).
    if (this.stopping !== undefined || (this.opts.count !== undefined && this.started >= this.opts.count)) {
      // shutting down, or over --count: give the trial back for another worker
      const start = await store.startTrial(lease, this.id, this.leaseMs);
      if (start.ok) await store.handBack(lease, 'worker stopped taking trials');
      return { v: CONTRACT_VERSION, status: 'handed-back' };
    }
    this.started += 1;
    const k = key(job.sweepId, job.number);
    const entry: Running = { lease, abort: new AbortController(), handBack: false };
    this.running.set(k, entry);
    let renew: NodeJS.Timeout | undefined;
    try {
      const start = await store.startTrial(lease, this.id, this.leaseMs);
      if (!start.ok) return { v: CONTRACT_VERSION, status: 'superseded', detail: start.reason };
      if (start.trial.stopReason !== undefined) entry.abort.abort(start.trial.stopReason);
      const sweep = await this.sweepOf(job.sweepId);
      const metric = sweep?.metric?.name;
      renew = setInterval(() => {
        store.renewLease(lease, this.leaseMs).then(
          (ok) => {
            if (!ok && !entry.abort.signal.aborted) entry.abort.abort('lease lost: the trial was given to another worker');
          },
          (err: unknown) => this.log(`lease renewal failed (${describeError(err)}); will retry`),
        );
      }, Math.max(50, Math.floor(this.leaseMs / 3)));
      const dir = join(this.opts.workDir, job.sweepId, 'trials', String(job.number));
      mkdirSync(dir, { recursive: true });
      const executor = this.opts.executorFor
        ? this.opts.executorFor(job.executor)
        : createExecutor(job.executor, { graceMs: this.opts.graceMs ?? 30000, ...(this.opts.cwd ? { cwd: this.opts.cwd } : {}) });
      const run: TrialRun | undefined = this.opts.tracker !== undefined ? await openTrialRun(this.opts.tracker, job, sweep, dir) : undefined;
      let outcome: TrialOutcome;
      try {
        outcome = await executor.run(
          { sweepId: job.sweepId, trialId: job.trialId, number: job.number, attempt: job.attempt, params: job.params, config: job.config },
          {
            report: async (metrics) => {
              const value = metric === undefined ? undefined : metricValue(metric, metrics);
              const r = await store.appendStep(lease, metrics, value, Date.now());
              // durable in the store first; the tracker gets it after, and never holds the trial up
              if (r.ok) run?.step(metrics);
              if (!r.ok) {
                if (!entry.abort.signal.aborted) entry.abort.abort('superseded: the trial was given to another worker');
              } else if (r.stop !== undefined && !entry.abort.signal.aborted) {
                entry.abort.abort(r.stop);
              }
            },
            signal: entry.abort.signal,
            dir,
            ...(run !== undefined ? { tracking: run.tracking } : {}),
          },
        );
      } catch (err) {
        outcome = { status: 'failed', error: `executor error: ${describeError(err)}` };
      }
      clearInterval(renew);
      renew = undefined;
      if (entry.handBack) {
        await store.handBack(lease, 'worker shut down before the trial ended');
        await run?.end({ status: 'stopped', reason: 'handed back to the queue' });
        return { v: CONTRACT_VERSION, status: 'handed-back' };
      }
      const end = toEnd(outcome, entry.abort.signal);
      // the result reaches the coordinator before the tracker is told (a slow server cannot delay it)
      await store.endTrial(lease, end);
      await run?.end(end);
      return { v: CONTRACT_VERSION, status: end.status };
    } finally {
      if (renew) clearInterval(renew);
      this.running.delete(k);
      if (this.opts.count !== undefined && this.started >= this.opts.count && this.running.size === 0 && this.stopping === undefined) {
        void this.shutdown('finish');
      }
    }
  }

  private log(line: string): void {
    this.opts.log?.(`worker ${this.id}: ${line}`);
  }
}

function toEnd(outcome: TrialOutcome, signal: AbortSignal): TrialEnd {
  if (outcome.status === 'failed' && !signal.aborted) {
    return {
      status: 'failed',
      error: outcome.error,
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(outcome.stderrTail !== undefined ? { stderrTail: outcome.stderrTail } : {}),
    };
  }
  if (signal.aborted) return { status: 'stopped', reason: String(signal.reason ?? 'stopped') };
  if (outcome.status === 'stopped') return { status: 'stopped', reason: outcome.reason };
  return { status: 'finished' };
}

function key(sweepId: string, number: number): string {
  return `${sweepId}#${number}`;
}

