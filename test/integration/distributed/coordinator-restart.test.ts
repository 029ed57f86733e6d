/**
 * The coordinator keeps nothing that is not in Redis: SIGKILL it in the middle of two sweeps (a
 * grid and a capped random search), start a new one, and the sweeps go on where they were; the
 * second time the new one starts before the old one is killed, so two coordinators overlap. No grid
 * point runs twice, none is forgotten, run_cap holds exactly, both sweeps finish, and every trial
 * ends exactly once.
 */
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, type Proc, waitFor, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed: the coordinator killed and restarted mid-sweep', () => {
  let cluster: Cluster;
  let sweepIds: string[] = [];
  let coordinator: Proc;

  beforeAll(() => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-restart'));
  });
  afterAll(() => cluster.close());

  it('duplicates no trial, forgets none, keeps run_cap exact and finishes both sweeps', () =>
    cluster.explain(async () => {
      for (let i = 0; i < 3; i++) cluster.worker();
      coordinator = cluster.coordinator([], 'coordinator#1');
      await cluster.waitWorkers(3);
      const grid = await cluster.sweep(join(FIX, 'grid12.yaml'));
      const random = await cluster.sweep(join(FIX, 'capped-random.yaml'), 3);
      sweepIds = [grid, random];

      const ended = (n: number): Promise<boolean> =>
        waitFor(
          `${n} trials ended`,
          async () => {
            const all = [...(await cluster.trials(grid)), ...(await cluster.trials(random))];
            return all.filter((t) => t.endedAt !== undefined).length >= n;
          },
          { context: () => cluster.context(grid) },
        );
      // kill, then start a new one
      await ended(3);
      expect((await coordinator.kill9()).signal).toBe('SIGKILL');
      coordinator = cluster.coordinator([], 'coordinator#2');
      // start a new one while the old one still runs (both claim for a while), then kill the old one
      await ended(8);
      const old = coordinator;
      coordinator = cluster.coordinator([], 'coordinator#3');
      await ended(13);
      expect((await old.kill9()).signal).toBe('SIGKILL');

      const gridMeta = await cluster.waitEnded(grid);
      const randomMeta = await cluster.waitEnded(random);

      expect(gridMeta.state).toBe('finished');
      expect(gridMeta.endedReason).toMatch(/exhausted after 12 trials/);
      const gridTrials = await expectEachEndedOnce(cluster, grid);
      expect(gridTrials).toHaveLength(12);
      const points = gridTrials.map((t) => `${String(t.params.x)}/${String(t.params.y)}`).sort();
      const expected = [0, 0.25, 0.5, 0.75].flatMap((x) => [1, 2, 3].map((y) => `${x}/${y}`)).sort();
      expect(points).toEqual(expected);
      expect(gridTrials.every((t) => t.state === 'finished' && t.attempt === 1 && t.steps === 5)).toBe(true);

      expect(randomMeta.state).toBe('finished');
      expect(randomMeta.endedReason).toMatch(/run_cap 14 reached/);
      const randomTrials = await expectEachEndedOnce(cluster, random);
      expect(randomTrials.map((t) => t.number)).toEqual([...Array(14).keys()]);
      expect(randomTrials.every((t) => t.state === 'finished' && t.attempt === 1 && t.steps === 4)).toBe(true);
      // the restarted coordinator went on with the seeded sequence: no params repeated
      expect(new Set(randomTrials.map((t) => t.params.x)).size).toBe(14);
      // three coordinators did drive it (the third one ended the sweeps)
      expect(coordinator.output()).toMatch(/finished/);
    }, () => sweepIds[0]), SCENARIO_TIMEOUT);

  it('sends the job of a trial claimed by a coordinator that died before enqueueing it', () =>
    cluster.explain(async () => {
      await coordinator.kill9();
      const id = await cluster.sweep(join(FIX, 'capped-random.yaml'), 5);
      sweepIds = [id];
      // the state a crash between claim and enqueue leaves: trials queued in the store, no job
      const params = { x: 0.125, steps: 4, sleep_ms: 60 };
      const claim = await cluster.store.claimTrials(id, [{ params }, { params: { ...params, x: 0.875 } }], 14);
      expect(claim.claimed.map((t) => t.number)).toEqual([0, 1]);
      coordinator = cluster.coordinator([], 'coordinator#4');
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(14);
      expect(trials.slice(0, 2).map((t) => [t.params.x, t.state, t.steps])).toEqual([[0.125, 'finished', 4], [0.875, 'finished', 4]]);
      expect(trials.every((t) => t.state === 'finished' && t.attempt === 1)).toBe(true);
    }, () => sweepIds[0]), SCENARIO_TIMEOUT);

  it('two coordinators driving one random sweep from the start claim no point twice', () =>
    cluster.explain(async () => {
      await coordinator?.kill9(); // (undefined when this test runs alone)
      if (cluster.procs.all.every((p) => !p.name.startsWith('worker'))) for (let i = 0; i < 3; i++) cluster.worker();
      const a = cluster.coordinator([], 'coordinator#A');
      const b = cluster.coordinator([], 'coordinator#B');
      await waitFor('both coordinators to run', async () => /driving/.test(a.output()) && /driving/.test(b.output()), {
        context: () => cluster.context(),
      });
      coordinator = b;
      // both see the new sweep at once and suggest for the same trial numbers
      const id = await cluster.sweep(join(FIX, 'capped-random.yaml'), 11);
      sweepIds = [id];
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials.map((t) => t.number)).toEqual([...Array(14).keys()]);
      expect(trials.every((t) => t.state === 'finished')).toBe(true);
      const xs = trials.map((t) => t.params.x);
      expect(xs.filter((x, i) => xs.indexOf(x) !== i)).toEqual([]);
    }, () => sweepIds[0]), SCENARIO_TIMEOUT);
});
