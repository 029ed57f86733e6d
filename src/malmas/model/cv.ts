/**
 * K-fold cross-validation of the gradient-boosted trees, the measurement behind MALMAS's feature
 * gain (shared/reference/malmas-algorithm.md §5): per-fold validation metrics, their mean (what
 * MALMAS compares), and the metrics of the pooled out-of-fold predictions.
 * Folds are trained in parallel on a {@link GbdtPool}; results are identical for any thread count.
 */
import { checkFolds, kFold, stratifiedKFold } from './folds.js';
import { shareColumns, shareData, type FoldOutput } from './fold-task.js';
import { accuracy, logLoss, nrmse, rmse, rocAuc } from './metrics.js';
import { GbdtPool } from './pool.js';
import { checkDataset, resolveParams, type Dataset, type GbdtParams, type Objective } from './types.js';

export interface CvOptions {
  readonly params?: Partial<GbdtParams>;
  /** A fold id (0…K−1) per row; when given, nFolds / stratified / shuffle / seed are ignored. */
  readonly folds?: ArrayLike<number>;
  /** K (5). */
  readonly nFolds?: number;
  /** Stratify by class (default: true for `binary`, false for `squared`). */
  readonly stratified?: boolean;
  /** Shuffle before assigning folds (true). */
  readonly shuffle?: boolean;
  /** Seed of the fold assignment (0); the model's own seed is params.seed. */
  readonly seed?: number;
  /**
   * Columns appended for one fold only, after `data.columns` (the same number for every fold):
   * features whose statistics are fitted on that fold's training rows, so the validation rows
   * never shape the feature they are scored on.
   */
  readonly foldColumns?: (fold: number) => readonly Float64Array[];
  /** Worker threads for a pool created for this call (default min(2, cores)); 1 runs inline. */
  readonly threads?: number;
  /** A pool to reuse across calls (then `threads` is ignored and the pool is left open). */
  readonly pool?: GbdtPool;
}

/** `binary`: auc, accuracy (p > 0.5), logLoss. `squared`: rmse, nrmse (= rmse / mean(y)). */
export interface CvMetrics {
  readonly auc?: number;
  readonly accuracy?: number;
  readonly logLoss?: number;
  readonly rmse?: number;
  readonly nrmse?: number;
}

export interface FoldResult {
  readonly fold: number;
  readonly nTrain: number;
  readonly nValid: number;
  readonly fitMs: number;
  readonly metrics: CvMetrics;
  /** Total gain per feature in this fold's model. */
  readonly importance: Float64Array;
}

export interface CvResult {
  readonly objective: Objective;
  readonly folds: readonly FoldResult[];
  /** Mean over folds of each metric (MALMAS's "5-fold mean validation AUC / ACC / NRMSE"). */
  readonly mean: CvMetrics;
  /** Metrics of all out-of-fold predictions together. */
  readonly pooled: CvMetrics;
  /** Out-of-fold prediction of every row (probabilities for `binary`). */
  readonly oof: Float64Array;
  /** Fold ids actually used. */
  readonly foldIds: Int32Array;
  /** Total gain per feature summed over the folds' models. */
  readonly importance: Float64Array;
  /** Sum of the folds' fit times and the wall time of the whole call, milliseconds. */
  readonly fitMsSum: number;
  readonly wallMs: number;
  /** Folds that could run at once (1 when inline). */
  readonly threadsUsed: number;
}

export async function crossValidate(data: Dataset, opts: CvOptions = {}): Promise<CvResult> {
  const t0 = performance.now();
  const params = resolveParams(opts.params);
  const n = checkDataset(data, params.objective);
  const foldIds = assignFolds(data, params.objective, opts);
  const k = checkFolds(foldIds, n);
  const shared = shareData(data, foldIds);
  const pool = opts.pool ?? new GbdtPool(opts.threads);
  let outputs: FoldOutput[];
  try {
    outputs = await Promise.all(
      Array.from({ length: k }, (_, fold) => pool.run({ data: shared, fold, params, ...(opts.foldColumns !== undefined ? { extra: shareColumns(opts.foldColumns(fold), n) } : {}) })),
    );
  } finally {
    if (opts.pool === undefined) await pool.close();
  }

  const oof = new Float64Array(n);
  const importance = new Float64Array(outputs[0]?.importance.length ?? data.columns.length);
  const folds: FoldResult[] = outputs.map((o) => {
    const yv = new Float64Array(o.validRows.length);
    o.validRows.forEach((r, i) => {
      yv[i] = data.y[r]!;
      oof[r] = o.pred[i]!;
    });
    o.importance.forEach((g, f) => (importance[f] += g));
    return { fold: o.fold, nTrain: o.nTrain, nValid: o.validRows.length, fitMs: o.fitMs, metrics: metricsOf(params.objective, yv, o.pred), importance: o.importance };
  });
  return {
    objective: params.objective,
    folds,
    mean: meanMetrics(folds.map((f) => f.metrics)),
    pooled: metricsOf(params.objective, data.y, oof),
    oof,
    foldIds,
    importance,
    fitMsSum: folds.reduce((s, f) => s + f.fitMs, 0),
    wallMs: performance.now() - t0,
    threadsUsed: pool.size,
  };
}

export function metricsOf(objective: Objective, y: Float64Array, pred: Float64Array): CvMetrics {
  if (objective === 'binary') return { auc: rocAuc(y, pred), accuracy: accuracy(y, pred), logLoss: logLoss(y, pred) };
  return { rmse: rmse(y, pred), nrmse: nrmse(y, pred) };
}

function meanMetrics(ms: readonly CvMetrics[]): CvMetrics {
  const out: Record<string, number> = {};
  for (const key of ['auc', 'accuracy', 'logLoss', 'rmse', 'nrmse'] as const) {
    const vals = ms.map((m) => m[key]).filter((v): v is number => v !== undefined);
    if (vals.length > 0) out[key] = vals.reduce((a, b) => a + b, 0) / vals.length;
  }
  return out;
}

function assignFolds(data: Dataset, objective: Objective, opts: CvOptions): Int32Array {
  if (opts.folds !== undefined) return Int32Array.from(opts.folds);
  const k = opts.nFolds ?? 5;
  const o = { shuffle: opts.shuffle ?? true, seed: opts.seed ?? 0 };
  return (opts.stratified ?? objective === 'binary') ? stratifiedKFold(data.y, k, o) : kFold(data.y.length, k, o);
}
