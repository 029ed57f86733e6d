/**
 * One parameter dict → a {@link ParamSpec} with every default filled and its distribution explicit,
 * or a nested group to recurse into. Inference follows wandb/sweeps `schema.py` `fill_parameter`
 * (first matching form wins, see forms.ts); defaults follow `schema.json`.
 */
import type { DistributionName, ParamSpec } from '../core/params.js';
import { checkConstraints } from './constraints.js';
import { diagnose } from './diagnose.js';
import { DEPRECATED_V1, inferForm, type FormName } from './forms.js';
import type { Issues } from './issues.js';
import { describeType, isInt, isMap, isNum, joinPath, num, toPlain, type TMap, type TNode } from './typed.js';

/**
 * Whether an omitted `q` counts as written as an integer. W&B's schema default is `1.0`, which
 * Python's json.load reads as a float, so `isinstance(q, int)` is false and a quantized parameter
 * without `q` yields floats (`3.0`) in W&B. We follow W&B.
 */
export const DEFAULT_Q_IS_INT = false;

export type ResolvedParam =
  | { readonly kind: 'leaf'; readonly spec: ParamSpec }
  | { readonly kind: 'group'; readonly children: TMap };

/** `path` is the key path (`['optimizer', 'lr']`), `at` the violation path (`parameters.optimizer.parameters.lr`). */
export function resolveParam(node: TNode, path: readonly string[], at: string, issues: Issues): ResolvedParam | undefined {
  if (!isMap(node)) {
    issues.error(at, `must be a mapping such as {value: x}, {values: [...]}, {min: a, max: b} or {distribution: ..., ...}, not ${describeType(node)}`, node);
    return undefined;
  }
  const form = inferForm(node);
  if (form === undefined) {
    diagnose(node, at, issues);
    return undefined;
  }
  if (form.name === 'param_dict') return { kind: 'group', children: node.parameters as TMap };
  const before = issues.count;
  checkConstraints(form.name, node, at, issues);
  if (issues.count > before) return undefined;
  const replacement = DEPRECATED_V1[form.name];
  if (replacement !== undefined) {
    issues.warn(
      joinPath(at, 'distribution'),
      `${form.name} is deprecated: its min/max are natural-log exponents (values lie in [e^min, e^max]); ` +
        `use ${replacement} to give the limits themselves (W&B reports this as a deprecation)`,
      form.name,
    );
  }
  return { kind: 'leaf', spec: buildSpec(form.name, node, path) };
}

function buildSpec(form: Exclude<FormName, 'param_dict'>, p: TMap, path: readonly string[]): ParamSpec {
  const base = { name: path.join('.'), path: [...path] };
  const n = (key: string, dflt: number): number => {
    const v = p[key];
    return isNum(v) ? num(v) : dflt;
  };
  const q = () => ({ q: n('q', 1), qIsInt: 'q' in p ? isInt(p.q) : DEFAULT_Q_IS_INT });
  const d: DistributionName = form;
  switch (d) {
    case 'constant':
      return { ...base, distribution: d, value: toPlain(p.value ?? null) };
    case 'categorical':
      return { ...base, distribution: d, values: (p.values as TNode[]).map(toPlain) };
    case 'categorical_w_probabilities':
      return {
        ...base,
        distribution: d,
        values: (p.values as TNode[]).map(toPlain),
        probabilities: (p.probabilities as (bigint | number)[]).map(num),
      };
    case 'int_uniform':
    case 'uniform':
    case 'log_uniform':
    case 'log_uniform_values':
    case 'inv_log_uniform':
    case 'inv_log_uniform_values':
      return { ...base, distribution: d, min: n('min', NaN), max: n('max', NaN) };
    case 'q_uniform':
    case 'q_log_uniform':
    case 'q_log_uniform_values':
      return { ...base, distribution: d, min: n('min', NaN), max: n('max', NaN), ...q() };
    case 'normal':
    case 'log_normal':
      return { ...base, distribution: d, mu: n('mu', 0), sigma: n('sigma', 1) };
    case 'q_normal':
    case 'q_log_normal':
      return { ...base, distribution: d, mu: n('mu', 0), sigma: n('sigma', 1), ...q() };
    case 'beta':
      return { ...base, distribution: d, a: n('a', 1), b: n('b', 1) };
    case 'q_beta':
      return { ...base, distribution: d, a: n('a', 1), b: n('b', 1), ...q() };
  }
}
