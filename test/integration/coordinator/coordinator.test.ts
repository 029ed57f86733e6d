/**
 * The coordinator in one process, with the memory store and queue and in-process worker runtimes
 * (the same classes `ff run` wires). Distributed behaviour with real processes and Redis is in
 * test/integration/distributed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedSweep } from '../../../src/config/types.js';
import { Coordinator } from '../../../src/coordinator/coordinator.js';
import { memoryConsumerPool, MemoryTrialQueue } from '../../../src/queue/memory.js';
import { MemoryTrialStore } from '../../../src/store/memory-store.js';
import { WorkerRuntime } from '../../../src/worker/runtime.js';
import { makeSweep } from '../../helpers/sweeps.js';

interface Rig {
  store: MemoryTrialStore;
  queue: MemoryTrialQueue;
  workers: WorkerRuntime[];
}

async function rig(sweep: ResolvedSweep, workers: number, concurrency: number, seed = 1, leaseMs = 60000): Promise<Rig> {
  const store = new MemoryTrialStore();
  await store.createSweep(sweep, { id: 'sw', source: 'test', seed, createdAt: new Date().toISOString(), state: 'running' });
  const queue = new MemoryTrialQueue();
  const dir = mkdtempSync(join(tmpdir(), 'ff-coord-'));
  const ws = Array.from(
    { length: workers },
    (_, i) => new WorkerRuntime({ store, stopChannel: store.stopChannel(), pool: memoryConsumerPool(queue, concurrency), id: `w${i}`, leaseMs, workDir: dir, discoverMs: 50 }),
  );
  for (const w of ws) await w.start();
  return { store, queue, workers: ws };
}

async function drive(r: Rig, extra: Partial<ConstructorParameters<typeof Coordinator>[0]> = {}): Promise<void> {
  const coordinator = new Coordinator({ store: r.store, queue: r.queue, sweeps: ['sw'], exitWhenIdle: true, workerCheckMs: 50, leaseCheckMs: 50, ...extra });
  const deadline = AbortSignal.timeout(30000);
  await coordinator.run(deadline);
  for (const w of r.workers) await w.shutdown('finish');
  expect(deadline.aborted).toBe(false);
}

const synthetic = (parameters: Parameters<typeof makeSweep>[0]['parameters'], rest: Omit<Partial<ResolvedSweep>, 'parameters'> = {}): ResolvedSweep =>
  makeSweep({ program: 'ff:synthetic', parameters, ...rest });

describe('Coordinator (memory store and queue, in-process workers)', () => {
  it('runs exactly run_cap trials over several workers, each ending once', async () => {
    const r = await rig(synthetic({ x: { distribution: 'uniform', min: 0, max: 1 } }, { runCap: 25 }), 3, 2);
    await drive(r);
    const trials = await r.store.getTrials('sw');
    expect(trials).toHaveLength(25);
    expect(trials.every((t) => t.state === 'finished' && t.steps === 1)).toBe(true);
    expect(new Set(trials.map((t) => t.worker)).size).toBeGreaterThan(1);
    const meta = (await r.store.getSweep('sw'))!.meta;
    expect(meta.state).toBe('finished');
    expect(meta.endedReason).toMatch(/run_cap 25 reached/);
  });

  it('runs every grid point exactly once with more slots than points', async () => {
    const r = await rig(synthetic({ a: { distribution: 'categorical', values: [1, 2, 3] }, b: { distribution: 'int_uniform', min: 0, max: 3 } }, { method: 'grid' }), 4, 5);
    await drive(r);
    const trials = await r.store.getTrials('sw');
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((t) => `${t.params.a},${t.params.b}`)).size).toBe(12);
    expect((await r.store.getSweep('sw'))!.meta.endedReason).toMatch(/exhausted after 12 trials/);
  });

  it('never runs two concurrent trials with the same params in a finite random space', async () => {
    const r = await rig(synthetic({ x: { distribution: 'categorical', values: [0.1, 0.2, 0.3, 0.4] }, sleep_ms: { distribution: 'constant', value: 30 } }, { runCap: 24 }), 2, 2);
    await drive(r);
    const trials = await r.store.getTrials('sw');
    expect(trials).toHaveLength(24);
    for (const a of trials) {
      for (const b of trials) {
        if (a.number >= b.number || a.params.x !== b.params.x) continue;
        const overlap = Date.parse(a.startedAt!) < Date.parse(b.endedAt!) && Date.parse(b.startedAt!) < Date.parse(a.endedAt!);
        expect({ a: a.number, b: b.number, overlap }).toEqual({ a: a.number, b: b.number, overlap: false });
      }
    }
  });

  it('stops losers with hyperband at their report and records the explanation', async () => {
    const sweep = synthetic(
      { x: { distribution: 'categorical', values: [0.5, 0.6, 2, 3, 4, 5] }, steps: { distribution: 'constant', value: 9 }, sleep_ms: { distribution: 'constant', value: 5 } },
      { method: 'grid', earlyTerminate: { type: 'hyperband', minIter: 1, eta: 3, strict: true } },
    );
    const r = await rig(sweep, 1, 1);
    await drive(r);
    const trials = await r.store.getTrials('sw');
    const stopped = trials.filter((t) => t.state === 'stopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const t of stopped) {
      expect(t.stopReason).toMatch(/hyperband: band \d+/);
      expect(t.steps).toBeLessThan(9);
    }
    expect(trials[0]!.state).toBe('finished');
  });

  it('ends the sweep at metric.target and lets running trials finish', async () => {
    const r = await rig(synthetic({ x: { distribution: 'uniform', min: 0, max: 1 } }, { runCap: 200, metric: { name: 'loss', goal: 'minimize', target: 1.02 } }), 1, 2);
    await drive(r);
    const trials = await r.store.getTrials('sw');
    expect(trials.length).toBeLessThan(200);
    expect(trials.some((t) => t.value! <= 1.02)).toBe(true);
    expect(trials.every((t) => t.state === 'finished')).toBe(true);
    expect((await r.store.getSweep('sw'))!.meta.endedReason).toMatch(/metric.target 1.02 reached/);
  });

  it('requeues the trial of a lost worker with the same params, and fails it after max attempts', async () => {
    // a "worker" that starts trial 0 and dies: it takes the job and never renews its lease
    const sweep = synthetic({ x: { distribution: 'categorical', values: [0.25, 0.75] }, sleep_ms: { distribution: 'constant', value: 20 } }, { method: 'grid' });
    for (const maxAttempts of [3, 1]) {
      const store = new MemoryTrialStore();
      await store.createSweep(sweep, { id: 'sw', source: 'test', seed: 1, createdAt: new Date().toISOString(), state: 'running' });
      const claimed = await store.claimTrials('sw', [{ params: { x: 0.25 }, key: '0.25' }], undefined);
      const lost = claimed.claimed[0]!;
      const start = await store.startTrial({ sweepId: 'sw', number: lost.number, attempt: 1, dispatch: 1 }, 'dead-worker', 50);
      expect(start.ok).toBe(true);
      const queue = new MemoryTrialQueue();
      const dir = mkdtempSync(join(tmpdir(), 'ff-coord-'));
      const w = new WorkerRuntime({ store, stopChannel: store.stopChannel(), pool: memoryConsumerPool(queue, 1), id: 'alive', leaseMs: 60000, workDir: dir, discoverMs: 50 });
      await w.start();
      await drive({ store, queue, workers: [w] }, { maxAttempts });
      const t0 = (await store.getTrial('sw', 0))!;
      if (maxAttempts === 3) {
        expect(t0.state).toBe('finished');
        expect(t0.attempt).toBe(2);
        expect(t0.params).toEqual({ x: 0.25 });
        expect(t0.worker).toBe('alive');
      } else {
        expect(t0.state).toBe('failed');
        expect(t0.error).toMatch(/lease expired|worker lost/);
      }
      expect((await store.getTrials('sw')).map((t) => t.params.x).sort()).toEqual([0.25, 0.75]);
    }
  });

  it('pause holds new trials (running ones go on) until resume', async () => {
    const r = await rig(synthetic({ x: { distribution: 'uniform', min: 0, max: 1 }, sleep_ms: { distribution: 'constant', value: 20 } }, { runCap: 12 }), 1, 1);
    const coordinator = new Coordinator({ store: r.store, queue: r.queue, sweeps: ['sw'], exitWhenIdle: true, workerCheckMs: 50 });
    const done = coordinator.run(AbortSignal.timeout(30000));
    while ((await r.store.getTrials('sw')).filter((t) => t.state === 'finished').length < 3) await new Promise((res) => setTimeout(res, 5));
    await r.store.setSweepState('sw', 'paused', 'test');
    await new Promise((res) => setTimeout(res, 100)); // the trial running at the pause may end
    const atPause = await r.store.getTrials('sw');
    await new Promise((res) => setTimeout(res, 300));
    const later = await r.store.getTrials('sw');
    // no new trial was created, and the ones already queued did not start
    expect(later).toHaveLength(atPause.length);
    expect(later.filter((t) => t.state === 'running')).toEqual([]);
    expect(later.filter((t) => t.state === 'queued').length).toBe(atPause.filter((t) => t.state === 'queued').length);
    await r.store.setSweepState('sw', 'running');
    await done;
    for (const w of r.workers) await w.shutdown('finish');
    expect(await r.store.getTrials('sw')).toHaveLength(12);
  });

  it('cancel stops running trials at once', async () => {
    const r = await rig(synthetic({ x: { distribution: 'uniform', min: 0, max: 1 }, steps: { distribution: 'constant', value: 1000 }, sleep_ms: { distribution: 'constant', value: 10 } }, { runCap: 10 }), 1, 2);
    const coordinator = new Coordinator({ store: r.store, queue: r.queue, sweeps: ['sw'], exitWhenIdle: true, workerCheckMs: 50 });
    const done = coordinator.run(AbortSignal.timeout(30000));
    const waitFor = async (pred: () => Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 600 && !(await pred()); i++) await new Promise((res) => setTimeout(res, 20));
    };
    await waitFor(async () => (await r.store.getTrials('sw')).filter((t) => t.state === 'running' && t.steps > 2).length === 2);
    await r.store.setSweepState('sw', 'paused', 'test');
    await r.store.setSweepState('sw', 'cancelled', 'cancelled by the test');
    await done;
    for (const w of r.workers) await w.shutdown('finish');
    const trials = await r.store.getTrials('sw');
    // two were running; random search also keeps one trial per slot queued, which never starts
    expect(trials.filter((t) => t.startedAt !== undefined)).toHaveLength(2);
    for (const t of trials) {
      expect(t.state).toBe('stopped');
      expect(t.stopReason).toMatch(/cancelled by the test/);
      expect(t.steps).toBeLessThan(1000);
    }
    expect((await r.store.getSweep('sw'))!.meta.state).toBe('cancelled');
  });
});
