/**
 * The final feature set of a MALMAS run (`finalSelection: 'cv'`). MALMAS keeps every feature whose
 * gain, added alone, was positive; on small data many of those are noise that passed on the folds
 * that judged them, and together they can hurt. So the accepted features are ranked by their gain
 * and prefixes of that ranking (sizes 0, 1, 2, 4, …, all, each with the earlier features it reads)
 * are judged *together*, by cross-validation on fresh shuffles of the training split (2 × K folds),
 * against the original columns on the same folds. The prefix with the best mean paired gain is
 * kept, and only if that mean exceeds its standard error; otherwise the final model uses the
 * original columns (an honest "nothing helped").
 */
import { columnsOf, parseFeature } from './dsl/index.js';
import type { FeatureMeta } from './feature-set.js';

export interface JointScore {
  /** Mean over folds of (score with the features − score without). */
  readonly mean: number;
  /** Standard error of that mean. */
  readonly se: number;
}

/** Mean and standard error of the paired per-fold differences `withF[i] − base[i]`. */
export function pairedGain(base: readonly number[], withF: readonly number[]): JointScore {
  const n = Math.min(base.length, withF.length);
  if (n === 0) return { mean: 0, se: Infinity };
  const d = Array.from({ length: n }, (_, i) => withF[i]! - base[i]!);
  const mean = d.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, se: Infinity };
  const variance = d.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

export async function selectFinal(
  metas: readonly FeatureMeta[],
  jointGain: (metas: readonly FeatureMeta[]) => Promise<JointScore>,
): Promise<{ kept: FeatureMeta[]; tried: Array<{ size: number; gain: number; se: number }> }> {
  if (metas.length === 0) return { kept: [], tried: [] };
  const index = new Map(metas.map((m, i) => [m.name, i]));
  const reads = metas.map((m) => {
    const parsed = parseFeature(m.expr);
    return parsed.ok ? columnsOf(parsed.expr).filter((c) => index.has(c) && index.get(c)! < index.get(m.name)!) : [];
  });
  const byGain = metas.map((m, i) => ({ m, i })).sort((a, b) => b.m.gain - a.m.gain || a.i - b.i);
  const closure = (size: number): FeatureMeta[] => {
    const take = new Set<number>();
    const add = (i: number): void => {
      if (take.has(i)) return;
      take.add(i);
      for (const dep of reads[i]!) add(index.get(dep)!);
    };
    for (let k = 0; k < size; k++) add(byGain[k]!.i);
    return [...take].sort((a, b) => a - b).map((i) => metas[i]!);
  };
  const sizes: number[] = [];
  for (let s = 1; s < metas.length; s *= 2) sizes.push(s);
  sizes.push(metas.length);
  const tried: Array<{ size: number; gain: number; se: number }> = [{ size: 0, gain: 0, se: 0 }];
  let best = { gain: 0, kept: [] as FeatureMeta[] };
  for (const size of sizes) {
    const kept = closure(size);
    const { mean, se } = await jointGain(kept);
    tried.push({ size, gain: mean, se });
    // ties go to the smaller set; a gain within its own noise is no gain
    if (mean > best.gain && mean > se) best = { gain: mean, kept };
  }
  return { kept: best.kept, tried };
}
