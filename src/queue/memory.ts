/**
 * The in-process twin of the BullMQ queue (`ff run`, unit tests): no Redis, same semantics, checked
 * by the same conformance suite (test/integration/queue/queue-suite.ts):
 *  - per-sweep FIFO; a job id already waiting or running is not added again (as in BullMQ, whose
 *    finished jobs are removed, an id can be used again once its job has finished);
 *  - a consumer runs at most `concurrency` processors; jobs it cannot accept (unknown contract
 *    version, another sweep) fail without reaching the processor;
 *  - `close(true)` waits for running processors, `close(false)` returns at once.
 */
import type { ConsumerOptions, TrialConsumer, TrialJob, TrialProcessor, TrialQueue } from './contract.js';
import { jobId } from './contract.js';
import { jobProblem } from './check.js';
import { onceReporter } from './report.js';
import { ConsumerPool } from './pool.js';
import type { SlotLimiter } from './slots.js';

class SweepLine {
  /** Waiting jobs; `head` avoids O(n) shifts on long queues. */
  private jobs: TrialJob[] = [];
  private head = 0;
  /** Ids of jobs waiting or running. */
  readonly known = new Set<string>();
  paused = false;

  get size(): number {
    return this.jobs.length - this.head;
  }

  push(job: TrialJob): void {
    this.jobs.push(job);
  }

  shift(): TrialJob | undefined {
    if (this.head >= this.jobs.length) return undefined;
    const job = this.jobs[this.head++];
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs = this.jobs.slice(this.head);
      this.head = 0;
    }
    return job;
  }

  clear(): void {
    for (let i = this.head; i < this.jobs.length; i++) this.known.delete(jobId(this.jobs[i]));
    this.jobs = [];
    this.head = 0;
  }
}

export class MemoryTrialQueue implements TrialQueue {
  private readonly lines = new Map<string, SweepLine>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private closed = false;

  async enqueue(jobs: readonly TrialJob[]): Promise<void> {
    if (this.closed) throw new Error('the trial queue is closed');
    const touched = new Set<string>();
    for (const job of jobs) {
      const line = this.line(job.sweepId);
      const id = jobId(job);
      if (line.known.has(id)) continue;
      line.known.add(id);
      line.push(job);
      touched.add(job.sweepId);
    }
    for (const sweepId of touched) for (const wake of this.listeners.get(sweepId) ?? []) wake();
  }

  async waiting(sweepId: string): Promise<number> {
    return this.lines.get(sweepId)?.size ?? 0;
  }

  async pause(sweepId: string): Promise<void> {
    this.line(sweepId).paused = true;
  }

  async resume(sweepId: string): Promise<void> {
    this.line(sweepId).paused = false;
    for (const wake of this.listeners.get(sweepId) ?? []) wake();
  }

  async drop(sweepId: string): Promise<void> {
    this.lines.get(sweepId)?.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const line of this.lines.values()) line.clear();
  }

  /** @internal Next waiting job of a sweep (consumers only). */
  take(sweepId: string): TrialJob | undefined {
    const line = this.lines.get(sweepId);
    return line === undefined || line.paused ? undefined : line.shift();
  }

  /** @internal A taken job has finished; its id may be used again. */
  finished(job: TrialJob): void {
    this.lines.get(job.sweepId)?.known.delete(jobId(job));
  }

  /** @internal Calls `wake` whenever jobs arrive for `sweepId`; returns the unsubscribe. */
  subscribe(sweepId: string, wake: () => void): () => void {
    let set = this.listeners.get(sweepId);
    if (!set) this.listeners.set(sweepId, (set = new Set()));
    set.add(wake);
    return () => set.delete(wake);
  }

  private line(sweepId: string): SweepLine {
    let line = this.lines.get(sweepId);
    if (!line) this.lines.set(sweepId, (line = new SweepLine()));
    return line;
  }
}

export interface MemoryConsumerOptions extends ConsumerOptions {
  readonly queue: MemoryTrialQueue;
  readonly sweepId: string;
  readonly processor: TrialProcessor;
  /** Jobs that failed (refused, or the processor threw). */
  readonly onError?: (err: Error) => void;
  /** A process-wide limit shared with other consumers. */
  readonly slots?: SlotLimiter;
}

export class MemoryTrialConsumer implements TrialConsumer {
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly report: (err: unknown) => void;
  private readonly unsubscribe: () => void;
  private scheduled = false;
  private closing = false;

  constructor(private readonly opts: MemoryConsumerOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new RangeError(`consumer concurrency must be an integer >= 1 (got ${String(opts.concurrency)})`);
    }
    this.report = onceReporter(opts.onError);
    this.unsubscribe = opts.queue.subscribe(opts.sweepId, () => this.wake());
    this.wake();
  }

  async close(drain: boolean): Promise<void> {
    this.closing = true;
    this.unsubscribe();
    if (!drain) {
      this.abort.abort();
      return;
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Pumps on a microtask, so an `enqueue` never runs processors inside its own call. */
  private wake(): void {
    if (this.scheduled || this.closing) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.opts.concurrency) {
      const job = this.opts.queue.take(this.opts.sweepId);
      if (job === undefined) return;
      const p: Promise<void> = this.process(job).finally(() => {
        this.opts.queue.finished(job);
        this.running.delete(p);
        this.wake();
      });
      this.running.add(p);
    }
  }

  private async process(job: TrialJob): Promise<void> {
    const { processor, slots, sweepId } = this.opts;
    try {
      const problem = jobProblem(job, sweepId);
      if (problem !== undefined) throw new Error(problem);
      // The result is dropped, as with BullMQ: the durable record is the trial store's.
      await (slots ? slots.run(() => processor(job), this.abort.signal) : processor(job));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.report(new Error(`trial job ${jobId(job)} of sweep ${sweepId} failed: ${msg}`));
    }
  }
}

/** A {@link ConsumerPool} of in-memory consumers on one queue. */
export function memoryConsumerPool(queue: MemoryTrialQueue, concurrency: number, onError?: (err: Error) => void): ConsumerPool {
  return new ConsumerPool(concurrency, (sweepId, processor, perSweep, slots) => {
    return new MemoryTrialConsumer({ queue, sweepId, processor, concurrency: perSweep, slots, onError });
  });
}
