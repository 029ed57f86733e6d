/**
 * Reading a sweep file and parsing YAML/JSON text into a {@link TNode} tree that keeps int vs float.
 *
 * We parse as YAML 1.2 (core schema) with the `yaml` package's `intAsBigInt`, so integers arrive as
 * bigint and floats as number. JSON is valid YAML 1.2, so `.json` files take the same path and keep
 * `1` vs `1.0` too (JSON.parse would not).
 *
 * Deliberate differences from W&B, which reads configs with PyYAML (YAML 1.1):
 *  - `1e-4` and `1e5` are floats here; PyYAML reads exponent forms without a dot as *strings*
 *    (wandb#1129), which makes such a config malformed under W&B. Accepting them is friendlier.
 *  - `yes`/`no`/`on`/`off` are strings here; PyYAML reads them as booleans. Write `true`/`false`.
 * `<<` merge keys are enabled, as PyYAML supports them, and `!!float 1` is the float 1.0 (the YAML way
 * to force a float; the `yaml` core schema would leave it a string).
 */
import { readFileSync } from 'node:fs';
import { parseDocument, type ScalarTag, type YAMLError } from 'yaml';
import { EXIT, FFError, describeError } from '../core/errors.js';
import type { Violation } from '../core/errors.js';
import type { TNode } from './typed.js';

export type ParseResult =
  | { readonly ok: true; readonly doc: TNode; readonly warnings: readonly Violation[] }
  | { readonly ok: false; readonly error: FFError };

const SPECIAL_FLOATS: Readonly<Record<string, number>> = { '.inf': Infinity, '+.inf': Infinity, '-.inf': -Infinity, '.nan': NaN };

/** Explicit `!!float x`: any number written in any form becomes a float (a JS number, not bigint). */
const FLOAT_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  resolve(str, onError) {
    const t = str.trim();
    const special = SPECIAL_FLOATS[t.toLowerCase()];
    if (special !== undefined) return special;
    const n = Number(t);
    if (t === '' || Number.isNaN(n)) onError(`!!float needs a number, not "${str}"`);
    return n;
  },
};

/** The file's text; FF_CONFIG_READ (exit 2) if it cannot be read. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : describeError(err);
    throw new FFError('FF_CONFIG_READ', `${path}: cannot read the sweep config (${why}); check the path`, EXIT.usage);
  }
}

/** Parse YAML or JSON text. Errors name the source, line and column (FF_CONFIG_PARSE, exit 2). */
export function parseConfigText(text: string, source: string): ParseResult {
  const doc = parseDocument(text, {
    intAsBigInt: true,
    merge: true,
    prettyErrors: true,
    uniqueKeys: true,
    customTags: (tags) => [...tags, FLOAT_TAG],
  });
  const first = doc.errors[0];
  if (first) return { ok: false, error: parseError(first, source) };
  const warnings = doc.warnings.map((w) => ({ path: '', message: `YAML warning: ${oneLine(w)}` }));
  try {
    return { ok: true, doc: toTree(doc.toJS({ maxAliasCount: 1000 })), warnings };
  } catch (err) {
    // toJS throws on alias bombs and on values no mapping key can hold.
    return { ok: false, error: new FFError('FF_CONFIG_PARSE', `${source}: cannot parse: ${describeError(err)}`, EXIT.usage) };
  }
}

function parseError(err: YAMLError, source: string): FFError {
  const pos = err.linePos?.[0];
  const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
  return new FFError('FF_CONFIG_PARSE', `${where}: invalid YAML/JSON: ${oneLine(err)}`, EXIT.usage);
}

/** The yaml message without its " at line L, column C:" suffix and source excerpt. */
function oneLine(err: YAMLError): string {
  const msg = err.message.split('\n')[0] ?? err.message;
  return msg.replace(/ at line \d+, column \d+:?$/, '');
}

/** What `toJS` returns with intAsBigInt, narrowed; non-JSON scalars (dates, binary) become strings. */
function toTree(v: unknown): TNode {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(toTree);
  if (v instanceof Map) {
    const out: Record<string, TNode> = {};
    for (const [k, x] of v) out[String(k)] = toTree(x);
    return out;
  }
  if (v instanceof Set) return [...v].map(toTree);
  if (typeof v === 'object') {
    const out: Record<string, TNode> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toTree(x);
    return out;
  }
  return String(v);
}
