/**
 * The whole document: top-level keys, scalar sections, and the rules that tie sections together
 * (method vs parameter kinds, metric needed by bayes and hyperband). Source: wandb/sweeps
 * `schema.json` (top-level properties, `additionalProperties: false`), `cfg.py`
 * `schema_violations_from_proposed_config`, `grid_search.py` (allowed kinds) and `bayes_search.py`.
 */
import { isSearchable, type DistributionName } from '../core/params.js';
import type { Issues } from './issues.js';
import type { PlacedSpec } from './parameters.js';
import { didYouMean, listOf } from './suggest.js';
import { describeType, isNum, num, type TMap, type TNode } from './typed.js';
import { METHODS, type Method } from './types.js';

export const TOP_LEVEL_KEYS = [
  'program',
  'method',
  'metric',
  'parameters',
  'early_terminate',
  'run_cap',
  'command',
  'name',
  'description',
  'project',
  'entity',
] as const;

/** W&B keys we accept and ignore; the ones that change W&B's behaviour get a warning. */
const IGNORED_KEYS: Readonly<Record<string, string | null>> = {
  controller: 'controller is a W&B setting; feature-forge always runs its own controller',
  job: 'job is a W&B Launch setting and is ignored; set program or command',
  image_uri: 'image_uri is a W&B Launch setting and is ignored; set program or command',
  apiVersion: null,
  kind: null,
};

/** W&B keys for features we do not have: a violation with a specific reason. */
const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  scheduler: 'custom schedulers (scheduler) are not supported; use method grid, random or bayes',
  metrics: 'multi-objective metrics (metrics) are not supported; use a single metric',
};

const STRING_KEYS = ['program', 'name', 'description', 'project', 'entity'] as const;
const GRID_OK: ReadonlySet<DistributionName> = new Set(['constant', 'categorical', 'int_uniform', 'q_uniform']);

export function checkTopLevelKeys(doc: TMap, issues: Issues): void {
  const valid: readonly string[] = TOP_LEVEL_KEYS;
  for (const key of Object.keys(doc)) {
    if (valid.includes(key)) continue;
    if (key in IGNORED_KEYS) {
      const why = IGNORED_KEYS[key];
      if (why) issues.warn(key, why, doc[key]);
    } else if (key in UNSUPPORTED_KEYS) {
      issues.error(key, UNSUPPORTED_KEYS[key]!);
    } else {
      issues.error(key, `unknown top-level key '${key}'${didYouMean(key, valid)}; valid keys: ${listOf(valid)}`, doc[key]);
    }
  }
}

export function resolveMethod(node: TNode | undefined, issues: Issues): Method | undefined {
  if (node === undefined) {
    issues.error('method', `method is required: one of ${listOf(METHODS)}`);
    return undefined;
  }
  if (typeof node === 'string' && (METHODS as readonly string[]).includes(node)) return node as Method;
  const hint = typeof node === 'string' ? didYouMean(node, METHODS) : '';
  const custom = node === 'custom' ? ' (method custom needs a W&B custom scheduler, which is not supported)' : '';
  issues.error('method', `must be one of ${listOf(METHODS)}${hint}${custom}`, node);
  return undefined;
}

export function resolveStrings(doc: TMap, issues: Issues): Partial<Record<(typeof STRING_KEYS)[number], string>> {
  const out: Partial<Record<(typeof STRING_KEYS)[number], string>> = {};
  for (const key of STRING_KEYS) {
    const v = doc[key];
    if (v === undefined) continue;
    if (typeof v === 'string') out[key] = v;
    else issues.error(key, `must be a string, not ${describeType(v)}`, v);
  }
  return out;
}

export function resolveCommand(node: TNode, issues: Issues): string[] | undefined {
  if (!Array.isArray(node)) {
    issues.error('command', `must be a list of strings (argv with macros such as \${program} and \${args}), not ${describeType(node)}`, node);
    return undefined;
  }
  const before = issues.count;
  node.forEach((item, i) => {
    if (typeof item !== 'string') issues.error(`command[${i}]`, `must be a string (quote it), not ${describeType(item)}`, item);
  });
  return issues.count > before ? undefined : (node as string[]);
}

export function resolveRunCap(node: TNode, issues: Issues): number | undefined {
  // Draft-7 `integer` also accepts a whole float such as 10.0.
  if (isNum(node) && Number.isInteger(num(node)) && num(node) > 0) return num(node);
  issues.error('run_cap', 'must be a positive integer (the maximum number of runs)', node);
  return undefined;
}

export interface CrossInput {
  readonly method?: Method;
  readonly metricGiven: boolean;
  readonly hasEarlyTerminate: boolean;
  readonly params?: readonly PlacedSpec[];
}

/** Rules across sections; each is checked only when the sections it reads are themselves valid. */
export function checkCrossRules(x: CrossInput, issues: Issues): void {
  if (x.method === 'bayes' && !x.metricGiven) {
    issues.error('metric', 'method bayes needs a metric to optimize: add metric: {name: <logged metric>, goal: minimize|maximize}');
  }
  if (x.hasEarlyTerminate && !x.metricGiven) {
    issues.error('metric', 'early_terminate (hyperband) needs a metric to compare runs: add metric: {name: ..., goal: ...}');
  }
  const params = x.params;
  if (params === undefined) return;
  if (x.method === 'bayes' && params.length > 0 && !params.some((p) => isSearchable(p.spec))) {
    issues.error('parameters', 'method bayes needs at least one searchable parameter (not only constants {value: x})');
  }
  if (x.method === 'grid') {
    for (const { spec, at } of params) {
      if (spec.distribution === 'categorical_w_probabilities') {
        issues.error(at, 'grid search cannot use probabilities (every value is tried once); drop probabilities or use method random', spec.distribution);
      } else if (!GRID_OK.has(spec.distribution)) {
        issues.error(
          at,
          `grid search cannot enumerate distribution ${spec.distribution}; grid needs values (or value), int_uniform or q_uniform`,
          spec.distribution,
        );
      }
    }
  }
}
