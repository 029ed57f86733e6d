/**
 * Calendar helpers for datetime columns (epoch milliseconds, UTC). Date parts follow pandas'
 * `.dt` accessors: month 1–12, day 1–31, weekday Monday = 0 … Sunday = 6, dayofyear 1–366.
 */

export const MS_PER_DAY = 86_400_000;
/** ECMAScript's representable range of dates, in ms from the epoch. */
const MAX_DATE_MS = 8.64e15;

const DATE_LITERAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?Z?$/;

/** Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]" as UTC; NaN when not a real date. */
export function parseDateLiteral(s: string): number {
  const m = DATE_LITERAL.exec(s.trim());
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return Number.NaN;
  const t = utc(y, mo - 1, d) + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
  // Dates roll 2011-02-30 over to March: reject it.
  if (new Date(t).getUTCDate() !== d) return Number.NaN;
  return t;
}

/** Date.UTC without its mapping of years 0–99 to 1900–1999. */
function utc(year: number, month0: number, day: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(year, month0, day);
  return dt.getTime();
}

export type DatePart = 'year' | 'month' | 'day' | 'weekday' | 'hour' | 'dayofyear' | 'quarter';

export function datePart(part: DatePart, ms: number): number {
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return Number.NaN;
  const dt = new Date(ms);
  switch (part) {
    case 'year':
      return dt.getUTCFullYear();
    case 'month':
      return dt.getUTCMonth() + 1;
    case 'day':
      return dt.getUTCDate();
    case 'weekday':
      return (dt.getUTCDay() + 6) % 7;
    case 'hour':
      return dt.getUTCHours();
    case 'quarter':
      return Math.floor(dt.getUTCMonth() / 3) + 1;
    case 'dayofyear':
      return Math.round((utc(dt.getUTCFullYear(), dt.getUTCMonth(), dt.getUTCDate()) - utc(dt.getUTCFullYear(), 0, 1)) / MS_PER_DAY) + 1;
  }
}
