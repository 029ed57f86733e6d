/**
 * A compact description of the feature language for the agents' prompts (the full reference,
 * with an example for every function, is docs/feature-language.md). A test checks that every
 * function of the catalogue appears here and in the reference.
 */

export const FEATURE_LANGUAGE_CHEATSHEET = `Feature language: each feature is ONE expression over the table's columns that yields one new numeric or categorical column.
- Columns: bare names (Age, emp.var.rate) or backquoted for any other name: \`monthly charges\`, \`2nd-col\` (write \`\` for a backquote inside).
- Literals: 3, 0.5, 1e-3, "text" or 'text'. Missing values are NaN (numbers) / missing (categories); they propagate.
- Operators (loosest first): or; and; not; < <= > >= == != (no chaining); + -; * / % (floored modulo); unary -; ^ or ** (right-assoc; -x^2 = -(x^2)).
  Comparisons and logic give 1/0. Division by zero and overflow give NaN, never Infinity. Categoricals compare with == / != against "strings" or other categoricals.
- Math: log(x) (natural; x<=0 -> NaN), log1p(x), sqrt(x), abs(x), exp(x), round(x[, digits]), floor(x), ceil(x), sign(x), pow(a, b), min(a, b), max(a, b), clip(x, lo, hi).
- Logic / missing: if(cond, a, b) (a, b numeric, or categoricals/strings -> categorical), isnull(x), fillna(x, v).
- Whole-column (fitted on training rows only): bin(x, k) equal-width bins 0..k-1, qbin(x, k) quantile bins, rank(x) percentile rank 0..1, zscore(x), minmax(x).
- Group statistics by a key (categorical, id or binned numeric; fitted on training rows; unseen key -> global value, counts -> 0):
  group_mean(x, by), group_std(x, by), group_min(x, by), group_max(x, by), group_median(x, by), group_rank(x, by) (rank of x within its group),
  group_count(by), freq(col) (share of rows with that value), nunique(x, by). Combine keys with concat(a, b). Example: Fare - group_mean(Fare, Pclass).
- Dates (datetime columns, UTC): year(d), month(d), day(d), weekday(d) (Mon=0), hour(d), dayofyear(d), quarter(d), days_since(d, "2011-01-01" or other date), elapsed(d) (days since training minimum), d1 - d2 (days).
- Ordered rows only (time series): lag(x[, k[, by]]), diff(x[, k[, by]]), rolling_mean(x, w[, by]), rolling_std(x, w[, by]), rolling_sum(x, w[, by]), rolling_min(x, w[, by]), rolling_max(x, w[, by]), cumsum(x[, by]).
- Text (categorical or id columns): len(c), lower(c), upper(c), prefix(c, n), contains(c, "s"), str_split_part(c, sep, i) (0-based, negative from the end, trimmed),
  concat(a, b, ...) (categorical cross joined with "_"), cat_code(c).
  Example: str_split_part(str_split_part(Name, ",", 1), ".", 0) gives the title (Mr, Mrs, Miss).
- Not available: Python/pandas syntax, methods (df.x.mean()), assignments, several statements, the target column.`;
