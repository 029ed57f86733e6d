/**
 * The trial store in one process (tests, single-machine runs): the same contract and semantics as
 * the Redis store (fencing, run_cap, dedupe, leases, events), each mutation synchronous so it is
 * atomic by construction. With `persistDir` it also writes the runs-folder layout of `ff run`
 * (coordinator/file-store.ts): sweep.json, trials/<n>/trial.json on state changes, and
 * trials/<n>/history.jsonl appended before `appendStep` resolves, so `ff status` can read it.
 * Returned records are copies: callers can never change the store's state by mutating them.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedSweep } from '../config/types.js';
import { FFError } from '../core/errors.js';
import { isBetter, type Goal } from '../core/trial.js';
import type { StopDecision } from '../early-stop/types.js';
import type { ClaimRequest, ClaimResult, EventBatch, ReportResult, StartResult } from '../coordinator/store.js';
import type { StopChannel, StoreEvent, TrialEnd, TrialLease, TrialStore, WorkerInfo } from '../coordinator/store.js';
import { LocalSweepStore } from '../coordinator/file-store.js';
import type { SweepMeta, SweepState } from '../coordinator/types.js';
import { encodeValue, trialId, type StoredTrial } from './codec.js';
import { MemoryEventLog, MemoryStopHub } from './memory-events.js';
import { MemoryWorkers } from './memory-workers.js';
import { leaseMember } from './redis-keys.js';

export interface MemoryTrialStoreOptions {
  /** Also write the runs-folder layout here (one directory per sweep). */
  readonly persistDir?: string;
}

interface MemTrial {
  readonly t: StoredTrial;
  leaseUntil?: number;
  stopRequested?: string;
  steps: Array<Record<string, unknown>>;
}

interface MemSweep {
  meta: SweepMeta;
  readonly sweep: ResolvedSweep;
  readonly goal: Goal;
  readonly trials: MemTrial[];
  readonly keys: Set<string>;
  readonly files?: LocalSweepStore;
}

const clone = <T>(v: T): T => structuredClone(v);
const now = (): string => new Date().toISOString();

export class MemoryTrialStore implements TrialStore {
  private readonly sweeps = new Map<string, MemSweep>();
  private readonly leases = new Map<string, { lease: TrialLease; until: number }>();
  private readonly log = new MemoryEventLog();
  private readonly workers = new MemoryWorkers((e) => this.emit(e));
  private readonly stops = new MemoryStopHub();

  constructor(private readonly opts: MemoryTrialStoreOptions = {}) {}

  // --- sweeps -------------------------------------------------------------------------------

  async createSweep(sweep: ResolvedSweep, meta: SweepMeta): Promise<void> {
    if (this.sweeps.has(meta.id)) throw new FFError('FF_STORE', `sweep '${meta.id}' already exists in the store; use another sweep id`);
    const files = this.opts.persistDir === undefined ? undefined : LocalSweepStore.create(this.opts.persistDir, sweep, clone(meta));
    const s: MemSweep = { meta: clone(meta), sweep: clone(sweep), goal: sweep.metric?.goal ?? 'minimize', trials: [], keys: new Set() };
    this.sweeps.set(meta.id, files === undefined ? s : { ...s, files });
    this.emit({ type: 'sweep', sweepId: meta.id, state: meta.state });
  }

  async getSweep(id: string): Promise<{ meta: SweepMeta; sweep: ResolvedSweep } | undefined> {
    const s = this.sweeps.get(id);
    return s === undefined ? undefined : { meta: clone(s.meta), sweep: clone(s.sweep) };
  }

  async listSweeps(): Promise<SweepMeta[]> {
    return [...this.sweeps.values()].map((s) => clone(s.meta)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async setSweepState(id: string, state: SweepState, reason?: string): Promise<SweepMeta | undefined> {
    const s = this.sweeps.get(id);
    if (s === undefined) return undefined;
    const old = s.meta.state;
    const meta: SweepMeta = { ...s.meta, state };
    if (state === 'running' || state === 'paused') {
      delete meta.endedAt;
      if (state === 'running' || reason === undefined) delete meta.endedReason;
      if (state === 'paused' && reason !== undefined) meta.endedReason = reason;
    } else {
      meta.endedAt = now();
      if (reason !== undefined) meta.endedReason = reason;
    }
    s.meta = meta;
    s.files?.updateSweep({ state, endedReason: meta.endedReason, endedAt: meta.endedAt });
    if (old !== state) this.emit({ type: 'sweep', sweepId: id, state });
    return clone(meta);
  }

  // --- trials (coordinator side) --------------------------------------------------------------

  async claimTrials(sweepId: string, requests: readonly ClaimRequest[], runCap: number | undefined): Promise<ClaimResult> {
    const s = this.sweeps.get(sweepId);
    const claimed: StoredTrial[] = [];
    const refused: Array<ClaimResult['refused'][number]> = [];
    const createdAt = now();
    requests.forEach((r, index) => {
      if (s === undefined || s.meta.state !== 'running') return refused.push({ index, reason: 'not_running' });
      if (runCap !== undefined && s.trials.length >= runCap) return refused.push({ index, reason: 'run_cap' });
      if (r.key !== undefined) {
        if (s.keys.has(r.key)) return refused.push({ index, reason: 'duplicate' });
        s.keys.add(r.key);
      }
      const number = s.trials.length;
      const t: StoredTrial = {
        id: trialId(sweepId, number), sweepId, number, state: 'queued', params: clone(r.params),
        metricHistory: [], attempt: 1, dispatch: 1, createdAt, steps: 0,
      }; // prettier-ignore
      if (r.suggestion !== undefined) t.suggestion = clone({ ...r.suggestion });
      s.trials.push({ t, steps: [] });
      s.files?.addTrial(t);
      claimed.push(clone(t));
      return undefined;
    });
    if (claimed.length > 0) this.emit({ type: 'claimed', sweepId, numbers: claimed.map((t) => t.number) });
    return { claimed, refused };
  }

  async getTrials(sweepId: string): Promise<StoredTrial[]> {
    return (this.sweeps.get(sweepId)?.trials ?? []).map((m) => this.view(m));
  }

  async getTrial(sweepId: string, number: number): Promise<StoredTrial | undefined> {
    const m = this.sweeps.get(sweepId)?.trials[number];
    return m === undefined ? undefined : this.view(m);
  }

  async getSteps(sweepId: string, number: number): Promise<Array<Record<string, unknown>>> {
    return clone(this.sweeps.get(sweepId)?.trials[number]?.steps ?? []);
  }

  async requestStop(sweepId: string, number: number, reason: string, decision?: StopDecision): Promise<void> {
    const s = this.sweeps.get(sweepId);
    const m = s?.trials[number];
    if (s === undefined || m === undefined || (m.t.state !== 'queued' && m.t.state !== 'running')) return;
    const why = reason === '' ? 'stopped' : reason;
    if (decision !== undefined) m.t.decision = clone(decision);
    if (m.t.state === 'queued') {
      this.end(s, m, 'stopped', { stopReason: why });
      return;
    }
    m.stopRequested ??= why;
    s.files?.saveTrial(number);
    this.stops.publish({ sweepId, number, reason: why });
  }

  async setDecision(sweepId: string, number: number, decision: StopDecision): Promise<void> {
    const m = this.sweeps.get(sweepId)?.trials[number];
    if (m !== undefined) m.t.decision = clone(decision);
  }

  async expiredLeases(at: number): Promise<TrialLease[]> {
    return [...this.leases.values()].filter((l) => l.until < at).map((l) => ({ ...l.lease }));
  }

  async recoverExpired(lease: TrialLease, maxAttempts: number, why: string): Promise<StoredTrial | undefined> {
    const found = this.fenced(lease);
    if (found === undefined) {
      this.leases.delete(leaseMember(lease));
      return undefined;
    }
    const [s, m] = found;
    if ((m.leaseUntil ?? 0) > Date.now()) return undefined;
    if (m.stopRequested !== undefined) {
      this.end(s, m, 'stopped', { stopReason: m.stopRequested });
    } else if (lease.attempt < maxAttempts) {
      this.resetAttempt(s, m, `history.a${lease.attempt}.jsonl`);
      m.t.attempt += 1;
      m.t.dispatch = 1;
      s.files?.saveTrial(m.t.number);
      this.emit({ type: 'requeued', sweepId: s.meta.id, number: m.t.number, attempt: m.t.attempt, dispatch: 1, why });
      return this.view(m);
    } else {
      this.end(s, m, 'failed', { error: `worker lost (lease expired) after ${lease.attempt} attempts` });
    }
    return undefined;
  }

  // --- trials (worker side) -------------------------------------------------------------------

  async startTrial(lease: TrialLease, worker: string, leaseMs: number): Promise<StartResult> {
    const s = this.sweeps.get(lease.sweepId);
    const m = s?.trials[lease.number];
    if (s === undefined || m === undefined) return { ok: false, reason: 'not_found' };
    if (m.t.state !== 'queued' || m.t.attempt !== lease.attempt || m.t.dispatch !== lease.dispatch) return { ok: false, reason: 'superseded' };
    if (s.meta.state === 'stopped' || s.meta.state === 'cancelled') {
      this.end(s, m, 'stopped', { stopReason: `sweep ${s.meta.state} before the trial started` });
      return { ok: false, reason: 'sweep_inactive' };
    }
    m.t.state = 'running';
    m.t.worker = worker;
    m.t.startedAt = now();
    m.leaseUntil = Date.now() + Math.max(1, Math.round(leaseMs));
    this.leases.set(leaseMember(lease), { lease: { ...lease }, until: m.leaseUntil });
    s.files?.saveTrial(m.t.number);
    this.emit({ type: 'started', sweepId: lease.sweepId, number: lease.number, attempt: lease.attempt, worker });
    return { ok: true, trial: this.view(m) };
  }

  async renewLease(lease: TrialLease, leaseMs: number): Promise<boolean> {
    const found = this.fenced(lease);
    if (found === undefined) return false;
    found[1].leaseUntil = Date.now() + Math.max(1, Math.round(leaseMs));
    this.leases.set(leaseMember(lease), { lease: { ...lease }, until: found[1].leaseUntil });
    return true;
  }

  async appendStep(lease: TrialLease, metrics: Readonly<Record<string, unknown>>, value: number | undefined, at: number): Promise<ReportResult> {
    if (this.sweeps.get(lease.sweepId)?.trials[lease.number] === undefined) return { ok: false, reason: 'not_found' };
    const found = this.fenced(lease);
    if (found === undefined) return { ok: false, reason: 'superseded' };
    const [s, m] = found;
    // Stored as JSON, as in Redis: what a reader gets back is what JSON keeps.
    const stored = JSON.parse(JSON.stringify(metrics)) as Record<string, unknown>;
    const step = m.t.steps;
    s.files?.appendStep(m.t.number, { _step: step, _time: now(), ...stored });
    m.steps.push(stored);
    m.t.steps += 1;
    m.t.lastMetrics = clone(stored);
    const v = encodeValue(value) === '' ? undefined : value;
    if (v !== undefined) {
      m.t.metricHistory.push(v);
      if (m.t.value === undefined || isBetter(v, m.t.value, s.goal)) m.t.value = v;
    }
    const event: StoreEvent = { type: 'step', sweepId: lease.sweepId, number: lease.number, attempt: lease.attempt, step, ...(v !== undefined ? { value: v } : {}), at };
    this.emit(event);
    return m.stopRequested !== undefined ? { ok: true, step, stop: m.stopRequested } : { ok: true, step };
  }

  async endTrial(lease: TrialLease, end: TrialEnd): Promise<boolean> {
    const found = this.fenced(lease);
    if (found === undefined) return false;
    const [s, m] = found;
    if (end.status === 'stopped') this.end(s, m, 'stopped', { stopReason: m.stopRequested ?? end.reason });
    else if (end.status === 'finished') this.end(s, m, 'finished', {});
    else {
      const extra: Partial<StoredTrial> = { error: end.error };
      if (end.exitCode !== undefined) extra.exitCode = end.exitCode;
      if (end.stderrTail !== undefined) extra.stderrTail = end.stderrTail;
      this.end(s, m, 'failed', extra);
    }
    return true;
  }

  async handBack(lease: TrialLease, why: string): Promise<StoredTrial | undefined> {
    const found = this.fenced(lease);
    if (found === undefined) return undefined;
    const [s, m] = found;
    if (m.stopRequested !== undefined) {
      this.end(s, m, 'stopped', { stopReason: m.stopRequested });
      return undefined;
    }
    this.resetAttempt(s, m, undefined);
    m.t.dispatch += 1;
    s.files?.saveTrial(m.t.number);
    this.emit({ type: 'requeued', sweepId: s.meta.id, number: m.t.number, attempt: m.t.attempt, dispatch: m.t.dispatch, why });
    return this.view(m);
  }

  // --- workers --------------------------------------------------------------------------------

  async heartbeatWorker(info: WorkerInfo, ttlMs: number): Promise<void> {
    this.workers.heartbeat(info, ttlMs);
  }

  async removeWorker(id: string): Promise<void> {
    this.workers.remove(id);
  }

  async liveWorkers(): Promise<WorkerInfo[]> {
    return this.workers.live();
  }

  // --- events and stop notices ----------------------------------------------------------------

  async latestCursor(): Promise<string> {
    return this.log.latest();
  }

  readEvents(cursor: string, blockMs: number, max?: number): Promise<EventBatch> {
    return this.log.read(cursor, blockMs, max);
  }

  /** In-process stop notices (what Redis pub/sub is for the Redis store). */
  stopChannel(): StopChannel {
    return this.stops.channel();
  }

  async close(): Promise<void> {
    this.log.close();
  }

  // --- internals ------------------------------------------------------------------------------

  private emit(event: StoreEvent): void {
    this.log.append(event);
  }

  /** The trial, if it is running under exactly this lease. */
  private fenced(lease: TrialLease): [MemSweep, MemTrial] | undefined {
    const s = this.sweeps.get(lease.sweepId);
    const m = s?.trials[lease.number];
    if (s === undefined || m === undefined) return undefined;
    if (m.t.state !== 'running' || m.t.attempt !== lease.attempt || m.t.dispatch !== lease.dispatch) return undefined;
    return [s, m];
  }

  private end(s: MemSweep, m: MemTrial, state: 'finished' | 'stopped' | 'failed', extra: Partial<StoredTrial>): void {
    Object.assign(m.t, extra, { state, endedAt: now() });
    this.leases.delete(leaseMember(m.t));
    s.files?.saveTrial(m.t.number);
    this.emit({ type: 'ended', sweepId: s.meta.id, number: m.t.number, attempt: m.t.attempt, state });
  }

  /** Back to queued with an empty history; the attempt's history file is archived or dropped. */
  private resetAttempt(s: MemSweep, m: MemTrial, archiveAs: string | undefined): void {
    this.leases.delete(leaseMember(m.t));
    const t = m.t;
    t.state = 'queued';
    t.metricHistory = [];
    t.steps = 0;
    for (const k of ['worker', 'startedAt', 'value', 'lastMetrics', 'decision'] as const) delete t[k];
    m.steps = [];
    delete m.leaseUntil;
    if (s.files !== undefined) {
      const file = join(s.files.trialDir(t.number), 'history.jsonl');
      if (archiveAs !== undefined && existsSync(file)) renameSync(file, join(s.files.trialDir(t.number), archiveAs));
      else rmSync(file, { force: true });
    }
  }

  private view(m: MemTrial): StoredTrial {
    const t = clone(m.t);
    if (t.state === 'running' && m.stopRequested !== undefined && t.stopReason === undefined) t.stopReason = m.stopRequested;
    return t;
  }
}
