/**
 * Raw BullMQ on this machine, no feature-forge code between (the floor our queue seam is compared
 * with in bench/queue.ts). Same measurements as the reference figures in shared/bench/README.md
 * (BullMQ 6.7, no-op jobs, Redis 7.0 on loopback):
 *  - addBulkPerSec: N no-op jobs added with `addBulk` in chunks of 1,000, no worker running;
 *  - jobsPerSec: then one Worker (`concurrency`) drains them; from its start to the N-th completion;
 *  - endToEndPerSec: N more jobs added while a worker already runs, first add → last completion;
 *  - roundTripMs: one job at a time, `add` → its `completed` event (QueueEvents), ~200 jobs after
 *    a warm-up.
 * Prints ONE JSON object when run alone:
 *   node dist/bench/queue-raw.js [--jobs 20000] [--concurrency 1,10] [--round-trips 200]
 * Uses REDIS_URL (default redis://127.0.0.1:6379); all keys under `ffbench:<random>`, removed after.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { unlinkPrefix } from '../src/queue/redis-connection.js';

export interface RawBullmqOptions {
  readonly url: string;
  /** BullMQ key prefix; every key the benchmark writes is under it. */
  readonly prefix: string;
  readonly jobs: number;
  readonly concurrency: number;
  /** Measured round trips (after 20 warm-up ones); default 200. */
  readonly roundTrips?: number;
}

export interface RawBullmqResult {
  readonly jobs: number;
  readonly concurrency: number;
  readonly addBulkPerSec: number;
  readonly jobsPerSec: number;
  readonly endToEndPerSec: number;
  readonly roundTripMs: { readonly p50: number; readonly p95: number };
}

const CHUNK = 1000;
const WARMUP = 20;

export async function measureRawBullmq(opts: RawBullmqOptions): Promise<RawBullmqResult> {
  const name = `bench-${randomBytes(4).toString('hex')}`;
  const connection = new Redis(opts.url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: opts.prefix });
  const workerOpts = { connection: { url: opts.url }, prefix: opts.prefix, concurrency: opts.concurrency, removeOnComplete: { count: 0 } };
  const closers: Array<() => Promise<void>> = [];
  try {
    const addAll = async (tag: string): Promise<void> => {
      for (let i = 0; i < opts.jobs; i += CHUNK) {
        const n = Math.min(CHUNK, opts.jobs - i);
        await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { jobId: `${tag}-${i + k}`, removeOnComplete: true } })));
      }
    };

    // 1. addBulk alone, then one worker draining what was added.
    let t0 = performance.now();
    await addAll('a');
    const addMs = performance.now() - t0;
    const drain = new Worker(name, async () => null, { ...workerOpts, autorun: false });
    closers.push(() => drain.close());
    const drained = completions(drain, opts.jobs);
    await drain.waitUntilReady();
    t0 = performance.now();
    void drain.run();
    await drained;
    const drainMs = performance.now() - t0;
    await drain.close();
    closers.pop();

    // 2. The same number again, added while a worker is already waiting for jobs.
    const live = new Worker(name, async () => null, workerOpts);
    closers.push(() => live.close());
    await live.waitUntilReady();
    const liveDone = completions(live, opts.jobs);
    t0 = performance.now();
    await addAll('b');
    await liveDone;
    const endToEndMs = performance.now() - t0;

    // 3. Round trips, one job at a time, observed through QueueEvents as a producer would.
    const events = new QueueEvents(name, { connection: { url: opts.url }, prefix: opts.prefix });
    closers.push(() => events.close());
    await events.waitUntilReady();
    const waiters = new Map<string, () => void>();
    events.on('completed', ({ jobId }) => waiters.get(jobId)?.());
    const samples: number[] = [];
    const total = WARMUP + (opts.roundTrips ?? 200);
    for (let i = 0; i < total; i++) {
      const id = `rt-${i}`;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`round trip ${id}: no completed event within 10 s`)), 10000);
        waiters.set(id, () => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve();
        });
      });
      const t = performance.now();
      await queue.add('noop', { i }, { jobId: id, removeOnComplete: true });
      await done;
      if (i >= WARMUP) samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    return {
      jobs: opts.jobs,
      concurrency: opts.concurrency,
      addBulkPerSec: Math.round((opts.jobs / addMs) * 1000),
      jobsPerSec: Math.round((opts.jobs / drainMs) * 1000),
      endToEndPerSec: Math.round((opts.jobs / endToEndMs) * 1000),
      roundTripMs: { p50: round(quantile(samples, 0.5)), p95: round(quantile(samples, 0.95)) },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
    await unlinkPrefix(connection, opts.prefix).catch(() => undefined);
    await connection.quit().catch(() => undefined);
  }
}

function completions(worker: Worker, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = 0;
    worker.on('completed', () => {
      if (++done === n) resolve();
    });
    worker.on('failed', (_job, err) => reject(err));
  });
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const jobs = Number(arg(argv, '--jobs') ?? 20000);
  const concurrencies = (arg(argv, '--concurrency') ?? '1,10').split(',').map(Number);
  const roundTrips = Number(arg(argv, '--round-trips') ?? 200);
  const prefix = `ffbench:${randomBytes(6).toString('hex')}`;
  const runs: RawBullmqResult[] = [];
  for (const concurrency of concurrencies) {
    process.stderr.write(`raw bullmq: ${jobs} jobs, concurrency ${concurrency}\n`);
    runs.push(await measureRawBullmq({ url, prefix, jobs, concurrency, roundTrips }));
  }
  const { createRequire } = await import('node:module');
  const bullmqVersion = (createRequire(import.meta.url)('bullmq/package.json') as { version: string }).version;
  const result = {
    bench: 'queue-raw',
    setup: { bullmq: bullmqVersion, redis: url.replace(/\/\/[^@]*@/, '//***@'), jobs, roundTrips, job: 'no-op processor, removeOnComplete' },
    runs,
    reference: {
      source: '/work/shared/bench/README.md (BullMQ 6.7, Redis 7.0 loopback, a machine like this one; not measured in this run)',
      addBulkPerSec: [22000, 33000],
      jobsPerSec: { concurrency1: 6000, concurrency10: [12000, 19000] },
      roundTripMs: { p50: 0.93, p95: 1.5 },
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
