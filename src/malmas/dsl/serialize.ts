/**
 * JSON form of a fitted feature. Missing statistics (NaN) are written as null. Decoding validates
 * every field: a saved file is input like any other, and a bad one gives an FFError, not a crash.
 */

import type { ColumnKind } from '../dataset/table.js';
import { FFError } from '../../core/errors.js';
import type { FeatureContext, FeatureKind, Schema } from './check.js';
import type { State } from './builtins-fitted.js';
import type { Dist } from './stats.js';

export const FEATURE_FORMAT = 'feature-forge.feature/1';

export interface FittedFeatureJSON {
  readonly format: typeof FEATURE_FORMAT;
  readonly text: string;
  readonly kind: FeatureKind;
  readonly ctx: { readonly ordered: boolean; readonly orderBy?: string; readonly target?: string };
  /** Kinds of the columns the feature reads (and of the order column). */
  readonly columns: ReadonlyArray<readonly [string, ColumnKind]>;
  readonly states: readonly unknown[];
  readonly levels?: readonly string[];
}

interface Encodable {
  readonly program: { readonly text: string; readonly kind: FeatureKind; readonly ctx: FeatureContext; readonly schema: Schema; readonly columns: readonly string[] };
  readonly states: readonly State[];
  readonly levels: readonly string[] | undefined;
}

const nn = (x: number): number | null => (Number.isNaN(x) ? null : x);
const encDist = (d: Dist): unknown => ({ values: d.values, cum: d.cum });

function encodeState(s: State): unknown {
  switch (s.t) {
    case 'range':
      return { t: s.t, min: nn(s.min), max: nn(s.max) };
    case 'moments':
      return { t: s.t, mean: nn(s.mean), std: nn(s.std) };
    case 'edges':
      return { t: s.t, edges: [...s.edges] };
    case 'dist':
      return { t: s.t, dist: encDist(s.dist) };
    case 'groups':
      return { t: s.t, keys: [...s.keys], stats: s.stats.map(nn), fallback: nn(s.fallback) };
    case 'groupdist':
      return { t: s.t, keys: [...s.keys], dists: s.dists.map(encDist), global: encDist(s.global) };
    case 'levels':
      return { t: s.t, levels: [...s.levels] };
  }
}

export function encodeFitted(f: Encodable): FittedFeatureJSON {
  const p = f.program;
  const names = [...p.columns];
  if (p.ctx.orderBy !== undefined && !names.includes(p.ctx.orderBy) && p.schema.has(p.ctx.orderBy)) names.push(p.ctx.orderBy);
  const ctx = {
    ordered: p.ctx.ordered,
    ...(p.ctx.orderBy !== undefined ? { orderBy: p.ctx.orderBy } : {}),
    ...(p.ctx.target !== undefined ? { target: p.ctx.target } : {}),
  };
  return {
    format: FEATURE_FORMAT,
    text: p.text,
    kind: p.kind,
    ctx,
    columns: names.map((n) => [n, p.schema.get(n)!] as const),
    states: f.states.map(encodeState),
    ...(f.levels !== undefined ? { levels: [...f.levels] } : {}),
  };
}

export interface DecodedFeature {
  readonly text: string;
  readonly kind: FeatureKind;
  readonly ctx: FeatureContext;
  readonly schema: Schema;
  readonly states: State[];
  readonly levels: string[] | undefined;
}

class Bad extends Error {}

function obj(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Bad(`${what} must be an object`);
  return x as Record<string, unknown>;
}
function field(o: Record<string, unknown>, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}
function str(x: unknown, what: string): string {
  if (typeof x !== 'string') throw new Bad(`${what} must be a string`);
  return x;
}
function strs(x: unknown, what: string): string[] {
  if (!Array.isArray(x)) throw new Bad(`${what} must be an array of strings`);
  return x.map((v, i) => str(v, `${what}[${i}]`));
}
function numOrNull(x: unknown, what: string): number {
  if (x === null) return Number.NaN;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Bad(`${what} must be a finite number or null`);
  return x;
}
function nums(x: unknown, what: string, allowNull: boolean): number[] {
  if (!Array.isArray(x)) throw new Bad(`${what} must be an array of numbers`);
  return x.map((v, i) => (v === null && !allowNull ? numOrNull(undefined, `${what}[${i}]`) : numOrNull(v, `${what}[${i}]`)));
}
function dist(x: unknown, what: string): Dist {
  const o = obj(x, what);
  const values = nums(field(o, 'values'), `${what}.values`, false);
  const cum = nums(field(o, 'cum'), `${what}.cum`, false);
  if (values.length !== cum.length) throw new Bad(`${what}: values and cum differ in length`);
  for (let i = 1; i < values.length; i++) {
    if (!(values[i]! > values[i - 1]!) || !(cum[i]! > cum[i - 1]!)) throw new Bad(`${what} must be strictly increasing`);
  }
  return { values, cum };
}

function decodeState(x: unknown, what: string): State {
  const o = obj(x, what);
  const t = field(o, 't');
  const f = (k: string): unknown => field(o, k);
  switch (t) {
    case 'range':
      return { t, min: numOrNull(f('min'), `${what}.min`), max: numOrNull(f('max'), `${what}.max`) };
    case 'moments':
      return { t, mean: numOrNull(f('mean'), `${what}.mean`), std: numOrNull(f('std'), `${what}.std`) };
    case 'edges': {
      const edges = nums(f('edges'), `${what}.edges`, false);
      for (let i = 1; i < edges.length; i++) if (!(edges[i]! > edges[i - 1]!)) throw new Bad(`${what}.edges must be increasing`);
      return { t, edges };
    }
    case 'dist':
      return { t, dist: dist(f('dist'), `${what}.dist`) };
    case 'groups': {
      const keys = strs(f('keys'), `${what}.keys`);
      const stats = nums(f('stats'), `${what}.stats`, true);
      if (keys.length !== stats.length) throw new Bad(`${what}: keys and stats differ in length`);
      return { t, keys, stats, fallback: numOrNull(f('fallback'), `${what}.fallback`) };
    }
    case 'groupdist': {
      const keys = strs(f('keys'), `${what}.keys`);
      const raw = f('dists');
      if (!Array.isArray(raw) || raw.length !== keys.length) throw new Bad(`${what}.dists must be an array as long as keys`);
      return { t, keys, dists: raw.map((d, i) => dist(d, `${what}.dists[${i}]`)), global: dist(f('global'), `${what}.global`) };
    }
    case 'levels':
      return { t, levels: strs(f('levels'), `${what}.levels`) };
    default:
      throw new Bad(`${what}.t is not a known state kind`);
  }
}

const COLUMN_KINDS: ReadonlySet<unknown> = new Set(['numeric', 'categorical', 'datetime', 'id']);

/** Validates saved JSON; throws FFError naming the bad field. */
export function decodeFitted(json: unknown): DecodedFeature {
  try {
    const o = obj(json, 'the saved feature');
    if (field(o, 'format') !== FEATURE_FORMAT) throw new Bad(`format must be '${FEATURE_FORMAT}'`);
    const text = str(field(o, 'text'), 'text');
    const kind = field(o, 'kind');
    if (kind !== 'numeric' && kind !== 'categorical') throw new Bad("kind must be 'numeric' or 'categorical'");
    const c = obj(field(o, 'ctx'), 'ctx');
    const ordered = field(c, 'ordered');
    if (typeof ordered !== 'boolean') throw new Bad('ctx.ordered must be true or false');
    const orderBy = field(c, 'orderBy');
    const target = field(c, 'target');
    const ctx: FeatureContext = {
      ordered,
      ...(orderBy !== undefined ? { orderBy: str(orderBy, 'ctx.orderBy') } : {}),
      ...(target !== undefined ? { target: str(target, 'ctx.target') } : {}),
    };
    const cols = field(o, 'columns');
    if (!Array.isArray(cols)) throw new Bad('columns must be an array of [name, kind]');
    const schema = new Map<string, ColumnKind>();
    cols.forEach((p, i) => {
      if (!Array.isArray(p) || p.length !== 2 || !COLUMN_KINDS.has(p[1])) throw new Bad(`columns[${i}] must be [name, kind]`);
      schema.set(str(p[0], `columns[${i}][0]`), p[1] as ColumnKind);
    });
    const rawStates = field(o, 'states');
    if (!Array.isArray(rawStates)) throw new Bad('states must be an array');
    const states = rawStates.map((s, i) => decodeState(s, `states[${i}]`));
    const lv = field(o, 'levels');
    return { text, kind, ctx, schema, states, levels: lv === undefined ? undefined : strs(lv, 'levels') };
  } catch (e) {
    if (e instanceof Bad) throw new FFError('FF_DATA', `invalid saved feature: ${e.message}`);
    throw e;
  }
}
