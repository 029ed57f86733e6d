/**
 * Cross-validated scores of feature sets on the training split, with every generated column fitted
 * on each fold's training rows only. A feature's statistics (group means, frequencies, quantile
 * cuts, ranks…) are part of the model: fitted on rows that include the validation fold, they let
 * the fold shape the very column it is scored on, and CV then flatters features that do not carry
 * over to new rows (MALMAS fits them within each split). So for fold k, each generated feature is
 * fitted on the rows outside k and applied to all rows; the original columns are shared.
 *
 * The persisted features (MALMAS's base columns of later rounds) are kept three ways: fitted per
 * fold (for CV), and fitted on the whole training split (for the proposals' descriptions and the
 * held-out test score, applied to the test split).
 */
import type { Table } from './dataset/index.js';
import { compileFeature, schemaOf, type FeatureContext, type FeatureProgram, type FittedFeature } from './dsl/index.js';
import { FeatureSet, withColumn, type FeatureMeta } from './feature-set.js';
import { modelColumn, modelMatrix } from './matrix.js';
import { crossValidate, type GbdtParams, type GbdtPool } from './model/index.js';

export type Task = 'classification' | 'regression';

/** Mean CV scores: `{auc, accuracy}` (classification) or `{nrmse}`, and the per-fold gain score. */
export interface Scores {
  readonly mean: Readonly<Record<string, number>>;
  /** Per fold: AUC + accuracy, or −NRMSE (higher is better), for paired comparisons. */
  readonly perFold: readonly number[];
}

export interface EvaluatorOptions {
  /** The training split's original columns (without the target). */
  readonly train: Table;
  readonly y: Float64Array;
  readonly folds: Int32Array;
  readonly nFolds: number;
  readonly task: Task;
  readonly params: Partial<GbdtParams>;
  readonly pool: GbdtPool;
  readonly ctx: FeatureContext;
  readonly target: string;
}

export class FoldedEvaluator {
  /** The original columns as the model sees them (shared by every fold). */
  readonly base: { readonly names: string[]; readonly columns: Float64Array[] };
  private readonly foldRows: Int32Array[];
  private foldTables: Table[];
  /** The training split with the persisted features fitted on all its rows. */
  private fullTable: Table;
  private readonly persisted: string[] = [];
  /** The persisted features as model columns, per fold (built once at persist, read by every score). */
  private readonly persistedColumns: Float64Array[][];

  constructor(private readonly o: EvaluatorOptions) {
    this.base = modelMatrix(o.train);
    this.foldRows = trainingRows(o.folds, o.nFolds);
    this.foldTables = this.foldRows.map(() => o.train);
    this.persistedColumns = this.foldRows.map(() => []);
    this.fullTable = o.train;
  }

  /** The training split with every persisted feature (fitted on all of it). */
  get table(): Table {
    return this.fullTable;
  }

  get persistedNames(): readonly string[] {
    return this.persisted;
  }

  /** Scores of the original columns, the persisted features and `extra` (one column list per fold). */
  async score(extra?: ReadonlyArray<readonly Float64Array[]>): Promise<Scores> {
    return this.cv(this.o.folds, (k) => [...this.persistedColumns[k]!, ...(extra?.[k] ?? [])]);
  }

  /** A candidate's column for each fold: fitted on the fold's training rows, applied to all rows. */
  foldValues(program: FeatureProgram, name: string): Float64Array[] {
    return this.foldTables.map((t, k) => modelColumn(program.fit(t, this.foldRows[k]).apply(t, name))!);
  }

  /**
   * Makes a feature a base column for the next rounds. Returns its fit on the whole training split
   * (to apply to the test split), or undefined when it does not compile on the current columns.
   */
  persist(meta: FeatureMeta): FittedFeature | undefined {
    const compiled = compileFeature(meta.expr, schemaOf(this.fullTable), this.o.ctx);
    if (!compiled.ok) return undefined;
    const full = compiled.feature.fit(this.fullTable);
    this.fullTable = withColumn(this.fullTable, full.apply(this.fullTable, meta.name));
    this.foldTables = this.foldTables.map((t, k) => {
      const col = compiled.feature.fit(t, this.foldRows[k]).apply(t, meta.name);
      this.persistedColumns[k]!.push(modelColumn(col)!);
      return withColumn(t, col);
    });
    this.persisted.push(meta.name);
    return full;
  }

  /**
   * Scores of the original columns plus `metas` (fitted per fold, in order), on other folds than
   * the ones that accepted the features (the final selection's independent check).
   */
  async scoreSet(metas: readonly FeatureMeta[], folds: Int32Array): Promise<Scores> {
    const rows = trainingRows(folds, this.o.nFolds);
    const names = metas.map((m) => m.name);
    const perFold = rows.map((r) => {
      const t = FeatureSet.fit(this.o.train, this.o.target, metas, this.o.ctx, r).transform(this.o.train);
      return names.map((n) => modelColumn(t.columns.find((c) => c.name === n)!)!);
    });
    return this.cv(folds, (k) => perFold[k]!);
  }

  private async cv(folds: Int32Array, foldColumns: (k: number) => readonly Float64Array[]): Promise<Scores> {
    const r = await crossValidate({ columns: this.base.columns, y: this.o.y }, { params: this.o.params, folds, pool: this.o.pool, foldColumns });
    if (this.o.task === 'classification') {
      return { mean: { auc: r.mean.auc!, accuracy: r.mean.accuracy! }, perFold: r.folds.map((f) => f.metrics.auc! + f.metrics.accuracy!) };
    }
    return { mean: { nrmse: r.mean.nrmse! }, perFold: r.folds.map((f) => -f.metrics.nrmse!) };
  }
}

/** For each fold k, the rows outside it (ascending). */
function trainingRows(folds: Int32Array, k: number): Int32Array[] {
  return Array.from({ length: k }, (_, fold) => {
    const rows: number[] = [];
    for (let i = 0; i < folds.length; i++) if (folds[i] !== fold) rows.push(i);
    return Int32Array.from(rows);
  });
}
