/**
 * The tracker registry (typed from its map, as Vitest's reporters): `local` (default), `wandb`,
 * `mlflow`, `none`. A new backend is one file plus one entry here.
 *
 * Every backend but `none` journals each run locally (journal.ts). `local` stops there; `wandb` and
 * `mlflow` also send the run to their server through `resilient.ts`. When a server fails, its
 * runs stay in their journals (reported once per distinct problem), and for 30 s new runs do not
 * wait on it at all; a server that refuses the credentials (or to open a run) gets no later runs;
 * `ff sync` sends them later. `WANDB_MODE=offline` journals W&B runs without
 * sending them; `WANDB_MODE=disabled` tracks nothing.
 */
import { join } from 'node:path';
import { EXIT, FFError } from '../core/errors.js';
import { Journal, safeName } from './journal.js';
import { createMlflowBackend } from './mlflow.js';
import { TrackedRun } from './resilient.js';
import type { RemoteBackend, TrackerRemoteError } from './sink.js';
import type { RunInit, Tracker, TrackerBackend, TrackerOptions, TrackerRun } from './types.js';
import { createWandbBackend } from './wandb.js';

type Factory = (o: TrackerOptions) => Tracker;

const BACKENDS = {
  local: (o) => new JournalTracker('local', o),
  none: () => new NoneTracker(),
  mlflow: (o) => new JournalTracker('mlflow', o, createMlflowBackend({ ...(o.project !== undefined ? { project: o.project } : {}), ...(o.env !== undefined ? { env: o.env } : {}) })),
  wandb: (o) => {
    const raw = (o.env ?? process.env)['WANDB_MODE'];
    const mode = raw?.trim().toLowerCase();
    if (mode === 'disabled') return new NoneTracker();
    if (mode === 'offline' || mode === 'dryrun') return new JournalTracker('wandb', o, undefined, 'WANDB_MODE=offline: kept locally; send it with ff sync');
    if (mode !== undefined && mode !== '' && mode !== 'online' && mode !== 'run') {
      // the value as the user wrote it, so they can find it
      throw new FFError('FF_USAGE', `WANDB_MODE=${raw} (environment) is not a W&B mode; valid: online, offline, disabled`, EXIT.usage);
    }
    const backend = createWandbBackend({ ...(o.project !== undefined ? { project: o.project } : {}), ...(o.entity !== undefined ? { entity: o.entity } : {}), ...(o.env !== undefined ? { env: o.env } : {}) });
    return new JournalTracker('wandb', o, backend);
  },
} as const satisfies Record<TrackerBackend, Factory>;

export const TRACKER_NAMES = Object.keys(BACKENDS) as TrackerBackend[];

/** The tracker for `backend`; configuration problems (a missing key or URL) are FFErrors. */
export function createTracker(backend: string, o: TrackerOptions): Tracker {
  if (!(backend in BACKENDS)) throw new FFError('FF_USAGE', `tracker backend '${backend}' is unknown; valid: ${TRACKER_NAMES.join(', ')}`, EXIT.usage);
  return BACKENDS[backend as TrackerBackend](o);
}

/** How long new runs skip a server that just failed with a network error or a timeout. */
const COOL_DOWN_MS = 30_000;

class JournalTracker implements Tracker {
  private readonly reported = new Set<string>();
  private downUntil = 0;
  private refused: string | undefined;
  private readonly runs = new Set<TrackedRun>();

  constructor(
    readonly backend: TrackerBackend,
    private readonly o: TrackerOptions,
    private readonly remote?: RemoteBackend,
    /** Why runs of a remote backend are journaled only (offline mode). */
    private readonly offline?: string,
  ) {}

  async initRun(init: RunInit): Promise<TrackerRun> {
    // no project: the backend's own default (WANDB_PROJECT, MLFLOW_EXPERIMENT_NAME), else feature-forge
    const project = init.project ?? this.o.project;
    const entity = init.entity ?? this.o.entity;
    const full: RunInit = { ...init, ...(project !== undefined ? { project } : {}), ...(entity !== undefined ? { entity } : {}) };
    const dir = init.dir ?? join(this.o.runsDir, 'tracking', safeName(project ?? 'feature-forge'), safeName(init.runId));
    let journal: Journal;
    try {
      journal = Journal.create(dir, this.backend, full);
    } catch (err) {
      this.warn(`local:${dir}`, `cannot write the run journal in ${dir} (${(err as Error).message}); run ${init.name} is not tracked`);
      return new NoneRun(init.runId);
    }
    const skip = this.offline ?? this.refused ?? (Date.now() < this.downUntil ? `not sent: ${this.remote?.where} failed less than ${COOL_DOWN_MS / 1000} s ago` : undefined);
    // an offline run is not sent either: its journal must say so, as a skipped run's does
    if ((this.remote !== undefined || this.offline !== undefined) && skip !== undefined) journal.append({ t: 'remote-failed', backend: this.backend, error: skip });
    const remote = this.remote !== undefined && skip === undefined ? { backend: this.backend, where: this.remote.where, sink: this.remote.createRun() } : undefined;
    const run: TrackedRun = new TrackedRun({
      journal,
      init: full,
      ...(remote !== undefined ? { remote } : {}),
      timeoutMs: this.o.timeoutMs ?? 10_000,
      retries: this.o.retries ?? 3,
      finishTimeoutMs: Math.max(this.o.timeoutMs ?? 10_000, 1000) * 1.5,
      onRemoteFailure: (err) => this.remoteFailed(err, run),
      onLocalProblem: (m) => this.warn(`local:${m}`, m),
      onFinished: () => this.runs.delete(run),
    });
    this.runs.add(run);
    return run;
  }

  async close(): Promise<void> {
    await Promise.all([...this.runs].map((r) => r.drained()));
  }

  private remoteFailed(err: TrackerRemoteError, run: TrackedRun): void {
    // Refused for good: credentials or permissions, or a run the server would not even open (a
    // deleted experiment, a bad project): every later run would meet the same answer. A problem
    // with this run's own data (an MLflow param logged again with another value, an over-long
    // W&B line) stays with this run: the trials after it are sent as usual.
    const refusesAll = !err.retryable && (err.status === 401 || err.status === 403 || run.remoteId === undefined);
    if (err.retryable) this.downUntil = Date.now() + COOL_DOWN_MS;
    else if (refusesAll) this.refused = `not sent: ${this.remote?.where} refused an earlier run (${err.message})`;
    const kind = err.status !== undefined ? `HTTP ${err.status}` : err.retryable ? 'unreachable' : withoutRunIds(err.message, run);
    this.warn(
      `${this.backend}:${kind}`,
      `${this.remote?.where}: ${err.message}. Run ${run.id} is kept in ${run.dir}${refusesAll ? '; later runs are kept locally too' : ''}. Send such runs later with: ff sync ${this.o.runsDir} --to ${this.backend}`,
    );
  }

  private warn(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.o.onWarning?.({ backend: this.backend, message });
  }
}

/** `message` without the ids of `run`, so the same problem in many runs is reported once. */
function withoutRunIds(message: string, run: TrackedRun): string {
  let m = message;
  for (const id of [run.remoteId, run.id]) if (id !== undefined && id !== '') m = m.split(id).join('<run>');
  return m;
}

class NoneTracker implements Tracker {
  readonly backend = 'none' as const;
  async initRun(init: RunInit): Promise<TrackerRun> {
    return new NoneRun(init.runId);
  }
  async close(): Promise<void> {}
}

class NoneRun implements TrackerRun {
  constructor(readonly id: string) {}
  async logParams(): Promise<void> {}
  async logMetrics(): Promise<void> {}
  async logArtifact(): Promise<void> {}
  async logTable(): Promise<void> {}
  async setSummary(): Promise<void> {}
  async finish(): Promise<void> {}
}
