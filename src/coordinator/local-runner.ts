/**
 * `ff run`: a whole sweep on this machine, no Redis. Keeps `parallel` trial slots busy; asks the
 * sampler for a trial only when a slot is free (so bayes suggestions are never stale), applies the
 * early-stop rule at every report, and ends on grid exhaustion, run_cap, metric.target or cancel.
 * Every logged step is on disk (runs folder) before the report resolves.
 */
import type { ResolvedSweep } from '../config/types.js';
import { describeError } from '../core/errors.js';
import { nestParams } from '../core/params.js';
import { bestValue } from '../core/trial.js';
import type { EarlyStopRule, StopDecision } from '../early-stop/types.js';
import type { Executor, Metrics, TrialOutcome, TrialSpec } from '../executor/types.js';
import type { Sampler } from '../search/types.js';
import type { LocalSweepStore } from './file-store.js';
import { admitNewTrial, metricOf } from './policy.js';
import type { TrialDetail } from './types.js';

export type RunnerEvent =
  | { readonly type: 'trial-start'; readonly trial: TrialDetail }
  | { readonly type: 'report'; readonly trial: TrialDetail }
  | { readonly type: 'stop'; readonly trial: TrialDetail; readonly decision: StopDecision }
  | { readonly type: 'trial-end'; readonly trial: TrialDetail }
  | { readonly type: 'sweep-end'; readonly reason: string };

export interface LocalRunnerOptions {
  readonly sweep: ResolvedSweep;
  readonly store: LocalSweepStore;
  readonly sampler: Sampler;
  readonly earlyStop?: EarlyStopRule;
  readonly executor: Executor;
  /** Trial slots (default 1). */
  readonly parallel?: number;
  /** Aborting it cancels the sweep: no new trials, running ones are stopped. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RunnerEvent) => void;
}

interface Slot {
  readonly trial: TrialDetail;
  readonly abort: AbortController;
  done: Promise<void>;
}

export class LocalRunner {
  private readonly slots = new Map<number, Slot>();
  private readonly parallel: number;

  constructor(private readonly opts: LocalRunnerOptions) {
    this.parallel = Math.max(1, Math.floor(opts.parallel ?? 1));
  }

  /** Runs the sweep to its end; resolves with the reason it ended. */
  async run(): Promise<string> {
    const { store, signal } = this.opts;
    const onCancel = (): void => this.cancel(String(signal?.reason ?? 'cancelled'));
    signal?.addEventListener('abort', onCancel, { once: true });
    let endReason: string | undefined;
    try {
      for (;;) {
        while (endReason === undefined && this.slots.size < this.parallel && store.meta.state === 'running') {
          endReason = this.startNext();
        }
        if (this.slots.size === 0) break;
        await Promise.race([...this.slots.values()].map((s) => s.done));
      }
    } finally {
      signal?.removeEventListener('abort', onCancel);
    }
    const reason = store.meta.state === 'cancelled' ? (store.meta.endedReason ?? 'cancelled') : (endReason ?? 'ended');
    if (store.meta.state === 'running') store.updateSweep({ state: 'finished', endedReason: reason, endedAt: new Date().toISOString() });
    this.opts.onEvent?.({ type: 'sweep-end', reason });
    return reason;
  }

  /** Cancel: no new trials; running trials are stopped now (W&B `cancel`). */
  cancel(reason: string): void {
    const { store } = this.opts;
    if (store.meta.state === 'running' || store.meta.state === 'paused') {
      store.updateSweep({ state: 'cancelled', endedReason: reason, endedAt: new Date().toISOString() });
    }
    for (const slot of this.slots.values()) {
      if (!slot.abort.signal.aborted) {
        slot.trial.stopReason = reason;
        slot.abort.abort(reason);
      }
    }
  }

  /** Starts one trial; returns why the sweep ends if no trial can start. */
  private startNext(): string | undefined {
    const { sweep, store, sampler } = this.opts;
    const admission = admitNewTrial(sweep, store.meta.state, store.trials);
    if (!admission.ok) return admission.reason;
    const number = store.trials.length;
    const suggestion = sampler.suggest({ sweep, trials: store.trials, seed: store.meta.seed, trialNumber: number });
    if (suggestion === null) return `search space exhausted after ${number} trials`;
    const trial: TrialDetail = {
      id: `${store.meta.id}-${number}`,
      sweepId: store.meta.id,
      number,
      params: suggestion.params,
      state: 'running',
      metricHistory: [],
      attempt: 1,
      createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      steps: 0,
      worker: 'local',
      ...(suggestion.info ? { suggestion: { ...suggestion.info } } : {}),
    };
    store.addTrial(trial);
    const slot: Slot = { trial, abort: new AbortController(), done: Promise.resolve() };
    this.slots.set(number, slot);
    this.opts.onEvent?.({ type: 'trial-start', trial });
    slot.done = this.execute(slot).finally(() => this.slots.delete(number));
    return undefined;
  }

  private async execute(slot: Slot): Promise<void> {
    const { sweep, store, executor } = this.opts;
    const { trial } = slot;
    const spec: TrialSpec = {
      sweepId: trial.sweepId,
      trialId: trial.id,
      number: trial.number,
      attempt: trial.attempt,
      params: trial.params,
      config: nestParams(sweep.parameters, trial.params),
    };
    let outcome: TrialOutcome;
    try {
      outcome = await executor.run(spec, {
        report: async (metrics) => this.report(slot, metrics),
        signal: slot.abort.signal,
        dir: store.trialDir(trial.number),
      });
    } catch (err) {
      outcome = { status: 'failed', error: `executor error: ${describeError(err)}` };
    }
    this.finish(slot, outcome);
  }

  private report(slot: Slot, metrics: Metrics): void {
    const { sweep, store } = this.opts;
    const { trial } = slot;
    store.appendStep(trial.number, { _step: trial.steps, _time: new Date().toISOString(), ...metrics });
    trial.steps += 1;
    trial.lastMetrics = { ...metrics };
    const v = metricOf(sweep, metrics);
    if (v !== undefined && sweep.metric) {
      trial.metricHistory.push(v);
      trial.value = bestValue(trial.metricHistory, sweep.metric.goal);
      this.applyEarlyStop(trial.number);
    }
    this.opts.onEvent?.({ type: 'report', trial });
  }

  /**
   * A report can raise a band's threshold for every trial, so all running trials are judged again
   * (W&B re-evaluates every run each tick; we do it on every report, so a stop is immediate).
   */
  private applyEarlyStop(reporter: number): void {
    const { sweep, store, earlyStop } = this.opts;
    if (earlyStop === undefined) return;
    for (const slot of this.slots.values()) {
      if (slot.abort.signal.aborted) continue;
      const decision = earlyStop.decide({ sweep, trials: store.trials, trialNumber: slot.trial.number });
      if (slot.trial.number === reporter || decision.stop) slot.trial.decision = decision;
      if (decision.stop) {
        slot.trial.stopReason = decision.explanation;
        store.saveTrial(slot.trial.number);
        this.opts.onEvent?.({ type: 'stop', trial: slot.trial, decision });
        slot.abort.abort(decision.explanation);
      }
    }
  }

  private finish(slot: Slot, outcome: TrialOutcome): void {
    const { store } = this.opts;
    const { trial } = slot;
    trial.endedAt = new Date().toISOString();
    if (slot.abort.signal.aborted) {
      trial.state = 'stopped';
      trial.stopReason ??= outcome.status === 'stopped' ? outcome.reason : String(slot.abort.signal.reason);
    } else if (outcome.status === 'finished') {
      trial.state = 'finished';
    } else if (outcome.status === 'stopped') {
      trial.state = 'stopped';
      trial.stopReason = outcome.reason;
    } else {
      trial.state = 'failed';
      trial.error = outcome.error;
      if (outcome.exitCode !== undefined) trial.exitCode = outcome.exitCode;
      if (outcome.stderrTail !== undefined) trial.stderrTail = outcome.stderrTail;
    }
    store.saveTrial(trial.number);
    this.opts.onEvent?.({ type: 'trial-end', trial });
  }
}
