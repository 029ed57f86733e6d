/**
 * Hyperband across processes: the coordinator judges every reported step and the stop reaches the
 * worker by event (pub/sub), not at the end of the trial. Losers end stopped with the band's
 * explanation after far fewer than their 50 steps (50 ms each), and a command trial is really sent
 * SIGTERM (the fixture program writes a marker file when it gets one).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed: hyperband stops reach the workers', () => {
  let cluster: Cluster;
  let sweepId: string | undefined;

  beforeAll(async () => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-hyperband'));
    // run from the fixtures folder, so that the command sweep's `program: term-marker.mjs` resolves
    for (let i = 0; i < 2; i++) cluster.worker(['--concurrency', '3', '--grace', '10'], { cwd: FIX });
    cluster.coordinator();
    await cluster.waitWorkers(2);
  });
  afterAll(() => cluster.close());

  it('stops the losers of a built-in objective early, each with its band explanation', () =>
    cluster.explain(async () => {
      const id = await cluster.sweep(join(FIX, 'hyperband.yaml'));
      sweepId = id;
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(6);
      const stopped = trials.filter((t) => t.state === 'stopped');
      // x = 0.5 is the best point; it cannot be stopped (nothing beats it), most others are
      const best = trials.find((t) => t.params.x === 0.5)!;
      expect(best.state).toBe('finished');
      expect(best.steps).toBe(50);
      expect(stopped.length).toBeGreaterThanOrEqual(3);
      for (const t of stopped) {
        expect(t.stopReason).toMatch(/^hyperband: band \d+ .*→ STOP/);
        expect(t.decision?.stop).toBe(true);
        expect(t.decision?.band).toBeGreaterThanOrEqual(3);
        // the stop arrived while it ran: far fewer than its 50 steps were logged
        expect(t.steps).toBeLessThan(25);
      }
      const st = await cluster.cli(['status', id, '--json']);
      const summary = JSON.parse(st.out) as { trials: Array<{ number: number; stop_explanation: string | null }> };
      for (const t of stopped) expect(summary.trials[t.number]!.stop_explanation).toMatch(/band \d+/);
    }, () => sweepId), SCENARIO_TIMEOUT);

  it('sends SIGTERM to a command trial that is stopped', () =>
    cluster.explain(async () => {
      const id = await cluster.sweep(join(FIX, 'hyperband-command.yaml'));
      sweepId = id;
      const meta = await cluster.waitEnded(id);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(4);
      const stopped = trials.filter((t) => t.state === 'stopped');
      expect(stopped.length).toBeGreaterThanOrEqual(2);
      for (const t of stopped) {
        expect(t.stopReason).toMatch(/^hyperband: band \d+/);
        // cut short (how far it got depends on when each program started, so no tighter bound here)
        expect(t.steps).toBeLessThan(50);
        const marker = join(cluster.workDir, id, 'trials', String(t.number), 'sigterm.txt');
        expect(existsSync(marker)).toBe(true);
        expect(readFileSync(marker, 'utf8')).toMatch(/^SIGTERM after \d+ steps/);
      }
      for (const t of trials.filter((x) => x.state === 'finished')) {
        expect(t.steps).toBe(50);
        expect(existsSync(join(cluster.workDir, id, 'trials', String(t.number), 'sigterm.txt'))).toBe(false);
      }
    }, () => sweepId), SCENARIO_TIMEOUT);
});
