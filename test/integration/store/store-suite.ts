/**
 * The conformance suite every trial store passes (BullMQ's adapter conformance idea): sweeps and
 * their states, atomic claims (dense numbers, run_cap exact under concurrency, dedupe), fencing of
 * every worker write by (attempt, dispatch), exactly-once ends, lease expiry and retries, hand-back,
 * the event log with cursors and blocking reads, worker liveness, and stop notices.
 *
 * Usage: `storeConformance('redis', async () => ({ store, stop, cleanup, peer }))` in a test file.
 * Each test gets a fresh harness. `peer()` opens another store over the same data (another
 * connection for Redis); the concurrency tests use it.
 */
import { lifecycleCases } from './store-suite-lifecycle.js';
import { drain, metaOf, sweepOf, type MakeHarness, type StoreHarness } from './store-suite-helpers.js';

export type { MakeHarness, StoreHarness } from './store-suite-helpers.js';

export function storeConformance(name: string, make: MakeHarness): void {
  describe(`${name} trial store: conformance`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.cleanup();
    });
    const ctx = { get h(): StoreHarness { return h; } }; // prettier-ignore

    describe('sweeps', () => {
      it('creates, reads back and lists sweeps, newest first', async () => {
        const a = metaOf('a');
        const b = metaOf('b', 'paused');
        const sweep = sweepOf('maximize');
        await h.store.createSweep(sweep, a);
        await h.store.createSweep(sweepOf(), b);
        expect(await h.store.getSweep('a')).toEqual({ meta: a, sweep });
        expect(await h.store.getSweep('nope')).toBeUndefined();
        expect((await h.store.listSweeps()).map((m) => m.id)).toEqual(['b', 'a']);
        await expect(h.store.createSweep(sweep, a)).rejects.toThrow(/already exists/);
      });

      it('changes the state, records why and when it ended, and emits one event per change', async () => {
        const cursor = await h.store.latestCursor();
        await h.store.createSweep(sweepOf(), metaOf('s'));
        expect((await h.store.setSweepState('s', 'paused'))?.state).toBe('paused');
        await h.store.setSweepState('s', 'paused');
        const running = await h.store.setSweepState('s', 'running');
        expect(running?.endedAt).toBeUndefined();
        const done = await h.store.setSweepState('s', 'finished', 'run_cap 3 reached');
        expect(done).toMatchObject({ id: 's', state: 'finished', endedReason: 'run_cap 3 reached', seed: 7 });
        expect(typeof done?.endedAt).toBe('string');
        expect((await h.store.getSweep('s'))?.meta).toEqual(done);
        expect(await h.store.setSweepState('nope', 'paused')).toBeUndefined();
        const { events } = await drain(h.store, cursor);
        expect(events.filter((e) => e.type === 'sweep').map((e) => (e.type === 'sweep' ? e.state : ''))).toEqual(['running', 'paused', 'running', 'finished']);
      });
    });

    describe('claims', () => {
      it('numbers trials densely in request order and keeps params and suggestion info', async () => {
        await h.store.createSweep(sweepOf(), metaOf('s'));
        const first = await h.store.claimTrials('s', [{ params: { x: 0.5, opt: 'adam' }, suggestion: { sampler: 'tpe', startup: true } }, { params: { x: 0.25 } }], undefined);
        const second = await h.store.claimTrials('s', [{ params: { x: 1 } }], undefined);
        expect(first.refused).toEqual([]);
        expect(first.claimed.map((t) => t.number)).toEqual([0, 1]);
        expect(second.claimed.map((t) => t.number)).toEqual([2]);
        expect(first.claimed[0]).toMatchObject({ id: 's-0', sweepId: 's', state: 'queued', attempt: 1, steps: 0, metricHistory: [], params: { x: 0.5, opt: 'adam' } });
        const all = await h.store.getTrials('s');
        expect(all.map((t) => [t.number, t.state, t.params.x])).toEqual([[0, 'queued', 0.5], [1, 'queued', 0.25], [2, 'queued', 1]]);
        expect(all[0]!.suggestion).toEqual({ sampler: 'tpe', startup: true });
        expect(await h.store.getTrial('s', 1)).toEqual(all[1]);
        expect(await h.store.getTrial('s', 3)).toBeUndefined();
        const { events } = await drain(h.store, '0-0');
        expect(events.filter((e) => e.type === 'claimed')).toEqual([
          { type: 'claimed', sweepId: 's', numbers: [0, 1] },
          { type: 'claimed', sweepId: 's', numbers: [2] },
        ]);
      });

      it('refuses every claim while the sweep is not running, and for an unknown sweep', async () => {
        await h.store.createSweep(sweepOf(), metaOf('s', 'paused'));
        const r = await h.store.claimTrials('s', [{ params: { x: 1 } }, { params: { x: 2 } }], undefined);
        expect(r.claimed).toEqual([]);
        expect(r.refused).toEqual([{ index: 0, reason: 'not_running' }, { index: 1, reason: 'not_running' }]);
        expect((await h.store.claimTrials('nope', [{ params: {} }], undefined)).refused).toEqual([{ index: 0, reason: 'not_running' }]);
      });

      it('stops at run_cap, counting every trial ever claimed', async () => {
        await h.store.createSweep(sweepOf(), metaOf('s'));
        const r = await h.store.claimTrials('s', Array.from({ length: 5 }, (_, i) => ({ params: { x: i } })), 3);
        expect(r.claimed.map((t) => t.number)).toEqual([0, 1, 2]);
        expect(r.refused).toEqual([{ index: 3, reason: 'run_cap' }, { index: 4, reason: 'run_cap' }]);
        expect((await h.store.claimTrials('s', [{ params: { x: 9 } }], 3)).refused).toEqual([{ index: 0, reason: 'run_cap' }]);
        expect((await h.store.claimTrials('s', [{ params: { x: 9 } }], 4)).claimed.map((t) => t.number)).toEqual([3]);
      });

      it('refuses a key already taken, also within one batch; trials without a key are never duplicates', async () => {
        await h.store.createSweep(sweepOf(), metaOf('s'));
        const r = await h.store.claimTrials('s', [{ params: { x: 1 }, key: 'k1' }, { params: { x: 2 }, key: 'k2' }, { params: { x: 1 }, key: 'k1' }, { params: { x: 3 }, key: '' }], undefined);
        expect(r.claimed.map((t) => t.params.x)).toEqual([1, 2, 3]);
        expect(r.refused).toEqual([{ index: 2, reason: 'duplicate' }]);
        const again = await h.store.claimTrials('s', [{ params: { x: 2 }, key: 'k2' }, { params: { x: 2 } }, { params: { x: 2 } }], undefined);
        expect(again.refused).toEqual([{ index: 0, reason: 'duplicate' }]);
        expect(again.claimed.map((t) => t.number)).toEqual([3, 4]);
        expect((await h.store.claimTrials('s', [{ params: {}, key: '' }], undefined)).refused[0]?.reason).toBe('duplicate');
      });

      it('keeps run_cap and dedupe exact under concurrent claims from several connections', async () => {
        await h.store.createSweep(sweepOf(), metaOf('s'));
        const peers = await Promise.all([0, 1, 2, 3].map(() => (h.peer ? h.peer() : Promise.resolve(h.store))));
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => peers[i % peers.length]!.claimTrials('s', [{ params: { x: i } }], 12)));
        const numbers = results.flatMap((r) => r.claimed.map((t) => t.number)).sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i));
        expect(results.flatMap((r) => r.refused.map((x) => x.reason))).toEqual(Array(8).fill('run_cap'));
        const dup = await Promise.all(Array.from({ length: 10 }, (_, i) => peers[i % peers.length]!.claimTrials('s', [{ params: { x: 99 }, key: 'same' }], 100)));
        expect(dup.filter((r) => r.claimed.length === 1)).toHaveLength(1);
        expect(await h.store.getTrials('s')).toHaveLength(13);
      });

      it('reads thousands of trials back in number order', async () => {
        await h.store.createSweep(sweepOf(), metaOf('s'));
        const n = h.bulkTrials ?? 2500;
        await h.store.claimTrials('s', Array.from({ length: n }, (_, i) => ({ params: { x: i } })), undefined);
        const all = await h.store.getTrials('s');
        expect(all).toHaveLength(n);
        expect(all.every((t, i) => t.number === i && t.params.x === i)).toBe(true);
      });
    });

    lifecycleCases(ctx);
  });
}
