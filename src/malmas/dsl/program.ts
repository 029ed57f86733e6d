/**
 * The public face of the feature language: compile text into a {@link FeatureProgram}, fit it on
 * training rows ({@link FittedFeature}), apply it to any table with the same columns, save and load
 * it as JSON. Loading re-parses and re-checks the saved text: no tree is ever deserialised.
 */

import type { CategoricalColumn, Column, NumericColumn, Table } from '../dataset/table.js';
import { FFError } from '../../core/errors.js';
import { columnsOf, preorder, type Expr } from './ast.js';
import { typeFeature, type FeatureContext, type FeatureKind, type Schema } from './check.js';
import { evaluate, type EvalEnv } from './eval.js';
import { FITTED_FUNCTIONS, type State } from './builtins-fitted.js';
import { rowOrder } from './builtins-ordered.js';
import { FUNCTIONS, type ValueKind } from './functions.js';
import { parseFeature } from './parser.js';
import { asCategorical, labelsSeen, recode } from './values.js';
import { decodeFitted, encodeFitted, type FittedFeatureJSON } from './serialize.js';

export type CompileResult = { ok: true; feature: FeatureProgram } | { ok: false; error: string };

/** Parse + check; never throws. */
export function compileFeature(text: string, schema: Schema, ctx: FeatureContext): CompileResult {
  try {
    const parsed = parseFeature(text);
    if (!parsed.ok) return parsed;
    const typed = typeFeature(parsed.expr, schema, ctx);
    if (!typed.ok) return typed;
    return { ok: true, feature: new FeatureProgram(text, parsed.expr, typed.kind, typed.kinds, schema, ctx) };
  } catch (e) {
    return { ok: false, error: `could not compile the expression (${e instanceof Error ? e.message : String(e)})` };
  }
}

export class FeatureProgram {
  /** Columns the expression reads, in first-use order. */
  readonly columns: readonly string[];
  /** Whether the output depends on the training rows (fitted statistics, or categorical levels). */
  readonly fitted: boolean;
  /** Whether it needs ordered rows. */
  readonly ordered: boolean;
  private readonly slots = new Map<Expr, number>();

  constructor(
    readonly text: string,
    readonly expr: Expr,
    readonly kind: FeatureKind,
    private readonly kinds: ReadonlyMap<Expr, ValueKind>,
    /** Kinds of the columns it reads (and of the order column). */
    readonly schema: Schema,
    readonly ctx: FeatureContext,
  ) {
    this.columns = columnsOf(expr);
    let ordered = false;
    for (const node of preorder(expr)) {
      if (node.type !== 'call') continue;
      if (FITTED_FUNCTIONS.has(node.name)) this.slots.set(node, this.slots.size);
      if (FUNCTIONS.get(node.name)?.ordered === true) ordered = true;
    }
    this.fitted = this.slots.size > 0 || kind === 'categorical';
    this.ordered = ordered;
  }

  /** Fits every whole-column statistic on `rows` (all rows when absent) of `table`. */
  fit(table: Table, rows?: Int32Array): FittedFeature {
    const fitRows = rows ?? Int32Array.from({ length: table.nRows }, (_, i) => i);
    for (const r of fitRows) {
      if (!(r >= 0 && r < table.nRows)) throw new FFError('FF_DATA', `feature '${this.text}': training row ${r} is outside the table (0..${table.nRows - 1})`);
    }
    const states: Array<State | undefined> = new Array(this.slots.size).fill(undefined);
    const val = this.run(table, states, fitRows);
    const levels = this.kind === 'categorical' ? labelsSeen(asCategorical(val, table.nRows), fitRows) : undefined;
    return new FittedFeature(this, states as State[], levels);
  }

  /** @internal Evaluates on `table`; fits states first when `fitRows` is given. */
  run(table: Table, states: Array<State | undefined>, fitRows: Int32Array | null): ReturnType<typeof evaluate> {
    let order: Int32Array | undefined;
    const columns = new Map<string, Column>(table.columns.map((c) => [c.name, c]));
    const env: EvalEnv = {
      n: table.nRows,
      columns,
      kinds: this.kinds,
      slots: this.slots,
      states,
      fitRows,
      order: () => (order ??= this.orderOf(table, columns)),
      read: new Map(),
    };
    try {
      return evaluate(this.expr, env);
    } catch (e) {
      if (e instanceof FFError) throw new FFError(e.code, `feature '${this.text}': ${e.message}`);
      throw new FFError('FF_INTERNAL', `feature '${this.text}': evaluation failed (${e instanceof Error ? e.message : String(e)})`);
    }
  }

  private orderOf(table: Table, columns: ReadonlyMap<string, Column>): Int32Array {
    const by = this.ctx.orderBy;
    if (by === undefined) return rowOrder(table.nRows, undefined);
    const c = columns.get(by);
    if (c === undefined || (c.kind !== 'numeric' && c.kind !== 'datetime')) {
      throw new FFError('FF_DATA', `the order column '${by}' is not a numeric or datetime column of this table`);
    }
    return rowOrder(table.nRows, c.values);
  }
}

export class FittedFeature {
  readonly kind: FeatureKind;

  constructor(
    readonly program: FeatureProgram,
    /** One state per fitted call, in pre-order. */
    readonly states: readonly State[],
    /** Categorical output: the labels seen in training, in sorted order (codes index into them). */
    readonly levels: readonly string[] | undefined,
  ) {
    this.kind = program.kind;
  }

  /** The feature over every row of `table` (which must have the columns the feature reads). */
  apply(table: Table, name: string = this.program.text): NumericColumn | CategoricalColumn {
    const val = this.program.run(table, [...this.states], null);
    if (this.kind === 'numeric') {
      if (val.k !== 'numeric') throw new FFError('FF_INTERNAL', `feature '${this.program.text}': expected a numeric result, got ${val.k}`);
      return { kind: 'numeric', name, values: val.v };
    }
    const levels = this.levels ?? [];
    return { kind: 'categorical', name, codes: recode(asCategorical(val, table.nRows), levels), levels };
  }

  toJSON(): FittedFeatureJSON {
    return encodeFitted(this);
  }

  /** Loads a saved feature: re-parses and re-checks its text, validates its states. Throws FFError. */
  static fromJSON(json: unknown): FittedFeature {
    const d = decodeFitted(json);
    const compiled = compileFeature(d.text, d.schema, d.ctx);
    if (!compiled.ok) throw new FFError('FF_DATA', `saved feature '${d.text}' no longer compiles: ${compiled.error}`);
    const program = compiled.feature;
    const fittedCalls = preorder(program.expr).filter((e) => e.type === 'call' && FITTED_FUNCTIONS.has(e.name));
    if (fittedCalls.length !== d.states.length) {
      throw new FFError('FF_DATA', `saved feature '${d.text}' has ${d.states.length} fitted states, expected ${fittedCalls.length}`);
    }
    fittedCalls.forEach((call, i) => {
      const want = call.type === 'call' ? FITTED_FUNCTIONS.get(call.name)!.t : undefined;
      if (d.states[i]!.t !== want) throw new FFError('FF_DATA', `saved feature '${d.text}': state ${i} is '${d.states[i]!.t}', expected '${want}'`);
    });
    if (program.kind !== d.kind) throw new FFError('FF_DATA', `saved feature '${d.text}' is ${d.kind} but compiles as ${program.kind}`);
    if (program.kind === 'categorical' && d.levels === undefined) throw new FFError('FF_DATA', `saved feature '${d.text}' has no levels`);
    return new FittedFeature(program, d.states, program.kind === 'categorical' ? d.levels : undefined);
  }
}
