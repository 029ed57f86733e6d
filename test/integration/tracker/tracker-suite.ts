/**
 * The tracker seam's shared suite (STYLE.md "one shared test suite per seam", as Optuna's sampler
 * test cases and BullMQ's adapter conformance suite). Every backend, made by the registry exactly
 * as a trial gets it, plays one lifecycle and is checked three ways: every call resolves; the
 * local journal (every backend but `none`) holds the whole run; a remote backend's server (a local
 * fake speaking its protocol) received the whole run. conformance.test.ts runs it per backend;
 * failures.test.ts and the `ff sync` CLI test reuse the lifecycle and the remote harnesses, so
 * "the run arrived complete" means the same thing in all three.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findJournals, readJournal, readTableCsv } from '../../../src/tracker/journal.js';
import type { JournalRun } from '../../../src/tracker/journal.js';
import { createMlflowBackend } from '../../../src/tracker/mlflow.js';
import { createTracker } from '../../../src/tracker/registry.js';
import type { RemoteBackend } from '../../../src/tracker/sink.js';
import type { RunConfig, RunInit, TableInput, Tracker, TrackerBackend, TrackerOptions, TrackerRun, TrackerWarning } from '../../../src/tracker/types.js';
import { wandbRunId } from '../../../src/tracker/wandb-api.js';
import { createWandbBackend } from '../../../src/tracker/wandb.js';
import { tempDir } from '../../helpers/cli.js';
import { startFakeMlflow } from '../../helpers/fake-mlflow.js';
import { startFakeWandb } from '../../helpers/fake-wandb.js';

// ---- the lifecycle every backend plays ----

export interface Lifecycle {
  readonly init: Omit<RunInit, 'runId' | 'dir'>;
  readonly params: RunConfig;
  /** Logged in order; `step` omitted means the tracker's own counter. */
  readonly metrics: ReadonlyArray<{ readonly values: Readonly<Record<string, number>>; readonly step?: number }>;
  /** The steps the metrics above must end up at. */
  readonly steps: readonly number[];
  readonly file: { readonly name: string; readonly type: string; readonly content: string };
  readonly folder: { readonly dirName: string; readonly name: string; readonly type: string; readonly files: Readonly<Record<string, string>> };
  readonly table: TableInput;
  readonly summary: Readonly<Record<string, unknown>>;
}

export const RUN: Lifecycle = {
  init: { name: 'conformance trial 1', project: 'ff-conformance', group: 'sweep-conf', tags: ['conformance', 'tpe'], notes: 'the shared lifecycle', config: { lr: 0.1, model: { depth: 3 } } },
  params: { seed: 7, optimizer: 'adam' },
  // two implicit steps, a jump to an explicit one, then the counter must go on after it
  metrics: [{ values: { loss: 1, auc: 0.5 } }, { values: { loss: 0.5, auc: 0.6 } }, { values: { loss: 0.25, auc: 0.7 }, step: 5 }, { values: { loss: 0.125 } }],
  steps: [0, 1, 5, 6],
  file: { name: 'model.txt', type: 'model', content: 'weights v1' },
  folder: { dirName: 'plots', name: 'charts', type: 'plot', files: { 'a.json': '{"a":1}', 'sub/b.txt': 'bee' } },
  // a cell with a comma (CSV quoting) and a null; no booleans or numeric-looking strings, which a
  // CSV round trip (ff sync reads the table back from the journal) cannot keep apart
  table: { name: 'features', columns: ['name', 'gain', 'note'], rows: [['f1', 0.5, 'log(x, 2)'], ['f2', null, 'plain']] },
  summary: { best_auc: 0.7, verdict: 'kept' },
};

/** Config and params, merged as every backend must merge them. */
export const ALL_PARAMS: Readonly<Record<string, unknown>> = { ...RUN.init.config, ...RUN.params };
/** W&B semantics: the last value of every metric, then the explicit summary. */
export const SUMMARY: Readonly<Record<string, unknown>> = { loss: 0.125, auc: 0.7, ...RUN.summary };
export const TABLE_CSV = 'name,gain,note\nf1,0.5,"log(x, 2)"\nf2,,plain\n';

/** Bound for calls that must not wait on the network at all (generous: "does not hang"). */
export const CALL_MS = 5_000;
/** Bound for `finish` (generous: the registry bounds it at 1.5 × max(timeoutMs, 1 s)). */
export const FINISH_MS = 10_000;

export interface Fixtures {
  readonly file: string;
  readonly folder: string;
}

export function writeFixtures(dir: string): Fixtures {
  const file = join(dir, RUN.file.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, RUN.file.content);
  const folder = join(dir, RUN.folder.dirName);
  for (const [rel, content] of Object.entries(RUN.folder.files)) {
    mkdirSync(dirname(join(folder, rel)), { recursive: true });
    writeFileSync(join(folder, rel), content);
  }
  return { file, folder };
}

/** `p`, or a rejection naming `what` when it has not settled within `ms`: a hang fails the test by name. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Plays {@link RUN} as run `runId`; each call must resolve (to nothing) within its bound. */
export async function playLifecycle(tracker: Tracker, runId: string, fx: Fixtures, o: { readonly finishMs?: number } = {}): Promise<TrackerRun> {
  const run = await within(tracker.initRun({ ...RUN.init, runId }), CALL_MS, 'initRun');
  expect(run.id).toBe(runId);
  const calls: Array<[string, () => Promise<void>]> = [
    ['logParams', () => run.logParams(RUN.params)],
    ...RUN.metrics.map((m, i): [string, () => Promise<void>] => [`logMetrics #${i}`, () => run.logMetrics(m.values, m.step)]),
    ['logArtifact (file)', () => run.logArtifact({ path: fx.file, type: RUN.file.type })],
    ['logArtifact (folder)', () => run.logArtifact({ path: fx.folder, name: RUN.folder.name, type: RUN.folder.type })],
    ['logTable', () => run.logTable(RUN.table)],
    ['setSummary', () => run.setSummary(RUN.summary)],
  ];
  for (const [what, call] of calls) await expect(within(call(), CALL_MS, what)).resolves.toBeUndefined();
  await expect(within(run.finish(), o.finishMs ?? FINISH_MS, 'finish')).resolves.toBeUndefined();
  return run;
}

/** The journal of run `runId` under `runsDir` (found, not built from the layout). */
export function journalOf(runsDir: string, runId: string): JournalRun {
  const found = findJournals([runsDir]).map((d) => readJournal(d)).filter((j) => j.init.runId === runId);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The journal holds the whole of {@link RUN}: what `ff sync` needs to send it later. */
export function expectJournalHoldsRun(j: JournalRun, runId: string, backend: TrackerBackend): void {
  expect(j.backend).toBe(backend);
  const { config: _c, ...meta } = RUN.init;
  expect(j.init).toMatchObject({ ...meta, runId });
  expect(j.params).toEqual(ALL_PARAMS);
  expect(j.history.map((r) => r.step)).toEqual(RUN.steps);
  expect(j.history.map((r) => r.values)).toEqual(RUN.metrics.map((m) => m.values));
  const ts = j.history.map((r) => r.timestamp);
  expect(ts).toEqual([...ts].sort((a, b) => a - b));
  expect(j.artifacts.map(({ name, type, kind }) => ({ name, type, kind }))).toEqual([
    { name: RUN.file.name, type: RUN.file.type, kind: 'file' },
    { name: RUN.folder.name, type: RUN.folder.type, kind: 'dir' },
  ]);
  // copies, inside the run folder: the trial may delete its own files
  for (const a of j.artifacts) expect(a.path.startsWith(join(j.dir, 'artifacts'))).toBe(true);
  expect(readFileSync(j.artifacts[0]!.path, 'utf8')).toBe(RUN.file.content);
  for (const [rel, content] of Object.entries(RUN.folder.files)) expect(readFileSync(join(j.artifacts[1]!.path, rel), 'utf8')).toBe(content);
  expect(j.tables).toEqual([{ name: RUN.table.name, path: join(j.dir, 'tables', `${RUN.table.name}.csv`), columns: RUN.table.columns, rows: RUN.table.rows.length }]);
  expect(readFileSync(j.tables[0]!.path, 'utf8')).toBe(TABLE_CSV);
  expect(readTableCsv(j.tables[0]!.path)).toEqual({ columns: RUN.table.columns, rows: RUN.table.rows });
  expect(j.summary).toEqual(SUMMARY);
  expect(j.explicitSummary).toEqual(RUN.summary);
  expect(j.state).toBe('finished');
  expect(j.endedAt).toEqual(expect.any(String));
}

/** Every file under `dir`, relative (empty when `dir` does not exist). */
export function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [];
}

// ---- remote backends: a fake server each, with the same handles ----

export interface RemoteServer {
  readonly backend: 'mlflow' | 'wandb';
  /** TrackerOptions.env pointing the backend at this server (with its credentials). */
  readonly env: Record<string, string>;
  /** The variable holding the credential (for a refusing server: the one it refuses). */
  readonly credential: string;
  /** A backend for `syncRun`, configured from {@link env}. */
  remoteBackend(): RemoteBackend;
  /** Asserts the server holds run `runId` exactly once and whole (as {@link RUN} logs it), and the journal says so. */
  expectRun(runId: string, journal: JournalRun): void;
  /** Runs the server holds that ended as finished. */
  finishedRuns(): number;
  /** Requests received so far, answered or not. */
  requests(): number;
  /** HTTP statuses answered so far, in order. */
  statuses(): number[];
  /** Answers the next `n` requests that log run data (MLflow log-batch, W&B file_stream) with `status`. */
  failNext(status: number, n: number): void;
  /** Never answers any request from now on. */
  hang(): void;
  close(): Promise<void>;
}

export interface RemoteHarness {
  readonly backend: 'mlflow' | 'wandb';
  /** `refuseCredentials`: the server wants credentials and `env` carries wrong ones. */
  start(o?: { readonly refuseCredentials?: boolean }): Promise<RemoteServer>;
}

const userValues = (row: Readonly<Record<string, unknown>>): Record<string, unknown> => Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));

export const mlflowHarness: RemoteHarness = {
  backend: 'mlflow',
  async start(o = {}) {
    const ml = await startFakeMlflow(o.refuseCredentials === true ? { auth: { token: 'the-right-token' } } : {});
    const env: Record<string, string> = { MLFLOW_TRACKING_URI: ml.url, ...(o.refuseCredentials === true ? { MLFLOW_TRACKING_TOKEN: 'a-wrong-token' } : {}) };
    return {
      backend: 'mlflow',
      env,
      credential: 'MLFLOW_TRACKING_TOKEN',
      remoteBackend: () => createMlflowBackend({ env }),
      finishedRuns: () => [...ml.runs.values()].filter((r) => r.status === 'FINISHED').length,
      requests: () => ml.calls.length,
      statuses: () => ml.calls.map((c) => c.status).filter((s) => s !== 0),
      failNext: (status, n) => ml.failNext('runs/log-batch', status, n),
      hang: () => ml.hang('/'),
      close: () => ml.close(),
      expectRun(runId, journal) {
        const exp = [...ml.experiments.values()].find((e) => e.name === RUN.init.project);
        expect(exp).toBeDefined();
        const runs = [...ml.runs.values()].filter((r) => r.tags.get('ff.run_id') === runId);
        expect(runs).toHaveLength(1);
        const r = runs[0]!;
        expect(r.experimentId).toBe(exp!.experimentId);
        expect(r.runName).toBe(RUN.init.name);
        expect(Object.fromEntries(r.tags)).toMatchObject({ sweep_id: RUN.init.group, 'tag.conformance': 'true', 'tag.tpe': 'true', 'mlflow.note.content': RUN.init.notes, 'summary.verdict': 'kept' });
        // MLflow params are flat strings
        expect(Object.fromEntries(r.params)).toEqual({ lr: '0.1', 'model.depth': '3', seed: '7', optimizer: 'adam' });
        const points = (key: string): Array<[number, number]> => r.metrics.filter((m) => m.key === key).map((m) => [m.step, m.value]);
        expect(points('loss')).toEqual([[0, 1], [1, 0.5], [5, 0.25], [6, 0.125]]);
        expect(points('auc')).toEqual([[0, 0.5], [1, 0.6], [5, 0.7]]);
        // a numeric summary value is a point at the last step (MLflow has no summary)
        expect(points('best_auc')).toEqual([[6, 0.7]]);
        expect(r.metrics.filter((m) => m.key === 'loss').map((m) => m.timestamp)).toEqual(journal.history.map((h) => h.timestamp));
        const files = ml.artifactsOf(r.runId);
        expect(Object.keys(files).sort()).toEqual([`${RUN.file.name}/${RUN.file.name}`, ...Object.keys(RUN.folder.files).map((f) => `${RUN.folder.name}/${f}`), `${RUN.table.name}.json`].sort());
        expect(files[`${RUN.file.name}/${RUN.file.name}`]!.toString()).toBe(RUN.file.content);
        for (const [rel, content] of Object.entries(RUN.folder.files)) expect(files[`${RUN.folder.name}/${rel}`]!.toString()).toBe(content);
        expect(JSON.parse(files[`${RUN.table.name}.json`]!.toString())).toEqual({ columns: RUN.table.columns, data: RUN.table.rows });
        expect(JSON.parse(r.tags.get('mlflow.loggedArtifacts') ?? '[]')).toEqual([{ path: `${RUN.table.name}.json`, type: 'table' }]);
        expect(r.status).toBe('FINISHED');
        expect(r.endTime).toEqual(expect.any(Number));
        expect(journal.remote.mlflow).toMatchObject({ status: 'synced', id: r.runId });
      },
    };
  },
};

export const wandbHarness: RemoteHarness = {
  backend: 'wandb',
  async start(o = {}) {
    const fake = await startFakeWandb();
    const env: Record<string, string> = { WANDB_API_KEY: o.refuseCredentials === true ? 'a-wrong-key' : fake.apiKey, WANDB_BASE_URL: fake.url };
    return {
      backend: 'wandb',
      env,
      credential: 'WANDB_API_KEY',
      remoteBackend: () => createWandbBackend({ env }),
      finishedRuns: () => [...fake.runs.values()].filter((r) => r.complete && r.exitcode === 0).length,
      requests: () => fake.calls.length,
      statuses: () => fake.calls.flatMap((c) => (c.status !== undefined ? [c.status] : [])),
      failNext: (status, n) => fake.failNext('file_stream', status, n),
      hang: () => fake.hang('*'),
      close: () => fake.close(),
      expectRun(runId, journal) {
        const id = wandbRunId(runId);
        const runs = [...fake.runs.values()].filter((r) => r.name === id);
        expect(runs).toHaveLength(1);
        const run = runs[0]!;
        expect(run).toMatchObject({ project: RUN.init.project, displayName: RUN.init.name, groupName: RUN.init.group, notes: RUN.init.notes, complete: true, exitcode: 0 });
        expect(run.tags).toEqual(expect.arrayContaining([...(RUN.init.tags ?? []), RUN.init.group]));
        expect(run.config).toEqual(Object.fromEntries(Object.entries(ALL_PARAMS).map(([k, value]) => [k, { desc: null, value }])));
        const history = run.history;
        expect(history.map((h) => h['_step'])).toEqual(RUN.steps);
        expect(history.map(userValues)).toEqual(RUN.metrics.map((m) => m.values));
        expect(history.map((h) => Math.round(Number(h['_timestamp']) * 1000))).toEqual(journal.history.map((h) => h.timestamp));
        expect(run.files.get(`artifacts/${RUN.file.name}/${RUN.file.name}`)?.toString()).toBe(RUN.file.content);
        for (const [rel, content] of Object.entries(RUN.folder.files)) expect(run.files.get(`artifacts/${RUN.folder.name}/${rel}`)?.toString()).toBe(content);
        const ref = run.summary[RUN.table.name] as Record<string, unknown> | undefined;
        expect(ref).toMatchObject({ _type: 'table-file', ncols: RUN.table.columns.length, nrows: RUN.table.rows.length });
        expect(JSON.parse(run.files.get(String(ref?.['path']))?.toString() ?? 'null')).toEqual({ columns: RUN.table.columns, data: RUN.table.rows });
        expect(run.summary).toMatchObject(SUMMARY);
        expect(journal.remote.wandb).toMatchObject({ status: 'synced', id });
      },
    };
  },
};

// ---- the suite ----

export interface SuiteCase {
  readonly backend: TrackerBackend;
  readonly remote?: RemoteHarness;
}

const PROCESS_EVENTS = ['SIGTERM', 'SIGINT', 'exit', 'uncaughtException'] as const;

/** Counts of what keeps the event loop alive (referenced timers, sockets, servers, requests). */
function aliveResources(): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) out.set(r, (out.get(r) ?? 0) + 1);
  return out;
}

function grownSince(before: ReadonlyMap<string, number>): string[] {
  return [...aliveResources()].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k, n]) => `${k} ×${n - (before.get(k) ?? 0)}`);
}

export function trackerConformance(c: SuiteCase): void {
  describe(`tracker conformance: ${c.backend}`, () => {
    let root: string;
    let runsDir: string;
    let fx: Fixtures;
    let warnings: TrackerWarning[];
    let server: RemoteServer | undefined;

    beforeEach(() => {
      root = tempDir('ff-conformance-');
      runsDir = join(root, 'runs');
      mkdirSync(runsDir);
      fx = writeFixtures(join(root, 'trial'));
      warnings = [];
      server = undefined;
    });

    afterEach(async () => {
      await server?.close();
      rmSync(root, { recursive: true, force: true });
    });

    const options = (): TrackerOptions => ({ runsDir, env: server?.env ?? {}, onWarning: (w) => warnings.push(w), timeoutMs: 5_000, retries: 1 });

    it('plays the whole lifecycle: every call resolves, and the journal and the server hold the whole run', async () => {
      server = await c.remote?.start();
      const tracker = createTracker(c.backend, options());
      expect(tracker.backend).toBe(c.backend);
      await playLifecycle(tracker, 'conf-1', fx);
      await within(tracker.close(), CALL_MS, 'close');
      expect(warnings).toEqual([]);
      if (c.backend === 'none') {
        expect(filesUnder(runsDir)).toEqual([]);
        return;
      }
      const j = journalOf(runsDir, 'conf-1');
      expectJournalHoldsRun(j, 'conf-1', c.backend);
      if (server !== undefined) server.expectRun('conf-1', j);
      else expect(j.remote).toEqual({});
    });

    it('20 runs in one tracker, then close(): no process listeners, timers or handles left behind', async () => {
      const listeners = PROCESS_EVENTS.map((e) => process.listenerCount(e));
      // taken before the fake server starts, and compared after it is closed: its handles do not count
      const before = aliveResources();
      server = await c.remote?.start();
      const tracker = createTracker(c.backend, options());
      const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => tracker.initRun({ name: `many ${i}`, runId: `many-${i}`, project: 'ff-many', group: 'many', config: { i } })));
      // the last two are left open: close() must still release everything they hold
      await Promise.all(
        runs.map(async (run, i) => {
          await run.logMetrics({ loss: 1 / (i + 1) });
          await run.logMetrics({ loss: 1 / (i + 2) });
          await run.setSummary({ i });
          if (i < 18) await within(run.finish(), FINISH_MS, `finish of run ${i}`);
        }),
      );
      await within(tracker.close(), FINISH_MS, 'close');
      expect(warnings).toEqual([]);
      if (server !== undefined) expect(server.finishedRuns()).toBe(18);
      if (c.backend === 'none') expect(filesUnder(runsDir)).toEqual([]);
      else {
        const journals = findJournals([runsDir]).map((d) => readJournal(d));
        expect(journals).toHaveLength(20);
        expect(journals.filter((j) => j.state === 'finished')).toHaveLength(18);
        expect(journals.every((j) => j.history.length === 2)).toBe(true);
      }
      await server?.close();
      server = undefined;
      expect(PROCESS_EVENTS.map((e) => process.listenerCount(e))).toEqual(listeners);
      // sockets the server closed go away on a later turn of the event loop: wait for that, boundedly
      const deadline = Date.now() + 3_000;
      while (grownSince(before).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(grownSince(before)).toEqual([]);
    });
  });
}
