/**
 * Tabular data in memory, column-major, the shape every part of the MALMAS engineer shares
 * (datasets, the feature language, the evaluator). No I/O here.
 *
 * - numeric columns: Float64Array, NaN = missing;
 * - categorical columns: Int32Array codes into `levels`, -1 = missing;
 * - datetime columns: Float64Array of epoch milliseconds (UTC), NaN = missing;
 * The `kind` says how a column is meant (id-like columns are kept but not used as features).
 */

export type ColumnKind = 'numeric' | 'categorical' | 'datetime' | 'id';

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
  /**
   * Present when some non-missing cells did not parse as numbers and were read as NaN (a column is
   * numeric when ≥ 95% of its non-missing cells parse): how many, and the first one (0-based row).
   */
  readonly coerced?: CoercedCells;
}

/** Cells that were not missing but could not be read in the column's kind (they became missing). */
export interface CoercedCells {
  readonly count: number;
  /** 0-based data row of the first such cell. */
  readonly firstRow: number;
  readonly firstValue: string;
}

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  /** Index into `levels`, or -1 when missing. */
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

export interface DatetimeColumn {
  readonly kind: 'datetime';
  readonly name: string;
  /** Epoch milliseconds (UTC); NaN when missing. */
  readonly values: Float64Array;
  /** As for {@link NumericColumn.coerced}: cells that did not parse as dates. */
  readonly coerced?: CoercedCells;
}

/** Identifier-like column (unique or nearly so): kept for joins and order, never a feature by itself. */
export interface IdColumn {
  readonly kind: 'id';
  readonly name: string;
  /** The cell text (trimmed); `''` when missing. */
  readonly raw: readonly string[];
}

export type Column = NumericColumn | CategoricalColumn | DatetimeColumn | IdColumn;

export interface Table {
  readonly nRows: number;
  /** In file order; names are unique. */
  readonly columns: readonly Column[];
  /** Where the rows came from (a file path), for messages. */
  readonly source?: string;
  /** 1-based line in `source` where each row starts (quoted fields may span lines), for messages. */
  readonly rowLines?: Int32Array;
}

export function column(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function columnNames(table: Table): string[] {
  return table.columns.map((c) => c.name);
}

/** `row` (0-based) as people read it: `line 12` when the source line is known, else `row 11`. */
export function rowLabel(table: Table, row: number): string {
  const line = table.rowLines?.[row];
  return line !== undefined ? `line ${line}` : `data row ${row + 1}`;
}

/** The same table without the named columns (unknown names are ignored). */
export function dropColumns(table: Table, names: readonly string[]): Table {
  const drop = new Set(names);
  return { ...table, columns: table.columns.filter((c) => !drop.has(c.name)) };
}

/** True when row `i` of `col` is missing. */
export function isMissing(col: Column, i: number): boolean {
  switch (col.kind) {
    case 'numeric':
    case 'datetime':
      return col.values[i] !== col.values[i]; // NaN
    case 'categorical':
      return col.codes[i]! < 0;
    case 'id':
      return col.raw[i] === '';
  }
}

/**
 * The rows `idx` (0-based, in the order given, repeats allowed) of every column. Categorical levels
 * are kept whole, so codes mean the same in a subset as in the full table.
 */
export function takeRows(table: Table, idx: ArrayLike<number>): Table {
  const m = idx.length;
  for (let k = 0; k < m; k++) {
    const i = idx[k]!;
    if (!(i >= 0 && i < table.nRows && i % 1 === 0)) {
      throw new RangeError(`takeRows: row index ${i} is out of range for a table of ${table.nRows} rows`);
    }
  }
  const columns = table.columns.map((c): Column => {
    switch (c.kind) {
      case 'numeric':
      case 'datetime': {
        const values = new Float64Array(m);
        for (let k = 0; k < m; k++) values[k] = c.values[idx[k]!]!;
        return c.kind === 'numeric' ? { kind: 'numeric', name: c.name, values } : { kind: 'datetime', name: c.name, values };
      }
      case 'categorical': {
        const codes = new Int32Array(m);
        for (let k = 0; k < m; k++) codes[k] = c.codes[idx[k]!]!;
        return { kind: 'categorical', name: c.name, codes, levels: c.levels };
      }
      case 'id': {
        const raw = new Array<string>(m);
        for (let k = 0; k < m; k++) raw[k] = c.raw[idx[k]!]!;
        return { kind: 'id', name: c.name, raw };
      }
    }
  });
  const out: { nRows: number; columns: Column[]; source?: string; rowLines?: Int32Array } = { nRows: m, columns };
  if (table.source !== undefined) out.source = table.source;
  if (table.rowLines !== undefined) {
    const lines = new Int32Array(m);
    for (let k = 0; k < m; k++) lines[k] = table.rowLines[idx[k]!]!;
    out.rowLines = lines;
  }
  return out;
}
