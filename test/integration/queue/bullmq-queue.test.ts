/**
 * The BullMQ implementation against a real Redis (the Jest global setup starts one, or REDIS_URL),
 * every key under a prefix of its own, removed afterwards with SCAN + UNLINK.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullTrialConsumer, BullTrialQueue, bullConsumerPool, bullPrefix, queueName } from '../../../src/queue/bullmq.js';
import type { TrialConsumer } from '../../../src/queue/contract.js';
import { jobId } from '../../../src/queue/contract.js';
import type { ConsumerPool } from '../../../src/queue/pool.js';
import { cleanupPrefix, freePort, testPrefix, testRedisUrl } from '../../helpers/redis.js';
import { newSweepId, trialJob, until } from './helpers.js';
import { queueConformance } from './queue-suite.js';
import type { QueueHarness } from './queue-suite.js';

const ROOT = resolve(import.meta.dirname ?? '.', '..', '..', '..');
const url = testRedisUrl;
const freshPrefix = (): string => testPrefix('queue');

async function rawQueue<T>(prefix: string, sweepId: string, fn: (q: Queue) => Promise<T>): Promise<T> {
  const q = new Queue(queueName(sweepId), { connection: { url: url() }, prefix: bullPrefix(prefix) });
  try {
    return await fn(q);
  } finally {
    await q.close();
  }
}

async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(url());
  try {
    await cleanupPrefix(redis, prefix);
  } finally {
    await redis.quit();
  }
}

function bullHarness(): QueueHarness {
  const prefix = freshPrefix();
  const queue = new BullTrialQueue({ connection: url(), prefix });
  const consumers: TrialConsumer[] = [];
  const pools: ConsumerPool[] = [];
  return {
    queue,
    async consumer(sweepId, processor, concurrency, onError) {
      const c = new BullTrialConsumer({ connection: url(), prefix, sweepId, processor, concurrency, onError });
      consumers.push(c);
      await c.ready();
      return c;
    },
    pool(concurrency, onError) {
      const p = bullConsumerPool({ connection: url(), prefix, concurrency, onError });
      pools.push(p);
      return p;
    },
    async injectRaw(sweepId, id, data) {
      await rawQueue(prefix, sweepId, (q) => q.add('trial', data, { jobId: id }));
    },
    async cleanup() {
      await Promise.all([...consumers.map((c) => c.close(false)), ...pools.map((p) => p.close(false))]);
      await queue.close();
      await removeKeys(prefix);
    },
  };
}

queueConformance('bullmq', bullHarness);

describe('bullmq: specifics', () => {
  const prefix = freshPrefix();
  afterAll(async () => {
    await removeKeys(prefix);
  });

  it('keeps a refused job in the failed set with the reason', async () => {
    const s = newSweepId();
    const errors: string[] = [];
    const called: string[] = [];
    const c = new BullTrialConsumer({
      connection: url(),
      prefix,
      sweepId: s,
      concurrency: 1,
      processor: async (job) => {
        called.push(job.trialId);
        return { v: 1, status: 'finished' };
      },
      onError: (e) => errors.push(e.message),
    });
    try {
      await rawQueue(prefix, s, async (q) => {
        await q.add('trial', { ...trialJob(s, 0), v: 99 }, { jobId: 'from-the-future', attempts: 3 });
        await until(async () => (await q.getJobState('from-the-future')) === 'failed', 'job failed');
        const job = await q.getJob('from-the-future');
        expect(job?.failedReason).toBe('job contract v99 not supported by this worker (supports v1): upgrade the worker');
        expect(job?.attemptsMade).toBe(1); // unrecoverable: its own `attempts: 3` is not used
      });
      expect(called).toEqual([]);
      expect(errors).toHaveLength(1);
    } finally {
      await c.close(false);
    }
  });

  it('removes finished jobs, so Redis holds only what is still to run', async () => {
    const s = newSweepId();
    const q = new BullTrialQueue({ connection: url(), prefix });
    let done = 0;
    const c = new BullTrialConsumer({
      connection: url(),
      prefix,
      sweepId: s,
      concurrency: 4,
      processor: async (job) => {
        done++;
        return job.number % 2 === 0 ? { v: 1, status: 'finished' } : Promise.reject(new Error('odd'));
      },
    });
    try {
      await q.enqueue(Array.from({ length: 20 }, (_, i) => trialJob(s, i)));
      await until(() => done === 20, 'all processed');
      await rawQueue(prefix, s, async (raw) => {
        await until(async () => {
          const counts = await raw.getJobCounts('waiting', 'active', 'completed', 'failed');
          return Object.values(counts).every((v) => v === 0);
        }, 'queue empty');
      });
    } finally {
      await c.close(true);
      await q.close();
    }
  });

  it('reports a Redis it cannot reach through onError, and closes', async () => {
    const port = await freePort();
    const down = `redis://127.0.0.1:${port}`;
    const errors: string[] = [];
    const q = new BullTrialQueue({ connection: down, prefix, onError: (e) => errors.push(`queue: ${e.message}`) });
    const c = new BullTrialConsumer({
      connection: down,
      prefix,
      sweepId: 's',
      concurrency: 1,
      processor: async () => ({ v: 1, status: 'finished' }),
      onError: (e) => errors.push(`consumer: ${e.message}`),
    });
    const count = q.waiting('s');
    await until(() => errors.some((m) => m.startsWith('queue:')) && errors.some((m) => m.startsWith('consumer:')), 'both report');
    expect(errors[0]).toContain('ECONNREFUSED');
    await c.close(false);
    await q.close();
    await expect(count).rejects.toThrow(); // a pending command fails; it does not hang
  });

  it('rejects a sweep id that BullMQ cannot use', async () => {
    const q = new BullTrialQueue({ connection: url(), prefix });
    try {
      await expect(q.enqueue([trialJob('bad:id', 0)])).rejects.toThrow(/must not contain ":"/);
    } finally {
      await q.close();
    }
  });
});

describe('bullmq: a killed worker', () => {
  const prefix = freshPrefix();
  const built = join(ROOT, 'dist', 'src', 'queue', 'bullmq.js');

  beforeAll(() => {
    // The child imports the built module; build if it is missing or older than the sources.
    const srcDir = join(ROOT, 'src', 'queue');
    const stale =
      !existsSync(built) ||
      readdirSync(srcDir).some((f) => {
        const out = join(ROOT, 'dist', 'src', 'queue', f.replace(/\.ts$/, '.js'));
        return !existsSync(out) || statSync(out).mtimeMs < statSync(join(srcDir, f)).mtimeMs;
      });
    if (stale) {
      // Other modules may be mid-work and fail to type-check; tsc still emits, which is enough here.
      spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
    }
    if (!existsSync(built)) throw new Error(`${built} was not emitted by tsc -p tsconfig.build.json`);
  }, 120000);

  afterAll(async () => {
    await removeKeys(prefix);
  });

  it('its job is failed, not run again by another worker', async () => {
    const s = newSweepId();
    const job = trialJob(s, 0);
    const id = jobId(job);
    const q = new BullTrialQueue({ connection: url(), prefix });
    await q.enqueue([job]);

    const child = spawn(process.execPath, [join(ROOT, 'test', 'fixtures', 'queue', 'consumer-child.mjs'), url(), prefix, s, '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await until(() => out.includes(`started ${id}`), `child started ${id} (output: ${out})`, 15000);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;

    const seen: string[] = [];
    const errors: string[] = [];
    const survivor = new BullTrialConsumer({
      connection: url(),
      prefix,
      sweepId: s,
      concurrency: 1,
      lockMs: 1000,
      stalledIntervalMs: 250,
      processor: async (j) => {
        seen.push(jobId(j));
        return { v: 1, status: 'finished' };
      },
      onError: (e) => errors.push(e.message),
    });
    try {
      await until(() => errors.some((m) => m.includes(id)), 'the stalled job reported', 10000);
      expect(errors.find((m) => m.includes(id))).toContain('job stalled more than allowable limit');
      await rawQueue(prefix, s, async (raw) => {
        expect(await raw.getJob(id)).toBeUndefined(); // failed and removed (removeOnFail)
      });
      // The survivor works, and never saw the dead worker's job.
      await q.enqueue([trialJob(s, 1)]);
      await until(() => seen.length === 1, 'next job processed');
      expect(seen).toEqual([jobId(trialJob(s, 1))]);
    } finally {
      await survivor.close(false);
      await q.close();
    }
  }, 30000);
});
