/**
 * The tracker seam: one interface, four backends (`local` default, `wandb`, `mlflow`, `none`).
 * A tracker records one trial as one run: its config (params), metric history, summary, artifacts
 * and tables. Trackers are leaves: they know nothing of samplers, queues or the MALMAS engineer.
 *
 * Failure isolation (the contract every backend keeps): no method ever throws into the trial or
 * blocks it beyond a bounded time. Remote backends retry with backoff, then buffer the run locally
 * (to be sent later with `ff sync`) and report the problem once through `onWarning`.
 */

export type TrackerBackend = 'local' | 'wandb' | 'mlflow' | 'none';
export const TRACKER_BACKENDS: readonly TrackerBackend[] = ['local', 'wandb', 'mlflow', 'none'];

/** A flat or nested config; nested objects are flattened with dots by backends that need it. */
export type RunConfig = Readonly<Record<string, unknown>>;

export interface RunInit {
  /** Run name (e.g. `<sweepId>-<trial number>` for sweep trials). */
  readonly name: string;
  /** Stable id, unique within the project; backends use it to resume instead of duplicating. */
  readonly runId: string;
  readonly project?: string;
  readonly entity?: string;
  /** Groups runs (the sweep id for sweep trials). */
  readonly group?: string;
  readonly tags?: readonly string[];
  readonly config?: RunConfig;
  readonly notes?: string;
  /** Folder of this run's local journal (default `<runsDir>/tracking/<project>/<runId>`). */
  readonly dir?: string;
  /** The sweep a trial's run belongs to, recorded so runs can be compared from the tracker alone. */
  readonly sweep?: SweepRecord;
}

export interface SweepRecord {
  readonly id: string;
  readonly name?: string;
  readonly metric?: { readonly name: string; readonly goal: 'minimize' | 'maximize' };
  /** The sweep's parameter names (flat, dotted). */
  readonly parameters: readonly string[];
}

export type ArtifactType = 'dataset' | 'model' | 'plot' | 'json' | 'table' | 'file' | (string & {});

export interface ArtifactInput {
  /** A file or a folder (copied / uploaded recursively). */
  readonly path: string;
  /** Artifact name; default: the base name of `path`. */
  readonly name?: string;
  readonly type: ArtifactType;
}

export interface TableInput {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

export type RunState = 'finished' | 'failed' | 'killed';

/** One tracked run. Every method resolves (never rejects); failures go to the tracker's warnings. */
export interface TrackerRun {
  /** Backend-specific id and a link or path a user can open, once known. */
  readonly id: string;
  readonly url?: string;
  logParams(params: RunConfig): Promise<void>;
  /** Numeric metrics; `step` defaults to an internal counter that increments per call. */
  logMetrics(metrics: Readonly<Record<string, number>>, step?: number): Promise<void>;
  logArtifact(artifact: ArtifactInput): Promise<void>;
  logTable(table: TableInput): Promise<void>;
  /** Sets summary values (the run's final figures). */
  setSummary(summary: Readonly<Record<string, unknown>>): Promise<void>;
  /** Flushes and closes the run; bounded in time. */
  finish(state?: RunState): Promise<void>;
}

export interface Tracker {
  readonly backend: TrackerBackend;
  initRun(init: RunInit): Promise<TrackerRun>;
  /** Releases what the tracker holds (connections, timers). */
  close(): Promise<void>;
}

export interface TrackerWarning {
  readonly backend: TrackerBackend;
  readonly message: string;
}

export interface TrackerOptions {
  /** Where local runs (and the buffered runs of failing remote backends) are kept. */
  readonly runsDir: string;
  readonly project?: string;
  readonly entity?: string;
  /** Environment to read credentials and URLs from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called once per distinct problem (e.g. "MLflow at http://… is unreachable; buffered to …"). */
  readonly onWarning?: (w: TrackerWarning) => void;
  /** Upper bound on any single remote call, ms (default 10 000). */
  readonly timeoutMs?: number;
  /** Retries of a failed remote call before buffering (default 3). */
  readonly retries?: number;
}
