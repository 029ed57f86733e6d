/**
 * The `parameters` section → the flat list of specs in W&B order. Source: wandb/sweeps
 * `schema.json` (`parameters`: propertyNames pattern, minProperties 1, recursive `param_dict`) and
 * the nested-parameter flattening in `params.py`/`run.py`: keys sorted at each level, depth first,
 * a group's children in place of the group. Our flat name joins the path with '.', so a flat name
 * containing a dot can collide with a nested path; that is reported.
 */
import type { ParamSpec } from '../core/params.js';
import { resolveParam } from './infer.js';
import type { Issues } from './issues.js';
import { describeType, isMap, type TMap, type TNode } from './typed.js';

export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface PlacedSpec {
  readonly spec: ParamSpec;
  /** Violation path of its definition, e.g. `parameters.optimizer.parameters.lr`. */
  readonly at: string;
}

/** `node` is the value of the top-level `parameters` key (undefined when absent). */
export function resolveParameters(node: TNode | undefined, issues: Issues): PlacedSpec[] {
  if (node === undefined) {
    issues.error('parameters', 'parameters is required: a mapping from parameter names to {value}, {values}, {min, max} or {distribution, ...}');
    return [];
  }
  const out: PlacedSpec[] = [];
  walk(node, [], 'parameters', out, issues);
  reportClashes(out, issues);
  return out;
}

function walk(node: TNode, prefix: readonly string[], at: string, out: PlacedSpec[], issues: Issues): void {
  if (!isMap(node)) {
    issues.error(at, `must be a mapping from parameter names to their definitions, not ${describeType(node)}`, node);
    return;
  }
  const keys = Object.keys(node).sort();
  if (keys.length === 0) issues.error(at, 'must define at least one parameter', node);
  for (const key of keys) {
    const where = `${at}.${key}`;
    if (!PARAM_NAME.test(key)) {
      issues.error(where, `invalid parameter name '${key}': names must match ${PARAM_NAME.source} (letters, digits, _ . -; not starting with a digit)`);
    }
    const path = [...prefix, key];
    const r = resolveParam((node as TMap)[key]!, path, where, issues);
    if (r?.kind === 'group') walk(r.children, path, `${where}.parameters`, out, issues);
    else if (r?.kind === 'leaf') out.push({ spec: r.spec, at: where });
  }
}

function reportClashes(placed: readonly PlacedSpec[], issues: Issues): void {
  const seen = new Map<string, PlacedSpec>();
  for (const p of placed) {
    const first = seen.get(p.spec.name);
    if (first === undefined) {
      seen.set(p.spec.name, p);
      continue;
    }
    issues.error(
      p.at,
      `parameter name '${p.spec.name}' clashes with ${first.at} (both flatten to '${p.spec.name}'); rename one of them`,
    );
  }
}
