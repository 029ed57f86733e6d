/**
 * Python value formatting for W&B command macros.
 *
 * Source: wandb/wandb `wandb/sdk/launch/sweeps/utils.py` (`create_sweep_command_args`) builds each
 * flag with an f-string, i.e. Python `str(value)`, and `${args_json}` with `json.dumps(...)` using
 * default options. Scripts written for W&B parse those exact strings (`--flag=True`, `--lr=1e-05`,
 * `--opt={'a': 1}`), so we reproduce CPython's `str`/`repr` and `json.dumps` output here.
 * Semantics taken: float repr (shortest round-trip digits, exponent form when the decimal exponent
 * is < -4 or >= 16), str repr quoting/escaping, `json.dumps` separators and `ensure_ascii`.
 *
 * Int vs float: values arrive as JS numbers, so `1.0` and `1` are the same value. Whole numbers that
 * are safe integers are printed as Python ints (`1`, not `1.0`); whole numbers beyond 2^53 are
 * printed as floats (`1e+16`), since they almost always come from float arithmetic. A program that
 * needs `1.0` must parse the flag as a float (argparse `type=float` accepts `1`).
 */
import type { ParamValue } from '../core/params.js';

/** Python `repr(float(x))` for a finite or non-finite number (always float syntax). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument yields the shortest round-trip digits, as Python's repr does.
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
  if (!m) return String(x);
  const sign = m[1]!;
  const digits = m[2]! + (m[3] ?? '');
  const exp = Number(m[4]);
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** A JS number as Python would print it, assuming whole safe integers were ints (see header). */
export function pyNumber(x: number): string {
  if (Number.isSafeInteger(x)) return String(x === 0 ? 0 : x);
  return pyFloatRepr(x);
}

// Python's str.isprintable() is false for categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs (but ' ').
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function pyEscapeCodePoint(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Python `repr(s)` for a str: single quotes unless the text has `'` and no `"`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += pyEscapeCodePoint(cp);
    else out += ch;
  }
  return out + quote;
}

/** Python `repr(value)`: what a value looks like inside a list or dict. */
export function pyRepr(value: ParamValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${pyStrRepr(k)}: ${pyRepr(v)}`);
  return `{${entries.join(', ')}}`;
}

/** Python `str(value)`: strings raw at the top level, everything else as its repr. */
export function pyStr(value: ParamValue): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** `json.dumps(s)` with `ensure_ascii=True`: everything outside ' '..'~' becomes `\uXXXX` (lowercase hex). */
function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const short = JSON_SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else {
      const code = s.charCodeAt(i); // UTF-16 units: astral chars come out as surrogate pairs, as in Python
      out += code >= 0x20 && code <= 0x7e ? ch : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
  return out + '"';
}

/**
 * Python `json.dumps(value)` with default options: `", "` and `": "` separators, `ensure_ascii`,
 * floats in repr form (`1e-05`), and `NaN` / `Infinity` / `-Infinity` (allow_nan=True).
 */
export function pyJsonDumps(value: ParamValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return pyNumber(value);
  }
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`);
  return `{${entries.join(', ')}}`;
}

/**
 * A float as PyYAML's SafeDumper writes it (`repr`, lowercased, `.0` inserted before a bare
 * exponent: `1.0e-07`), so that YAML 1.1 readers (PyYAML, hence `wandb.init`) read it back as a
 * float and not as the string `1e-07`.
 */
export function pyYamlFloat(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (!Number.isFinite(x)) return x > 0 ? '.inf' : '-.inf';
  const r = pyFloatRepr(x);
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}
