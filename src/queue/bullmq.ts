/**
 * The only module that imports BullMQ (STYLE.md "One module talks to BullMQ"). BullMQ is transport
 * only: the trial store keeps the durable record, so finished jobs are removed at once, and BullMQ
 * never retries or re-runs a job. Retries are the coordinator's business: when a worker dies its
 * lease expires and the coordinator sends the trial again as a new attempt, with a new job id.
 *
 * Layout: one BullMQ queue per sweep, named `trials-<sweepId>`, under the BullMQ key prefix
 * `<ffPrefix>:bull`, so deployments and test runs sharing a Redis stay apart.
 *
 * BullMQ facts relied on (checked against bullmq 6.7.6, see reference/sweeps-semantics.md §4.5):
 *  - `addBulk` with a custom `jobId` that already exists adds nothing (ids may not contain `:`).
 *  - A worker renews its jobs' locks every `lockDuration / 2` from a timer; our processors await
 *    child processes and I/O and never block the event loop, so a trial may run for hours.
 *  - With `maxStalledCount: 0` a job whose lock lapsed (its worker died) is not run again: the
 *    stalled checker marks it for a deferred failure and the next worker that fetches it fails it
 *    ("job stalled more than allowable limit") without calling the processor. Until a worker of
 *    that sweep fetches it, the job sits in `wait` and `waiting()` counts it.
 *  - A worker that loses a job's lock (event loop blocked, or Redis unreachable, for longer than
 *    `lockMs`) is not told to stop: its processor runs on. Fencing is the trial store's (dispatch).
 */
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import { Redis } from 'ioredis';
import { FFError } from '../core/errors.js';
import { jobId } from './contract.js';
import type { ConsumerOptions, TrialConsumer, TrialJob, TrialJobResult, TrialProcessor, TrialQueue } from './contract.js';
import { jobProblem } from './check.js';
import { openRedis } from './redis-connection.js';
import { onceReporter } from './report.js';
import type { OpenedRedis, RedisConnectionSpec } from './redis-connection.js';
import { ConsumerPool } from './pool.js';
import type { SlotLimiter } from './slots.js';

export type { RedisConnectionSpec } from './redis-connection.js';

/** Jobs per `addBulk` call: large enough to amortise round trips, small enough not to hold Redis
 * inside one MULTI for long. */
const BULK_CHUNK = 1000;
const JOB_NAME = 'trial';

/** BullMQ queue name of a sweep. */
export function queueName(sweepId: string): string {
  if (sweepId.includes(':') || sweepId === '') {
    throw new FFError(
      'FF_USAGE',
      `sweep id ${JSON.stringify(sweepId)} cannot name a queue: it must be non-empty and must not contain ":" ` +
        '(use letters, digits, "-" or "_")',
    );
  }
  return `trials-${sweepId}`;
}

/** BullMQ key prefix for a feature-forge key prefix. */
export function bullPrefix(ffPrefix: string): string {
  return `${ffPrefix}:bull`;
}

export interface BullQueueOptions {
  readonly connection: RedisConnectionSpec;
  /** feature-forge key prefix (BullMQ keys go under `<prefix>:bull`). */
  readonly prefix: string;
  /** Connection errors; never thrown from an event handler. */
  readonly onError?: (err: Error) => void;
}

/** Producer side, used by the coordinator. */
export class BullTrialQueue implements TrialQueue {
  private readonly redis: OpenedRedis;
  private readonly report: (err: unknown) => void;
  private readonly queues = new Map<string, Queue<TrialJob, TrialJobResult>>();
  private closed = false;
  /** Rejects at close, so that no call waits on a connection that close() has dropped. */
  private readonly whenClosed: Promise<never>;
  private rejectClosed!: (err: Error) => void;

  constructor(private readonly opts: BullQueueOptions) {
    this.report = onceReporter(opts.onError);
    this.redis = openRedis(opts.connection, false, this.report);
    this.whenClosed = new Promise<never>((_, reject) => (this.rejectClosed = reject));
    this.whenClosed.catch(() => undefined);
  }

  enqueue(jobs: readonly TrialJob[]): Promise<void> {
    return this.guard(this.add(jobs));
  }

  private async add(jobs: readonly TrialJob[]): Promise<void> {
    const bySweep = new Map<string, TrialJob[]>();
    for (const job of jobs) {
      const list = bySweep.get(job.sweepId);
      if (list) list.push(job);
      else bySweep.set(job.sweepId, [job]);
    }
    await Promise.all(
      [...bySweep].map(async ([sweepId, list]) => {
        const queue = this.queue(sweepId);
        // Chunks go one after the other so FIFO order within the sweep is kept.
        for (let i = 0; i < list.length; i += BULK_CHUNK) {
          await queue.addBulk(
            list.slice(i, i + BULK_CHUNK).map((data) => ({
              name: JOB_NAME,
              data,
              opts: { jobId: jobId(data), removeOnComplete: true, removeOnFail: true, attempts: 1 },
            })),
          );
        }
      }),
    );
  }

  async waiting(sweepId: string): Promise<number> {
    const counts = await this.guard(this.queue(sweepId).getJobCounts('waiting', 'prioritized', 'delayed'));
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  async pause(sweepId: string): Promise<void> {
    await this.guard(this.queue(sweepId).pause());
  }

  async resume(sweepId: string): Promise<void> {
    await this.guard(this.queue(sweepId).resume());
  }

  async drop(sweepId: string): Promise<void> {
    const queue = this.queue(sweepId);
    this.queues.delete(sweepId);
    try {
      await this.guard(queue.obliterate({ force: true }));
    } finally {
      await queue.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectClosed(new FFError('FF_REDIS', 'the trial queue was closed before Redis answered'));
    const queues = [...this.queues.values()];
    this.queues.clear();
    if (this.redis.client.status !== 'ready') {
      // Redis is unreachable: BullMQ's close would wait for it (up to ioredis' retry limit).
      // Dropping the connection is enough; the Queue objects hold nothing else.
      await this.redis.release();
      return;
    }
    await Promise.allSettled(queues.map((q) => q.close()));
    await this.redis.release();
  }

  private guard<T>(op: Promise<T>): Promise<T> {
    return Promise.race([op, this.whenClosed]);
  }

  private queue(sweepId: string): Queue<TrialJob, TrialJobResult> {
    if (this.closed) throw new FFError('FF_INTERNAL', 'the trial queue is closed');
    let queue = this.queues.get(sweepId);
    if (!queue) {
      // Every Queue object shares our one client (BullMQ leaves a caller's client open).
      queue = new Queue<TrialJob, TrialJobResult>(queueName(sweepId), {
        connection: this.redis.client,
        prefix: bullPrefix(this.opts.prefix),
        // Commands go straight to ioredis, which fails them after its retries (or at close)
        // instead of BullMQ waiting for the connection forever.
        skipWaitingForReady: true,
      });
      queue.on('error', this.report);
      this.queues.set(sweepId, queue);
    }
    return queue;
  }
}

export interface BullConsumerOptions extends ConsumerOptions {
  readonly connection: RedisConnectionSpec;
  readonly prefix: string;
  readonly sweepId: string;
  readonly processor: TrialProcessor;
  /** Connection errors, and jobs that failed (bad version, stalled, processor threw). */
  readonly onError?: (err: Error) => void;
  /** How often this consumer looks for jobs whose worker died; defaults to `lockMs`. */
  readonly stalledIntervalMs?: number;
  /** Seconds one blocking fetch waits on an empty queue before it polls again (BullMQ `drainDelay`). */
  readonly drainDelaySec?: number;
  /** A process-wide limit shared with other consumers: a processor runs only while holding a slot. */
  readonly slots?: SlotLimiter;
}

/** Consumer side: one BullMQ Worker on one sweep's queue. */
export class BullTrialConsumer implements TrialConsumer {
  private readonly worker: Worker<unknown, TrialJobResult>;
  /** Aborted on a forced close, so jobs still waiting for a slot never start. */
  private readonly abort = new AbortController();

  constructor(opts: BullConsumerOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new RangeError(`consumer concurrency must be an integer >= 1 (got ${String(opts.concurrency)})`);
    }
    const report = onceReporter(opts.onError);
    const { sweepId, processor, slots } = opts;
    const lockMs = opts.lockMs ?? 30000;
    const signal = this.abort.signal;
    const run = async (job: Job<unknown, TrialJobResult>): Promise<TrialJobResult> => {
      const problem = jobProblem(job.data, sweepId);
      // Unrecoverable: even a job added with retries by someone else is not tried again.
      if (problem !== undefined) throw new UnrecoverableError(problem);
      const data = job.data as TrialJob;
      if (!slots) return processor(data);
      return slots.run(() => processor(data), signal);
    };
    this.worker = new Worker<unknown, TrialJobResult>(queueName(sweepId), run, {
      connection: bullConnection(opts.connection),
      prefix: bullPrefix(opts.prefix),
      concurrency: opts.concurrency,
      autorun: true,
      lockDuration: lockMs,
      stalledInterval: opts.stalledIntervalMs ?? lockMs,
      maxStalledCount: 0,
      drainDelay: opts.drainDelaySec ?? 5,
      // Our jobs carry their own removal options; these apply to foreign ones. Keeping a few
      // failed ones lets someone see why a job from another producer was refused.
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    this.worker.on('error', report);
    this.worker.on('failed', (job, err) => {
      report(new Error(`trial job ${job?.id ?? '(removed)'} of sweep ${sweepId} failed: ${err.message}`));
    });
  }

  /** Resolves once the worker's connections are up (useful in tests). */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  async close(drain: boolean): Promise<void> {
    if (!drain) this.abort.abort();
    await this.worker.close(!drain);
  }
}

/**
 * A worker never shares a caller's client (BullMQ duplicates it for its own blocking and regular
 * connections), so a URL or options are handed to BullMQ, which opens and closes those itself.
 */
function bullConnection(spec: RedisConnectionSpec): ConnectionOptions {
  if (typeof spec === 'string') return { url: spec };
  if (spec instanceof Redis) return spec;
  // ioredis allows `retryStrategy: null` (never reconnect); BullMQ's type wants a function.
  const { retryStrategy, ...rest } = spec;
  if (retryStrategy === undefined) return rest;
  return { ...rest, retryStrategy: retryStrategy ?? (() => null) };
}

export type BullPoolOptions = Omit<BullConsumerOptions, 'sweepId' | 'processor' | 'slots'>;

/**
 * A worker process's consumers, one per sweep, sharing `concurrency` slots (see pool.ts for the
 * cost: jobs taken while all slots are busy wait in this process).
 */
export function bullConsumerPool(opts: BullPoolOptions): ConsumerPool {
  return new ConsumerPool(opts.concurrency, (sweepId, processor, concurrency, slots) => {
    return new BullTrialConsumer({ ...opts, sweepId, processor, concurrency, slots });
  });
}
