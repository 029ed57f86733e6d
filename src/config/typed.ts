/**
 * The document tree the config code works on: plain JSON, except that numbers keep how they were
 * written. W&B infers `int_uniform` vs `uniform` from whether `min`/`max` were written as ints
 * (wandb/sweeps `schema.py`: format checks `isinstance(x, int)` / `isinstance(x, float)`), so a
 * `bigint` here means "written as an integer" and a `number` means "written as a float".
 */
import type { ParamValue } from '../core/params.js';
import type { Violation } from '../core/errors.js';

export type TNode = null | boolean | string | bigint | number | TNode[] | TMap;
export interface TMap {
  [key: string]: TNode;
}

export function isMap(n: TNode | undefined): n is TMap {
  return typeof n === 'object' && n !== null && !Array.isArray(n);
}

/** Written as an integer (`1`, `-3`, `0x10`). */
export function isInt(n: TNode | undefined): n is bigint {
  return typeof n === 'bigint';
}

/** Written as a float (`1.0`, `1e-4`, `.inf`). */
export function isFloat(n: TNode | undefined): n is number {
  return typeof n === 'number';
}

export function isNum(n: TNode | undefined): n is bigint | number {
  return typeof n === 'bigint' || typeof n === 'number';
}

export function num(n: bigint | number): number {
  return typeof n === 'bigint' ? Number(n) : n;
}

/** The plain JSON value (ints become ordinary numbers). */
export function toPlain(n: TNode): ParamValue {
  if (typeof n === 'bigint') return Number(n);
  if (Array.isArray(n)) return n.map(toPlain);
  if (isMap(n)) {
    const out: { [key: string]: ParamValue } = {};
    for (const [k, v] of Object.entries(n)) out[k] = toPlain(v);
    return out;
  }
  return n;
}

/** How a value was written, for messages: "an integer", "a float", "a list", ... */
export function describeType(n: TNode | undefined): string {
  if (n === undefined) return 'nothing';
  if (n === null) return 'null';
  if (typeof n === 'bigint') return 'an integer';
  if (typeof n === 'number') return 'a float';
  if (typeof n === 'string') return 'a string';
  if (typeof n === 'boolean') return 'a boolean';
  if (Array.isArray(n)) return 'a list';
  return 'a mapping';
}

/**
 * Convert a JS value given through the API. There is no source text, so `Number.isInteger` decides
 * int vs float (`1.0 === 1` in JS: pass an explicit `distribution` when that matters).
 * Values JSON cannot hold are reported, not silently dropped; `undefined` properties are skipped.
 */
export function fromJs(value: unknown, path: string, out: Violation[]): TNode {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v, i) => fromJs(v, `${path}[${i}]`, out));
  if (typeof value === 'object' && isPlainObject(value)) {
    const map: TMap = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      map[k] = fromJs(v, joinPath(path, k), out);
    }
    return map;
  }
  out.push({ path, message: `must be a JSON value (null, boolean, number, string, list or mapping), not ${typeof value}` });
  return null;
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}
