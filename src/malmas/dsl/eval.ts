/**
 * Tree-walking interpreter over typed arrays. It only dispatches on node types and on names
 * found in fixed Maps; user text never reaches a JavaScript evaluator or an object property.
 * In fit mode (fitRows set) each fitted call computes its state from the training rows and stores
 * it in its slot; in apply mode it reads the stored state.
 */

import type { Column } from '../dataset/table.js';
import { FFError } from '../../core/errors.js';
import { literalNumber, type Binary, type Expr } from './ast.js';
import { MS_PER_DAY, parseDateLiteral } from './dates.js';
import { FUNCTIONS, type ValueKind } from './functions.js';
import { ROW_FUNCTIONS, num } from './builtins-row.js';
import { FITTED_FUNCTIONS, type State } from './builtins-fitted.js';
import { ORDERED_FUNCTIONS } from './builtins-ordered.js';
import { asCategorical, fin, numeric, type Val } from './values.js';

export interface EvalEnv {
  readonly n: number;
  readonly columns: ReadonlyMap<string, Column>;
  /** Kinds the checker gave each node; column kinds in the table must agree. */
  readonly kinds: ReadonlyMap<Expr, ValueKind>;
  /** Slot of each fitted call in `states`. */
  readonly slots: ReadonlyMap<Expr, number>;
  readonly states: Array<State | undefined>;
  /** Training rows in fit mode; null in apply mode. */
  readonly fitRows: Int32Array | null;
  /** Row indices in order (for lags and windows), computed on first use. */
  readonly order: () => Int32Array;
  /** Columns already read in this evaluation (a feature often names a column twice). */
  readonly read: Map<string, Val>;
}

const PLACEHOLDER: Val = { k: 'string', s: '' };

export function evaluate(e: Expr, env: EvalEnv): Val {
  switch (e.type) {
    case 'num':
      return numeric(new Float64Array(env.n).fill(e.value));
    case 'str':
      return { k: 'string', s: e.value };
    case 'col': {
      let v = env.read.get(e.name);
      if (v === undefined) {
        v = readColumn(e.name, env.kinds.get(e), env);
        env.read.set(e.name, v);
      }
      return v;
    }
    case 'unary': {
      const x = num(evaluate(e.arg, env));
      if (e.op === '-') return numeric(x.map((v) => -v + 0));
      return numeric(x.map((v) => (Number.isNaN(v) ? v : +(v === 0))));
    }
    case 'binary':
      return binary(e, evaluate(e.left, env), evaluate(e.right, env), env.n);
    case 'call': {
      const spec = FUNCTIONS.get(e.name);
      if (spec === undefined) throw new Error(`internal: unknown function ${e.name}`);
      const args = e.args.map((a, i) => (spec.params[Math.min(i, spec.params.length - 1)]!.kind === 'int' ? PLACEHOLDER : evaluate(a, env)));
      const fitted = FITTED_FUNCTIONS.get(e.name);
      if (fitted !== undefined) {
        const slot = env.slots.get(e);
        if (slot === undefined) throw new Error(`internal: no state slot for ${e.name}`);
        if (env.fitRows !== null) env.states[slot] = fitted.fit(args, e, env.n, env.fitRows);
        const state = env.states[slot];
        if (state === undefined) throw new Error(`internal: ${e.name} was not fitted`);
        return fitted.apply(args, e, env.n, state);
      }
      const ordered = ORDERED_FUNCTIONS.get(e.name);
      if (ordered !== undefined) return ordered(args, e, env.n, env.order());
      const row = ROW_FUNCTIONS.get(e.name);
      if (row === undefined) throw new Error(`internal: no implementation of ${e.name}`);
      return row(args, e, env.n);
    }
  }
}

function readColumn(name: string, expected: ValueKind | undefined, env: EvalEnv): Val {
  const c = env.columns.get(name);
  if (c === undefined) throw new FFError('FF_DATA', `the feature reads column '${name}', which this table does not have`);
  const kind: ValueKind = c.kind === 'id' ? 'text' : c.kind;
  if (expected !== undefined && kind !== expected) {
    throw new FFError('FF_DATA', `the feature was checked with column '${name}' as ${expected}, but in this table it is ${kind}`);
  }
  const len = c.kind === 'categorical' ? c.codes.length : c.kind === 'id' ? c.raw.length : c.values.length;
  if (len !== env.n) throw new FFError('FF_DATA', `column '${name}' has ${len} values but the table has ${env.n} rows`);
  switch (c.kind) {
    case 'numeric':
      return numeric(c.values.map(fin));
    case 'datetime':
      return { k: 'datetime', v: c.values.map(fin) };
    case 'id':
      // Id text becomes codes + labels once; the empty string is missing.
      return asCategorical({ k: 'text', v: c.raw.map((s) => (typeof s === 'string' ? s : '')) }, env.n);
    case 'categorical': {
      const L = c.levels.length;
      const ok = c.codes.every((x) => x >= -1 && x < L);
      return { k: 'categorical', codes: ok ? c.codes : c.codes.map((x) => (x >= 0 && x < L ? x : -1)), levels: c.levels };
    }
  }
}

function zip(a: Float64Array, b: Float64Array, f: (x: number, y: number) => number): Val {
  return numeric(a.map((x, i) => (Number.isNaN(x) || Number.isNaN(b[i]!) ? Number.NaN : fin(f(x, b[i]!)))));
}

const ARITH: ReadonlyMap<string, (x: number, y: number) => number> = new Map([
  ['+', (x: number, y: number) => x + y],
  ['-', (x: number, y: number) => x - y],
  ['*', (x: number, y: number) => x * y],
  ['/', (x: number, y: number) => x / y],
  // Floored modulo, as in Python: the result has the sign of the divisor.
  ['%', (x: number, y: number) => (y === 0 ? Number.NaN : x - y * Math.floor(x / y))],
  ['^', (x: number, y: number) => x ** y],
]);

const COMPARE: ReadonlyMap<string, (x: number, y: number) => boolean> = new Map([
  ['<', (x: number, y: number) => x < y],
  ['<=', (x: number, y: number) => x <= y],
  ['>', (x: number, y: number) => x > y],
  ['>=', (x: number, y: number) => x >= y],
  ['==', (x: number, y: number) => x === y],
  ['!=', (x: number, y: number) => x !== y],
]);

function binary(e: Binary, l: Val, r: Val, n: number): Val {
  const op = e.op;
  if (op === 'and' || op === 'or') {
    const [a, b] = [num(l), num(r)];
    // Three-valued logic: false and missing = false; true or missing = true; otherwise missing wins.
    return numeric(a.map((x, i) => {
      const y = b[i]!;
      const [tx, ty] = [Number.isNaN(x) ? null : x !== 0, Number.isNaN(y) ? null : y !== 0];
      if (op === 'and') return tx === false || ty === false ? 0 : tx === null || ty === null ? Number.NaN : 1;
      return tx === true || ty === true ? 1 : tx === null || ty === null ? Number.NaN : 0;
    }));
  }
  const arith = ARITH.get(op);
  if (arith !== undefined) {
    if (l.k === 'datetime' && r.k === 'datetime') return zip(l.v, r.v, (x, y) => (x - y) / MS_PER_DAY);
    return zip(num(l), num(r), arith);
  }
  const cmp = COMPARE.get(op)!;
  const asNum = (v: Val): Float64Array => (v.k === 'string' ? new Float64Array(n).fill(parseDateLiteral(v.s)) : num(v));
  if (l.k === 'datetime' || r.k === 'datetime' || (l.k === 'numeric' && r.k === 'numeric')) {
    return zip(asNum(l), asNum(r), (x, y) => +cmp(x, y));
  }
  // Categorical equality: against a number literal (compared as numbers), or label against label.
  const lit = l.k === 'numeric' ? literalNumber(e.left) : r.k === 'numeric' ? literalNumber(e.right) : undefined;
  const a = asCategorical(l.k === 'numeric' ? r : l, n);
  let eqPerLevel: (c: number, i: number) => boolean;
  if (lit !== undefined) {
    const per = a.levels.map((s) => s.trim() !== '' && Number(s) === lit);
    eqPerLevel = (c) => per[c]!;
  } else {
    const b = asCategorical(r, n);
    const index = new Map(a.levels.map((s, i) => [s, i]));
    const bToA = b.levels.map((s) => index.get(s) ?? -2);
    eqPerLevel = (c, i) => bToA[b.codes[i]!] === c;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const [ca, cb] = [a.codes[i]!, b.codes[i]!];
      out[i] = ca < 0 || cb < 0 ? Number.NaN : +(eqPerLevel(ca, i) === (op === '=='));
    }
    return numeric(out);
  }
  return numeric(Float64Array.from(a.codes, (c, i) => (c < 0 ? Number.NaN : +(eqPerLevel(c, i) === (op === '==')))));
}
