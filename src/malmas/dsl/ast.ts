/**
 * The feature language's syntax tree and its hard limits (docs/feature-language.md).
 * Text from an LLM or a config is data: it becomes this tree, never code.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';
export type UnaryOp = '-' | 'not';

interface NodeBase {
  /** 0-based offset of the node's first character in the source text. */
  readonly pos: number;
}

export interface NumberLit extends NodeBase {
  readonly type: 'num';
  readonly value: number;
}
export interface StringLit extends NodeBase {
  readonly type: 'str';
  readonly value: string;
}
export interface ColumnRef extends NodeBase {
  readonly type: 'col';
  readonly name: string;
}
export interface Unary extends NodeBase {
  readonly type: 'unary';
  readonly op: UnaryOp;
  readonly arg: Expr;
}
export interface Binary extends NodeBase {
  readonly type: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}
export interface Call extends NodeBase {
  readonly type: 'call';
  /** Lower-cased: function names are case-insensitive. */
  readonly name: string;
  readonly args: readonly Expr[];
}

export type Expr = NumberLit | StringLit | ColumnRef | Unary | Binary | Call;

/** Guards against hostile input: a feature is one short expression. */
export const LIMITS = {
  maxChars: 2000,
  maxDepth: 64,
  maxNodes: 256,
  maxBins: 1000,
  maxWindow: 1000,
  maxLag: 10000,
  maxPrefix: 100,
  maxSplitIndex: 100,
  maxConcatArgs: 8,
} as const;

export function children(e: Expr): readonly Expr[] {
  switch (e.type) {
    case 'unary':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'call':
      return e.args;
    default:
      return [];
  }
}

/** Every node in pre-order (parent before children, arguments left to right). */
export function preorder(e: Expr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    const cs = children(n);
    for (let i = cs.length - 1; i >= 0; i--) stack.push(cs[i]!);
  }
  return out;
}

/** Value of a number literal such as `3` or `-1` (unary minus on a literal), else undefined. */
export function literalNumber(e: Expr): number | undefined {
  if (e.type === 'num') return e.value;
  if (e.type === 'unary' && e.op === '-' && e.arg.type === 'num') return -e.arg.value;
  return undefined;
}

/** Integer value of a literal like `3` or `-1`, else undefined. */
export function literalInt(e: Expr): number | undefined {
  const v = literalNumber(e);
  return v !== undefined && Number.isInteger(v) ? v : undefined;
}

/** Column names the expression reads, in first-use order. */
export function columnsOf(e: Expr): string[] {
  const seen = new Set<string>();
  for (const n of preorder(e)) if (n.type === 'col') seen.add(n.name);
  return [...seen];
}

const PREC: Record<BinaryOp, number> = {
  or: 1, and: 2, '<': 4, '<=': 4, '>': 4, '>=': 4, '==': 4, '!=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6, '^': 8,
};
const PREC_NOT = 3;
const PREC_NEG = 7;

const BARE_NAME = /^[\p{L}_][\p{L}\p{N}_.]*$/u;
const KEYWORDS = new Set(['and', 'or', 'not']);

export function formatName(name: string): string {
  return BARE_NAME.test(name) && !KEYWORDS.has(name.toLowerCase()) ? name : '`' + name.replace(/`/g, '``') + '`';
}

function formatNumber(x: number): string {
  return String(x);
}

/** Canonical text of an expression with minimal parentheses; parsing it gives the same tree. */
export function formatExpr(e: Expr): string {
  return fmt(e, 0);
}

function fmt(e: Expr, outer: number): string {
  switch (e.type) {
    case 'num':
      return formatNumber(e.value);
    case 'str':
      return JSON.stringify(e.value);
    case 'col':
      return formatName(e.name);
    case 'call':
      return `${e.name}(${e.args.map((a) => fmt(a, 0)).join(', ')})`;
    case 'unary': {
      const p = e.op === 'not' ? PREC_NOT : PREC_NEG;
      const s = e.op === 'not' ? `not ${fmt(e.arg, p)}` : `-${fmt(e.arg, p)}`;
      return p < outer ? `(${s})` : s;
    }
    case 'binary': {
      const p = PREC[e.op];
      // '^' is right-associative, the others left-associative; comparisons do not chain.
      const cmp = p === 4;
      const lp = e.op === '^' ? p + 1 : cmp ? p + 1 : p;
      const rp = e.op === '^' ? PREC_NEG : p + 1;
      const s = `${fmt(e.left, lp)} ${e.op} ${fmt(e.right, rp)}`;
      return p < outer ? `(${s})` : s;
    }
  }
}
