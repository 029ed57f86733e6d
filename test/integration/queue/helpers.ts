/** Small helpers shared by the queue tests. */
import type { TrialJob } from '../../../src/queue/contract.js';

export interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls `cond` until it holds; fails with `what` after `timeoutMs` (a deadline, not a timing check). */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets the event loop run for a while (so that something that should NOT happen has a chance to). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function trialJob(sweepId: string, number: number, attempt = 1, dispatch = 1): TrialJob {
  return {
    v: 1,
    sweepId,
    trialId: `${sweepId}-t${number}`,
    number,
    attempt,
    dispatch,
    params: { lr: 0.1, depth: number },
    config: {},
    executor: { kind: 'builtin', name: 'noop' },
  };
}

let counter = 0;
/** A sweep id unique within this test process (no `:`). */
export function newSweepId(tag = 's'): string {
  counter++;
  return `${tag}${process.pid.toString(36)}${counter}`;
}
