/**
 * Gradient-boosted regression trees with second-order (Newton) leaf weights — Chen & Guestrin 2016,
 * "XGBoost: A Scalable Tree Boosting System", eq. 2–6 — fitted on histogram bins like XGBoost's
 * `tree_method='hist'`. Objectives as XGBoost 1.7: `binary:logistic` (g = p − y,
 * h = max(p(1 − p), 1e-16), base_score 0.5 ⇒ margin 0) and `reg:squarederror` (g = ŷ − y, h = 1).
 * Row subsampling is Bernoulli per tree and column subsampling draws round(fraction·F) ≥ 1
 * features per tree, as XGBoost's `subsample` / `colsample_bytree`; both use the seeded {@link Rng}.
 */
import { FFError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { binTrainingRows } from './binning.js';
import { TreeGrower } from './grower.js';
import { addForestOutput, leafOfBinned, type Tree } from './tree.js';
import { checkDataset, resolveParams, type Dataset, type GbdtParams } from './types.js';

export type ImportanceKind = 'total_gain' | 'gain' | 'weight';

export class Booster {
  constructor(
    readonly params: GbdtParams,
    /** Starting margin (logit of the base score for `binary`). */
    readonly baseMargin: number,
    readonly trees: readonly Tree[],
    readonly nFeatures: number,
    private readonly gainSum: Float64Array,
    private readonly splitCount: Float64Array,
    readonly featureNames?: readonly string[],
  ) {}

  /** Raw margins for `rows` of column-major `columns` (all rows when omitted), in `rows` order. */
  predictMargin(columns: readonly Float64Array[], rows: Int32Array | null = null): Float64Array {
    if (columns.length !== this.nFeatures) {
      throw new FFError('FF_DATA', `prediction data has ${columns.length} feature columns; the model was fitted on ${this.nFeatures}`);
    }
    const out = new Float64Array(rows === null ? (columns[0]?.length ?? 0) : rows.length).fill(this.baseMargin);
    addForestOutput(this.trees, columns, rows, out);
    return out;
  }

  /** Probabilities (sigmoid of the margin) for `binary`, predictions for `squared`. */
  predict(columns: readonly Float64Array[], rows: Int32Array | null = null): Float64Array {
    const m = this.predictMargin(columns, rows);
    if (this.params.objective === 'binary') for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i]!);
    return m;
  }

  /**
   * Importance per feature, as XGBoost's `get_score(importance_type=…)`: `total_gain` sums the loss
   * reduction of every split on the feature, `gain` averages it per split (XGBoost's default
   * `gain`, the one MALMAS ranks by), `weight` counts splits. Features never split on score 0.
   */
  importance(kind: ImportanceKind = 'total_gain'): Float64Array {
    const out = new Float64Array(this.nFeatures);
    for (let f = 0; f < this.nFeatures; f++) {
      const c = this.splitCount[f]!;
      out[f] = kind === 'weight' ? c : kind === 'total_gain' ? this.gainSum[f]! : c > 0 ? this.gainSum[f]! / c : 0;
    }
    return out;
  }
}

/**
 * Fits on `rows` of `data` (all rows when omitted). Bins are fitted on those rows only, so a CV fold
 * never sees its validation rows.
 */
export function fitGbdt(data: Dataset, params: Partial<GbdtParams> = {}, rows: Int32Array | null = null): Booster {
  const p = resolveParams(params);
  checkDataset(data, p.objective);
  const { columns } = data;
  const F = columns.length;
  const n = rows === null ? data.y.length : rows.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = data.y[rows === null ? i : rows[i]!]!;

  const { mapper, binned } = binTrainingRows(columns, rows, p.maxBins);
  const baseMargin = initialMargin(p, y);
  const margin = new Float64Array(n).fill(baseMargin);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const gainSum = new Float64Array(F);
  const splitCount = new Float64Array(F);
  const grower = new TreeGrower(binned, mapper, p);
  const rng = new Rng(p.seed, 'gbdt');
  const inSample = p.subsample < 1 ? new Uint8Array(n) : null;
  const trees: Tree[] = [];

  for (let t = 0; t < p.nTrees; t++) {
    gradients(p.objective, margin, y, grad, hess);
    const sample = inSample === null ? null : drawRows(rng, n, p.subsample, inSample);
    const features = p.colsampleBytree < 1 ? drawFeatures(rng, F, p.colsampleBytree) : null;
    const tree = grower.grow(grad, hess, sample, features, gainSum, splitCount);
    grower.addLeafOutputs(tree, margin);
    if (inSample !== null) {
      // rows left out of this tree still move by the leaf they fall into
      for (let i = 0; i < n; i++) if (inSample[i] === 0) margin[i] += tree.value[leafOfBinned(tree, binned.codes, F, i, binned.offsets, mapper.nBins)]!;
    }
    trees.push(tree);
  }
  return new Booster(p, baseMargin, trees, F, gainSum, splitCount, data.featureNames);
}

export function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}

function initialMargin(p: GbdtParams, y: Float64Array): number {
  let base: number;
  if (p.baseScore === 'mean') {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i]!;
    base = y.length > 0 ? s / y.length : 0.5;
    // a one-class training set would give ±∞; keep the logit finite
    if (p.objective === 'binary') base = Math.min(1 - 1e-6, Math.max(1e-6, base));
  } else base = p.baseScore;
  return p.objective === 'binary' ? Math.log(base / (1 - base)) : base;
}

function gradients(objective: GbdtParams['objective'], margin: Float64Array, y: Float64Array, grad: Float64Array, hess: Float64Array): void {
  const n = margin.length;
  if (objective === 'binary') {
    for (let i = 0; i < n; i++) {
      const pr = 1 / (1 + Math.exp(-margin[i]!));
      grad[i] = pr - y[i]!;
      hess[i] = Math.max(pr * (1 - pr), 1e-16);
    }
  } else {
    for (let i = 0; i < n; i++) {
      grad[i] = margin[i]! - y[i]!;
      hess[i] = 1;
    }
  }
}

/** Bernoulli(fraction) row sample, ascending; marks membership in `inSample`. */
function drawRows(rng: Rng, n: number, fraction: number, inSample: Uint8Array): Int32Array {
  let k = 0;
  for (let i = 0; i < n; i++) {
    inSample[i] = rng.random() < fraction ? 1 : 0;
    k += inSample[i]!;
  }
  const out = new Int32Array(k);
  for (let i = 0, j = 0; i < n; i++) if (inSample[i] === 1) out[j++] = i;
  return out;
}

/** round(fraction·F) ≥ 1 distinct features, ascending. */
function drawFeatures(rng: Rng, F: number, fraction: number): Int32Array {
  const k = Math.max(1, Math.round(fraction * F));
  const all = Array.from({ length: F }, (_, f) => f);
  rng.shuffle(all);
  return Int32Array.from(all.slice(0, k)).sort();
}
