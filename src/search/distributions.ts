/**
 * W&B's parameter distributions as inverse CDFs (ppf), and random draws through them.
 *
 * Source: wandb/sweeps `src/sweeps/params.py` (HyperParameter.ppf and the v1 helper ppfs), semantics
 * only, as summarised in shared/reference/sweeps-semantics.md §1.3: random search draws one uniform u
 * per parameter and returns ppf(u); quantized forms use numpy's round (half to even) and yield ints
 * when q was written as an int; the deprecated "v1" log forms take natural-log exponents as bounds.
 */
import type { ParamSpec, ParamValue } from '../core/params.js';
import type { Rng } from '../core/rng.js';
import { betaPpf, normalPpf } from '../core/special.js';

/** numpy's `round`: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Quantize as W&B: round-half-even(x/q)·q; integer output when `asInt` (q written as an int). */
export function quantize(x: number, q: number, asInt: boolean): number {
  const v = roundHalfEven(x / q) * q;
  // numpy's astype(int) truncates; `+ 0` turns −0 into 0 so canonical values and printing agree.
  return (asInt ? Math.trunc(v) : v) + 0;
}

/** Index ⌈u·K⌉−1 (scipy's randint.ppf), clamped against u·K rounding to K. */
function uniformIndex(u: number, k: number): number {
  return Math.min(k - 1, Math.max(0, Math.ceil(u * k) - 1));
}

/** W&B's inverse CDF: the value for quantile u in (0,1). Constants return their value; categorical u→index ⌈u·K⌉−1. */
export function ppf(spec: ParamSpec, u: number): ParamValue {
  switch (spec.distribution) {
    case 'constant':
      return spec.value;
    case 'categorical':
      return spec.values[uniformIndex(u, spec.values.length)]!;
    case 'categorical_w_probabilities': {
      let cum = 0;
      for (let i = 0; i < spec.probabilities.length; i++) {
        cum += spec.probabilities[i]!;
        if (cum > u) return spec.values[i]!;
      }
      // Probabilities sum to 1 only within isclose; numpy's argmax would fall back to index 0 here,
      // the last value is the one the cumulative mass was about to reach.
      return spec.values[spec.values.length - 1]!;
    }
    case 'int_uniform':
      return spec.min + uniformIndex(u, spec.max - spec.min + 1);
    case 'uniform':
      return spec.min + u * (spec.max - spec.min);
    case 'q_uniform':
      return quantize(spec.min + u * (spec.max - spec.min), spec.q, spec.qIsInt);
    case 'log_uniform':
      return Math.exp(spec.min + u * (spec.max - spec.min));
    case 'q_log_uniform':
      return quantize(Math.exp(spec.min + u * (spec.max - spec.min)), spec.q, spec.qIsInt);
    case 'log_uniform_values':
    case 'inv_log_uniform_values':
      // identical ppf: "inverse" only changes how the bounds are written
      return logUniformValues(spec.min, spec.max, u);
    case 'q_log_uniform_values':
      return quantize(logUniformValues(spec.min, spec.max, u), spec.q, spec.qIsInt);
    case 'inv_log_uniform':
      // ln(1/X) ~ U(min, max), increasing in u
      return Math.exp(-(spec.min + (1 - u) * (spec.max - spec.min)));
    case 'normal':
      return spec.mu + spec.sigma * normalPpf(u);
    case 'q_normal':
      return quantize(spec.mu + spec.sigma * normalPpf(u), spec.q, spec.qIsInt);
    case 'log_normal':
      return Math.exp(spec.mu + spec.sigma * normalPpf(u));
    case 'q_log_normal':
      return quantize(Math.exp(spec.mu + spec.sigma * normalPpf(u)), spec.q, spec.qIsInt);
    case 'beta':
      return betaPpf(u, spec.a, spec.b);
    case 'q_beta':
      return quantize(betaPpf(u, spec.a, spec.b), spec.q, spec.qIsInt);
  }
}

function logUniformValues(min: number, max: number, u: number): number {
  const lo = Math.log(min);
  return Math.exp(lo + u * (Math.log(max) - lo));
}

/** One random draw, as W&B random search does it: ppf(u) with u uniform in (0,1). */
export function sample(spec: ParamSpec, rng: Rng): ParamValue {
  // Constants consume no randomness, so adding one does not shift the other parameters' draws.
  if (spec.distribution === 'constant') return spec.value;
  return ppf(spec, rng.randomOpen());
}
