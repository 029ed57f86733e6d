/**
 * The trial store: where everything durable about sweeps and trials lives (Optuna keeps all trial
 * state in storage; wandb/sweeps is a pure function of the runs). Two implementations share this
 * contract and one conformance suite: Redis (distributed) and memory (`ff run`, tests).
 *
 * Every mutation that matters for correctness is atomic in the implementation (one Lua script in
 * Redis): claiming trials (run_cap and finite-space dedupe), starting, reporting and ending a trial
 * (fenced by attempt and dispatch, so a zombie worker can never write over a retry), and lease expiry.
 * Each mutation appends a {@link StoreEvent} to the store's event log, which the coordinator follows.
 */
import type { ResolvedSweep } from '../config/types.js';
import type { FlatParams } from '../core/params.js';
import type { StopDecision } from '../early-stop/types.js';
import type { SweepMeta, SweepState, TrialDetail } from './types.js';

export interface ClaimRequest {
  readonly params: FlatParams;
  /**
   * Canonical key of the params (see `canonicalParams`); when given, a claim whose key is already
   * taken by a trial of the sweep is refused (finite spaces never repeat a point).
   */
  readonly key?: string;
  readonly suggestion?: Readonly<Record<string, unknown>>;
}

export interface ClaimResult {
  /** Trials created, numbered densely in request order, state `queued`, attempt 1, dispatch 1. */
  readonly claimed: TrialDetail[];
  /** Why fewer than requested were claimed: run_cap reached, sweep not running, or duplicate keys. */
  readonly refused: ReadonlyArray<{ readonly index: number; readonly reason: 'run_cap' | 'not_running' | 'duplicate' }>;
}

/** Identifies one dispatch of one attempt: the fencing token every worker write carries. */
export interface TrialLease {
  readonly sweepId: string;
  readonly number: number;
  readonly attempt: number;
  readonly dispatch: number;
}

export type StartResult =
  | { readonly ok: true; readonly trial: TrialDetail }
  /** `superseded`: a newer attempt/dispatch exists or the trial already ended; `sweep_inactive`:
   *  the sweep was stopped/cancelled before the trial started (the trial is marked stopped). */
  | { readonly ok: false; readonly reason: 'superseded' | 'sweep_inactive' | 'not_found' };

export type ReportResult =
  | { readonly ok: true; readonly step: number; /** set when a stop was requested for this trial */ readonly stop?: string }
  | { readonly ok: false; readonly reason: 'superseded' | 'not_found' };

export type TrialEnd =
  | { readonly status: 'finished' }
  | { readonly status: 'stopped'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: string; readonly exitCode?: number | null; readonly stderrTail?: string };

export interface WorkerInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly concurrency: number;
  /** Sweeps it serves; undefined = every sweep. */
  readonly sweeps?: readonly string[];
  readonly startedAt: string;
  /** Trials running there now (as last reported). */
  running: number;
  lastSeen: string;
}

export type StoreEvent =
  | { readonly type: 'sweep'; readonly sweepId: string; readonly state: SweepState }
  | { readonly type: 'claimed'; readonly sweepId: string; readonly numbers: readonly number[] }
  | { readonly type: 'started'; readonly sweepId: string; readonly number: number; readonly attempt: number; readonly worker: string }
  | {
      readonly type: 'step';
      readonly sweepId: string;
      readonly number: number;
      readonly attempt: number;
      /** 0-based index of the step within the attempt. */
      readonly step: number;
      /** The sweep metric's value in this step, when present and finite. */
      readonly value?: number;
      /** Report time at the worker (ms since epoch), for latency measurements. */
      readonly at: number;
    }
  | { readonly type: 'ended'; readonly sweepId: string; readonly number: number; readonly attempt: number; readonly state: 'finished' | 'stopped' | 'failed' }
  | { readonly type: 'requeued'; readonly sweepId: string; readonly number: number; readonly attempt: number; readonly dispatch: number; readonly why: string }
  | { readonly type: 'worker'; readonly workerId: string; readonly change: 'joined' | 'left' | 'changed' };

export interface EventBatch {
  /** Pass back to {@link TrialStore.readEvents} to continue after these events. */
  readonly cursor: string;
  readonly events: readonly StoreEvent[];
}

export interface TrialStore {
  // --- sweeps -------------------------------------------------------------------------------
  createSweep(sweep: ResolvedSweep, meta: SweepMeta): Promise<void>;
  getSweep(id: string): Promise<{ meta: SweepMeta; sweep: ResolvedSweep } | undefined>;
  listSweeps(): Promise<SweepMeta[]>;
  /** Sets the state (and reason); returns the updated meta, or undefined for an unknown sweep. */
  setSweepState(id: string, state: SweepState, reason?: string): Promise<SweepMeta | undefined>;

  // --- trials (coordinator side) --------------------------------------------------------------
  /** Atomically creates trials, enforcing run_cap, sweep state and key uniqueness. */
  claimTrials(sweepId: string, requests: readonly ClaimRequest[], runCap: number | undefined): Promise<ClaimResult>;
  /** Every trial of a sweep, in number order, with its metric history. */
  getTrials(sweepId: string): Promise<TrialDetail[]>;
  getTrial(sweepId: string, number: number): Promise<TrialDetail | undefined>;
  /** Steps logged by the current attempt (each the metrics object as reported). */
  getSteps(sweepId: string, number: number): Promise<Array<Record<string, unknown>>>;
  /** Records a stop request (and decision) and notifies the worker running the trial at once. */
  requestStop(sweepId: string, number: number, reason: string, decision?: StopDecision): Promise<void>;
  /** Records the latest early-stop decision of a trial that goes on (for `ff status`). */
  setDecision(sweepId: string, number: number, decision: StopDecision): Promise<void>;
  /** Running trials whose lease ended before `now` (ms since epoch). */
  expiredLeases(now: number): Promise<TrialLease[]>;
  /**
   * A lease ended: if the trial is still running under that lease, either requeue it as a new
   * attempt with the same params (attempt < maxAttempts) or mark it failed. Returns the trial
   * when it was requeued (state queued, attempt+1), undefined otherwise.
   */
  recoverExpired(lease: TrialLease, maxAttempts: number, why: string): Promise<TrialDetail | undefined>;

  // --- trials (worker side; every write fenced by the lease) ----------------------------------
  /** queued → running under this lease; records the worker and the lease deadline. */
  startTrial(lease: TrialLease, worker: string, leaseMs: number): Promise<StartResult>;
  /** Extends the lease; false if superseded or ended (the worker should stop the trial). */
  renewLease(lease: TrialLease, leaseMs: number): Promise<boolean>;
  /** Appends one logged step durably (and its metric value to the history); then acknowledges. */
  appendStep(lease: TrialLease, metrics: Readonly<Record<string, unknown>>, value: number | undefined, at: number): Promise<ReportResult>;
  /** Ends the trial exactly once; false if it had already ended or was superseded. */
  endTrial(lease: TrialLease, end: TrialEnd): Promise<boolean>;
  /** A worker shutting down gives a running trial back: same attempt, next dispatch, state queued. */
  handBack(lease: TrialLease, why: string): Promise<TrialDetail | undefined>;

  // --- workers --------------------------------------------------------------------------------
  /** Registers or refreshes a worker; it is live while refreshed within `ttlMs`. */
  heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void>;
  removeWorker(id: string): Promise<void>;
  liveWorkers(): Promise<WorkerInfo[]>;

  // --- events ---------------------------------------------------------------------------------
  /** The cursor just after the newest event (take it before loading state, then read from it). */
  latestCursor(): Promise<string>;
  /** Events after `cursor`, waiting up to `blockMs` for the first one. */
  readEvents(cursor: string, blockMs: number, max?: number): Promise<EventBatch>;

  close(): Promise<void>;
}

/** Stop requests pushed to workers (Redis pub/sub, or in-process for the memory store). */
export interface StopNotice {
  readonly sweepId: string;
  readonly number: number;
  readonly reason: string;
}

/** Subscription to stop notices, used by workers. */
export interface StopChannel {
  subscribe(onStop: (notice: StopNotice) => void): Promise<void>;
  close(): Promise<void>;
}
