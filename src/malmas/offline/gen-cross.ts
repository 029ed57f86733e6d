/**
 * Offline cross agent: combinations of two or more fields (CrossCompositionalAgent): ratios,
 * products, differences and sums of numeric pairs, a quantity per count total (`x / (a + b + 1)`),
 * and crosses of categories. Pairs of relevant columns come first; a ratio is preferred when the
 * two columns pull the target in opposite directions (then their quotient carries both), a product
 * when they pull the same way.
 */
import { isContinuous, isKey, isNumeric, type ColumnInfo } from '../agents/columns.js';
import { candidate, featureName, ref, topColumns, type Candidate } from './candidates.js';
import type { Signals } from './signals.js';

export function crossCandidates(s: Signals): Candidate[] {
  const out: Candidate[] = [];
  const nums = topColumns(s, s.cols.filter(isNumeric), 10);
  for (let i = 0; i < nums.length; i++) {
    for (let j = i + 1; j < nums.length; j++) out.push(...numericPair(s, nums[i]!, nums[j]!));
  }
  // A quantity per total of two counts (Fare per family member: Fare / (SibSp + Parch + 1)).
  const counts = nums.filter((c) => (c.min ?? -1) >= 0 && c.distinct !== undefined && c.distinct <= 20 && c.distinct > 2);
  const amounts = nums.filter((c) => isContinuous(c) && !counts.includes(c)).slice(0, 3);
  for (let i = 0; i < Math.min(counts.length, 3); i++) {
    for (let j = i + 1; j < Math.min(counts.length, 3); j++) {
      const [a, b] = [counts[i]!, counts[j]!];
      for (const x of amounts) {
        out.push(candidate(featureName(x.name, 'per', a.name, b.name), `${ref(x.name)} / (${ref(a.name)} + ${ref(b.name)} + 1)`, 'numerical', [x.name, a.name, b.name], `${x.name} per unit of ${a.name} + ${b.name} (+1 for the row itself)`, 1.0));
      }
    }
  }
  const cats = topColumns(s, s.cols.filter((c) => isKey(c) && c.type === 'categorical' && (c.distinct ?? 0) <= 30), 6);
  for (let i = 0; i < cats.length; i++) {
    for (let j = i + 1; j < cats.length; j++) {
      const [a, b] = [cats[i]!, cats[j]!];
      if ((a.distinct ?? 30) * (b.distinct ?? 30) > 200) continue;
      out.push(candidate(featureName(a.name, 'x', b.name), `concat(${ref(a.name)}, ${ref(b.name)})`, 'categorical', [a.name, b.name], `joint categories of ${a.name} and ${b.name}: interactions a tree finds only with many splits`, 0.7));
    }
  }
  for (const c of cats.slice(0, 3)) {
    for (const x of nums.filter(isContinuous).slice(0, 2)) {
      out.push(candidate(featureName(c.name, 'x', x.name, 'q4'), `concat(${ref(c.name)}, qbin(${ref(x.name)}, 4))`, 'categorical', [c.name, x.name], `${c.name} crossed with the quartile of ${x.name}`, 0.45));
    }
  }
  return out;
}

function numericPair(s: Signals, a: ColumnInfo, b: ColumnInfo): Candidate[] {
  const out: Candidate[] = [];
  const da = s.direction(a.name);
  const db = s.direction(b.name);
  const opposite = da * db < 0;
  const same = da * db > 0;
  // Numerator: the column that raises the target, so the ratio rises with it.
  const [num, den] = opposite && db > 0 ? [b, a] : [a, b];
  const safe = (c: ColumnInfo): { text: string; tag: string } =>
    (c.min ?? -1) > 0 ? { text: ref(c.name), tag: '' } : (c.min ?? -1) >= 0 ? { text: `(${ref(c.name)} + 1)`, tag: '1' } : { text: ref(c.name), tag: '' };
  const d = safe(den);
  // A denominator that crosses zero gives huge values of either sign: no ratio then.
  const spansZero = (den.min ?? 0) < 0 && (den.max ?? 0) > 0;
  if (!spansZero) out.push(candidate(featureName(num.name, 'div', den.name + d.tag), `${ref(num.name)} / ${d.text}`, 'numerical', [num.name, den.name], `ratio of ${num.name} to ${den.name}${opposite ? ': they pull the target in opposite directions' : ''}`, 1.0 + (opposite ? 0.6 : 0)));
  out.push(candidate(featureName(a.name, 'x', b.name), `${ref(a.name)} * ${ref(b.name)}`, 'numerical', [a.name, b.name], `product of ${a.name} and ${b.name}${same ? ': both pull the target the same way' : ''}`, 0.7 + (same ? 0.5 : 0)));
  if (similarScale(a, b)) {
    out.push(candidate(featureName(a.name, 'minus', b.name), `${ref(a.name)} - ${ref(b.name)}`, 'numerical', [a.name, b.name], `difference of ${a.name} and ${b.name}, which have similar scales`, 0.65));
  }
  const isCount = (c: ColumnInfo): boolean => (c.min ?? -1) >= 0 && c.distinct !== undefined && c.distinct <= 20;
  if (isCount(a) && isCount(b)) {
    out.push(candidate(featureName(a.name, 'plus', b.name), `${ref(a.name)} + ${ref(b.name)}`, 'numerical', [a.name, b.name], `total of the counts ${a.name} and ${b.name}`, 0.9));
  }
  return out;
}

function similarScale(a: ColumnInfo, b: ColumnInfo): boolean {
  if (a.min === undefined || a.max === undefined || b.min === undefined || b.max === undefined) return false;
  const ra = a.max - a.min;
  const rb = b.max - b.min;
  if (ra <= 0 || rb <= 0) return false;
  const overlap = Math.min(a.max, b.max) - Math.max(a.min, b.min);
  return Math.max(ra, rb) / Math.min(ra, rb) <= 5 && overlap > 0;
}
