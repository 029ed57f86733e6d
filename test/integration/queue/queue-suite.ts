/**
 * The conformance suite of the queue seam (BullMQ's adapter conformance suite is the model): every
 * TrialQueue / TrialConsumer pair — BullMQ on Redis, the in-memory twin — must pass it unchanged.
 */
import type { TrialConsumer, TrialJob, TrialJobResult, TrialProcessor, TrialQueue } from '../../../src/queue/contract.js';
import { jobId } from '../../../src/queue/contract.js';
import type { ConsumerPool } from '../../../src/queue/pool.js';
import { deferred, newSweepId, pause, trialJob, until } from './helpers.js';
import type { Deferred } from './helpers.js';

export interface QueueHarness {
  /** The producer (one per test). */
  readonly queue: TrialQueue;
  consumer(sweepId: string, processor: TrialProcessor, concurrency: number, onError?: (err: Error) => void): Promise<TrialConsumer>;
  pool(concurrency: number, onError?: (err: Error) => void): ConsumerPool;
  /** Puts arbitrary data on a sweep's queue, bypassing the typed producer (another release's job). */
  injectRaw(sweepId: string, id: string, data: unknown): Promise<void>;
  /** Closes every consumer, pool and queue it made; removes what it stored. */
  cleanup(): Promise<void>;
}

const ok: TrialJobResult = { v: 1, status: 'finished' };

/** A processor that records each job and can hold it until released. */
class Recorder {
  readonly seen: TrialJob[] = [];
  readonly gates = new Map<string, Deferred>();
  inFlight = 0;
  maxInFlight = 0;
  finished = 0;

  constructor(private readonly hold: boolean) {}

  readonly processor: TrialProcessor = async (job) => {
    this.seen.push(job);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.hold) {
        const gate = deferred();
        this.gates.set(jobId(job), gate);
        await gate.promise;
      }
      return ok;
    } finally {
      this.inFlight--;
      this.finished++;
    }
  };

  numbers(sweepId?: string): number[] {
    return this.seen.filter((j) => sweepId === undefined || j.sweepId === sweepId).map((j) => j.number);
  }

  /** Waits for `job` to start, then lets it finish. */
  async release(job: TrialJob): Promise<void> {
    const id = jobId(job);
    await until(() => this.gates.has(id), `${id} running`);
    this.gates.get(id)!.resolve();
  }

  releaseAll(): void {
    for (const g of this.gates.values()) g.resolve();
  }
}

export function queueConformance(name: string, make: () => QueueHarness): void {
  describe(`${name}: queue conformance`, () => {
    let h: QueueHarness;
    beforeEach(() => {
      h = make();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('processes the jobs of a sweep in FIFO order', async () => {
      const s = newSweepId();
      const jobs = Array.from({ length: 25 }, (_, i) => trialJob(s, i));
      await h.queue.enqueue(jobs.slice(0, 10));
      await h.queue.enqueue(jobs.slice(10));
      const r = new Recorder(false);
      await h.consumer(s, r.processor, 1);
      await until(() => r.finished === 25, '25 jobs processed');
      expect(r.numbers()).toEqual(jobs.map((j) => j.number));
    });

    it('holds a paused sweep\'s jobs until it is resumed, without touching other sweeps', async () => {
      const s = newSweepId();
      const other = newSweepId('o');
      const r = new Recorder(false);
      const ro = new Recorder(false);
      await h.queue.pause(s);
      await h.consumer(s, r.processor, 2);
      await h.consumer(other, ro.processor, 2);
      await h.queue.enqueue([trialJob(s, 0), trialJob(s, 1), trialJob(other, 0)]);
      await until(() => ro.finished === 1, 'the other sweep runs');
      await pause(300);
      expect(r.finished).toBe(0);
      expect(await h.queue.waiting(s)).toBe(2);
      await h.queue.resume(s);
      await until(() => r.finished === 2, 'both jobs after resume');
      expect(r.numbers()).toEqual([0, 1]);
    });

    it('adds a job id once while its job is waiting or running', async () => {
      const s = newSweepId();
      const [j0, j1, j2, j3] = [0, 1, 2, 3].map((n) => trialJob(s, n));
      await h.queue.enqueue([j0, j1, j0]);
      await h.queue.enqueue([j1]);
      expect(await h.queue.waiting(s)).toBe(2);
      const r = new Recorder(true);
      await h.consumer(s, r.processor, 1);
      await until(() => r.gates.has(jobId(j0)), 'j0 running');
      await h.queue.enqueue([j0]); // running: still no second copy
      expect(await h.queue.waiting(s)).toBe(1); // j1 only
      // A new dispatch of the same trial is a different job.
      await h.queue.enqueue([trialJob(s, 0, 1, 2)]);
      expect(await h.queue.waiting(s)).toBe(2);
      const j0d2 = trialJob(s, 0, 1, 2);
      await r.release(j0);
      await r.release(j1);
      await r.release(j0d2);
      await h.queue.enqueue([j2]);
      await r.release(j2);
      await h.queue.enqueue([j3]); // FIFO: a duplicate of j0 or j1, had there been one, would run first
      await r.release(j3);
      expect(r.seen.map((j) => jobId(j))).toEqual([jobId(j0), jobId(j1), jobId(j0d2), jobId(j2), jobId(j3)]);
    });

    it('runs at most `concurrency` processors at once', async () => {
      const s = newSweepId();
      await h.queue.enqueue(Array.from({ length: 10 }, (_, i) => trialJob(s, i)));
      const r = new Recorder(true);
      await h.consumer(s, r.processor, 3);
      let released = 0;
      while (released < 10) {
        const expected = Math.min(3, 10 - released);
        await until(() => r.inFlight === expected, `${expected} in flight`);
        const first = r.seen[released];
        r.gates.get(jobId(first))!.resolve();
        released++;
        await until(() => r.finished === released, `${released} finished`);
      }
      expect(r.maxInFlight).toBe(3);
      expect(r.numbers()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('close(true) waits for running processors and takes no new job', async () => {
      const s = newSweepId();
      await h.queue.enqueue([trialJob(s, 0), trialJob(s, 1)]);
      const r = new Recorder(true);
      const c = await h.consumer(s, r.processor, 2);
      await until(() => r.inFlight === 2, 'both running');
      const events: string[] = [];
      const closing = c.close(true).then(() => events.push('closed'));
      await pause(100);
      events.push('release');
      r.releaseAll();
      await closing;
      expect(events).toEqual(['release', 'closed']);
      expect(r.finished).toBe(2);
      await h.queue.enqueue([trialJob(s, 2)]);
      await pause(100);
      expect(r.seen).toHaveLength(2);
      expect(await h.queue.waiting(s)).toBe(1);
    });

    it('close(false) returns while a processor is still running', async () => {
      const s = newSweepId();
      await h.queue.enqueue([trialJob(s, 0)]);
      const r = new Recorder(true);
      const c = await h.consumer(s, r.processor, 1);
      await until(() => r.inFlight === 1, 'running');
      await c.close(false);
      expect(r.inFlight).toBe(1);
      r.releaseAll();
      await until(() => r.finished === 1, 'processor returned after close');
    });

    it('counts waiting jobs per sweep and drops one sweep', async () => {
      const [a, b, c] = [newSweepId('a'), newSweepId('b'), newSweepId('c')];
      await h.queue.enqueue([...[0, 1, 2, 3, 4].map((n) => trialJob(a, n)), ...[0, 1, 2].map((n) => trialJob(b, n))]);
      expect(await h.queue.waiting(a)).toBe(5);
      expect(await h.queue.waiting(b)).toBe(3);
      expect(await h.queue.waiting(c)).toBe(0);
      await h.queue.drop(a);
      expect(await h.queue.waiting(a)).toBe(0);
      expect(await h.queue.waiting(b)).toBe(3);
      await h.queue.enqueue([trialJob(a, 0)]); // a dropped sweep's ids are free again
      expect(await h.queue.waiting(a)).toBe(1);
    });

    it('keeps sweeps apart', async () => {
      const [a, b] = [newSweepId('a'), newSweepId('b')];
      const ra = new Recorder(false);
      const rb = new Recorder(false);
      await h.consumer(a, ra.processor, 2);
      await h.consumer(b, rb.processor, 2);
      const jobs: TrialJob[] = [];
      for (let i = 0; i < 6; i++) jobs.push(trialJob(a, i), trialJob(b, i));
      await h.queue.enqueue(jobs);
      await until(() => ra.finished === 6 && rb.finished === 6, 'both sweeps done');
      expect(ra.seen.every((j) => j.sweepId === a)).toBe(true);
      expect(rb.seen.every((j) => j.sweepId === b)).toBe(true);
      expect(ra.numbers()).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('refuses a job of an unknown contract version without calling the processor', async () => {
      const s = newSweepId();
      const errors: string[] = [];
      const r = new Recorder(false);
      await h.consumer(s, r.processor, 1, (e) => errors.push(e.message));
      await h.injectRaw(s, 'future-1', { ...trialJob(s, 0), v: 99 });
      await h.queue.enqueue([trialJob(s, 1)]);
      await until(() => r.finished === 1, 'the v1 job processed');
      await until(() => errors.length > 0, 'the v99 job reported');
      expect(r.numbers()).toEqual([1]);
      expect(errors.join('\n')).toContain('job contract v99 not supported by this worker (supports v1): upgrade the worker');
    });

    it('reports a processor that throws and goes on', async () => {
      const s = newSweepId();
      const errors: string[] = [];
      const done: number[] = [];
      await h.consumer(
        s,
        async (job) => {
          if (job.number === 0) throw new Error('boom in trial 0');
          done.push(job.number);
          return ok;
        },
        1,
        (e) => errors.push(e.message),
      );
      await h.queue.enqueue([trialJob(s, 0), trialJob(s, 1)]);
      await until(() => done.length === 1 && errors.length === 1, 'job 1 done and job 0 reported');
      expect(errors[0]).toContain(jobId(trialJob(s, 0)));
      expect(errors[0]).toContain('boom in trial 0');
    });

    it('a pool shares its slots across the sweeps it serves', async () => {
      const [a, b] = [newSweepId('a'), newSweepId('b')];
      const r = new Recorder(true);
      const pool = h.pool(2);
      pool.serve(a, r.processor);
      pool.serve(b, r.processor);
      expect(pool.serving()).toEqual([a, b]);
      await h.queue.enqueue([0, 1, 2].flatMap((n) => [trialJob(a, n), trialJob(b, n)]));
      const released = new Set<string>();
      for (let done = 0; done < 6; done++) {
        await until(() => r.inFlight === Math.min(2, 6 - done), 'slots busy');
        await pause(20); // a third processor, were the limit broken, would start now
        expect(r.inFlight).toBeLessThanOrEqual(2);
        const next = r.seen.find((j) => !released.has(jobId(j)))!;
        released.add(jobId(next));
        r.gates.get(jobId(next))!.resolve();
        await until(() => r.finished === done + 1, 'one more finished');
      }
      expect(r.maxInFlight).toBe(2);
      expect(r.numbers(a)).toEqual([0, 1, 2]);
      expect(r.numbers(b)).toEqual([0, 1, 2]);
      await pool.close(true);
    });
  });
}
