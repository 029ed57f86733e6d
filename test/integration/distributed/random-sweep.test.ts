/**
 * A whole distributed sweep with real processes: `ff sweep`, one `ff coordinator` and three
 * `ff worker`s on a real Redis. run_cap is exact, every trial ends exactly once, the work is
 * spread over the workers, and `ff status --json` agrees with the store.
 */
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed random sweep: 3 workers, 1 coordinator', () => {
  let cluster: Cluster;
  let sweepId: string | undefined;

  beforeAll(() => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-random'));
  });
  afterEach(() => cluster.procs.killAll());
  afterAll(() => cluster.close());

  it('runs exactly run_cap = 30 trials, each once, on more than one worker, and finishes', () =>
    cluster.explain(async () => {
      for (let i = 0; i < 3; i++) cluster.worker();
      cluster.coordinator();
      // all three registered first, so the coordinator sees three slots from the start
      await cluster.waitWorkers(3);
      sweepId = await cluster.sweep(join(FIX, 'random30.yaml'), 7);
      const meta = await cluster.waitEnded(sweepId);

      expect(meta.state).toBe('finished');
      expect(meta.endedReason).toMatch(/run_cap 30 reached/);
      const trials = await expectEachEndedOnce(cluster, sweepId);
      expect(trials.map((t) => t.number)).toEqual([...Array(30).keys()]);
      for (const t of trials) {
        expect(t.state).toBe('finished');
        expect(t.attempt).toBe(1);
        expect(t.steps).toBe(3);
        // ff:synthetic: loss = (x - 0.5)^2 + (y - 0.5)^2 + 1/step, best at the last step
        const { x, y } = t.params as { x: number; y: number };
        expect(t.value).toBeCloseTo((x - 0.5) ** 2 + (y - 0.5) ** 2 + 1 / 3, 12);
        expect(t.metricHistory).toHaveLength(3);
      }
      const workers = new Set(trials.map((t) => t.worker));
      expect(workers.has(undefined)).toBe(false);
      expect(workers.size).toBeGreaterThan(1);

      // ff status --json reads the same from Redis
      const st = await cluster.cli(['status', sweepId, '--json']);
      expect(st.code).toBe(0);
      const summary = JSON.parse(st.out) as { state: string; counts: Record<string, number>; trials: Array<{ number: number; value: number }> };
      expect(summary.state).toBe('finished');
      expect(summary.counts).toEqual({ queued: 0, running: 0, finished: 30, stopped: 0, failed: 0 });
      expect(summary.trials.map((t) => t.value)).toEqual(trials.map((t) => t.value));
    }, () => sweepId), SCENARIO_TIMEOUT);
});
