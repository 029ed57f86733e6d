/**
 * Redis connections dropped under a running sweep: an admin connection issues `CLIENT KILL TYPE
 * normal` and `CLIENT KILL TYPE pubsub` several times while trials run. The coordinator, the
 * workers, BullMQ and the stop channel reconnect; the sweep finishes with every trial ending exactly
 * once, and no step is lost or written twice (a command resent after a reconnect is answered from
 * the store's replay memo).
 *
 * This test has a private redis-server: CLIENT KILL acts on every client of a server, and the
 * suite's shared server is used by other test files running at the same time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ROOT } from '../../helpers/cli.js';
import { Cluster, expectEachEndedOnce, sleep, waitFor, SCENARIO_TIMEOUT } from '../../helpers/procs.js';
import { freePort, PrivateRedis, testPrefix } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed: Redis connections dropped mid-sweep', () => {
  let server: PrivateRedis;
  let dir: string;
  let admin: Redis;
  let cluster: Cluster;
  let sweepId: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ff-redis-drops-'));
    server = new PrivateRedis(await freePort(), dir, ['--appendonly', 'no']);
    await server.start();
    admin = new Redis(server.url, { connectionName: 'test-admin', maxRetriesPerRequest: 3 });
    cluster = new Cluster(server.url, testPrefix('dist-drops'));
  });
  afterAll(async () => {
    try {
      await cluster?.close();
    } finally {
      admin?.disconnect();
      await server?.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reconnects everything; every trial ends once with exactly its steps', () =>
    cluster.explain(async () => {
      // a short lease (BullMQ lock) so that a job lost in a reconnect is given up, and sent again, within seconds
      for (let i = 0; i < 3; i++) cluster.worker(['--concurrency', '2', '--lease', '3']);
      cluster.coordinator();
      await cluster.waitWorkers(3);
      const id = await cluster.sweep(join(FIX, 'drops.yaml'));
      sweepId = id;
      await waitFor('trials running', async () => (await cluster.trials(id)).some((t) => t.state === 'running' && t.steps >= 1), {
        context: () => cluster.context(id),
      });

      const killed: Array<{ type: string; n: number }> = [];
      for (let round = 0; round < 8; round++) {
        const type = round % 2 === 0 ? 'normal' : 'pubsub';
        killed.push({ type, n: Number(await admin.client('KILL', 'TYPE', type)) });
        await sleep(250);
      }
      // each kind of drop did hit connections (SKIPME: the admin connection survives its own kills)
      expect(killed.filter((k) => k.type === 'normal').every((k) => k.n > 0)).toBe(true);
      expect(killed.filter((k) => k.type === 'pubsub').some((k) => k.n > 0)).toBe(true);

      const meta = await cluster.waitEnded(id, 40000);
      expect(meta.state).toBe('finished');
      expect(meta.endedReason).toMatch(/run_cap 30 reached/);
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials).toHaveLength(30);
      for (const t of trials) {
        expect(t.state).toBe('finished');
        expect(t.steps).toBe(10);
        expect(t.metricHistory).toHaveLength(10);
        const steps = await cluster.store.getSteps(id, t.number);
        expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
    }, () => sweepId), SCENARIO_TIMEOUT);
});
