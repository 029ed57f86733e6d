/**
 * A trial as an experiment-tracker run: opened when the trial starts, fed each step after the step
 * is durable in the trial store, ended after the trial's end is recorded. The run is named
 * `<sweep name or id>-<trial number>`, grouped by sweep, tagged with the sweep id and trial
 * number, and lives in the project / entity of the sweep file when it names them. A retry of the
 * same trial (attempt k > 1) is its own run, `<sweep id>-<n>-a<k>`.
 */
import { join } from 'node:path';
import type { ResolvedSweep } from '../config/types.js';
import type { TrialEnd } from '../coordinator/store.js';
import type { Metrics, TrialTracking } from '../executor/types.js';
import type { TrialJob } from '../queue/contract.js';
import type { RunState, Tracker, TrackerRun } from '../tracker/types.js';

export interface TrialRun {
  readonly run: TrackerRun;
  readonly tracking: TrialTracking;
  /** One reported step (non-numeric values are left out; they stay in the trial store). */
  step(metrics: Metrics): void;
  /** Summary (state, reason) and finish; bounded in time by the tracker. */
  end(end: TrialEnd): Promise<void>;
}

export async function openTrialRun(tracker: Tracker, job: TrialJob, sweep: ResolvedSweep | undefined, trialDir: string): Promise<TrialRun> {
  const suffix = job.attempt > 1 ? `-a${job.attempt}` : '';
  const run = await tracker.initRun({
    name: `${sweep?.name ?? job.sweepId}-${job.number}${suffix}`,
    runId: `${job.sweepId}-${job.number}${suffix}`,
    ...(sweep?.project !== undefined ? { project: sweep.project } : {}),
    ...(sweep?.entity !== undefined ? { entity: sweep.entity } : {}),
    group: job.sweepId,
    tags: [job.sweepId, `trial-${job.number}`],
    config: job.config,
    ...(sweep?.description !== undefined ? { notes: sweep.description } : {}),
    dir: join(trialDir, `run${suffix}`),
    sweep: {
      id: job.sweepId,
      ...(sweep?.name !== undefined ? { name: sweep.name } : {}),
      ...(sweep?.metric !== undefined ? { metric: { name: sweep.metric.name, goal: sweep.metric.goal } } : {}),
      parameters: sweep?.parameters.map((p) => p.name) ?? Object.keys(job.params),
    },
  });
  return {
    run,
    tracking: {
      logParams: (p) => void run.logParams(p),
      logArtifact: (a) => void run.logArtifact(a),
      logTable: (t) => void run.logTable(t),
    },
    step: (metrics) => {
      const numeric: Record<string, number> = {};
      for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number' && Number.isFinite(v)) numeric[k] = v;
      void run.logMetrics(numeric);
    },
    end: async (end) => {
      const reason = end.status === 'stopped' ? end.reason : end.status === 'failed' ? end.error : undefined;
      await run.setSummary({ 'ff/state': end.status, 'ff/attempt': job.attempt, ...(reason !== undefined ? { 'ff/reason': reason } : {}) });
      await run.finish(stateOf(end));
    },
  };
}

function stateOf(end: TrialEnd): RunState {
  return end.status === 'finished' ? 'finished' : end.status === 'failed' ? 'failed' : 'killed';
}
