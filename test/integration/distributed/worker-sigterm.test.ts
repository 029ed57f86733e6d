/**
 * SIGTERM to a worker in the middle of a trial (`ff worker --on-term …`):
 *  - finish: it takes no new trial, finishes the running one (state finished, on that worker) and exits 0;
 *  - requeue: it stops the running trial and hands it back; another worker runs it from the start
 *    with the same params (same attempt, next dispatch) and the trial ends exactly once.
 */
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, type Proc, waitFor, workerPid, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed: SIGTERM to a worker', () => {
  let cluster: Cluster;
  let sweepId: string | undefined;

  beforeEach(() => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-term'));
  });
  afterEach(() => cluster.close());

  /** Two workers with `--on-term mode`, a 3-point grid of 1.2 s trials; SIGTERM to the worker of trial 0 after 3 steps. */
  async function termWorkerOfTrial0(mode: string): Promise<{ id: string; termed: Proc; params: unknown }> {
    const workers = [cluster.worker(['--on-term', mode]), cluster.worker(['--on-term', mode])];
    cluster.coordinator();
    await cluster.waitWorkers(2);
    const id = await cluster.sweep(join(FIX, 'term-grid.yaml'));
    sweepId = id;
    const running = await waitFor(
      'trial 0 to log 3 steps',
      async () => {
        const t = await cluster.store.getTrial(id, 0);
        return t !== undefined && t.state === 'running' && t.steps >= 3 ? t : undefined;
      },
      { context: () => cluster.context(id) },
    );
    const termed = workers.find((w) => w.pid === workerPid(running.worker));
    if (termed === undefined) throw new Error(`no worker process has the pid of ${running.worker}`);
    termed.signal('SIGTERM');
    return { id, termed, params: running.params };
  }

  it('--on-term finish: the running trial finishes on that worker, which then exits 0', () =>
    cluster.explain(async () => {
      const { id, termed } = await termWorkerOfTrial0('finish');
      const exit = await termed.waitExit(30000);
      expect(exit).toEqual({ code: 0, signal: null });
      const t0 = (await cluster.store.getTrial(id, 0))!;
      expect(t0.state).toBe('finished');
      expect(t0.steps).toBe(12);
      expect(t0.attempt).toBe(1);
      expect(workerPid(t0.worker)).toBe(termed.pid);
      // it took nothing new after the signal: every other trial ran on the other worker
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials.map((t) => t.state)).toEqual(Array(3).fill('finished'));
      const onTermed = trials.filter((t) => workerPid(t.worker) === termed.pid).map((t) => t.number);
      expect(onTermed).toEqual([0]);
      expect((await cluster.store.liveWorkers()).map((w) => w.pid)).not.toContain(termed.pid);
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('--on-term requeue: the running trial is handed back and completed by another worker', () =>
    cluster.explain(async () => {
      const { id, termed, params } = await termWorkerOfTrial0('requeue');
      const exit = await termed.waitExit(30000);
      expect(exit).toEqual({ code: 0, signal: null });
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials.map((t) => t.state)).toEqual(Array(3).fill('finished'));
      const t0 = trials[0]!;
      expect(t0.params).toEqual(params);
      expect(t0.attempt).toBe(1); // handing back is not a failure: same attempt…
      expect(t0.dispatch).toBe(2); // …sent again
      expect(workerPid(t0.worker)).not.toBe(termed.pid);
      expect(t0.steps).toBe(12);
      expect((await cluster.store.getSteps(id, 0)).map((s) => s.step)).toEqual([...Array(12).keys()].map((i) => i + 1));
      const requeued = (await cluster.events()).filter((e) => e.type === 'requeued' && e.sweepId === id);
      expect(requeued).toEqual([expect.objectContaining({ number: 0, attempt: 1, dispatch: 2 })]);
    }, () => sweepId), SCENARIO_TIMEOUT);
});
