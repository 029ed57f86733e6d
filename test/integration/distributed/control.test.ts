/**
 * `ff pause | resume | stop | cancel` on a live distributed sweep (W&B semantics):
 *  - pause: no trial is created or started while paused (queued ones wait), running ones go on;
 *  - resume: the waiting trials start, and new ones follow;
 *  - cancel: running trials are stopped at once (state stopped, reason says cancel), sweep cancelled;
 *  - stop: no new trials, running ones finish, sweep stopped; a trial whose worker died meanwhile
 *    does not keep the sweep open forever.
 */
import { join } from 'node:path';
import type { TrialDetail } from '../../../src/coordinator/types.js';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, sleep, waitFor, workerPid, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');
/** Steps of every trial of control.yaml (100 ms each). */
const STEPS = 30;

describe('distributed: pause, resume, stop and cancel from the CLI', () => {
  let cluster: Cluster;
  let sweepId: string | undefined;

  beforeEach(() => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-control'));
  });
  afterEach(() => cluster.close());

  async function start(file: string, workerArgs: string[] = ['--concurrency', '2']): Promise<string> {
    cluster.worker(workerArgs);
    cluster.worker(workerArgs);
    cluster.coordinator();
    await cluster.waitWorkers(2);
    sweepId = await cluster.sweep(join(FIX, file));
    return sweepId;
  }

  /** Waits until at least `n` trials are running with at least `steps` steps logged. */
  function runningWith(id: string, n: number, steps: number): Promise<TrialDetail[]> {
    return waitFor(
      `${n} trials running with ${steps}+ steps`,
      async () => {
        const r = (await cluster.trials(id)).filter((t) => t.state === 'running' && t.steps >= steps);
        return r.length >= n ? r : undefined;
      },
      { context: () => cluster.context(id) },
    );
  }

  async function control(verb: string, id: string, from: string, to: string): Promise<void> {
    const r = await cluster.cli([verb, id]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${from} → ${to}`);
  }

  it('pause holds new trials while running ones finish; resume goes on; cancel stops running trials at once', () =>
    cluster.explain(async () => {
      const id = await start('control.yaml');
      await runningWith(id, 2, 1);

      await control('pause', id, 'running', 'paused');
      // The coordinator pauses the sweep's queue when it sees the new state; give it a moment, so
      // that a trial a worker took in between counts as running at the pause. Claims are refused
      // atomically once the state is paused: no trial can be created after this snapshot.
      await sleep(500);
      const atPause = await cluster.trials(id);
      const goingOn = atPause.filter((t) => t.state === 'running').map((t) => t.number);
      const waiting = atPause.filter((t) => t.state === 'queued').map((t) => t.number);
      expect(goingOn.length).toBeGreaterThan(0);
      await waitFor(
        'the trials running at pause to end',
        async () => {
          const now = await cluster.trials(id);
          return goingOn.every((n) => now[n]!.endedAt !== undefined);
        },
        { context: () => cluster.context(id) },
      );
      // a window longer than the coordinator's worker, lease and resend checks: nothing starts
      await sleep(1500);
      const paused = await cluster.trials(id);
      expect(paused).toHaveLength(atPause.length);
      expect(paused.filter((t) => t.state === 'running').map((t) => t.number)).toEqual([]);
      for (const n of goingOn) {
        expect(paused[n]!.state).toBe('finished'); // running ones went on, not stopped
        expect(paused[n]!.steps).toBe(STEPS);
      }
      for (const n of waiting) expect([paused[n]!.state, paused[n]!.steps]).toEqual(['queued', 0]);
      expect((await cluster.meta(id)).state).toBe('paused');

      await control('resume', id, 'paused', 'running');
      // the trials that waited in the paused queue start now
      const resumed = await runningWith(id, 2, 2);
      if (waiting.length > 0) expect(resumed.map((t) => t.number).filter((n) => waiting.includes(n)).length).toBeGreaterThan(0);

      await control('cancel', id, 'running', 'cancelled');
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('cancelled');
      expect(meta.endedReason).toMatch(/cancel/);
      const trials = await expectEachEndedOnce(cluster, id);
      for (const r of resumed) {
        const t = trials[r.number]!;
        expect(t.state).toBe('stopped');
        expect(t.stopReason).toMatch(/cancel/);
        expect(t.steps).toBeLessThan(STEPS); // cut short, not run to the end
      }
      // 30-step trials leave no warning behind (one abort listener per step used to pile up)
      expect(cluster.procs.describe(1e6)).not.toMatch(/MaxListenersExceededWarning/);
      // every trial either ran to its end before the cancel or was stopped by it
      for (const t of trials) {
        if (t.state === 'finished') expect(t.steps).toBe(STEPS);
        else expect([t.state, t.stopReason]).toEqual(['stopped', expect.stringMatching(/cancel/)]);
      }
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('pause holds queued trials even while the coordinator is down; resume releases them', () =>
    cluster.explain(async () => {
      cluster.worker(['--concurrency', '1']);
      let coordinator = cluster.coordinator();
      await cluster.waitWorkers(1);
      const id = await cluster.sweep(join(FIX, 'control.yaml'));
      sweepId = id;
      // one slot: trial 0 runs, trial 1 waits in the queue
      await waitFor(
        'trial 0 running and trial 1 queued',
        async () => {
          const t = await cluster.trials(id);
          return t[0]?.state === 'running' && t[0].steps >= 1 && t[1]?.state === 'queued';
        },
        { context: () => cluster.context(id) },
      );
      await coordinator.kill9();
      await control('pause', id, 'running', 'paused');
      await waitFor('trial 0 to finish', async () => (await cluster.store.getTrial(id, 0))?.state === 'finished', { context: () => cluster.context(id) });
      await sleep(1500); // the worker is idle and the job is in its queue: it must not take it
      expect((await cluster.trials(id)).slice(1).map((t) => [t.number, t.state])).toEqual([[1, 'queued']]);
      coordinator = cluster.coordinator([], 'coordinator#2');
      await control('resume', id, 'paused', 'running');
      await waitFor('trial 1 to start after the resume', async () => (await cluster.store.getTrial(id, 1))?.state === 'running', {
        context: () => cluster.context(id),
      });
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('stop: no new trials, the running ones finish, the sweep ends stopped', () =>
    cluster.explain(async () => {
      const id = await start('control.yaml');
      const running = await runningWith(id, 2, 3);
      await control('stop', id, 'running', 'stopped');
      const atStop = await cluster.trials(id);
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('stopped');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(atStop.length);
      for (const r of running) {
        expect(trials[r.number]!.state).toBe('finished');
        expect(trials[r.number]!.steps).toBe(STEPS);
      }
      // a trial still queued when the sweep stopped never starts
      for (const t of atStop.filter((x) => x.state === 'queued')) expect(trials[t.number]!.state).toBe('stopped');
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('stop while a worker is lost: its trials end, the sweep does not wait for them forever', () =>
    cluster.explain(async () => {
      // one worker only, short lease: once it is killed nobody serves the sweep's queue any more
      const worker = cluster.worker(['--concurrency', '2', '--lease', '1.5']);
      cluster.coordinator();
      await cluster.waitWorkers(1);
      const id = await cluster.sweep(join(FIX, 'control.yaml'));
      sweepId = id;
      const running = await runningWith(id, 2, 2);
      expect(running.every((t) => workerPid(t.worker) === worker.pid)).toBe(true);
      await worker.kill9();
      await control('stop', id, 'running', 'stopped');
      const meta = await cluster.waitEnded(id, 30000);
      expect(meta.state).toBe('stopped');
      const trials = await expectEachEndedOnce(cluster, id);
      // the lost trials were given back (lease expired) but may not start again in a stopped sweep
      for (const t of running) {
        expect(trials[t.number]!.state).toBe('stopped');
        expect(trials[t.number]!.stopReason).toMatch(/sweep stopped before the trial started/);
      }
      expect(trials.filter((t) => t.state !== 'stopped')).toEqual([]);
    }, () => sweepId), SCENARIO_TIMEOUT);
});
