/**
 * A small pool of worker threads that trains cross-validation folds in parallel. Folds are
 * independent and each is computed by the same deterministic code, so results do not depend on
 * the number of threads or on which thread ran which fold. The data is shared, not copied
 * (see {@link shareData}); only the validation predictions travel back, transferred.
 *
 * `threads: 1`, or a build without the compiled worker file next to this module (e.g. tests that
 * import the TypeScript sources), runs every fold inline on the calling thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FFError, type ErrorCode } from '../../core/errors.js';
import { runFold, type FoldOutput, type FoldTask } from './fold-task.js';

/** Messages between the pool and cv-worker.js (versioned, as everything crossing a thread boundary). */
export interface WorkerRequest {
  readonly v: 1;
  readonly id: number;
  readonly task: FoldTask;
}
export type WorkerReply =
  | { readonly v: 1; readonly id: number; readonly ok: true; readonly out: FoldOutput }
  | { readonly v: 1; readonly id: number; readonly ok: false; readonly error: { name: string; message: string; code: ErrorCode | undefined } };

/** min(2, available cores): the default for cross-validation. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

const WORKER_URL = new URL('./cv-worker.js', import.meta.url);

interface Job {
  readonly id: number;
  readonly task: FoldTask;
  readonly resolve: (o: FoldOutput) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | null;
}

export class GbdtPool {
  /** True when folds run on worker threads; false when they run inline. */
  readonly threaded: boolean;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(readonly threads: number = defaultThreads()) {
    if (!Number.isInteger(threads) || threads < 1) throw new FFError('FF_USAGE', `threads = ${threads}; it must be an integer ≥ 1`);
    this.threaded = threads > 1 && existsSync(fileURLToPath(WORKER_URL));
  }

  /** Number of folds that can run at once. */
  get size(): number {
    return this.threaded ? this.threads : 1;
  }

  run(task: FoldTask): Promise<FoldOutput> {
    if (this.closed) return Promise.reject(new FFError('FF_INTERNAL', 'GbdtPool.run after close(); create a new pool'));
    if (!this.threaded) {
      try {
        return Promise.resolve(runFold(task));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return new Promise<FoldOutput>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; queued folds are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new FFError('FF_INTERNAL', 'GbdtPool closed before the fold ran'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (slot === undefined && this.slots.length < this.threads) slot = this.spawn();
      if (slot === undefined) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref(); // a running fold keeps the process alive; an idle pool does not
      const msg: WorkerRequest = { v: 1, id: job.id, task: job.task };
      slot.worker.postMessage(msg);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL);
    const slot: Slot = { worker, job: null };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      slot.job = null;
      worker.unref();
      if (job !== null && job.id === reply.id) {
        if (reply.ok) job.resolve(reply.out);
        else job.reject(reply.error.code !== undefined ? new FFError(reply.error.code, reply.error.message) : Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      }
      this.dispatch();
    });
    // the worker is gone: fail its fold, forget it, and let the queue use a fresh one
    const lost = (err: Error): void => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.job?.reject(err);
      slot.job = null;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new FFError('FF_INTERNAL', `a cross-validation worker exited (code ${code}) while training a fold`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}
