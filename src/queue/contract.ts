/**
 * What crosses process boundaries between the coordinator and workers: versioned, plain JSON.
 * (Vitest worker messages, BullMQ Processor generics.) Bump `v` on any incompatible change;
 * a worker refuses a job whose version it does not know, with a message saying so.
 */
import type { FlatParams, ParamValue } from '../core/params.js';

export const CONTRACT_VERSION = 1 as const;

/** How a trial is executed; resolved by the coordinator from the sweep config. */
export type ExecutorSpec =
  | {
      readonly kind: 'command';
      readonly program?: string;
      readonly command?: readonly string[];
      /** Working directory for the program; relative paths resolve against the worker's cwd. */
      readonly cwd?: string;
    }
  | { readonly kind: 'builtin'; readonly name: string };

/** One BullMQ job = one dispatch of one attempt of one trial. */
export interface TrialJob {
  readonly v: typeof CONTRACT_VERSION;
  readonly sweepId: string;
  readonly trialId: string;
  readonly number: number;
  readonly attempt: number;
  /** Increases each time the same attempt is handed back and sent again (fencing token). */
  readonly dispatch: number;
  readonly params: FlatParams;
  readonly config: Readonly<Record<string, ParamValue>>;
  readonly executor: ExecutorSpec;
}

/** The BullMQ job id of a dispatch: deterministic, so enqueueing twice is a no-op (no `:`). */
export function jobId(job: Pick<TrialJob, 'sweepId' | 'number' | 'attempt' | 'dispatch'>): string {
  return `${job.sweepId}-${job.number}-a${job.attempt}-d${job.dispatch}`;
}

/** What the worker's processor returns to BullMQ (the durable record is in the trial store). */
export interface TrialJobResult {
  readonly v: typeof CONTRACT_VERSION;
  readonly status: 'finished' | 'stopped' | 'failed' | 'superseded' | 'handed-back';
  readonly detail?: string;
}

/** The producer side, used by the coordinator. */
export interface TrialQueue {
  /** Adds jobs to the sweep's queue; a job whose id already exists is not added twice. */
  enqueue(jobs: readonly TrialJob[]): Promise<void>;
  /** Jobs waiting to be picked up, for one sweep. */
  waiting(sweepId: string): Promise<number>;
  /** Workers take no job of this sweep until {@link resume} (jobs already running go on). */
  pause(sweepId: string): Promise<void>;
  resume(sweepId: string): Promise<void>;
  /** Removes a sweep's queue and its jobs (when the sweep is deleted). */
  drop(sweepId: string): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerOptions {
  /** Trials this consumer runs at once. */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal; BullMQ renews it at half that. */
  readonly lockMs?: number;
}

/** The consumer side, used by a worker: one per sweep it serves. */
export interface TrialConsumer {
  /** Stops taking jobs; waits for running processors when `drain` is true. */
  close(drain: boolean): Promise<void>;
}

export type TrialProcessor = (job: TrialJob) => Promise<TrialJobResult>;
