/**
 * W&B distributions mapped into TPE's search space (Optuna's Float/Int/CategoricalDistribution
 * and their internal representation, optuna/distributions.py; semantics only).
 *
 * Mapping (what each W&B form becomes, in the space the Parzen estimator models):
 *  - uniform                                → float [min, max]
 *  - log_uniform_values, inv_log_uniform_values → log float [min, max] (same distribution in W&B)
 *  - log_uniform (v1, exponents)            → log float [e^min, e^max]
 *  - inv_log_uniform (v1, exponents)        → log float [e^−max, e^−min]
 *  - int_uniform                            → int, step 1, [min, max]
 *  - q_uniform                              → stepped: the multiples of q inside [min, max]; output
 *                                             an int when q was written as an int
 *  - q_log_uniform(_values)                 → log float on the continuous range, then quantized on output
 *  - categorical                            → categorical over the values (internal = index)
 *  - categorical_w_probabilities            → categorical over the values with probability > 0 (TPE's
 *                                             prior over them is uniform, as Optuna's is)
 *  - normal, log_normal, beta and q_ forms  → the quantile u = CDF(x) is modelled as a float on [0,1];
 *                                             output ppf(spec, u). Their priors are unbounded or not
 *                                             uniform, so u is the one coordinate in which TPE's
 *                                             bounded, flat prior kernel matches the W&B prior.
 *                                             Observed values map back through the CDF.
 *  - constant                               → not a dimension; emitted as is.
 *  A dimension with one possible value (one categorical value, one multiple of q, sigma = 0) is
 *  `single` and emitted as is, as Optuna drops `single()` distributions from the search space.
 *
 * Observed values: a value the space cannot hold (a categorical value not among the values, a
 * non-number, a number outside the range) maps to NaN, meaning "this trial does not have the
 * parameter" (Optuna's intersection search space then leaves that parameter to independent TPE).
 * Quantized forms are lenient: W&B rounds without clipping, so a random draw may sit up to q/2
 * outside [min, max]; such values are snapped to the nearest point of the TPE space.
 */
import { canonicalValue } from '../../core/params.js';
import type { ParamSpec, ParamValue } from '../../core/params.js';
import { betaCdf } from '../../core/special.js';
import { ppf, quantize, roundHalfEven } from '../distributions.js';
import { ndtr } from './gauss.js';

export interface NumericModel {
  readonly kind: 'numeric';
  /** Bounds of the internal (untransformed) value. */
  readonly low: number;
  readonly high: number;
  /** 0 for continuous; the grid spacing for int/stepped. */
  readonly step: number;
  /** Model in ln space. */
  readonly log: boolean;
}
export interface CategoricalModel {
  readonly kind: 'categorical';
  readonly nChoices: number;
}
export type DimModel = NumericModel | CategoricalModel;

export interface Dimension {
  readonly spec: ParamSpec;
  readonly model: DimModel;
  /** Internal value of an observed parameter value, NaN if the space cannot hold it. */
  toInternal(v: ParamValue | undefined): number;
  /** Parameter value for an internal value drawn by TPE. */
  toExternal(x: number): ParamValue;
}

/** A parameter that TPE does not search: constants and one-valued dimensions. */
export interface Fixed {
  readonly spec: ParamSpec;
  readonly value: ParamValue;
}

export interface TpeSpace {
  /** Every parameter of the sweep in sweep order: a searched dimension or a fixed value. */
  readonly entries: ReadonlyArray<{ readonly dim: Dimension } | { readonly fixed: Fixed }>;
  readonly dims: readonly Dimension[];
}

/** Relative tolerance for "inside the range" and "a multiple of q" (float noise from ppf). */
const TOL = 1e-9;
/** Quantiles are kept off 0 and 1 for the output, where normal/log-normal ppfs are infinite. */
const U_MIN = 1e-15;

function num(v: ParamValue | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** v inside [lo, hi] up to float noise (then clipped), else NaN. */
function inRange(v: number, lo: number, hi: number): number {
  const tol = TOL * Math.max(1, Math.abs(lo), Math.abs(hi));
  if (!(v >= lo - tol && v <= hi + tol)) return NaN;
  return v < lo ? lo : v > hi ? hi : v;
}

function floatDim(spec: ParamSpec, low: number, high: number, log: boolean, out?: (x: number) => ParamValue): Dimension {
  return {
    spec,
    model: { kind: 'numeric', low, high, step: 0, log },
    toInternal: (v) => inRange(num(v), low, high),
    toExternal: out ?? ((x) => x),
  };
}

/** Continuous range, quantized on output; observations are clipped into the range (within q). */
function quantizedFloatDim(spec: ParamSpec, low: number, high: number, log: boolean, q: number, asInt: boolean): Dimension {
  return {
    spec,
    model: { kind: 'numeric', low, high, step: 0, log },
    toInternal: (v) => {
      const x = num(v);
      // rounding moves a value by at most q/2 (and never below 0 for log forms)
      const slack = (q / 2) * (1 + TOL);
      if (!(x >= Math.max(log ? 0 : -Infinity, low - slack) && x <= high + slack)) return NaN;
      return x < low ? low : x > high ? high : x;
    },
    toExternal: (x) => quantize(x, q, asInt),
  };
}

function categoricalDim(spec: ParamSpec, values: readonly ParamValue[]): Dimension | Fixed {
  if (values.length === 1) return { spec, value: values[0]! };
  // Primitive keys first (Map compares numbers by value: 3 and 3.0 are one key, as W&B's canonical
  // hash has it); structured values by their canonical form.
  const primitive = new Map<ParamValue, number>();
  const structured = new Map<string, number>();
  values.forEach((v, i) => {
    if (v !== null && typeof v === 'object') {
      const key = canonicalValue(v);
      if (!structured.has(key)) structured.set(key, i);
    } else if (!primitive.has(v)) primitive.set(v, i);
  });
  return {
    spec,
    model: { kind: 'categorical', nChoices: values.length },
    toInternal: (v) => {
      if (v === undefined) return NaN;
      const i = v !== null && typeof v === 'object' ? structured.get(canonicalValue(v)) : primitive.get(v);
      return i === undefined ? NaN : i;
    },
    toExternal: (x) => values[x]!,
  };
}

/** Multiples k·q of q inside [min, max]; observed multiples that W&B's rounding put just outside are snapped in. */
function steppedDim(spec: ParamSpec, min: number, max: number, q: number, asInt: boolean): Dimension | Fixed {
  let kLow = Math.ceil(min / q - TOL) + 0; // + 0: no −0 bounds
  let kHigh = Math.floor(max / q + TOL) + 0;
  const kRoundLow = roundHalfEven(min / q);
  const kRoundHigh = roundHalfEven(max / q);
  if (kLow > kHigh) kLow = kHigh = kRoundLow; // no multiple inside: the one W&B rounds to
  if (kLow === kHigh) return { spec, value: quantize(kLow * q, q, asInt) };
  return {
    spec,
    model: { kind: 'numeric', low: kLow * q, high: kHigh * q, step: q, log: false },
    toInternal: (v) => {
      const x = num(v) / q;
      const k = Math.round(x);
      if (!(Math.abs(x - k) <= 1e-6 * Math.max(1, Math.abs(k)))) return NaN;
      if (k < Math.min(kLow, kRoundLow) || k > Math.max(kHigh, kRoundHigh)) return NaN;
      return (k < kLow ? kLow : k > kHigh ? kHigh : k) * q;
    },
    toExternal: (x) => quantize(x, q, asInt),
  };
}

/** Quantile dimension: u = cdf(x) on [0, 1]; output ppf(spec, u). */
function quantileDim(spec: ParamSpec, cdf: (x: number) => number, lowX: number, highX: number): Dimension {
  return {
    spec,
    model: { kind: 'numeric', low: 0, high: 1, step: 0, log: false },
    toInternal: (v) => {
      let x = num(v);
      if (Number.isNaN(x)) return NaN;
      if (x < lowX || x > highX) {
        // quantized forms can round up to q/2 past the support (e.g. a q_beta value of 1.05)
        const slack = 'q' in spec ? (spec.q / 2) * (1 + TOL) : 0;
        if (x < lowX - slack || x > highX + slack) return NaN;
        x = x < lowX ? lowX : highX;
      }
      const u = cdf(x);
      return Number.isFinite(u) ? (u < 0 ? 0 : u > 1 ? 1 : u) : NaN;
    },
    toExternal: (u) => ppf(spec, u < U_MIN ? U_MIN : u > 1 - U_MIN ? 1 - U_MIN : u),
  };
}

function toEntry(spec: ParamSpec): Dimension | Fixed {
  switch (spec.distribution) {
    case 'constant':
      return { spec, value: spec.value };
    case 'categorical':
      return categoricalDim(spec, spec.values);
    case 'categorical_w_probabilities':
      return categoricalDim(spec, spec.values.filter((_, i) => spec.probabilities[i]! > 0));
    case 'int_uniform':
      return {
        spec,
        model: { kind: 'numeric', low: spec.min, high: spec.max, step: 1, log: false },
        toInternal: (v) => {
          const x = num(v);
          const k = Math.round(x);
          return Math.abs(x - k) <= TOL * Math.max(1, Math.abs(k)) && k >= spec.min && k <= spec.max ? k : NaN;
        },
        toExternal: (x) => Math.round(x),
      };
    case 'uniform':
      return floatDim(spec, spec.min, spec.max, false);
    case 'log_uniform_values':
    case 'inv_log_uniform_values':
      return floatDim(spec, spec.min, spec.max, true);
    case 'log_uniform':
      return floatDim(spec, Math.exp(spec.min), Math.exp(spec.max), true);
    case 'inv_log_uniform':
      return floatDim(spec, Math.exp(-spec.max), Math.exp(-spec.min), true);
    case 'q_uniform':
      return steppedDim(spec, spec.min, spec.max, spec.q, spec.qIsInt);
    case 'q_log_uniform':
      return quantizedFloatDim(spec, Math.exp(spec.min), Math.exp(spec.max), true, spec.q, spec.qIsInt);
    case 'q_log_uniform_values':
      return quantizedFloatDim(spec, spec.min, spec.max, true, spec.q, spec.qIsInt);
    case 'normal':
    case 'q_normal': {
      const { mu, sigma } = spec;
      if (!(sigma > 0)) return { spec, value: ppf(spec, 0.5) };
      return quantileDim(spec, (x) => ndtr((x - mu) / sigma), -Infinity, Infinity);
    }
    case 'log_normal':
    case 'q_log_normal': {
      const { mu, sigma } = spec;
      if (!(sigma > 0)) return { spec, value: ppf(spec, 0.5) };
      // ln 0 = −∞ gives u = 0, which a quantized log-normal can produce (values rounded down to 0)
      return quantileDim(spec, (x) => ndtr((Math.log(x) - mu) / sigma), 0, Infinity);
    }
    case 'beta':
    case 'q_beta': {
      const { a, b } = spec;
      return quantileDim(spec, (x) => betaCdf(x, a, b), 0, 1);
    }
  }
}

/** The TPE space of a sweep's parameters, in sweep order. */
export function buildSpace(specs: readonly ParamSpec[]): TpeSpace {
  const entries: Array<{ dim: Dimension } | { fixed: Fixed }> = [];
  const dims: Dimension[] = [];
  for (const spec of specs) {
    const e = toEntry(spec);
    if ('model' in e) {
      entries.push({ dim: e });
      dims.push(e);
    } else entries.push({ fixed: e });
  }
  return { entries, dims };
}
