/**
 * What kind of feature an expression is ("ratio", "log transform", "deviation from group mean", …),
 * read from its syntax tree. The conceptual-memory summariser turns outcomes into rules per
 * pattern ("ratios of Fare and Parch helped"), and the offline proposer prefers the patterns that
 * worked and avoids those that failed.
 */
import { columnsOf, type Expr } from '../dsl/ast.js';
import { parseFeature } from '../dsl/index.js';

export interface FeaturePattern {
  /** Short family name, e.g. `ratio`, `log transform`, `group mean`. */
  readonly family: string;
  /** Columns the expression reads, in first-use order. */
  readonly columns: readonly string[];
}

const CALL_FAMILY: Readonly<Record<string, string>> = {
  log: 'log transform', log1p: 'log transform', sqrt: 'sqrt transform', pow: 'power', exp: 'exp transform',
  abs: 'absolute value', sign: 'sign', round: 'rounding', floor: 'rounding', ceil: 'rounding', min: 'min/max', max: 'min/max',
  clip: 'clipping', isnull: 'missing flag', bin: 'equal-width bins', qbin: 'quantile bins', rank: 'rank', zscore: 'z-score',
  minmax: 'min-max scaling', group_mean: 'group mean', group_std: 'group std', group_min: 'group min/max', group_max: 'group min/max',
  group_median: 'group median', group_rank: 'group rank', group_count: 'group count', freq: 'frequency encoding', nunique: 'group nunique',
  year: 'date part', month: 'date part', day: 'date part', weekday: 'date part', hour: 'date part', dayofyear: 'date part', quarter: 'date part',
  days_since: 'elapsed time', elapsed: 'elapsed time', lag: 'lag', diff: 'difference over time', cumsum: 'cumulative sum',
  rolling_mean: 'rolling window', rolling_std: 'rolling window', rolling_sum: 'rolling window', rolling_min: 'rolling window', rolling_max: 'rolling window',
  len: 'text length', lower: 'text part', upper: 'text part', prefix: 'text part', str_split_part: 'text part', contains: 'text flag',
  concat: 'category cross', cat_code: 'category code',
};

const GROUP_STATS = new Set(['group_mean', 'group_median', 'group_min', 'group_max']);

/** undefined when the text does not parse. */
export function featurePattern(text: string): FeaturePattern | undefined {
  const p = parseFeature(text);
  if (!p.ok) return undefined;
  return { family: familyOf(p.expr), columns: columnsOf(p.expr) };
}

function familyOf(e: Expr): string {
  switch (e.type) {
    case 'num':
    case 'str':
      return 'constant';
    case 'col':
      return 'copy';
    case 'unary':
      return e.op === 'not' ? 'segment flag' : familyOf(e.arg);
    case 'call': {
      if (e.name === 'if') return isFlagValue(e.args[1]) && isFlagValue(e.args[2]) ? familyOf(e.args[0]!) : 'conditional';
      if (e.name === 'fillna') return familyOf(e.args[0]!);
      if (e.name === 'abs' && e.args[0]?.type === 'call' && e.args[0].name === 'zscore') return 'z-score';
      return CALL_FAMILY[e.name] ?? e.name;
    }
    case 'binary': {
      const groupSide = hasGroupStat(e.left) || hasGroupStat(e.right);
      switch (e.op) {
        case '/':
          return groupSide ? 'ratio to group statistic' : 'ratio';
        case '-':
          return groupSide ? 'deviation from group statistic' : 'difference';
        case '+':
          return 'sum';
        case '*':
          return isCall(e.left, 'sign') || isCall(e.right, 'sign') ? 'signed log' : 'product';
        case '^':
          return 'power';
        case '%':
          return 'modulo';
        case 'and':
        case 'or':
          return 'segment flag';
        default: {
          // Comparisons: against a z-score or a 3-sigma bound it is an outlier flag.
          const zs = hasCall(e.left, 'zscore') || hasCall(e.right, 'zscore');
          if (zs) return 'outlier flag';
          return e.right.type === 'str' || e.left.type === 'str' ? 'category flag' : 'threshold flag';
        }
      }
    }
  }
}

function isFlagValue(e: Expr | undefined): boolean {
  return e !== undefined && e.type === 'num' && (e.value === 0 || e.value === 1);
}

function isCall(e: Expr, name: string): boolean {
  return e.type === 'call' && e.name === name;
}

function hasCall(e: Expr, name: string): boolean {
  if (e.type === 'call') return e.name === name || e.args.some((a) => hasCall(a, name));
  if (e.type === 'binary') return hasCall(e.left, name) || hasCall(e.right, name);
  if (e.type === 'unary') return hasCall(e.arg, name);
  return false;
}

function hasGroupStat(e: Expr): boolean {
  return [...GROUP_STATS].some((g) => hasCall(e, g));
}
