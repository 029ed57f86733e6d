/**
 * `ff compare` from an MLflow tracking server: the runs of one experiment whose `sweep_id` tag is
 * the sweep's id. MLflow keeps no sweep config, so the sweep's name, metric and parameter names
 * come from the `ff.sweep.*` tags every trial's run carries (src/tracker/mlflow.ts). Each run's
 * latest metric values are one step (enough for final values and `round_k/…` curves, one key per
 * round); params come back as MLflow's strings and are read as numbers or booleans when they look so.
 */
import type { FlatParams, ParamValue } from '../core/params.js';
import type { Goal, TrialState } from '../core/trial.js';
import type { MlflowClient, MlflowRunRecord } from '../tracker/mlflow-client.js';
import type { CompareData, CompareSource, CompareTrial, SweepInfo } from './collect.js';

export function mlflowSource(client: MlflowClient, experimentName: string): CompareSource {
  return {
    location: `${client.where}, experiment '${experimentName}'`,
    sweepIds: async () => {
      const runs = await client.searchRuns({ experimentName });
      return [...new Set(runs.map((r) => r.tags['sweep_id']).filter((id): id is string => id !== undefined))].sort();
    },
    load: async (sweepId) => {
      if (!/^[A-Za-z0-9_.-]+$/.test(sweepId)) return undefined;
      const runs = await client.searchRuns({ experimentName, filter: `tags.sweep_id = '${sweepId}'` });
      if (runs.length === 0) return undefined;
      return fromRuns(sweepId, runs, client.where, experimentName);
    },
  };
}

export function fromRuns(sweepId: string, runs: readonly MlflowRunRecord[], where: string, experimentName: string): CompareData {
  const tags = runs[0]!.tags;
  let names: string[] = [];
  try {
    const parsed: unknown = JSON.parse(tags['ff.sweep.parameters'] ?? '[]');
    if (Array.isArray(parsed)) names = parsed.map(String);
  } catch {
    // a run logged by something else: its params stand in below
  }
  if (names.length === 0) names = Object.keys(runs[0]!.params).sort();
  const metric = tags['ff.sweep.metric'];
  const goal = tags['ff.sweep.goal'];
  const sweep: SweepInfo = {
    ...(tags['ff.sweep.name'] !== undefined ? { name: tags['ff.sweep.name'] } : {}),
    parameters: names.map((name) => ({ name, path: name.split('.') })),
    ...(metric !== undefined ? { metric: { name: metric, goal: (goal === 'minimize' ? 'minimize' : 'maximize') as Goal } } : {}),
  };
  // a retried trial has one run per attempt (`<sweep>-<n>`, `<sweep>-<n>-a2`, …): the last counts
  const byNumber = new Map<number, { attempt: number; run: MlflowRunRecord }>();
  for (const run of runs) {
    const m = /-(\d+)(?:-a(\d+))?$/.exec(run.tags['ff.run_id'] ?? '');
    if (m === null) continue;
    const number = Number(m[1]);
    const attempt = m[2] !== undefined ? Number(m[2]) : 1;
    const seen = byNumber.get(number);
    if (seen === undefined || attempt > seen.attempt) byNumber.set(number, { attempt, run });
  }
  const trials: CompareTrial[] = [...byNumber.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([number, { run }]) => ({
      number,
      state: stateOf(run.status),
      params: paramsOf(run.params, names),
      steps: Object.keys(run.metrics).length > 0 ? [run.metrics] : [],
      ...(run.startTime !== undefined ? { startedAt: new Date(run.startTime).toISOString() } : {}),
      ...(run.endTime !== undefined ? { endedAt: new Date(run.endTime).toISOString() } : {}),
    }));
  return { sweep, meta: { id: sweepId, source: `MLflow at ${where.replace(/^MLflow at /, '')}, experiment '${experimentName}'` }, trials };
}

function stateOf(status: MlflowRunRecord['status']): TrialState {
  switch (status) {
    case 'FINISHED':
      return 'finished';
    case 'FAILED':
      return 'failed';
    case 'KILLED':
      return 'stopped';
    default:
      return 'running';
  }
}

function paramsOf(params: Readonly<Record<string, string>>, names: readonly string[]): FlatParams {
  const out: Record<string, ParamValue> = {};
  for (const name of names) {
    const v = params[name];
    if (v !== undefined) out[name] = valueOf(v);
  }
  return out;
}

/** MLflow params are text (Python's str()): numbers and booleans come back as such. */
function valueOf(s: string): ParamValue {
  if (s === 'True') return true;
  if (s === 'False') return false;
  if (s === 'None') return null;
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}
