/**
 * Pratt parser for the feature language (precedence climbing, Pratt 1973). Builds an {@link Expr}
 * and enforces the size limits while building, so deep or huge input fails fast with a position
 * instead of exhausting the stack.
 *
 * Precedence, loosest first: or < and < not < comparisons (no chaining) < + - < * / % < unary - < ^
 * (right-associative; its right operand may carry a unary minus, as in 2 ^ -1).
 */

import { LIMITS, type BinaryOp, type Expr } from './ast.js';
import { SyntaxErr, tokenize, type Token } from './lexer.js';

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: string };

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
const BINARY_PREC: ReadonlyMap<string, number> = new Map([
  ['or', 1], ['and', 2], ['<', 4], ['<=', 4], ['>', 4], ['>=', 4], ['==', 4], ['!=', 4],
  ['+', 5], ['-', 5], ['*', 6], ['/', 6], ['%', 6], ['^', 8],
]);
const PREC_NOT = 3;
const PREC_NEG = 7;

/** Parses one feature expression; never throws. Errors name the 1-based column of the text. */
export function parseFeature(text: string): ParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'a feature must be a text expression' };
  if (text.length > LIMITS.maxChars) {
    return { ok: false, error: `expression too long (${text.length} characters; the limit is ${LIMITS.maxChars})` };
  }
  try {
    const p = new Parser(tokenize(text));
    const expr = p.parseTop();
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof SyntaxErr) return { ok: false, error: `${e.message} at position ${e.pos + 1}${near(text, e.pos)}` };
    return { ok: false, error: `could not parse the expression (${e instanceof Error ? e.message : String(e)})` };
  }
}

function near(text: string, pos: number): string {
  if (text.trim().length === 0) return '';
  const from = Math.max(0, pos - 15);
  const to = Math.min(text.length, pos + 15);
  // Control, format (bidi) and lone surrogate characters would garble the message: mask them.
  const clean = (t: string): string => t.replace(/\s/g, ' ').replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/gu, '?');
  return `: "${from > 0 ? '…' : ''}${clean(text.slice(from, pos))}⟨here⟩${clean(text.slice(pos, to))}${to < text.length ? '…' : ''}"`;
}

function tokenDesc(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of input';
    case 'num':
      return `number ${t.text}`;
    case 'str':
      return `string ${JSON.stringify(t.text.length > 20 ? t.text.slice(0, 20) + '…' : t.text)}`;
    case 'name':
      return `name '${t.text}'`;
    case 'quoted':
      return `column \`${t.text}\``;
    default:
      return `'${t.text}'`;
  }
}

class Parser {
  private i = 0;
  private nodes = 0;
  private nesting = 0;
  private readonly depthOf = new WeakMap<Expr, number>();

  constructor(private readonly tokens: Token[]) {}

  parseTop(): Expr {
    if (this.peek().type === 'eof') throw new SyntaxErr('empty expression', 0);
    const e = this.expr(0);
    const t = this.peek();
    if (t.type !== 'eof') {
      const hint = t.type === '(' || t.type === 'name' || t.type === 'num' || t.type === 'str' || t.type === 'quoted'
        ? ' (missing operator or comma?)' : '';
      throw new SyntaxErr(`unexpected ${tokenDesc(t)} after a complete expression${hint}`, t.pos);
    }
    return e;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }

  /** Registers a node, enforcing the node-count and depth limits. */
  private make<E extends Expr>(e: E, kids: readonly Expr[]): E {
    if (++this.nodes > LIMITS.maxNodes) throw new SyntaxErr(`expression too large (more than ${LIMITS.maxNodes} operations)`, e.pos);
    let d = 1;
    for (const k of kids) d = Math.max(d, (this.depthOf.get(k) ?? 1) + 1);
    if (d > LIMITS.maxDepth) throw new SyntaxErr(`expression nested too deeply (more than ${LIMITS.maxDepth} levels)`, e.pos);
    this.depthOf.set(e, d);
    return e;
  }

  private enter(pos: number): void {
    if (++this.nesting > LIMITS.maxDepth) throw new SyntaxErr(`expression nested too deeply (more than ${LIMITS.maxDepth} levels)`, pos);
  }

  private binaryOp(t: Token): BinaryOp | undefined {
    if (t.type === 'op' && BINARY_PREC.has(t.text)) return t.text as BinaryOp;
    if (t.type === 'name') {
      const k = t.text.toLowerCase();
      if (k === 'and' || k === 'or') return k;
    }
    return undefined;
  }

  private expr(minPrec: number): Expr {
    this.enter(this.peek().pos);
    let left = this.prefix(minPrec);
    for (;;) {
      const t = this.peek();
      const op = this.binaryOp(t);
      if (op === undefined) break;
      const prec = BINARY_PREC.get(op)!;
      if (prec < minPrec) break;
      this.next();
      const rightMin = op === '^' ? PREC_NEG : prec + 1;
      const right = this.expr(rightMin);
      left = this.make({ type: 'binary', op, left, right, pos: t.pos }, [left, right]);
      if (COMPARISONS.has(op)) {
        const after = this.peek();
        const op2 = this.binaryOp(after);
        if (op2 !== undefined && COMPARISONS.has(op2) && minPrec <= 4) {
          throw new SyntaxErr(`comparisons cannot be chained; write (a ${op} b) and (b ${op2} c)`, after.pos);
        }
      }
    }
    this.nesting--;
    return left;
  }

  private prefix(minPrec: number): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      const arg = this.expr(PREC_NEG);
      if (t.text === '+') return arg;
      return this.make({ type: 'unary', op: '-', arg, pos: t.pos }, [arg]);
    }
    if (t.type === 'name' && t.text.toLowerCase() === 'not') {
      if (minPrec > PREC_NOT) throw new SyntaxErr("'not' binds loosely: put it in parentheses, as in (not a)", t.pos);
      this.next();
      const arg = this.expr(PREC_NOT);
      return this.make({ type: 'unary', op: 'not', arg, pos: t.pos }, [arg]);
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'num':
        return this.make({ type: 'num', value: t.value, pos: t.pos }, []);
      case 'str':
        return this.make({ type: 'str', value: t.text, pos: t.pos }, []);
      case 'quoted':
        if (this.peek().type === '(') throw new SyntaxErr('a quoted name is a column, not a function', this.peek().pos);
        return this.make({ type: 'col', name: t.text, pos: t.pos }, []);
      case 'name': {
        const lower = t.text.toLowerCase();
        if (lower === 'and' || lower === 'or') throw new SyntaxErr(`'${t.text}' needs a value on its left`, t.pos);
        if (this.peek().type === '(') {
          if (t.text.includes('.')) {
            throw new SyntaxErr(`'${t.text}(' looks like a method call, but there are no methods: call functions such as log(x) or group_mean(x, by), and quote column names with dots as \`a.b\``, t.pos);
          }
          return this.call(t);
        }
        return this.make({ type: 'col', name: t.text, pos: t.pos }, []);
      }
      case '(': {
        const e = this.expr(0);
        const close = this.next();
        if (close.type !== ')') throw new SyntaxErr(`expected ')' to close '(' from position ${t.pos + 1}, found ${tokenDesc(close)}`, close.pos);
        return e;
      }
      default:
        throw new SyntaxErr(`expected a value (number, string, column or function call), found ${tokenDesc(t)}`, t.pos);
    }
  }

  private call(nameTok: Token): Expr {
    const open = this.next();
    const args: Expr[] = [];
    if (this.peek().type === ')') {
      this.next();
    } else {
      for (;;) {
        args.push(this.expr(0));
        const t = this.next();
        if (t.type === ')') break;
        if (t.type !== ',') {
          throw new SyntaxErr(`expected ',' or ')' in the arguments of ${nameTok.text}( from position ${open.pos + 1}, found ${tokenDesc(t)}`, t.pos);
        }
      }
    }
    return this.make({ type: 'call', name: nameTok.text.toLowerCase(), args, pos: nameTok.pos }, args);
  }
}
