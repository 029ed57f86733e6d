/**
 * The Redis store passes the shared conformance suite (each test under its own key prefix, with
 * peers on separate connections for the concurrency cases), plus what only Redis has: prefix
 * isolation, prefix-scoped cleanup, scripts surviving SCRIPT FLUSH, and the replay memo.
 */
import { Redis } from 'ioredis';
import { RedisStopChannel } from '../../../src/store/redis-stop-channel.js';
import { RedisTrialStore } from '../../../src/store/redis-store.js';
import { ScriptRunner } from '../../../src/store/redis-scripts.js';
import { cleanupPrefix, keysUnder, testPrefix, testRedisUrl } from '../../helpers/redis.js';
import { storeConformance } from './store-suite.js';
import { leaseOf, metaOf, runningTrial, sweepOf, sweepWithTrials } from './store-suite-helpers.js';

const quiet = (): void => undefined;

storeConformance('redis', async () => {
  const url = testRedisUrl();
  const prefix = testPrefix('conf');
  const store = new RedisTrialStore({ url, prefix, log: quiet });
  const stop = new RedisStopChannel({ url, prefix, log: quiet });
  const peers: RedisTrialStore[] = [];
  return {
    store,
    stop,
    peer: async () => {
      const p = new RedisTrialStore({ url, prefix, log: quiet });
      peers.push(p);
      return p;
    },
    cleanup: async () => {
      await stop.close();
      await Promise.all(peers.map((p) => p.close()));
      const admin = new Redis(url);
      await cleanupPrefix(admin, prefix);
      await admin.quit();
      await store.close();
    },
  };
});

describe('redis trial store', () => {
  const url = testRedisUrl();
  let admin: Redis;
  const prefixes: string[] = [];
  const stores: RedisTrialStore[] = [];
  const open = (name: string, prefix = testPrefix(name)): RedisTrialStore => {
    prefixes.push(prefix);
    const s = new RedisTrialStore({ url, prefix, log: quiet });
    stores.push(s);
    return s;
  };

  beforeAll(() => {
    admin = new Redis(url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    for (const p of prefixes) await cleanupPrefix(admin, p);
    await admin.quit();
  });

  it('keeps stores with different prefixes apart', async () => {
    const a = open('iso-a');
    const b = open('iso-b');
    await sweepWithTrials(a, 3);
    expect(await b.listSweeps()).toEqual([]);
    expect(await b.getTrials('s')).toEqual([]);
    expect((await b.readEvents('0-0', 0)).events).toEqual([]);
    await sweepWithTrials(b, 1);
    expect(await a.getTrials('s')).toHaveLength(3);
    expect(await b.getTrials('s')).toHaveLength(1);
    expect((await keysUnder(admin, a.prefix)).every((k) => k.startsWith(`${a.prefix}:`))).toBe(true);
  });

  it('puts every key under its prefix, and cleanup removes them all and nothing else', async () => {
    const prefix = testPrefix('cleanup');
    const s = open('cleanup', prefix);
    const bystander = `${testPrefix('bystander')}:key`;
    await admin.set(bystander, '1');
    const lease = await runningTrial(s);
    await s.appendStep(lease, { loss: 1 }, 1, Date.now());
    await s.heartbeatWorker({ id: 'w', host: 'h', pid: 1, concurrency: 1, startedAt: '', running: 0, lastSeen: '' }, 60000);
    const keys = await keysUnder(admin, prefix);
    expect(keys.length).toBeGreaterThanOrEqual(8);
    expect(await cleanupPrefix(admin, prefix)).toBe(keys.length);
    expect(await keysUnder(admin, prefix)).toEqual([]);
    expect(await admin.get(bystander)).toBe('1');
    await admin.unlink(bystander);
  });

  it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT) without the caller noticing', async () => {
    const s = open('noscript');
    const lease = await runningTrial(s);
    await admin.script('FLUSH');
    expect(await s.appendStep(lease, { loss: 1 }, 1, Date.now())).toEqual({ ok: true, step: 0 });
    expect(await s.endTrial(lease, { status: 'finished' })).toBe(true);
  });

  it('answers a resent mutation (same op id) from its memo instead of running it twice', async () => {
    const s = open('memo');
    const lease = await runningTrial(s);
    const k = s.keys;
    const runner = new ScriptRunner(s.client);
    const keys = [k.trial('s', 0), k.hist('s', 0), k.steps('s', 0), k.sweep('s'), k.events()];
    const args = ['op-1', 's', '0', '1', '1', '{"loss":1}', '1', '5'];
    const first = await runner.list('appendStep', keys, args);
    const again = await runner.list('appendStep', keys, args);
    expect(again).toEqual(first);
    expect(await s.getSteps('s', 0)).toEqual([{ loss: 1 }]);
    expect(await s.appendStep(lease, { loss: 0.5 }, 0.5, 6)).toEqual({ ok: true, step: 1 });
    // claims too: a resent claim must not create trials twice
    const claimKeys = [k.sweep('s'), k.sweepKeys('s'), k.events()];
    const claimArgs = ['op-2', k.trialPrefix('s'), 's', '', 'now', '1', '', '{"x":5}', ''];
    expect(await runner.list('claimTrials', claimKeys, claimArgs)).toEqual(['1']);
    expect(await runner.list('claimTrials', claimKeys, claimArgs)).toEqual(['1']);
    expect(await s.getTrials('s')).toHaveLength(2);
  });

  it('uses a connection it is given (and leaves it open on close)', async () => {
    const client = new Redis(url);
    const prefix = testPrefix('given');
    prefixes.push(prefix);
    const s = new RedisTrialStore({ client, prefix, log: quiet });
    await s.createSweep(sweepOf(), metaOf('s'));
    const [t] = (await s.claimTrials('s', [{ params: { x: 1 } }], undefined)).claimed;
    expect((await s.startTrial(leaseOf(t!), 'w', 1000)).ok).toBe(true);
    const read = s.readEvents('0-0', 1000);
    expect((await read).events.length).toBeGreaterThan(0);
    await s.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('refuses a given client with an ioredis keyPrefix (the scripts build keys from the store prefix)', async () => {
    const client = new Redis(url, { keyPrefix: 'x:', lazyConnect: true });
    expect(() => new RedisTrialStore({ client })).toThrow(/keyPrefix/);
    client.disconnect();
  });

  it('delivers stop notices to every listener, also when they subscribe concurrently', async () => {
    const s = open('stopmany');
    const ch = new RedisStopChannel({ url, prefix: s.prefix, log: quiet });
    const got: string[] = [];
    await Promise.all([ch.subscribe((n) => got.push(`a${n.number}`)), ch.subscribe((n) => got.push(`b${n.number}`))]);
    await runningTrial(s);
    await s.requestStop('s', 0, 'x');
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got.sort()).toEqual(['a0', 'b0']);
    await ch.close();
  });
});
