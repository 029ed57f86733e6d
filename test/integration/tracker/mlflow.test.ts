/**
 * The MLflow sink and read client against a local server speaking MLflow's REST API 2.0
 * (test/helpers/fake-mlflow.ts): real HTTP, real batching, the server's own limits and errors.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeMlflow } from '../../helpers/fake-mlflow.js';
import type { FakeMlflow, RecordedCall } from '../../helpers/fake-mlflow.js';
import { FFError } from '../../../src/core/errors.js';
import { MlflowClient, createMlflowBackend } from '../../../src/tracker/mlflow.js';
import { TrackerRemoteError } from '../../../src/tracker/sink.js';
import type { MetricRow, RemoteRunSink } from '../../../src/tracker/sink.js';
import type { RunInit } from '../../../src/tracker/types.js';
import { remoteFailure } from './remote-error.js';

let ml: FakeMlflow;
let dir: string;

beforeEach(async () => {
  ml = await startFakeMlflow();
  dir = mkdtempSync(join(tmpdir(), 'ff-mlflow-'));
});

afterEach(async () => {
  await ml.close();
  rmSync(dir, { recursive: true, force: true });
});

const sig = (): AbortSignal => AbortSignal.timeout(5000);
const backend = (env: Record<string, string> = {}, fake: FakeMlflow = ml) => createMlflowBackend({ env: { MLFLOW_TRACKING_URI: fake.url, ...env } });
/** Every call answered 200, but the experiment look-up that finds nothing (404) before creating it. */
const allOk = (fake: FakeMlflow): boolean => fake.calls.every((c) => c.status === 200 || (c.status === 404 && c.path.endsWith('experiments/get-by-name')));
const init = (over: Partial<RunInit> = {}): RunInit => ({ name: 's1-0', runId: 's1-0', project: 'ff-test', group: 's1', tags: ['baseline'], notes: 'first try', ...over });

/** "POST runs/create", "PUT artifact", … */
function endpoint(c: RecordedCall): string {
  return c.path.startsWith('/api/2.0/mlflow-artifacts/') ? `${c.method} artifact` : `${c.method} ${c.path.replace('/api/2.0/mlflow/', '')}`;
}

function rows(steps: number, keys: number, from = 0): MetricRow[] {
  return Array.from({ length: steps }, (_, i) => ({
    step: from + i,
    timestamp: 1_700_000_000_000 + i,
    values: Object.fromEntries(Array.from({ length: keys }, (_, k) => [`m${k}`, i + k / 10])),
  }));
}

const rejection = remoteFailure;

async function opened(sink: RemoteRunSink = backend().createRun(), over: Partial<RunInit> = {}): Promise<{ sink: RemoteRunSink; id: string }> {
  const { id } = await sink.open(init(over), sig());
  return { sink, id };
}

describe('MLflow sink lifecycle', () => {
  it('opens, logs params, metrics, a file, a folder, a table and a summary, then finishes', async () => {
    const file = join(dir, 'model.txt');
    writeFileSync(file, 'weights');
    const folder = join(dir, 'plots');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    writeFileSync(join(folder, 'a.json'), '{"a":1}');
    writeFileSync(join(folder, 'sub', 'b.txt'), 'bee');

    const sink = backend().createRun();
    const run = await sink.open(init(), sig());
    await sink.logParams({ lr: 0.1, model: { depth: 3 } }, sig());
    await sink.logMetrics(rows(3, 2), sig());
    await sink.logArtifact({ path: file, type: 'model' }, sig());
    await sink.logArtifact({ path: folder, name: 'charts', type: 'plot' }, sig());
    await sink.logTable({ name: 'leaderboard', columns: ['feature', 'gain'], rows: [['x1', 0.5], ['x2', null]] }, sig());
    await sink.setSummary({ best_auc: 0.91, verdict: 'kept', nested: { n: 2 } }, sig());
    await sink.finish('finished', sig());

    expect(ml.calls.map(endpoint)).toEqual([
      'GET experiments/get-by-name',
      'POST experiments/create',
      'POST runs/search',
      'POST runs/create',
      'POST runs/log-batch',
      'POST runs/log-batch',
      'PUT artifact',
      'PUT artifact',
      'PUT artifact',
      'PUT artifact',
      'POST runs/set-tag',
      'POST runs/log-batch',
      'POST runs/update',
    ]);
    expect(allOk(ml)).toBe(true);

    const exp = [...ml.experiments.values()].find((e) => e.name === 'ff-test')!;
    const r = ml.runs.get(run.id)!;
    expect(run.url).toBe(`${ml.url}/#/experiments/${exp.experimentId}/runs/${run.id}`);
    expect(r.experimentId).toBe(exp.experimentId);
    expect(r.runName).toBe('s1-0');
    expect(Object.fromEntries(r.tags)).toMatchObject({
      'mlflow.runName': 's1-0',
      'ff.run_id': 's1-0',
      sweep_id: 's1',
      'mlflow.note.content': 'first try',
      'tag.baseline': 'true',
      'summary.verdict': 'kept',
      'mlflow.loggedArtifacts': '[{"path": "leaderboard.json", "type": "table"}]',
    });
    expect(Object.fromEntries(r.params)).toEqual({ lr: '0.1', 'model.depth': '3' });
    expect(r.metrics.filter((m) => m.key === 'm1').map((m) => [m.step, m.value])).toEqual([[0, 0.1], [1, 1.1], [2, 2.1]]);
    // summary numbers land at the last step, so MLflow's "latest" value is the final figure
    expect(r.metrics.filter((m) => m.key === 'best_auc' || m.key === 'nested.n').map((m) => [m.key, m.step, m.value])).toEqual([['best_auc', 2, 0.91], ['nested.n', 2, 2]]);
    expect(r.status).toBe('FINISHED');
    expect(r.endTime).toBeGreaterThan(0);

    const files = ml.artifactsOf(run.id);
    expect(Object.keys(files).sort()).toEqual(['charts/a.json', 'charts/sub/b.txt', 'leaderboard.json', 'model.txt/model.txt']);
    expect(files['model.txt/model.txt']!.toString()).toBe('weights');
    expect(files['charts/sub/b.txt']!.toString()).toBe('bee');
    expect(JSON.parse(files['leaderboard.json']!.toString())).toEqual({ columns: ['feature', 'gain'], data: [['x1', 0.5], ['x2', null]] });
    const put = ml.callsTo('mlflow-artifacts').find((c) => c.path.endsWith('a.json'))!;
    expect(put.path).toBe(`/api/2.0/mlflow-artifacts/artifacts/${exp.experimentId}/${run.id}/artifacts/charts/a.json`);
    expect(put.headers['content-type']).toBe('application/json');
  });

  it('creates the experiment once and reuses it; a creator racing us is looked up again', async () => {
    const b = backend();
    await opened(b.createRun(), { runId: 'a' });
    await opened(b.createRun(), { runId: 'b' });
    await opened(backend().createRun(), { runId: 'c' });
    expect(ml.callsTo('experiments/create')).toHaveLength(1);
    expect(ml.callsTo('experiments/get-by-name')).toHaveLength(2); // the second backend looks it up once
    expect(new Set([...ml.runs.values()].map((r) => r.experimentId)).size).toBe(1);

    // the look-up misses, then our create loses to someone else's: RESOURCE_ALREADY_EXISTS
    ml.failNext('experiments/get-by-name', 404, 1, { body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'ff-test'" } });
    const { id } = await opened(backend().createRun(), { runId: 'd' });
    expect(ml.calls.slice(-5).map((c) => `${endpoint(c)} ${c.status}`)).toEqual([
      'GET experiments/get-by-name 404',
      'POST experiments/create 400',
      'GET experiments/get-by-name 200',
      'POST runs/search 200',
      'POST runs/create 200',
    ]);
    expect(ml.runs.get(id)!.experimentId).toBe([...ml.runs.values()][0]!.experimentId);
  });

  it('names the experiment RunInit.project, else the backend project, else MLFLOW_EXPERIMENT_NAME, else feature-forge', async () => {
    const env = { MLFLOW_TRACKING_URI: ml.url, MLFLOW_EXPERIMENT_NAME: 'from-env' };
    await createMlflowBackend({ env }).createRun().open(init({ runId: 'a', project: undefined }), sig());
    await createMlflowBackend({ env, project: 'from-opts' }).createRun().open(init({ runId: 'b', project: undefined }), sig());
    await createMlflowBackend({ env: { MLFLOW_TRACKING_URI: ml.url } }).createRun().open(init({ runId: 'c', project: undefined }), sig());
    const names = [...ml.runs.values()].map((r) => ml.experiments.get(r.experimentId)!.name);
    expect(names).toEqual(['from-env', 'from-opts', 'feature-forge']);
  });

  it('resumes the run with the same runId instead of creating a twin', async () => {
    const first = await opened();
    await first.sink.logParams({ lr: 0.1 }, sig());
    await first.sink.logMetrics(rows(5, 1), sig());
    const again = await opened(backend().createRun());
    expect(again.id).toBe(first.id);
    expect(ml.callsTo('runs/create')).toHaveLength(1);
    // ff sync replays the whole journal: what MLflow already has is not sent twice
    await again.sink.logParams({ lr: 0.1 }, sig());
    await again.sink.logMetrics(rows(8, 1), sig());
    await again.sink.setSummary({ auc: 0.8 }, sig());
    expect(ml.callsTo('runs/log-batch')).toHaveLength(4);
    const run = ml.runs.get(first.id)!;
    expect(run.metrics.filter((m) => m.key === 'm0').map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(run.metrics.find((m) => m.key === 'auc')!.step).toBe(7);
  });

  it('refuses a deleted experiment with what to do', async () => {
    await opened();
    const exp = [...ml.experiments.values()].find((e) => e.name === 'ff-test')!;
    exp.lifecycleStage = 'deleted';
    const err = await rejection(backend().createRun().open(init({ runId: 'z' }), sig()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`mlflow experiments restore --experiment-id ${exp.experimentId}`);
  });
});

describe('MLflow sink batching and encoding', () => {
  it('splits 2,500 metric points and 250 params within log-batch limits', async () => {
    const { sink, id } = await opened();
    await sink.logParams(Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${String(i).padStart(3, '0')}`, i])), sig());
    await sink.logMetrics(rows(250, 10), sig());
    const batches = ml.callsTo('runs/log-batch').map((c) => c.body as { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] });
    expect(batches.map((b) => [b.params?.length ?? 0, b.metrics?.length ?? 0])).toEqual([[100, 0], [100, 0], [50, 0], [0, 1000], [0, 1000], [0, 500]]);
    expect(allOk(ml)).toBe(true);
    const run = ml.runs.get(id)!;
    expect(run.params.size).toBe(250);
    expect(run.metrics).toHaveLength(2500);
    expect(run.metrics.filter((m) => m.key === 'm3').map((m) => m.step)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });

  it('flattens nested config with dots and writes values as MLflow does', async () => {
    const { sink, id } = await opened();
    await sink.logParams({ model: { lr: 0.05, gbdt: { depth: 6 } }, on: true, off: null, cols: ['a', 'b'], 'bad:key': 1, '/x/./y//z/': 2 }, sig());
    expect(Object.fromEntries(ml.runs.get(id)!.params)).toEqual({ 'model.lr': '0.05', 'model.gbdt.depth': '6', on: 'True', off: 'None', cols: '["a","b"]', bad_key: '1', 'x/_/y/z': '2' });
  });

  it('cuts a param value over 6000 characters instead of failing the run', async () => {
    const { sink, id } = await opened();
    await sink.logParams({ prompt: 'x'.repeat(7000), ok: 'y' }, sig());
    const value = ml.runs.get(id)!.params.get('prompt')!;
    expect(value.length).toBeLessThanOrEqual(6000);
    expect(value).toMatch(/^x+… \[7000 characters, cut to 6000 by feature-forge\]$/);
    expect(ml.runs.get(id)!.params.get('ok')).toBe('y');
  });

  it('logs the other params and says so when a param would change', async () => {
    const { sink, id } = await opened();
    await sink.logParams({ lr: 0.1 }, sig());
    const err = await rejection(sink.logParams({ lr: 0.2, depth: 4 }, sig()));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('lr');
    expect(Object.fromEntries(ml.runs.get(id)!.params)).toEqual({ lr: '0.1', depth: '4' });
  });

  it('sends non-finite values as protobuf JSON does ("NaN", "Infinity")', async () => {
    const { sink, id } = await opened();
    await sink.logMetrics([{ step: 0, timestamp: 1, values: { a: NaN, b: Infinity, c: -Infinity, d: 1.5 } }], sig());
    const sent = (ml.callsTo('runs/log-batch')[0]!.body as { metrics: Array<{ key: string; value: unknown }> }).metrics;
    expect(sent.map((m) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
    expect(ml.runs.get(id)!.metrics.map((m) => m.value)).toEqual([NaN, Infinity, -Infinity, 1.5]);
  });

  it('a retried call does not log the batches that already got through twice', async () => {
    const { sink, id } = await opened();
    const points = rows(150, 10);
    ml.failNext('runs/log-batch', 503, 1, { after: 1 });
    const err = await rejection(sink.logMetrics(points, sig()));
    expect(err.retryable).toBe(true);
    await sink.logMetrics(points, sig()); // resilient.ts retries with the very same rows
    expect(ml.runs.get(id)!.metrics).toHaveLength(1500);
    expect(ml.callsTo('runs/log-batch').map((c) => c.status)).toEqual([200, 503, 200]);
  });
});

describe('MLflow auth and failures', () => {
  it('sends a bearer token from MLFLOW_TRACKING_TOKEN on every call, artifact uploads included', async () => {
    const secure = await startFakeMlflow({ auth: { token: 's3cret' } });
    try {
      const sink = backend({ MLFLOW_TRACKING_TOKEN: 's3cret' }, secure).createRun();
      await sink.open(init(), sig());
      writeFileSync(join(dir, 'f.txt'), 'f');
      await sink.logArtifact({ path: join(dir, 'f.txt'), type: 'file' }, sig());
      await sink.finish('killed', sig());
      expect(secure.calls.length).toBeGreaterThan(4);
      expect(secure.calls.every((c) => c.headers.authorization === 'Bearer s3cret')).toBe(true);
      expect(allOk(secure)).toBe(true);
      expect([...secure.runs.values()][0]!.status).toBe('KILLED');
    } finally {
      await secure.close();
    }
  });

  it('sends Basic auth from MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD', async () => {
    const secure = await startFakeMlflow({ auth: { username: 'ana', password: 'pw:1' } });
    try {
      const sink = backend({ MLFLOW_TRACKING_USERNAME: 'ana', MLFLOW_TRACKING_PASSWORD: 'pw:1' }, secure).createRun();
      await sink.open(init(), sig());
      await sink.finish('failed', sig());
      const expected = `Basic ${Buffer.from('ana:pw:1').toString('base64')}`;
      expect(secure.calls.every((c) => c.headers.authorization === expected)).toBe(true);
      expect(allOk(secure)).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('401: not retryable, and says which variables to set', async () => {
    const secure = await startFakeMlflow({ auth: { token: 'right' } });
    try {
      const err = await rejection(backend({ MLFLOW_TRACKING_TOKEN: 'wrong' }, secure).createRun().open(init(), sig()));
      expect(err.retryable).toBe(false);
      expect(err.status).toBe(401);
      expect(err.message).toContain('the credentials sent were refused');
      expect(err.message).toContain('MLFLOW_TRACKING_TOKEN');
      expect(err.message).not.toContain('wrong');
    } finally {
      await secure.close();
    }
  });

  it('503: retryable; the next attempt goes through', async () => {
    const sink = backend().createRun();
    ml.failNext('runs/create', 503);
    const err = await rejection(sink.open(init(), sig()));
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(503);
    await sink.open(init(), sig());
    expect(ml.runs.size).toBe(1);
  });

  it('a server that never answers: the call rejects when its AbortSignal fires', async () => {
    const { sink } = await opened();
    ml.hang('runs/log-batch');
    const started = Date.now();
    const err = await rejection(sink.logMetrics(rows(1, 1), AbortSignal.timeout(200)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('no answer in time');
  });

  it('a server that is down: a retryable network error', async () => {
    const sink = backend().createRun();
    await ml.close();
    const err = await rejection(sink.open(init(), sig()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    ml = await startFakeMlflow(); // for afterEach
  });

  it('a missing or non-http MLFLOW_TRACKING_URI is a usage error naming it', () => {
    const usage = (env: Record<string, string>): FFError => {
      try {
        createMlflowBackend({ env });
      } catch (err) {
        expect(err).toBeInstanceOf(FFError);
        return err as FFError;
      }
      throw new Error('expected an FFError');
    };
    const missing = usage({});
    expect(missing.code).toBe('FF_USAGE');
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toContain('MLFLOW_TRACKING_URI is not set');
    expect(missing.message).toContain('http://127.0.0.1:5000');
    const file = usage({ MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' });
    expect(file.message).toContain('MLFLOW_TRACKING_URI="file:///tmp/mlruns"');
    expect(file.message).toContain('http(s) URL');
    expect(createMlflowBackend({ trackingUri: 'https://ana:pw@mlflow.example.com/team/', env: {} }).where).toBe('MLflow at https://mlflow.example.com/team');
  });

  it('artifacts need the artifact proxy: a plain s3:// artifact URI is refused plainly', async () => {
    const direct = await startFakeMlflow({ artifactRoot: 's3://bucket/mlruns' });
    try {
      const sink = backend({}, direct).createRun();
      await sink.open(init(), sig());
      writeFileSync(join(dir, 'f.txt'), 'f');
      for (const p of [sink.logArtifact({ path: join(dir, 'f.txt'), type: 'file' }, sig()), sink.logTable({ name: 't', columns: ['a'], rows: [[1]] }, sig())]) {
        const err = await rejection(p);
        expect(err.retryable).toBe(false);
        expect(err.message).toContain('s3://bucket/mlruns/');
        expect(err.message).toContain('--serve-artifacts');
      }
      expect(direct.callsTo('mlflow-artifacts')).toHaveLength(0);
    } finally {
      await direct.close();
    }
  });

  it('a server running --no-serve-artifacts: not retryable', async () => {
    const off = await startFakeMlflow({ serveArtifacts: false });
    try {
      const sink = backend({}, off).createRun();
      await sink.open(init(), sig());
      const err = await rejection(sink.logTable({ name: 't', columns: ['a'], rows: [[1]] }, sig()));
      expect(err.status).toBe(503);
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('--serve-artifacts');
    } finally {
      await off.close();
    }
  });
});

describe('MlflowClient (read side)', () => {
  it('searches runs across pages and returns plain typed records', async () => {
    const b = backend();
    for (let i = 0; i < 7; i++) {
      const { sink } = await opened(b.createRun(), { runId: `r${i}`, name: `s1-${i}`, group: i < 5 ? 's1' : 's2' });
      await sink.logParams({ lr: i / 10 }, sig());
      await sink.logMetrics([{ step: 0, timestamp: 1, values: { auc: 0.5 } }, { step: 1, timestamp: 2, values: { auc: 0.6 + i / 100 } }], sig());
      await sink.finish(i === 3 ? 'failed' : 'finished', sig());
    }
    const client = new MlflowClient({ env: { MLFLOW_TRACKING_URI: ml.url } });
    const before = ml.callsTo('runs/search').length;
    const runs = await client.searchRuns({ experimentName: 'ff-test', filter: "tags.sweep_id = 's1'", pageSize: 2 });
    expect(ml.callsTo('runs/search').length - before).toBe(3);
    expect(runs.map((r) => r.runName).sort()).toEqual(['s1-0', 's1-1', 's1-2', 's1-3', 's1-4']);
    const r3 = runs.find((r) => r.runName === 's1-3')!;
    expect(r3).toMatchObject({ status: 'FAILED', params: { lr: '0.3' }, metrics: { auc: 0.63 } });
    expect(r3.tags['ff.run_id']).toBe('r3');
    expect(typeof r3.startTime).toBe('number');
    expect(r3.endTime).toBeGreaterThanOrEqual(r3.startTime!);
    expect(await client.searchRuns({ experimentName: 'ff-test', filter: 'metrics.auc > 0.655' })).toHaveLength(1);
    await expect(client.searchRuns({ experimentName: 'nope' })).rejects.toThrow("has no experiment named 'nope'");
  });

  it('reads a metric history across pages, in step order', async () => {
    const { sink, id } = await opened();
    await sink.logMetrics(rows(2500, 1), sig());
    const client = new MlflowClient({ trackingUri: ml.url, env: {} });
    const history = await client.metricHistory(id, 'm0', { pageSize: 1000 });
    expect(ml.callsTo('metrics/get-history')).toHaveLength(3);
    expect(history).toHaveLength(2500);
    expect(history[0]).toEqual({ step: 0, value: 0, timestamp: 1_700_000_000_000 });
    expect(history.every((p, i) => p.step === i)).toBe(true);
  });
});
