/**
 * Why a parameter dict matched none of W&B's forms, in words: which key is unknown, missing or of
 * the wrong type, for the form the user evidently meant (the written `distribution`, or the one
 * its keys point to). W&B itself only says "Parameter x is malformed".
 */
import { DISTRIBUTIONS, type DistributionName } from '../core/params.js';
import { checkConstraints } from './constraints.js';
import { FORM_BY_NAME, hasType, type Form, type KeyType } from './forms.js';
import type { Issues } from './issues.js';
import { didYouMean, listOf } from './suggest.js';
import { describeType, isFloat, isInt, joinPath, type TMap } from './typed.js';

const TYPE_WORDS: Readonly<Record<KeyType, string>> = {
  number: 'a number',
  int: 'an integer',
  list: 'a list',
  map: 'a mapping of parameters',
  any: 'a value',
};

/** Keys that each select an implicit form; two of them together cannot both be meant. */
const FORM_KEYS: readonly (readonly [string, string])[] = [
  ['value', '{value: x}'],
  ['values', '{values: [...]}'],
  ['parameters', '{parameters: {...}}'],
  ['min', '{min: a, max: b}'],
];

export function diagnose(p: TMap, at: string, issues: Issues): void {
  const before = issues.count;
  const dist = p.distribution;
  if (dist !== undefined) {
    if (typeof dist !== 'string' || !(DISTRIBUTIONS as readonly string[]).includes(dist)) {
      const hint = typeof dist === 'string' ? didYouMean(dist, DISTRIBUTIONS) : '';
      issues.error(joinPath(at, 'distribution'), `unknown distribution${hint}; valid distributions: ${listOf(DISTRIBUTIONS)}`, dist);
      return;
    }
    diagnoseAgainst(FORM_BY_NAME.get(dist as DistributionName)!, p, at, issues);
  } else {
    const used = FORM_KEYS.filter(([k]) => k in p);
    if (used.length > 1) {
      issues.error(at, `mixes the forms ${used.map(([, f]) => f).join(' and ')}; use exactly one`, p);
    } else {
      const form = implicitForm(p);
      if (form === undefined) {
        const hint = ['mu', 'sigma', 'q', 'a', 'b'].some((k) => k in p) ? ' (mu, sigma, q, a and b need an explicit distribution, e.g. distribution: normal)' : '';
        issues.error(
          at,
          `cannot infer a distribution${hint}; write {value: x}, {values: [...]}, {min: a, max: b}, {parameters: {...}} or set distribution`,
          p,
        );
      } else {
        diagnoseAgainst(form, p, at, issues);
      }
    }
  }
  if (issues.count === before) issues.error(at, 'malformed parameter: it matches none of the W&B parameter forms', p);
}

function implicitForm(p: TMap): Form | undefined {
  if ('parameters' in p) return FORM_BY_NAME.get('param_dict');
  if ('values' in p) return FORM_BY_NAME.get('probabilities' in p ? 'categorical_w_probabilities' : 'categorical');
  if ('value' in p) return FORM_BY_NAME.get('constant');
  // Both bounds written as ints point to int_uniform; anything else to uniform.
  if ('min' in p || 'max' in p) return FORM_BY_NAME.get(isInt(p.min) && isInt(p.max) ? 'int_uniform' : 'uniform');
  return undefined;
}

function diagnoseAgainst(form: Form, p: TMap, at: string, issues: Issues): void {
  const label = form.name === 'param_dict' ? 'a nested parameter group' : `distribution ${form.name}`;
  const valid = form.name === 'param_dict' ? ['parameters'] : ['distribution', ...Object.keys(form.keys)];
  for (const key of Object.keys(p)) {
    if (valid.includes(key)) continue;
    const qHint = key === 'q' && p.distribution === undefined ? '; q needs an explicit distribution such as q_uniform' : '';
    issues.error(joinPath(at, key), `unknown key '${key}' for ${label}${didYouMean(key, valid)}; valid keys: ${listOf(valid)}${qHint}`, p[key]);
  }
  for (const key of form.required) {
    if (!(key in p)) issues.error(at, `${label} needs '${key}'`);
  }
  for (const [key, t] of Object.entries(form.keys)) {
    const v = p[key];
    if (v === undefined || hasType(v, t)) continue;
    const fix = t === 'int' && isFloat(v) ? `; write it without a decimal point, or use distribution: uniform for float bounds` : '';
    issues.error(joinPath(at, key), `${key} must be ${TYPE_WORDS[t]} for ${label} (got ${describeType(v)})${fix}`, v);
  }
  if (form.name !== 'param_dict') checkConstraints(form.name, p, at, issues);
}
