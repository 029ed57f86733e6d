/**
 * Column kind inference for CSV cells. The rules, in order (cells are trimmed first; a cell is
 * missing when empty or one of {@link DEFAULT_MISSING}, compared case-insensitively):
 *
 * 1. numeric — at least {@link NUMERIC_SHARE} (95%) of the non-missing cells are finite decimal
 *    numbers (`12`, `-0.5`, `1e-3`; no thousands separators, no hex). The rest become NaN and are
 *    counted in `coerced`. A column of a few small integers (codes, ordinal scores) stays numeric:
 *    whether to treat it as a category is left to the agents. An all-missing column is numeric.
 *    Exception → id: the name looks like an identifier (`id`, `idx`, `index`, `*_id`, `*-id`,
 *    `*.id`, `* id`, camelCase `*Id`/`*ID`) and the values have no gaps: no missing cell, integers,
 *    each exactly one more than the previous (a row number such as Titanic `PassengerId`).
 * 2. datetime — ISO 8601 dates or date-times (`2011-01-01`, `2015-02-04 17:51:00`, `T` separator,
 *    optional fraction and `Z`/`±hh:mm`; `/` also accepted between date parts) for at least
 *    {@link DATETIME_SHARE} (99%) of the non-missing cells; read as UTC epoch ms.
 * 3. id — at least {@link ID_MIN_VALUES} non-missing cells and at least {@link ID_UNIQUE_SHARE}
 *    (95%) of them distinct (free text such as Titanic `Name`, keys such as telco `customerID`).
 * 4. categorical — everything else; levels sorted (numerically when both parse as numbers).
 *
 * `types` overrides the inferred kind for named columns; cells that do not fit the forced kind
 * become missing and are counted in `coerced`.
 */
import { EXIT, FFError } from '../../core/errors.js';
import { suggestNames } from './names.js';
import type { CategoricalColumn, CoercedCells, Column, ColumnKind, DatetimeColumn, IdColumn, NumericColumn } from './table.js';

// Globals used in per-cell loops are read once into module constants: under Jest's VM contexts every
// global lookup (Math, Number, NaN, …) costs ~0.3 µs, 50× a local read (plain Node is unaffected).
const NAN = Number.NaN;
const toNumber = Number;
const dateUTC = Date.UTC;
const { round, trunc } = Math;

export const DEFAULT_MISSING: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', '?', '#n/a', '<na>'];
export const NUMERIC_SHARE = 0.95;
export const DATETIME_SHARE = 0.99;
export const ID_UNIQUE_SHARE = 0.95;
export const ID_MIN_VALUES = 10;

const KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'datetime', 'id'];

export interface InferOptions {
  /** Force the kind of some columns. */
  readonly types?: Readonly<Record<string, ColumnKind>>;
  /** Extra spellings of a missing value (case-insensitive), added to {@link DEFAULT_MISSING}. */
  readonly missing?: readonly string[];
}

const NUM_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number, or NaN when `s` (trimmed) is not a plain decimal number. */
export function parseNumber(s: string): number {
  if (!NUM_RE.test(s)) return NAN;
  const v = toNumber(s);
  return v - v === 0 ? v : NAN; // finite
}

const DATE_RE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms (UTC) of an ISO-like date or date-time, NaN when `s` is not one or is out of range. */
export function parseIsoDatetime(s: string): number {
  const m = DATE_RE.exec(s);
  if (m === null) return NAN;
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NAN;
  const h = m[4] === undefined ? 0 : +m[4];
  const mi = m[5] === undefined ? 0 : +m[5];
  const sec = m[6] === undefined ? 0 : +m[6];
  if (h > 23 || mi > 59 || sec > 60) return NAN;
  const ms = m[7] === undefined ? 0 : round(toNumber(m[7]) * 1000);
  let t = dateUTC(y, mo - 1, d, h, mi, sec, ms);
  const tz = m[8];
  if (tz !== undefined && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60000;
  }
  return t;
}

function daysInMonth(y: number, mo: number): number {
  if (mo !== 2) return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

const ID_NAME_RES = [/^(?:id|idx|index)$/i, /[_\-. ]id$/i, /[a-z0-9](?:Id|ID)$/];

/** Whether a column name reads as an identifier (`id`, `user_id`, `PassengerId`, `customerID`). */
export function isIdLikeName(name: string): boolean {
  return ID_NAME_RES.some((re) => re.test(name));
}

/** Orders category levels: numerically when both parse as numbers, else by UTF-16 code units. */
export function compareLevels(a: string, b: string): number {
  const x = parseNumber(a);
  const y = parseNumber(b);
  if (x === x && y === y && x !== y) return x - y; // both numbers (NaN !== NaN)
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Checks `types` names and kinds against the header before any column is built. */
export function checkTypeOverrides(header: readonly string[], types: Readonly<Record<string, ColumnKind>> | undefined, source: string): void {
  if (types === undefined) return;
  for (const [name, kind] of Object.entries(types)) {
    if (!header.includes(name)) {
      throw new FFError('FF_DATA', `${source}: a type is given for column '${name}', which is not in the header${suggestNames(name, header)}`, EXIT.usage);
    }
    if (!KINDS.includes(kind)) {
      throw new FFError('FF_DATA', `${source}: column '${name}': unknown column type ${JSON.stringify(kind)}; valid types are ${KINDS.join(', ')}`, EXIT.usage);
    }
  }
}

class Coercions {
  count = 0;
  firstRow = -1;
  firstValue = '';
  add(row: number, value: string): void {
    if (this.count++ === 0) {
      this.firstRow = row;
      this.firstValue = value;
    }
  }
  get result(): CoercedCells | undefined {
    return this.count === 0 ? undefined : { count: this.count, firstRow: this.firstRow, firstValue: this.firstValue };
  }
}

/** Builds one typed column from its raw cells (see the rules at the top of this file). */
export function buildColumn(name: string, cells: readonly string[], opts: InferOptions = {}): Column {
  const missingSet = new Set(DEFAULT_MISSING);
  for (const m of opts.missing ?? []) missingSet.add(m.trim().toLowerCase());
  // Cheap filters before lower-casing a cell: its length and its first character (either case).
  let maxMissingLen = 0;
  const firstChars = new Set<number>();
  for (const m of missingSet) {
    maxMissingLen = Math.max(maxMissingLen, m.length);
    firstChars.add(m.charCodeAt(0)).add(m.toUpperCase().charCodeAt(0));
  }
  const n = cells.length;
  // Trimmed text, '' when missing: every later pass reads this.
  const text: string[] = new Array<string>(n);
  let nonMissing = 0;
  for (let i = 0; i < n; i++) {
    const raw = cells[i]!;
    const t = raw.length > 0 && needsTrim(raw) ? raw.trim() : raw;
    const missing = t === '' || (t.length <= maxMissingLen && firstChars.has(t.charCodeAt(0)) && missingSet.has(t.toLowerCase()));
    text[i] = missing ? '' : t;
    if (!missing) nonMissing++;
  }
  const forced = opts.types?.[name];

  if (forced === undefined || forced === 'numeric') {
    const values = new Float64Array(n);
    const bad = new Coercions();
    // Past this many non-numbers the column cannot be numeric: stop early (most text columns fail on row 0).
    const maxBad = forced === 'numeric' ? Infinity : (1 - NUMERIC_SHARE) * nonMissing;
    for (let i = 0; i < n && bad.count <= maxBad; i++) {
      const t = text[i]!;
      if (t === '') {
        values[i] = NAN;
        continue;
      }
      const v = parseNumber(t);
      values[i] = v;
      if (v !== v) bad.add(i, t);
    }
    if (bad.count <= maxBad) {
      if (forced === undefined && isIdLikeName(name) && isRowNumber(values)) return idColumn(name, text);
      const col: NumericColumn = bad.result === undefined ? { kind: 'numeric', name, values } : { kind: 'numeric', name, values, coerced: bad.result };
      return col;
    }
  }

  if (forced === 'datetime' || (forced === undefined && DATE_RE.test(firstNonEmpty(text)))) {
    const values = new Float64Array(n);
    const bad = new Coercions();
    for (let i = 0; i < n; i++) {
      const t = text[i]!;
      const v = t === '' ? NAN : parseIsoDatetime(t);
      values[i] = v;
      if (t !== '' && v !== v) bad.add(i, t);
    }
    if (forced === 'datetime' || nonMissing - bad.count >= DATETIME_SHARE * nonMissing) {
      const col: DatetimeColumn = bad.result === undefined ? { kind: 'datetime', name, values } : { kind: 'datetime', name, values, coerced: bad.result };
      return col;
    }
  }

  if (forced === 'id') return idColumn(name, text);
  const codesByText = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = text[i]!;
    if (t !== '' && !codesByText.has(t)) codesByText.set(t, codesByText.size);
  }
  if (forced === undefined && nonMissing >= ID_MIN_VALUES && codesByText.size >= ID_UNIQUE_SHARE * nonMissing) return idColumn(name, text);
  return categoricalColumn(name, text, codesByText);
}

/** Whether `s` may start or end with white space (any non-ASCII end character is checked by trim()). */
function needsTrim(s: string): boolean {
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  return a <= 32 || z <= 32 || a > 126 || z > 126;
}

function firstNonEmpty(text: readonly string[]): string {
  for (const t of text) if (t !== '') return t;
  return '';
}

/** No missing value, integers, each one more than the previous. */
function isRowNumber(values: Float64Array): boolean {
  if (values.length < 2) return false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== trunc(v)) return false; // also false for NaN
    if (i > 0 && v !== values[i - 1]! + 1) return false;
  }
  return true;
}

function idColumn(name: string, text: readonly string[]): IdColumn {
  return { kind: 'id', name, raw: text.slice() };
}

function categoricalColumn(name: string, text: readonly string[], firstSeen: Map<string, number>): CategoricalColumn {
  const levels = [...firstSeen.keys()].sort(compareLevels);
  const remap = new Int32Array(levels.length);
  levels.forEach((lv, k) => {
    remap[firstSeen.get(lv)!] = k;
  });
  const codes = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const t = text[i]!;
    codes[i] = t === '' ? -1 : remap[firstSeen.get(t)!]!;
  }
  return { kind: 'categorical', name, codes, levels };
}
