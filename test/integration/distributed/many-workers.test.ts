/**
 * Ten `ff worker` processes (concurrency 1 each) on one 12-point grid: the coordinator claims for
 * ten slots at once and the workers race for the jobs, yet there are exactly 12 trials and each grid
 * point runs exactly once.
 */
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed: 10 workers on a 12-point grid', () => {
  let cluster: Cluster;
  let sweepId: string | undefined;

  beforeAll(() => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-many'));
  });
  afterAll(() => cluster.close());

  it('runs exactly 12 trials, each grid point once', () =>
    cluster.explain(async () => {
      for (let i = 0; i < 10; i++) cluster.worker(['--concurrency', '1']);
      cluster.coordinator();
      await cluster.waitWorkers(10, 60000);
      sweepId = await cluster.sweep(join(FIX, 'grid12.yaml'));
      const meta = await cluster.waitEnded(sweepId);

      expect(meta.state).toBe('finished');
      expect(meta.endedReason).toMatch(/exhausted after 12 trials/);
      const trials = await expectEachEndedOnce(cluster, sweepId);
      expect(trials.map((t) => t.number)).toEqual([...Array(12).keys()]);
      const points = trials.map((t) => `${String(t.params.x)}/${String(t.params.y)}`);
      expect(new Set(points).size).toBe(12);
      expect(points.sort()).toEqual([0, 0.25, 0.5, 0.75].flatMap((x) => [1, 2, 3].map((y) => `${x}/${y}`)).sort());
      expect(trials.every((t) => t.state === 'finished' && t.attempt === 1 && t.steps === 5)).toBe(true);
      // one `started` event per trial: no job was run twice
      const starts = (await cluster.events()).filter((e) => e.type === 'started' && e.sweepId === sweepId);
      expect(starts.map((e) => (e.type === 'started' ? e.number : -1)).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
      expect(new Set(trials.map((t) => t.worker)).size).toBeGreaterThan(1);
    }, () => sweepId), SCENARIO_TIMEOUT);
});
