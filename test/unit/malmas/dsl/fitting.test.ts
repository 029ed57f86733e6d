import { FFError } from '../../../../src/core/errors.js';
import type { Table } from '../../../../src/malmas/dataset/table.js';
import { compileFeature, FittedFeature, schemaOf, type FeatureContext } from '../../../../src/malmas/dsl/index.js';
import { cat, date, id, num, run, slice, table } from './tables.js';

const N = Number.NaN;
const close = (got: Array<number | string | null>, want: number[]): void => {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => (Number.isNaN(w) ? expect(got[i]).toBeNaN() : expect(got[i]).toBeCloseTo(w, 10)));
};

describe('ordered rows', () => {
  const T = table(num('v', [1, 2, null, 4, 8, 16]), cat('g', ['p', 'q', 'p', 'q', 'p', 'q']), num('t', [3, 1, 2, 6, 5, 4]));
  const ordered: FeatureContext = { ordered: true };
  const s3 = Math.sqrt(((4 - 28 / 3) ** 2 + (8 - 28 / 3) ** 2 + (16 - 28 / 3) ** 2) / 2);

  it.each<[string, number[]]>([
    ['lag(v)', [N, 1, 2, N, 4, 8]],
    ['lag(v, 2)', [N, N, 1, 2, N, 4]],
    ['lag(v, 10)', [N, N, N, N, N, N]],
    ['diff(v)', [N, 1, N, N, 4, 8]],
    ['v - lag(v)', [N, 1, N, N, 4, 8]],
    ['rolling_mean(v, 2)', [1, 1.5, 2, 4, 6, 12]],
    ['rolling_sum(v, 3)', [1, 3, 3, 6, 12, 28]],
    ['rolling_std(v, 3)', [N, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT2, 2 * Math.SQRT2, s3]],
    ['rolling_min(v, 2)', [1, 1, 2, 4, 4, 8]],
    ['rolling_max(v, 2)', [1, 2, 2, 4, 8, 16]],
    ['rolling_max(v, 1)', [1, 2, N, 4, 8, 16]],
    ['cumsum(v)', [1, 3, N, 7, 15, 31]],
    ['lag(v, 1, g)', [N, N, 1, 2, N, 4]],
    ['cumsum(v, g)', [1, 2, N, 6, 9, 22]],
    ['rolling_mean(v, 2, g)', [1, 2, 1, 3, 8, 10]],
  ])('%s in file order', (text, want) => close(run(text, T, { ctx: ordered }), want));

  it('orders by a column when the context names one', () => {
    // t puts the rows in the order 1, 2, 0, 5, 4, 3
    close(run('lag(v)', T, { ctx: { ordered: true, orderBy: 't' } }), [N, N, 2, 8, 16, 1]);
    close(run('cumsum(v)', T, { ctx: { ordered: true, orderBy: 't' } }), [3, 2, N, 31, 27, 19]);
  });

  it('rejects ordered functions when rows have no order', () => {
    const r = compileFeature('rolling_mean(v, 3)', schemaOf(T), { ordered: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('rolling_mean needs ordered rows');
  });

  it('stays linear in the window size and agrees with a direct computation', () => {
    const n = 5000;
    const xs = Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : Math.sin(i) * 100 + i));
    const big = table(num('v', xs));
    const got = run('rolling_std(v, 1000)', big, { ctx: ordered }) as number[];
    const mins = run('rolling_min(v, 1000)', big, { ctx: ordered }) as number[];
    for (const i of [0, 1, 999, 1000, 2500, 4999]) {
      const w = xs.slice(Math.max(0, i - 999), i + 1).filter((x): x is number => x !== null);
      const m = w.reduce((a, b) => a + b, 0) / w.length;
      const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / (w.length - 1));
      if (w.length < 2) expect(got[i]).toBeNaN();
      else expect(got[i]).toBeCloseTo(sd, 6);
      if (w.length === 0) expect(mins[i]).toBeNaN();
      else expect(mins[i]).toBe(Math.min(...w));
    }
  });
});

describe('fitting on training rows only', () => {
  const T = table(
    num('x', [1, 2, 3, 100, 200, 300]),
    cat('c', ['a', 'a', 'b', 'b', 'z', 'z']),
    date('d', ['2020-01-10', '2020-01-11', '2020-01-12', '2019-01-01', '2021-01-01', '2021-01-02']),
    id('t', ['A/1', 'A/1', 'B', 'C', 'C', 'C']),
  );
  const train = [0, 1, 2];

  it.each<[string, number[]]>([
    // a → 1.5, b → 3 (row 2 only), z unseen → global training mean 2
    ['group_mean(x, c)', [1.5, 1.5, 3, 3, 2, 2]],
    ['group_median(x, c)', [1.5, 1.5, 3, 3, 2, 2]],
    ['group_max(x, c)', [2, 2, 3, 3, 3, 3]],
    // b has one training value: its std falls back to the global training std (1)
    ['group_std(x, c)', [Math.SQRT1_2, Math.SQRT1_2, 1, 1, 1, 1]],
    ['group_rank(x, c)', [0.5, 1, 1, 1, 1, 1]],
    // counting statistics give 0 for unseen groups
    ['group_count(c)', [2, 2, 1, 1, 0, 0]],
    ['freq(c)', [2 / 3, 2 / 3, 1 / 3, 1 / 3, 0, 0]],
    ['freq(t)', [2 / 3, 2 / 3, 1 / 3, 0, 0, 0]],
    ['nunique(x, c)', [2, 2, 1, 1, 0, 0]],
    ['zscore(x)', [-1, 0, 1, 98, 198, 298]],
    ['minmax(x)', [0, 0.5, 1, 49.5, 99.5, 149.5]],
    ['bin(x, 4)', [0, 2, 3, 3, 3, 3]],
    ['qbin(x, 2)', [0, 0, 1, 1, 1, 1]],
    ['rank(x)', [1 / 3, 2 / 3, 1, 1, 1, 1]],
    ['rank(-x)', [1, 2 / 3, 1 / 3, 0, 0, 0]],
    ['cat_code(c)', [0, 0, 1, 1, N, N]],
    ['elapsed(d)', [0, 1, 2, -374, 357, 358]],
  ])('%s', (text, want) => close(run(text, T, { rows: train }), want));

  it('maps categories unseen in training to missing', () => {
    expect(run('c', T, { rows: train })).toEqual(['a', 'a', 'b', 'b', null, null]);
    expect(run('concat(c, t)', T, { rows: [0, 2, 4] })).toEqual(['a_A/1', 'a_A/1', 'b_B', null, 'z_C', 'z_C']);
  });

  it('fits on training rows given in any order, and on no rows at all', () => {
    close(run('group_mean(x, c)', T, { rows: [2, 1, 0] }), [1.5, 1.5, 3, 3, 2, 2]);
    close(run('zscore(x)', T, { rows: [] }), [N, N, N, N, N, N]);
    close(run('group_count(c)', T, { rows: [] }), [0, 0, 0, 0, 0, 0]);
  });

  it('gives a held-out table the same values as the same rows of the full table', () => {
    const features = ['group_mean(x, c)', 'x - group_mean(x, c)', 'zscore(log(x))', 'qbin(x, 3)', 'rank(x)', 'freq(t)', 'group_rank(x, c)',
      'elapsed(d)', 'cat_code(c)', 'concat(c, qbin(x, 2))', 'if(freq(c) > 0.5, "common", c)', 'group_mean(x, concat(c, t))'];
    const test = slice(T, 3, 6);
    for (const f of features) {
      const full = run(f, T, { rows: train });
      const held = run(f, T, { rows: train, on: test });
      expect(held).toEqual(full.slice(3));
    }
  });

  it('matches categories by label, not by code, in a table with other levels', () => {
    const other: Table = {
      nRows: 4,
      columns: [
        { kind: 'numeric', name: 'x', values: Float64Array.from([5, 6, 7, 8]) },
        { kind: 'categorical', name: 'c', codes: Int32Array.from([0, 1, 2, 9]), levels: ['new', 'b', 'a'] },
      ],
    };
    const r = compileFeature('group_mean(x, c)', new Map([['x', 'numeric'], ['c', 'categorical']]), { ordered: false });
    if (!r.ok) throw new Error(r.error);
    const fitted = r.feature.fit(T, Int32Array.from(train));
    // 'new' unseen → 2; 'b' → 3; 'a' → 1.5; a corrupt code (9) is a missing key, unseen in training → 2
    expect(Array.from((fitted.apply(other) as { values: Float64Array }).values)).toEqual([2, 3, 1.5, 2]);
    expect(run('c', T, { rows: train, on: other })).toEqual([null, 'b', 'a', null]);
  });

  it('reads infinite inputs as missing', () => {
    const t = table(num('x', [1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]));
    close(run('x + 1', t), [2, N, N]);
    close(run('isnull(x)', t), [0, 1, 1]);
  });

  it('rejects training rows outside the table and tables without the columns', () => {
    const r = compileFeature('group_mean(x, c)', schemaOf(T), { ordered: false });
    if (!r.ok) throw new Error(r.error);
    expect(() => r.feature.fit(T, Int32Array.from([0, 6]))).toThrow(FFError);
    const fitted = r.feature.fit(T);
    expect(() => fitted.apply(table(num('x', [1])))).toThrow("feature 'group_mean(x, c)': the feature reads column 'c', which this table does not have");
    expect(() => fitted.apply(table(num('x', [1]), num('c', [1])))).toThrow("column 'c' as categorical, but in this table it is numeric");
  });
});

describe('saving fitted features', () => {
  const T = table(num('x', [1, 2, null, 4, 50]), cat('c', ['a', 'b', 'a', null, 'b']), date('d', ['2020-01-01', null, '2020-03-01', '2020-01-05', '2020-02-01']));

  it.each(['group_mean(x, c) + zscore(x) * rank(x)', 'group_rank(x, c)', 'concat(c, qbin(x, 2))', 'elapsed(d) + group_std(x, c)', 'cat_code(c) + freq(c) + bin(x, 3)',
    'group_mean(x * 0 + 1, c)', 'zscore(x)', 'lag(x) + cumsum(x, c)'])('round-trips %s through JSON', (text) => {
    const ctx = text.startsWith('lag') ? { ordered: true, orderBy: 'x' } : { ordered: false };
    const r = compileFeature(text, schemaOf(T), ctx);
    if (!r.ok) throw new Error(r.error);
    const fitted = r.feature.fit(T, Int32Array.from([0, 1, 2]));
    const copy = FittedFeature.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(copy.apply(T)).toEqual(fitted.apply(T));
    expect(copy.toJSON()).toEqual(fitted.toJSON());
  });

  it('keeps missing statistics as null in JSON', () => {
    const r = compileFeature('zscore(x)', schemaOf(T), { ordered: false });
    if (!r.ok) throw new Error(r.error);
    const json = r.feature.fit(T, Int32Array.from([2])).toJSON();
    expect(json.states).toEqual([{ t: 'moments', mean: null, std: null }]);
    expect(json).toMatchObject({ format: 'feature-forge.feature/1', text: 'zscore(x)', kind: 'numeric', columns: [['x', 'numeric']] });
  });

  it('refuses malformed saved features with FFError', () => {
    const r = compileFeature('group_mean(x, c)', schemaOf(T), { ordered: false });
    if (!r.ok) throw new Error(r.error);
    const good = JSON.parse(JSON.stringify(r.feature.fit(T))) as Record<string, unknown>;
    const bad: Array<[unknown, string]> = [
      [null, 'the saved feature must be an object'],
      [{ ...good, format: 'x' }, 'format must be'],
      [{ ...good, text: 'log(' }, 'no longer compiles'],
      [{ ...good, text: 'zscore(x)' }, "state 0 is 'groups', expected 'moments'"],
      [{ ...good, states: [] }, 'has 0 fitted states, expected 1'],
      [{ ...good, states: [{ t: 'groups', keys: ['v:a'], stats: [1, 2], fallback: 0 }] }, 'keys and stats differ in length'],
      [{ ...good, states: [{ t: 'groups', keys: ['v:a'], stats: ['1'], fallback: 0 }] }, 'must be a finite number or null'],
      [{ ...good, states: [{ t: '__proto__' }] }, 'not a known state kind'],
      [{ ...good, columns: [['x', 'numeric']] }, "unknown column 'c'"],
      [{ ...good, kind: 'categorical' }, 'is categorical but compiles as numeric'],
    ];
    for (const [json, msg] of bad) {
      expect(() => FittedFeature.fromJSON(json)).toThrow(FFError);
      expect(() => FittedFeature.fromJSON(json)).toThrow(msg);
    }
  });
});
