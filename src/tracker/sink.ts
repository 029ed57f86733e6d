/**
 * The wire side of a remote tracker (`wandb`, `mlflow`): one run on one server, spoken in that
 * server's own protocol. A sink may throw (network, HTTP status, a malformed answer) and is given
 * an AbortSignal per call; it never retries, sleeps or buffers by itself. `resilient.ts` wraps
 * every sink the same way: the local journal first (nothing is lost), then the sink in the
 * background with a per-call timeout and retries with backoff, and on a lasting failure the run
 * stays in the journal for `ff sync`. `ff sync` replays a journal into a fresh sink through the
 * very same calls.
 */
import type { ArtifactInput, RunConfig, RunInit, RunState, TableInput } from './types.js';

/** One logged step: every metric logged at that step (W&B: a history row; MLflow: points). */
export interface MetricRow {
  readonly step: number;
  /** Unix milliseconds. */
  readonly timestamp: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface OpenedRun {
  /** The server's id of the run (W&B run name, MLflow run_id). */
  readonly id: string;
  /** A page a user can open, when the server has one. */
  readonly url?: string;
}

export interface RemoteRunSink {
  /** Creates the run (experiment / project created when missing). Called once, first. */
  open(init: RunInit, signal: AbortSignal): Promise<OpenedRun>;
  /** Run config / params (nested values allowed; sinks flatten or stringify as their server needs). */
  logParams(params: RunConfig, signal: AbortSignal): Promise<void>;
  /** Rows in step order; the sink splits them into requests within its server's limits. */
  logMetrics(rows: readonly MetricRow[], signal: AbortSignal): Promise<void>;
  /** A file or a folder on this machine (the journal's copy). */
  logArtifact(artifact: ArtifactInput, signal: AbortSignal): Promise<void>;
  logTable(table: TableInput, signal: AbortSignal): Promise<void>;
  setSummary(summary: Readonly<Record<string, unknown>>, signal: AbortSignal): Promise<void>;
  /** Marks the run ended with `state`. Called once, last. */
  finish(state: RunState, signal: AbortSignal): Promise<void>;
}

/** A configured remote backend; `createRun` is cheap (no I/O until `open`). */
export interface RemoteBackend {
  readonly backend: 'wandb' | 'mlflow';
  /** For messages: e.g. "MLflow at http://127.0.0.1:5000". */
  readonly where: string;
  createRun(): RemoteRunSink;
}

/**
 * A failed remote call. `retryable`: worth another attempt (network error, timeout, 408, 429, 5xx);
 * otherwise (bad credentials, 4xx, a malformed request) retrying cannot help.
 */
export class TrackerRemoteError extends Error {
  override readonly name = 'TrackerRemoteError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Milliseconds the server asked us to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
