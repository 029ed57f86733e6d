/**
 * The parameter forms of a W&B sweep config and how one is picked for a parameter dict.
 *
 * Source: wandb/sweeps `src/sweeps/config/schema.json` (definitions `param_*`, the `parameter.anyOf`
 * order) and `schema.py` `fill_parameter`: the dict is checked against each subschema in a fixed
 * order and the FIRST one that matches wins; its defaults are then filled. Every subschema has
 * `additionalProperties: false`, and all but the implicit ones require `distribution` to be written.
 *
 * Matching here is structural (keys, the `distribution` name, number types including int vs float);
 * value constraints (min < max, q > 0, ...) are checked after the match, in infer.ts. That gives the
 * same accept/reject outcome as W&B — a constraint failure can never make a *different* form match,
 * since forms that share keys differ only by type — and lets us say what exactly is wrong.
 */
import type { DistributionName } from '../core/params.js';
import { isFloat, isInt, isMap, isNum, type TMap, type TNode } from './typed.js';

/** `int`: written as an integer; `number`: int or float; `list`: a YAML sequence; `any`: anything. */
export type KeyType = 'number' | 'int' | 'list' | 'map' | 'any';

export type FormName = DistributionName | 'param_dict';

export interface Form {
  readonly name: FormName;
  /** Keys besides `distribution`, with their types. */
  readonly keys: Readonly<Record<string, KeyType>>;
  readonly required: readonly string[];
  /** `distribution` must be written (true for every form W&B cannot infer). */
  readonly explicit: boolean;
  /** Defaults W&B's schema fills (the numbers are all whole, so only their value matters). */
  readonly defaults?: Readonly<Record<string, number>>;
  /** An extra structural condition (int_uniform / uniform disambiguation). */
  readonly extra?: (p: TMap) => boolean;
}

const minMax = { min: 'number', max: 'number' } as const;
const Q = { q: 1 } as const;
const MU_SIGMA = { mu: 0, sigma: 1 } as const;
const AB = { a: 1, b: 1 } as const;

function explicit(name: DistributionName, keys: Record<string, KeyType>, required: string[], defaults?: Record<string, number>): Form {
  return defaults ? { name, keys, required, explicit: true, defaults } : { name, keys, required, explicit: true };
}

/** W&B's `parameter.anyOf` order. Only the relative order of the implicit forms changes outcomes. */
export const FORMS: readonly Form[] = [
  explicit('q_beta', { a: 'number', b: 'number', q: 'number' }, [], { ...AB, ...Q }),
  explicit('beta', { a: 'number', b: 'number' }, [], AB),
  { name: 'categorical', keys: { values: 'list' }, required: ['values'], explicit: false },
  {
    name: 'categorical_w_probabilities',
    keys: { values: 'list', probabilities: 'list' },
    required: ['values', 'probabilities'],
    explicit: false,
  },
  // `{min: 1, max: 10}`: both bounds written as ints. `{min: 1.0, max: 10}` falls through to uniform.
  { name: 'int_uniform', keys: { min: 'int', max: 'int' }, required: ['min', 'max'], explicit: false },
  // anyOf of four branches: `distribution: uniform` written (any number bounds), or at least one float bound.
  {
    name: 'uniform',
    keys: minMax,
    required: ['min', 'max'],
    explicit: false,
    extra: (p) => p.distribution === 'uniform' || isFloat(p.min) || isFloat(p.max),
  },
  explicit('log_normal', { mu: 'number', sigma: 'number' }, [], MU_SIGMA),
  explicit('log_uniform', minMax, ['min', 'max']),
  explicit('inv_log_uniform', minMax, ['min', 'max']),
  explicit('normal', { mu: 'number', sigma: 'number' }, [], MU_SIGMA),
  explicit('q_log_normal', { mu: 'number', sigma: 'number', q: 'number' }, [], { ...MU_SIGMA, ...Q }),
  explicit('q_log_uniform', { ...minMax, q: 'number' }, ['min', 'max'], Q),
  explicit('q_normal', { mu: 'number', sigma: 'number', q: 'number' }, [], { ...MU_SIGMA, ...Q }),
  explicit('q_uniform', { ...minMax, q: 'number' }, ['min', 'max'], Q),
  { name: 'constant', keys: { value: 'any' }, required: ['value'], explicit: false },
  explicit('inv_log_uniform_values', minMax, ['min', 'max']),
  explicit('log_uniform_values', minMax, ['min', 'max']),
  explicit('q_log_uniform_values', { ...minMax, q: 'number' }, ['min', 'max'], Q),
  // A nested group: only `parameters` (no `distribution` key at all).
  { name: 'param_dict', keys: { parameters: 'map' }, required: ['parameters'], explicit: false },
];

export const FORM_BY_NAME: ReadonlyMap<FormName, Form> = new Map(FORMS.map((f) => [f.name, f]));

/** The deprecated v1 log forms (bounds are natural-log exponents) and their `_values` replacements. */
export const DEPRECATED_V1: Readonly<Partial<Record<DistributionName, DistributionName>>> = {
  log_uniform: 'log_uniform_values',
  inv_log_uniform: 'inv_log_uniform_values',
  q_log_uniform: 'q_log_uniform_values',
};

export function hasType(v: TNode | undefined, t: KeyType): boolean {
  switch (t) {
    case 'number':
      return isNum(v);
    case 'int':
      return isInt(v);
    case 'list':
      return Array.isArray(v);
    case 'map':
      return isMap(v);
    case 'any':
      return v !== undefined;
  }
}

/** Does `p` structurally match form `f` (JSON-schema keys, enum and types; no value constraints)? */
export function matches(p: TMap, f: Form): boolean {
  const dist = p.distribution;
  if (f.name === 'param_dict') {
    if ('distribution' in p) return false;
  } else if (dist !== undefined ? dist !== f.name : f.explicit) {
    return false;
  }
  for (const key of Object.keys(p)) {
    if (key !== 'distribution' && !(key in f.keys)) return false;
  }
  for (const key of f.required) if (!(key in p)) return false;
  for (const [key, t] of Object.entries(f.keys)) {
    if (key in p && !hasType(p[key], t)) return false;
  }
  return f.extra ? f.extra(p) : true;
}

/** The first matching form, W&B's "first matching schema wins". */
export function inferForm(p: TMap): Form | undefined {
  return FORMS.find((f) => matches(p, f));
}
