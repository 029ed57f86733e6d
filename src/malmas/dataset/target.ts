/**
 * Turns a loaded table and a target column into a MALMAS task: features (the table without the
 * target), a numeric y, and the task kind. MALMAS's classification sets are binary (ROC-AUC +
 * accuracy gains, malmas-algorithm.md §5), so classification y is 0/1 with a named positive class.
 *
 * Rules (each failure is an FFError 'FF_DATA' naming the file, the column and what would be valid):
 * - rows whose target is missing are dropped (counted in `warnings`); all missing is an error;
 * - task, when not given: classification if `positive` is given, the target is not numeric, or it
 *   has at most 2 distinct values; otherwise regression;
 * - classification: the positive label may be spelled as in the file (`>50K`, `Yes`), case-insensitively,
 *   or as a number equal to a numeric label (`1.0` for `1`). With more than 2 labels a given positive
 *   means one-vs-rest. On a numeric target, `>=7`, `>7`, `<=7` or `<7` is a threshold (the positive
 *   class is the rows that satisfy it). Default positive: `1` for {0,1} or {-1,1}, `true`, `yes`,
 *   `y` or `t` for those pairs (any case), otherwise the minority class (ties: the later label);
 * - size: at least {@link MIN_ROWS} rows with a target, and for classification at least
 *   {@link MIN_PER_CLASS} rows in each class, so that a 60/40 stratified split leaves one row of
 *   each class per fold of a 5-fold CV on the training part.
 */
import { EXIT, FFError } from '../../core/errors.js';
import { compareLevels, parseNumber } from './infer.js';
import { suggestNames } from './names.js';
import { column, columnNames, dropColumns, rowLabel, takeRows, type Column, type Table } from './table.js';

export type TaskKind = 'classification' | 'regression';

export const MIN_ROWS = 20;
export const MIN_PER_CLASS = 10;

export interface PrepareOptions {
  readonly target: string;
  readonly task?: TaskKind;
  /** The label that counts as positive (classification only); see the file header for spellings. */
  readonly positive?: string;
  /** For messages; defaults to `table.source`. */
  readonly source?: string;
}

export interface PreparedTask {
  /** The table without the target column (and without rows whose target is missing). */
  readonly features: Table;
  /** Classification: 1 = positive, 0 = negative. Regression: the target values. */
  readonly y: Float64Array;
  readonly task: TaskKind;
  readonly targetName: string;
  /** The positive label as spelled in the data (or the threshold, e.g. `>=7`). */
  readonly positive?: string;
  /** [negative, positive] labels; the negative is `not <positive>` for one-vs-rest. */
  readonly classes?: readonly [string, string];
  readonly oneVsRest?: boolean;
  /** Share of positive rows (classification). */
  readonly positiveRate?: number;
  /** Rows dropped because their target was missing. */
  readonly rowsDropped: number;
  /** How the task and the positive class were chosen, one sentence each. */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

function fail(message: string): never {
  throw new FFError('FF_DATA', message, EXIT.usage);
}

export function prepareTask(table: Table, opts: PrepareOptions): PreparedTask {
  const src = opts.source ?? table.source ?? 'the dataset';
  const name = opts.target;
  if (opts.task !== undefined && opts.task !== 'classification' && opts.task !== 'regression') {
    fail(`${src}: unknown task ${JSON.stringify(opts.task)}; valid tasks are classification (binary) and regression`);
  }
  if (table.columns.length === 0) fail(`${src}: the file is empty; it needs a header row and data rows, one of the columns being the target '${name}'`);
  const col = column(table, name);
  if (col === undefined) fail(`${src}: there is no target column '${name}'${suggestNames(name, columnNames(table))}`);
  if (table.nRows === 0) fail(`${src}: there are no data rows, only a header; target '${name}' needs at least ${MIN_ROWS} rows`);
  if (col.kind === 'datetime') fail(`${src}: target column '${name}' holds dates; the target must be a class label (classification) or a number (regression)`);
  if (table.columns.length === 1) fail(`${src}: target '${name}' is the only column, so there are no features; add feature columns`);

  const text = labelTexts(col);
  const keep: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] !== '') keep.push(i);
  const rowsDropped = table.nRows - keep.length;
  if (keep.length === 0) fail(`${src}: target column '${name}' is empty in all ${table.nRows} rows; choose a column that holds the label`);
  const warnings: string[] = [];
  const notes: string[] = [];
  if (rowsDropped > 0) warnings.push(`${src}: dropped ${rowsDropped} of ${table.nRows} rows whose target '${name}' is missing`);

  const distinct = new Set<string>();
  for (const i of keep) distinct.add(text[i]!);
  let task = opts.task;
  if (task === undefined) {
    if (opts.positive !== undefined) task = 'classification';
    else if (col.kind !== 'numeric') task = 'classification';
    else task = distinct.size <= 2 ? 'classification' : 'regression';
    notes.push(
      `task: ${task} (inferred: ${opts.positive !== undefined ? 'a positive class is given' : col.kind !== 'numeric' ? 'the target is not numeric' : `the numeric target has ${distinct.size} distinct values`})`,
    );
  }

  const base = dropColumns(table, [name]);
  const features = rowsDropped > 0 ? takeRows(base, keep) : base;
  const ctx: Ctx = { src, name, table, col, text, keep, distinct, notes, warnings };
  const out = task === 'regression' ? regression(ctx, opts) : classification(ctx, opts);
  return { features, targetName: name, task, rowsDropped, notes, warnings, ...out };
}

interface Ctx {
  readonly src: string;
  readonly name: string;
  readonly table: Table;
  readonly col: Column;
  readonly text: readonly string[];
  readonly keep: readonly number[];
  readonly distinct: ReadonlySet<string>;
  readonly notes: string[];
  readonly warnings: string[];
}

type Outcome = Pick<PreparedTask, 'y' | 'positive' | 'classes' | 'oneVsRest' | 'positiveRate'>;

/** The target's cells as text, `''` when missing. */
function labelTexts(col: Column): string[] {
  switch (col.kind) {
    case 'numeric':
    case 'datetime':
      return Array.from(col.values, (v) => (v !== v ? '' : `${v}`)); // NaN is missing
    case 'categorical':
      return Array.from(col.codes, (c) => (c < 0 ? '' : col.levels[c]!));
    case 'id':
      return col.raw.slice();
  }
}

function regression(ctx: Ctx, opts: PrepareOptions): Outcome {
  const { src, name, table, col, keep } = ctx;
  if (opts.positive !== undefined) fail(`${src}: a positive class ('${opts.positive}') was given for the regression target '${name}'; a positive class applies only to classification`);
  if (col.kind === 'numeric' && col.coerced !== undefined) {
    const c = col.coerced;
    fail(`${src}: regression target '${name}' must be numeric, but ${rowLabel(table, c.firstRow)} has '${c.firstValue}' (${c.count} non-numeric values in all); fix or empty those cells, or use a classification task`);
  }
  const y = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k]!;
    const v = col.kind === 'numeric' ? col.values[i]! : parseNumber(ctx.text[i]!);
    if (v !== v) {
      fail(`${src}: regression target '${name}' must be numeric, but ${rowLabel(table, i)} has '${ctx.text[i]}'; use a numeric column, or classification with a positive class`);
    }
    y[k] = v;
  }
  if (ctx.distinct.size < 2) fail(`${src}: regression target '${name}' has the same value ('${[...ctx.distinct][0]}') in every row; there is nothing to predict`);
  checkRows(ctx);
  let min = y[0]!;
  let max = y[0]!;
  let sum = 0;
  for (const v of y) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  ctx.notes.push(`regression target '${name}': ${y.length} rows, range ${min} to ${max}, mean ${(sum / y.length).toPrecision(6)}`);
  return { y };
}

const THRESHOLD_RE = /^(>=|<=|>|<)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$/;
const COMPLEMENT: Record<string, string> = { '>=': '<', '>': '<=', '<=': '>', '<': '>=' };
/** Pairs of labels (lower case, sorted) whose positive is obvious: [negative, positive]. */
const OBVIOUS: ReadonlyArray<readonly [string, string]> = [
  ['0', '1'],
  ['-1', '1'],
  ['false', 'true'],
  ['no', 'yes'],
  ['n', 'y'],
  ['f', 't'],
];

function classification(ctx: Ctx, opts: PrepareOptions): Outcome {
  const { src, name, text, keep, col } = ctx;
  if (col.kind === 'numeric' && col.coerced !== undefined) {
    const c = col.coerced;
    ctx.warnings.push(`${src}: ${c.count} values of target '${name}' are not numbers (e.g. '${c.firstValue}' at ${rowLabel(ctx.table, c.firstRow)}) and were dropped as missing`);
  }
  const counts = new Map<string, number>();
  for (const i of keep) counts.set(text[i]!, (counts.get(text[i]!) ?? 0) + 1);
  const labels = [...counts.keys()].sort(compareLevels);
  const listed = listLabels(labels, counts);

  const given = opts.positive;
  let positive: string;
  let negative: string;
  let oneVsRest = false;
  if (given !== undefined) {
    const match = findLabel(given, labels);
    const thr = match === undefined && col.kind === 'numeric' ? THRESHOLD_RE.exec(given.trim()) : null;
    if (thr !== null) return threshold(ctx, thr[1]!, Number(thr[2]));
    if (match === undefined) {
      fail(`${src}: positive class '${given}' is not a value of target '${name}'; its values are ${listed}` + (col.kind === 'numeric' ? `, or give a threshold such as '>=${labels[labels.length - 1]}'` : ''));
    }
    if (labels.length < 2) oneClass(ctx, labels[0]!, counts);
    positive = match;
    if (labels.length === 2) {
      negative = labels[0] === match ? labels[1]! : labels[0]!;
      ctx.notes.push(`positive class: '${positive}' (given), negative: '${negative}'`);
    } else {
      negative = `not ${match}`;
      oneVsRest = true;
      ctx.notes.push(`positive class: '${positive}' (given) against the other ${labels.length - 1} labels (one-vs-rest)`);
    }
  } else {
    if (labels.length < 2) oneClass(ctx, labels[0]!, counts);
    if (labels.length > 2) {
      fail(
        `${src}: target '${name}' has ${labels.length} classes (${listed}), but MALMAS classification is binary; ` +
          `choose a positive class (--positive <label>, e.g. --positive '${labels[labels.length - 1]}') to make it one-vs-rest` +
          (col.kind === 'numeric' ? `, give a threshold (e.g. --positive '>=${labels[labels.length - 1]}') or use --task regression` : ''),
      );
    }
    const [a, b] = labels as [string, string];
    const pair = [a.toLowerCase(), b.toLowerCase()].sort(compareLevels);
    const obvious = OBVIOUS.find(([n, p]) => pair[0] === n && pair[1] === p);
    if (obvious !== undefined) {
      positive = a.toLowerCase() === obvious[1] ? a : b;
      negative = positive === a ? b : a;
      ctx.notes.push(`positive class: '${positive}' (the labels are {${negative}, ${positive}}; pass a positive class to choose the other)`);
    } else {
      const ca = counts.get(a)!;
      const cb = counts.get(b)!;
      positive = ca < cb ? a : b;
      negative = positive === a ? b : a;
      ctx.notes.push(
        `positive class: '${positive}' (${ca === cb ? 'the classes are the same size; the later label' : 'the minority class'}: ${counts.get(positive)} of ${keep.length} rows; pass a positive class to choose '${negative}')`,
      );
    }
  }
  const y = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) y[k] = text[keep[k]!] === positive ? 1 : 0;
  return finishBinary(ctx, y, positive, negative, oneVsRest);
}

function threshold(ctx: Ctx, op: string, t: number): Outcome {
  const { col, keep } = ctx;
  if (col.kind !== 'numeric') throw new Error('unreachable: threshold on a non-numeric target');
  const y = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) {
    const v = col.values[keep[k]!]!;
    y[k] = (op === '>=' ? v >= t : op === '>' ? v > t : op === '<=' ? v <= t : v < t) ? 1 : 0;
  }
  const positive = `${op}${t}`;
  const negative = `${COMPLEMENT[op]}${t}`;
  ctx.notes.push(`positive class: ${ctx.name} ${op} ${t} (threshold), negative: ${ctx.name} ${COMPLEMENT[op]} ${t}`);
  return finishBinary(ctx, y, positive, negative, false);
}

function finishBinary(ctx: Ctx, y: Float64Array, positive: string, negative: string, oneVsRest: boolean): Outcome {
  let pos = 0;
  for (const v of y) pos += v;
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) {
    fail(`${ctx.src}: target '${ctx.name}' with positive class '${positive}' puts all ${y.length} rows in one class; choose a positive class or threshold that splits the rows`);
  }
  checkRows(ctx);
  const small = Math.min(pos, neg);
  if (small < MIN_PER_CLASS) {
    fail(
      `${ctx.src}: target '${ctx.name}' has only ${small} rows of class '${pos < neg ? positive : negative}' (of ${y.length}); ` +
        `at least ${MIN_PER_CLASS} per class are needed for a stratified 60/40 split and 5-fold CV` +
        (oneVsRest ? '; choose a more frequent positive class' : ''),
    );
  }
  return { y, positive, classes: [negative, positive], oneVsRest, positiveRate: pos / y.length };
}

function checkRows(ctx: Ctx): void {
  const n = ctx.keep.length;
  if (n < MIN_ROWS) {
    const dropped = ctx.table.nRows - n;
    fail(`${ctx.src}: only ${n} rows have a target '${ctx.name}'${dropped > 0 ? ` (${dropped} more have it missing)` : ''}; at least ${MIN_ROWS} are needed to train and test`);
  }
}

function oneClass(ctx: Ctx, label: string, counts: ReadonlyMap<string, number>): never {
  fail(`${ctx.src}: target '${ctx.name}' has a single class ('${label}' in all ${counts.get(label)} rows); a binary task needs two classes — is this the right target column?`);
}

/** The label spelled `given`: exactly, else the one label equal but for case, else numerically equal. */
function findLabel(given: string, labels: readonly string[]): string | undefined {
  const g = given.trim();
  if (labels.includes(g)) return g;
  const ci = labels.filter((l) => l.toLowerCase() === g.toLowerCase());
  if (ci.length === 1) return ci[0];
  const gv = parseNumber(g);
  if (Number.isNaN(gv)) return undefined;
  return labels.find((l) => parseNumber(l) === gv);
}

function listLabels(labels: readonly string[], counts: ReadonlyMap<string, number>): string {
  const shown = labels.slice(0, 10).map((l) => `'${l}' (${counts.get(l)} rows)`);
  return shown.join(', ') + (labels.length > 10 ? `, … (${labels.length} values in all)` : '');
}
