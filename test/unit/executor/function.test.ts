import { TrialStoppedError } from '../../../src/core/errors.js';
import { FunctionExecutor, type TrialFunction } from '../../../src/executor/function.js';
import type { ExecutorContext, Metrics, TrialSpec } from '../../../src/executor/types.js';

const trial: TrialSpec = { sweepId: 's', trialId: 's-0', number: 0, attempt: 1, params: { lr: 0.1 }, config: { lr: 0.1 } };

function context(report?: (m: Metrics, i: number) => Promise<void> | void): { ctx: ExecutorContext; reports: Metrics[]; controller: AbortController } {
  const controller = new AbortController();
  const reports: Metrics[] = [];
  let calls = 0;
  const ctx: ExecutorContext = {
    dir: '/tmp/unused',
    signal: controller.signal,
    report: async (m) => {
      const i = calls++;
      await report?.(m, i);
      reports.push(m);
    },
  };
  return { ctx, reports, controller };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('FunctionExecutor', () => {
  it('passes the config, delivers reports in order and waits for un-awaited ones', async () => {
    const { ctx, reports } = context(async (_m, i) => tick(i === 0 ? 30 : 0));
    const seen: unknown[] = [];
    const fn: TrialFunction = (config, c) => {
      seen.push(config, c.trial.trialId, c.dir);
      const m: Record<string, number> = { step: 0 };
      void c.report(m);
      m.step = 1; // the caller reusing its object must not change the step already reported
      void c.report(m);
      void c.report({ step: 2 });
    };
    expect(await new FunctionExecutor(fn).run(trial, ctx)).toEqual({ status: 'finished' });
    expect(seen).toEqual([{ lr: 0.1 }, 's-0', '/tmp/unused']);
    expect(reports).toEqual([{ step: 0 }, { step: 1 }, { step: 2 }]);
  });

  it('lets the function see a failed report, without failing the trial when it is not awaited', async () => {
    const { ctx, reports } = context((_m, i) => {
      if (i === 0) throw new Error('store down');
    });
    let seenError = '';
    const outcome = await new FunctionExecutor(async (_c, c) => {
      await c.report({ step: 0 }).catch((e: Error) => (seenError = e.message));
      void c.report({ step: 1 });
      void c.report({ step: 2 });
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'finished' });
    expect(seenError).toBe('store down');
    expect(reports).toEqual([{ step: 1 }, { step: 2 }]);
  });

  it('is failed with the message when the function throws', async () => {
    const { ctx } = context();
    const outcome = await new FunctionExecutor(() => {
      throw new Error('diverged');
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'failed', error: 'diverged' });
  });

  it('is stopped when the function throws TrialStoppedError after the signal (throwIfStopped)', async () => {
    const { ctx, controller, reports } = context();
    const outcome = await new FunctionExecutor(async (_c, c) => {
      for (let step = 0; ; step++) {
        c.throwIfStopped();
        await c.report({ step });
        if (step === 2) controller.abort('hyperband');
      }
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'stopped', reason: 'hyperband' });
    expect(reports).toHaveLength(3);
  });

  it('is stopped when the function returns after the signal aborted', async () => {
    const { ctx, controller } = context();
    const outcome = await new FunctionExecutor(async (_c, c) => {
      controller.abort('cancel');
      expect(c.shouldStop()).toBe(true);
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'stopped', reason: 'cancel' });
  });

  it('is stopped with its own reason when the function stops itself', async () => {
    const { ctx } = context();
    const outcome = await new FunctionExecutor(() => {
      throw new TrialStoppedError('plateau');
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'stopped', reason: 'plateau' });
  });

  it('treats a TrialStoppedError that lost its prototype (matched by name) as a stop', async () => {
    const { ctx } = context();
    const outcome = await new FunctionExecutor(() => {
      throw Object.assign(new Error('trial stopped: remote'), { name: 'TrialStoppedError', reason: 'remote' });
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'stopped', reason: 'remote' });
  });

  it('treats an AbortError after the signal aborted as a stop', async () => {
    const { ctx, controller } = context();
    const outcome = await new FunctionExecutor(async (_c, c) => {
      const wait = new Promise((_r, reject) =>
        c.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
      );
      controller.abort('user');
      await wait;
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'stopped', reason: 'user' });
  });

  it('does not call the function when the signal is already aborted', async () => {
    const { ctx, controller } = context();
    controller.abort('early');
    let called = false;
    const outcome = await new FunctionExecutor(() => {
      called = true;
    }).run(trial, ctx);
    expect(outcome).toEqual({ status: 'stopped', reason: 'early' });
    expect(called).toBe(false);
  });
});
