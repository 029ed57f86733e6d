/**
 * Shared vocabulary of the gradient-boosted trees library: parameters (named and defaulted as in
 * XGBoost 1.7's `hist` tree method, so MALMAS's `XGBClassifier(max_depth=6, learning_rate=…)` maps
 * one to one), the data layout, and the parameter check.
 */
import { FFError } from '../../core/errors.js';

/** `binary`: log-loss on 0/1 labels, sigmoid link (XGBoost `binary:logistic`); `squared`: `reg:squarederror`. */
export type Objective = 'binary' | 'squared';

export interface GbdtParams {
  readonly objective: Objective;
  /** Boosting rounds (XGBoost `n_estimators`). */
  readonly nTrees: number;
  /** Depth-wise growth stops at this depth (root = depth 0). */
  readonly maxDepth: number;
  /** Shrinkage η applied to every leaf weight. */
  readonly learningRate: number;
  /** At most this many bins per feature (XGBoost `max_bin`), ≤ 65535. */
  readonly maxBins: number;
  /** Both children of a split need at least this hessian sum (XGBoost `min_child_weight`). */
  readonly minChildWeight: number;
  /** L2 regularisation λ on leaf weights (XGBoost `reg_lambda`). */
  readonly lambda: number;
  /** A split must reduce the loss by at least γ (XGBoost `gamma` / `min_split_loss`). */
  readonly gamma: number;
  /** Fraction of rows drawn (Bernoulli, per tree) for each tree; 1 = all. */
  readonly subsample: number;
  /** Fraction of features drawn per tree (XGBoost `colsample_bytree`); 1 = all. */
  readonly colsampleBytree: number;
  /**
   * Initial prediction, in the response scale (a probability for `binary`). XGBoost 1.7 uses 0.5 for
   * both objectives (margin 0 for `binary`); `'mean'` starts from the training mean of y instead.
   */
  readonly baseScore: number | 'mean';
  /** Seed for row / column subsampling (unused when both fractions are 1). */
  readonly seed: number;
}

export const DEFAULT_PARAMS: GbdtParams = Object.freeze({
  objective: 'binary',
  nTrees: 100,
  maxDepth: 6,
  learningRate: 0.1,
  maxBins: 256,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 1,
  colsampleBytree: 1,
  baseScore: 0.5,
  seed: 0,
});

/**
 * Column-major features: `columns[f][i]` is feature f of row i; `NaN` means missing.
 * `y` holds 0/1 labels for `binary`, any finite numbers for `squared`.
 */
export interface Dataset {
  readonly columns: readonly Float64Array[];
  readonly y: Float64Array;
  /** Optional names, used only in messages and importance tables. */
  readonly featureNames?: readonly string[];
}

/** Fills defaults and checks every parameter, reporting all problems at once. */
export function resolveParams(p: Partial<GbdtParams> = {}): GbdtParams {
  const r: GbdtParams = { ...DEFAULT_PARAMS, ...stripUndefined(p) };
  const bad: string[] = [];
  const check = (ok: boolean, key: keyof GbdtParams, want: string): void => {
    if (!ok) bad.push(`${key} = ${String(r[key])} (must be ${want})`);
  };
  check(r.objective === 'binary' || r.objective === 'squared', 'objective', "'binary' or 'squared'");
  check(Number.isInteger(r.nTrees) && r.nTrees >= 0, 'nTrees', 'an integer ≥ 0');
  check(Number.isInteger(r.maxDepth) && r.maxDepth >= 0 && r.maxDepth <= 30, 'maxDepth', 'an integer in [0, 30]');
  check(r.learningRate > 0 && Number.isFinite(r.learningRate), 'learningRate', 'a finite number > 0');
  check(Number.isInteger(r.maxBins) && r.maxBins >= 2 && r.maxBins <= 65535, 'maxBins', 'an integer in [2, 65535]');
  check(r.minChildWeight >= 0 && Number.isFinite(r.minChildWeight), 'minChildWeight', 'a finite number ≥ 0');
  check(r.lambda >= 0 && Number.isFinite(r.lambda), 'lambda', 'a finite number ≥ 0');
  check(r.gamma >= 0 && Number.isFinite(r.gamma), 'gamma', 'a finite number ≥ 0');
  check(r.subsample > 0 && r.subsample <= 1, 'subsample', 'in (0, 1]');
  check(r.colsampleBytree > 0 && r.colsampleBytree <= 1, 'colsampleBytree', 'in (0, 1]');
  check(
    r.baseScore === 'mean' ||
      (Number.isFinite(r.baseScore) && (r.objective !== 'binary' || (r.baseScore > 0 && r.baseScore < 1))),
    'baseScore',
    "'mean' or a finite number (a probability in (0, 1) for objective 'binary')",
  );
  check(Number.isFinite(r.seed), 'seed', 'a finite number');
  if (bad.length > 0) throw new FFError('FF_USAGE', `invalid gradient-boosting parameters: ${bad.join('; ')}`);
  return Object.freeze(r);
}

/** Checks shapes and labels; returns the row count. */
export function checkDataset(data: Dataset, objective: Objective): number {
  const n = data.y.length;
  if (data.columns.length === 0) throw new FFError('FF_DATA', 'dataset has no feature columns; give at least one');
  data.columns.forEach((c, f) => {
    const name = data.featureNames?.[f] ?? `#${f}`;
    if (c.length !== n) {
      throw new FFError('FF_DATA', `feature column ${name} has ${c.length} rows but y has ${n}; all columns must have the same length`);
    }
    // XGBoost refuses infinities too; mapping them to NaN (missing) or a large finite value is the caller's choice
    for (let i = 0; i < n; i++) {
      const v = c[i]!;
      if (v === Infinity || v === -Infinity) {
        throw new FFError('FF_DATA', `feature column ${name} row ${i} is ${v}; replace infinities with NaN (missing) or a finite value`);
      }
    }
  });
  for (let i = 0; i < n; i++) {
    const v = data.y[i]!;
    if (objective === 'binary' ? v !== 0 && v !== 1 : !Number.isFinite(v)) {
      const want = objective === 'binary' ? '0 or 1' : 'a finite number';
      throw new FFError('FF_DATA', `target y[${i}] = ${v}; objective '${objective}' needs ${want} in every row`);
    }
  }
  return n;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
