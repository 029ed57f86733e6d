/**
 * Jest global setup: gives the suite a real Redis without depending on one already running.
 * If REDIS_URL is set, it is used as is. Otherwise a throwaway `redis-server` is started on a free
 * loopback port (no persistence) and stopped in global-teardown.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest loads global setup as CommonJS outside the ESM module map, so this cannot import
// test/helpers/redis.ts (which has the same helper for the tests themselves).
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
}

export default async function globalSetup(): Promise<void> {
  process.env.FF_TEST_RUN_ID = `t${process.pid}${Date.now().toString(36)}`;
  if (process.env.REDIS_URL) return;
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error) {
    throw new Error(
      'The integration tests need a Redis server. Either set REDIS_URL=redis://host:port to use one, ' +
        'or install redis-server (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`).',
    );
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ff-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
    { stdio: 'ignore', detached: false },
  );
  (globalThis as { __FF_REDIS__?: unknown }).__FF_REDIS__ = child;
  await waitForPing(port, 10000);
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.FF_TEST_OWN_REDIS = '1';
}
