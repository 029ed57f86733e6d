/**
 * The executor seam: runs one trial and streams its metrics. Leaves: they know nothing of samplers,
 * stores or queues. The contract is W&B's: each report is one logged step (like `wandb.log`).
 */
import type { FlatParams, ParamValue } from '../core/params.js';

export type Metrics = Readonly<Record<string, unknown>>;

export interface TrialSpec {
  readonly sweepId: string;
  /** Globally unique id, e.g. `<sweepId>-<number>`; no `:` (BullMQ job ids). */
  readonly trialId: string;
  readonly number: number;
  /** 1 for the first attempt; retries of the same trial increase it. */
  readonly attempt: number;
  readonly params: FlatParams;
  /** Params rebuilt into nested objects (what the program sees as its config). */
  readonly config: Readonly<Record<string, ParamValue>>;
}

export interface ExecutorContext {
  /**
   * Record one logged step. Resolves once the step is durable; `await` it if you need that.
   * A rejected promise means the report could not be stored; the executor may go on.
   */
  report(metrics: Metrics): Promise<void>;
  /** Aborted when the trial must stop (early termination, cancel, Ctrl-C); `reason` says why. */
  readonly signal: AbortSignal;
  /** Directory where this trial may write files (its log, its config file). Exists. */
  readonly dir: string;
  /** The trial's experiment-tracker run (metrics are tracked from `report` already). */
  readonly tracking?: TrialTracking;
}

/**
 * What an in-process objective may add to its tracked run, beyond the metrics it reports.
 * Fire and forget: tracking never fails or blocks a trial.
 */
export interface TrialTracking {
  /** Resolved settings worth recording next to the sweep's params (dataset, model, …). */
  logParams(params: Readonly<Record<string, unknown>>): void;
  /** A file or folder; `type` as W&B artifact types: dataset, model, plot, json, … */
  logArtifact(artifact: { readonly path: string; readonly name?: string; readonly type: string }): void;
  logTable(table: { readonly name: string; readonly columns: readonly string[]; readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>> }): void;
}

export type TrialOutcome =
  | { readonly status: 'finished' }
  | { readonly status: 'stopped'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: string; readonly exitCode?: number | null; readonly stderrTail?: string };

export interface Executor {
  run(trial: TrialSpec, ctx: ExecutorContext): Promise<TrialOutcome>;
}
