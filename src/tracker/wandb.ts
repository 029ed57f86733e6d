/**
 * The `wandb` tracker backend: one trial is one W&B run, sent over W&B's own HTTP API (see
 * wandb-api.ts for the protocol and the wandb/wandb sources it follows). Online mode only;
 * WANDB_MODE offline/disabled, timeouts, retries and buffering are registry.ts / resilient.ts.
 *
 * Supported: the run (id = RunInit.runId made W&B-safe, display name, group, tags, notes), its
 * config (nested, W&B config format), metric history (`_step`, `_timestamp`, `_runtime`), the
 * summary (last value per metric, then setSummary values, W&B's default), tables (a
 * `media/table/*.table.json` run file referenced from the summary as `table-file`, rendered by the
 * W&B UI), files and folders (uploaded as run files under `artifacts/<name>/`, shown in the run's
 * Files tab), and the final state (exit code 0 finished, 1 failed, 255 killed — Python's Ctrl-C code).
 *
 * Not supported: true W&B Artifacts (versioned, with manifests, lineage and aliases) — artifacts
 * are plain run files, their `type` is not recorded, and each file is read whole (1 GiB at most);
 * the sweep on W&B's server (the sweep lives in our coordinator; its id is the run's group and a
 * tag); system metrics, console logs, code saving; tables beyond 10 000 rows (the file is cut
 * there, as W&B's client does for run tables) and incremental tables; heartbeats (W&B may show a
 * run that logs nothing for ~5 minutes as crashed until its next update); resuming by appending —
 * history offsets start at 0 for every sink, so a replay (`ff sync`) of the same run overwrites its
 * lines instead of duplicating them.
 *
 * No signal handlers, timers or global listeners: a worker runs many runs in one process.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EXIT, FFError } from '../core/errors.js';
import { TrackerRemoteError } from './sink.js';
import type { MetricRow, OpenedRun, RemoteBackend, RemoteRunSink } from './sink.js';
import type { ArtifactInput, RunConfig, RunInit, RunState, TableInput } from './types.js';
import { LIMITS, WandbApi, appUrlFor, chunkLines, encodeConfig, projectProblem, runUrl, safeRunPath, wandbRunId, wandbTags, wbJson } from './wandb-api.js';
import type { RunRef } from './wandb-api.js';

export interface WandbBackendOptions {
  readonly project?: string;
  readonly entity?: string;
  /** Environment to read WANDB_* from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_BASE_URL = 'https://api.wandb.ai';
const HISTORY = 'wandb-history.jsonl';
const SUMMARY = 'wandb-summary.json';
/** wandb/sdk/lib/exit_hooks.py: 255 is what the Python client reports for an interrupted run. */
const EXIT_CODES: Readonly<Record<RunState, number>> = { finished: 0, failed: 1, killed: 255 };
/** File names per CreateRunFiles request, to keep each GraphQL request small. */
const FILES_PER_REQUEST = 100;
/** Files are read whole into memory to be PUT (http.ts takes bytes, not streams). */
const MAX_FILE_BYTES = 1 << 30;

interface Backend {
  readonly api: WandbApi;
  readonly appUrl: string;
  readonly project: string;
  readonly entity: string | undefined;
  defaultEntity(signal: AbortSignal): Promise<string>;
}

/** The W&B backend; configuration problems (no key, a bad URL or project) are FFErrors. */
export function createWandbBackend(opts: WandbBackendOptions = {}): RemoteBackend {
  const env = opts.env ?? process.env;
  const baseUrl = parseBaseUrl(env['WANDB_BASE_URL']);
  const appUrl = appUrlFor(baseUrl, env['WANDB_APP_URL']);
  const key = env['WANDB_API_KEY']?.trim() ?? '';
  if (key === '') {
    throw new FFError(
      'FF_USAGE',
      `WANDB_API_KEY is not set: the wandb tracker needs a W&B API key. Get one at ${appUrl}/authorize and export WANDB_API_KEY=<key>, ` +
        'or set WANDB_MODE=offline to keep W&B runs locally without a key (send them later with ff sync)',
      EXIT.usage,
    );
  }
  const project = opts.project ?? given(env['WANDB_PROJECT']) ?? 'feature-forge';
  const problem = projectProblem(project);
  if (problem !== undefined) throw new FFError('FF_USAGE', problem, EXIT.usage);
  const api = new WandbApi(baseUrl, key, `${appUrl}/authorize`);
  // only a successful answer is kept: a failed lookup is asked again by the next run
  let viewer: string | undefined;
  const backend: Backend = {
    api,
    appUrl,
    project,
    entity: opts.entity ?? given(env['WANDB_ENTITY']),
    defaultEntity: async (signal) => (viewer ??= await api.viewerEntity(signal)),
  };
  return { backend: 'wandb', where: `W&B at ${baseUrl}`, createRun: () => new WandbRunSink(backend) };
}

interface RunFile {
  /** Path among the run's files. */
  readonly runPath: string;
  /** Changes when the content may have: what was uploaded under this path is not sent again. */
  readonly fingerprint: string;
  read(signal: AbortSignal): Promise<Uint8Array>;
}

class WandbRunSink implements RemoteRunSink {
  private run: RunRef | undefined;
  private config: Record<string, unknown> = {};
  private summary: Record<string, unknown> = {};
  /** History lines the server holds: the next line's offset. */
  private offset = 0;
  private openedAt = 0;
  /** `_runtime` zero: the open, or the first row when rows are older (a replay by ff sync). */
  private startMs: number | undefined;
  private lastRuntime = 0;
  private lastStep = 0;
  /** runPath → fingerprint, so a retried upload goes on where the last attempt stopped. */
  private readonly uploaded = new Map<string, string>();

  constructor(private readonly b: Backend) {}

  async open(init: RunInit, signal: AbortSignal): Promise<OpenedRun> {
    this.openedAt = Date.now();
    const project = init.project ?? this.b.project;
    const problem = projectProblem(project);
    if (problem !== undefined) throw new TrackerRemoteError(problem, false);
    const entity = init.entity ?? this.b.entity ?? (await this.b.defaultEntity(signal));
    this.config = { ...(init.config ?? {}) };
    // the sweep stays ours (W&B's `sweep` field would need a sweep on its server); its id tags the run
    const tags = wandbTags([...(init.tags ?? []), ...(init.group !== undefined ? [init.group] : [])]);
    this.run = await this.b.api.upsertBucket(
      {
        name: wandbRunId(init.runId),
        project,
        entity,
        displayName: init.name.slice(0, LIMITS.nameLength),
        ...(init.group !== undefined && init.group !== '' ? { groupName: init.group } : {}),
        ...(init.notes !== undefined && init.notes !== '' ? { notes: init.notes } : {}),
        ...(tags.length > 0 ? { tags } : {}),
        ...(Object.keys(this.config).length > 0 ? { config: encodeConfig(this.config) } : {}),
      },
      signal,
    );
    return { id: this.run.name, url: runUrl(this.b.appUrl, this.run) };
  }

  async logParams(params: RunConfig, signal: AbortSignal): Promise<void> {
    const run = this.opened('logParams');
    // W&B replaces the whole config on each upsert (core runupserter sends the full tree)
    const next = { ...this.config, ...params };
    await this.b.api.upsertBucket({ ...run, config: encodeConfig(next) }, signal);
    this.config = next;
  }

  async logMetrics(rows: readonly MetricRow[], signal: AbortSignal): Promise<void> {
    const run = this.opened('logMetrics');
    // W&B writes no history line for a step without values (core handler flushPartialHistory)
    const kept = rows.filter((r) => Object.keys(r.values).length > 0);
    if (kept.length === 0) return;
    this.startMs ??= Math.min(this.openedAt, kept[0]!.timestamp);
    const summary = { ...this.summary };
    const lines: string[] = [];
    const tooLong: number[] = [];
    let runtime = this.lastRuntime;
    for (const row of kept) {
      runtime = Math.max(0, (row.timestamp - this.startMs) / 1000);
      const special = { _step: row.step, _runtime: runtime, _timestamp: row.timestamp / 1000 };
      const line = wbJson({ ...row.values, ...special });
      if (Buffer.byteLength(line) > LIMITS.lineBytes) {
        tooLong.push(row.step);
        continue;
      }
      lines.push(line);
      Object.assign(summary, row.values, special);
    }
    const summaryLine = wbJson(withRuntime(summary, runtime));
    let offset = this.offset;
    let summarySent = false;
    const chunks = chunkLines(lines);
    for (const [i, content] of chunks.entries()) {
      const files: Record<string, { offset: number; content: string[] }> = { [HISTORY]: { offset, content } };
      const size = content.reduce((n, l) => n + Buffer.byteLength(l), 0) + Buffer.byteLength(summaryLine);
      // the summary rides with the last chunk when it fits, as core's FileStreamState.Pop does
      if (i === chunks.length - 1 && size <= LIMITS.requestBytes) {
        files[SUMMARY] = { offset: 0, content: [summaryLine] };
        summarySent = true;
      }
      await this.b.api.fileStream(run, { files }, signal);
      offset += content.length;
    }
    if (!summarySent) await this.sendSummary(run, summaryLine, signal);
    // committed only now: a retried call re-sends the same lines at the same offsets (replacing them)
    this.offset = offset;
    this.summary = summary;
    this.lastRuntime = runtime;
    this.lastStep = kept[kept.length - 1]!.step;
    if (tooLong.length > 0) {
      throw new TrackerRemoteError(`W&B: the metrics of step(s) ${tooLong.slice(0, 5).join(', ')} exceed W&B's ${LIMITS.lineBytes}-byte line limit and were not sent; log fewer or shorter metrics per step`, false);
    }
  }

  async setSummary(summary: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<void> {
    const run = this.opened('setSummary');
    const next = { ...this.summary, ...summary };
    await this.sendSummary(run, wbJson(withRuntime(next, this.lastRuntime)), signal);
    this.summary = next;
  }

  async logTable(table: TableInput, signal: AbortSignal): Promise<void> {
    const run = this.opened('logTable');
    const bytes = Buffer.from(wbJson({ columns: table.columns, data: table.rows.slice(0, LIMITS.tableRows) }));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // media.py _wb_filename: <key>_<step>_<sha256[:20]><ext> under Table.get_media_subdir()
    const path = `media/table/${safeRunPath(table.name)}_${this.lastStep}_${sha256.slice(0, 20)}.table.json`;
    await this.upload(run, [{ runPath: path, fingerprint: sha256, read: async () => bytes }], signal);
    // table.py Table.to_json for a run: nrows counts the table, not the rows kept in the file
    const ref = { _type: 'table-file', path, sha256, size: bytes.length, ncols: table.columns.length, nrows: table.rows.length, log_mode: 'IMMUTABLE' };
    const next = { ...this.summary, [table.name]: ref };
    const line = wbJson(withRuntime(next, this.lastRuntime));
    await this.b.api.fileStream(run, { files: { [SUMMARY]: { offset: 0, content: [line] } }, uploaded: [path] }, signal);
    this.summary = next;
  }

  async logArtifact(artifact: ArtifactInput, signal: AbortSignal): Promise<void> {
    const run = this.opened('logArtifact');
    const name = safeRunPath(artifact.name ?? basename(artifact.path));
    const files = (await listFiles(artifact.path)).map((f): RunFile => {
      if (f.size > MAX_FILE_BYTES) {
        throw new TrackerRemoteError(`W&B: ${f.abs} is ${f.size} bytes; run files over ${MAX_FILE_BYTES} bytes are not supported (true W&B Artifacts are not), so it was not sent`, false);
      }
      return { runPath: `artifacts/${name}/${f.rel}`, fingerprint: `${f.size}:${f.mtimeMs}`, read: (s) => readFile(f.abs, { signal: s }) };
    });
    if (files.length === 0) return;
    await this.upload(run, files, signal);
    // core runfiles saved_file.go: tells the backend the uploads are complete
    await this.b.api.fileStream(run, { uploaded: files.map((f) => f.runPath) }, signal);
  }

  async finish(state: RunState, signal: AbortSignal): Promise<void> {
    const run = this.opened('finish');
    // a replayed run (rows older than the open) keeps the runtime its rows had
    const replay = this.startMs !== undefined && this.startMs < this.openedAt;
    const runtime = replay ? this.lastRuntime : Math.max(this.lastRuntime, (Date.now() - (this.startMs ?? this.openedAt)) / 1000);
    const files = { [SUMMARY]: { offset: 0, content: [wbJson(withRuntime(this.summary, runtime))] } };
    await this.b.api.fileStream(run, { files, complete: true, exitcode: EXIT_CODES[state] }, signal);
  }

  private opened(what: string): RunRef {
    if (this.run === undefined) throw new TrackerRemoteError(`W&B ${what}: the run was never opened on W&B (open must come first)`, false);
    return this.run;
  }

  /** The summary is one line, always line 0, replaced whole (core FileStreamState.popSummary). */
  private async sendSummary(run: RunRef, line: string, signal: AbortSignal): Promise<void> {
    if (Buffer.byteLength(line) > LIMITS.lineBytes) {
      throw new TrackerRemoteError(`W&B: the run summary is ${Buffer.byteLength(line)} bytes, over W&B's ${LIMITS.lineBytes}-byte limit; put large values in a table or an artifact`, false);
    }
    await this.b.api.fileStream(run, { files: { [SUMMARY]: { offset: 0, content: [line] } } }, signal);
  }

  private async upload(run: RunRef, files: readonly RunFile[], signal: AbortSignal): Promise<void> {
    const todo = files.filter((f) => this.uploaded.get(f.runPath) !== f.fingerprint);
    for (let i = 0; i < todo.length; i += FILES_PER_REQUEST) {
      const batch = todo.slice(i, i + FILES_PER_REQUEST);
      const targets = await this.b.api.createRunFiles(run, batch.map((f) => f.runPath), signal);
      for (const f of batch) {
        // one file in memory at a time
        await this.b.api.upload(targets.urls.get(f.runPath)!, targets.headers, await f.read(signal), f.runPath, signal);
        this.uploaded.set(f.runPath, f.fingerprint);
      }
    }
  }
}

/** `_wandb.runtime`: whole seconds, what the W&B UI shows as the run's duration (core handler updateRunTiming). */
function withRuntime(summary: Readonly<Record<string, unknown>>, seconds: number): Record<string, unknown> {
  const prev = summary['_wandb'];
  const wb = prev !== null && typeof prev === 'object' && !Array.isArray(prev) ? (prev as Record<string, unknown>) : {};
  return { ...summary, _wandb: { ...wb, runtime: Math.floor(seconds) } };
}

interface LocalFile {
  readonly abs: string;
  /** Relative, with `/`. */
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** A file, or a folder's files in sorted order; symlinked folders are skipped (they may loop). */
async function listFiles(path: string): Promise<LocalFile[]> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw new TrackerRemoteError(`W&B: cannot read artifact ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it was not sent`, false);
  }
  if (st.isFile()) return [{ abs: path, rel: safeRunPath(basename(path)), size: st.size, mtimeMs: st.mtimeMs }];
  const out: LocalFile[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = (await readdir(dir)).sort();
    for (const name of entries) {
      const abs = join(dir, name);
      const link = await lstat(abs);
      const s = link.isSymbolicLink() ? await stat(abs).catch(() => undefined) : link;
      if (s === undefined) continue;
      const r = rel === '' ? name : `${rel}/${name}`;
      if (s.isDirectory() && !link.isSymbolicLink()) await walk(abs, r);
      else if (s.isFile()) out.push({ abs, rel: safeRunPath(r), size: s.size, mtimeMs: s.mtimeMs });
    }
  };
  if (st.isDirectory()) await walk(path, '');
  return out;
}

function parseBaseUrl(raw: string | undefined): string {
  const v = given(raw) ?? DEFAULT_BASE_URL;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new FFError('FF_USAGE', `WANDB_BASE_URL=${v} is not a URL; use e.g. https://api.wandb.ai or your W&B server's address`, EXIT.usage);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FFError('FF_USAGE', `WANDB_BASE_URL=${v} must be an http:// or https:// URL`, EXIT.usage);
  if (u.username !== '' || u.password !== '') throw new FFError('FF_USAGE', 'WANDB_BASE_URL must not carry credentials; put the key in WANDB_API_KEY', EXIT.usage);
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

function given(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}
