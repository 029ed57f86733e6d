/**
 * Conformance cases for the event log (order, cursors, paging, blocking reads), worker liveness
 * and stop notices. Part of store-suite.ts.
 */
import type { StopNotice, StoreEvent } from '../../../src/coordinator/store.js';
import type { WorkerInfo } from '../../../src/coordinator/store.js';
import { drain, runningTrial, sweepWithTrials, sleep, within, type StoreHarness } from './store-suite-helpers.js';

function worker(id: string, concurrency = 2): WorkerInfo {
  return { id, host: 'box', pid: 100, concurrency, startedAt: '2024-01-01T00:00:00.000Z', running: 0, lastSeen: '2024-01-01T00:00:01.000Z' };
}

export function eventCases(ctx: { readonly h: StoreHarness }): void {
  describe('events', () => {
    it('reads every event in order from the start, in pages, and continues from the returned cursor', async () => {
      const { store } = ctx.h;
      const empty = await store.readEvents('0-0', 0);
      expect(empty.events).toEqual([]);
      const lease = await runningTrial(store);
      await store.appendStep(lease, { loss: 1 }, 1, 5);
      await store.endTrial(lease, { status: 'finished' });
      const all = await drain(store, '0-0');
      expect(all.events.map((e) => e.type)).toEqual(['sweep', 'claimed', 'started', 'step', 'ended']);
      expect(all.events[2]).toEqual({ type: 'started', sweepId: 's', number: 0, attempt: 1, worker: 'w1' });
      const paged: StoreEvent[] = [];
      let cursor = '0-0';
      for (let i = 0; i < 3; i++) {
        const batch = await store.readEvents(cursor, 0, 2);
        expect(batch.events.length).toBeLessThanOrEqual(2);
        paged.push(...batch.events);
        cursor = batch.cursor;
      }
      expect(paged).toEqual(all.events);
      expect((await store.readEvents(cursor, 0)).events).toEqual([]);
      expect(await store.latestCursor()).toBe(cursor);
    });

    it('from latestCursor, sees only what happens afterwards', async () => {
      const { store } = ctx.h;
      await sweepWithTrials(store, 2);
      const cursor = await store.latestCursor();
      await store.setSweepState('s', 'paused');
      const batch = await store.readEvents(cursor, 0);
      expect(batch.events).toEqual([{ type: 'sweep', sweepId: 's', state: 'paused' }]);
      expect((await store.readEvents(batch.cursor, 0)).events).toEqual([]);
    });

    it('wakes a blocked reader when an event arrives', async () => {
      const { store } = ctx.h;
      await sweepWithTrials(store, 1);
      const cursor = await store.latestCursor();
      const read = store.readEvents(cursor, 20000);
      await sleep(30);
      await store.setSweepState('s', 'paused');
      const batch = await within(read, 5000);
      expect(batch).not.toBe('timeout');
      expect(batch !== 'timeout' && batch.events).toEqual([{ type: 'sweep', sweepId: 's', state: 'paused' }]);
    });

    it('returns an empty batch with the same cursor when nothing arrives', async () => {
      const { store } = ctx.h;
      await sweepWithTrials(store, 1);
      const cursor = await store.latestCursor();
      expect(await store.readEvents(cursor, 20)).toEqual({ cursor, events: [] });
    });
  });

  describe('workers', () => {
    it('announces a worker once, notices capacity changes, and forgets it when its heartbeat lapses', async () => {
      const { store } = ctx.h;
      const cursor = await store.latestCursor();
      await store.heartbeatWorker(worker('w1'), 300);
      await store.heartbeatWorker({ ...worker('w1'), running: 1 }, 300);
      await store.heartbeatWorker(worker('w2'), 60000);
      expect((await store.liveWorkers()).map((w) => [w.id, w.running])).toEqual([['w1', 1], ['w2', 0]]);
      await store.heartbeatWorker(worker('w1', 4), 300);
      await sleep(400);
      expect((await store.liveWorkers()).map((w) => w.id)).toEqual(['w2']);
      expect((await store.liveWorkers()).map((w) => w.id)).toEqual(['w2']);
      await store.removeWorker('w2');
      await store.removeWorker('w2');
      expect(await store.liveWorkers()).toEqual([]);
      const changes = (await drain(store, cursor)).events.map((e) => (e.type === 'worker' ? `${e.workerId}:${e.change}` : e.type));
      expect(changes).toEqual(['w1:joined', 'w2:joined', 'w1:changed', 'w1:left', 'w2:left']);
    });

    it('announces a worker that comes back after its heartbeat lapsed as joined again', async () => {
      const { store } = ctx.h;
      const cursor = await store.latestCursor();
      await store.heartbeatWorker(worker('w1'), 40);
      await sleep(80);
      await store.heartbeatWorker(worker('w1'), 60000);
      expect((await store.liveWorkers()).map((w) => w.id)).toEqual(['w1']);
      const changes = (await drain(store, cursor)).events.map((e) => (e.type === 'worker' ? e.change : e.type));
      expect(changes).toEqual(['joined', 'joined']);
    });
  });

  describe('stop channel', () => {
    it('delivers a stop notice for a running trial to subscribers', async () => {
      const { store, stop } = ctx.h;
      const got: StopNotice[] = [];
      let wake: () => void = () => undefined;
      const arrived = new Promise<void>((r) => (wake = r));
      await stop.subscribe((n) => {
        got.push(n);
        wake();
      });
      await runningTrial(store);
      await store.requestStop('s', 0, 'band 2: 0.8 > 0.3');
      expect(await within(arrived, 2000)).not.toBe('timeout');
      expect(got).toEqual([{ sweepId: 's', number: 0, reason: 'band 2: 0.8 > 0.3' }]);
    });
  });
}
