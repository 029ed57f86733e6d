/**
 * Offline temporal agent (TemporalFeatureAgent): calendar parts of datetime columns chosen by the
 * span they cover (hours only for intraday data, years only for spans over a year), time since the
 * start, durations between two datetimes, the distance to the middle of a calendar cycle stored as a
 * number (hours, months, weekdays), values relative to their mean for the same calendar part, and,
 * only when the rows are ordered, lags, differences and rolling means.
 */
import { isContinuous, isDateLike, isNumeric, type ColumnInfo } from '../agents/columns.js';
import { candidate, featureName, lit, ref, topColumns, type Candidate } from './candidates.js';
import type { Signals } from './signals.js';

const DAY_MS = 86_400_000;

export function temporalCandidates(s: Signals): Candidate[] {
  const out: Candidate[] = [];
  const amounts = topColumns(s, s.cols.filter((c) => isContinuous(c) && !isDateLike(c)), 2);
  const dts = s.cols.filter((c) => c.type === 'datetime' && c.minDate && c.maxDate && c.missingRatio < 0.95);
  for (const d of dts) out.push(...datetimeParts(d, amounts));
  for (let i = 0; i < dts.length; i++) {
    for (let j = i + 1; j < dts.length; j++) {
      const [a, b] = [dts[i]!, dts[j]!];
      out.push(candidate(featureName(b.name, 'minus', a.name), `${ref(b.name)} - ${ref(a.name)}`, 'numerical', [a.name, b.name], `days between ${a.name} and ${b.name}`, 1.2));
    }
  }
  for (const p of s.cols.filter((c) => c.type !== 'datetime' && isDateLike(c))) {
    const P = ref(p.name);
    if (p.type === 'numeric' && isNumeric(p) && p.min !== undefined && p.max !== undefined && p.max > p.min && (p.distinct ?? 0) > 2) {
      const mid = (p.min + p.max) / 2;
      out.push(candidate(featureName(p.name, 'from_mid'), `abs(${P} - ${lit(mid)})`, 'numerical', [p.name], `distance of ${p.name} from the middle of its cycle: the two ends of the cycle become neighbours`, 0.6));
    } else if (p.type === 'categorical') {
      out.push(candidate(featureName('freq', p.name), `freq(${P})`, 'numerical', [p.name], `how common each ${p.name} is`, 0.5));
    }
    for (const x of amounts) {
      out.push(candidate(featureName(x.name, 'vs', p.name), `${ref(x.name)} - group_mean(${ref(x.name)}, ${P})`, 'numerical', [p.name, x.name], `${x.name} relative to its mean for the same ${p.name} (seasonal adjustment)`, 0.75));
    }
  }
  const likeCats = s.cols.filter((c) => c.type === 'categorical' && isDateLike(c));
  for (let i = 0; i < likeCats.length; i++) {
    for (let j = i + 1; j < likeCats.length; j++) {
      const [a, b] = [likeCats[i]!, likeCats[j]!];
      out.push(candidate(featureName(a.name, 'x', b.name), `concat(${ref(a.name)}, ${ref(b.name)})`, 'categorical', [a.name, b.name], `joint calendar position ${a.name} × ${b.name}`, 0.6));
    }
  }
  if (s.ctx.ordered) {
    for (const x of topColumns(s, s.cols.filter((c) => isContinuous(c) && !isDateLike(c)), 3)) {
      const X = ref(x.name);
      out.push(candidate(featureName(x.name, 'diff1'), `diff(${X})`, 'numerical', [x.name], `change of ${x.name} since the previous row`, 0.8));
      out.push(candidate(featureName(x.name, 'lag1'), `lag(${X})`, 'numerical', [x.name], `${x.name} in the previous row`, 0.7));
      out.push(candidate(featureName(x.name, 'vs_roll7'), `${X} - rolling_mean(${X}, 7)`, 'numerical', [x.name], `${x.name} relative to its recent trend (last 7 rows)`, 0.7));
      out.push(candidate(featureName(x.name, 'roll3'), `rolling_mean(${X}, 3)`, 'numerical', [x.name], `smoothed ${x.name} over the last 3 rows`, 0.55));
    }
  }
  return out;
}

function datetimeParts(d: ColumnInfo, amounts: readonly ColumnInfo[]): ReturnType<typeof temporalCandidates> {
  const out: ReturnType<typeof temporalCandidates> = [];
  const t0 = Date.parse(d.minDate!);
  const t1 = Date.parse(d.maxDate!);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) return out;
  const span = (t1 - t0) / DAY_MS;
  // More distinct instants than days in the span means times of day are present.
  const intraday = (d.distinct ?? 0) > span + 1;
  const D = ref(d.name);
  const part = (fn: string, why: string, prior: number): void => {
    out.push(candidate(featureName(d.name, fn), `${fn}(${D})`, 'numerical', [d.name], why, prior));
  };
  if (intraday) part('hour', `hour of day of ${d.name}: daily cycles`, 1.2);
  if (span > 14) part('weekday', `day of week of ${d.name}: weekly cycles`, 1.1);
  if (span > 60) part('month', `month of ${d.name}: seasonal cycles`, 1.0);
  if (span > 60) part('day', `day of month of ${d.name}`, 0.45);
  if (span > 180) part('quarter', `quarter of ${d.name}`, 0.4);
  if (span > 365) part('year', `year of ${d.name}: long-term level`, 0.8);
  if (span > 365) part('dayofyear', `day of year of ${d.name}: position in the annual cycle`, 0.6);
  const start = d.minDate!.slice(0, 10);
  out.push(candidate(featureName(d.name, 'days_since_start'), `days_since(${D}, "${start}")`, 'numerical', [d.name], `days since the first ${d.name} (${start}): trend over time`, 0.9));
  out.push(candidate(featureName(d.name, 'elapsed'), `elapsed(${D})`, 'numerical', [d.name], `days since the earliest training ${d.name}`, 0.4));
  const cycle = intraday ? 'hour' : span > 60 ? 'month' : span > 14 ? 'weekday' : undefined;
  if (cycle !== undefined) {
    for (const x of amounts) {
      out.push(candidate(featureName(x.name, 'vs', cycle, 'of', d.name), `${ref(x.name)} - group_mean(${ref(x.name)}, ${cycle}(${D}))`, 'numerical', [d.name, x.name], `${x.name} relative to its mean for the same ${cycle}`, 0.7));
    }
  }
  return out;
}
