/** A parsed document → a frozen {@link ResolvedSweep}, or every violation found. */
import type { Violation } from '../core/errors.js';
import { Issues } from './issues.js';
import { resolveParameters } from './parameters.js';
import { resolveEarlyTerminate, resolveMetric } from './sections.js';
import { describeType, isMap, toPlain, type TNode } from './typed.js';
import type { ResolvedSweep } from './types.js';
import { checkCrossRules, checkTopLevelKeys, resolveCommand, resolveMethod, resolveRunCap, resolveStrings } from './validate.js';

export interface CheckResult {
  readonly sweep?: ResolvedSweep;
  readonly violations: Violation[];
  readonly warnings: Violation[];
}

export function resolveDocument(doc: TNode, source: string): CheckResult {
  const issues = new Issues();
  const sweep = resolveInto(doc, source, issues);
  return issues.count === 0 && sweep ? { sweep, violations: [], warnings: issues.warnings } : { violations: issues.violations, warnings: issues.warnings };
}

function resolveInto(doc: TNode, source: string, issues: Issues): ResolvedSweep | undefined {
  if (doc === null) {
    issues.error('', 'the sweep config is empty; it needs at least method and parameters');
    return undefined;
  }
  if (!isMap(doc)) {
    issues.error('', `the sweep config must be a mapping (method: ..., parameters: ...), not ${describeType(doc)}`, doc);
    return undefined;
  }
  checkTopLevelKeys(doc, issues);
  const method = resolveMethod(doc.method, issues);
  const metric = doc.metric === undefined ? undefined : resolveMetric(doc.metric, issues);
  const earlyTerminate = doc.early_terminate === undefined ? undefined : resolveEarlyTerminate(doc.early_terminate, issues);
  const runCap = doc.run_cap === undefined ? undefined : resolveRunCap(doc.run_cap, issues);
  const command = doc.command === undefined ? undefined : resolveCommand(doc.command, issues);
  const strings = resolveStrings(doc, issues);
  const before = issues.count;
  const placed = resolveParameters(doc.parameters, issues);
  const paramsOk = issues.count === before;
  checkCrossRules(
    {
      ...(method !== undefined ? { method } : {}),
      metricGiven: doc.metric !== undefined,
      hasEarlyTerminate: doc.early_terminate !== undefined,
      ...(paramsOk ? { params: placed } : {}),
    },
    issues,
  );
  if (issues.count > 0 || method === undefined) return undefined;
  return deepFreeze({
    source,
    method,
    ...(metric ? { metric } : {}),
    parameters: placed.map((p) => p.spec),
    ...(earlyTerminate ? { earlyTerminate } : {}),
    ...(runCap !== undefined ? { runCap } : {}),
    ...strings,
    ...(command ? { command: [...command] } : {}),
    raw: toPlain(doc) as Record<string, unknown>,
  });
}

/** Freeze every object and array reachable from `v` (the resolved config is immutable). */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
