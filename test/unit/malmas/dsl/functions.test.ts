import { compileFeature, schemaOf } from '../../../../src/malmas/dsl/index.js';
import { cat, date, id, num, run, table } from './tables.js';

const N = Number.NaN;
const T = table(
  num('x', [1, 2, 3, 4, null, 6]),
  num('y', [2, 0, -1, 4, 5, 3]),
  cat('c', ['a', 'b', 'a', null, 'b', 'a']),
  date('d', ['2011-01-01', '2011-01-02', '2012-03-15T13:45:00Z', null, '2011-12-31', '2024-02-29']),
  id('name', ['Braund, Mr. Owen Harris', 'Cumings, Mrs. John', 'Heikkinen, Miss. Laina', '', 'Allen, Mr. William', 'Moran, Master. James']),
  cat('pclass', ['3', '1', '3', '2', '3', '1']),
);

const close = (got: Array<number | string | null>, want: number[]): void => {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => (Number.isNaN(w) ? expect(got[i]).toBeNaN() : expect(got[i]).toBeCloseTo(w, 10)));
};

describe('feature language: operators', () => {
  it.each<[string, number[]]>([
    ['x + y', [3, 2, 2, 8, N, 9]],
    ['x - y * 2', [-3, 2, 5, -4, N, 0]],
    ['x / y', [0.5, N, -3, 1, N, 2]],
    ['y % 3', [2, 0, 2, 1, 2, 0]],
    ['y % -3', [-1, 0, -1, -2, -1, 0]],
    ['y % 0', [N, N, N, N, N, N]],
    ['x ^ 2', [1, 4, 9, 16, N, 36]],
    ['-x ^ 2', [-1, -4, -9, -16, N, -36]],
    ['y ^ 0.5', [Math.SQRT2, 0, N, 2, Math.sqrt(5), Math.sqrt(3)]],
    ['x ^ 0', [1, 1, 1, 1, N, 1]],
    ['10 ^ (x * 400)', [N, N, N, N, N, N]],
    ['-y', [-2, 0, 1, -4, -5, -3]],
    ['x >= 3', [0, 0, 1, 1, N, 1]],
    ['x == y', [0, 0, 0, 1, N, 0]],
    ['x != 2', [1, 0, 1, 1, N, 1]],
    ['x > 2 and c == "a"', [0, 0, 1, N, 0, 1]],
    ['x > 2 or c == "a"', [1, 0, 1, 1, N, 1]],
    ['not (x > 2)', [1, 1, 0, 0, N, 0]],
    ['c == "a"', [1, 0, 1, N, 0, 1]],
    ['"a" != c', [0, 1, 0, N, 1, 0]],
    ['name == "Allen, Mr. William"', [0, 0, 0, N, 1, 0]],
    ['pclass == 3', [1, 0, 1, 0, 1, 0]],
    ['3 != pclass', [0, 1, 0, 1, 0, 1]],
    ['c == lower(upper(c))', [1, 1, 1, N, 1, 1]],
    ['c == pclass', [0, 0, 0, N, 0, 0]],
    ['d >= "2012-01-01"', [0, 0, 1, N, 0, 1]],
    ['d - d', [0, 0, 0, N, 0, 0]],
  ])('%s', (text, want) => close(run(text, T), want));
});

describe('feature language: row-wise functions', () => {
  it.each<[string, number[]]>([
    ['log(y)', [Math.log(2), N, N, Math.log(4), Math.log(5), Math.log(3)]],
    ['log1p(y)', [Math.log(3), 0, N, Math.log(5), Math.log(6), Math.log(4)]],
    ['sqrt(y)', [Math.SQRT2, 0, N, 2, Math.sqrt(5), Math.sqrt(3)]],
    ['abs(y)', [2, 0, 1, 4, 5, 3]],
    ['exp(y)', [Math.exp(2), 1, Math.exp(-1), Math.exp(4), Math.exp(5), Math.exp(3)]],
    ['exp(x * 1000)', [N, N, N, N, N, N]],
    ['round(x / 4)', [0, 1, 1, 1, N, 2]],
    ['round(-x / 4)', [0, -1, -1, -1, N, -2]],
    ['round(x / 3, 2)', [0.33, 0.67, 1, 1.33, N, 2]],
    ['round(x * 123, -2)', [100, 200, 400, 500, N, 700]],
    ['floor(y / 2)', [1, 0, -1, 2, 2, 1]],
    ['ceil(y / 2)', [1, 0, 0, 2, 3, 2]],
    ['sign(y)', [1, 0, -1, 1, 1, 1]],
    ['pow(y, 0.5)', [Math.SQRT2, 0, N, 2, Math.sqrt(5), Math.sqrt(3)]],
    ['min(x, y)', [1, 0, -1, 4, N, 3]],
    ['max(x, y)', [2, 2, 3, 4, N, 6]],
    ['clip(y, 0, 3)', [2, 0, 0, 3, 3, 3]],
    ['if(x > 2, x, y)', [2, 0, 3, 4, N, 6]],
    ['isnull(x)', [0, 0, 0, 0, 1, 0]],
    ['isnull(c) + isnull(d) * 10 + isnull(name) * 100', [0, 0, 0, 111, 0, 0]],
    ['fillna(x, 0)', [1, 2, 3, 4, 0, 6]],
    ['fillna(x, y * 10)', [1, 2, 3, 4, 50, 6]],
  ])('%s', (text, want) => close(run(text, T), want));

  it('builds categoricals from if() and fillna()', () => {
    expect(run('if(x > 2, "big", "small")', T)).toEqual(['small', 'small', 'big', 'big', null, 'big']);
    expect(run('if(x > 2, c, "none")', T)).toEqual(['none', 'none', 'a', null, null, 'a']);
    expect(run('fillna(c, "none")', T)).toEqual(['a', 'b', 'a', 'none', 'b', 'a']);
    expect(run('c', T)).toEqual(['a', 'b', 'a', null, 'b', 'a']);
  });
});

describe('feature language: dates', () => {
  const d2024 = (Date.UTC(2024, 1, 29) - Date.UTC(2011, 0, 1)) / 86_400_000;
  it.each<[string, number[]]>([
    ['year(d)', [2011, 2011, 2012, N, 2011, 2024]],
    ['month(d)', [1, 1, 3, N, 12, 2]],
    ['day(d)', [1, 2, 15, N, 31, 29]],
    ['weekday(d)', [5, 6, 3, N, 5, 3]],
    ['hour(d)', [0, 0, 13, N, 0, 0]],
    ['dayofyear(d)', [1, 2, 75, N, 365, 60]],
    ['quarter(d)', [1, 1, 1, N, 4, 1]],
    ['days_since(d, "2011-01-01")', [0, 1, 439 + 13.75 / 24, N, 364, d2024]],
    ['days_since(d, "2011-01-02T12:00")', [-1.5, -0.5, 437.5 + 13.75 / 24, N, 362.5, d2024 - 1.5]],
    ['elapsed(d)', [0, 1, 439 + 13.75 / 24, N, 364, d2024]],
    ['days_since(d, d)', [0, 0, 0, N, 0, 0]],
    ['year(fillna(d, "2000-06-01"))', [2011, 2011, 2012, 2000, 2011, 2024]],
  ])('%s', (text, want) => close(run(text, T), want));
});

describe('feature language: strings', () => {
  it.each<[string, Array<string | null>]>([
    ['prefix(name, 3)', ['Bra', 'Cum', 'Hei', null, 'All', 'Mor']],
    ['str_split_part(str_split_part(name, ",", 1), ".", 0)', ['Mr', 'Mrs', 'Miss', null, 'Mr', 'Master']],
    ['str_split_part(name, " ", -1)', ['Harris', 'John', 'Laina', null, 'William', 'James']],
    ['str_split_part(name, ",", 5)', [null, null, null, null, null, null]],
    ['lower(prefix(name, 1))', ['b', 'c', 'h', null, 'a', 'm']],
    ['upper(c)', ['A', 'B', 'A', null, 'B', 'A']],
    ['concat(c, pclass)', ['a_3', 'b_1', 'a_3', null, 'b_3', 'a_1']],
    ['concat(c, qbin(x, 2))', ['a_0', 'b_0', 'a_0', null, null, 'a_1']],
    ['concat(c, "x", round(y))', ['a_x_2', 'b_x_0', 'a_x_-1', null, 'b_x_5', 'a_x_3']],
  ])('%s', (text, want) => expect(run(text, T)).toEqual(want));

  it.each<[string, number[]]>([
    ['len(c)', [1, 1, 1, N, 1, 1]],
    ['len(name)', [23, 18, 22, N, 18, 20]],
    ['contains(name, "Mr.")', [1, 0, 0, N, 1, 0]],
    ['cat_code(c)', [0, 1, 0, N, 1, 0]],
    ['cat_code(pclass)', [2, 0, 2, 1, 2, 0]],
  ])('%s', (text, want) => close(run(text, T), want));

  it('gives categorical features the sorted labels seen in training as levels', () => {
    const r = compileFeature('concat(c, pclass)', schemaOf(T), { ordered: false });
    if (!r.ok) throw new Error(r.error);
    const col = r.feature.fit(T).apply(T, 'cross');
    expect(col).toEqual({ kind: 'categorical', name: 'cross', codes: Int32Array.from([1, 2, 1, -1, 3, 0]), levels: ['a_1', 'a_3', 'b_1', 'b_3'] });
    const ranked = compileFeature('str_split_part(name, " ", 1)', schemaOf(T), { ordered: false });
    if (!ranked.ok) throw new Error(ranked.error);
    expect(ranked.feature.fit(T).levels).toEqual(['Master.', 'Miss.', 'Mr.', 'Mrs.']);
  });
});

describe('feature language: whole-column transforms', () => {
  const zs = [1, 2, 3, 4, N, 6].map((v) => (v - 3.2) / Math.sqrt(3.7));
  it.each<[string, number[]]>([
    ['bin(x, 5)', [0, 1, 2, 3, N, 4]],
    ['bin(x, 2)', [0, 0, 0, 1, N, 1]],
    ['qbin(x, 4)', [0, 0, 1, 2, N, 3]],
    ['qbin(x, 2)', [0, 0, 0, 1, N, 1]],
    ['rank(x)', [0.2, 0.4, 0.6, 0.8, N, 1]],
    ['rank(round(x / 4))', [0.2, 0.6, 0.6, 0.6, N, 1]],
    ['zscore(x)', zs],
    ['minmax(x)', [0, 0.2, 0.4, 0.6, N, 1]],
    ['minmax(x * 0)', [0, 0, 0, 0, N, 0]],
    ['zscore(x * 0)', [0, 0, 0, 0, N, 0]],
  ])('%s', (text, want) => close(run(text, T), want));
});

describe('feature language: group aggregations', () => {
  const gstd = Math.sqrt(57 / 9);
  const all = Math.sqrt(3.7);
  it.each<[string, number[]]>([
    ['group_mean(x, c)', [10 / 3, 2, 10 / 3, 4, 2, 10 / 3]],
    ['x - group_mean(x, c)', [1 - 10 / 3, 0, 3 - 10 / 3, 0, N, 6 - 10 / 3]],
    ['group_std(x, c)', [gstd, all, gstd, all, all, gstd]],
    ['group_min(x, c)', [1, 2, 1, 4, 2, 1]],
    ['group_max(x, c)', [6, 2, 6, 4, 2, 6]],
    ['group_median(x, c)', [3, 2, 3, 4, 2, 3]],
    ['group_rank(x, c)', [1 / 3, 1, 2 / 3, 1, N, 1]],
    ['group_count(c)', [3, 2, 3, 1, 2, 3]],
    ['freq(c)', [0.5, 1 / 3, 0.5, 1 / 6, 1 / 3, 0.5]],
    ['nunique(x, c)', [3, 1, 3, 1, 1, 3]],
    ['nunique(pclass, c)', [2, 2, 2, 1, 2, 2]],
    ['group_mean(y, bin(x, 2))', [1 / 3, 1 / 3, 1 / 3, 3.5, 5, 3.5]],
    ['group_count(name)', [1, 1, 1, 1, 1, 1]],
    // b_3 has only a missing x in training: it falls back to the global mean 3.2
    ['group_mean(x, concat(c, pclass))', [2, 2, 2, 4, 3.2, 6]],
    ['fillna(x, group_median(x, c))', [1, 2, 3, 4, 2, 6]],
  ])('%s', (text, want) => close(run(text, T), want));
});
