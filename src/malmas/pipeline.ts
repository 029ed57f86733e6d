/**
 * MALMAS as a pipeline step, the way the seed design uses it in scikit-learn: `fit` on a training
 * table runs the rounds (its own inner train/test split and CV decide which features to keep) and
 * then refits the kept features' statistics on the whole training table; `transform` appends them
 * to any table with the same columns (a test split, new data). `save` / `load` keep the fitted
 * features as JSON: text and statistics, re-parsed and re-checked on load, never evaluated.
 *
 *   const fe = await new MalmasFeatureEngineer({ target: 'Survived', rounds: 2 }).fit(readCsv('train.csv'));
 *   const test = fe.transform(readCsv('test.csv'));
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EXIT, FFError } from '../core/errors.js';
import { prepareTask, type Table } from './dataset/index.js';
import { runEngineer, type EngineerOptions, type EngineerResult } from './engineer.js';
import { FeatureSet } from './feature-set.js';

export class MalmasFeatureEngineer {
  private fitted: FeatureSet | undefined;
  private last: EngineerResult | undefined;

  constructor(private readonly opts: EngineerOptions) {}

  /** Runs MALMAS on `table` (which holds the target) and keeps the features it chose. */
  async fit(table: Table): Promise<this> {
    const result = await runEngineer(table, this.opts);
    const prepared = prepareTask(table, { target: this.opts.target, task: result.task, ...(result.positive !== undefined ? { positive: result.positive } : {}) });
    this.fitted = FeatureSet.fit(prepared.features, this.opts.target, result.features.features.map((f) => f.meta), result.context);
    this.last = result;
    return this;
  }

  /** `table` with every kept feature appended (the target column, if present, is left as it is). */
  transform(table: Table): Table {
    return this.featureSet.transform(table);
  }

  async fitTransform(table: Table): Promise<Table> {
    return (await this.fit(table)).transform(table);
  }

  get featureSet(): FeatureSet {
    if (this.fitted === undefined) throw new FFError('FF_USAGE', 'the feature engineer is not fitted: call fit(table) first, or load saved features', EXIT.usage);
    return this.fitted;
  }

  /** The run behind `fit`: metrics, every proposal, memory, router history. */
  get result(): EngineerResult | undefined {
    return this.last;
  }

  save(path: string): void {
    writeFileSync(path, `${JSON.stringify(this.featureSet.toJSON(), null, 2)}\n`);
  }

  /** A fitted transformer from a file written by `save` (or `ff fe`'s features.json). */
  static load(path: string): MalmasFeatureEngineer {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new FFError('FF_DATA', `${path}: cannot read saved features (${(err as Error).message})`, EXIT.usage);
    }
    const set = FeatureSet.fromJSON(json, path);
    const fe = new MalmasFeatureEngineer({ target: set.target });
    fe.fitted = set;
    return fe;
  }
}
