/**
 * Connections from URLs: credentials in the URL authenticate (and never appear in messages), the
 * reconnect backoff is bounded, and the URL falls back to the environment.
 */
import { rmSync } from 'node:fs';
import { createRedis, reconnectDelay, redactRedisUrl, resolveRedisUrl } from '../../../src/store/redis-connection.js';
import { RedisTrialStore } from '../../../src/store/redis-store.js';
import { tempDir } from '../../helpers/cli.js';
import { freePort, PrivateRedis } from '../../helpers/redis.js';
import { metaOf, sweepOf } from './store-suite-helpers.js';

describe('redis connections', () => {
  it('hides the password of a URL in messages', () => {
    expect(redactRedisUrl('redis://alice:s3cret@host:6380/2')).toBe('redis://alice:***@host:6380/2');
    expect(redactRedisUrl('rediss://:s3cret@host:6380')).toBe('rediss://:***@host:6380');
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('backs off exponentially up to 3 s and never gives up', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(reconnectDelay)).toEqual([100, 200, 400, 800, 1600, 3000, 3000, 3000]);
  });

  it('takes the URL from the argument, then FF_REDIS_URL, then REDIS_URL', () => {
    const saved = { ff: process.env.FF_REDIS_URL, r: process.env.REDIS_URL };
    try {
      process.env.FF_REDIS_URL = 'redis://ff:1';
      process.env.REDIS_URL = 'redis://r:2';
      expect(resolveRedisUrl('redis://arg:3')).toBe('redis://arg:3');
      expect(resolveRedisUrl()).toBe('redis://ff:1');
      delete process.env.FF_REDIS_URL;
      expect(resolveRedisUrl()).toBe('redis://r:2');
    } finally {
      if (saved.ff === undefined) delete process.env.FF_REDIS_URL;
      else process.env.FF_REDIS_URL = saved.ff;
      process.env.REDIS_URL = saved.r;
    }
  });

  describe('with a password-protected server', () => {
    let server: PrivateRedis;
    let dir: string;
    beforeAll(async () => {
      dir = tempDir('ff-redis-auth-');
      server = new PrivateRedis(await freePort(), dir, ['--requirepass', 's3cret', '--appendonly', 'no']);
      await server.start();
    });
    afterAll(async () => {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('authenticates with the password (and user) in the URL and picks the database from the path', async () => {
      const store = new RedisTrialStore({ url: `redis://default:s3cret@127.0.0.1:${server.port}/3`, prefix: 'auth', log: () => undefined });
      await store.createSweep(sweepOf(), metaOf('s'));
      expect((await store.listSweeps()).map((m) => m.id)).toEqual(['s']);
      await store.close();
      const db3 = createRedis({ url: `redis://:s3cret@127.0.0.1:${server.port}/3`, log: () => undefined });
      expect(await db3.exists('auth:sweep:s')).toBe(1);
      await db3.select(0);
      expect(await db3.exists('auth:sweep:s')).toBe(0);
      await db3.quit();
    });
  });
});
