/**
 * The `mlflow` tracker backend, wire side: one feature-forge run is one MLflow run, over the REST
 * API 2.0 (connection, errors and the read side: mlflow-client.ts). Mapping, and why:
 *  - experiment = RunInit.project ?? backend project ?? MLFLOW_EXPERIMENT_NAME ?? 'feature-forge',
 *    created on first use (a racing creator's RESOURCE_ALREADY_EXISTS: look it up again), cached.
 *  - tag `ff.run_id` = RunInit.runId, searched for by `open`, so a retried or replayed (`ff sync`)
 *    open resumes the run instead of making a twin. Also `mlflow.runName`, `mlflow.note.content`
 *    (notes: the run's description), `mlflow.source.name`, `sweep_id` (group), and `tag.<name>` =
 *    "true" per RunInit tag: MLflow tags are key/value, and the prefix keeps user tags off ours.
 *    A sweep trial's run also carries `ff.sweep.name`, `ff.sweep.metric`, `ff.sweep.goal` and
 *    `ff.sweep.parameters` (JSON list), so `ff compare --mlflow` can work from MLflow alone.
 *  - params: config flattened with dots; keys and values cut to MLflow's limits, a cut value ending
 *    in a note of how much was cut, so one long value never fails the run. Params are write-once.
 *  - metrics: one point per (key, step, timestamp); non-finite values as protobuf JSON writes them
 *    ("NaN", "Infinity", "-Infinity"), as MLflow's Python client sends them.
 *  - summary: MLflow has none. Numbers become points at the run's last step (so the "latest" value
 *    MLflow shows is the final figure); anything else becomes a tag `summary.<key>`.
 *  - artifacts: only through the server's artifact proxy (`--serve-artifacts`, run artifact_uri
 *    `mlflow-artifacts:/…`), one PUT per file under `<artifact name>/`.
 *  - tables: as `mlflow.log_table`: `<name>.json` in pandas "split" form ({"columns", "data"}) plus
 *    the `mlflow.loggedArtifacts` tag [{"path", "type": "table"}] as Python's json.dumps writes it;
 *    logging a table again replaces its file (log_table appends).
 *  - a call of several requests remembers the batches delivered, so a retry by resilient.ts never
 *    logs a metric point twice; a resumed run skips points at or before the last step MLflow has
 *    for their key (points go out in step order), so `ff sync` after a partial send adds no twins.
 * Sources (mlflow/mlflow): mlflow/utils/validation.py (batch ≤ 1000 metrics, ≤ 100 params, ≤ 100
 * tags, ≤ 1000 entities; param value ≤ 6000, tag value ≤ 5000, key ≤ 250 chars; names
 * ^[/\w.\- ]*$ and normpath-stable), mlflow/protos/service.proto (log-batch ≤ 1 MB),
 * mlflow/server/handlers.py (_log_batch, _create_run, _update_run, proxied artifact roots),
 * mlflow/store/artifact/mlflow_artifacts_repo.py (resolve_uri: <tracking path>/api/2.0/
 * mlflow-artifacts/artifacts/<uri path>), mlflow/store/artifact/http_artifact_repo.py (a PUT per
 * file, Content-Type from the name), mlflow/tracking/client.py (log_table; artifact_file must not
 * contain "',:[]{}).
 */
import type { Stats } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import { flatText, flattenConfig } from './flatten.js';
import { MlflowHttp, findExperiment, mlflowConnection, obj, parseRun, str } from './mlflow-client.js';
import type { Env, MlflowRunRecord } from './mlflow-client.js';
import { TrackerRemoteError } from './sink.js';
import type { MetricRow, OpenedRun, RemoteBackend, RemoteRunSink } from './sink.js';
import type { ArtifactInput, RunConfig, RunInit, RunState, TableInput } from './types.js';

export { MlflowClient } from './mlflow-client.js';
export type { MlflowMetricPoint, MlflowRunRecord, MlflowRunStatus, SearchRunsOptions } from './mlflow-client.js';

const LIMITS = { metrics: 1000, params: 100, tags: 100, entities: 1000, requestBytes: 1_000_000, paramValue: 6000, tagValue: 5000, key: 250 } as const;

export function createMlflowBackend(opts: { readonly trackingUri?: string; readonly project?: string; readonly env?: Env }): RemoteBackend {
  const env = opts.env ?? process.env;
  const http = new MlflowHttp(mlflowConnection({ ...(opts.trackingUri !== undefined ? { trackingUri: opts.trackingUri } : {}), env }));
  const fallback = opts.project ?? (env['MLFLOW_EXPERIMENT_NAME']?.trim() || undefined) ?? 'feature-forge';
  const experiments = new Map<string, string>();
  return { backend: 'mlflow', where: http.where, createRun: () => new MlflowRunSink(http, experiments, fallback) };
}

type WireValue = number | 'NaN' | 'Infinity' | '-Infinity';
type WireMetric = { readonly key: string; readonly value: WireValue; readonly timestamp: number; readonly step: number };
type WireTag = { readonly key: string; readonly value: string };
type Batch = { metrics: WireMetric[]; params: WireTag[]; tags: WireTag[] };
type Entity = { readonly kind: 'metrics'; readonly item: WireMetric } | { readonly kind: 'params' | 'tags'; readonly item: WireTag };
const LOGGED_ARTIFACTS = 'mlflow.loggedArtifacts';

class MlflowRunSink implements RemoteRunSink {
  private run: { id: string; experimentId: string; artifactUri: string } | undefined;
  private readonly params = new Map<string, string>();
  private tables: Array<{ path: string; type: string }> = [];
  private lastStep = 0;
  /** A resumed run's last step per metric: points up to it got through before (sent in order). */
  private had: Readonly<Record<string, number>> = {};
  /** Batches of a call already delivered, keyed by the call's argument (a retry passes the same one). */
  private readonly delivered = new WeakMap<object, number>();

  constructor(
    private readonly http: MlflowHttp,
    private readonly experiments: Map<string, string>,
    private readonly fallbackExperiment: string,
  ) {}

  async open(init: RunInit, signal: AbortSignal): Promise<OpenedRun> {
    const experimentId = await this.experiment(init.project ?? this.fallbackExperiment, signal);
    const found = await this.findRun(experimentId, init.runId, signal);
    let run: MlflowRunRecord;
    if (found !== undefined) {
      run = found;
      for (const [k, v] of Object.entries(found.params)) this.params.set(k, v);
      this.lastStep = Math.max(0, ...Object.values(found.metricSteps));
      this.had = found.metricSteps;
      this.tables = parseLoggedArtifacts(found.tags[LOGGED_ARTIFACTS]);
    } else {
      const tags: WireTag[] = [
        { key: 'mlflow.runName', value: init.name },
        { key: 'mlflow.source.name', value: 'feature-forge' },
        { key: 'ff.run_id', value: init.runId },
        ...(init.group !== undefined ? [{ key: 'sweep_id', value: init.group }] : []),
        ...sweepTags(init),
        ...(init.notes !== undefined && init.notes !== '' ? [{ key: 'mlflow.note.content', value: init.notes }] : []),
        ...(init.tags ?? []).map((t) => ({ key: `tag.${t}`, value: 'true' })),
      ];
      const res = await this.http.call<unknown>('POST', 'runs/create', { experiment_id: experimentId, run_name: init.name, start_time: Date.now(), tags: uniqueTags(tags) }, signal);
      run = parseRun(obj(res)['run']);
    }
    if (run.runId === '') throw new TrackerRemoteError(`${this.http.where} answered runs/create without a run_id`, false);
    this.run = { id: run.runId, experimentId, artifactUri: run.artifactUri ?? '' };
    return { id: run.runId, url: `${this.http.conn.trackingUri}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(run.runId)}` };
  }

  async logParams(params: RunConfig, signal: AbortSignal): Promise<void> {
    const run = this.opened();
    const fresh: WireTag[] = [];
    const changed: string[] = [];
    const taken = new Set<string>();
    for (const [k, v] of Object.entries(flattenConfig(params))) {
      const key = unique(mlflowKey(k), taken);
      const value = clip(flatText(v), LIMITS.paramValue);
      const before = this.params.get(key);
      if (before === undefined) fresh.push({ key, value });
      else if (before !== value) changed.push(key);
    }
    await this.sendBatches(params, run.id, fresh.map((p) => ({ kind: 'params', item: p })), signal);
    for (const p of fresh) this.params.set(p.key, p.value);
    if (changed.length > 0) {
      throw new TrackerRemoteError(
        `MLflow params are write-once and ${changed.join(', ')} already hold a different value in run ${run.id}; the other params were logged (log values that change as metrics instead)`,
        false,
      );
    }
  }

  async logMetrics(rows: readonly MetricRow[], signal: AbortSignal): Promise<void> {
    const run = this.opened();
    const points: Entity[] = [];
    for (const row of rows) {
      const step = Math.trunc(row.step);
      const timestamp = Math.max(0, Math.trunc(row.timestamp));
      for (const [k, v] of Object.entries(row.values)) {
        const key = mlflowKey(k);
        if (typeof v === 'number' && step > (this.had[key] ?? -Infinity)) points.push({ kind: 'metrics', item: { key, value: wireValue(v), timestamp, step } });
      }
      this.lastStep = Math.max(this.lastStep, step);
    }
    await this.sendBatches(rows, run.id, points, signal);
  }

  async setSummary(summary: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<void> {
    const run = this.opened();
    const now = Date.now();
    const items: Entity[] = [];
    for (const [k, v] of Object.entries(flattenConfig(summary))) {
      const key = mlflowKey(k);
      if (typeof v === 'number') {
        if (this.lastStep > (this.had[key] ?? -Infinity)) items.push({ kind: 'metrics', item: { key, value: wireValue(v), timestamp: now, step: this.lastStep } });
      } else items.push({ kind: 'tags', item: { key: mlflowKey(`summary.${k}`), value: clip(flatText(v), LIMITS.tagValue) } });
    }
    await this.sendBatches(summary, run.id, items, signal);
  }

  async logArtifact(artifact: ArtifactInput, signal: AbortSignal): Promise<void> {
    const run = this.opened();
    const root = this.artifactRoot(run);
    const name = pathSafe(artifact.name ?? basename(artifact.path));
    let info: Stats;
    try {
      info = await stat(artifact.path);
    } catch (err) {
      throw new TrackerRemoteError(`artifact ${artifact.path} cannot be read (${(err as Error).message})`, false);
    }
    const files = info.isDirectory() ? await walk(artifact.path) : [[basename(artifact.path)]];
    for (const rel of files) {
      const file = info.isDirectory() ? join(artifact.path, ...rel) : artifact.path;
      const url = `${root}/${[name, ...rel].map(encodeURIComponent).join('/')}`;
      await this.http.put(url, await readFile(file), contentType(file), signal, `MLflow artifact upload ${[name, ...rel].join('/')}`);
    }
  }

  async logTable(table: TableInput, signal: AbortSignal): Promise<void> {
    const run = this.opened();
    const root = this.artifactRoot(run);
    const file = tableFile(table.name);
    const body = JSON.stringify({ columns: [...table.columns], data: table.rows.map((r) => [...r]) });
    await this.http.put(`${root}/${file.split('/').map(encodeURIComponent).join('/')}`, body, 'application/json', signal, `MLflow table upload ${file}`);
    if (!this.tables.some((t) => t.path === file && t.type === 'table')) this.tables.push({ path: file, type: 'table' });
    await this.http.call('POST', 'runs/set-tag', { run_id: run.id, key: LOGGED_ARTIFACTS, value: pythonJson(this.tables) }, signal);
  }

  async finish(state: RunState, signal: AbortSignal): Promise<void> {
    const run = this.opened();
    const status = state === 'failed' ? 'FAILED' : state === 'killed' ? 'KILLED' : 'FINISHED';
    await this.http.call('POST', 'runs/update', { run_id: run.id, status, end_time: Date.now() }, signal);
  }

  private opened(): { id: string; experimentId: string; artifactUri: string } {
    if (this.run === undefined) throw new TrackerRemoteError('the MLflow run was used before it was opened (a bug in feature-forge)', false);
    return this.run;
  }

  private async experiment(name: string, signal: AbortSignal): Promise<string> {
    const known = this.experiments.get(name);
    if (known !== undefined) return known;
    let exp = await findExperiment(this.http, name, signal);
    if (exp === undefined) {
      try {
        const res = await this.http.call<unknown>('POST', 'experiments/create', { name }, signal);
        const id = str(obj(res)['experiment_id']);
        if (id !== undefined) exp = { id, name, lifecycleStage: 'active' };
      } catch (err) {
        // someone else created it between our look-up and our create (RESOURCE_ALREADY_EXISTS)
        if (!(err instanceof TrackerRemoteError) || (err.status !== 400 && err.status !== 409)) throw err;
        exp = await findExperiment(this.http, name, signal);
        if (exp === undefined) throw err;
      }
    }
    if (exp === undefined) throw new TrackerRemoteError(`${this.http.where} answered experiments/create for '${name}' without an experiment_id`, false);
    if (exp.lifecycleStage === 'deleted') {
      throw new TrackerRemoteError(`MLflow experiment '${name}' (id ${exp.id}) is deleted; restore it (mlflow experiments restore --experiment-id ${exp.id}) or track into another project`, false);
    }
    this.experiments.set(name, exp.id);
    return exp.id;
  }

  private async findRun(experimentId: string, runId: string, signal: AbortSignal): Promise<MlflowRunRecord | undefined> {
    // a run id that cannot be quoted in a filter string is simply not looked up
    if (!/^[\w.\-:@/+ ]+$/.test(runId)) return undefined;
    const res = await this.http.call<unknown>('POST', 'runs/search', { experiment_ids: [experimentId], filter: `tags.\`ff.run_id\` = '${runId}'`, max_results: 1 }, signal);
    const runs = obj(res)['runs'];
    return Array.isArray(runs) && runs.length > 0 ? parseRun(runs[0]) : undefined;
  }

  private artifactRoot(run: { id: string; artifactUri: string }): string {
    const root = proxiedArtifactUrl(run.artifactUri, this.http.conn.trackingUri);
    if (root !== undefined) return root;
    throw new TrackerRemoteError(
      `MLflow run ${run.id} keeps its artifacts at ${run.artifactUri || '(no artifact URI)'}, which feature-forge cannot write to: it uploads only through ` +
        `the tracking server's artifact proxy (run artifact URIs mlflow-artifacts:/…). Start the server with --serve-artifacts (and --artifacts-destination ` +
        `for s3:// or other stores); experiments created before that keep their old location, so track into a new experiment`,
      false,
    );
  }

  private async sendBatches(call: object, runId: string, entities: readonly Entity[], signal: AbortSignal): Promise<void> {
    const batches = splitBatches(entities);
    for (let i = this.delivered.get(call) ?? 0; i < batches.length; i++) {
      await this.http.call('POST', 'runs/log-batch', { run_id: runId, ...batches[i] }, signal);
      this.delivered.set(call, i + 1);
    }
    // only a retry of a failed call skips what got through; a later call with the same object does not
    this.delivered.delete(call);
  }
}

/** Greedy split within MLflow's per-request limits (counts, and bytes with room for the envelope). */
function splitBatches(entities: readonly Entity[]): Batch[] {
  const out: Batch[] = [];
  let cur: Batch = { metrics: [], params: [], tags: [] };
  let count = 0;
  let bytes = 0;
  const budget = LIMITS.requestBytes - 10_000;
  for (const e of entities) {
    const size = Buffer.byteLength(JSON.stringify(e.item)) + 1;
    const full = cur[e.kind].length >= LIMITS[e.kind] || count >= LIMITS.entities || bytes + size > budget;
    if (count > 0 && full) {
      out.push(cur);
      cur = { metrics: [], params: [], tags: [] };
      count = 0;
      bytes = 0;
    }
    if (e.kind === 'metrics') cur.metrics.push(e.item);
    else cur[e.kind].push(e.item);
    count++;
    bytes += size;
  }
  if (count > 0) out.push(cur);
  return out;
}

function wireValue(v: number): WireValue {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
}

/** A key MLflow accepts: allowed characters only, no path tricks (`a//b`, `./a`), ≤ 250 chars. */
function mlflowKey(raw: string): string {
  // cut first: normalising segments afterwards can only shorten the key
  const segments = raw.replace(/[^\p{L}\p{N}_/.\- ]/gu, '_').slice(0, LIMITS.key).split('/');
  const key = segments.filter((s) => s !== '').map((s) => (s === '.' || s === '..' ? '_' : s)).join('/');
  return key === '' ? '_' : key;
}

function unique(key: string, taken: Set<string>): string {
  let k = key;
  for (let i = 2; taken.has(k); i++) k = `${key.slice(0, LIMITS.key - String(i).length - 1)}_${i}`;
  taken.add(k);
  return k;
}

/** The sweep's metric and parameter names, for `ff compare --from mlflow` (MLflow keeps no sweep). */
function sweepTags(init: RunInit): WireTag[] {
  const s = init.sweep;
  if (s === undefined) return [];
  return [
    ...(s.name !== undefined ? [{ key: 'ff.sweep.name', value: s.name }] : []),
    ...(s.metric !== undefined ? [{ key: 'ff.sweep.metric', value: s.metric.name }, { key: 'ff.sweep.goal', value: s.metric.goal }] : []),
    { key: 'ff.sweep.parameters', value: JSON.stringify(s.parameters) },
  ];
}

function uniqueTags(tags: readonly WireTag[]): WireTag[] {
  const byKey = new Map<string, string>();
  for (const t of tags) byKey.set(mlflowKey(t.key), clip(t.value, LIMITS.tagValue));
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** `s` cut to `limit` UTF-16 units (never more code points than MLflow counts), with a note. */
function clip(s: string, limit: number): string {
  if (s.length <= limit) return s;
  const note = `… [${s.length} characters, cut to ${limit} by feature-forge]`;
  let head = s.slice(0, limit - note.length);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return head + note;
}

/** A run-relative file name for a table: MLflow's forbidden characters replaced, `.json` added. */
function tableFile(name: string): string {
  const clean = pathSafe(name.replace(/["',:[\]{}]/g, '_'));
  return clean.endsWith('.json') ? clean : `${clean}.json`;
}

function pathSafe(name: string): string {
  const s = name
    .split(/[/\\]+/)
    .filter((p) => p !== '' && p !== '.')
    .map((p) => (p === '..' ? '_' : p))
    .join('_');
  return s === '' ? 'artifact' : s;
}

/** Where a run's artifacts are uploaded, when its artifact URI goes through the proxy. */
function proxiedArtifactUrl(artifactUri: string, trackingUri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(artifactUri);
  } catch {
    return undefined;
  }
  const anchor = '/api/2.0/mlflow-artifacts/artifacts';
  if ((u.protocol === 'http:' || u.protocol === 'https:') && u.pathname.startsWith(`${anchor}/`)) return artifactUri.replace(/\/+$/, '');
  if (u.protocol !== 'mlflow-artifacts:') return undefined;
  const t = new URL(trackingUri);
  const host = u.host !== '' ? u.host : t.host;
  return `${t.protocol}//${host}${t.pathname.replace(/\/+$/, '')}${anchor}/${u.pathname.replace(/^\/+/, '')}`.replace(/\/+$/, '');
}

/** Files under `dir`, relative, sorted; symlinked folders are not followed (they could loop). */
async function walk(dir: string): Promise<string[][]> {
  const names = (await readdir(dir, { recursive: true })).sort();
  const files = await Promise.all(names.map(async (n) => ((await stat(join(dir, n)).catch(() => undefined))?.isFile() ? [n.split(sep)] : [])));
  return files.flat();
}

const TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json', '.txt': 'text/plain', '.log': 'text/plain', '.md': 'text/markdown', '.csv': 'text/csv', '.html': 'text/html',
  '.yaml': 'application/x-yaml', '.yml': 'application/x-yaml', '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.pdf': 'application/pdf',
};

function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** What Python's json.dumps writes for the loggedArtifacts list (", " and ": " separators, ASCII only). */
function pythonJson(items: ReadonlyArray<{ path: string; type: string }>): string {
  const s = (v: string): string => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `[${items.map((i) => `{"path": ${s(i.path)}, "type": ${s(i.type)}}`).join(', ')}]`;
}

function parseLoggedArtifacts(value: string | undefined): Array<{ path: string; type: string }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '[]');
  } catch {
    return []; // someone else's malformed tag: ours replaces it
  }
  return (Array.isArray(parsed) ? parsed : []).flatMap((e) => {
    const [path, type] = [str(obj(e)['path']), str(obj(e)['type'])];
    return path !== undefined && type !== undefined ? [{ path, type }] : [];
  });
}
