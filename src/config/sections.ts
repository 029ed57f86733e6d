/**
 * The `metric` and `early_terminate` sections. Source: wandb/sweeps `schema.json` (`metric`,
 * `hyperband_stopping`), `schema.py` `fill_validate_metric` and `hyperband_stopping.py` (band
 * computation, key precedence, unknown early_terminate keys stripped for compatibility).
 */
import type { HyperbandSpec, ImputeStrategy, MetricSpec } from './types.js';
import type { Issues } from './issues.js';
import { didYouMean, listOf } from './suggest.js';
import { describeType, isInt, isMap, isNum, num, type TNode } from './typed.js';

const METRIC_KEYS = ['name', 'goal', 'target', 'impute', 'impute_while_running'];
const GOALS = ['minimize', 'maximize'] as const;
const IMPUTE = ['latest', 'best', 'worst'] as const;
const HYPERBAND_KEYS = ['type', 'min_iter', 'max_iter', 's', 'eta', 'strict'];

export function resolveMetric(node: TNode, issues: Issues): MetricSpec | undefined {
  if (!isMap(node)) {
    issues.error('metric', `must be a mapping such as {name: val_loss, goal: minimize}, not ${describeType(node)}`, node);
    return undefined;
  }
  const before = issues.count;
  for (const key of Object.keys(node)) {
    if (!METRIC_KEYS.includes(key)) {
      issues.error(`metric.${key}`, `unknown key '${key}' in metric${didYouMean(key, METRIC_KEYS)}; valid keys: ${listOf(METRIC_KEYS)}`, node[key]);
    }
  }
  const { name, goal, target, impute } = node;
  if (name === undefined) issues.error('metric', 'metric.name is required: the name of the logged metric to optimize');
  else if (typeof name !== 'string' || name === '') issues.error('metric.name', 'must be a non-empty string', name);
  // W&B silently replaces an invalid goal with minimize; optimizing the wrong way is worth an error.
  if (goal !== undefined && !(GOALS as readonly unknown[]).includes(goal)) {
    const hint = typeof goal === 'string' ? didYouMean(goal, GOALS) : '';
    issues.error('metric.goal', `must be one of ${listOf(GOALS)}${hint}`, goal);
  }
  if (target !== undefined && !(isNum(target) && Number.isFinite(num(target)))) issues.error('metric.target', 'must be a finite number', target);
  if (impute !== undefined && !(IMPUTE as readonly unknown[]).includes(impute)) {
    issues.error('metric.impute', `must be one of ${listOf(IMPUTE)}`, impute);
  }
  // W&B's schema wants the string "false"; PyYAML and we read a bare `false` as a boolean, so take both.
  const iwr = node.impute_while_running === false ? 'false' : node.impute_while_running;
  if (iwr !== undefined && !([...IMPUTE, 'false'] as readonly unknown[]).includes(iwr)) {
    issues.error('metric.impute_while_running', `must be one of ${listOf([...IMPUTE, 'false'])}`, iwr);
  }
  if (issues.count > before) return undefined;
  return {
    name: name as string,
    goal: (goal as MetricSpec['goal'] | undefined) ?? 'minimize',
    ...(target !== undefined ? { target: num(target as bigint | number) } : {}),
    impute: (impute as ImputeStrategy | undefined) ?? 'worst',
    imputeWhileRunning: (iwr as ImputeStrategy | 'false' | undefined) ?? 'false',
  };
}

/** A whole number (Draft-7 `integer` accepts `3.0` too), or undefined. */
function whole(v: TNode | undefined): number | undefined {
  if (isInt(v)) return Number(v);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

export function resolveEarlyTerminate(node: TNode, issues: Issues): HyperbandSpec | undefined {
  const at = 'early_terminate';
  if (!isMap(node)) {
    issues.error(at, `must be a mapping such as {type: hyperband, min_iter: 3}, not ${describeType(node)}`, node);
    return undefined;
  }
  const before = issues.count;
  for (const key of Object.keys(node)) {
    // W&B strips unknown keys here "to maintain compatibility", so they are only a warning.
    if (!HYPERBAND_KEYS.includes(key)) {
      const hint = didYouMean(key, HYPERBAND_KEYS);
      issues.warn(`${at}.${key}`, `unknown key '${key}' in early_terminate is ignored${hint}; valid keys: ${listOf(HYPERBAND_KEYS)}`, node[key]);
    }
  }
  if (node.type === undefined) issues.error(at, 'early_terminate.type is required: type: hyperband');
  else if (node.type !== 'hyperband') issues.error(`${at}.type`, 'must be hyperband (the only early_terminate type)', node.type);

  const positiveInt = (key: string): number | undefined => {
    const v = node[key];
    if (v === undefined) return undefined;
    const w = whole(v);
    if (w === undefined || w < 1) issues.error(`${at}.${key}`, `${key} must be an integer >= 1`, v);
    return w;
  };
  const minIter = positiveInt('min_iter');
  const maxIter = positiveInt('max_iter');
  const s = positiveInt('s');
  const eta = node.eta === undefined ? 3 : isNum(node.eta) ? num(node.eta) : NaN;
  if (!(eta > 1) || !Number.isFinite(eta)) issues.error(`${at}.eta`, 'eta must be a number > 1', node.eta);
  const strict = node.strict ?? true;
  if (typeof strict !== 'boolean') issues.error(`${at}.strict`, 'must be true or false', strict);

  if (node.max_iter !== undefined && node.s === undefined) issues.error(`${at}.s`, 's is required with max_iter (the number of bands below max_iter)');
  else if (node.s !== undefined && node.max_iter === undefined && node.min_iter === undefined) {
    issues.error(`${at}.max_iter`, 'max_iter is required with s');
  } else if (node.min_iter === undefined && node.max_iter === undefined) {
    issues.error(at, 'hyperband needs min_iter, or max_iter and s');
  }
  if (node.max_iter !== undefined && node.min_iter !== undefined) {
    issues.warn(`${at}.min_iter`, 'min_iter is ignored when max_iter is given (W&B uses max_iter and s)', node.min_iter);
  } else if (node.s !== undefined && node.max_iter === undefined) {
    issues.warn(`${at}.s`, 's is only used with max_iter; ignored', node.s);
  }
  if (issues.count > before) return undefined;
  if (maxIter !== undefined && s !== undefined && maxIter / eta < 1) {
    issues.error(at, `no hyperband bands: max_iter / eta = ${maxIter / eta} < 1; increase max_iter or lower eta`, node);
    return undefined;
  }
  const common = { type: 'hyperband' as const, eta, strict: strict as boolean };
  return maxIter !== undefined ? { ...common, maxIter, s: s! } : { ...common, minIter: minIter! };
}
