/**
 * A Redis crash and restart under a live store: a private redis-server (AOF, fsync always) is
 * SIGKILLed and started again on the same port and directory. Acknowledged steps must survive, a
 * step reported during the outage must be applied once Redis is back (offline queue), a blocked
 * event reader must resume, the scripts must be re-loaded on the new server, the stop channel must
 * re-subscribe, and the outage must be logged once per connection, not once per retry.
 */
import { rmSync } from 'node:fs';
import type { StopNotice } from '../../../src/coordinator/store.js';
import { RedisStopChannel } from '../../../src/store/redis-stop-channel.js';
import { RedisTrialStore } from '../../../src/store/redis-store.js';
import { tempDir } from '../../helpers/cli.js';
import { freePort, PrivateRedis } from '../../helpers/redis.js';
import { runningTrial, sleep, within } from './store-suite-helpers.js';

describe('redis trial store across a Redis restart', () => {
  let server: PrivateRedis;
  let dir: string;
  const logs: string[] = [];
  let store: RedisTrialStore;
  let stop: RedisStopChannel;

  beforeAll(async () => {
    dir = tempDir('ff-redis-restart-');
    server = new PrivateRedis(await freePort(), dir);
    await server.start();
    store = new RedisTrialStore({ url: server.url, prefix: 'ffr', log: (m) => logs.push(m) });
    stop = new RedisStopChannel({ url: server.url, prefix: 'ffr', log: (m) => logs.push(m) });
  });

  afterAll(async () => {
    await stop.close();
    await store.close();
    await server.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged steps, applies the step sent during the outage, and keeps working', async () => {
    const notices: StopNotice[] = [];
    await stop.subscribe((n) => notices.push(n));
    const lease = await runningTrial(store);
    for (const v of [3, 2, 1]) await store.appendStep(lease, { loss: v }, v, Date.now());
    const cursor = await store.latestCursor();
    const following = store.readEvents(cursor, 30000);
    await sleep(20);

    await server.kill();
    const during = store.appendStep(lease, { loss: 0.5 }, 0.5, Date.now());
    await sleep(300);
    await server.start();

    expect(await within(during, 10000)).toEqual({ ok: true, step: 3 });
    const batch = await within(following, 10000);
    expect(batch !== 'timeout' && batch.events.map((e) => e.type)).toEqual(['step']);
    expect(await store.getSteps('s', 0)).toEqual([{ loss: 3 }, { loss: 2 }, { loss: 1 }, { loss: 0.5 }]);
    expect(await store.getTrial('s', 0)).toMatchObject({ state: 'running', metricHistory: [3, 2, 1, 0.5], value: 0.5, steps: 4 });

    // pub/sub is fire-and-forget: repeat the (idempotent) request until the re-subscribed channel hears it
    for (let i = 0; i < 50 && notices.length === 0; i++) {
      await store.requestStop('s', 0, 'after restart');
      await sleep(100);
    }
    expect(notices[0]).toEqual({ sweepId: 's', number: 0, reason: 'after restart' });
    expect(await store.endTrial(lease, { status: 'stopped', reason: 'terminated' })).toBe(true);
    expect((await store.getTrial('s', 0))?.stopReason).toBe('after restart');

    const lost = logs.filter((l) => l.includes('Redis unavailable'));
    const back = logs.filter((l) => l.includes('reconnected'));
    const label = (l: string): string => l.replace(/: (Redis unavailable|reconnected).*$/s, '');
    expect(new Set(lost.map(label)).size).toBe(lost.length);
    expect(back.map(label).sort()).toEqual(lost.map(label).sort());
    expect(lost.every((l) => !l.includes('password'))).toBe(true);
  });
});
