/**
 * Tokenizer for the feature language. Hand-written scanner: every character is classified here,
 * so nothing in the text can reach a JavaScript evaluator. Errors carry the 0-based offset.
 */

export type TokenType = 'num' | 'str' | 'name' | 'quoted' | 'op' | '(' | ')' | ',' | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Operator text, name, string value or number text. */
  readonly text: string;
  readonly value: number;
  readonly pos: number;
}

export class SyntaxErr extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[\p{L}_][\p{L}\p{N}_.]*/uy;
const NAME_CHAR = /[\p{L}\p{N}_]/u;
const OPS = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '^', '<', '>'];

/** Operators from other languages, with what to write instead. */
const WRONG_OPS: ReadonlyArray<readonly [string, string]> = [
  ['&&', "use 'and'"],
  ['||', "use 'or'"],
  ['<>', "use '!='"],
  ['//', 'use floor(a / b)'],
  ['&', "use 'and'"],
  ['|', "use 'or'"],
  ['!', "use 'not'"],
  ['~', "use 'not'"],
  ['=', "use '==' to compare"],
  ['?', 'use if(cond, a, b)'],
  [':', 'use if(cond, a, b)'],
  [';', 'a feature is one expression'],
  ['{', 'a feature is one expression'],
  ['}', 'a feature is one expression'],
  ['.', 'there are no methods: call functions like log(x); quote column names with dots as `a.b`'],
];

/** Letters, digits, punctuation and symbols are shown as they are; anything else by its code. */
const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}]$/u;

export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return VISIBLE.test(ch) ? `'${ch}'` : `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (type: TokenType, t: string, pos: number, value = Number.NaN): void => {
    out.push({ type, text: t, value, pos });
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (ch === '(' || ch === ')' || ch === ',') {
      push(ch, ch, start);
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const { value, end } = readString(text, i);
      push('str', value, start);
      i = end;
      continue;
    }
    if (ch === '`' || ch === '[') {
      const { value, end } = readQuotedName(text, i);
      push('quoted', value, start);
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) throw new SyntaxErr(`number ${num[0]} is too large`, start);
      i += num[0].length;
      if (i < text.length && NAME_CHAR.test(text[i]!)) {
        throw new SyntaxErr(`a number is followed by a name (write '${num[0]} * ${text[i]}...' for a product)`, i);
      }
      push('num', num[0], start, value);
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (name) {
      push('name', name[0], start);
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      push('op', op === '**' ? '^' : op, start);
      i += op.length;
      continue;
    }
    const wrong = WRONG_OPS.find(([o]) => text.startsWith(o, i));
    if (wrong) throw new SyntaxErr(`'${wrong[0]}' is not an operator here (${wrong[1]})`, start);
    throw new SyntaxErr(`unexpected ${describeChar(String.fromCodePoint(text.codePointAt(i) ?? 0))}`, start);
  }
  push('eof', '', text.length);
  return out;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === quote) return { value, end: i + 1 };
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1]!;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new SyntaxErr(`unterminated string (opened with ${quote})`, start);
}

/** `name` (a doubled `` ` `` inside stands for one) or [name] (no ']' inside). */
function readQuotedName(text: string, start: number): { value: string; end: number } {
  const open = text[start]!;
  const close = open === '`' ? '`' : ']';
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === close) {
      if (close === '`' && text[i + 1] === '`') {
        value += '`';
        i += 2;
        continue;
      }
      if (value.length === 0) throw new SyntaxErr('empty column name', start);
      return { value, end: i + 1 };
    }
    value += ch;
    i++;
  }
  throw new SyntaxErr(`unterminated column name (opened with ${open}, close it with ${close})`, start);
}
