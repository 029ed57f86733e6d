/**
 * kill -9 of a worker in the middle of a trial: its lease expires (short leases here: 1.5 s, checked
 * every 0.3 s), the coordinator runs the trial again as attempt 2 with the same params on another
 * worker, and the sweep still ends with every trial ending exactly once. With `--max-attempts 1`
 * the lost trial is marked failed instead ("worker lost").
 */
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, type Proc, waitFor, workerPid, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');
const LEASE = ['--lease', '1.5'];

describe('distributed: a worker killed with SIGKILL mid-trial', () => {
  let cluster: Cluster;
  let sweepId: string | undefined;

  // a fresh prefix per test: no worker of one test is seen by the next
  beforeEach(() => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-kill'));
  });
  afterEach(() => cluster.close());

  /** Starts 3 workers and a coordinator, a 5-point grid of 2 s trials; kills the worker of trial 0 after 3 steps. */
  async function killWorkerOfTrial0(coordinatorArgs: string[]): Promise<{ id: string; killed: Proc; params: unknown }> {
    const workers = [cluster.worker(LEASE), cluster.worker(LEASE), cluster.worker(LEASE)];
    cluster.coordinator(coordinatorArgs);
    await cluster.waitWorkers(3);
    const id = await cluster.sweep(join(FIX, 'long-grid.yaml'));
    sweepId = id;
    const running = await waitFor(
      'trial 0 to log 3 steps',
      async () => {
        const t = await cluster.store.getTrial(id, 0);
        return t !== undefined && t.state === 'running' && t.steps >= 3 ? t : undefined;
      },
      { context: () => cluster.context(id) },
    );
    const killed = workers.find((w) => w.pid === workerPid(running.worker));
    if (killed === undefined) throw new Error(`no worker process has the pid of ${running.worker}`);
    const exit = await killed.kill9();
    expect(exit.signal).toBe('SIGKILL');
    return { id, killed, params: running.params };
  }

  it('runs the lost trial again with the same params as attempt 2 on another worker', () =>
    cluster.explain(async () => {
      const { id, killed, params } = await killWorkerOfTrial0([]);
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      expect(meta.endedReason).toMatch(/exhausted after 5 trials/);

      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(5);
      expect(trials.map((t) => t.state)).toEqual(Array(5).fill('finished'));
      const t0 = trials[0]!;
      expect(t0.attempt).toBe(2);
      expect(t0.params).toEqual(params);
      expect(workerPid(t0.worker)).not.toBe(killed.pid);
      // attempt 2 started over: its own 20 steps, none of the dead attempt's
      expect(t0.steps).toBe(20);
      expect((await cluster.store.getSteps(id, 0)).map((s) => s.step)).toEqual([...Array(20).keys()].map((i) => i + 1));
      expect(trials.slice(1).every((t) => t.attempt === 1 && t.steps === 20)).toBe(true);
      // the coordinator requeued it because the lease expired
      const requeued = (await cluster.events()).filter((e) => e.type === 'requeued' && e.sweepId === id);
      expect(requeued).toEqual([expect.objectContaining({ number: 0, attempt: 2, why: expect.stringMatching(/worker lost/) })]);
      // grid points once each
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(5);
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('with --max-attempts 1 marks the lost trial failed ("worker lost") and finishes the rest', () =>
    cluster.explain(async () => {
      const { id, params } = await killWorkerOfTrial0(['--max-attempts', '1']);
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(5);
      const t0 = trials[0]!;
      expect(t0.state).toBe('failed');
      expect(t0.attempt).toBe(1);
      expect(t0.params).toEqual(params);
      expect(t0.error).toMatch(/worker lost/);
      expect(trials.slice(1).map((t) => t.state)).toEqual(Array(4).fill('finished'));
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('a worker frozen (SIGSTOP) past its lease comes back as a zombie: its late writes are refused', () =>
    cluster.explain(async () => {
      const workers = [cluster.worker(LEASE), cluster.worker(LEASE), cluster.worker(LEASE)];
      cluster.coordinator();
      await cluster.waitWorkers(3);
      const id = await cluster.sweep(join(FIX, 'long-grid.yaml'));
      sweepId = id;
      const t = await waitFor('trial 0 to log 3 steps', async () => {
        const x = await cluster.store.getTrial(id, 0);
        return x !== undefined && x.state === 'running' && x.steps >= 3 ? x : undefined;
      });
      const frozen = workers.find((w) => w.pid === workerPid(t.worker))!;
      frozen.signal('SIGSTOP');
      try {
        // attempt 2 runs elsewhere while the first worker is frozen
        await waitFor('attempt 2 of trial 0 to log 3 steps', async () => {
          const x = await cluster.store.getTrial(id, 0);
          return x !== undefined && x.attempt === 2 && x.state === 'running' && x.steps >= 3;
        });
      } finally {
        frozen.signal('SIGCONT');
      }
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      const t0 = trials[0]!;
      expect(t0.state).toBe('finished');
      expect(t0.attempt).toBe(2);
      expect(workerPid(t0.worker)).not.toBe(frozen.pid);
      // only attempt 2's steps, in order: nothing the zombie logged after waking up got in
      expect(t0.steps).toBe(20);
      expect((await cluster.store.getSteps(id, 0)).map((s) => s.step)).toEqual([...Array(20).keys()].map((i) => i + 1));
      const steps = (await cluster.events()).flatMap((e) => (e.type === 'step' && e.sweepId === id && e.number === 0 ? [e] : []));
      expect(steps.filter((e) => e.attempt === 1).length).toBeLessThan(20);
      expect(steps.filter((e) => e.attempt === 2)).toHaveLength(20);
      // the zombie is still a working worker
      expect(frozen.running).toBe(true);
      expect(trials.every((x) => x.state === 'finished')).toBe(true);
    }, () => sweepId), SCENARIO_TIMEOUT);
});
