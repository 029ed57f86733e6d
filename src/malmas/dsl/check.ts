/**
 * Type checker for the feature language: column names exist, function arities and argument kinds
 * match, literal parameters are in range, ordered-row functions only where rows have an order.
 * Errors are written for the LLM agent that will read them next round: what, where, what instead.
 */

import type { ColumnKind, Table } from '../dataset/table.js';
import { LIMITS, columnsOf, formatExpr, formatName, literalInt, literalNumber, type Binary, type Call, type Expr } from './ast.js';
import { parseDateLiteral } from './dates.js';
import { FUNCTIONS, paramKinds, signature, type FnSpec, type Param, type ValueKind } from './functions.js';
import { suggest } from './suggest.js';

/** Column names → kinds (the target column must not be in it). */
export type Schema = ReadonlyMap<string, ColumnKind>;

export interface FeatureContext {
  /** Rows have an order (time series, logs): lags and rolling windows are allowed. */
  readonly ordered: boolean;
  /** Numeric or datetime column that gives the order; file order when absent. */
  readonly orderBy?: string;
  /** The prediction target: features may never read it, even if the schema lists it. */
  readonly target?: string;
}

export type FeatureKind = 'numeric' | 'categorical';
export type CheckResult = { ok: true; kind: FeatureKind } | { ok: false; error: string };
export type TypedResult = { ok: true; kind: FeatureKind; kinds: ReadonlyMap<Expr, ValueKind> } | { ok: false; error: string };

export function schemaOf(table: Table): Schema {
  return new Map(table.columns.map((c) => [c.name, c.kind]));
}

class CheckErr extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const KIND_TEXT: Record<ValueKind, string> = {
  numeric: 'numeric',
  categorical: 'categorical',
  datetime: 'datetime',
  text: 'text (id column)',
  string: 'a string literal',
};
const ARITH = new Set(['+', '-', '*', '/', '%', '^']);
const MAX_LISTED = 40;

export function checkFeature(expr: Expr, schema: Schema, ctx: FeatureContext): CheckResult {
  const r = typeFeature(expr, schema, ctx);
  return r.ok ? { ok: true, kind: r.kind } : r;
}

/** The checker proper: also returns every node's kind, for the interpreter. Never throws. */
export function typeFeature(expr: Expr, schema: Schema, ctx: FeatureContext): TypedResult {
  try {
    const c = new Checker(schema, ctx);
    const kind = c.check(expr, 0);
    if (kind === 'string') throw new CheckErr('a constant string is not a feature; use columns', expr.pos);
    if (columnsOf(expr).length === 0) throw new CheckErr('the expression uses no column, so it is a constant, not a feature', expr.pos);
    if (kind === 'datetime') {
      throw new CheckErr('the expression is a datetime, but a feature must be numeric or categorical: use year(d), month(d), weekday(d), elapsed(d) or days_since(d, "2011-01-01")', expr.pos);
    }
    if (kind === 'text') {
      throw new CheckErr('the expression is raw id text, but a feature must be numeric or categorical: use len(c), prefix(c, n), str_split_part(c, sep, i), lower(c), freq(c) or group_count(c)', expr.pos);
    }
    return { ok: true, kind, kinds: c.kinds };
  } catch (e) {
    if (e instanceof CheckErr) return { ok: false, error: `${e.message} (at position ${e.pos + 1})` };
    return { ok: false, error: `could not check the expression (${e instanceof Error ? e.message : String(e)})` };
  }
}

function show(e: Expr): string {
  const s = formatExpr(e);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

class Checker {
  readonly kinds = new Map<Expr, ValueKind>();

  constructor(
    private readonly schema: Schema,
    private readonly ctx: FeatureContext,
  ) {}

  check(e: Expr, depth: number): ValueKind {
    if (depth > LIMITS.maxDepth) throw new CheckErr(`expression nested too deeply (more than ${LIMITS.maxDepth} levels)`, e.pos);
    if (this.kinds.size > LIMITS.maxNodes * 4) throw new CheckErr(`expression too large (more than ${LIMITS.maxNodes} operations)`, e.pos);
    const k = this.kindOf(e, depth);
    this.kinds.set(e, k);
    return k;
  }

  private kindOf(e: Expr, depth: number): ValueKind {
    switch (e.type) {
      case 'num':
        if (!Number.isFinite(e.value)) throw new CheckErr('numbers must be finite', e.pos);
        return 'numeric';
      case 'str':
        return 'string';
      case 'col':
        return this.column(e.name, e.pos);
      case 'unary': {
        const k = this.check(e.arg, depth + 1);
        if (k !== 'numeric') throw new CheckErr(`'${e.op}' needs a numeric operand, got ${KIND_TEXT[k]} (${show(e.arg)})`, e.pos);
        return 'numeric';
      }
      case 'binary':
        return this.binary(e, this.check(e.left, depth + 1), this.check(e.right, depth + 1));
      case 'call':
        return this.call(e, depth);
    }
  }

  private column(name: string, pos: number): ValueKind {
    if (this.ctx.target !== undefined && name === this.ctx.target) {
      this.fail(`'${name}' is the prediction target: features cannot use it (that would leak the answer)`, pos);
    }
    const kind = this.schema.get(name);
    if (kind !== undefined) return kind === 'id' ? 'text' : kind;
    const names = [...this.schema.keys()].filter((n) => n !== this.ctx.target);
    const close = suggest(name, names);
    let hint: string;
    if (close.length > 0) hint = ` (did you mean ${close.map((n) => `'${n}'`).join(' or ')}?)`;
    else if (FUNCTIONS.has(name.toLowerCase())) hint = ` ('${name}' is a function: call it as ${signature(FUNCTIONS.get(name.toLowerCase())!)})`;
    else hint = `; columns are: ${names.slice(0, MAX_LISTED).join(', ')}${names.length > MAX_LISTED ? ', …' : ''}`;
    return this.fail(`unknown column '${name}'${hint}`, pos);
  }

  private fail(message: string, pos: number): never {
    throw new CheckErr(message, pos);
  }

  /** A string literal that names a column was probably meant as that column. */
  private quotedColumn(...es: Expr[]): string {
    const e = es.find((x) => x.type === 'str' && this.schema.has(x.value));
    return e?.type === 'str' ? `; "${e.value}" in quotes is a string: write the column as ${formatName(e.value)}` : '';
  }

  private binary(e: Binary, l: ValueKind, r: ValueKind): ValueKind {
    const op = e.op;
    const got = `got ${KIND_TEXT[l]} (${show(e.left)}) and ${KIND_TEXT[r]} (${show(e.right)})`;
    if (op === 'and' || op === 'or') {
      if (l === 'numeric' && r === 'numeric') return 'numeric';
      return this.fail(`'${op}' needs numeric (true/false) operands, ${got}`, e.pos);
    }
    if (ARITH.has(op)) {
      if (l === 'numeric' && r === 'numeric') return 'numeric';
      if (op === '-' && l === 'datetime' && r === 'datetime') return 'numeric';
      let hint = '';
      if (l === 'datetime' || r === 'datetime') hint = '; for dates use a - b (two datetimes, in days), days_since(d, "2011-01-01"), year(d) …';
      else if (op === '+' && (isStrKind(l) || isStrKind(r))) hint = '; to combine categories use concat(a, b)';
      else if (isStrKind(l) || isStrKind(r)) hint = '; categorical values are not numbers: compare them (c == "x"), or use freq(c), cat_code(c), len(c)';
      return this.fail(`'${op}' needs numeric operands, ${got}${hint}${this.quotedColumn(e.left, e.right)}`, e.pos);
    }
    // Comparisons.
    const eq = op === '==' || op === '!=';
    if (l === 'numeric' && r === 'numeric') return 'numeric';
    if (l === 'datetime' || r === 'datetime') {
      const other = l === 'datetime' ? e.right : e.left;
      const ok = (l === 'datetime' && r === 'datetime') || (other.type === 'str' && !Number.isNaN(parseDateLiteral(other.value)));
      if (ok) return 'numeric';
      return this.fail(`'${op}' compares a datetime with another datetime or a date like "2011-01-01", ${got}`, e.pos);
    }
    const catL = isStrKind(l) || l === 'string';
    const catR = isStrKind(r) || r === 'string';
    if (catL && catR && (isStrKind(l) || isStrKind(r))) {
      if (eq) return 'numeric';
      return this.fail(`categorical values can only be compared with == or !=, not '${op}'`, e.pos);
    }
    const numLit = (x: Expr): boolean => literalNumber(x) !== undefined;
    if ((isStrKind(l) && numLit(e.right)) || (isStrKind(r) && numLit(e.left))) {
      if (eq) return 'numeric';
      return this.fail(`categorical values can only be compared with == or !=, not '${op}'`, e.pos);
    }
    if (l === 'string' && r === 'string') return this.fail('the comparison has two constants; compare a column with a value', e.pos);
    return this.fail(`'${op}' cannot compare ${KIND_TEXT[l]} with ${KIND_TEXT[r]}: ${got}; compare a categorical with a string (c == "x") or numbers with numbers`, e.pos);
  }

  private call(e: Call, depth: number): ValueKind {
    const spec = FUNCTIONS.get(e.name);
    if (spec === undefined) {
      const close = suggest(e.name, [...FUNCTIONS.keys()]);
      const asColumn = [...this.schema.keys()].find((n) => n.toLowerCase() === e.name);
      const hint = asColumn !== undefined ? ` ('${asColumn}' is a column, not a function)`
        : close.length > 0 ? ` (did you mean ${close.map((n) => `${n}()`).join(' or ')}?)`
          : `; functions are: ${[...FUNCTIONS.keys()].join(', ')}`;
      return this.fail(`unknown function '${e.name}'${hint}`, e.pos);
    }
    if (spec.ordered) this.requireOrder(spec, e.pos);
    const n = e.args.length;
    const required = spec.params.filter((p) => !p.optional).length;
    const max = spec.variadic ? LIMITS.maxConcatArgs : spec.params.length;
    if (n < required || n > max) {
      const count = required === max ? `${max}` : spec.variadic ? `${required} to ${max}` : `${required} or ${max}`;
      return this.fail(`${spec.name} expects ${count} argument${max === 1 ? '' : 's'}, as in ${signature(spec)}, got ${n}`, e.pos);
    }
    const kinds: ValueKind[] = [];
    let bad = -1;
    e.args.forEach((arg, i) => {
      const p = spec.params[Math.min(i, spec.params.length - 1)]!;
      if (p.kind === 'int' || p.kind === 'lit') {
        this.literal(spec, p, arg);
        kinds.push(p.kind === 'int' ? 'numeric' : 'string');
        this.kinds.set(arg, kinds[i]!);
        return;
      }
      const k = this.check(arg, depth + 1);
      kinds.push(k);
      if (bad < 0 && !accepts(p, k, arg)) bad = i;
    });
    if (bad >= 0) {
      const p = spec.params[Math.min(bad, spec.params.length - 1)]!;
      const arg = e.args[bad]!;
      const extra = p.kind === 'date0' && arg.type === 'str' ? ` ("${arg.value}" is not a date like "2011-01-01")` : '';
      return this.fail(`${spec.name} expects ${paramKinds(spec)}, got (${kinds.map((k) => KIND_TEXT[k]).join(', ')}): ${p.name} = ${show(arg)} is ${KIND_TEXT[kinds[bad]!]}${extra}${this.quotedColumn(arg)}`, arg.pos);
    }
    return this.result(spec, kinds, e);
  }

  private requireOrder(spec: FnSpec, pos: number): void {
    if (!this.ctx.ordered) {
      this.fail(`${spec.name} needs ordered rows, but this dataset's rows have no order (lag, diff, rolling_* and cumsum are unavailable)`, pos);
    }
    const by = this.ctx.orderBy;
    if (by !== undefined) {
      const k = this.schema.get(by);
      if (k !== 'numeric' && k !== 'datetime') this.fail(`${spec.name} needs ordered rows, but the order column '${by}' is not a numeric or datetime column`, pos);
    }
  }

  private literal(spec: FnSpec, p: Param, arg: Expr): void {
    if (p.kind === 'lit') {
      if (arg.type !== 'str' || arg.value.length === 0) this.fail(`${spec.name}: ${p.name} must be a non-empty string literal in quotes, got ${show(arg)}`, arg.pos);
      return;
    }
    const v = literalInt(arg);
    if (v === undefined || v < p.min! || v > p.max!) {
      this.fail(`${spec.name}: ${p.name} must be an integer literal from ${p.min} to ${p.max}, got ${show(arg)}`, arg.pos);
    }
  }

  private result(spec: FnSpec, kinds: ValueKind[], e: Call): ValueKind {
    const [a, b] = [kinds[1]!, kinds[2]!];
    switch (spec.result) {
      case 'if':
        if (a === 'numeric' && b === 'numeric') return 'numeric';
        if (a === 'datetime' && b === 'datetime') return 'datetime';
        if ((isStrKind(a) || a === 'string') && (isStrKind(b) || b === 'string')) return 'categorical';
        return this.fail(`if(cond, a, b): a and b must be the same kind (both numeric, both categorical or strings, or both datetime), got ${KIND_TEXT[a]} and ${KIND_TEXT[b]}`, e.pos);
      case 'fillna': {
        const [x, v] = [kinds[0]!, kinds[1]!];
        if (x === 'numeric' && v === 'numeric') return 'numeric';
        if (isStrKind(x) && (isStrKind(v) || v === 'string')) return 'categorical';
        const vArg = e.args[1]!;
        if (x === 'datetime' && (v === 'datetime' || (vArg.type === 'str' && !Number.isNaN(parseDateLiteral(vArg.value))))) return 'datetime';
        return this.fail(`fillna(x, v): v must be of x's kind (numeric → number, categorical → "string", datetime → "YYYY-MM-DD"), got ${KIND_TEXT[x]} and ${KIND_TEXT[v]}`, e.pos);
      }
      default:
        if (spec.name === 'concat') {
          const i = kinds.indexOf('datetime');
          if (i >= 0) this.fail(`concat joins categorical, id, numeric or string values; argument ${i + 1} (${show(e.args[i]!)}) is a datetime: use year(d), month(d) …`, e.args[i]!.pos);
        }
        return spec.result;
    }
  }
}

function isStrKind(k: ValueKind): boolean {
  return k === 'categorical' || k === 'text';
}

function accepts(p: Param, k: ValueKind, arg: Expr): boolean {
  switch (p.kind) {
    case 'num':
      return k === 'numeric';
    case 'key':
      return k === 'numeric' || k === 'categorical' || k === 'text';
    case 'str':
      return k === 'categorical' || k === 'text';
    case 'date':
      return k === 'datetime';
    case 'any':
      return k !== 'string';
    case 'date0':
      return k === 'datetime' || (arg.type === 'str' && !Number.isNaN(parseDateLiteral(arg.value)));
    default:
      return true;
  }
}
