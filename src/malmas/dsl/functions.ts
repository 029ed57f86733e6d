/**
 * The catalogue of feature-language functions: parameters, kinds and flags. The checker reads it
 * to validate calls; the interpreter dispatches on the same names. A Map, so that names such as
 * `constructor` or `__proto__` are simply absent.
 */

import { LIMITS } from './ast.js';

/** Kind of a value in the language. `text` = an id column's raw strings; `string` = a string literal. */
export type ValueKind = 'numeric' | 'categorical' | 'datetime' | 'text' | 'string';

export type ParamKind =
  | 'num' // numeric expression
  | 'key' // group key: categorical, text or numeric (bin continuous numbers first)
  | 'str' // categorical or text expression
  | 'date' // datetime expression
  | 'any' // any column-valued expression
  | 'int' // integer literal in [min, max]
  | 'lit' // non-empty string literal
  | 'date0' // datetime expression or a date string literal
  | 'value'; // numeric, categorical, text, datetime or string literal (if/fillna/concat decide)

export interface Param {
  readonly name: string;
  readonly kind: ParamKind;
  readonly optional?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export type ResultRule = 'numeric' | 'categorical' | 'datetime' | 'if' | 'fillna';

export interface FnSpec {
  readonly name: string;
  readonly params: readonly Param[];
  readonly result: ResultRule;
  /** Needs ordered rows (lags, rolling windows). */
  readonly ordered?: boolean;
  /** Uses statistics of the whole column: fitted on training rows. */
  readonly fitted?: boolean;
  /** The last parameter repeats (up to LIMITS.maxConcatArgs arguments in all). */
  readonly variadic?: boolean;
}

const num = (name: string): Param => ({ name, kind: 'num' });
const key = (name: string, optional = false): Param => ({ name, kind: 'key', optional });
const int = (name: string, min: number, max: number, optional = false): Param => ({ name, kind: 'int', min, max, optional });

const SPECS: FnSpec[] = [];
function def(name: string, params: Param[], result: ResultRule, flags: Partial<FnSpec> = {}): void {
  SPECS.push({ name, params, result, ...flags });
}

// Row-wise mathematics.
for (const f of ['log', 'log1p', 'sqrt', 'abs', 'exp', 'floor', 'ceil', 'sign']) def(f, [num('x')], 'numeric');
def('round', [num('x'), int('digits', -10, 10, true)], 'numeric');
def('pow', [num('a'), num('b')], 'numeric');
def('min', [num('a'), num('b')], 'numeric');
def('max', [num('a'), num('b')], 'numeric');
def('clip', [num('x'), num('lo'), num('hi')], 'numeric');
def('if', [num('cond'), { name: 'a', kind: 'value' }, { name: 'b', kind: 'value' }], 'if');
def('isnull', [{ name: 'x', kind: 'any' }], 'numeric');
def('fillna', [{ name: 'x', kind: 'value' }, { name: 'v', kind: 'value' }], 'fillna');

// Whole-column transforms (fitted on training rows).
def('bin', [num('x'), int('k', 2, LIMITS.maxBins)], 'numeric', { fitted: true });
def('qbin', [num('x'), int('k', 2, LIMITS.maxBins)], 'numeric', { fitted: true });
for (const f of ['rank', 'zscore', 'minmax']) def(f, [num('x')], 'numeric', { fitted: true });

// Group aggregations (fitted).
for (const f of ['group_mean', 'group_std', 'group_min', 'group_max', 'group_median', 'group_rank']) {
  def(f, [num('x'), key('by')], 'numeric', { fitted: true });
}
def('group_count', [key('by')], 'numeric', { fitted: true });
def('freq', [key('col')], 'numeric', { fitted: true });
def('nunique', [key('x'), key('by')], 'numeric', { fitted: true });

// Dates.
for (const f of ['year', 'month', 'day', 'weekday', 'hour', 'dayofyear', 'quarter']) def(f, [{ name: 'd', kind: 'date' }], 'numeric');
def('days_since', [{ name: 'd', kind: 'date' }, { name: 'd0', kind: 'date0' }], 'numeric');
def('elapsed', [{ name: 'd', kind: 'date' }], 'numeric', { fitted: true });

// Ordered rows.
def('lag', [num('x'), int('k', 1, LIMITS.maxLag, true), key('by', true)], 'numeric', { ordered: true });
def('diff', [num('x'), int('k', 1, LIMITS.maxLag, true), key('by', true)], 'numeric', { ordered: true });
for (const f of ['rolling_mean', 'rolling_std', 'rolling_sum', 'rolling_min', 'rolling_max']) {
  def(f, [num('x'), int('w', 1, LIMITS.maxWindow), key('by', true)], 'numeric', { ordered: true });
}
def('cumsum', [num('x'), key('by', true)], 'numeric', { ordered: true });

// Strings (on categorical or id columns).
const str = (name: string): Param => ({ name, kind: 'str' });
def('len', [str('c')], 'numeric');
def('lower', [str('c')], 'categorical');
def('upper', [str('c')], 'categorical');
def('prefix', [str('c'), int('n', 1, LIMITS.maxPrefix)], 'categorical');
def('contains', [str('c'), { name: 's', kind: 'lit' }], 'numeric');
def('str_split_part', [str('c'), { name: 'sep', kind: 'lit' }, int('i', -LIMITS.maxSplitIndex, LIMITS.maxSplitIndex)], 'categorical');
def('concat', [{ name: 'a', kind: 'value' }, { name: 'b', kind: 'value' }], 'categorical', { variadic: true });
def('cat_code', [str('c')], 'numeric', { fitted: true });

export const FUNCTIONS: ReadonlyMap<string, FnSpec> = new Map(SPECS.map((s) => [s.name, s]));

const PARAM_KIND_TEXT: Record<ParamKind, string> = {
  num: 'numeric',
  key: 'key (categorical, id or numeric)',
  str: 'categorical or id text',
  date: 'datetime',
  any: 'any column',
  int: 'integer literal',
  lit: 'string literal',
  date0: 'datetime or "YYYY-MM-DD"',
  value: 'value',
};

/** `clip(x, lo, hi)`, with optional parameters in brackets. */
export function signature(spec: FnSpec): string {
  const ps = spec.params.map((p) => (p.optional ? `[${p.name}]` : p.name));
  return `${spec.name}(${ps.join(', ')}${spec.variadic ? ', …' : ''})`;
}

/** `(x: numeric, by: key (categorical, id or numeric))`. */
export function paramKinds(spec: FnSpec): string {
  return `(${spec.params.map((p) => `${p.name}: ${PARAM_KIND_TEXT[p.kind]}${p.kind === 'int' ? ` ${p.min}..${p.max}` : ''}`).join(', ')})`;
}
