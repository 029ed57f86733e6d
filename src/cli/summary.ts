/** Summaries of a sweep for `ff run` and `ff status`: the JSON shape and its table rendering. */
import type { ResolvedSweep } from '../config/types.js';
import { nestParams, type ParamValue } from '../core/params.js';
import type { TrialRecord } from '../core/trial.js';
import { bestTrial } from '../coordinator/policy.js';
import { countStates, type SweepMeta, type TrialDetail } from '../coordinator/types.js';
import { fmtNumber, fmtValue, table } from './output.js';

export interface TrialSummary {
  number: number;
  id: string;
  state: string;
  params: Record<string, ParamValue>;
  value: number | null;
  steps: number;
  attempt: number;
  worker: string | null;
  stop_explanation: string | null;
  error: string | null;
}

export interface SweepSummary {
  sweep_id: string;
  name: string | null;
  source: string;
  method: string;
  metric: { name: string; goal: string; target?: number } | null;
  seed: number;
  state: string;
  ended_reason: string | null;
  location: string;
  counts: Record<string, number>;
  trials: TrialSummary[];
  best: { number: number; value: number; params: Record<string, ParamValue> } | null;
}

export function trialSummary(sweep: ResolvedSweep, t: TrialDetail): TrialSummary {
  return {
    number: t.number,
    id: t.id,
    state: t.state,
    params: nestParams(sweep.parameters, t.params),
    value: t.value ?? null,
    steps: t.steps,
    attempt: t.attempt,
    worker: t.worker ?? null,
    stop_explanation: t.stopReason ?? t.decision?.explanation ?? null,
    error: t.error === undefined ? null : t.stderrTail ? `${t.error}\n${t.stderrTail}` : t.error,
  };
}

/** `location`: the runs folder of a local sweep, or `redis <url> prefix <p>`. */
export function sweepSummary(sweep: ResolvedSweep, meta: SweepMeta, trials: readonly TrialDetail[], location: string): SweepSummary {
  const best = bestTrial(sweep, trials);
  return {
    sweep_id: meta.id,
    name: sweep.name ?? null,
    source: meta.source,
    method: sweep.method,
    metric: sweep.metric ? { name: sweep.metric.name, goal: sweep.metric.goal, ...(sweep.metric.target !== undefined ? { target: sweep.metric.target } : {}) } : null,
    seed: meta.seed,
    state: meta.state,
    ended_reason: meta.endedReason ?? null,
    location,
    counts: countStates(trials),
    trials: trials.map((t) => trialSummary(sweep, t)),
    best: best ? { number: best.trial.number, value: best.value, params: nestParams(sweep.parameters, best.trial.params) } : null,
  };
}

export function progressText(sweep: ResolvedSweep, trials: readonly TrialRecord[], elapsedMs: number): string {
  const c = countStates(trials);
  const best = bestTrial(sweep, trials);
  const cap = sweep.runCap !== undefined ? `/${sweep.runCap}` : '';
  const bestText = best && sweep.metric ? ` · best ${sweep.metric.name} ${fmtNumber(best.value)} (trial ${best.trial.number})` : '';
  return `${trials.length}${cap} trials · ${c.running} running · ${c.finished} done · ${c.stopped} stopped · ${c.failed} failed${bestText} · ${Math.round(elapsedMs / 1000)}s`;
}

export function describeTrialEnd(sweep: ResolvedSweep, t: TrialDetail): string {
  const value = t.value !== undefined && sweep.metric ? ` ${sweep.metric.name}=${fmtNumber(t.value)}` : '';
  const why = t.state === 'failed' ? `: ${t.error ?? 'failed'}` : '';
  return `trial ${t.number} ${t.state}${value} (${t.steps} steps)${why}`;
}

export function trialsTable(sweep: ResolvedSweep, trials: readonly TrialDetail[], withExplanation: boolean, withWorker = false): string {
  const names = sweep.parameters.filter((p) => p.distribution !== 'constant').map((p) => p.name);
  const metric = sweep.metric?.name ?? 'value';
  const header = ['#', 'state', metric, 'steps', ...(withWorker ? ['worker', 'attempt'] : []), ...names, ...(withExplanation ? ['why'] : [])];
  const rows = trials.map((t) => [
    String(t.number),
    t.state,
    fmtNumber(t.value),
    String(t.steps),
    ...(withWorker ? [t.worker ?? '', String(t.attempt)] : []),
    ...names.map((n) => fmtValue(t.params[n])),
    ...(withExplanation ? [shortWhy(t)] : []),
  ]);
  return table(header, rows);
}

/** One short cell for tables; the full sentence is in `ff status --json`. */
function shortWhy(t: TrialDetail): string {
  if (t.state === 'failed') return firstLine(t.error ?? 'failed');
  if (t.state !== 'stopped') return '';
  const d = t.decision;
  if (d?.stop && d.band !== undefined && d.threshold !== undefined && d.value !== undefined) {
    return `hyperband band ${d.band}: ${fmtNumber(d.value)} worse than ${fmtNumber(d.threshold)}`;
  }
  return firstLine(t.stopReason ?? 'stopped');
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 70 ? `${line.slice(0, 69)}…` : line;
}

/** `statusHint`: the command that shows this sweep again (it depends on where it is kept). */
export function printSummary(out: NodeJS.WritableStream, sweep: ResolvedSweep, trials: readonly TrialDetail[], s: SweepSummary, statusHint: string): void {
  out.write(`\n${trialsTable(sweep, trials, true)}\n\n`);
  const c = s.counts;
  out.write(`sweep ${s.sweep_id} ${s.state}${s.ended_reason ? `: ${s.ended_reason}` : ''}\n`);
  out.write(`trials: ${c.finished} finished, ${c.stopped} stopped, ${c.failed} failed\n`);
  if (s.best && sweep.metric) {
    out.write(`best: trial ${s.best.number}, ${sweep.metric.name} = ${fmtNumber(s.best.value)}, params ${JSON.stringify(s.best.params)}\n`);
  }
  out.write(`details: ${statusHint} (kept in ${s.location})\n`);
}
