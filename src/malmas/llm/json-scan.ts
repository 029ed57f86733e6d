/**
 * A tolerant JSON reader for LLM answers: a recursive-descent scanner over a superset of JSON
 * that accepts what models commonly write instead (comments, trailing or missing commas,
 * single-quoted and smart-quoted strings, unquoted keys, Python's True/False/None, quotes left
 * unescaped inside strings, raw line breaks) and text cut off at the end. It never evaluates
 * anything. Valid JSON reads exactly as JSON.parse reads it.
 *
 * Unescaped quotes: a quote ends a string only where the text after it continues the structure
 * (`:` after a key; `,` or `]` in an array; in an object `}` or `,` followed by another key).
 * That reads `"expr": "if(Sex == "male", 1, 0)"` as one string.
 *
 * Truncation: containers still open at the end of the text are returned as far as they got and
 * listed in `incomplete`; a string, number or member cut off by the end is left out.
 */
import { CLOSERS, closesAt, isIdentChar, isIdentStart, isQuote, isValueStart, readEscape, skipBlank } from './json-lex.js';
import type { Ctx } from './json-lex.js';

export interface ScanOk {
  readonly ok: true;
  readonly value: unknown;
  /** Index just past the value. */
  readonly end: number;
  /** What had to be repaired, in words ("trailing commas", …). */
  readonly repairs: ReadonlySet<string>;
  /** Objects and arrays that the end of the text cut off. */
  readonly incomplete: ReadonlySet<object>;
  readonly truncated: boolean;
}

export interface ScanFail {
  readonly ok: false;
  readonly error: string;
  /** Index of the problem. */
  readonly at: number;
}

const MAX_DEPTH = 256;
const MISSING: unique symbol = Symbol('missing');
type Missing = typeof MISSING;

class ScanError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

class Scanner {
  i: number;
  truncated = false;
  readonly repairs = new Set<string>();
  readonly incomplete = new Set<object>();
  private depth = 0;

  constructor(
    private readonly s: string,
    start: number,
  ) {
    this.i = start;
  }

  private skip(): void {
    const j = skipBlank(this.s, this.i);
    for (let k = this.i; k < j; k++) {
      const c = this.s[k];
      if (c === '/' || c === '#') {
        this.repairs.add('comments');
        break;
      }
    }
    this.i = j;
  }

  private atEnd(): boolean {
    return this.i >= this.s.length;
  }

  value(ctx: Ctx): unknown | Missing {
    this.skip();
    if (this.atEnd()) {
      this.truncated = true;
      return MISSING;
    }
    const c = this.s[this.i];
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) throw new ScanError(`nested deeper than ${MAX_DEPTH} levels`, this.i);
      const v = c === '{' ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (isQuote(c)) return this.string(ctx);
    if (/[-+.0-9]/.test(c)) return this.number();
    if (isIdentStart(c)) return this.word();
    throw new ScanError(`unexpected ${JSON.stringify(c)}`, this.i);
  }

  private object(): Record<string, unknown> {
    const obj = Object.create(null) as Record<string, unknown>;
    const cut = (): Record<string, unknown> => {
      this.truncated = true;
      this.incomplete.add(obj);
      return obj;
    };
    this.i++;
    for (;;) {
      this.skip();
      if (this.atEnd()) return cut();
      let c = this.s[this.i];
      if (c === '}') {
        this.i++;
        return obj;
      }
      if (c === ']') return this.unbalanced(obj);
      if (c === ',') {
        this.repairs.add('extra commas');
        this.i++;
        continue;
      }
      let key: string | Missing;
      if (isQuote(c)) key = this.string('key');
      else if (isIdentStart(c)) {
        const from = this.i;
        while (isIdentChar(this.s[this.i])) this.i++;
        if (this.atEnd()) return cut();
        key = this.s.slice(from, this.i);
        this.repairs.add('unquoted keys');
      } else throw new ScanError(`expected a key, found ${JSON.stringify(c)}`, this.i);
      if (key === MISSING) return cut();
      this.skip();
      if (this.atEnd()) return cut();
      if (this.s[this.i] !== ':') throw new ScanError(`expected ':' after key ${JSON.stringify(key)}`, this.i);
      this.i++;
      const v = this.value('object');
      if (v === MISSING) return cut();
      obj[key] = v;
      if (this.truncated) return cut();
      this.skip();
      if (this.atEnd()) return cut();
      c = this.s[this.i];
      if (c === ',') {
        this.i++;
        this.skip();
        if (this.s[this.i] === '}') this.repairs.add('trailing commas');
      } else if (c === '}') {
        this.i++;
        return obj;
      } else if (c === ']') {
        return this.unbalanced(obj);
      } else if (isQuote(c) || isIdentStart(c)) {
        this.repairs.add('missing commas');
      } else throw new ScanError(`expected ',' or '}', found ${JSON.stringify(c)}`, this.i);
    }
  }

  private array(): unknown[] {
    const arr: unknown[] = [];
    const cut = (): unknown[] => {
      this.truncated = true;
      this.incomplete.add(arr);
      return arr;
    };
    this.i++;
    for (;;) {
      this.skip();
      if (this.atEnd()) return cut();
      let c = this.s[this.i];
      if (c === ']') {
        this.i++;
        return arr;
      }
      if (c === '}' && this.depth > 1) return this.unbalanced(arr);
      if (c === ',') {
        this.repairs.add('extra commas');
        this.i++;
        continue;
      }
      const v = this.value('array');
      if (v === MISSING) return cut();
      arr.push(v);
      if (this.truncated) return cut();
      this.skip();
      if (this.atEnd()) return cut();
      c = this.s[this.i];
      if (c === ',') {
        this.i++;
        this.skip();
        if (this.s[this.i] === ']') this.repairs.add('trailing commas');
      } else if (c === ']') {
        this.i++;
        return arr;
      } else if (c === '}' && this.depth > 1) {
        return this.unbalanced(arr);
      } else if (isValueStart(c)) {
        this.repairs.add('missing commas');
      } else throw new ScanError(`expected ',' or ']', found ${JSON.stringify(c)}`, this.i);
    }
  }

  /**
   * A `]` where an object should close, or a `}` where a nested array should: the model forgot a
   * bracket. End this container here and leave the bracket to the one it belongs to.
   */
  private unbalanced<T>(container: T): T {
    this.repairs.add('unbalanced brackets');
    return container;
  }

  private string(ctx: Ctx): string | Missing {
    const s = this.s;
    const open = s[this.i];
    const closers = CLOSERS[open];
    if (open === "'") this.repairs.add('single-quoted strings');
    else if (open === '`') this.repairs.add('backtick strings');
    else if (open !== '"') this.repairs.add('smart quotes');
    this.i++;
    let out = '';
    // The first quote we did not take as the end, in case no later one fits either.
    let fallback: { at: number; out: string } | undefined;
    for (;;) {
      if (this.atEnd()) {
        // If structure follows the first candidate, the guess was wrong, not the text cut off.
        if (fallback !== undefined && /[\]}]/.test(s.slice(fallback.at + 1))) {
          this.i = fallback.at + 1;
          this.repairs.add('unescaped quotes inside strings');
          return fallback.out;
        }
        this.truncated = true;
        return MISSING;
      }
      const c = s[this.i];
      if (c === '\\') {
        const esc = readEscape(s, this.i);
        if (esc === undefined) {
          this.truncated = true;
          return MISSING;
        }
        if (esc.invalid) this.repairs.add('invalid escapes');
        out += esc.text;
        this.i = esc.next;
        continue;
      }
      if (closers.includes(c)) {
        if (closesAt(s, this.i + 1, ctx)) {
          this.i++;
          if (fallback !== undefined) this.repairs.add('unescaped quotes inside strings');
          return out;
        }
        fallback ??= { at: this.i, out };
      } else if (c === '\n' && open === '"') this.repairs.add('line breaks inside strings');
      out += c;
      this.i++;
    }
  }

  private number(): number | Missing {
    const s = this.s;
    const from = this.i;
    while (this.i < s.length && /[-+.0-9eE]/.test(s[this.i])) this.i++;
    if (this.atEnd()) {
      this.truncated = true;
      return MISSING;
    }
    const tok = s.slice(from, this.i);
    const n = Number(tok);
    if (tok === '' || Number.isNaN(n)) throw new ScanError(`bad number ${JSON.stringify(tok)}`, from);
    return n;
  }

  private word(): unknown | Missing {
    const s = this.s;
    const from = this.i;
    while (isIdentChar(s[this.i])) this.i++;
    if (this.atEnd()) {
      this.truncated = true;
      return MISSING;
    }
    const w = s.slice(from, this.i);
    switch (w) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
      case 'True':
      case 'False':
      case 'None':
        this.repairs.add('Python literals');
        return w === 'True' ? true : w === 'False' ? false : null;
      case 'NaN':
      case 'undefined':
        return null;
      default:
        throw new ScanError(`unexpected word ${JSON.stringify(w.length > 30 ? `${w.slice(0, 27)}...` : w)}`, from);
    }
  }
}

/** Reads one value starting at `start` (which should be `[` or `{`); never throws. */
export function scanJson(text: string, start = 0): ScanOk | ScanFail {
  const sc = new Scanner(text, start);
  try {
    const value = sc.value('top');
    if (value === MISSING) return { ok: false, error: 'the answer ends before any value', at: sc.i };
    return { ok: true, value, end: sc.i, repairs: sc.repairs, incomplete: sc.incomplete, truncated: sc.truncated };
  } catch (err) {
    if (err instanceof ScanError) return { ok: false, error: err.message, at: err.at };
    return { ok: false, error: err instanceof Error ? err.message : String(err), at: sc.i };
  }
}
