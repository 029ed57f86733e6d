/**
 * Plain-string encodings shared by the Redis store (hash fields ↔ records) and, where it helps, the
 * memory store. Hash fields hold strings only; JSON fields are parsed leniently so one corrupt field
 * never hides a whole sweep.
 */
import type { ResolvedSweep } from '../config/types.js';
import type { FlatParams } from '../core/params.js';
import type { TrialState } from '../core/trial.js';
import type { StopDecision } from '../early-stop/types.js';
import type { StoreEvent } from '../coordinator/store.js';
import type { SweepMeta, SweepState, TrialDetail } from '../coordinator/types.js';

/** A trial as the stores return it: the {@link TrialDetail} with its current dispatch always set. */
export interface StoredTrial extends TrialDetail {
  dispatch: number;
}

export function trialId(sweepId: string, number: number): string {
  return `${sweepId}-${number}`;
}

/** Optional strings cross into Lua flagged: '' = absent, else one marker character and the value. */
export function flag(value: string | undefined): string {
  return value === undefined ? '' : `=${value}`;
}

function json<T>(s: string | undefined): T | undefined {
  if (s === undefined || s === '') return undefined;
  try {
    return JSON.parse(s) as T;
  } catch {
    return undefined;
  }
}

/** A flat [field, value, …] reply as a record. */
export function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

export function decodeTrial(sweepId: string, h: Readonly<Record<string, string>>, hist: readonly string[]): StoredTrial | undefined {
  if (h.number === undefined || h.state === undefined) return undefined;
  const number = Number(h.number);
  const state = h.state as TrialState;
  const t: StoredTrial = {
    id: trialId(sweepId, number),
    sweepId,
    number,
    state,
    params: json<FlatParams>(h.params) ?? {},
    metricHistory: hist.map(Number),
    attempt: Number(h.attempt ?? 1),
    dispatch: Number(h.dispatch ?? 1),
    createdAt: h.createdAt ?? '',
    steps: Number(h.steps ?? 0),
  };
  if (h.startedAt !== undefined) t.startedAt = h.startedAt;
  if (h.endedAt !== undefined) t.endedAt = h.endedAt;
  const last = json<Record<string, unknown>>(h.lastMetrics);
  if (last !== undefined) t.lastMetrics = last;
  if (h.value !== undefined) t.value = Number(h.value);
  const decision = json<StopDecision>(h.decision);
  if (decision !== undefined) t.decision = decision;
  // A running trial told to stop shows why while it winds down (as `ff run` does).
  const stopReason = h.stopReason ?? (state === 'running' ? h.stopRequested : undefined);
  if (stopReason !== undefined) t.stopReason = stopReason;
  if (h.error !== undefined) t.error = h.error;
  if (h.exitCode !== undefined) t.exitCode = h.exitCode === 'null' ? null : Number(h.exitCode);
  if (h.stderrTail !== undefined) t.stderrTail = h.stderrTail;
  const suggestion = json<Record<string, unknown>>(h.suggestion);
  if (suggestion !== undefined) t.suggestion = suggestion;
  if (h.worker !== undefined) t.worker = h.worker;
  return t;
}

export const META_FIELDS = ['id', 'source', 'seed', 'createdAt', 'state', 'endedReason', 'endedAt'] as const;

/** Meta from the values of {@link META_FIELDS} (HMGET order; null = absent). */
export function decodeMeta(values: ReadonlyArray<string | null | undefined>): SweepMeta | undefined {
  const [id, source, seed, createdAt, state, endedReason, endedAt] = values;
  if (id == null || state == null) return undefined;
  const meta: SweepMeta = { id, source: source ?? '', seed: Number(seed ?? 0), createdAt: createdAt ?? '', state: state as SweepState };
  if (endedReason != null) meta.endedReason = endedReason;
  if (endedAt != null) meta.endedAt = endedAt;
  return meta;
}

export function decodeSweep(s: string | undefined): ResolvedSweep | undefined {
  return json<ResolvedSweep>(s);
}

export function decodeEvent(s: string): StoreEvent | undefined {
  const e = json<StoreEvent>(s);
  return e !== undefined && typeof e === 'object' && e !== null && typeof e.type === 'string' ? e : undefined;
}

/** A finite metric value as exact JavaScript text, or '' (JSON-safe: no NaN/Infinity). */
export function encodeValue(v: number | undefined): string {
  return v !== undefined && Number.isFinite(v) ? String(v) : '';
}

/** What the worker liveness key holds: a change here is worth a `changed` event. */
export function workerShape(info: { readonly concurrency: number; readonly sweeps?: readonly string[] }): string {
  return `${info.concurrency}|${info.sweeps === undefined ? '*' : JSON.stringify(info.sweeps)}`;
}
