/**
 * Fuzzing the feature language: random characters, random token sequences, mutations of valid
 * features and grammar-directed random features. Nothing may throw out of compile, nothing that
 * compiles may throw when fitted and applied, outputs keep their invariants, and nothing runs.
 */
import { Rng } from '../../../../src/core/rng.js';
import type { Column, Table } from '../../../../src/malmas/dataset/table.js';
import { compileFeature, FittedFeature, FUNCTIONS, schemaOf, type FeatureContext } from '../../../../src/malmas/dsl/index.js';
import { cat, date, id, num, table } from './tables.js';

const rng = new Rng(20260422, 'dsl-fuzz');
const n = 12;
const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const maybe = (p: number): boolean => rng.random() < p;

const T: Table = table(
  num('x', Array.from({ length: n }, (_, i) => (i % 5 === 3 ? null : (i - 4) * 1.5))),
  num('y', Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : i * i))),
  num('emp.var.rate', Array.from({ length: n }, (_, i) => -i)),
  num('__proto__', Array.from({ length: n }, (_, i) => i % 3)),
  cat('c', Array.from({ length: n }, (_, i) => (i % 6 === 5 ? null : pick(['a', 'b', 'c d', '']) || 'e'))),
  cat('k', Array.from({ length: n }, (_, i) => String(i % 3))),
  date('d', Array.from({ length: n }, (_, i) => (i === 7 ? null : `20${10 + i}-0${1 + (i % 9)}-1${i % 10}`))),
  id('s', Array.from({ length: n }, (_, i) => (i === 2 ? '' : `Name${i}, Mr. X${i % 4}`))),
);
const schema = schemaOf(T);
const COLS = ['x', 'y', '`emp.var.rate`', '`__proto__`', 'c', 'k', 'd', 's'];
const HOSTILE = ['constructor', '__proto__', 'prototype', 'process.exit(1)', "require('fs')", 'this', 'globalThis', 'eval("1")', 'Function("return 1")()',
  '`${process.exit(1)}`', '`); process.exit(1); (`', 'x.constructor.constructor("return process")()', 'import("fs")', '__defineGetter__', 'toString()',
  'valueOf', 'hasOwnProperty("x")', '[constructor]', '`constructor`', 'new Function("x")', '\u0000', '\u202e', 'x; y', '{}', '[]', '()', '(((', ')))',
  'log(' + 'x,'.repeat(500) + 'x)', '"\\', '`\\`', "'\\'", 'x\u00a0+ y', '１ + x', 'x /* c */', '# comment', 'lambda x: x', 'x if c else y', '0x10', '1_000'];

const exitSpy: string[] = [];
const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const globalKeys = new Set(Object.getOwnPropertyNames(globalThis));
let realExit: typeof process.exit;

beforeAll(() => {
  realExit = process.exit;
  process.exit = ((code?: number) => {
    exitSpy.push(String(code));
    throw new Error('process.exit called');
  }) as typeof process.exit;
});
afterAll(() => {
  process.exit = realExit;
});

const encode = (col: Column): unknown => (col.kind === 'numeric' ? Array.from(col.values, (v) => (Number.isNaN(v) ? 'NaN' : v)) : col.kind === 'categorical' ? [Array.from(col.codes), col.levels] : col.kind);

function checkColumn(col: Column, text: string): void {
  if (col.kind === 'numeric') {
    if (col.values.length !== n) throw new Error(`${text}: ${col.values.length} rows`);
    for (const v of col.values) if (!Number.isNaN(v) && !Number.isFinite(v)) throw new Error(`${text}: non-finite ${v}`);
  } else if (col.kind === 'categorical') {
    if (col.codes.length !== n) throw new Error(`${text}: ${col.codes.length} rows`);
    for (const c of col.codes) if (c < -1 || c >= col.levels.length) throw new Error(`${text}: bad code ${c}`);
    if (new Set(col.levels).size !== col.levels.length) throw new Error(`${text}: duplicate levels`);
  } else {
    throw new Error(`${text}: unexpected ${col.kind}`);
  }
}

const stats = { compiled: 0, rejected: 0 };
const half = Int32Array.from({ length: n / 2 }, (_, i) => i * 2);

/** compile never throws; anything that compiles fits, applies and round-trips without throwing. */
function exercise(text: string, ctx: FeatureContext = { ordered: maybe(0.5), ...(maybe(0.3) ? { orderBy: pick(['y', 'd', 'c', 'nope']) } : {}) }): void {
  const r = compileFeature(text, schema, ctx);
  if (!r.ok) {
    stats.rejected++;
    if (process.env.DSL_FUZZ_SAMPLES && stats.rejected % 97 === 0) process.stdout.write(`${JSON.stringify(text)}\n   → ${r.error}\n`);
    // plain checks in the hot loop: expect() is slow enough to dominate thousands of cases
    if (typeof r.error !== 'string' || r.error.length === 0 || r.error.length > 3000) throw new Error(`bad error for ${JSON.stringify(text)}: ${r.error}`);
    return;
  }
  stats.compiled++;
  const fitted = r.feature.fit(T, half);
  const col = fitted.apply(T);
  checkColumn(col, text);
  const copy = FittedFeature.fromJSON(JSON.parse(JSON.stringify(fitted))).apply(T);
  if (JSON.stringify(encode(copy)) !== JSON.stringify(encode(col))) throw new Error(`${text}: JSON round trip changed the output`);
}

const ALPHABET = 'abcxyzdksXY_0123456789.eE+-*/%^<>=!&|()[]`\'",;:?~$#@ \t\n\\{}' + 'ö∑😀\u0000';

function randomString(): string {
  const len = rng.int(40);
  let s = '';
  for (let i = 0; i < len; i++) s += maybe(0.15) ? pick(COLS) : ALPHABET[rng.int(ALPHABET.length)]!;
  return s;
}

const TOKENS = [...COLS, ...FUNCTIONS.keys(), ...HOSTILE, '+', '-', '*', '/', '%', '^', '**', '<', '<=', '>', '>=', '==', '!=', 'and', 'or', 'not', '(', ')', '(', ')', ',', ',',
  '1', '0', '2', '-1', '1e-3', '1e308', '3.5', '"a"', '"2011-01-01"', '" "', '","', '""', 'if', 'NaN', 'Infinity'];

function randomTokens(): string {
  const len = 1 + rng.int(25);
  return Array.from({ length: len }, () => pick(TOKENS)).join(maybe(0.5) ? ' ' : '');
}

type Want = 'numeric' | 'categorical' | 'datetime' | 'key';

/** Type-directed random features from the function catalogue, with occasional wrong kinds. */
function gen(want: Want, depth: number): string {
  const w: Want = maybe(0.05) ? pick(['numeric', 'categorical', 'datetime', 'key'] as const) : want;
  if (depth <= 0 || maybe(0.25)) {
    if (w === 'numeric') return maybe(0.3) ? String(pick([0, 1, 2, 0.5, 1e-3, 1e300, 7])) : pick(['x', 'y', '`emp.var.rate`', '`__proto__`']);
    if (w === 'datetime') return 'd';
    if (w === 'key') return pick(['c', 'k', 's', 'qbin(x, 3)', 'bin(y, 2)']);
    return pick(['c', 'k', 's', '"lit"']);
  }
  if (w === 'numeric' && maybe(0.3)) {
    if (maybe(0.15)) return `${pick(['-', 'not '])}(${gen('numeric', depth - 1)})`;
    const op = pick(['+', '-', '*', '/', '%', '^', '<', '<=', '==', '!=', 'and', 'or']);
    return `(${gen('numeric', depth - 1)} ${op} ${gen('numeric', depth - 1)})`;
  }
  if (w === 'numeric' && maybe(0.05)) return `(c == ${pick(['"a"', 'k', '1'])})`;
  const specs = [...FUNCTIONS.values()].filter((s) =>
    w === 'numeric' ? s.result === 'numeric' || s.result === 'if' || s.result === 'fillna'
      : w === 'datetime' ? s.result === 'fillna' || s.result === 'if'
        : s.result === 'categorical' || s.result === 'if' || s.result === 'fillna' || (w === 'key' && s.result === 'numeric'));
  const spec = pick(specs);
  const branch: Want = spec.result === 'if' || spec.result === 'fillna' ? (w === 'key' ? 'categorical' : w) : 'numeric';
  const nArgs = spec.variadic ? 2 + rng.int(3) : spec.params.filter((p) => !p.optional).length + rng.int(spec.params.length - spec.params.filter((p) => !p.optional).length + 1);
  const args: string[] = [];
  for (let i = 0; i < nArgs; i++) {
    const p = spec.params[Math.min(i, spec.params.length - 1)]!;
    switch (p.kind) {
      case 'int':
        args.push(String(maybe(0.9) ? p.min! + rng.int(4) : pick([-5, 0, 1e6, 2.5])));
        break;
      case 'lit':
        args.push(pick(['","', '" "', '"."', '"a"', '"Mr."']));
        break;
      case 'date0':
        args.push(maybe(0.7) ? pick(['"2011-01-01"', '"2015-06-30T12:00"']) : 'd');
        break;
      case 'date':
        args.push(gen('datetime', depth - 1));
        break;
      case 'key':
        args.push(gen('key', depth - 1));
        break;
      case 'str':
        args.push(gen('categorical', depth - 1));
        break;
      case 'any':
        args.push(gen(pick(['numeric', 'categorical', 'datetime'] as const), depth - 1));
        break;
      case 'value':
        args.push(spec.name === 'concat' ? gen(pick(['numeric', 'categorical'] as const), depth - 1) : gen(branch, depth - 1));
        break;
      default:
        args.push(i === 0 && spec.result === 'if' ? gen('numeric', depth - 1) : gen('numeric', depth - 1));
    }
  }
  return `${spec.name}(${args.join(', ')})`;
}

function mutate(s: string): string {
  const i = rng.int(s.length + 1);
  switch (rng.int(4)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + ALPHABET[rng.int(ALPHABET.length)]! + s.slice(i);
    case 2:
      return s.slice(0, i) + pick(TOKENS) + s.slice(i);
    default:
      return s.slice(i) + s.slice(0, i);
  }
}

describe('feature language fuzzing', () => {
  it('survives hostile inputs without running anything', () => {
    for (const h of HOSTILE) {
      exercise(h);
      exercise(`x + ${h}`);
      exercise(`log(${h})`);
    }
    // a real column named __proto__ is just a column
    const r = compileFeature('`__proto__` * 2', schema, { ordered: false });
    expect(r.ok).toBe(true);
  });

  it('survives random characters', () => {
    for (let i = 0; i < 2000; i++) exercise(randomString());
  });

  it('survives random token sequences', () => {
    for (let i = 0; i < 2500; i++) exercise(randomTokens());
  });

  it('fits and applies random well-formed features, and survives their mutations', () => {
    const before = stats.compiled;
    for (let i = 0; i < 1500; i++) {
      const f = gen(pick(['numeric', 'categorical'] as const), 1 + rng.int(5));
      exercise(f, { ordered: maybe(0.7), ...(maybe(0.5) ? { orderBy: pick(['y', 'd']) } : {}) });
      exercise(mutate(f));
    }
    // the generator must actually reach the interpreter, not only the checker
    expect(stats.compiled - before).toBeGreaterThan(600);
  });

  afterAll(() => {
    expect(exitSpy).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(Object.getOwnPropertyNames(globalThis).filter((k) => !globalKeys.has(k))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
