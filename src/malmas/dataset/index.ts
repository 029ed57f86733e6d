/** Datasets for the MALMAS feature engineer: CSV loading, column kinds, targets, splits, descriptions. */
export {
  column,
  columnNames,
  dropColumns,
  isMissing,
  rowLabel,
  takeRows,
  type CategoricalColumn,
  type CoercedCells,
  type Column,
  type ColumnKind,
  type DatetimeColumn,
  type IdColumn,
  type NumericColumn,
  type Table,
} from './table.js';
export { parseCsv, parseCsvRecords, readCsv, type CsvOptions, type CsvRecords, type ReadCsvOptions } from './csv.js';
export {
  DATETIME_SHARE,
  DEFAULT_MISSING,
  ID_MIN_VALUES,
  ID_UNIQUE_SHARE,
  NUMERIC_SHARE,
  buildColumn,
  isIdLikeName,
  parseIsoDatetime,
  parseNumber,
  type InferOptions,
} from './infer.js';
export { MIN_PER_CLASS, MIN_ROWS, prepareTask, type PrepareOptions, type PreparedTask, type TaskKind } from './target.js';
export { DEFAULT_TEST_SIZE, splitTask, trainTestSplit, type Split, type SplitOptions, type TaskPart } from './split.js';
export {
  describeColumns,
  enrichedDescription,
  type CategoricalDescription,
  type ColumnDescription,
  type DatetimeDescription,
  type DescribeOptions,
  type IdDescription,
  type NumericDescription,
  type TargetBin,
  type ValueCount,
} from './describe.js';
export { closeNames } from './names.js';
