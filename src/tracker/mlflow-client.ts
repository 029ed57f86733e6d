/**
 * MLflow REST API 2.0: the connection (tracking URI and credentials from the environment), one
 * request helper that turns MLflow's answers into clear {@link TrackerRemoteError}s, and the read
 * side used by `ff compare --from mlflow` ({@link MlflowClient}: run search, metric history).
 *
 * Protocol sources (checked, not copied):
 *  - endpoints, messages, enums: mlflow/mlflow `mlflow/protos/service.proto` (RunStatus, Metric,
 *    `GET /mlflow/experiments/get-by-name`, `POST /mlflow/runs/search`, `GET /mlflow/metrics/get-history`, …)
 *  - answers and error bodies: `mlflow/server/handlers.py` (`{"error_code", "message"}`, 404
 *    RESOURCE_DOES_NOT_EXIST from get-by-name, search max_results ≤ 50 000, page tokens)
 *  - JSON form: `mlflow/utils/proto_json_utils.py` (protobuf MessageToJson / ParseDict, so int64
 *    fields travel as JSON strings and doubles may be "NaN", "Infinity", "-Infinity";
 *    https://protobuf.dev/programming-guides/json/)
 *  - credentials: `mlflow/utils/rest_utils.py` `http_request` — Basic when MLFLOW_TRACKING_USERNAME
 *    and MLFLOW_TRACKING_PASSWORD are both set, else Bearer MLFLOW_TRACKING_TOKEN. We keep MLflow's
 *    precedence so a user's environment means the same thing here as for the Python client.
 */
import { EXIT, FFError } from '../core/errors.js';
import { basicAuth, httpJson, httpRequest } from './http.js';
import { TrackerRemoteError } from './sink.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface MlflowConnection {
  /** The tracking server's base URL: no credentials, query or trailing slash. */
  readonly trackingUri: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads the tracking URI and credentials; a missing or non-http(s) URI is a usage error. */
export function mlflowConnection(opts: { readonly trackingUri?: string; readonly env?: Env }): MlflowConnection {
  const env = opts.env ?? process.env;
  const raw = (opts.trackingUri ?? env['MLFLOW_TRACKING_URI'] ?? '').trim();
  const valid = 'an http(s) URL of an MLflow tracking server, e.g. MLFLOW_TRACKING_URI=http://127.0.0.1:5000';
  if (raw === '') throw new FFError('FF_USAGE', `MLflow tracking: MLFLOW_TRACKING_URI is not set; set it to ${valid}`, EXIT.usage);
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new FFError(
      'FF_USAGE',
      `MLflow tracking: MLFLOW_TRACKING_URI=${JSON.stringify(withoutUserinfo(raw))} is not usable: feature-forge speaks MLflow's REST API, ` +
        `so it needs ${valid} (file:, sqlite:, postgresql: and databricks URIs are not supported; start \`mlflow server\` and point at it)`,
      EXIT.usage,
    );
  }
  const headers: Record<string, string> = {};
  // fetch refuses URLs with credentials in them; MLflow's client sends those as Basic auth too
  const user = nonEmpty(env['MLFLOW_TRACKING_USERNAME']) ?? (url.username !== '' ? decodeURIComponent(url.username) : undefined);
  const password = nonEmpty(env['MLFLOW_TRACKING_PASSWORD']) ?? (url.password !== '' ? decodeURIComponent(url.password) : undefined);
  const token = nonEmpty(env['MLFLOW_TRACKING_TOKEN']);
  if (user !== undefined && password !== undefined) headers['authorization'] = basicAuth(user, password);
  else if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const base = `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  return { trackingUri: base, headers };
}

/** One MLflow tracking server; every call names its endpoint in errors. */
export class MlflowHttp {
  constructor(readonly conn: MlflowConnection) {}

  get where(): string {
    return `MLflow at ${this.conn.trackingUri}`;
  }

  /** `endpoint` is relative to `/api/2.0/mlflow/`; GET payloads go in the query string. */
  async call<T>(method: 'GET' | 'POST', endpoint: string, payload: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<T> {
    let url = `${this.conn.trackingUri}/api/2.0/mlflow/${endpoint}`;
    if (method === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(payload)) if (v !== undefined) q.set(k, String(v));
      url += `?${q.toString()}`;
    }
    try {
      return await httpJson<T>(url, { method, headers: this.conn.headers, ...(method === 'POST' ? { json: payload } : {}), signal }, `MLflow ${endpoint}`);
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** Uploads bytes to an absolute URL (the artifact proxy). */
  async put(url: string, body: Uint8Array | string, contentType: string, signal: AbortSignal, what: string): Promise<void> {
    try {
      await httpRequest(url, { method: 'PUT', headers: { ...this.conn.headers, 'content-type': contentType }, body, signal }, what);
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** Adds what to do to the errors a user can act on. */
  private explain(err: unknown): unknown {
    if (!(err instanceof TrackerRemoteError) || err.status === undefined) return err;
    const { status, message } = err;
    if (status === 401 || status === 403) {
      const sent = this.conn.headers['authorization'] !== undefined ? 'the credentials sent were refused' : 'no credentials were sent';
      return new TrackerRemoteError(`${message} (${sent}; set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)`, false, status);
    }
    if (status === 404 && !message.includes('RESOURCE_DOES_NOT_EXIST')) {
      return new TrackerRemoteError(`${message} (is MLFLOW_TRACKING_URI=${this.conn.trackingUri} an MLflow tracking server, at the right path?)`, false, status);
    }
    if (status === 503 && message.includes('serve-artifacts')) {
      // the server is up but its artifact proxy is off: waiting will not turn it on
      return new TrackerRemoteError(`${message} (restart the server with --serve-artifacts)`, false, status);
    }
    return err;
  }
}

export interface MlflowExperiment {
  readonly id: string;
  readonly name: string;
  readonly lifecycleStage: string;
}

/** The experiment called `name`, or undefined when the server has none (404 RESOURCE_DOES_NOT_EXIST). */
export async function findExperiment(http: MlflowHttp, name: string, signal: AbortSignal): Promise<MlflowExperiment | undefined> {
  try {
    const res = await http.call<unknown>('GET', 'experiments/get-by-name', { experiment_name: name }, signal);
    const e = obj(obj(res)['experiment']);
    const id = str(e['experiment_id']);
    if (id === undefined) throw new TrackerRemoteError(`MLflow experiments/get-by-name: the answer for '${name}' has no experiment_id`, false);
    return { id, name: str(e['name']) ?? name, lifecycleStage: str(e['lifecycle_stage']) ?? 'active' };
  } catch (err) {
    if (err instanceof TrackerRemoteError && err.status === 404 && err.message.includes('RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw err;
  }
}

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
const STATUSES: readonly string[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A run as search-runs / get-run return it; `metrics` are the latest values. */
export interface MlflowRunRecord {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly status: MlflowRunStatus;
  /** Unix milliseconds. */
  readonly startTime?: number;
  readonly endTime?: number;
  readonly artifactUri?: string;
  readonly params: Record<string, string>;
  readonly metrics: Record<string, number>;
  /** The step of each latest metric (the run's last step is their maximum). */
  readonly metricSteps: Record<string, number>;
  readonly tags: Record<string, string>;
}

export interface MlflowMetricPoint {
  readonly step: number;
  readonly value: number;
  readonly timestamp: number;
}

export function parseRun(v: unknown): MlflowRunRecord {
  const run = obj(v);
  const info = obj(run['info']);
  const data = obj(run['data']);
  const metrics: Record<string, number> = {};
  const metricSteps: Record<string, number> = {};
  for (const m of list(data['metrics'])) {
    const p = parsePoint(m);
    const key = str(obj(m)['key']);
    if (key !== undefined && p !== undefined) {
      metrics[key] = p.value;
      metricSteps[key] = p.step;
    }
  }
  const status = str(info['status']) ?? 'RUNNING';
  return {
    runId: str(info['run_id']) ?? str(info['run_uuid']) ?? '',
    runName: str(info['run_name']) ?? '',
    experimentId: str(info['experiment_id']) ?? '',
    status: (STATUSES.includes(status) ? status : 'RUNNING') as MlflowRunStatus,
    startTime: num(info['start_time']),
    endTime: num(info['end_time']),
    artifactUri: str(info['artifact_uri']),
    params: pairs(data['params']),
    metrics,
    metricSteps,
    tags: pairs(data['tags']),
  };
}

export interface SearchRunsOptions {
  readonly experimentName: string;
  /** MLflow search syntax, e.g. "tags.sweep_id = 'abc' and metrics.auc > 0.8". */
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  /** Runs per request (MLflow allows up to 50 000; default 1000, as the Python client). */
  readonly pageSize?: number;
  /** Stop after this many runs. */
  readonly maxRuns?: number;
  /** One signal for every page; default: a fresh `timeoutMs` timeout per request. */
  readonly signal?: AbortSignal;
}

/** The read side of an MLflow tracking server. */
export class MlflowClient {
  private readonly http: MlflowHttp;
  private readonly timeoutMs: number;

  constructor(opts: { readonly trackingUri?: string; readonly env?: Env; readonly timeoutMs?: number } = {}) {
    this.http = new MlflowHttp(mlflowConnection(opts));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  get where(): string {
    return this.http.where;
  }

  /** Every run of the experiment matching `filter`, following page tokens. */
  async searchRuns(o: SearchRunsOptions): Promise<MlflowRunRecord[]> {
    const exp = await findExperiment(this.http, o.experimentName, this.signal(o.signal));
    if (exp === undefined) {
      throw new FFError('FF_NOT_FOUND', `${this.where} has no experiment named '${o.experimentName}'; check the name (MLflow UI, or MLFLOW_EXPERIMENT_NAME)`);
    }
    const out: MlflowRunRecord[] = [];
    const limit = o.maxRuns ?? Infinity;
    let token: string | undefined;
    do {
      const res = obj(
        await this.http.call<unknown>(
          'POST',
          'runs/search',
          {
            experiment_ids: [exp.id],
            ...(o.filter !== undefined && o.filter.trim() !== '' ? { filter: o.filter } : {}),
            ...(o.orderBy !== undefined ? { order_by: [...o.orderBy] } : {}),
            max_results: Math.min(o.pageSize ?? 1000, 50_000, limit - out.length),
            ...(token !== undefined ? { page_token: token } : {}),
          },
          this.signal(o.signal),
        ),
      );
      for (const r of list(res['runs'])) out.push(parseRun(r));
      token = nonEmpty(str(res['next_page_token']));
    } while (token !== undefined && out.length < limit);
    return out;
  }

  /** Every logged point of one metric, in step order. */
  async metricHistory(runId: string, key: string, o: { readonly pageSize?: number; readonly signal?: AbortSignal } = {}): Promise<MlflowMetricPoint[]> {
    const out: MlflowMetricPoint[] = [];
    let token: string | undefined;
    do {
      const res = obj(
        await this.http.call<unknown>(
          'GET',
          'metrics/get-history',
          { run_id: runId, metric_key: key, max_results: o.pageSize ?? 25_000, ...(token !== undefined ? { page_token: token } : {}) },
          this.signal(o.signal),
        ),
      );
      for (const m of list(res['metrics'])) {
        const p = parsePoint(m);
        if (p !== undefined) out.push(p);
      }
      token = nonEmpty(str(res['next_page_token']));
    } while (token !== undefined);
    return out.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  private signal(given: AbortSignal | undefined): AbortSignal {
    return given ?? AbortSignal.timeout(this.timeoutMs);
  }
}

function parsePoint(v: unknown): MlflowMetricPoint | undefined {
  const m = obj(v);
  const value = num(m['value']);
  if (value === undefined) return undefined;
  return { step: num(m['step']) ?? 0, value, timestamp: num(m['timestamp']) ?? 0 };
}

type Obj = Readonly<Record<string, unknown>>;

export function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** int64 fields arrive as strings, special doubles as "NaN" / "Infinity" / "-Infinity". */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isNaN(n) && v !== 'NaN' ? undefined : n;
}

function pairs(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list(v)) {
    const key = str(obj(item)['key']);
    if (key !== undefined) out[key] = str(obj(item)['value']) ?? '';
  }
  return out;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

function withoutUserinfo(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}
