/**
 * One cross-validation fold as a self-contained task — fit on the rows outside the fold, predict
 * the rows inside — run either inline or in a worker thread. The data travels as one
 * SharedArrayBuffer (columns back to back) so posting a task to a worker copies nothing.
 */
import { fitGbdt } from './gbdt.js';
import type { Dataset, GbdtParams } from './types.js';

/** A dataset laid out in shared memory: x holds F columns of n values back to back. */
export interface SharedData {
  readonly n: number;
  readonly nFeatures: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly folds: Int32Array;
}

export interface FoldTask {
  readonly data: SharedData;
  readonly fold: number;
  readonly params: GbdtParams;
  /** Columns of this fold only (features fitted on its training rows), after the shared ones. */
  readonly extra?: SharedColumns;
}

/** F columns of n values back to back in shared memory. */
export interface SharedColumns {
  readonly nFeatures: number;
  readonly x: Float64Array;
}

export interface FoldOutput {
  readonly fold: number;
  readonly nTrain: number;
  /** Validation rows (ascending) and their predictions (probabilities for `binary`). */
  readonly validRows: Int32Array;
  readonly pred: Float64Array;
  /** Wall time of fitGbdt (binning included), milliseconds. */
  readonly fitMs: number;
  /** Total gain per feature. */
  readonly importance: Float64Array;
}

/** Copies `data` and the fold ids into shared memory (once per cross-validation). */
export function shareData(data: Dataset, folds: ArrayLike<number>): SharedData {
  const n = data.y.length;
  const F = data.columns.length;
  const x = new Float64Array(new SharedArrayBuffer(8 * n * F));
  data.columns.forEach((c, f) => x.set(c, f * n));
  const y = new Float64Array(new SharedArrayBuffer(8 * n));
  y.set(data.y);
  const fo = new Int32Array(new SharedArrayBuffer(4 * n));
  fo.set(folds);
  return { n, nFeatures: F, x, y, folds: fo };
}

export function columnsOf(d: SharedData): Float64Array[] {
  return Array.from({ length: d.nFeatures }, (_, f) => d.x.subarray(f * d.n, (f + 1) * d.n));
}

/** Copies columns of n values each into shared memory. */
export function shareColumns(columns: readonly Float64Array[], n: number): SharedColumns {
  const x = new Float64Array(new SharedArrayBuffer(8 * n * Math.max(1, columns.length)));
  columns.forEach((c, f) => {
    if (c.length !== n) throw new RangeError(`fold column ${f} has ${c.length} values, expected ${n}`);
    x.set(c, f * n);
  });
  return { nFeatures: columns.length, x };
}

export function runFold(task: FoldTask): FoldOutput {
  const { data, fold, params } = task;
  let nValid = 0;
  for (let i = 0; i < data.n; i++) if (data.folds[i] === fold) nValid++;
  const train = new Int32Array(data.n - nValid);
  const valid = new Int32Array(nValid);
  for (let i = 0, a = 0, b = 0; i < data.n; i++) {
    if (data.folds[i] === fold) valid[b++] = i;
    else train[a++] = i;
  }
  const columns = columnsOf(data);
  if (task.extra !== undefined) for (let f = 0; f < task.extra.nFeatures; f++) columns.push(task.extra.x.subarray(f * data.n, (f + 1) * data.n));
  const t0 = performance.now();
  const model = fitGbdt({ columns, y: data.y }, params, train);
  const fitMs = performance.now() - t0;
  const pred = model.predict(columns, valid);
  return { fold, nTrain: train.length, validRows: valid, pred, fitMs, importance: model.importance('total_gain') };
}
