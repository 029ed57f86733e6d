/**
 * Fold assignment for cross-validation, with scikit-learn's semantics (sklearn/model_selection/
 * _split.py: KFold and StratifiedKFold; the shuffling itself uses our {@link Rng}, so assignments
 * differ from numpy's for the same seed):
 * - K-fold: rows (shuffled or in order) cut into K contiguous blocks, the first n mod K one row larger;
 * - stratified K-fold: each class's rows (shuffled) dealt round-robin, so every fold holds
 *   ⌊n_c/K⌋ or ⌈n_c/K⌉ rows of class c and folds differ in size by at most one.
 * The result is a fold id per row, the same form as the bench's `<name>_folds.csv`.
 */
import { FFError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';

export function kFold(n: number, k: number, opts: { shuffle?: boolean; seed?: number } = {}): Int32Array {
  checkK(n, k);
  const order = Array.from({ length: n }, (_, i) => i);
  if (opts.shuffle ?? true) new Rng(opts.seed ?? 0, 'kfold').shuffle(order);
  const folds = new Int32Array(n);
  const small = Math.floor(n / k);
  const larger = n % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = small + (f < larger ? 1 : 0);
    for (let j = 0; j < size; j++) folds[order[pos++]!] = f;
  }
  return folds;
}

/** Stratified by the distinct values of `y` (class labels). */
export function stratifiedKFold(y: ArrayLike<number>, k: number, opts: { shuffle?: boolean; seed?: number } = {}): Int32Array {
  const n = y.length;
  checkK(n, k);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    const list = byClass.get(c);
    if (list === undefined) byClass.set(c, [i]);
    else list.push(i);
  }
  const rng = new Rng(opts.seed ?? 0, 'stratified-kfold');
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const folds = new Int32Array(n);
  let pos = 0; // continuing the deal across classes keeps the fold sizes balanced overall
  for (const c of classes) {
    const rows = byClass.get(c)!;
    if (opts.shuffle ?? true) rng.shuffle(rows);
    for (const r of rows) folds[r] = pos++ % k;
  }
  return folds;
}

/** Checks a given fold assignment (ids 0…K−1, every fold non-empty); returns K. */
export function checkFolds(folds: ArrayLike<number>, n: number): number {
  if (folds.length !== n) throw new FFError('FF_DATA', `fold assignment has ${folds.length} entries but the data has ${n} rows; give one fold id per row`);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const f = folds[i]!;
    if (!Number.isInteger(f) || f < 0) throw new FFError('FF_DATA', `fold id of row ${i} is ${f}; fold ids must be integers 0…K−1`);
    k = Math.max(k, f + 1);
  }
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[folds[i]!]++;
  const empty = [...sizes.keys()].filter((f) => sizes[f] === 0 || sizes[f] === n);
  if (k < 2 || empty.length > 0) {
    throw new FFError('FF_DATA', `fold assignment must use ids 0…K−1 with K ≥ 2, each fold holding some but not all rows (got K = ${k}${empty.length > 0 ? `, bad folds ${empty.join(', ')}` : ''})`);
  }
  return k;
}

function checkK(n: number, k: number): void {
  if (!Number.isInteger(k) || k < 2 || k > n) throw new FFError('FF_USAGE', `number of folds is ${k}; it must be an integer between 2 and the row count (${n})`);
}
