/**
 * The per-column descriptions of a {@link ProposalContext}, read back into a typed view that the
 * agents' data rules, the router and the offline proposer share.
 *
 * `ctx.columns` holds one object per column: `{ name, type, missing_ratio, … }`, i.e. the MALMAS
 * JSON of dataset/describe.ts `enrichedDescription` with the column name folded in
 * ({@link contextColumns} builds it). Reading is tolerant: the type may be spelled as MALMAS's router
 * spells it (`numerical`, `float`, `category`, `date`, …, malmas-algorithm.md §3) or as our
 * `ColumnKind`; unknown types become `unknown` and are left out of the schema.
 */
import type { ColumnDescription } from '../dataset/describe.js';
import { enrichedDescription } from '../dataset/describe.js';
import { isIdLikeName } from '../dataset/infer.js';
import type { ColumnKind } from '../dataset/table.js';
import type { Schema } from '../dsl/index.js';
import type { ProposalContext } from '../types.js';

export type ColumnType = ColumnKind | 'unknown';

/** One bin of `target_bin_avg`: a numeric range `(lo, hi]` or a category. */
export interface TargetBinView {
  readonly label: string;
  readonly mean: number;
  /** Numeric bins only: the edges parsed from `[lo, hi]` / `(lo, hi]`. */
  readonly lo?: number;
  readonly hi?: number;
}

export interface ColumnInfo {
  readonly name: string;
  readonly type: ColumnType;
  readonly missingRatio: number;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  readonly skewness?: number;
  readonly kurtosis?: number;
  readonly outlierRatio?: number;
  /** Distinct non-missing values (numeric, datetime) or categories (categorical, id). */
  readonly distinct?: number;
  readonly modes?: number;
  /** Most frequent categories (categorical) or example values (id). */
  readonly values: readonly string[];
  readonly frequencies: Readonly<Record<string, number>>;
  /** Datetime range as ISO text. */
  readonly minDate?: string;
  readonly maxDate?: string;
  readonly targetBins: readonly TargetBinView[];
  /** The description object as given (for prompts). */
  readonly raw: Readonly<Record<string, unknown>>;
}

const TYPE_ALIASES: Readonly<Record<string, ColumnType>> = {
  numerical: 'numeric', numeric: 'numeric', number: 'numeric', float: 'numeric', int: 'numeric', integer: 'numeric',
  categorical: 'categorical', category: 'categorical', string: 'categorical', object: 'categorical',
  datetime: 'datetime', date: 'datetime', time: 'datetime', temporal: 'datetime',
  id: 'id', text: 'id',
};

/** `ctx.columns` for the descriptions of a table: `[{ name, type: 'numerical', missing_ratio, … }]`. */
export function contextColumns(descs: readonly ColumnDescription[]): Array<Record<string, unknown>> {
  const enriched = enrichedDescription(descs);
  return descs.map((d) => ({ name: d.name, ...enriched[d.name] }));
}

export function readColumns(columns: ProposalContext['columns']): ColumnInfo[] {
  const out: ColumnInfo[] = [];
  const seen = new Set<string>();
  for (const raw of columns) {
    const name = raw['name'];
    if (typeof name !== 'string' || name === '' || seen.has(name)) continue;
    seen.add(name);
    out.push(readColumn(name, raw));
  }
  return out;
}

function readColumn(name: string, raw: Readonly<Record<string, unknown>>): ColumnInfo {
  const t = raw['type'] ?? raw['kind'];
  const type = typeof t === 'string' ? (TYPE_ALIASES[t.toLowerCase()] ?? 'unknown') : 'unknown';
  const values = strings(raw['values'] ?? raw['examples']);
  const freqRaw = raw['value_frequencies'];
  const frequencies: Record<string, number> = {};
  if (isRecord(freqRaw)) for (const [k, v] of Object.entries(freqRaw)) if (typeof v === 'number') frequencies[k] = v;
  const date = (k: string): string | undefined => (type === 'datetime' && typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  return {
    name,
    type,
    missingRatio: num(raw['missing_ratio']) ?? 0,
    min: type === 'numeric' ? num(raw['min']) : undefined,
    max: type === 'numeric' ? num(raw['max']) : undefined,
    mean: num(raw['mean']),
    std: num(raw['std']),
    skewness: num(raw['skewness']),
    kurtosis: num(raw['kurtosis']),
    outlierRatio: num(raw['outlier_ratio_3sigma']),
    distinct: num(raw['n_distinct']) ?? num(raw['n_unique']),
    modes: num(raw['num_modes_estimated']),
    values,
    frequencies,
    minDate: date('min'),
    maxDate: date('max'),
    targetBins: readBins(raw['target_bin_avg'], type),
    raw,
  };
}

const BIN_LABEL = /^[[(]\s*(-?[\d.eE+-]+)\s*,\s*(-?[\d.eE+-]+)\s*\]$/;

function readBins(v: unknown, type: ColumnType): TargetBinView[] {
  if (!isRecord(v)) return [];
  const out: TargetBinView[] = [];
  for (const [label, m] of Object.entries(v)) {
    if (typeof m !== 'number' || !Number.isFinite(m)) continue;
    const e = type === 'numeric' ? BIN_LABEL.exec(label) : null;
    const lo = e ? Number(e[1]) : NaN;
    const hi = e ? Number(e[2]) : NaN;
    out.push(Number.isFinite(lo) && Number.isFinite(hi) ? { label, mean: m, lo, hi } : { label, mean: m });
  }
  // Numeric bins in range order (JSON key order puts integer-like keys first).
  if (type === 'numeric' && out.every((b) => b.lo !== undefined)) out.sort((a, b) => a.lo! - b.lo!);
  return out;
}

/** Column name → kind for the feature language (columns of unknown type are left out). */
export function schemaOfColumns(cols: readonly ColumnInfo[]): Schema {
  const m = new Map<string, ColumnKind>();
  for (const c of cols) if (c.type !== 'unknown') m.set(c.name, c.type);
  return m;
}

// ---- predicates shared by the agents' data rules and the offline proposer ----

/** Mostly missing or constant columns carry nothing to build on. */
export function isUsable(c: ColumnInfo): boolean {
  if (c.type === 'unknown' || c.missingRatio >= 0.95 || isIdentifier(c)) return false;
  return c.distinct === undefined || c.distinct >= 2;
}

export function isNumeric(c: ColumnInfo): boolean {
  return c.type === 'numeric' && isUsable(c);
}

/** A group key: a categorical column, or a numeric one with 2–20 distinct values (MALMAS treats
 * coded categoricals such as Pclass or site codes as numbers). */
export function isKey(c: ColumnInfo): boolean {
  if (!isUsable(c)) return false;
  if (c.type === 'categorical') return true;
  return c.type === 'numeric' && c.distinct !== undefined && c.distinct <= 20;
}

/** A numeric column with enough distinct values to be a quantity rather than a code. */
export function isContinuous(c: ColumnInfo): boolean {
  return isNumeric(c) && (c.distinct === undefined || c.distinct > 10);
}

/** Calendar parts by name token, with the range a column of that part can take. */
const CYCLES: ReadonlyArray<{ readonly tokens: readonly string[]; readonly lo: number; readonly hi: number }> = [
  { tokens: ['hour', 'hr', 'hours'], lo: 0, hi: 24 },
  { tokens: ['minute', 'minutes'], lo: 0, hi: 60 },
  { tokens: ['weekday', 'dow', 'dayofweek'], lo: 0, hi: 7 },
  { tokens: ['day', 'days', 'dom'], lo: 0, hi: 31 },
  { tokens: ['dayofyear', 'doy'], lo: 0, hi: 366 },
  { tokens: ['week', 'weekofyear'], lo: 0, hi: 53 },
  { tokens: ['month', 'mnth', 'mon', 'months'], lo: 0, hi: 12 },
  { tokens: ['season', 'quarter'], lo: 0, hi: 4 },
  { tokens: ['year', 'yr', 'years'], lo: 0, hi: 1 },
  { tokens: ['year', 'yr', 'years'], lo: 1800, hi: 2200 },
];
const DATE_TOKENS = new Set(['date', 'datetime', 'dteday', 'time', 'timestamp', 'dt', ...CYCLES.flatMap((c) => c.tokens)]);
const MONTH_OR_DAY_VALUES = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*$/i;

/** Name tokens: `day_of_week` → day, of, week; `dteday` → dteday; `MonthlyCharges` → monthly, charges. */
function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

/**
 * A calendar part stored as a number or a category: a numeric column named like a part (`hr`,
 * `mnth`, `weekday`, `season`, `yr`) whose values fit that part's range (so `hours_per_week` up to
 * 99 or `months_loan_duration` up to 72 are quantities, not parts), or a categorical column named
 * like a date (`month`, `day_of_week`) or whose categories are month or weekday names.
 */
export function isDateLike(c: ColumnInfo): boolean {
  if (c.type === 'datetime') return true;
  if (!isUsable(c)) return false;
  const toks = nameTokens(c.name);
  if (c.type === 'numeric') {
    if (c.min === undefined || c.max === undefined) return false;
    return CYCLES.some((cy) => cy.tokens.some((t) => toks.includes(t)) && c.min! >= cy.lo && c.max! <= cy.hi);
  }
  if (c.type !== 'categorical') return false;
  if (toks.some((t) => DATE_TOKENS.has(t))) return true;
  return c.values.length >= 2 && c.values.every((v) => MONTH_OR_DAY_VALUES.test(v));
}

/**
 * An identifier (a record or sample number): an id column named like an id (`PassengerId`,
 * `customerID`) or holding only numbers, or a numeric column named like an id or with an
 * `id`/`code`/`number`/`no` token and many distinct values. Not a feature; at most a key whose
 * repeats can be counted. (Id text such as names or tickets is not an identifier here.)
 */
export function isIdentifier(c: ColumnInfo): boolean {
  if (c.type === 'id') return isIdLikeName(c.name) || (c.values.length > 0 && c.values.every((v) => /^[-+]?[\d.]+$/.test(v)));
  if (c.type !== 'numeric') return false;
  if (isIdLikeName(c.name)) return true;
  const toks = nameTokens(c.name);
  return toks.some((t) => ID_TOKENS.has(t)) && (c.distinct ?? 0) >= 100;
}
const ID_TOKENS = new Set(['id', 'code', 'number', 'no', 'uuid', 'key']);

/** Id text worth reading: several words or separators (names, tickets), not pure numbers. */
export function isTextLike(c: ColumnInfo): boolean {
  if (!isUsable(c) || (c.type !== 'id' && c.type !== 'categorical')) return false;
  const vs = c.values.filter((v) => v !== '');
  if (vs.length === 0) return false;
  if (vs.every((v) => /^[-+]?[\d.]+$/.test(v))) return false;
  return c.type === 'id' || (c.distinct ?? 0) > 20;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
