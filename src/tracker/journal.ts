/**
 * The local run journal: the `local` backend's store, and the buffer every remote backend writes
 * first (so a run is never lost to a failing server, and `ff sync` can send it later).
 *
 *   <run dir>/run.jsonl          append-only, one JSON object per line (format below)
 *   <run dir>/artifacts/<name>/  copies of logged files and folders
 *   <run dir>/tables/<name>.csv  logged tables
 *
 * Lines of run.jsonl, each with `t` (its kind) and `at` (ISO time):
 *   {"t":"init", "v":1, "backend", "init": {name, runId, project, entity, group, tags, notes}}  first line
 *   {"t":"params", "params"}              config, merged in order (later keys win)
 *   {"t":"metrics", "step", "ts", "values"}  one logged step (ts: Unix ms)
 *   {"t":"summary", "summary"}            explicit summary values, merged in order
 *   {"t":"artifact", "name", "type", "path", "kind": "file"|"dir"}  path relative to the run dir
 *   {"t":"table", "name", "path", "columns", "rows"}  rows = row count; the CSV holds the cells
 *   {"t":"remote", "backend", "id", "url"}   the remote run was created
 *   {"t":"remote-failed", "backend", "error"} the remote copy is incomplete: `ff sync` sends it
 *   {"t":"synced", "backend", "id", "url"}   the remote copy is complete
 *   {"t":"finish", "state"}
 * Lines are appended synchronously, so whatever was logged before a crash is on disk. A torn last
 * line (a crash mid-write) is skipped when reading.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { MetricRow } from './sink.js';
import type { ArtifactInput, RunInit, RunState, TableInput, TrackerBackend } from './types.js';

export const JOURNAL_FILE = 'run.jsonl';

type At = { readonly at: string };
export type JournalEntry = At &
  (
    | { readonly t: 'init'; readonly v: 1; readonly backend: TrackerBackend; readonly init: Omit<RunInit, 'dir' | 'config'> }
    | { readonly t: 'params'; readonly params: Readonly<Record<string, unknown>> }
    | { readonly t: 'metrics'; readonly step: number; readonly ts: number; readonly values: Readonly<Record<string, number>> }
    | { readonly t: 'summary'; readonly summary: Readonly<Record<string, unknown>> }
    | { readonly t: 'artifact'; readonly name: string; readonly type: string; readonly path: string; readonly kind: 'file' | 'dir' }
    | { readonly t: 'table'; readonly name: string; readonly path: string; readonly columns: readonly string[]; readonly rows: number }
    | { readonly t: 'remote'; readonly backend: TrackerBackend; readonly id: string; readonly url?: string }
    | { readonly t: 'remote-failed'; readonly backend: TrackerBackend; readonly error: string }
    | { readonly t: 'synced'; readonly backend: TrackerBackend; readonly id: string; readonly url?: string }
    | { readonly t: 'finish'; readonly state: RunState }
  );

type Body<E> = E extends At ? Omit<E, 'at'> : never;
export type JournalBody = Body<JournalEntry>;

/** Writes one run's journal. Every method appends synchronously. */
export class Journal {
  readonly file: string;

  private constructor(readonly dir: string) {
    this.file = join(dir, JOURNAL_FILE);
  }

  /** Starts a journal in `dir` (created). An existing journal there is kept, renamed aside. */
  static create(dir: string, backend: TrackerBackend, init: RunInit): Journal {
    mkdirSync(dir, { recursive: true });
    const j = new Journal(dir);
    if (existsSync(j.file)) {
      // a new attempt of the same run must not append to the old one's history
      let k = 1;
      while (existsSync(join(dir, `run.${k}.jsonl`))) k++;
      renameSync(j.file, join(dir, `run.${k}.jsonl`));
    }
    const { dir: _d, config, ...meta } = init;
    j.append({ t: 'init', v: 1, backend, init: meta });
    if (config !== undefined && Object.keys(config).length > 0) j.append({ t: 'params', params: config });
    return j;
  }

  static open(dir: string): Journal {
    return new Journal(dir);
  }

  append(entry: JournalBody): void {
    appendFileSync(this.file, `${JSON.stringify({ ...entry, at: new Date().toISOString() }, finite)}\n`);
  }

  /** Copies a file or folder under artifacts/ and records it. */
  copyArtifact(a: ArtifactInput): { path: string; kind: 'file' | 'dir'; name: string } {
    const name = safeName(a.name ?? basename(a.path));
    const kind = statSync(a.path).isDirectory() ? 'dir' : 'file';
    const dest = kind === 'dir' ? join(this.dir, 'artifacts', name) : join(this.dir, 'artifacts', name, basename(a.path));
    mkdirSync(kind === 'dir' ? join(this.dir, 'artifacts') : join(this.dir, 'artifacts', name), { recursive: true });
    cpSync(a.path, dest, { recursive: true });
    const path = relative(this.dir, dest);
    this.append({ t: 'artifact', name, type: a.type, path, kind });
    return { path: join(this.dir, path), kind, name };
  }

  writeTable(t: TableInput): string {
    const name = safeName(t.name);
    mkdirSync(join(this.dir, 'tables'), { recursive: true });
    const path = join('tables', `${name}.csv`);
    writeFileSync(join(this.dir, path), toCsv(t.columns, t.rows));
    this.append({ t: 'table', name, path, columns: [...t.columns], rows: t.rows.length });
    return join(this.dir, path);
  }
}

/** A run as read back from its journal. */
export interface JournalRun {
  readonly dir: string;
  readonly backend: TrackerBackend;
  readonly init: Omit<RunInit, 'dir' | 'config'>;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly params: Record<string, unknown>;
  readonly history: MetricRow[];
  /** W&B semantics: the last logged value of each metric, overridden by explicit summary values. */
  readonly summary: Record<string, unknown>;
  /** Only the values set with setSummary. */
  readonly explicitSummary: Record<string, unknown>;
  readonly artifacts: Array<{ name: string; type: string; path: string; kind: 'file' | 'dir' }>;
  readonly tables: Array<{ name: string; path: string; columns: string[]; rows: number }>;
  readonly state?: RunState;
  /** Per remote backend: the last remote event (created, failed, synced). */
  readonly remote: Partial<Record<TrackerBackend, { status: 'open' | 'failed' | 'synced'; id?: string; url?: string; error?: string }>>;
}

export function readJournal(dir: string): JournalRun {
  const file = join(dir, JOURNAL_FILE);
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: JournalEntry[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // a torn line from a crash mid-write: what came before it still counts
    }
  }
  const first = entries[0];
  if (first === undefined || first.t !== 'init') throw new Error(`${file} is not a run journal (its first line is not an init record)`);
  const run: JournalRun = { dir, backend: first.backend, init: first.init, startedAt: first.at, params: {}, history: [], summary: {}, explicitSummary: {}, artifacts: [], tables: [], remote: {} };
  const explicit = run.explicitSummary;
  const out = run as { -readonly [K in keyof JournalRun]: JournalRun[K] };
  for (const e of entries.slice(1)) {
    switch (e.t) {
      case 'params':
        Object.assign(out.params, e.params);
        break;
      case 'metrics':
        out.history.push({ step: e.step, timestamp: e.ts, values: e.values });
        break;
      case 'summary':
        Object.assign(explicit, e.summary);
        break;
      case 'artifact':
        out.artifacts.push({ name: e.name, type: e.type, path: join(dir, e.path), kind: e.kind });
        break;
      case 'table':
        out.tables.push({ name: e.name, path: join(dir, e.path), columns: [...e.columns], rows: e.rows });
        break;
      case 'remote':
        out.remote[e.backend] = { status: 'open', id: e.id, ...(e.url !== undefined ? { url: e.url } : {}) };
        break;
      case 'remote-failed':
        out.remote[e.backend] = { ...(out.remote[e.backend] ?? {}), status: 'failed', error: e.error };
        break;
      case 'synced':
        out.remote[e.backend] = { status: 'synced', id: e.id, ...(e.url !== undefined ? { url: e.url } : {}) };
        break;
      case 'finish':
        out.state = e.state;
        out.endedAt = e.at;
        break;
      case 'init':
        break;
    }
  }
  for (const row of out.history) Object.assign(out.summary, row.values);
  Object.assign(out.summary, explicit);
  return run;
}

/** Every run journal under `paths` (each a run folder or any folder above some), sorted by path. */
export function findJournals(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (dir: string, depth: number): void => {
    if (existsSync(join(dir, JOURNAL_FILE))) {
      found.add(dir);
      return;
    }
    if (depth > 8) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (n === 'artifacts' || n === 'node_modules' || n.startsWith('.')) continue;
      const p = join(dir, n);
      try {
        if (statSync(p).isDirectory()) walk(p, depth + 1);
      } catch {
        // vanished while walking
      }
    }
  };
  for (const p of paths) walk(p, 0);
  return [...found].sort();
}

/** Reads a table written by {@link Journal.writeTable} (cells that look numeric come back as numbers). */
export function readTableCsv(path: string): { columns: string[]; rows: Array<Array<string | number | null>> } {
  const records = parseCsv(readFileSync(path, 'utf8'));
  const [header = [], ...rest] = records;
  const num = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  return { columns: header, rows: rest.map((r) => r.map((c) => (c === '' ? null : num.test(c) ? Number(c) : c))) };
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string {
  const cell = (v: string | number | boolean | null | undefined): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[columns.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n')}\n`;
}

function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

/** A name usable as one path segment. */
export function safeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return s === '' ? 'unnamed' : s.slice(0, 120);
}

function finite(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
