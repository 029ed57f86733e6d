/**
 * Parameters and distributions: the vocabulary shared by config, search and executors.
 * No I/O here. Semantics follow W&B's sweep config (see ../shared/reference/sweeps-semantics.md §1.3).
 */

/** A value a parameter can take: anything YAML/JSON can express. */
export type ParamValue = null | boolean | number | string | ParamValue[] | { [key: string]: ParamValue };

/** Flat parameter assignment: key = the parameter's dotted name (see {@link ParamSpec.name}). */
export type FlatParams = Readonly<Record<string, ParamValue>>;

/** Every distribution W&B documents (plus the inferred `categorical_w_probabilities`). */
export const DISTRIBUTIONS = [
  'constant',
  'categorical',
  'categorical_w_probabilities',
  'int_uniform',
  'uniform',
  'q_uniform',
  'log_uniform',
  'log_uniform_values',
  'q_log_uniform',
  'q_log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'q_normal',
  'log_normal',
  'q_log_normal',
  'beta',
  'q_beta',
] as const;
export type DistributionName = (typeof DISTRIBUTIONS)[number];

interface SpecBase {
  /** Dotted name, unique in the sweep: `optimizer.lr` for a nested group. Display and map key. */
  readonly name: string;
  /** The same name as a path, used to rebuild nested config (names may themselves contain dots). */
  readonly path: readonly string[];
}

export interface ConstantSpec extends SpecBase {
  readonly distribution: 'constant';
  readonly value: ParamValue;
}
export interface CategoricalSpec extends SpecBase {
  readonly distribution: 'categorical';
  readonly values: readonly ParamValue[];
}
export interface WeightedCategoricalSpec extends SpecBase {
  readonly distribution: 'categorical_w_probabilities';
  readonly values: readonly ParamValue[];
  readonly probabilities: readonly number[];
}
export interface IntUniformSpec extends SpecBase {
  readonly distribution: 'int_uniform';
  readonly min: number;
  readonly max: number;
}
/** Continuous with bounds. For the deprecated v1 log forms, min/max are natural-log exponents. */
export interface BoundedSpec extends SpecBase {
  readonly distribution:
    | 'uniform'
    | 'log_uniform'
    | 'log_uniform_values'
    | 'inv_log_uniform'
    | 'inv_log_uniform_values';
  readonly min: number;
  readonly max: number;
}
export interface QBoundedSpec extends SpecBase {
  readonly distribution: 'q_uniform' | 'q_log_uniform' | 'q_log_uniform_values';
  readonly min: number;
  readonly max: number;
  readonly q: number;
  /** `q` was written as an integer (`q: 1`, not `q: 1.0`): outputs are integers. */
  readonly qIsInt: boolean;
}
export interface NormalSpec extends SpecBase {
  readonly distribution: 'normal' | 'log_normal';
  readonly mu: number;
  readonly sigma: number;
}
export interface QNormalSpec extends SpecBase {
  readonly distribution: 'q_normal' | 'q_log_normal';
  readonly mu: number;
  readonly sigma: number;
  readonly q: number;
  readonly qIsInt: boolean;
}
export interface BetaSpec extends SpecBase {
  readonly distribution: 'beta';
  readonly a: number;
  readonly b: number;
}
export interface QBetaSpec extends SpecBase {
  readonly distribution: 'q_beta';
  readonly a: number;
  readonly b: number;
  readonly q: number;
  readonly qIsInt: boolean;
}

export type ParamSpec =
  | ConstantSpec
  | CategoricalSpec
  | WeightedCategoricalSpec
  | IntUniformSpec
  | BoundedSpec
  | QBoundedSpec
  | NormalSpec
  | QNormalSpec
  | BetaSpec
  | QBetaSpec;

/** Parameters that are searched (everything but constants). */
export function isSearchable(spec: ParamSpec): boolean {
  return spec.distribution !== 'constant';
}

/**
 * Rebuild a nested trial config from flat params, following each spec's path
 * (`{optimizer: {lr: 0.1}}` from `optimizer.lr`). Keys in the order of `specs`.
 */
export function nestParams(specs: readonly ParamSpec[], flat: FlatParams): Record<string, ParamValue> {
  const root: Record<string, ParamValue> = {};
  for (const spec of specs) {
    if (!(spec.name in flat)) continue;
    let node = root;
    for (let i = 0; i < spec.path.length - 1; i++) {
      const key = spec.path[i]!;
      const next = node[key];
      if (next === undefined) {
        const child: Record<string, ParamValue> = {};
        node[key] = child;
        node = child;
      } else {
        node = next as Record<string, ParamValue>;
      }
    }
    node[spec.path[spec.path.length - 1]!] = flat[spec.name]!;
  }
  return root;
}

/**
 * Canonical form of a value for hashing and equality, as W&B's grid dedupe does it:
 * whole-number floats become ints (`3.0` ≡ `3`), dict keys sorted, booleans stay distinct from numbers,
 * NaN equals NaN.
 */
export function canonicalValue(v: ParamValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalValue).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(v[k]!)}`).join(',')}}`;
}

/** Canonical key of a whole assignment over the given parameter names (sorted). */
export function canonicalParams(flat: FlatParams, names: readonly string[]): string {
  return names.map((n) => (n in flat ? canonicalValue(flat[n]!) : '\u0000missing')).join('\u0001');
}
