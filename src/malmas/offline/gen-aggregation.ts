/**
 * Offline aggregation agent (AggregationConstructAgent): statistics of a numeric value within the
 * groups of a key (deviation from and ratio to the group mean, group mean, std and rank), group
 * sizes, and the diversity of one key within another. Keys are categorical or low-cardinality
 * numeric columns; text-like keys with many values (tickets) only give group sizes.
 */
import { isIdentifier, isKey, isNumeric, isTextLike, type ColumnInfo } from '../agents/columns.js';
import { candidate, featureName, ref, topColumns, type Candidate } from './candidates.js';
import type { Signals } from './signals.js';

export function aggregationCandidates(s: Signals): Candidate[] {
  const out: Candidate[] = [];
  const keys = topColumns(s, s.cols.filter((c) => isKey(c) && (c.distinct ?? 0) <= 500), 5);
  const values = topColumns(s, s.cols.filter((c) => isNumeric(c) && (c.distinct ?? 0) > 5), 6);
  for (const k of keys) {
    for (const x of values) {
      if (x.name === k.name) continue;
      out.push(...pair(k, x));
    }
  }
  const countKeys = [...keys, ...s.cols.filter((c) => isTextLike(c) && c.type === 'categorical' && !keys.includes(c))];
  for (const k of countKeys.slice(0, 6)) {
    const many = (k.distinct ?? 0) > 20;
    out.push(candidate(featureName('count', k.name), `group_count(${ref(k.name)})`, 'numerical', [k.name], `size of the ${k.name} group${many ? ' (rows sharing the same value, e.g. a party on one ticket)' : ''}`, many ? 1.0 : 0.55));
  }
  // Identifiers are no features, but how often one repeats can be (a sample measured twice).
  for (const k of s.cols.filter((c) => isIdentifier(c) && c.missingRatio < 0.95).slice(0, 2)) {
    out.push(candidate(featureName('count', k.name), `group_count(${ref(k.name)})`, 'numerical', [k.name], `how many rows share this ${k.name} (repeated records)`, 0.6));
  }
  const cats = keys.filter((k) => k.type === 'categorical');
  for (let i = 0; i < cats.length; i++) {
    for (let j = i + 1; j < cats.length; j++) {
      const [a, b] = (cats[i]!.distinct ?? 0) <= (cats[j]!.distinct ?? 0) ? [cats[i]!, cats[j]!] : [cats[j]!, cats[i]!];
      out.push(candidate(featureName('count', a.name, b.name), `group_count(concat(${ref(a.name)}, ${ref(b.name)}))`, 'numerical', [a.name, b.name], `size of the joint ${a.name} × ${b.name} group`, 0.5));
      out.push(candidate(featureName('nunique', b.name, 'by', a.name), `nunique(${ref(b.name)}, ${ref(a.name)})`, 'numerical', [a.name, b.name], `how many distinct ${b.name} values occur within each ${a.name}`, 0.35));
    }
  }
  return out;
}

function pair(k: ColumnInfo, x: ColumnInfo): Candidate[] {
  const [K, X] = [ref(k.name), ref(x.name)];
  const base = [k.name, x.name];
  const out = [
    candidate(featureName(x.name, 'dev', k.name), `${X} - group_mean(${X}, ${K})`, 'numerical', base, `${x.name} relative to the mean of its ${k.name} group`, 1.0),
    candidate(featureName(x.name, 'rank_in', k.name), `group_rank(${X}, ${K})`, 'numerical', base, `percentile of ${x.name} within its ${k.name} group`, 0.8),
    candidate(featureName('mean', x.name, 'by', k.name), `group_mean(${X}, ${K})`, 'numerical', base, `typical ${x.name} of the ${k.name} group`, 0.6),
    candidate(featureName('std', x.name, 'by', k.name), `group_std(${X}, ${K})`, 'numerical', base, `spread of ${x.name} within the ${k.name} group`, 0.45),
  ];
  if ((x.min ?? -1) > 0) {
    out.push(candidate(featureName(x.name, 'rel', k.name), `${X} / group_mean(${X}, ${K})`, 'numerical', base, `${x.name} as a multiple of its ${k.name} group mean`, 0.75));
  }
  return out;
}
