/**
 * docker-compose.yml and the Dockerfile describe a working deployment: Redis with append-only
 * persistence, a coordinator and a scalable worker service running the `ff` CLI against it.
 * No Docker engine runs here, so this checks the files (and that the commands they run are real
 * `ff` commands that accept their options), not a running stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, runCli } from '../helpers/cli.js';

type Service = Record<string, unknown> & {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: string[];
  ports?: unknown[];
};

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function words(cmd: Service['command']): string[] {
  if (cmd === undefined) return [];
  return Array.isArray(cmd) ? cmd.map(String) : cmd.trim().split(/\s+/);
}

function env(s: Service): Record<string, string> {
  if (Array.isArray(s.environment)) return Object.fromEntries(s.environment.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return s.environment ?? {};
}

/** The JSON-array form of a Dockerfile instruction (the last one wins, as in Docker). */
function instruction(name: string): string[] | undefined {
  const lines = dockerfile.split('\n').filter((l) => l.startsWith(`${name} `));
  const last = lines[lines.length - 1];
  return last === undefined ? undefined : (JSON.parse(last.slice(name.length + 1)) as string[]);
}

describe('docker-compose.yml', () => {
  const { services } = compose;

  it('has redis, coordinator and worker services, each with an image or build and a command', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['redis', 'coordinator', 'worker']));
    for (const name of ['redis', 'coordinator', 'worker']) {
      const s = services[name]!;
      expect(s.image !== undefined || s.build !== undefined).toBe(true);
      expect(words(s.command).length).toBeGreaterThan(0);
    }
  });

  it('runs Redis 7 with append-only persistence on a volume, with a health check', () => {
    const redis = services.redis!;
    expect(redis.image).toMatch(/^redis:7/);
    const cmd = words(redis.command);
    expect(cmd[0]).toBe('redis-server');
    expect(cmd.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    expect(redis.healthcheck).toBeDefined();
  });

  it('builds the coordinator and worker from the Dockerfile, whose entrypoint is the ff CLI', () => {
    for (const name of ['coordinator', 'worker']) {
      const s = services[name]!;
      const context = typeof s.build === 'string' ? s.build : (s.build as { context?: string } | undefined)?.context;
      expect(context).toBe('.');
    }
    expect(dockerfile).toMatch(/^FROM node:20-slim/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm run build/);
    expect(instruction('ENTRYPOINT')).toEqual(['node', 'dist/src/cli/main.js']);
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });

  it('points the coordinator and the workers at the redis service and waits for it to be healthy', () => {
    for (const name of ['coordinator', 'worker']) {
      const s = services[name]!;
      expect(env(s).REDIS_URL).toBe('redis://redis:6379');
      expect(env(s).FF_REDIS_PREFIX).toBeDefined();
      const dep = s.depends_on;
      expect(Array.isArray(dep) ? undefined : dep?.redis?.condition).toBe('service_healthy');
    }
    expect(words(services.coordinator!.command)[0]).toBe('coordinator');
    expect(words(services.worker!.command)[0]).toBe('worker');
  });

  it('lets the worker scale: no container_name, no fixed host ports; its trial folders on a volume', () => {
    const w = services.worker!;
    expect(w.container_name).toBeUndefined();
    expect(w.ports).toBeUndefined();
    const runs = w.volumes?.find((v) => /:\/app\/runs$/.test(v));
    expect(runs).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(runs!.split(':')[0]);
    const cmd = words(w.command);
    expect(cmd[cmd.indexOf('--runs-dir') + 1]).toBe('/app/runs');
  });

  it("runs commands the CLI accepts (entrypoint + command, checked with the built ff's --help)", async () => {
    for (const name of ['coordinator', 'worker']) {
      const cmd = words(services[name]!.command);
      const help = await runCli([cmd[0]!, '--help']);
      expect(help.code).toBe(0);
      for (const opt of cmd.filter((w) => w.startsWith('--'))) expect(help.stdout).toContain(opt);
    }
  });
});
