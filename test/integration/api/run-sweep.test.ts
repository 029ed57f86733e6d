/** The library entry point: a whole sweep in this process with an in-process objective. */
import { runSweep, resolveSweepObject, TrialStoppedError } from '../../../src/api.js';

describe('runSweep (TypeScript API)', () => {
  it('runs a grid over an in-process objective, reporting steps like wandb.log', async () => {
    const sweep = resolveSweepObject({
      method: 'grid',
      metric: { name: 'loss', goal: 'minimize' },
      parameters: { lr: { values: [0.1, 0.01] }, opt: { parameters: { name: { values: ['adam', 'sgd'] } } } },
    });
    const seen: unknown[] = [];
    const result = await runSweep({
      sweep,
      seed: 3,
      parallel: 2,
      objective: async (config, ctx) => {
        seen.push(config);
        const opt = config.opt as { name: string };
        for (let step = 1; step <= 3; step++) await ctx.report({ loss: (config.lr as number) * step + (opt.name === 'sgd' ? 1 : 0) });
      },
    });
    expect(result.meta.state).toBe('finished');
    expect(result.trials).toHaveLength(4);
    expect(result.trials.map((t) => [t.params.lr, t.params['opt.name']])).toEqual([
      [0.1, 'adam'], [0.1, 'sgd'], [0.01, 'adam'], [0.01, 'sgd'],
    ]);
    expect(seen).toContainEqual({ lr: 0.01, opt: { name: 'adam' } });
    expect(result.trials.every((t) => t.state === 'finished' && t.steps === 3)).toBe(true);
    expect(result.best?.trial.params).toEqual({ lr: 0.01, 'opt.name': 'adam' });
    expect(result.best?.value).toBeCloseTo(0.01);
  });

  it('stops trials through the signal with hyperband, and records failures', async () => {
    const sweep = resolveSweepObject({
      method: 'grid',
      metric: { name: 'loss', goal: 'minimize' },
      early_terminate: { type: 'hyperband', min_iter: 1 },
      parameters: { x: { values: [0, 1, 2, 3, 99] } },
    });
    const result = await runSweep({
      sweep,
      seed: 0,
      objective: async (config, ctx) => {
        if (config.x === 99) throw new Error('diverged');
        for (let step = 1; step <= 20; step++) {
          await ctx.report({ loss: (config.x as number) + 1 / step });
          ctx.throwIfStopped();
        }
      },
    });
    const byX = new Map(result.trials.map((t) => [t.params.x, t]));
    expect(byX.get(0)!.state).toBe('finished');
    expect(byX.get(3)!.state).toBe('stopped');
    expect(byX.get(3)!.steps).toBeLessThan(20);
    expect(byX.get(3)!.stopReason).toMatch(/hyperband/);
    expect(byX.get(99)!.state).toBe('failed');
    expect(byX.get(99)!.error).toMatch(/diverged/);
    expect(new TrialStoppedError('x').name).toBe('TrialStoppedError');
  });

  it('cancels the sweep when the caller aborts', async () => {
    const sweep = resolveSweepObject({ method: 'random', metric: { name: 'loss' }, run_cap: 50, parameters: { x: { min: 0.0, max: 1.0 } } });
    const abort = new AbortController();
    const result = await runSweep({
      sweep,
      seed: 1,
      signal: abort.signal,
      objective: async (_config, ctx) => {
        abort.abort('enough');
        while (!ctx.shouldStop()) await new Promise((r) => setTimeout(r, 5));
      },
    });
    expect(result.meta.state).toBe('cancelled');
    expect(result.trials.length).toBeLessThan(50);
    expect(result.trials.every((t) => t.state === 'stopped')).toBe(true);
  });
});
