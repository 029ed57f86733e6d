import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FFError } from '../../../src/core/errors.js';
import { describeSettings, loadSettings } from '../../../src/cli/settings.js';

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ff-settings-'));
  if (yaml !== undefined) {
    writeFileSync(join(dir, 'settings.yaml'), yaml);
  }
  return dir;
}

function errorOf(fn: () => unknown): FFError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FFError);
    return e as FFError;
  }
  throw new Error('expected an FFError');
}

describe('settings: file < environment < flags', () => {
  it('defaults without a file', () => {
    const s = loadSettings({ env: {}, cwd: dirWith() });
    expect(s.tracker).toEqual({ backend: 'local', timeoutMs: 10000, retries: 3 });
    expect(s.redis.prefix).toBe('ff');
    expect(s.llm.provider).toBe('offline');
    expect(s.sources['tracker.backend']).toBe('default');
    expect(s.file).toBeUndefined();
  });

  it('reads config/settings.yaml from the working directory', () => {
    const dir = dirWith();
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'settings.yaml'), 'tracker:\n  backend: mlflow\n  project: exp\nruns_dir: out\n');
    const s = loadSettings({ env: {}, cwd: dir });
    expect(s.tracker.backend).toBe('mlflow');
    expect(s.tracker.project).toBe('exp');
    expect(s.runsDir).toBe(join(dir, 'out'));
    expect(s.sources['tracker.backend']).toBe(join(dir, 'config', 'settings.yaml'));
  });

  it('FF_<SECTION>__<KEY> overrides the file, flags override both', () => {
    const dir = dirWith('tracker:\n  backend: mlflow\n  retries: 1\n');
    const file = join(dir, 'settings.yaml');
    const env = { FF_TRACKER__BACKEND: 'wandb', FF_TRACKER__TIMEOUT_SECONDS: '2.5' };
    const s = loadSettings({ file, env, cwd: dir });
    expect(s.tracker.backend).toBe('wandb');
    expect(s.tracker.timeoutMs).toBe(2500);
    expect(s.tracker.retries).toBe(1);
    expect(s.sources['tracker.backend']).toBe('environment FF_TRACKER__BACKEND');
    const f = loadSettings({ file, env, cwd: dir, flags: { 'tracker.backend': 'none' }, flagNames: { 'tracker.backend': '--tracker' } });
    expect(f.tracker.backend).toBe('none');
    expect(f.sources['tracker.backend']).toBe('--tracker');
  });

  it('keeps the older variable names (REDIS_URL < FF_REDIS_URL, FF_REDIS_PREFIX, FF_RUNS_DIR)', () => {
    const cwd = dirWith();
    const s = loadSettings({ env: { REDIS_URL: 'redis://a:1', FF_REDIS_PREFIX: 'p1', FF_RUNS_DIR: '/tmp/r' }, cwd });
    expect(s.redis).toEqual({ url: 'redis://a:1', prefix: 'p1' });
    expect(s.runsDir).toBe('/tmp/r');
    expect(loadSettings({ env: { REDIS_URL: 'redis://a:1', FF_REDIS_URL: 'redis://b:2' }, cwd }).redis.url).toBe('redis://b:2');
  });

  it('FF_ variables without __ that are not settings are left alone (trials get FF_TRIAL_ID etc.)', () => {
    expect(() => loadSettings({ env: { FF_TRIAL_ID: 'x', FF_CONFIG_PATH: '/x' }, cwd: dirWith() })).not.toThrow();
  });
});

describe('settings: invalid values name the key, the value, the source and what is valid', () => {
  it('a bad backend in the file', () => {
    const dir = dirWith('tracker:\n  backend: mlfow\n');
    const e = errorOf(() => loadSettings({ file: join(dir, 'settings.yaml'), env: {}, cwd: dir }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(join(dir, 'settings.yaml'));
    expect(e.message).toContain('tracker.backend = "mlfow"');
    expect(e.message).toContain('local, wandb, mlflow, none');
    expect(e.message).toContain("did you mean 'mlflow'");
  });

  it('a bad number from the environment, and an unknown key, reported together', () => {
    const dir = dirWith('tracker:\n  projct: x\n');
    const e = errorOf(() => loadSettings({ file: join(dir, 'settings.yaml'), env: { FF_TRACKER__RETRIES: '-1' }, cwd: dir }));
    expect(e.message).toContain("unknown setting 'tracker.projct' (did you mean 'tracker.project'?)");
    expect(e.message).toContain('environment FF_TRACKER__RETRIES: tracker.retries = "-1" is not valid: it must be an integer ≥ 0');
  });

  it('an unknown FF_…__… variable (a typo must not fall back to a default silently)', () => {
    const e = errorOf(() => loadSettings({ env: { FF_TRACKER__BACKNED: 'mlflow' }, cwd: dirWith() }));
    expect(e.message).toContain("environment FF_TRACKER__BACKNED: unknown setting 'tracker.backned' (did you mean 'tracker.backend'?)");
  });

  it('a missing or malformed file', () => {
    const dir = dirWith('tracker: [1, 2\n');
    expect(errorOf(() => loadSettings({ file: join(dir, 'nope.yaml'), env: {}, cwd: dir })).message).toContain('no such file');
    expect(errorOf(() => loadSettings({ file: join(dir, 'settings.yaml'), env: {}, cwd: dir })).message).toContain('cannot read the settings');
    const list = dirWith('- a\n- b\n');
    expect(errorOf(() => loadSettings({ file: join(list, 'settings.yaml'), env: {}, cwd: list })).message).toContain('must be a mapping');
  });

  it('a flag value is checked too, named by its flag', () => {
    const e = errorOf(() => loadSettings({ env: {}, cwd: dirWith(), flags: { 'tracker.backend': 'neptune' }, flagNames: { 'tracker.backend': '--tracker' } }));
    expect(e.message).toContain('--tracker: tracker.backend = "neptune" is not valid');
  });
});

describe('the shipped config/settings.yaml', () => {
  it('names every setting, each at its default', () => {
    const file = join(process.cwd(), 'config', 'settings.yaml');
    const cwd = dirWith();
    const shipped = loadSettings({ file, env: {}, cwd });
    const defaults = loadSettings({ env: {}, cwd });
    for (const d of describeSettings()) expect(`${d.key}: ${shipped.sources[d.key]}`).toBe(`${d.key}: ${file}`);
    expect({ ...shipped, sources: {}, file: '' }).toEqual({ ...defaults, sources: {}, file: '' });
  });
});
