/**
 * The function executor: runs a trial as an in-process async function (the TypeScript API's
 * counterpart of `wandb.agent(sweep_id, function=f)`). Same reporting contract as the command
 * executor: each `report` is one logged step, delivered in order.
 *
 * Stopping is cooperative (a function cannot be killed from outside): the function sees
 * `signal` / `shouldStop()` and either throws {@link TrialStoppedError} (see `throwIfStopped`) or
 * returns. A function that ignores the signal keeps `run` waiting until it returns.
 */
import { TrialStoppedError, describeError, isTrialStopped } from '../core/errors.js';
import type { Executor, ExecutorContext, Metrics, TrialOutcome, TrialSpec, TrialTracking } from './types.js';

export interface TrialFunctionContext {
  /** Logs one step; resolves once it is stored, rejects if it could not be. Awaiting is optional. */
  report(metrics: Metrics): Promise<void>;
  /** Aborted when the trial must stop; `reason` says why. */
  readonly signal: AbortSignal;
  readonly trial: TrialSpec;
  /** Directory where the trial may write files. */
  readonly dir: string;
  /** Params, artifacts and tables for the trial's tracked run (a no-op when nothing tracks it). */
  readonly tracking: TrialTracking;
  /** True once the trial has been told to stop. */
  shouldStop(): boolean;
  /** Throws a {@link TrialStoppedError} if the trial has been told to stop. */
  throwIfStopped(): void;
}

export type TrialFunction = (config: TrialSpec['config'], ctx: TrialFunctionContext) => Promise<void> | void;

const UNTRACKED: TrialTracking = { logParams: () => undefined, logArtifact: () => undefined, logTable: () => undefined };

function stopReason(signal: AbortSignal): string {
  return String(signal.reason ?? 'stopped');
}

export class FunctionExecutor implements Executor {
  constructor(private readonly fn: TrialFunction) {}

  async run(trial: TrialSpec, ctx: ExecutorContext): Promise<TrialOutcome> {
    if (ctx.signal.aborted) return { status: 'stopped', reason: stopReason(ctx.signal) };
    let chain: Promise<unknown> = Promise.resolve();
    const report = (metrics: Metrics): Promise<void> => {
      const step = { ...metrics }; // the caller may reuse its object before the step is delivered
      const done = chain.then(() => ctx.report(step));
      chain = done.catch(() => undefined);
      // Marked handled so an un-awaited failed report does not crash the process; an `await` still sees it.
      done.catch(() => undefined);
      return done;
    };
    const fctx: TrialFunctionContext = {
      report,
      signal: ctx.signal,
      trial,
      dir: ctx.dir,
      tracking: ctx.tracking ?? UNTRACKED,
      shouldStop: () => ctx.signal.aborted,
      throwIfStopped: () => {
        if (ctx.signal.aborted) throw new TrialStoppedError(stopReason(ctx.signal));
      },
    };

    let thrown: { error: unknown } | undefined;
    try {
      await this.fn(trial.config, fctx);
    } catch (error) {
      thrown = { error };
    }
    await chain;

    if (thrown === undefined) {
      return ctx.signal.aborted ? { status: 'stopped', reason: stopReason(ctx.signal) } : { status: 'finished' };
    }
    const err = thrown.error;
    if (isTrialStopped(err)) {
      const own = (err as { reason?: unknown }).reason;
      return { status: 'stopped', reason: ctx.signal.aborted ? stopReason(ctx.signal) : String(own ?? describeError(err)) };
    }
    // An abort that surfaced as the signal's own reason or an AbortError (fetch, timers) is a stop too.
    if (ctx.signal.aborted && (err === ctx.signal.reason || (err as { name?: unknown } | null)?.name === 'AbortError')) {
      return { status: 'stopped', reason: stopReason(ctx.signal) };
    }
    return { status: 'failed', error: describeError(err) };
  }
}
