/**
 * The features a MALMAS run kept, as a reusable transformer (the seed design uses the engineer as
 * a scikit-learn pipeline step: fit on a training table, then transform new tables).
 *
 * A feature may read features kept before it (MALMAS persists the best ones as base columns for
 * later rounds), so the set is ordered and applied in order, each output appended as a column.
 * Saved as JSON holding each feature's text and fitted statistics; loading re-parses and re-checks
 * the text (dsl/program.ts): nothing is ever evaluated as code.
 */
import { FFError } from '../core/errors.js';
import { column, type Column, type Table } from './dataset/table.js';
import { compileFeature, FittedFeature, schemaOf, type FeatureContext } from './dsl/index.js';
import type { AgentKind } from './types.js';

export const FEATURE_SET_FORMAT = 'feature-forge/malmas-features@1';

export interface FeatureMeta {
  readonly name: string;
  readonly expr: string;
  readonly agent: AgentKind;
  /** 1-based round in which it was accepted. */
  readonly round: number;
  readonly gain: number;
  readonly logic?: string;
}

export interface FeatureSetJSON {
  readonly format: typeof FEATURE_SET_FORMAT;
  readonly target: string;
  readonly features: ReadonlyArray<{ readonly meta: FeatureMeta; readonly fitted: unknown }>;
}

export class FeatureSet {
  constructor(
    readonly target: string,
    readonly features: ReadonlyArray<{ readonly meta: FeatureMeta; readonly fitted: FittedFeature }>,
  ) {}

  get names(): string[] {
    return this.features.map((f) => f.meta.name);
  }

  /**
   * Fits `metas` in order on `rows` of `table` (all rows when absent): each feature is compiled
   * against the columns present at that point (the table's, then the features before it).
   * Throws FFError when a feature no longer compiles on this table.
   */
  static fit(table: Table, target: string, metas: readonly FeatureMeta[], ctx: FeatureContext, rows?: Int32Array): FeatureSet {
    let current = table;
    const out: Array<{ meta: FeatureMeta; fitted: FittedFeature }> = [];
    for (const meta of metas) {
      const compiled = compileFeature(meta.expr, schemaOf(current), { ...ctx, target });
      if (!compiled.ok) throw new FFError('FF_DATA', `feature '${meta.name}' (${meta.expr}) does not compile on this table: ${compiled.error}`);
      const fitted = compiled.feature.fit(current, rows);
      out.push({ meta, fitted });
      current = withColumn(current, fitted.apply(current, meta.name));
    }
    return new FeatureSet(target, out);
  }

  /** `table` with every feature appended (in order). The table must hold the columns they read. */
  transform(table: Table): Table {
    let current = table;
    for (const { meta, fitted } of this.features) {
      for (const c of fitted.program.columns) {
        if (column(current, c) === undefined) {
          throw new FFError('FF_DATA', `${table.source ?? 'the table'}: feature '${meta.name}' reads column '${c}', which the table does not have`);
        }
      }
      current = withColumn(current, fitted.apply(current, meta.name));
    }
    return current;
  }

  toJSON(): FeatureSetJSON {
    return { format: FEATURE_SET_FORMAT, target: this.target, features: this.features.map((f) => ({ meta: f.meta, fitted: f.fitted.toJSON() })) };
  }

  static fromJSON(json: unknown, source = 'the feature set'): FeatureSet {
    const j = json as Partial<FeatureSetJSON> | null;
    if (j === null || typeof j !== 'object' || j.format !== FEATURE_SET_FORMAT || !Array.isArray(j.features) || typeof j.target !== 'string') {
      throw new FFError('FF_DATA', `${source} is not a saved feature set (expected {"format": "${FEATURE_SET_FORMAT}", "target", "features": [...]})`);
    }
    return new FeatureSet(
      j.target,
      j.features.map((f, i) => {
        const meta = f?.meta;
        if (meta === undefined || typeof meta.name !== 'string' || typeof meta.expr !== 'string') {
          throw new FFError('FF_DATA', `${source}: feature ${i + 1} has no name or expression`);
        }
        return { meta, fitted: FittedFeature.fromJSON(f.fitted) };
      }),
    );
  }
}

/** `table` with `col` appended, or replacing a column of the same name. */
export function withColumn(table: Table, col: Column): Table {
  const at = table.columns.findIndex((c) => c.name === col.name);
  const columns = at >= 0 ? table.columns.map((c, i) => (i === at ? col : c)) : [...table.columns, col];
  return { ...table, columns };
}
