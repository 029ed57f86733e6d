/**
 * A small in-process MLflow tracking server for tests (node:http on 127.0.0.1, port 0). It speaks
 * the subset of REST API 2.0 that feature-forge uses, as mlflow/mlflow's server answers it
 * (mlflow/server/handlers.py, mlflow/protos/service.proto, mlflow/utils/validation.py):
 *   GET  /api/2.0/mlflow/experiments/get-by-name   POST /api/2.0/mlflow/experiments/create
 *   POST /api/2.0/mlflow/runs/{create,update,set-tag,log-batch,search}   GET …/runs/get
 *   GET  /api/2.0/mlflow/metrics/get-history       PUT /api/2.0/mlflow-artifacts/artifacts/<path>
 * Faithful where a client can trip: POST bodies must be application/json; log-batch limits
 * (≤ 1000 metrics, ≤ 100 params, ≤ 100 tags, ≤ 1000 in all), key names and lengths, param value
 * ≤ 6000 and tag value ≤ 5000 characters (as a server with MLFLOW_TRUNCATE_LONG_VALUES=false),
 * duplicate or changed params → 400 `{"error_code": "INVALID_PARAMETER_VALUE", "message": …}`;
 * missing things → 404 RESOURCE_DOES_NOT_EXIST; int64 fields answered as JSON strings and special
 * doubles as "NaN"/"Infinity" (protobuf's JSON mapping); search and metric history paginated with
 * page tokens; filters `<attributes|params|tags|metrics>.<key> <op> <value>` joined by `and`.
 *
 * Use:
 *   const ml = await startFakeMlflow({ auth: { token: 't' } });   // or { username, password }
 *   ml.url                      base URL for MLFLOW_TRACKING_URI
 *   ml.calls                    every request in order: method, path, query, headers, body, status
 *   ml.callsTo('runs/log-batch')  the calls whose path contains that string
 *   ml.experiments / ml.runs    the server's state (FakeExperiment / FakeRun, by id)
 *   ml.artifactsOf(runId)       run-relative artifact path → bytes uploaded through the proxy
 *   ml.failNext(path, status, n = 1, { body, after })   answer n matching requests with `status`
 *                               (after letting `after` of them through; body: MLflow's error JSON)
 *   ml.hang(path)               never answer matching requests
 *   await ml.close()            server down (later requests: connection refused)
 * Options: `artifactRoot: 's3://bucket/mlruns'` makes run artifact URIs non-proxied (a server
 * without --serve-artifacts); `serveArtifacts: false` answers the proxy with MLflow's 503.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMlflowOptions {
  readonly auth?: { readonly token: string } | { readonly username: string; readonly password: string };
  readonly artifactRoot?: string;
  readonly serveArtifacts?: boolean;
}

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body (POST), else undefined; `bytes` has the raw body. */
  readonly body: unknown;
  readonly bytes: Buffer;
  status: number;
}

export interface FakeMetric { readonly key: string; readonly value: number; readonly timestamp: number; readonly step: number }
export interface FakeExperiment { readonly experimentId: string; readonly name: string; lifecycleStage: string; readonly artifactLocation: string }
export interface FakeRun {
  readonly runId: string;
  readonly experimentId: string;
  runName: string;
  status: string;
  readonly startTime: number;
  endTime?: number;
  readonly artifactUri: string;
  readonly params: Map<string, string>;
  readonly tags: Map<string, string>;
  readonly metrics: FakeMetric[];
}

export interface FakeMlflow {
  readonly url: string;
  readonly calls: RecordedCall[];
  readonly experiments: Map<string, FakeExperiment>;
  readonly runs: Map<string, FakeRun>;
  callsTo(path: string): RecordedCall[];
  artifactsOf(runId: string): Record<string, Buffer>;
  failNext(path: string, status: number, n?: number, o?: { readonly body?: unknown; readonly after?: number }): void;
  hang(path: string): void;
  close(): Promise<void>;
}

class Reject extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
const bad = (message: string): Reject => new Reject(400, 'INVALID_PARAMETER_VALUE', message);
const STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const NAME = /^[/\p{L}\p{N}_.\- ]*$/u;
const CODES: Record<number, string> = { 400: 'INVALID_PARAMETER_VALUE', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'RESOURCE_DOES_NOT_EXIST', 429: 'REQUEST_LIMIT_EXCEEDED', 500: 'INTERNAL_ERROR', 503: 'TEMPORARILY_UNAVAILABLE' };

export async function startFakeMlflow(opts: FakeMlflowOptions = {}): Promise<FakeMlflow> {
  const calls: RecordedCall[] = [];
  const experiments = new Map<string, FakeExperiment>();
  const runs = new Map<string, FakeRun>();
  const store = new Map<string, Buffer>();
  const failures: Array<{ path: string; status: number; left: number; skip: number; body?: unknown }> = [];
  const hangs: string[] = [];
  let nextExperiment = 1;
  const root = opts.artifactRoot ?? 'mlflow-artifacts:';
  experiments.set('0', { experimentId: '0', name: 'Default', lifecycleStage: 'active', artifactLocation: `${root}/0` });

  const expected = opts.auth === undefined ? undefined : 'token' in opts.auth ? `Bearer ${opts.auth.token}` : `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://fake');
      const bytes = Buffer.concat(chunks);
      let body: unknown;
      if (req.method === 'POST') {
        try {
          body = JSON.parse(bytes.toString('utf8'));
        } catch {
          body = undefined;
        }
      }
      const call: RecordedCall = { method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, bytes, status: 0 };
      calls.push(call);
      if (hangs.some((h) => u.pathname.includes(h))) return; // never answered; close() drops the socket
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        call.status = status;
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', ...headers });
        res.end(text);
      };
      const f = failures.find((x) => x.left > 0 && u.pathname.includes(x.path) && x.skip-- <= 0);
      if (f !== undefined) {
        f.left--;
        return send(f.status, f.body ?? { error_code: CODES[f.status] ?? 'INTERNAL_ERROR', message: `fake-mlflow: injected HTTP ${f.status}` });
      }
      if (expected !== undefined && req.headers.authorization !== expected) {
        return send(401, 'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.', { 'www-authenticate': 'Basic realm="mlflow"' });
      }
      try {
        send(200, route(req.method ?? '', u, body, bytes, req.headers['content-type']));
      } catch (err) {
        if (err instanceof Reject) send(err.status, err.code === '' ? err.message : { error_code: err.code, message: err.message });
        else send(500, { error_code: 'INTERNAL_ERROR', message: String(err) });
      }
    });
  });

  function route(method: string, u: URL, raw: unknown, bytes: Buffer, contentType: string | undefined): unknown {
    const artifactPrefix = '/api/2.0/mlflow-artifacts/artifacts/';
    if (u.pathname.startsWith(artifactPrefix) && method === 'PUT') {
      if (opts.serveArtifacts === false) throw new Reject(503, '', 'Endpoint: /api/2.0/mlflow-artifacts/artifacts/<path:artifact_path> disabled due to the mlflow server running with `--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`');
      const parts = u.pathname.slice(artifactPrefix.length).split('/').map(decodeURIComponent);
      if (parts.some((p) => p === '..' || p === '')) throw bad(`Invalid path: ${parts.join('/')}`);
      store.set(parts.join('/'), bytes);
      return {};
    }
    const endpoint = u.pathname.replace(/^\/api\/2\.0\/mlflow\//, '');
    if (method === 'POST' && !(contentType ?? '').startsWith('application/json')) throw new Reject(400, 'BAD_REQUEST', "Bad Request. Content-Type must be one of ['application/json'].");
    const b = obj(raw);
    const q = (k: string): string | undefined => u.searchParams.get(k) ?? undefined;
    switch (`${method} ${endpoint}`) {
      case 'GET experiments/get-by-name': {
        const name = required(q('experiment_name'), 'experiment_name');
        const all = [...experiments.values()].filter((e) => e.name === name);
        const e = all.find((x) => x.lifecycleStage === 'active') ?? all[0];
        if (e === undefined) throw new Reject(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
        return { experiment: experimentJson(e) };
      }
      case 'POST experiments/create': {
        const name = required(str(b['name']), 'name');
        if ([...experiments.values()].some((e) => e.name === name)) throw new Reject(400, 'RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists. Error: (raised by fake-mlflow)`);
        const id = String(nextExperiment++);
        experiments.set(id, { experimentId: id, name, lifecycleStage: 'active', artifactLocation: `${root}/${id}` });
        return { experiment_id: id };
      }
      case 'POST runs/create': {
        const e = experiments.get(str(b['experiment_id']) ?? '0');
        if (e === undefined) throw new Reject(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${String(b['experiment_id'])} exists`);
        const tags = pairs(b['tags']);
        const runId = randomUUID().replace(/-/g, '');
        const runName = str(b['run_name']) ?? tags.get('mlflow.runName') ?? `run-${runId.slice(0, 6)}`;
        tags.set('mlflow.runName', runName);
        const run: FakeRun = { runId, experimentId: e.experimentId, runName, status: 'RUNNING', startTime: Number(b['start_time'] ?? Date.now()), artifactUri: `${e.artifactLocation}/${runId}/artifacts`, params: new Map(), tags, metrics: [] };
        runs.set(runId, run);
        return { run: runJson(run) };
      }
      case 'POST runs/update': {
        const run = runOf(str(b['run_id']));
        const status = str(b['status']);
        if (status !== undefined && !STATUSES.includes(status)) throw bad(`Invalid value ${status} for parameter 'status' supplied.`);
        if (status !== undefined) run.status = status;
        if (b['end_time'] !== undefined) run.endTime = Number(b['end_time']);
        if (str(b['run_name']) !== undefined) run.runName = str(b['run_name'])!;
        return { run_info: runJson(run).info };
      }
      case 'POST runs/set-tag': {
        const run = runOf(str(b['run_id']));
        const key = checkKey('tag', str(b['key']));
        run.tags.set(key, checkLength('Tag value', str(b['value']) ?? '', 5000));
        return {};
      }
      case 'POST runs/log-batch':
        return logBatch(b);
      case 'GET runs/get':
        return { run: runJson(runOf(q('run_id'))) };
      case 'POST runs/search':
        return search(b);
      case 'GET metrics/get-history': {
        const run = runOf(q('run_id'));
        const key = required(q('metric_key'), 'metric_key');
        const points = run.metrics.filter((m) => m.key === key).sort((x, y) => x.timestamp - y.timestamp || x.step - y.step);
        const { page, token } = paginate(points, q('max_results') === undefined ? 25_000 : Number(q('max_results')), q('page_token'));
        return { metrics: page.map(metricJson), ...(token !== undefined ? { next_page_token: token } : {}) };
      }
      default:
        throw new Reject(404, 'ENDPOINT_NOT_FOUND', `fake-mlflow: no endpoint ${method} ${u.pathname}`);
    }
  }

  function logBatch(b: Readonly<Record<string, unknown>>): unknown {
    const run = runOf(str(b['run_id']));
    const metrics = list(b['metrics']).map(obj);
    const params = list(b['params']).map(obj);
    const tags = list(b['tags']).map(obj);
    const limit = (what: string, max: number, n: number): void => {
      if (n > max) throw bad(`A batch logging request can contain at most ${max} ${what}. Got ${n} ${what}. Please split up ${what} across multiple requests and try again.`);
    };
    limit('metrics', 1000, metrics.length);
    limit('params', 100, params.length);
    limit('tags', 100, tags.length);
    limit('metrics, params, and tags', 1000, metrics.length + params.length + tags.length);
    const parsed = metrics.map((m, i): FakeMetric => {
      const key = checkKey('metric', str(m['key']));
      const value = typeof m['value'] === 'number' ? m['value'] : ['NaN', 'Infinity', '-Infinity'].includes(String(m['value'])) ? Number(m['value']) : undefined;
      if (value === undefined) throw bad(`Got invalid value ${String(m['value'])} for metric '${key}' (metrics[${i}]). Please specify value as a valid double (64-bit floating point)`);
      const timestamp = Number(m['timestamp']);
      if (m['timestamp'] === undefined || !Number.isInteger(timestamp) || timestamp < 0) throw bad(`Missing value for required parameter 'metrics[${i}].timestamp'.`);
      const step = Number(m['step'] ?? 0);
      if (!Number.isInteger(step)) throw bad(`Got invalid step ${String(m['step'])} for metric '${key}'. Step must be a valid long (64-bit integer).`);
      return { key, value, timestamp, step };
    });
    const keys = params.map((p) => checkKey('parameter', str(p['key'])));
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (dupes.length > 0) throw bad(`Duplicate parameter keys have been submitted: ${JSON.stringify(dupes)}. Please ensure the request contains only one param value per param key.`);
    params.forEach((p, i) => {
      const value = checkLength('Param value', str(p['value']) ?? '', 6000);
      const before = run.params.get(keys[i]);
      if (before !== undefined && before !== value) {
        throw bad(`Changing param values is not allowed. Param with key='${keys[i]}' was already logged with value='${before}' for run ID='${run.runId}'. Attempted logging new value '${value}'.`);
      }
    });
    const tagPairs = tags.map((t) => [checkKey('tag', str(t['key'])), checkLength('Tag value', str(t['value']) ?? '', 5000)] as const);
    params.forEach((p, i) => run.params.set(keys[i], str(p['value']) ?? ''));
    for (const [k, v] of tagPairs) run.tags.set(k, v);
    run.metrics.push(...parsed);
    return {};
  }

  function search(b: Readonly<Record<string, unknown>>): unknown {
    const ids = list(b['experiment_ids']).map(String);
    const max = b['max_results'] === undefined ? 1000 : Number(b['max_results']);
    if (max > 50_000) throw bad(`Invalid value ${max} for parameter 'max_results' supplied. See the API docs for more information about request parameters.`);
    const match = compileFilter(str(b['filter']) ?? '');
    const found = [...runs.values()].filter((r) => ids.includes(r.experimentId) && match(r)).sort((x, y) => y.startTime - x.startTime || (x.runId < y.runId ? -1 : 1));
    const { page, token } = paginate(found, max, str(b['page_token']));
    return { ...(page.length > 0 ? { runs: page.map(runJson) } : {}), ...(token !== undefined ? { next_page_token: token } : {}) };
  }

  function runOf(id: string | undefined): FakeRun {
    const run = runs.get(required(id, 'run_id'));
    if (run === undefined) throw new Reject(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${id} not found`);
    return run;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    experiments,
    runs,
    callsTo: (path) => calls.filter((c) => c.path.includes(path)),
    artifactsOf(runId) {
      const run = runs.get(runId);
      const prefix = run === undefined ? '\0' : `${run.artifactUri.replace(/^mlflow-artifacts:\/*/, '')}/`;
      return Object.fromEntries([...store].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    },
    failNext: (path, status, n = 1, o = {}) => void failures.push({ path, status, left: n, skip: o.after ?? 0, body: o.body }),
    hang: (path) => void hangs.push(path),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A search filter as MLflow reads it (the subset: `entity.key op value` clauses joined by `and`). */
function compileFilter(filter: string): (r: FakeRun) => boolean {
  if (filter.trim() === '') return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((c) => {
    const m = /^\s*(attributes|attribute|attr|run|params|param|parameters|parameter|tags|tag|metrics|metric)\.(`[^`]+`|"[^"]+"|[\w.]+)\s*(!=|>=|<=|=|>|<|LIKE)\s*(.+?)\s*$/i.exec(c);
    if (m === null) throw bad(`Invalid filter '${filter}'. Could not be parsed.`);
    const [, entity, rawKey, op, rawValue] = m as unknown as [string, string, string, string, string];
    const key = /^[`"]/.test(rawKey) ? rawKey.slice(1, -1) : rawKey;
    const value = /^'.*'$|^".*"$/.test(rawValue) ? rawValue.slice(1, -1) : rawValue;
    const kind = entity.toLowerCase().replace(/s$/, '').replace(/^parameter$/, 'param').replace(/^(attribute|attr|run)$/, 'attribute');
    return (r: FakeRun): boolean => {
      let actual: string | number | undefined;
      if (kind === 'param') actual = r.params.get(key);
      else if (kind === 'tag') actual = r.tags.get(key);
      else if (kind === 'metric') actual = latest(r).get(key)?.value;
      else actual = ({ status: r.status, run_name: r.runName, run_id: r.runId, start_time: r.startTime, end_time: r.endTime } as Record<string, string | number | undefined>)[key];
      if (actual === undefined) return false;
      if (typeof actual === 'number') {
        const v = Number(value);
        return op === '=' ? actual === v : op === '!=' ? actual !== v : op === '>' ? actual > v : op === '>=' ? actual >= v : op === '<' ? actual < v : op === '<=' ? actual <= v : false;
      }
      if (op.toUpperCase() === 'LIKE') return new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's').test(actual);
      return op === '=' ? actual === value : op === '!=' ? actual !== value : false;
    };
  });
  return (r) => clauses.every((c) => c(r));
}

/** MLflow's latest value per key: the greatest (step, timestamp, value). */
function latest(r: FakeRun): Map<string, FakeMetric> {
  const out = new Map<string, FakeMetric>();
  for (const m of r.metrics) {
    const p = out.get(m.key);
    if (p === undefined || m.step > p.step || (m.step === p.step && (m.timestamp > p.timestamp || (m.timestamp === p.timestamp && m.value > p.value)))) out.set(m.key, m);
  }
  return out;
}

function paginate<T>(items: readonly T[], max: number, token: string | undefined): { page: T[]; token?: string } {
  const offset = token === undefined ? 0 : Number(obj(JSON.parse(Buffer.from(token, 'base64').toString('utf8')))['offset']);
  const page = items.slice(offset, offset + max);
  return offset + max < items.length ? { page, token: Buffer.from(JSON.stringify({ offset: offset + max })).toString('base64') } : { page };
}

// protobuf's JSON mapping, as MessageToJson writes MLflow's answers: int64 as strings
const metricJson = (m: FakeMetric): unknown => ({ key: m.key, value: Number.isFinite(m.value) ? m.value : String(m.value), timestamp: String(m.timestamp), step: String(m.step) });
const experimentJson = (e: FakeExperiment): unknown => ({ experiment_id: e.experimentId, name: e.name, artifact_location: e.artifactLocation, lifecycle_stage: e.lifecycleStage });
function runJson(r: FakeRun): { info: unknown; data: unknown } {
  const kv = (m: Map<string, string>): unknown[] => [...m].map(([key, value]) => ({ key, value }));
  return {
    info: { run_id: r.runId, run_uuid: r.runId, run_name: r.runName, experiment_id: r.experimentId, status: r.status, start_time: String(r.startTime), ...(r.endTime !== undefined ? { end_time: String(r.endTime) } : {}), artifact_uri: r.artifactUri, lifecycle_stage: 'active' },
    data: { metrics: [...latest(r).values()].map(metricJson), params: kv(r.params), tags: kv(r.tags) },
  };
}

function checkKey(what: string, key: string | undefined): string {
  const k = required(key, `${what} key`);
  const norm = k.split('/').filter((s) => s !== '' && s !== '.').join('/');
  if (!NAME.test(k)) throw bad(`Invalid ${what} name: '${k}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`);
  if (norm !== k || k.split('/').includes('..')) throw bad(`Invalid ${what} name: '${k}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such.`);
  return checkLength(`${what[0]!.toUpperCase()}${what.slice(1)} key`, k, 250);
}

function checkLength(what: string, value: string, limit: number): string {
  if ([...value].length > limit) throw bad(`${what} '${value.slice(0, 250)}' had length ${[...value].length}, which exceeded length limit of ${limit}`);
  return value;
}

function required(v: string | undefined, name: string): string {
  if (v === undefined || v === '') throw bad(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
  return v;
}

function obj(v: unknown): Readonly<Record<string, unknown>> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
function pairs(v: unknown): Map<string, string> {
  return new Map(list(v).map((t) => [checkKey('tag', str(obj(t)['key'])), str(obj(t)['value']) ?? ''] as [string, string]));
}
