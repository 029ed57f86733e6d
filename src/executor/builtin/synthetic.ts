/**
 * `program: ff:synthetic`: a built-in objective for trying the machinery without writing a program
 * (and for the queue benchmarks). It logs `steps` values of `loss` (default 1), sleeping `sleep_ms`
 * between them, and finishes early when told to stop.
 *
 *   loss(step) = Σ over numeric params p (other than steps/sleep_ms) of (p − 0.5)² + 1/step
 *
 * so every sweep over numeric parameters has a known optimum and a learning curve that
 * hyperband can judge. Deterministic: same params, same values.
 */
import type { ParamValue } from '../../core/params.js';
import type { TrialFunction } from '../function.js';

const CONTROL = new Set(['steps', 'sleep_ms']);

function numeric(config: Readonly<Record<string, ParamValue>>, prefix = ''): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const [k, v] of Object.entries(config)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' && !CONTROL.has(name)) out.push([name, v]);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...numeric(v, name));
  }
  return out;
}

function control(config: Readonly<Record<string, ParamValue>>, key: string, fallback: number): number {
  const v = config[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}

export const syntheticObjective: TrialFunction = async (config, ctx) => {
  const steps = Math.max(1, Math.floor(control(config, 'steps', 1)));
  const sleepMs = control(config, 'sleep_ms', 0);
  const base = numeric(config).reduce((s, [, v]) => s + (v - 0.5) ** 2, 0);
  for (let step = 1; step <= steps; step++) {
    if (ctx.shouldStop()) return;
    if (sleepMs > 0) {
      await new Promise<void>((resolve) => {
        // the listener goes when the sleep ends, or a long trial piles up one per step (Node warns at 11)
        const onAbort = (): void => {
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve();
        }, sleepMs);
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
      if (ctx.shouldStop()) return;
    }
    await ctx.report({ step, loss: base + 1 / step });
  }
};
