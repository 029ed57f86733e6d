/**
 * Synthetic learning curves for early-stopping benchmarks: saturating curves
 * acc(t) = final·(1 − exp(−t/τ)) + ε_t, t = 1..maxSteps, with final, τ and the noise drawn per trial
 * from a seeded {@link Rng}. A trial's curve depends only on (seed, trial number), never on the order
 * trials are run in, so runs with and without early stopping see the same curves.
 *
 * `tradeoff` ρ ∈ [0, 1] couples final and τ through a shared draw z: with ρ = 0 they are independent
 * (fast learners usually also end best, so early values rank trials well); with ρ near 1 slow
 * learners end best (like a small learning rate), curves cross, and early stopping can kill the
 * eventual winner. That is the case that tells stopping rules apart.
 *
 * `maximize` reports acc(t); `minimize` reports 1 − acc(t) (an error rate): the two are mirror
 * images, so a goal-correct rule makes the same decisions for both.
 */
import { Rng } from '../src/core/rng.js';
import type { Goal } from '../src/core/trial.js';

export interface CurveOptions {
  readonly maxSteps: number;
  readonly goal: Goal;
  /** Final accuracy ~ U(finalLow, finalHigh). */
  readonly finalLow?: number;
  readonly finalHigh?: number;
  /** τ ~ log-uniform(tauLow, tauHigh), in steps: small τ saturates early, large τ learns slowly. */
  readonly tauLow?: number;
  readonly tauHigh?: number;
  /** Standard deviation of the per-step noise. */
  readonly noise?: number;
  /** Coupling ρ of final and τ (0 = independent, 1 = the slowest learner ends best). */
  readonly tradeoff?: number;
}

export interface Curve {
  readonly trialNumber: number;
  readonly final: number;
  readonly tau: number;
  /** values[t − 1] is the value reported at step t, in the goal's own sign. */
  readonly values: readonly number[];
}

export function makeCurve(seed: number, trialNumber: number, opts: CurveOptions): Curve {
  const { maxSteps, goal, finalLow = 0.7, finalHigh = 0.95, tauLow = 1, tauHigh = 12, noise = 0.004, tradeoff = 0 } = opts;
  // One string part: multi-part seeds collide in src/core/rng.ts as it stands (Rng(1, 'x', 0) and
  // Rng(0, 'x', 1) give the same stream), which would make different seeds share curves.
  const rng = new Rng(`bench-curve/${seed}/${trialNumber}`);
  const z = rng.random();
  const mix = (u: number): number => tradeoff * z + (1 - tradeoff) * u;
  const final = finalLow + (finalHigh - finalLow) * mix(rng.random());
  const tau = Math.exp(Math.log(tauLow) + (Math.log(tauHigh) - Math.log(tauLow)) * mix(rng.random()));
  const values: number[] = [];
  for (let t = 1; t <= maxSteps; t++) {
    const acc = final * (1 - Math.exp(-t / tau)) + noise * rng.normal();
    values.push(goal === 'maximize' ? acc : 1 - acc);
  }
  return { trialNumber, final, tau, values };
}

export function makeCurves(seed: number, count: number, opts: CurveOptions): Curve[] {
  return Array.from({ length: count }, (_, i) => makeCurve(seed, i, opts));
}
