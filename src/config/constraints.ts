/**
 * Value rules for one parameter dict, beyond what its form's structure says. Source: wandb/sweeps
 * `schema.json` (minItems, minimum, exclusiveMinimum) and `schema.py` (`validate_min_max`,
 * `validate_categorical_prob` with numpy `isclose`). A few are stricter than W&B where W&B would
 * only fail later while sampling (non-finite bounds, beta a/b = 0); those say so in the message.
 *
 * Written defensively: it also runs on dicts that matched no form (to report every problem at once),
 * so it checks only keys that are present and have the right type.
 */
import type { FormName } from './forms.js';
import type { Issues } from './issues.js';
import { isNum, joinPath, num, type TMap, type TNode } from './typed.js';

/** numpy.isclose defaults, which W&B uses for the probabilities sum. */
export function isClose(a: number, b: number, rtol = 1e-5, atol = 1e-8): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

const LOG_VALUES: ReadonlySet<FormName> = new Set(['log_uniform_values', 'inv_log_uniform_values', 'q_log_uniform_values']);

export function checkConstraints(form: FormName, p: TMap, at: string, issues: Issues): void {
  for (const key of ['min', 'max', 'mu', 'sigma', 'q', 'a', 'b'] as const) {
    const v = p[key];
    if (isNum(v) && !Number.isFinite(num(v))) issues.error(joinPath(at, key), `${key} must be a finite number`, v);
  }
  checkValues(p, at, issues);
  if ('probabilities' in p) checkProbabilities(p, at, issues);
  checkMinMax(form, p, at, issues);
  const { q, sigma, a, b } = p;
  if (isNum(q) && !(num(q) > 0)) issues.error(joinPath(at, 'q'), 'q must be > 0', q);
  if (isNum(sigma) && num(sigma) < 0) issues.error(joinPath(at, 'sigma'), 'sigma must be >= 0', sigma);
  for (const [key, v] of [['a', a], ['b', b]] as const) {
    // W&B's schema allows 0, but Beta(0, b) is undefined and would sample NaN.
    if (isNum(v) && !(num(v) > 0)) issues.error(joinPath(at, key), `${key} must be > 0 for a beta distribution`, v);
  }
}

function checkValues(p: TMap, at: string, issues: Issues): void {
  const values = p.values;
  if (Array.isArray(values) && values.length === 0) {
    issues.error(joinPath(at, 'values'), 'values must list at least one value', values);
  }
}

function checkProbabilities(p: TMap, at: string, issues: Issues): void {
  const probs = p.probabilities;
  const where = joinPath(at, 'probabilities');
  if (!Array.isArray(probs)) return; // reported as a type problem by the caller
  if (probs.length === 0) {
    issues.error(where, 'probabilities must list one probability per value', probs);
    return;
  }
  let ok = true;
  probs.forEach((x: TNode, i) => {
    if (!isNum(x) || !Number.isFinite(num(x)) || num(x) < 0) {
      issues.error(`${where}[${i}]`, 'each probability must be a number >= 0', x);
      ok = false;
    }
  });
  const values = p.values;
  if (Array.isArray(values) && values.length !== probs.length) {
    issues.error(where, `values and probabilities must have the same length (${values.length} values, ${probs.length} probabilities)`, probs);
  }
  if (!ok) return;
  const sum = probs.reduce<number>((s, x) => s + num(x as bigint | number), 0);
  if (!isClose(sum, 1)) issues.error(where, `probabilities must sum to 1 (sum is ${round(sum)})`, probs);
}

function checkMinMax(form: FormName, p: TMap, at: string, issues: Issues): void {
  const { min, max } = p;
  // Non-finite bounds are reported on their own above; comparing them adds nothing.
  if (isNum(min) && isNum(max) && Number.isFinite(num(min)) && Number.isFinite(num(max)) && !(num(min) < num(max))) {
    issues.error(at, 'min must be < max', { min, max });
  }
  if (LOG_VALUES.has(form) && isNum(min) && !(num(min) > 0)) {
    issues.error(joinPath(at, 'min'), `min must be > 0 for ${form} (it is the lower limit itself, and its log is taken)`, min);
  }
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}
