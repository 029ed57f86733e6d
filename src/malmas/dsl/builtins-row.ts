/**
 * Row-wise built-ins: mathematics, conditionals, missing values, dates and strings. None of them
 * looks at other rows, so none needs fitting. Missing in → missing out, unless the function is
 * about missingness (isnull, fillna).
 */

import { literalInt, type Call } from './ast.js';
import { datePart, MS_PER_DAY, parseDateLiteral, type DatePart } from './dates.js';
import { asCategorical, fin, LevelBuilder, levelNumbers, mapLevels, numeric, type Cat, type Val } from './values.js';

export type RowFn = (args: readonly Val[], call: Call, n: number) => Val;

export function num(v: Val): Float64Array {
  if (v.k === 'numeric' || v.k === 'datetime') return v.v;
  throw new Error(`internal: expected numeric, got ${v.k}`);
}

function str(v: Val): string {
  if (v.k === 'string') return v.s;
  throw new Error(`internal: expected a string literal, got ${v.k}`);
}

function map1(f: (x: number) => number): RowFn {
  return (args) => numeric(num(args[0]!).map((x) => (Number.isNaN(x) ? x : fin(f(x)))));
}

function map2(f: (a: number, b: number) => number): RowFn {
  return (args) => {
    const a = num(args[0]!);
    const b = num(args[1]!);
    return numeric(a.map((x, i) => (Number.isNaN(x) || Number.isNaN(b[i]!) ? Number.NaN : fin(f(x, b[i]!)))));
  };
}

/** Round half away from zero, to `digits` decimals. */
function roundTo(x: number, digits: number): number {
  const m = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * m)) / m;
}

/** Datetime values of a datetime expression or a date string literal. */
function dates(v: Val, n: number): Float64Array {
  return v.k === 'string' ? new Float64Array(n).fill(parseDateLiteral(v.s)) : num(v);
}

/** Per-row choice between two categorical-like values with merged levels. */
function pickCat(a: Val, b: Val, n: number, useA: (i: number) => boolean | null): Cat {
  const ca = asCategorical(a, n);
  const cb = asCategorical(b, n);
  const lb = new LevelBuilder();
  const ra = ca.levels.map((s) => lb.code(s));
  const rb = cb.levels.map((s) => lb.code(s));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = useA(i);
    const c = u === null ? -1 : u ? ca.codes[i]! : cb.codes[i]!;
    codes[i] = c < 0 ? -1 : u ? ra[c]! : rb[c]!;
  }
  return { k: 'categorical', codes, levels: lb.levels };
}

function ifFn(args: readonly Val[], _call: Call, n: number): Val {
  const cond = num(args[0]!);
  const [a, b] = [args[1]!, args[2]!];
  const pick = (i: number): boolean | null => (Number.isNaN(cond[i]!) ? null : cond[i] !== 0);
  if ((a.k === 'numeric' || a.k === 'datetime') && a.k === b.k) {
    const va = a.v;
    const vb = b.v;
    const out = Float64Array.from(cond, (c, i) => (Number.isNaN(c) ? Number.NaN : c !== 0 ? va[i]! : vb[i]!));
    return { k: a.k, v: out };
  }
  return pickCat(a, b, n, pick);
}

function isnull(args: readonly Val[], _call: Call, n: number): Val {
  const x = args[0]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = x.k === 'numeric' || x.k === 'datetime' ? +Number.isNaN(x.v[i]!) : x.k === 'categorical' ? +(x.codes[i]! < 0) : x.k === 'text' ? +(x.v[i] === '') : 0;
  }
  return numeric(out);
}

function fillna(args: readonly Val[], _call: Call, n: number): Val {
  const [x, v] = [args[0]!, args[1]!];
  if (x.k === 'numeric' || x.k === 'datetime') {
    const fill = x.k === 'datetime' ? dates(v, n) : num(v);
    return { k: x.k, v: x.v.map((a, i) => (Number.isNaN(a) ? fill[i]! : a)) };
  }
  const cx = asCategorical(x, n);
  return pickCat(cx, v, n, (i) => cx.codes[i]! >= 0);
}

function datePartFn(part: DatePart): RowFn {
  return (args) => numeric(num(args[0]!).map((ms) => datePart(part, ms)));
}

function daysSince(args: readonly Val[], _call: Call, n: number): Val {
  const d = num(args[0]!);
  const d0 = dates(args[1]!, n);
  return numeric(d.map((x, i) => fin((x - d0[i]!) / MS_PER_DAY)));
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

function splitPart(s: string, sep: string, i: number): string | null {
  const parts = s.split(sep);
  const j = i < 0 ? parts.length + i : i;
  return j >= 0 && j < parts.length ? parts[j]!.trim() : null;
}

/** Categorical cross: labels joined with '_'; missing when any part is missing. */
function concat(args: readonly Val[], _call: Call, n: number): Val {
  let acc = asCategorical(args[0]!, n);
  for (let j = 1; j < args.length; j++) {
    const next = asCategorical(args[j]!, n);
    const pairs = new Map<number, number>();
    const b = new LevelBuilder();
    const codes = new Int32Array(n);
    const width = next.levels.length;
    for (let i = 0; i < n; i++) {
      const [ca, cb] = [acc.codes[i]!, next.codes[i]!];
      if (ca < 0 || cb < 0) {
        codes[i] = -1;
        continue;
      }
      const key = ca * width + cb;
      let c = pairs.get(key);
      if (c === undefined) {
        c = b.code(`${acc.levels[ca]!}_${next.levels[cb]!}`);
        pairs.set(key, c);
      }
      codes[i] = c;
    }
    acc = { k: 'categorical', codes, levels: b.levels };
  }
  return acc;
}

const strArg = (args: readonly Val[], n: number): Cat => asCategorical(args[0]!, n);

export const ROW_FUNCTIONS: ReadonlyMap<string, RowFn> = new Map<string, RowFn>([
  ['log', map1((x) => (x > 0 ? Math.log(x) : Number.NaN))],
  ['log1p', map1((x) => (x > -1 ? Math.log1p(x) : Number.NaN))],
  ['sqrt', map1((x) => (x >= 0 ? Math.sqrt(x) : Number.NaN))],
  ['abs', map1(Math.abs)],
  ['exp', map1(Math.exp)],
  ['floor', map1(Math.floor)],
  ['ceil', map1((x) => Math.ceil(x) + 0)],
  ['sign', map1((x) => Math.sign(x) + 0)],
  ['round', (args, call, n) => map1((x) => roundTo(x, call.args[1] ? literalInt(call.args[1]) ?? 0 : 0) + 0)(args, call, n)],
  ['pow', map2((a, b) => a ** b)],
  ['min', map2(Math.min)],
  ['max', map2(Math.max)],
  [
    'clip',
    (args) => {
      const [x, lo, hi] = [num(args[0]!), num(args[1]!), num(args[2]!)];
      return numeric(x.map((v, i) => Math.min(Math.max(v, lo[i]!), hi[i]!)));
    },
  ],
  ['if', ifFn],
  ['isnull', isnull],
  ['fillna', fillna],
  ...(['year', 'month', 'day', 'weekday', 'hour', 'dayofyear', 'quarter'] as const).map((p): [string, RowFn] => [p, datePartFn(p)]),
  ['days_since', daysSince],
  ['len', (args, _c, n) => numeric(levelNumbers(strArg(args, n), (s) => codePoints(s).length))],
  ['lower', (args, _c, n) => mapLevels(strArg(args, n), (s) => s.toLowerCase())],
  ['upper', (args, _c, n) => mapLevels(strArg(args, n), (s) => s.toUpperCase())],
  ['prefix', (args, call, n) => mapLevels(strArg(args, n), (s) => codePoints(s).slice(0, literalInt(call.args[1]!) ?? 1).join(''))],
  ['contains', (args, _c, n) => numeric(levelNumbers(strArg(args, n), (s) => +s.includes(str(args[1]!))))],
  ['str_split_part', (args, call, n) => mapLevels(strArg(args, n), (s) => splitPart(s, str(args[1]!), literalInt(call.args[2]!) ?? 0))],
  ['concat', concat],
]);
