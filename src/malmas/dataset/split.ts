/**
 * Train/test splitting. MALMAS splits with scikit-learn `train_test_split(test_size=0.4,
 * random_state=seed)` (malmas-algorithm.md §1, §5): the test share is `ceil(testSize · n)` rows, as
 * in scikit-learn. The original does not stratify; here stratification is an option (on by default
 * for classification in {@link splitTask}) so that small or imbalanced sets keep their class ratio.
 * Stratified allocation: each class gets `floor(nTest · n_c / n)` test rows, and the rows left over
 * go to the classes with the largest remainders (ties: the smaller class value) — scikit-learn's
 * StratifiedShuffleSplit does the same up to its random tie-breaking.
 *
 * Index arrays are returned sorted ascending, so subsets keep file order (time order for temporal
 * data); which rows land where is decided by a seeded {@link Rng}.
 */
import { EXIT, FFError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { PreparedTask } from './target.js';
import { takeRows, type Table } from './table.js';

export const DEFAULT_TEST_SIZE = 0.4;

export interface SplitOptions {
  /** Share of rows in the test part, in (0, 1); default 0.4 (MALMAS). */
  readonly testSize?: number;
  readonly seed: number;
  /** Keep the share of each distinct `y` value in both parts; default false. */
  readonly stratify?: boolean;
}

export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export function trainTestSplit(n: number, y: ArrayLike<number> | undefined, opts: SplitOptions): Split {
  const testSize = opts.testSize ?? DEFAULT_TEST_SIZE;
  if (!(testSize > 0 && testSize < 1)) {
    throw new FFError('FF_DATA', `test size ${testSize} is out of range; it is the share of rows held out for testing, between 0 and 1 exclusive (MALMAS uses 0.4)`, EXIT.usage);
  }
  const nTest = Math.ceil(testSize * n);
  if (nTest < 1 || n - nTest < 1) {
    throw new FFError('FF_DATA', `cannot split ${n} rows with test size ${testSize}: both parts need at least one row`, EXIT.usage);
  }
  const rng = new Rng(opts.seed, 'malmas/train-test-split');
  const isTest = new Uint8Array(n);
  if (opts.stratify === true) {
    if (y === undefined || y.length !== n) {
      throw new FFError('FF_INTERNAL', `stratified split needs one label per row (${n} rows, ${y === undefined ? 'no labels' : `${y.length} labels`})`);
    }
    for (const group of stratifiedTestRows(n, y, nTest)) {
      const rows = rng.shuffle(group.rows);
      for (let k = 0; k < group.nTest; k++) isTest[rows[k]!] = 1;
    }
  } else {
    const rows = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let k = 0; k < nTest; k++) isTest[rows[k]!] = 1;
  }
  const train = new Int32Array(n - nTest);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i] === 1) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}

interface Stratum {
  readonly rows: number[];
  nTest: number;
}

/** Rows per class (ascending class value) and how many of each go to the test part. */
function stratifiedTestRows(n: number, y: ArrayLike<number>, nTest: number): Stratum[] {
  const byValue = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    let rows = byValue.get(v);
    if (rows === undefined) byValue.set(v, (rows = []));
    rows.push(i);
  }
  const strata: Stratum[] = [...byValue.entries()].sort((p, q) => p[0] - q[0]).map(([, rows]) => ({ rows, nTest: 0 }));
  const exact = strata.map((s) => (nTest * s.rows.length) / n);
  let given = 0;
  strata.forEach((s, k) => {
    s.nTest = Math.floor(exact[k]!);
    given += s.nTest;
  });
  const order = strata.map((_, k) => k).sort((p, q) => exact[q]! - Math.floor(exact[q]!) - (exact[p]! - Math.floor(exact[p]!)) || p - q);
  for (let r = 0; given < nTest; r = (r + 1) % order.length) {
    const s = strata[order[r]!]!;
    if (s.nTest < s.rows.length) {
      s.nTest++;
      given++;
    }
  }
  return strata;
}

export interface TaskPart {
  readonly features: Table;
  readonly y: Float64Array;
  /** Row indices into the prepared task's rows. */
  readonly rows: Int32Array;
}

/** Splits a prepared task; stratified by class for classification unless `stratify` says otherwise. */
export function splitTask(task: PreparedTask, opts: SplitOptions): { train: TaskPart; test: TaskPart } {
  const stratify = opts.stratify ?? task.task === 'classification';
  const { train, test } = trainTestSplit(task.y.length, task.y, { ...opts, stratify });
  const part = (rows: Int32Array): TaskPart => ({ features: takeRows(task.features, rows), y: Float64Array.from(rows, (i) => task.y[i]!), rows });
  return { train: part(train), test: part(test) };
}
