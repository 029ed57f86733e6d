/**
 * Reads an agent's answer into feature proposals. The schema is MALMAS's (prompt_files/*.txt,
 * notes §2): `[{base_columns, derived_features: [{name, type, transform, logic}]}]`, with our
 * twist that each derived feature carries `expr`, an expression in the feature language
 * (docs/feature-language.md), instead of going through a second code-generation call. The flat
 * form `[{name, expr, type, base_columns, logic}]` and `{features: [...]}` (what JSON mode tends
 * to produce) are accepted too.
 *
 * MALMAS takes the text from the first `[` to the last `]` and fails on anything else; we look
 * inside markdown fences and around prose, and repair malformed JSON with a tolerant scanner
 * (json-scan.ts). Never evaluates, never throws.
 */
import type { FeatureProposal } from '../types.js';
import { scanJson } from './json-scan.js';
import type { ScanOk } from './json-scan.js';

export type ParseOutcome = { proposals: FeatureProposal[]; warnings: string[] } | { error: string };

/** How many `[`/`{` positions per region we try before giving up (bounds the work on prose). */
const MAX_STARTS = 20;
const LIST_KEYS = ['features', 'proposals', 'derived_features', 'items', 'data', 'results'];

export function parseProposals(text: string): ParseOutcome {
  try {
    return parse(text);
  } catch (err) {
    return { error: `could not read the answer: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parse(text: unknown): ParseOutcome {
  if (typeof text !== 'string') return { error: 'the answer was not text' };
  const body = dropThinking(text);
  if (body.trim() === '') return { error: 'the answer was empty' };
  let firstError: { message: string; at: number; region: string } | undefined;
  for (const region of regions(body)) {
    let tried = 0;
    for (let start = nextStart(region, 0); start >= 0 && tried < MAX_STARTS; start = nextStart(region, start + 1), tried++) {
      const scanned = read(region, start);
      if (!scanned.ok) {
        firstError ??= { message: `${scanned.error} at character ${scanned.at}`, at: scanned.at, region };
        continue;
      }
      const out = interpret(scanned);
      if ('error' in out) {
        firstError ??= { message: out.error, at: scanned.end, region };
        continue;
      }
      // A value found inside one we could not read is only part of the answer: say so.
      if (firstError !== undefined && firstError.region === region && firstError.at > start) {
        out.warnings.unshift(`could not read the whole answer (${firstError.message}); used the part at character ${start}`);
      }
      return out;
    }
  }
  return { error: firstError?.message ?? 'no JSON array or object in the answer' };
}

/** Reasoning models served locally (e.g. through Ollama) put their thoughts in <think> tags. */
function dropThinking(text: string): string {
  let out = text;
  for (;;) {
    const open = out.indexOf('<think>');
    if (open < 0) return out;
    const close = out.indexOf('</think>', open);
    out = close < 0 ? out.slice(0, open) : out.slice(0, open) + out.slice(close + '</think>'.length);
  }
}

/** The contents of markdown fences first (an unclosed one runs to the end), then the whole text. */
function regions(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('```', at);
    if (open < 0) break;
    const lineEnd = text.indexOf('\n', open + 3);
    if (lineEnd < 0) break;
    const close = text.indexOf('```', lineEnd + 1);
    out.push(text.slice(lineEnd + 1, close < 0 ? text.length : close));
    if (close < 0) break;
    at = close + 3;
  }
  out.push(text);
  return [...new Set(out)];
}

function nextStart(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (s[i] === '[' || s[i] === '{') return i;
  return -1;
}

/** JSON.parse when the value is plain JSON (fast, exact); the tolerant scanner otherwise. */
function read(region: string, start: number): ReturnType<typeof scanJson> {
  const scanned = scanJson(region, start);
  if (scanned.ok && scanned.repairs.size === 0 && !scanned.truncated) {
    try {
      const value: unknown = JSON.parse(region.slice(start, scanned.end));
      return { ...scanned, value };
    } catch {
      // the scanner accepted what JSON.parse did not; keep the scanner's reading
    }
  }
  return scanned;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function itemsOf(v: unknown): unknown[] | { error: string } {
  if (Array.isArray(v)) return v;
  if (!isObj(v)) return { error: `expected a JSON array of features, got ${v === null ? 'null' : typeof v}` };
  if ('derived_features' in v && !Array.isArray(v.features) && !Array.isArray(v.proposals)) return [v];
  if ('name' in v || 'expr' in v) return [v];
  for (const k of LIST_KEYS) if (Array.isArray(v[k])) return v[k] as unknown[];
  for (const x of Object.values(v)) if (Array.isArray(x) && x.some(isObj)) return x;
  return { error: 'the JSON object holds no list of features (expected an array, or {"features": [...]})' };
}

function interpret(scanned: ScanOk): ParseOutcome {
  const items = itemsOf(scanned.value);
  if (!Array.isArray(items)) return items;
  const warnings: string[] = [];
  if (scanned.repairs.size > 0) warnings.push(`repaired the JSON (${[...scanned.repairs].join(', ')})`);
  if (scanned.truncated) warnings.push('the answer was cut off before the JSON ended');
  const proposals: FeatureProposal[] = [];
  const seen = new Set<string>();
  let considered = 0;

  const take = (o: unknown, where: string, groupColumns: string[] | undefined): void => {
    considered++;
    if (!isObj(o)) {
      warnings.push(`dropped ${where}: not an object (${preview(o)})`);
      return;
    }
    const name = text(o.name);
    const expr = text(o.expr) ?? text(o.expression);
    if (scanned.incomplete.has(o)) {
      warnings.push(`dropped ${name ? `feature '${name}'` : where}: the answer was cut off inside it`);
      return;
    }
    if (name === undefined && expr === undefined) {
      warnings.push(`dropped ${where}: it has neither name nor expr (${preview(o)})`);
      return;
    }
    if (name === undefined) {
      warnings.push(`dropped ${where}: it has no name (expr ${JSON.stringify(expr)})`);
      return;
    }
    if (expr === undefined) {
      warnings.push(`dropped feature '${name}': it has no expr`);
      return;
    }
    if (seen.has(name)) {
      warnings.push(`dropped feature '${name}': the name appears twice (kept the first)`);
      return;
    }
    seen.add(name);
    const type = typeOf(o.type);
    const baseColumns = columnsOf(o.base_columns) ?? groupColumns;
    const logic = text(o.logic) ?? text(o.transform) ?? text(o.description);
    proposals.push({
      name,
      expr,
      ...(type !== undefined ? { type } : {}),
      ...(baseColumns !== undefined ? { baseColumns } : {}),
      ...(logic !== undefined ? { logic } : {}),
    });
  };

  items.forEach((item, i) => {
    if (isObj(item) && 'derived_features' in item && !('expr' in item)) {
      const group = columnsOf(item.base_columns);
      const df = item.derived_features;
      const list = Array.isArray(df) ? df : isObj(df) ? [df] : undefined;
      if (list === undefined) {
        considered++;
        warnings.push(`dropped item ${i + 1}: derived_features is not a list (${preview(df)})`);
        return;
      }
      list.forEach((f, j) => take(f, `item ${i + 1}, derived feature ${j + 1}`, group));
    } else take(item, `item ${i + 1}`, undefined);
  });

  if (considered === 0 && scanned.truncated) return { error: 'the answer was cut off before its first feature' };
  if (considered > 0 && proposals.length === 0) {
    return { error: `no usable feature in the answer: ${warnings.filter((w) => w.startsWith('dropped')).join('; ')}` };
  }
  return { proposals, warnings };
}

function typeOf(v: unknown): 'numerical' | 'categorical' | undefined {
  const t = text(v)?.toLowerCase();
  if (t === undefined) return undefined;
  if (/^(numerical|numeric|number|float|int|integer|continuous|real)$/.test(t)) return 'numerical';
  if (/^(categorical|category|binary|boolean|bool|nominal|ordinal|string|discrete)$/.test(t)) return 'categorical';
  return undefined;
}

function columnsOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') {
    const cols = v.split(',').map((c) => c.trim()).filter((c) => c !== '');
    return cols.length > 0 ? cols : undefined;
  }
  if (Array.isArray(v)) {
    const cols = v.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim());
    return cols.length > 0 ? cols : undefined;
  }
  return undefined;
}

function preview(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
