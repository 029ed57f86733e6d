/**
 * What a consumer checks before it hands a job to its processor. A job comes from another process
 * (possibly another release of feature-forge), so it is checked once, here, at the boundary.
 */
import { CONTRACT_VERSION } from './contract.js';
import type { TrialJob } from './contract.js';

/** The message a job of an unknown contract version fails with. */
export function unsupportedVersionMessage(v: unknown): string {
  const shown = typeof v === 'number' || typeof v === 'string' ? String(v) : '(none)';
  return `job contract v${shown} not supported by this worker (supports v${CONTRACT_VERSION}): upgrade the worker`;
}

/** Returns why `data` cannot be processed by a consumer of `sweepId`, or `undefined` if it can. */
export function jobProblem(data: unknown, sweepId: string): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return `job data is not an object (got ${data === null ? 'null' : typeof data}): not a feature-forge trial job`;
  }
  const d = data as Partial<Record<keyof TrialJob, unknown>>;
  if (d.v !== CONTRACT_VERSION) return unsupportedVersionMessage(d.v);
  if (d.sweepId !== sweepId) {
    return `job for sweep ${JSON.stringify(d.sweepId)} reached the queue of sweep ${JSON.stringify(sweepId)}`;
  }
  if (typeof d.trialId !== 'string' || typeof d.number !== 'number' || typeof d.params !== 'object' || d.params === null) {
    return 'job data lacks trialId, number or params: not a v1 trial job';
  }
  return undefined;
}
