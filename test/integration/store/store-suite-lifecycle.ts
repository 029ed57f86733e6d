/**
 * Conformance cases for one trial's life: start (fenced), steps, stop requests, end (exactly
 * once), lease expiry and retries, hand-back. Part of store-suite.ts.
 */
import type { StoreEvent } from '../../../src/coordinator/store.js';
import { eventCases } from './store-suite-events.js';
import { drain, leaseOf, runningTrial, sleep, sweepWithTrials, type StoreHarness } from './store-suite-helpers.js';

export function lifecycleCases(ctx: { readonly h: StoreHarness }): void {
  describe('start', () => {
    it('starts only the queued trial of the exact attempt and dispatch', async () => {
      const { store } = ctx.h;
      const [t] = await sweepWithTrials(store, 1);
      const lease = leaseOf(t!);
      expect(await store.startTrial({ ...lease, attempt: 2 }, 'w1', 1000)).toEqual({ ok: false, reason: 'superseded' });
      expect(await store.startTrial({ ...lease, dispatch: 2 }, 'w1', 1000)).toEqual({ ok: false, reason: 'superseded' });
      expect(await store.startTrial({ ...lease, number: 5 }, 'w1', 1000)).toEqual({ ok: false, reason: 'not_found' });
      const ok = await store.startTrial(lease, 'w1', 1000);
      expect(ok.ok && ok.trial).toMatchObject({ number: 0, state: 'running', worker: 'w1', attempt: 1, params: { x: 0 }, metricHistory: [] });
      expect(ok.ok && typeof ok.trial.startedAt).toBe('string');
      expect(await store.startTrial(lease, 'w2', 1000)).toEqual({ ok: false, reason: 'superseded' });
      expect((await store.getTrial('s', 0))?.worker).toBe('w1');
    });

    it('does not start a trial of a stopped or cancelled sweep (marks it stopped), but does in a paused one', async () => {
      const { store } = ctx.h;
      const trials = await sweepWithTrials(store, 3);
      const cursor = await store.latestCursor();
      await store.setSweepState('s', 'paused');
      expect((await store.startTrial(leaseOf(trials[0]!), 'w1', 1000)).ok).toBe(true);
      await store.setSweepState('s', 'stopped', 'user');
      expect(await store.startTrial(leaseOf(trials[1]!), 'w1', 1000)).toEqual({ ok: false, reason: 'sweep_inactive' });
      expect(await store.getTrial('s', 1)).toMatchObject({ state: 'stopped', stopReason: 'sweep stopped before the trial started' });
      await store.setSweepState('s', 'cancelled');
      expect(await store.startTrial(leaseOf(trials[2]!), 'w1', 1000)).toEqual({ ok: false, reason: 'sweep_inactive' });
      expect((await store.getTrial('s', 2))?.stopReason).toBe('sweep cancelled before the trial started');
      const ended = (await drain(store, cursor)).events.filter((e) => e.type === 'ended');
      expect(ended).toEqual([
        { type: 'ended', sweepId: 's', number: 1, attempt: 1, state: 'stopped' },
        { type: 'ended', sweepId: 's', number: 2, attempt: 1, state: 'stopped' },
      ]);
    });
  });

  describe('steps', () => {
    it('appends steps in order, keeps the finite metric history and the best value under the goal', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store);
      const cursor = await store.latestCursor();
      const steps = [{ loss: 3, acc: 0.1 }, { loss: 1 }, { acc: 0.5 }, { loss: 2, nested: { a: [1, 2] } }];
      const values = [3, 1, undefined, 2];
      for (let i = 0; i < steps.length; i++) {
        expect(await store.appendStep(lease, steps[i]!, values[i], 1700000000000 + i)).toEqual({ ok: true, step: i });
      }
      const t = await store.getTrial('s', 0);
      expect(t).toMatchObject({ state: 'running', steps: 4, metricHistory: [3, 1, 2], value: 1, lastMetrics: { loss: 2, nested: { a: [1, 2] } } });
      expect(await store.getSteps('s', 0)).toEqual(steps);
      const stepEvents = (await drain(store, cursor)).events.filter((e) => e.type === 'step');
      expect(stepEvents).toEqual([
        { type: 'step', sweepId: 's', number: 0, attempt: 1, step: 0, value: 3, at: 1700000000000 },
        { type: 'step', sweepId: 's', number: 0, attempt: 1, step: 1, value: 1, at: 1700000000001 },
        { type: 'step', sweepId: 's', number: 0, attempt: 1, step: 2, at: 1700000000002 },
        { type: 'step', sweepId: 's', number: 0, attempt: 1, step: 3, value: 2, at: 1700000000003 },
      ]);
    });

    it('keeps the largest value when maximizing, and values round-trip exactly', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store, 60000, 'maximize');
      const odd = [0.1 + 0.2, 1e-300, -2.5e-7, 123456789.12345679];
      for (const v of odd) await store.appendStep(lease, { loss: v }, v, Date.now());
      await store.appendStep(lease, { loss: Number.NaN }, Number.NaN, Date.now());
      const t = await store.getTrial('s', 0);
      expect(t?.metricHistory).toEqual(odd);
      expect(t?.value).toBe(123456789.12345679);
    });

    it('returns the stop reason to the worker once a stop was requested, and keeps the decision', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store);
      expect(await store.appendStep(lease, { loss: 1 }, 1, Date.now())).toEqual({ ok: true, step: 0 });
      const decision = { trialNumber: 0, stop: true, band: 1, threshold: 0.5, value: 1, explanation: 'band 1: 1 > 0.5, STOP' };
      await store.requestStop('s', 0, 'hyperband: band 1', decision);
      expect(await store.appendStep(lease, { loss: 0.9 }, 0.9, Date.now())).toEqual({ ok: true, step: 1, stop: 'hyperband: band 1' });
      expect(await store.getTrial('s', 0)).toMatchObject({ state: 'running', decision, stopReason: 'hyperband: band 1' });
      const go = { trialNumber: 0, stop: false, explanation: 'go on' };
      await store.setDecision('s', 0, go);
      expect((await store.getTrial('s', 0))?.decision).toEqual(go);
    });

    it('refuses writes under a stale lease or for an unknown trial', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store);
      expect(await store.appendStep({ ...lease, dispatch: 2 }, { loss: 1 }, 1, Date.now())).toEqual({ ok: false, reason: 'superseded' });
      expect(await store.appendStep({ ...lease, attempt: 0 }, { loss: 1 }, 1, Date.now())).toEqual({ ok: false, reason: 'superseded' });
      expect(await store.appendStep({ ...lease, number: 7 }, { loss: 1 }, 1, Date.now())).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.renewLease({ ...lease, dispatch: 2 }, 1000)).toBe(false);
      expect(await store.endTrial({ ...lease, attempt: 2 }, { status: 'finished' })).toBe(false);
      expect(await store.getTrial('s', 0)).toMatchObject({ state: 'running', steps: 0, metricHistory: [] });
    });
  });

  describe('end', () => {
    it('ends a trial exactly once; later writes are refused and its lease is gone', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store, 30);
      const cursor = await store.latestCursor();
      expect(await store.endTrial(lease, { status: 'finished' })).toBe(true);
      expect(await store.endTrial(lease, { status: 'failed', error: 'late' })).toBe(false);
      expect(await store.appendStep(lease, { loss: 1 }, 1, Date.now())).toEqual({ ok: false, reason: 'superseded' });
      expect(await store.renewLease(lease, 1000)).toBe(false);
      const t = await store.getTrial('s', 0);
      expect(t?.state).toBe('finished');
      expect(typeof t?.endedAt).toBe('string');
      await sleep(50);
      expect(await store.expiredLeases(Date.now())).toEqual([]);
      const ended = (await drain(store, cursor)).events.filter((e) => e.type === 'ended');
      expect(ended).toEqual([{ type: 'ended', sweepId: 's', number: 0, attempt: 1, state: 'finished' }]);
    });

    it('keeps the requested stop reason over the worker\'s, and records failures', async () => {
      const { store } = ctx.h;
      const trials = await sweepWithTrials(store, 3);
      const [a, b, c] = trials.map(leaseOf);
      for (const l of [a!, b!, c!]) expect((await store.startTrial(l, 'w1', 60000)).ok).toBe(true);
      await store.requestStop('s', 0, 'hyperband band 3: 0.9 > 0.4');
      expect(await store.endTrial(a!, { status: 'stopped', reason: 'terminated by signal' })).toBe(true);
      expect(await store.endTrial(b!, { status: 'stopped', reason: 'user' })).toBe(true);
      expect(await store.endTrial(c!, { status: 'failed', error: 'exit code 3', exitCode: 3, stderrTail: 'Traceback\nValueError' })).toBe(true);
      const [ta, tb, tc] = await store.getTrials('s');
      expect(ta).toMatchObject({ state: 'stopped', stopReason: 'hyperband band 3: 0.9 > 0.4' });
      expect(tb).toMatchObject({ state: 'stopped', stopReason: 'user' });
      expect(tc).toMatchObject({ state: 'failed', error: 'exit code 3', exitCode: 3, stderrTail: 'Traceback\nValueError' });
    });

    it('keeps a null exit code (killed by a signal) distinct from none', async () => {
      const { store } = ctx.h;
      const [a, b] = (await sweepWithTrials(store, 2)).map(leaseOf);
      for (const l of [a!, b!]) await store.startTrial(l, 'w1', 60000);
      await store.endTrial(a!, { status: 'failed', error: 'killed', exitCode: null });
      await store.endTrial(b!, { status: 'failed', error: 'executor error' });
      const [ta, tb] = await store.getTrials('s');
      expect(ta?.exitCode).toBeNull();
      expect(tb && 'exitCode' in tb).toBe(false);
    });

    it('stops a queued trial at once when asked (no process to signal); ended trials ignore stop requests', async () => {
      const { store } = ctx.h;
      const [a, b] = (await sweepWithTrials(store, 2)).map(leaseOf);
      await store.requestStop('s', 0, 'sweep cancelled');
      expect(await store.getTrial('s', 0)).toMatchObject({ state: 'stopped', stopReason: 'sweep cancelled' });
      expect(await store.startTrial(a!, 'w1', 1000)).toEqual({ ok: false, reason: 'superseded' });
      await store.startTrial(b!, 'w1', 1000);
      await store.endTrial(b!, { status: 'finished' });
      await store.requestStop('s', 1, 'too late');
      expect(await store.getTrial('s', 1)).toMatchObject({ state: 'finished' });
      expect((await store.getTrial('s', 1))?.stopReason).toBeUndefined();
    });
  });

  describe('leases', () => {
    it('requeues a trial whose lease expired as the next attempt with the same params and a fresh history', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store, 30);
      await store.appendStep(lease, { loss: 2 }, 2, Date.now());
      await store.appendStep(lease, { loss: 1 }, 1, Date.now());
      await sleep(60);
      expect(await store.expiredLeases(Date.now())).toEqual([lease]);
      const cursor = await store.latestCursor();
      const requeued = await store.recoverExpired(lease, 3, 'worker lost');
      expect(requeued).toMatchObject({ number: 0, state: 'queued', attempt: 2, params: { x: 0 }, metricHistory: [], steps: 0 });
      expect(requeued?.value).toBeUndefined();
      expect(await store.getSteps('s', 0)).toEqual([]);
      expect(await store.expiredLeases(Date.now())).toEqual([]);
      expect(await store.recoverExpired(lease, 3, 'again')).toBeUndefined();
      // the zombie of attempt 1 can no longer write
      expect(await store.appendStep(lease, { loss: 0 }, 0, Date.now())).toEqual({ ok: false, reason: 'superseded' });
      expect(await store.endTrial(lease, { status: 'finished' })).toBe(false);
      const events: StoreEvent[] = (await drain(store, cursor)).events;
      expect(events).toEqual([{ type: 'requeued', sweepId: 's', number: 0, attempt: 2, dispatch: 1, why: 'worker lost' }]);

      const lease2 = { ...lease, attempt: 2 };
      expect((await store.startTrial(lease2, 'w2', 30)).ok).toBe(true);
      await sleep(60);
      expect(await store.recoverExpired(lease2, 2, 'worker lost')).toBeUndefined();
      expect(await store.getTrial('s', 0)).toMatchObject({ state: 'failed', attempt: 2, error: 'worker lost (lease expired) after 2 attempts' });
    });

    it('leaves a renewed lease alone', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store, 30);
      expect(await store.renewLease(lease, 60000)).toBe(true);
      await sleep(60);
      expect(await store.expiredLeases(Date.now())).toEqual([]);
      expect(await store.recoverExpired(lease, 3, 'x')).toBeUndefined();
      expect((await store.getTrial('s', 0))?.state).toBe('running');
      expect(await store.expiredLeases(Date.now() + 120000)).toEqual([lease]);
    });

    it('ends a lost trial as stopped, not retried, when a stop had been requested', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store, 30);
      await store.requestStop('s', 0, 'hyperband');
      await sleep(60);
      expect(await store.recoverExpired(lease, 3, 'worker lost')).toBeUndefined();
      expect(await store.getTrial('s', 0)).toMatchObject({ state: 'stopped', stopReason: 'hyperband', attempt: 1 });
    });
  });

  describe('hand-back', () => {
    it('gives a running trial back as the same attempt with the next dispatch and an empty history', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store);
      await store.appendStep(lease, { loss: 1 }, 1, Date.now());
      const cursor = await store.latestCursor();
      const back = await store.handBack(lease, 'worker shutting down');
      expect(back).toMatchObject({ state: 'queued', attempt: 1, metricHistory: [], steps: 0 });
      expect(back && leaseOf(back)).toEqual({ ...lease, dispatch: 2 });
      expect(await store.getSteps('s', 0)).toEqual([]);
      expect(await store.handBack(lease, 'twice')).toBeUndefined();
      expect(await store.startTrial(lease, 'w1', 1000)).toEqual({ ok: false, reason: 'superseded' });
      expect((await store.startTrial({ ...lease, dispatch: 2 }, 'w2', 1000)).ok).toBe(true);
      expect(await store.appendStep(lease, { loss: 0 }, 0, Date.now())).toEqual({ ok: false, reason: 'superseded' });
      const events = (await drain(store, cursor)).events;
      expect(events[0]).toEqual({ type: 'requeued', sweepId: 's', number: 0, attempt: 1, dispatch: 2, why: 'worker shutting down' });
      expect(events[1]).toEqual({ type: 'started', sweepId: 's', number: 0, attempt: 1, worker: 'w2' });
    });

    it('ends the trial stopped instead when a stop had been requested', async () => {
      const { store } = ctx.h;
      const lease = await runningTrial(store);
      await store.requestStop('s', 0, 'band 1');
      expect(await store.handBack(lease, 'shutting down')).toBeUndefined();
      expect(await store.getTrial('s', 0)).toMatchObject({ state: 'stopped', stopReason: 'band 1' });
    });
  });

  eventCases(ctx);
}
