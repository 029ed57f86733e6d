/**
 * Character-level helpers of the tolerant JSON reader (json-scan.ts): quotes and what closes
 * them, blanks and comments, escapes, and the look-ahead that decides whether a quote ends a
 * string or is a quote left unescaped inside it. Pure functions of (text, index).
 */

/** Where a string stands: a key, a member value, an array element, or the whole value. */
export type Ctx = 'key' | 'object' | 'array' | 'top';

/** For each opening quote, the characters that may close it. */
export const CLOSERS: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'’",
  '`': '`',
  '“': '”“"',
  '”': '”“"',
  '‘': '’‘\'',
  '’': '’\'',
};

export function isQuote(c: string | undefined): boolean {
  return c !== undefined && Object.hasOwn(CLOSERS, c);
}

export function isIdentStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_$]/.test(c);
}

export function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_$\-]/.test(c);
}

export function isValueStart(c: string | undefined): boolean {
  return c !== undefined && (c === '{' || c === '[' || isQuote(c) || /[-+.0-9A-Za-z]/.test(c));
}

/** Index of the first character at or after `p` that is not whitespace or inside a comment. */
export function skipBlank(s: string, p: number): number {
  let i = p;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\u00a0' || c === '\ufeff') i++;
    else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
    } else if (c === '/' && s[i + 1] === '*') {
      const close = s.indexOf('*/', i + 2);
      i = close < 0 ? s.length : close + 2;
    } else if (c === '#') {
      while (i < s.length && s[i] !== '\n') i++;
    } else break;
  }
  return i;
}

/**
 * Reads the backslash escape at `i`. Unknown escapes keep their backslash (`\\d` in prose) and
 * are flagged; `undefined` when the text ends inside the escape.
 */
export function readEscape(s: string, i: number): { text: string; next: number; invalid: boolean } | undefined {
  const d = s[i + 1];
  if (d === undefined) return undefined;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '/': '/', '`': '`' };
  if (Object.hasOwn(simple, d)) return { text: simple[d], next: i + 2, invalid: false };
  if (d === 'u') {
    const hex = s.slice(i + 2, i + 6);
    if (hex.length < 4 && i + 2 + hex.length >= s.length) return undefined;
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return { text: String.fromCharCode(parseInt(hex, 16)), next: i + 6, invalid: false };
    return { text: '\\u', next: i + 2, invalid: true };
  }
  if (isQuote(d)) return { text: d, next: i + 2, invalid: false };
  return { text: `\\${d}`, next: i + 2, invalid: true };
}

/** Does a quote just before `p` end the string, given what follows? */
export function closesAt(s: string, p: number, ctx: Ctx): boolean {
  const j = skipBlank(s, p);
  if (j >= s.length || ctx === 'top') return true;
  const c = s[j];
  if (ctx === 'key') return c === ':';
  if (ctx === 'array') return c === ',' || c === ']' || c === '}' || isQuote(c);
  if (c === '}' || c === ']') return true;
  if (c === ',') {
    const k = skipBlank(s, j + 1);
    return k >= s.length || s[k] === '}' || keyAt(s, k);
  }
  return isQuote(c) && keyAt(s, j);
}

/** Is there a key (quoted or bare) followed by `:` at `k`? */
export function keyAt(s: string, k: number): boolean {
  let m = k;
  if (isQuote(s[k])) {
    const closers = CLOSERS[s[k]];
    m = k + 1;
    while (m < s.length && !closers.includes(s[m]) && s[m] !== '\n') m += s[m] === '\\' ? 2 : 1;
    if (m >= s.length) return true;
    if (s[m] === '\n') return false;
    m++;
  } else if (isIdentStart(s[k])) {
    while (isIdentChar(s[m])) m++;
  } else return false;
  const q = skipBlank(s, m);
  return q >= s.length || s[q] === ':';
}
