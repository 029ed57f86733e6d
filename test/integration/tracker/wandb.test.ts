/**
 * The W&B sink against a local server speaking W&B's HTTP API (test/helpers/fake-wandb.ts): the
 * real client code does the HTTP; assertions are on what the server received and kept.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FFError } from '../../../src/core/errors.js';
import type { MetricRow, RemoteRunSink } from '../../../src/tracker/sink.js';
import { TrackerRemoteError } from '../../../src/tracker/sink.js';
import type { RunInit } from '../../../src/tracker/types.js';
import { appUrlFor, wandbRunId } from '../../../src/tracker/wandb-api.js';
import { createWandbBackend } from '../../../src/tracker/wandb.js';
import { startFakeWandb } from '../../helpers/fake-wandb.js';
import type { FakeCall, FakeWandb } from '../../helpers/fake-wandb.js';
import { remoteFailure } from './remote-error.js';

let fake: FakeWandb;
let dir: string;

beforeEach(async () => {
  fake = await startFakeWandb({ viewerEntity: 'alice' });
  dir = mkdtempSync(join(tmpdir(), 'ff-wandb-'));
});

afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const env = (extra: Record<string, string> = {}): Record<string, string> => ({ WANDB_API_KEY: fake.apiKey, WANDB_BASE_URL: fake.url, ...extra });
const init: RunInit = { name: 'sweep1 trial 3', runId: 'sweep1-3', group: 'sweep1', tags: ['tpe'], notes: 'trial 3', config: { lr: 0.1, model: { depth: 3 } } };
const T0 = Date.now();
const rows = (from: number, n: number): MetricRow[] => Array.from({ length: n }, (_, i) => ({ step: from + i, timestamp: T0 + (from + i) * 1000, values: { loss: 1 / (from + i + 1), auc: 0.5 + (from + i) / 100 } }));

function sink(opts: Parameters<typeof createWandbBackend>[0] = { entity: 'team', project: 'proj', env: env() }): RemoteRunSink {
  return createWandbBackend(opts).createRun();
}

const failure = remoteFailure;

const streams = (): FakeCall[] => fake.calls.filter((c) => c.kind === 'file_stream' && c.status === 200);
const historyOffsets = (): number[] => streams().flatMap((c) => {
  const h = (c.body as { files?: Record<string, { offset: number }> }).files?.['wandb-history.jsonl'];
  return h === undefined ? [] : [h.offset];
});

describe('W&B sink: lifecycle', () => {
  it('creates the run, then sends config, history, files, a table, the summary and the exit code', async () => {
    const s = sink();
    const opened = await s.open(init, signal());
    expect(opened).toEqual({ id: 'sweep1-3', url: `${fake.url}/team/proj/runs/sweep1-3` });
    const run = fake.run('sweep1-3')!;
    expect(run).toMatchObject({ entity: 'team', project: 'proj', displayName: 'sweep1 trial 3', groupName: 'sweep1', notes: 'trial 3', tags: ['tpe', 'sweep1'], sweep: null });
    expect(run.config).toEqual({ lr: { desc: null, value: 0.1 }, model: { desc: null, value: { depth: 3 } } });
    expect((fake.calls[0]!.body as { variables: Record<string, unknown> }).variables).not.toHaveProperty('sweep');

    await s.logParams({ seed: 7, model: { depth: 4 } }, signal());
    expect(run.config).toEqual({ lr: { desc: null, value: 0.1 }, model: { desc: null, value: { depth: 4 } }, seed: { desc: null, value: 7 } });
    expect(run.upserts).toBe(2);
    // a config update leaves the run's other fields alone (W&B: null keeps)
    expect(Object.keys((fake.calls[1]!.body as { variables: object }).variables).sort()).toEqual(['config', 'entity', 'name', 'project']);
    expect(run.tags).toEqual(['tpe', 'sweep1']);

    await s.logMetrics(rows(0, 2), signal());
    await s.logMetrics(rows(2, 2), signal());
    expect(historyOffsets()).toEqual([0, 2]);
    expect(run.history.map((h) => h['_step'])).toEqual([0, 1, 2, 3]);
    expect(run.history[3]).toMatchObject({ loss: 0.25, auc: 0.53, _timestamp: (T0 + 3000) / 1000 });
    expect(run.history[3]!['_runtime']).toBeGreaterThanOrEqual(0);
    expect(run.summary).toMatchObject({ loss: 0.25, auc: 0.53, _step: 3 });

    const file = join(dir, 'model.txt');
    writeFileSync(file, 'weights');
    mkdirSync(join(dir, 'data', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'data', 'a.csv'), 'x\n1\n');
    writeFileSync(join(dir, 'data', 'sub', 'b.csv'), 'y\n2\n');
    await s.logArtifact({ path: file, type: 'model' }, signal());
    await s.logArtifact({ path: join(dir, 'data'), name: 'dataset', type: 'dataset' }, signal());
    expect([...run.files.keys()].sort()).toEqual(['artifacts/dataset/a.csv', 'artifacts/dataset/sub/b.csv', 'artifacts/model.txt/model.txt']);
    expect(run.files.get('artifacts/dataset/sub/b.csv')!.toString()).toBe('y\n2\n');
    expect(run.uploaded).toEqual(['artifacts/model.txt/model.txt', 'artifacts/dataset/a.csv', 'artifacts/dataset/sub/b.csv']);

    await s.logTable({ name: 'features', columns: ['name', 'auc'], rows: [['f1', 0.7], ['f2', null]] }, signal());
    const ref = run.summary['features'] as Record<string, unknown>;
    expect(ref).toMatchObject({ _type: 'table-file', ncols: 2, nrows: 2 });
    expect(ref['path']).toMatch(/^media\/table\/features_3_[0-9a-f]{20}\.table\.json$/);
    const stored = run.files.get(ref['path'] as string)!;
    expect(JSON.parse(stored.toString())).toEqual({ columns: ['name', 'auc'], data: [['f1', 0.7], ['f2', null]] });
    expect(ref['sha256']).toBe(createHash('sha256').update(stored).digest('hex'));
    expect(ref['size']).toBe(stored.length);
    expect(run.uploaded).toContain(ref['path']);

    await s.setSummary({ best_auc: 0.9 }, signal());
    expect(run.summary).toMatchObject({ best_auc: 0.9, loss: 0.25, features: ref });
    expect(run.complete).toBe(false);

    await s.finish('finished', signal());
    expect(run).toMatchObject({ complete: true, exitcode: 0 });
    const last = fake.calls[fake.calls.length - 1]!;
    expect(last.body).toMatchObject({ complete: true, exitcode: 0 });
    expect(run.summary).toMatchObject({ best_auc: 0.9, _wandb: { runtime: expect.any(Number) } });

    const key = `Basic ${Buffer.from(`api:${fake.apiKey}`).toString('base64')}`;
    for (const c of fake.calls) {
      if (c.kind === 'upload') expect(c.headers.authorization).toBeUndefined();
      else expect(c.headers.authorization).toBe(key);
    }
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
  });

  it('keeps the history offset across many requests, splitting at 10 000 lines', async () => {
    const s = sink();
    await s.open(init, signal());
    await s.logMetrics(rows(0, 25_000), signal());
    await s.logMetrics(rows(25_000, 1), signal());
    expect(historyOffsets()).toEqual([0, 10_000, 20_000, 25_000]);
    const run = fake.run('sweep1-3')!;
    expect(run.streams.get('wandb-history.jsonl')).toHaveLength(25_001);
    expect(run.history[24_999]!['_step']).toBe(24_999);
    // the summary goes with the last chunk only
    const withSummary = streams().filter((c) => (c.body as { files?: object }).files !== undefined && 'wandb-summary.json' in (c.body as { files: object }).files);
    expect(withSummary).toHaveLength(2);
  });

  it('re-sends a failed metrics call at the same offsets, so a retry never duplicates lines', async () => {
    const s = sink();
    await s.open(init, signal());
    await s.logMetrics(rows(0, 3), signal());
    fake.failNext((c) => c.kind === 'file_stream' && (c.body as { files?: Record<string, { offset: number }> }).files?.['wandb-history.jsonl']?.offset === 10_003, 503);
    const err = await failure(s.logMetrics(rows(3, 15_000), signal()));
    expect(err).toMatchObject({ retryable: true, status: 503 });
    await s.logMetrics(rows(3, 15_000), signal());
    const run = fake.run('sweep1-3')!;
    expect(run.history.map((h) => h['_step'])).toEqual(Array.from({ length: 15_003 }, (_, i) => i));
  });

  it('writes NaN and Infinity the way W&B does, skips empty steps, and maps killed and failed exit codes', async () => {
    const s = sink();
    await s.open(init, signal());
    await s.logMetrics([{ step: 0, timestamp: T0, values: { loss: Number.NaN, gain: Number.POSITIVE_INFINITY } }, { step: 1, timestamp: T0, values: {} }], signal());
    const run = fake.run('sweep1-3')!;
    expect(run.streams.get('wandb-history.jsonl')![0]).toContain('"loss":NaN');
    expect(run.history).toHaveLength(1);
    expect(run.history[0]!['gain']).toBe(Number.POSITIVE_INFINITY);
    await s.finish('killed', signal());
    expect(run.exitcode).toBe(255);
    const other = sink();
    await other.open({ ...init, runId: 'sweep1-4' }, signal());
    await other.finish('failed', signal());
    expect(fake.run('sweep1-4')!.exitcode).toBe(1);
  });

  it('sends only the files a failed upload did not get to when the call is retried', async () => {
    const s = sink();
    await s.open(init, signal());
    for (const f of ['a', 'b', 'c']) writeFileSync(join(dir, f), f);
    let seen = 0;
    fake.failNext((c) => c.kind === 'upload' && ++seen === 2, 503);
    expect(await failure(s.logArtifact({ path: dir, name: 'out', type: 'file' }, signal()))).toMatchObject({ retryable: true });
    await s.logArtifact({ path: dir, name: 'out', type: 'file' }, signal());
    expect([...fake.run('sweep1-3')!.files.keys()].sort()).toEqual(['artifacts/out/a', 'artifacts/out/b', 'artifacts/out/c']);
    expect(fake.calls.filter((c) => c.kind === 'upload')).toHaveLength(4);
  });
});

describe('W&B sink: names and settings', () => {
  it('asks the server for the entity once per backend when none is configured', async () => {
    const backend = createWandbBackend({ env: env() });
    const first = await backend.createRun().open(init, signal());
    await backend.createRun().open({ ...init, runId: 'sweep1-4' }, signal());
    expect(fake.calls.filter((c) => c.operation === 'viewer')).toHaveLength(1);
    expect(fake.calls[0]!.operation).toBe('viewer');
    expect(first.url).toBe(`${fake.url}/alice/feature-forge/runs/sweep1-3`);
    expect(fake.run('sweep1-4')!.entity).toBe('alice');
  });

  it('takes RunInit over options over WANDB_PROJECT / WANDB_ENTITY', async () => {
    const s = sink({ project: 'opt-proj', env: env({ WANDB_PROJECT: 'env-proj', WANDB_ENTITY: 'env-team' }) });
    await s.open({ ...init, entity: 'init-team' }, signal());
    expect(fake.run('sweep1-3')).toMatchObject({ entity: 'init-team', project: 'opt-proj' });
    await sink({ env: env({ WANDB_PROJECT: 'env-proj', WANDB_ENTITY: 'env-team' }) }).open({ ...init, runId: 'r2' }, signal());
    expect(fake.run('r2')).toMatchObject({ entity: 'env-team', project: 'env-proj' });
  });

  it('makes run ids and tags W&B accepts, the same way every time', async () => {
    const opened = await sink().open({ ...init, runId: 'sweep/a:1 b', tags: ['x'.repeat(80), ' ', 'tpe'] }, signal());
    expect(opened.id).not.toMatch(/[/:\s]/);
    expect(wandbRunId('sweep/a:1 b')).toBe(opened.id);
    expect(wandbRunId('sweep:a/1 b')).not.toBe(opened.id);
    expect(fake.run(opened.id)!.tags).toEqual(['x'.repeat(64), 'tpe', 'sweep1']);
  });

  it('derives the app URL as W&B does', () => {
    expect(appUrlFor('https://api.wandb.ai')).toBe('https://wandb.ai');
    expect(appUrlFor('https://api.example.com')).toBe('https://app.example.com');
    expect(appUrlFor('http://wandb.local:8080')).toBe('http://wandb.local:8080');
    expect(appUrlFor('https://api.wandb.ai', 'https://ui.example.com/')).toBe('https://ui.example.com');
    expect(createWandbBackend({ env: { WANDB_API_KEY: 'k' } }).where).toBe('W&B at https://api.wandb.ai');
  });

  it('refuses to start without WANDB_API_KEY, naming it and the offline mode', () => {
    for (const e of [{}, { WANDB_API_KEY: ' ' }]) {
      let err: unknown;
      try {
        createWandbBackend({ env: e });
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(FFError);
      expect(err).toMatchObject({ code: 'FF_USAGE', exitCode: 2 });
      expect((err as Error).message).toMatch(/WANDB_API_KEY/);
      expect((err as Error).message).toMatch(/WANDB_MODE=offline/);
      expect((err as Error).message).toMatch(/https:\/\/wandb\.ai\/authorize/);
    }
    expect(() => createWandbBackend({ env: { WANDB_API_KEY: 'k', WANDB_BASE_URL: 'not a url' } })).toThrow(/WANDB_BASE_URL/);
    expect(() => createWandbBackend({ project: 'a/b', env: { WANDB_API_KEY: 'k' } })).toThrow(/project name/);
  });
});

describe('W&B sink: failures', () => {
  it('a wrong key is a 401 that retrying cannot fix, and the message says to check WANDB_API_KEY', async () => {
    const err = await failure(sink({ entity: 'team', env: env({ WANDB_API_KEY: 'wrong' }) }).open(init, signal()));
    expect(err).toMatchObject({ retryable: false, status: 401 });
    expect(err.message).toMatch(/WANDB_API_KEY/);
    expect(err.message).not.toContain('wrong');
  });

  it('permission errors (403, or GraphQL errors in a 200) are not retryable and name the entity and project', async () => {
    await fake.close();
    fake = await startFakeWandb({ entities: ['team'] });
    const err = await failure(sink({ entity: 'other', project: 'proj', env: env() }).open(init, signal()));
    expect(err).toMatchObject({ retryable: false, status: 403 });
    expect(err.message).toMatch(/WANDB_API_KEY.*entity "other" and project "proj"/);
    fake.failNext('upsertBucket', 200, 1, { body: { errors: [{ message: 'permission denied', path: ['upsertBucket'] }], data: { upsertBucket: null } } });
    const gql = await failure(sink().open(init, signal()));
    expect(gql.retryable).toBe(false);
    expect(gql.message).toMatch(/permission denied.*WANDB_API_KEY/);
  });

  it('500, 503 and 429 are retryable, with the server\'s Retry-After', async () => {
    fake.failNext('upsertBucket', 503);
    expect(await failure(sink().open(init, signal()))).toMatchObject({ retryable: true, status: 503 });
    const s = sink();
    await s.open(init, signal());
    fake.failNext('file_stream', 500);
    expect(await failure(s.logMetrics(rows(0, 1), signal()))).toMatchObject({ retryable: true, status: 500 });
    fake.failNext('createRunFiles', 429, 1, { headers: { 'retry-after': '3' } });
    expect(await failure(s.logTable({ name: 't', columns: ['a'], rows: [[1]] }, signal()))).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3000 });
  });

  it('a server that never answers: the call rejects when its signal fires', async () => {
    fake.hang('upsertBucket');
    const started = Date.now();
    const err = await failure(sink().open(init, AbortSignal.timeout(200)));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/no answer in time/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(fake.calls[0]!.status).toBeUndefined();
  });

  it('a server that is down is a retryable network error', async () => {
    const url = fake.url;
    await fake.close();
    const err = await failure(sink({ entity: 'team', env: { WANDB_API_KEY: 'k', WANDB_BASE_URL: url } }).open(init, signal()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/cannot reach/);
  });

  it('calls before open and artifacts that do not exist are not retryable', async () => {
    expect(await failure(sink().logMetrics(rows(0, 1), signal()))).toMatchObject({ retryable: false });
    const s = sink();
    await s.open(init, signal());
    const err = await failure(s.logArtifact({ path: join(dir, 'missing'), type: 'file' }, signal()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/missing/);
  });
});

describe('W&B sink: many runs in one process', () => {
  it('200 runs leave no process listeners behind', async () => {
    const events = ['SIGTERM', 'SIGINT', 'exit', 'beforeExit', 'uncaughtException'] as const;
    const before = events.map((e) => process.listenerCount(e));
    const backend = createWandbBackend({ entity: 'team', env: env() });
    for (let i = 0; i < 200; i++) {
      const s = backend.createRun();
      await s.open({ ...init, runId: `run-${i}`, config: {} }, signal());
      await s.logMetrics(rows(0, 2), signal());
      await s.finish('finished', signal());
    }
    expect(events.map((e) => process.listenerCount(e))).toEqual(before);
    expect([...fake.runs.values()].filter((r) => r.complete)).toHaveLength(200);
  });
});
