/**
 * `ff sync`: sends runs kept in local journals (the `local` backend, W&B offline mode, or runs a
 * failing server could not take) to W&B or MLflow, through the same sink calls a live run makes:
 * open, params, metrics (in step order), artifacts, tables, summary, finish. A run whose journal
 * says it is already complete on that backend is skipped unless forced; each synced run is marked
 * in its journal, so running `ff sync` twice sends nothing twice.
 */
import { Journal, readJournal, readTableCsv } from './journal.js';
import { ARTIFACT_TIME_FACTOR, callWithRetries } from './resilient.js';
import type { MetricRow, RemoteBackend } from './sink.js';
import type { RunInit } from './types.js';

export interface SyncOptions {
  readonly timeoutMs: number;
  readonly retries: number;
  /** Send runs already synced to this backend again. */
  readonly force?: boolean;
  /** Project / entity for runs whose journal names none. */
  readonly project?: string;
  readonly entity?: string;
  readonly signal?: AbortSignal;
}

export type SyncResult =
  | { readonly dir: string; readonly status: 'synced'; readonly id: string; readonly url?: string }
  | { readonly dir: string; readonly status: 'skipped'; readonly reason: string }
  | { readonly dir: string; readonly status: 'failed'; readonly error: string };

const ROWS_PER_CALL = 1000;

export async function syncRun(dir: string, backend: RemoteBackend, o: SyncOptions): Promise<SyncResult> {
  let run;
  try {
    run = readJournal(dir);
  } catch (err) {
    return { dir, status: 'failed', error: (err as Error).message };
  }
  const done = run.remote[backend.backend];
  if (done?.status === 'synced' && o.force !== true) return { dir, status: 'skipped', reason: `already on ${backend.backend}${done.url !== undefined ? ` (${done.url})` : ''}` };
  const sink = backend.createRun();
  const call = <T>(fn: (s: AbortSignal) => Promise<T>, timeFactor = 1): Promise<T> =>
    callWithRetries(fn, { timeoutMs: o.timeoutMs * timeFactor, retries: o.retries, ...(o.signal !== undefined ? { signal: o.signal } : {}) });
  const project = run.init.project ?? o.project;
  const entity = run.init.entity ?? o.entity;
  const init: RunInit = { ...run.init, ...(project !== undefined ? { project } : {}), ...(entity !== undefined ? { entity } : {}) };
  try {
    const opened = await call((s) => sink.open(init, s));
    if (Object.keys(run.params).length > 0) await call((s) => sink.logParams(run.params, s));
    for (let i = 0; i < run.history.length; i += ROWS_PER_CALL) {
      const rows: MetricRow[] = run.history.slice(i, i + ROWS_PER_CALL);
      await call((s) => sink.logMetrics(rows, s));
    }
    for (const a of run.artifacts) await call((s) => sink.logArtifact({ path: a.path, name: a.name, type: a.type }, s), ARTIFACT_TIME_FACTOR);
    for (const t of run.tables) {
      const { columns, rows } = readTableCsv(t.path);
      await call((s) => sink.logTable({ name: t.name, columns, rows }, s));
    }
    if (Object.keys(run.explicitSummary).length > 0) await call((s) => sink.setSummary(run.explicitSummary, s));
    // a run whose process died before it finished is closed as failed, as W&B marks a crashed run
    await call((s) => sink.finish(run.state ?? 'failed', s));
    Journal.open(dir).append({ t: 'synced', backend: backend.backend, id: opened.id, ...(opened.url !== undefined ? { url: opened.url } : {}) });
    return { dir, status: 'synced', id: opened.id, ...(opened.url !== undefined ? { url: opened.url } : {}) };
  } catch (err) {
    return { dir, status: 'failed', error: (err as Error).message };
  }
}
