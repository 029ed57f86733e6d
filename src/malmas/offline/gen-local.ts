/**
 * Offline local agents.
 * - local_transform (LocalTransformAgent): outlier flags, clipping to the 10th–90th percentiles
 *   (the decile edges of target_bin_avg; mean ± 2.5 std without them), quantile bins, ranks,
 *   z-scores and signed-log compression of heavy tails.
 * - local_pattern (LocalPatternAgent): patterns in the per-bin target means: the segment whose mean
 *   stands out most (an `if` flag), the threshold where the mean jumps most between neighbouring
 *   bins, equal-width bins for multimodal fields, the category whose response stands out, groups
 *   of high-response categories, rare categories; without target bins, tail flags at 2 std.
 */
import { isContinuous, isNumeric, isUsable, type ColumnInfo, type TargetBinView } from '../agents/columns.js';
import { candidate, featureName, lit, ref, strLit, type Candidate } from './candidates.js';
import type { Signals } from './signals.js';

export function localTransformCandidates(s: Signals): Candidate[] {
  const out: Candidate[] = [];
  for (const c of s.cols.filter((x) => isNumeric(x) && (x.distinct ?? 0) > 5)) {
    const X = ref(c.name);
    const outl = c.outlierRatio ?? 0;
    if (outl > 0.001) {
      out.push(candidate(featureName(c.name, 'outlier'), `abs(zscore(${X})) > 3`, 'numerical', [c.name], `flags the ${(100 * outl).toFixed(1)}% of ${c.name} beyond 3 std`, 0.9 + Math.min(outl * 10, 0.5)));
    }
    const q = deciles(c);
    let band = q ?? (c.mean !== undefined && c.std !== undefined && c.std > 0 ? [c.mean - 2.5 * c.std, c.mean + 2.5 * c.std] : undefined);
    // Within the observed range; a band that contains the whole range would change nothing.
    if (band !== undefined && c.min !== undefined && c.max !== undefined) {
      band = [Math.max(band[0]!, c.min), Math.min(band[1]!, c.max)];
      if (band[0] === c.min && band[1] === c.max) band = undefined;
    }
    if (band !== undefined && band[1]! > band[0]!) {
      const how = q ? 'the 10th and 90th percentiles' : 'mean ± 2.5 std';
      out.push(candidate(featureName(c.name, 'clip', q ? 'p10_p90' : '2p5sd'), `clip(${X}, ${lit(band[0]!)}, ${lit(band[1]!)})`, 'numerical', [c.name], `${c.name} clipped to ${how}: extreme values stop dominating`, 0.6 + (outl > 0 ? 0.3 : 0)));
    }
    if ((c.distinct ?? 0) > 20) out.push(candidate(featureName(c.name, 'qbin10'), `qbin(${X}, 10)`, 'numerical', [c.name], `decile of ${c.name}: robust to scale and outliers`, 0.7));
    out.push(candidate(featureName(c.name, 'qbin4'), `qbin(${X}, 4)`, 'numerical', [c.name], `quartile of ${c.name}`, 0.5));
    out.push(candidate(featureName(c.name, 'rank'), `rank(${X})`, 'numerical', [c.name], `percentile rank of ${c.name}`, 0.5));
    out.push(candidate(featureName(c.name, 'z'), `zscore(${X})`, 'numerical', [c.name], `standardised ${c.name}`, 0.3));
    if ((c.kurtosis ?? 0) > 3 && (c.min ?? 0) < 0) {
      out.push(candidate(featureName(c.name, 'slog'), `sign(${X}) * log1p(abs(${X}))`, 'numerical', [c.name], `compresses the heavy tails of ${c.name} (kurtosis ${(c.kurtosis ?? 0).toFixed(1)})`, 0.8));
    }
  }
  return out;
}

/** [q10, q90] from the decile edges of target_bin_avg (first bin's upper edge, last bin's lower edge). */
function deciles(c: ColumnInfo): [number, number] | undefined {
  const b = c.targetBins.filter((x) => x.lo !== undefined && x.hi !== undefined);
  if (b.length < 5) return undefined;
  return [b[0]!.hi!, b[b.length - 1]!.lo!];
}

export function localPatternCandidates(s: Signals): Candidate[] {
  const out: Candidate[] = [];
  for (const c of s.cols) {
    if (!isUsable(c)) continue;
    if (isNumeric(c)) out.push(...numericPatterns(c));
    else if (c.type === 'categorical') out.push(...categoricalPatterns(c));
  }
  return out;
}

function numericPatterns(c: ColumnInfo): Candidate[] {
  const out: Candidate[] = [];
  const X = ref(c.name);
  const bins = c.targetBins.filter((b) => b.lo !== undefined && b.hi !== undefined);
  if (bins.length >= 3) {
    const means = bins.map((b) => b.mean);
    const overall = means.reduce((a, m) => a + m, 0) / means.length;
    const range = Math.max(...means) - Math.min(...means);
    if (range > 0) {
      const k = argmax(means.map((m) => Math.abs(m - overall)));
      const b = bins[k]!;
      const dev = Math.abs(b.mean - overall) / range;
      const [cond, label] =
        k === 0 ? [`${X} <= ${lit(b.hi!)}`, ['le', b.hi!]] : k === bins.length - 1 ? [`${X} > ${lit(b.lo!)}`, ['gt', b.lo!]] : [`(${X} > ${lit(b.lo!)}) and (${X} <= ${lit(b.hi!)})`, ['in', b.lo!, b.hi!]];
      out.push(candidate(featureName(c.name, ...label), `if(${cond}, 1, 0)`, 'numerical', [c.name], `segment ${b.label} of ${c.name}, where the target mean (${fmt(b.mean)}) differs most from the rest (${fmt(overall)})`, 0.9 + 0.4 * dev));
      const jumps = means.slice(1).map((m, i) => Math.abs(m - means[i]!));
      const j = argmax(jumps);
      const t = bins[j]!.hi!;
      // Skip the threshold when it is the segment flag's own edge (the same split, negated).
      if (!(k === 0 && j === 0) && !(k === bins.length - 1 && j === bins.length - 2)) {
        out.push(candidate(featureName(c.name, 'gt', t), `${X} > ${lit(t)}`, 'numerical', [c.name], `threshold at ${fmt(t)}, where the target mean jumps most (${fmt(means[j]!)} -> ${fmt(means[j + 1]!)})`, 0.85 + 0.4 * (jumps[j]! / range)));
      }
    }
  }
  if ((c.modes ?? 1) >= 2 && isContinuous(c)) {
    const k = Math.min(20, 2 * c.modes!);
    out.push(candidate(featureName(c.name, 'bin', k), `bin(${X}, ${k})`, 'numerical', [c.name], `${c.name} has about ${c.modes} modes: equal-width bins separate them`, 0.5));
  }
  if (bins.length < 3 && c.mean !== undefined && c.std !== undefined && c.std > 0 && isContinuous(c)) {
    const hi = (c.skewness ?? 0) >= 0;
    const t = hi ? c.mean + 2 * c.std : c.mean - 2 * c.std;
    out.push(candidate(featureName(c.name, hi ? 'high' : 'low', 'tail'), `${X} ${hi ? '>' : '<'} ${lit(t)}`, 'numerical', [c.name], `the ${hi ? 'upper' : 'lower'} tail of ${c.name} beyond 2 std: a cluster of unusual values`, 0.5));
  }
  return out;
}

function categoricalPatterns(c: ColumnInfo): Candidate[] {
  const out: Candidate[] = [];
  const X = ref(c.name);
  const bins = c.targetBins.filter((b) => strLit(b.label) !== undefined && (c.frequencies[b.label] ?? 0) >= 0.03);
  if (bins.length >= 2) {
    const w = (b: TargetBinView): number => c.frequencies[b.label] ?? 0;
    const total = bins.reduce((a, b) => a + w(b), 0);
    const overall = bins.reduce((a, b) => a + w(b) * b.mean, 0) / (total || 1);
    // Standing out = distance from the overall mean, weighted by how many rows it concerns.
    const score = bins.map((b) => Math.abs(b.mean - overall) * Math.sqrt(w(b)));
    const k = argmax(score);
    const b = bins[k]!;
    out.push(candidate(featureName(c.name, 'is', b.label), `if(${X} == ${strLit(b.label)}, 1, 0)`, 'numerical', [c.name], `${c.name} = ${b.label}: its target mean (${fmt(b.mean)}) stands out from the rest (${fmt(overall)})`, 0.8 + Math.min(0.5, 2 * score[k]!)));
    const high = [...bins].sort((x, y) => y.mean - x.mean).slice(0, 2);
    if (bins.length >= 4) {
      out.push(candidate(featureName(c.name, 'top2'), `(${X} == ${strLit(high[0]!.label)}) or (${X} == ${strLit(high[1]!.label)})`, 'numerical', [c.name], `the two ${c.name} values with the highest target mean (${high.map((h) => h.label).join(', ')})`, 0.6));
    }
  }
  const rare = Object.values(c.frequencies).some((f) => f < 0.05);
  if (rare && (c.distinct ?? 0) >= 5) {
    out.push(candidate(featureName(c.name, 'rare'), `freq(${X}) < 0.05`, 'numerical', [c.name], `rare values of ${c.name} (under 5% of rows) as one cluster`, 0.55));
  }
  return out;
}

function argmax(xs: readonly number[]): number {
  let k = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[k]!) k = i;
  return k;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}
