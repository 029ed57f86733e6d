/**
 * Offline unary agent: one field at a time (malmas-algorithm.md §2, UnaryFeatureAgent): log1p /
 * signed log of skewed quantities, sqrt, squared distance from the mean, missing flags, zero flags,
 * frequency encodings, and parts of text-like fields (the title in `Name`, the letter prefix of a
 * cabin or ticket, the first token, the length).
 */
import { isContinuous, isNumeric, isTextLike, isUsable, type ColumnInfo } from '../agents/columns.js';
import { candidate, featureName, lit, ref, type Candidate } from './candidates.js';
import type { Signals } from './signals.js';

export function unaryCandidates(s: Signals): Candidate[] {
  const out: Candidate[] = [];
  for (const c of s.cols) {
    if (!isUsable(c)) continue;
    const x = ref(c.name);
    if (c.missingRatio >= 0.02 && c.missingRatio <= 0.9) {
      out.push(candidate(featureName(c.name, 'isnull'), `isnull(${x})`, 'numerical', [c.name], `${c.name} is missing in ${pct(c.missingRatio)} of rows; whether it is missing may itself be informative`, 0.7 + c.missingRatio));
    }
    if (c.type === 'numeric') out.push(...numeric(c, x));
    else if (c.type === 'categorical') out.push(...categorical(c, x));
    if (isTextLike(c)) out.push(...text(c, x));
  }
  return out;
}

function numeric(c: ColumnInfo, x: string): Candidate[] {
  if (!isNumeric(c)) return [];
  const out: Candidate[] = [];
  const skew = c.skewness ?? 0;
  const min = c.min ?? -Infinity;
  const strength = Math.min(Math.abs(skew), 6) / 6;
  // A flag (two values) is not reshaped by any monotone transform.
  if ((c.distinct ?? 3) <= 2) return out;
  if (min >= 0 && skew > 1) {
    out.push(candidate(featureName('log1p', c.name), `log1p(${x})`, 'numerical', [c.name], `log1p compresses the long right tail of ${c.name} (skewness ${skew.toFixed(2)})`, 1 + strength));
  } else if (min < 0 && Math.abs(skew) > 1) {
    out.push(candidate(featureName('slog', c.name), `sign(${x}) * log1p(abs(${x}))`, 'numerical', [c.name], `signed log compresses both tails of ${c.name} (skewness ${skew.toFixed(2)})`, 0.9 + strength));
  }
  if (min >= 0 && skew > 0.5) {
    out.push(candidate(featureName('sqrt', c.name), `sqrt(${x})`, 'numerical', [c.name], `square root moderates the skew of ${c.name}`, 0.6 + strength / 2));
  }
  if (isContinuous(c) && c.mean !== undefined && Math.abs(skew) < 1) {
    out.push(candidate(featureName(c.name, 'sqdev'), `(${x} - ${lit(c.mean)}) ^ 2`, 'numerical', [c.name], `squared distance of ${c.name} from its mean: a U-shaped effect becomes monotone`, 0.5));
  }
  if (min === 0 && (c.distinct ?? 0) > 2 && skew > 0.5) {
    out.push(candidate(featureName(c.name, 'is0'), `${x} == 0`, 'numerical', [c.name], `${c.name} = 0 may mark a special case (none, or an unrecorded value)`, 0.55));
  }
  if (c.distinct !== undefined && c.distinct > 2 && c.distinct <= 20) {
    out.push(candidate(featureName('freq', c.name), `freq(${x})`, 'numerical', [c.name], `${c.name} has ${c.distinct} codes; how common a code is can matter`, 0.45));
  }
  return out;
}

function categorical(c: ColumnInfo, x: string): Candidate[] {
  const n = c.distinct ?? c.values.length;
  if (n < 2) return [];
  return [candidate(featureName('freq', c.name), `freq(${x})`, 'numerical', [c.name], `frequency encoding of ${c.name} (${n} categories)`, n >= 3 ? 0.8 : 0.35)];
}

function text(c: ColumnInfo, x: string): Candidate[] {
  const vs = c.values.filter((v) => v !== '');
  const share = (p: (v: string) => boolean): number => vs.filter(p).length / vs.length;
  const out: Candidate[] = [];
  if (share((v) => /,[^,]*\S\.\s/.test(v) || /,\s*\S+\./.test(v)) >= 0.5) {
    out.push(candidate(featureName(c.name, 'title'), `str_split_part(str_split_part(${x}, ",", 1), ".", 0)`, 'categorical', [c.name], `the word between the comma and the first period of ${c.name} (a title such as Mr, Mrs, Miss)`, 1.6));
  }
  if (share((v) => /^[A-Za-z]/.test(v)) >= 0.5) {
    out.push(candidate(featureName(c.name, 'prefix1'), `prefix(${x}, 1)`, 'categorical', [c.name], `the leading letter of ${c.name} often encodes a class or area (a deck, a series)`, 1.0));
  }
  if (share((v) => v.includes(' ')) >= 0.3) {
    out.push(candidate(featureName(c.name, 'part0'), `str_split_part(${x}, " ", 0)`, 'categorical', [c.name], `the first token of ${c.name}`, 0.6));
  }
  out.push(candidate(featureName('len', c.name), `len(${x})`, 'numerical', [c.name], `length of ${c.name}`, 0.4));
  return out;
}

function pct(r: number): string {
  return `${(100 * r).toFixed(1)}%`;
}
