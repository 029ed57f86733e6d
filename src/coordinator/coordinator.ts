/**
 * The coordinator: drives every active sweep from the trial store's event log.
 *
 *  - asks the sampler for a trial only when a live worker slot can run it (so bayes suggestions
 *    are never a stale backlog; queued and running trials are known to the sampler),
 *  - claims trials atomically in the store (run_cap and grid points exact, whatever the number of
 *    workers or coordinators) and enqueues one job per claimed trial,
 *  - applies the early-stop rule at every reported step and pushes stop requests to the worker,
 *  - requeues the trials of lost workers (lease expired) as new attempts, up to `maxAttempts`,
 *  - ends sweeps: grid exhausted, run_cap, metric.target, stop/cancel.
 *
 * It keeps no state of its own that is not in the store: a restarted coordinator reloads the
 * sweeps, re-sends the jobs of queued trials (job ids make that idempotent) and goes on.
 * The same class drives `ff run` (memory store and queue) and distributed sweeps (Redis).
 */
import type { ResolvedSweep } from '../config/types.js';
import { bestValue } from '../core/trial.js';
import { describeError } from '../core/errors.js';
import type { StopDecision } from '../early-stop/types.js';
import { executorSpecFor } from '../executor/spec.js';
import type { ExecutorSpec, TrialQueue } from '../queue/contract.js';
import { createActive, isInflight, lookahead, suggestBatch, toJob, type Active } from './active-sweep.js';
import { admitNewTrial } from './policy.js';
import type { StoreEvent, TrialStore, WorkerInfo } from './store.js';
import type { SweepMeta, TrialDetail } from './types.js';

export type CoordinatorEvent =
  | { readonly type: 'trial-start'; readonly sweepId: string; readonly trial: TrialDetail }
  | { readonly type: 'report'; readonly sweepId: string; readonly trial: TrialDetail }
  | { readonly type: 'stop'; readonly sweepId: string; readonly trial: TrialDetail; readonly decision: StopDecision }
  | { readonly type: 'requeue'; readonly sweepId: string; readonly trial: TrialDetail; readonly why: string }
  | { readonly type: 'trial-end'; readonly sweepId: string; readonly trial: TrialDetail }
  | { readonly type: 'sweep-end'; readonly sweepId: string; readonly meta: SweepMeta };

export interface CoordinatorOptions {
  readonly store: TrialStore;
  readonly queue: TrialQueue;
  /** Attempts per trial when workers are lost (default 3). */
  readonly maxAttempts?: number;
  /** How often leases are checked, in ms (default 1000). */
  readonly leaseCheckMs?: number;
  /** A trial still queued this long after its job was sent gets the job sent again (default 5000 ms). */
  readonly resendMs?: number;
  /** How often live workers are re-read, in ms (default 1000; worker events also trigger it). */
  readonly workerCheckMs?: number;
  /** Drive only these sweeps (default: every sweep in the store). */
  readonly sweeps?: readonly string[];
  /** Return from `run` once every driven sweep has ended (`ff run`). */
  readonly exitWhenIdle?: boolean;
  /** Working directory recorded in command jobs (only `ff run` sets it; remote workers use theirs). */
  readonly commandCwd?: string;
  /** How a sweep's trials are executed (default: from its program/command, see executor/spec.ts). */
  readonly executorFor?: (sweep: ResolvedSweep) => ExecutorSpec;
  readonly onEvent?: (event: CoordinatorEvent) => void;
  readonly log?: (line: string) => void;
}

export class Coordinator {
  private readonly active = new Map<string, Active>();
  private workers: WorkerInfo[] = [];
  private cursor = '0-0';
  private readonly maxAttempts: number;
  private readonly resendMs: number;

  constructor(private readonly opts: CoordinatorOptions) {
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.resendMs = Math.max(100, opts.resendMs ?? 5000);
  }

  /** Trials of a driven sweep as the coordinator currently sees them. */
  trials(sweepId: string): readonly TrialDetail[] {
    return this.active.get(sweepId)?.trials ?? [];
  }

  sweepMeta(sweepId: string): SweepMeta | undefined {
    return this.active.get(sweepId)?.meta;
  }

  /** Runs until `signal` aborts (or, with `exitWhenIdle`, until every driven sweep has ended). */
  async run(signal: AbortSignal): Promise<void> {
    const { store } = this.opts;
    // Take the cursor first, then load: an event in between is seen twice, never missed.
    this.cursor = await store.latestCursor();
    await this.loadSweeps();
    await this.refreshWorkers();
    for (const a of this.active.values()) {
      await this.syncQueuePause(a);
      await this.resendQueued(a);
    }
    let nextLease = 0;
    let nextWorkers = Date.now() + (this.opts.workerCheckMs ?? 1000);
    const leaseEvery = this.opts.leaseCheckMs ?? 1000;
    while (!signal.aborted) {
      await this.fillAll();
      await this.checkEnds();
      if (this.opts.exitWhenIdle && this.allEnded()) return;
      const now = Date.now();
      const wait = Math.max(0, Math.min(250, nextLease - now, nextWorkers - now));
      let batch;
      try {
        batch = await store.readEvents(this.cursor, wait, 1000);
      } catch (err) {
        this.log(`cannot read events (${describeError(err)}); retrying`);
        await sleep(500);
        continue;
      }
      this.cursor = batch.cursor;
      for (const event of batch.events) await this.apply(event);
      if (Date.now() >= nextWorkers) {
        await this.refreshWorkers();
        nextWorkers = Date.now() + (this.opts.workerCheckMs ?? 1000);
      }
      if (Date.now() >= nextLease) {
        await this.recoverLeases();
        await this.resendStale(Date.now());
        nextLease = Date.now() + leaseEvery;
      }
    }
  }

  // --- loading ----------------------------------------------------------------------------------

  private driven(id: string): boolean {
    return this.opts.sweeps === undefined || this.opts.sweeps.includes(id);
  }

  private async loadSweeps(): Promise<void> {
    const metas = await this.opts.store.listSweeps();
    for (const meta of metas) {
      if (!this.driven(meta.id) || meta.endedAt !== undefined) continue;
      await this.loadSweep(meta.id);
    }
  }

  private async loadSweep(id: string): Promise<Active | undefined> {
    const { store } = this.opts;
    const rec = await store.getSweep(id);
    if (rec === undefined) return undefined;
    let spec: ExecutorSpec;
    try {
      spec = this.opts.executorFor ? this.opts.executorFor(rec.sweep) : executorSpecFor(rec.sweep, this.opts.commandCwd);
    } catch (err) {
      this.log(`sweep ${id}: ${describeError(err)}`);
      await store.setSweepState(id, 'failed', describeError(err));
      return undefined;
    }
    const a = createActive(rec.meta, rec.sweep, await store.getTrials(id), spec);
    this.active.set(id, a);
    return a;
  }

  /** After a restart: jobs of queued trials may never have reached the queue. */
  private async resendQueued(a: Active): Promise<void> {
    await this.send(a, a.trials.filter((t) => t.state === 'queued'));
  }

  private async send(a: Active, trials: readonly TrialDetail[]): Promise<void> {
    if (trials.length === 0) return;
    await this.opts.queue.enqueue(trials.map((t) => toJob(a, t)));
    const now = Date.now();
    for (const t of trials) a.sentAt.set(t.number, now);
  }

  /**
   * The queue is transport, the store is the truth, and a job can be lost between them: BullMQ
   * takes the next job inside the command that completes the previous one, and when that reply is
   * lost in a reconnect the job sits in `active` until its lock lapses, then fails as stalled
   * (maxStalledCount 0) without running. So a trial still queued `resendMs` after its job was sent
   * gets it sent again: a no-op while the job exists (job ids), and the store's fencing lets only
   * one dispatch start the trial.
   */
  private async resendStale(now: number): Promise<void> {
    for (const a of this.active.values()) {
      const stale = a.trials.filter((t) => t.state === 'queued' && now - (a.sentAt.get(t.number) ?? 0) >= this.resendMs);
      await this.send(a, stale).catch((err: unknown) => this.log(`sweep ${a.meta.id}: cannot re-send queued trials (${describeError(err)})`));
    }
  }

  // --- capacity and new trials ------------------------------------------------------------------

  private async refreshWorkers(): Promise<void> {
    try {
      this.workers = await this.opts.store.liveWorkers();
    } catch (err) {
      this.log(`cannot list workers (${describeError(err)})`);
    }
  }

  private capacity(sweepId: string | undefined): number {
    let c = 0;
    for (const w of this.workers) if (sweepId === undefined || w.sweeps === undefined || w.sweeps.includes(sweepId)) c += w.concurrency;
    return c;
  }

  /**
   * Trials are created for free slots only. Random and grid suggestions do not depend on results,
   * so those sweeps keep one extra trial per slot waiting in the queue (a worker never idles while
   * the coordinator reacts); bayes suggestions are made only when a slot is free, never ahead.
   */
  private async fillAll(): Promise<void> {
    const sweeps = [...this.active.values()];
    const inflight = sweeps.map((a) => a.trials.filter(isInflight).length);
    const depth = Math.max(1, ...sweeps.map((a) => lookahead(a)));
    let globalFree = this.capacity(undefined) * depth - inflight.reduce((x, y) => x + y, 0);
    for (let i = 0; i < sweeps.length && globalFree > 0; i++) {
      const a = sweeps[i]!;
      const free = Math.min(globalFree, this.capacity(a.meta.id) * lookahead(a) - inflight[i]!);
      if (free > 0) globalFree -= await this.fill(a, free);
    }
  }

  /** Claims and enqueues up to `free` new trials; returns how many. */
  private async fill(a: Active, free: number): Promise<number> {
    if (a.meta.state !== 'running' || a.exhausted !== undefined) return 0;
    const admission = admitNewTrial(a.sweep, a.meta.state, a.trials);
    if (!admission.ok) {
      if (admission.final) a.exhausted = admission.reason;
      return 0;
    }
    const { requests, exhausted } = suggestBatch(a, free);
    if (exhausted !== undefined) a.exhausted = exhausted;
    if (requests.length === 0) return 0;
    const result = await this.opts.store.claimTrials(a.meta.id, requests, a.sweep.runCap);
    let gap = false;
    for (const t of result.claimed) {
      if (t.number !== a.trials.length) gap = true;
      a.trials[t.number] = t;
    }
    if (gap || result.refused.some((r) => r.reason === 'duplicate')) {
      // another coordinator claimed too: reload so the sampler sees the truth
      a.trials.splice(0, a.trials.length, ...(await this.opts.store.getTrials(a.meta.id)));
    }
    if (result.refused.some((r) => r.reason === 'not_running')) {
      const rec = await this.opts.store.getSweep(a.meta.id);
      if (rec) a.meta = rec.meta;
    }
    await this.send(a, result.claimed);
    return result.claimed.length;
  }

  // --- events -------------------------------------------------------------------------------------

  private async apply(e: StoreEvent): Promise<void> {
    if (e.type === 'worker') {
      await this.refreshWorkers();
      return;
    }
    if (e.type === 'sweep') {
      await this.onSweepEvent(e.sweepId);
      return;
    }
    const a = this.active.get(e.sweepId);
    if (a === undefined) return;
    if (e.type === 'claimed') {
      if (e.numbers.some((n) => a.trials[n] === undefined)) a.trials.splice(0, a.trials.length, ...(await this.opts.store.getTrials(a.meta.id)));
      return;
    }
    let t = a.trials[e.number];
    if (t === undefined) {
      const fetched = await this.opts.store.getTrial(a.meta.id, e.number);
      if (fetched === undefined) return;
      a.trials[e.number] = fetched;
      t = fetched;
    }
    switch (e.type) {
      case 'started':
        if (e.attempt !== t.attempt) return;
        t.state = 'running';
        t.worker = e.worker;
        this.opts.onEvent?.({ type: 'trial-start', sweepId: a.meta.id, trial: t });
        return;
      case 'step':
        if (e.attempt !== t.attempt || e.step < t.steps) return; // seen already (restart overlap)
        if (e.step > t.steps) {
          const fresh = await this.opts.store.getTrial(a.meta.id, e.number);
          if (fresh) a.trials[e.number] = t = fresh;
        } else {
          t.steps += 1;
          if (e.value !== undefined) {
            t.metricHistory.push(e.value);
            if (a.sweep.metric) t.value = bestValue(t.metricHistory, a.sweep.metric.goal);
          }
        }
        if (t.state === 'queued') t.state = 'running';
        this.opts.onEvent?.({ type: 'report', sweepId: a.meta.id, trial: t });
        if (e.value !== undefined) await this.judge(a, t.number);
        return;
      case 'ended': {
        if (e.attempt !== t.attempt) return;
        if (e.state !== 'finished') {
          // the error or stop reason is worth a read; a finished trial's record is already complete here
          const fresh = await this.opts.store.getTrial(a.meta.id, e.number);
          if (fresh) a.trials[e.number] = t = fresh;
        }
        t.state = e.state;
        this.opts.onEvent?.({ type: 'trial-end', sweepId: a.meta.id, trial: t });
        return;
      }
      case 'requeued': {
        const fresh = await this.opts.store.getTrial(a.meta.id, e.number);
        if (fresh === undefined || fresh.state !== 'queued') return;
        a.trials[e.number] = fresh;
        a.stopRequested.delete(e.number);
        a.lastBand.delete(e.number);
        this.opts.onEvent?.({ type: 'requeue', sweepId: a.meta.id, trial: fresh, why: e.why });
        await this.send(a, [fresh]);
        return;
      }
    }
  }

  private async onSweepEvent(id: string): Promise<void> {
    if (!this.driven(id)) return;
    let a = this.active.get(id);
    if (a === undefined) {
      a = await this.loadSweep(id);
      if (a === undefined) return;
    } else {
      const rec = await this.opts.store.getSweep(id);
      if (rec === undefined) {
        this.active.delete(id);
        return;
      }
      a.meta = rec.meta;
    }
    await this.syncQueuePause(a);
    if (a.meta.state === 'cancelled') {
      for (const t of a.trials) {
        if (isInflight(t) && !a.stopRequested.has(t.number)) {
          a.stopRequested.add(t.number);
          await this.opts.store.requestStop(id, t.number, a.meta.endedReason ?? 'sweep cancelled');
        }
      }
    }
  }

  /** A paused sweep's queued trials wait in the queue: workers take none until it resumes. */
  private async syncQueuePause(a: Active): Promise<void> {
    const paused = a.meta.state === 'paused';
    if (paused === a.queuePaused) return;
    a.queuePaused = paused;
    await (paused ? this.opts.queue.pause(a.meta.id) : this.opts.queue.resume(a.meta.id));
  }

  /** Early stop at every report; a report can raise a band's bar for every running trial. */
  private async judge(a: Active, reporter: number): Promise<void> {
    const rule = a.earlyStop;
    if (rule === undefined) return;
    for (const t of a.trials) {
      if (t.state !== 'running' || a.stopRequested.has(t.number)) continue;
      const decision = rule.decide({ sweep: a.sweep, trials: a.trials, trialNumber: t.number });
      if (decision.stop) {
        a.stopRequested.add(t.number);
        t.decision = decision;
        t.stopReason = decision.explanation;
        await this.opts.store.requestStop(a.meta.id, t.number, decision.explanation, decision);
        this.opts.onEvent?.({ type: 'stop', sweepId: a.meta.id, trial: t, decision });
      } else if (t.number === reporter && decision.band !== undefined && a.lastBand.get(t.number) !== decision.band) {
        // keep the explanation of each band passed (not every report: that would double the writes)
        a.lastBand.set(t.number, decision.band);
        t.decision = decision;
        await this.opts.store.setDecision(a.meta.id, t.number, decision);
      }
    }
  }

  // --- leases and ends ------------------------------------------------------------------------

  private async recoverLeases(): Promise<void> {
    let expired;
    try {
      expired = await this.opts.store.expiredLeases(Date.now());
    } catch (err) {
      this.log(`cannot check leases (${describeError(err)})`);
      return;
    }
    for (const lease of expired) {
      // the requeue itself arrives as a `requeued` event, which enqueues the job
      await this.opts.store.recoverExpired(lease, this.maxAttempts, 'worker lost: its lease expired');
    }
  }

  private async checkEnds(): Promise<void> {
    for (const a of this.active.values()) {
      const inflight = a.trials.some(isInflight);
      if (a.meta.state === 'running') {
        if (a.exhausted === undefined) {
          const admission = admitNewTrial(a.sweep, a.meta.state, a.trials);
          if (!admission.ok && admission.final) a.exhausted = admission.reason;
        }
        if (a.exhausted !== undefined && !inflight) {
          const meta = await this.opts.store.setSweepState(a.meta.id, 'finished', a.exhausted);
          if (meta) a.meta = meta;
          this.ended(a);
        }
      } else if (a.meta.state === 'stopped' || a.meta.state === 'cancelled' || a.meta.state === 'failed') {
        if (inflight) await this.stopQueued(a);
        else this.ended(a);
      }
    }
  }

  /**
   * In an ended sweep no trial may start (the store refuses), and workers stop serving its queue:
   * a trial still queued (its job never taken, or requeued after its worker was lost) would keep
   * the sweep open forever. It ends stopped. Re-read first: our view may lag a start that came
   * before the state change, and a running trial of a stopped sweep must be left to finish.
   */
  private async stopQueued(a: Active): Promise<void> {
    for (const t of a.trials) {
      if (t.state !== 'queued' || a.stopRequested.has(t.number)) continue;
      const fresh = await this.opts.store.getTrial(a.meta.id, t.number);
      if (fresh?.state !== 'queued') continue;
      a.stopRequested.add(t.number);
      await this.opts.store.requestStop(a.meta.id, t.number, `sweep ${a.meta.state} before the trial started`);
    }
  }

  private ended(a: Active): void {
    this.active.delete(a.meta.id);
    this.opts.onEvent?.({ type: 'sweep-end', sweepId: a.meta.id, meta: a.meta });
  }

  private allEnded(): boolean {
    return this.active.size === 0;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
