/**
 * Public API of sweep config loading: W&B sweep YAML/JSON in, a validated, frozen
 * {@link ResolvedSweep} out, or every violation at once.
 */
import { ConfigError, FFError, type Violation } from '../core/errors.js';
import { parseConfigText, readConfigText } from './load.js';
import { resolveDocument, type CheckResult } from './resolve.js';
import { fromJs } from './typed.js';
import type { ResolvedSweep } from './types.js';

export type { ResolvedSweep, MetricSpec, HyperbandSpec, Method, ImputeStrategy } from './types.js';
export { METHODS } from './types.js';
export type { CheckResult } from './resolve.js';
export { TOP_LEVEL_KEYS } from './validate.js';
export { PARAM_NAME } from './parameters.js';

export interface LoadOptions {
  /** Called with each warning (deprecated v1 log forms, ignored W&B keys, ...) of a valid config. */
  readonly onWarning?: (w: Violation) => void;
}

/**
 * Read, parse and resolve a sweep file. Throws FFError FF_CONFIG_READ / FF_CONFIG_PARSE (exit 2),
 * or ConfigError (FF_CONFIG_INVALID, exit 2) carrying every violation.
 */
export function loadSweepFile(path: string, opts: LoadOptions = {}): ResolvedSweep {
  const parsed = parseConfigText(readConfigText(path), path);
  if (!parsed.ok) throw parsed.error;
  const r = resolveDocument(parsed.doc, path);
  if (!r.sweep) throw new ConfigError(path, r.violations);
  for (const w of [...parsed.warnings, ...r.warnings]) opts.onWarning?.(w);
  return r.sweep;
}

/** Like {@link loadSweepFile} but never throws: unreadable or unparsable files are violations at path ''. */
export function checkSweepFile(path: string): CheckResult {
  let text: string;
  try {
    text = readConfigText(path);
  } catch (err) {
    if (err instanceof FFError) return { violations: [{ path: '', message: err.message }], warnings: [] };
    throw err;
  }
  return parseSweepText(text, path);
}

/** Parse and resolve YAML or JSON text; `source` names it in messages. Never throws for bad content. */
export function parseSweepText(text: string, source: string): CheckResult {
  const parsed = parseConfigText(text, source);
  if (!parsed.ok) return { violations: [{ path: '', message: parsed.error.message }], warnings: [] };
  const r = resolveDocument(parsed.doc, source);
  return { ...r, warnings: [...parsed.warnings, ...r.warnings] };
}

/**
 * Resolve a config given as a JS object (API users). There is no source text, so
 * `Number.isInteger` decides int vs float: `{min: 1.0, max: 10.0}` is int_uniform here;
 * write `distribution: uniform` to be sure. Throws ConfigError with every violation.
 */
export function resolveSweepObject(doc: unknown, source = '<object>'): ResolvedSweep {
  const conversion: Violation[] = [];
  const tree = fromJs(doc, '', conversion);
  const r = resolveDocument(tree, source);
  if (conversion.length > 0 || !r.sweep) throw new ConfigError(source, [...conversion, ...r.violations]);
  return r.sweep;
}
