import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFError } from '../../../../src/core/errors.js';
import { readCsv } from '../../../../src/malmas/dataset/csv.js';
import { buildColumn, isIdLikeName, parseIsoDatetime, parseNumber } from '../../../../src/malmas/dataset/infer.js';
import { column, type Column } from '../../../../src/malmas/dataset/table.js';

const kindsCsv = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/malmas/kinds.csv');

function get(cols: readonly Column[], name: string): Column {
  const c = cols.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c;
}

describe('type inference (fixtures/malmas/kinds.csv, 30 rows)', () => {
  const t = readCsv(kindsCsv);

  it.each([
    ['row_id', 'id', 'id-like name, 1…30 without gaps'],
    ['PassengerId', 'id', 'camelCase Id, 5…34 without gaps'],
    ['user_id', 'numeric', 'id-like name but not consecutive'],
    ['paid', 'numeric', 'consecutive but the name is not id-like'],
    ['grade', 'numeric', 'few small integers stay numeric'],
    ['price', 'numeric', 'NA, N/A, null, ? and empty are missing'],
    ['mostly_num', 'numeric', '29 of 30 parse (≥ 95%)'],
    ['half_text', 'categorical', 'half numbers, half words'],
    ['day', 'datetime', 'ISO dates'],
    ['stamp', 'datetime', 'ISO date-times with T (one with Z)'],
    ['spaced', 'datetime', 'date-times with a space'],
    ['bad_date', 'categorical', '1 of 30 is not a real date (< 99%)'],
    ['name', 'id', 'all 30 distinct strings'],
    ['city', 'categorical', '4 values'],
    ['empty', 'numeric', 'all missing'],
  ])('%s → %s (%s)', (name, kind) => {
    expect(get(t.columns, name).kind).toBe(kind);
  });

  it('reads missing spellings as NaN and counts non-numbers it had to drop', () => {
    const price = get(t.columns, 'price');
    if (price.kind !== 'numeric') throw new Error('price should be numeric');
    expect(Array.from(price.values.slice(0, 3))).toEqual([NaN, 11.25, 12.5]);
    expect(price.values.filter(Number.isNaN).length).toBe(5);
    expect(price.coerced).toBeUndefined();
    const mostly = get(t.columns, 'mostly_num');
    if (mostly.kind !== 'numeric') throw new Error('mostly_num should be numeric');
    expect(mostly.coerced).toEqual({ count: 1, firstRow: 17, firstValue: 'abc' });
    expect(Number.isNaN(mostly.values[17]!)).toBe(true);
  });

  it('parses datetimes as UTC epoch ms', () => {
    const stamp = get(t.columns, 'stamp');
    const spaced = get(t.columns, 'spaced');
    if (stamp.kind !== 'datetime' || spaced.kind !== 'datetime') throw new Error('datetime expected');
    expect(stamp.values[1]).toBe(Date.UTC(2015, 1, 2, 1, 7, 0));
    expect(stamp.values[3]).toBe(Date.UTC(2015, 1, 4, 3, 21, 0));
    expect(spaced.values[2]).toBe(Date.UTC(2015, 1, 4, 2, 22, 26));
  });

  it('keeps id cells as trimmed text and categorical levels sorted', () => {
    const name = get(t.columns, 'name');
    if (name.kind !== 'id') throw new Error('id expected');
    expect(name.raw[3]).toBe('Lee "Kim" #3');
    const city = get(t.columns, 'city');
    if (city.kind !== 'categorical') throw new Error('categorical expected');
    expect(city.levels).toEqual(['Lille', 'Lyon', 'Nice', 'Paris']);
    expect(Array.from(city.codes.slice(0, 4))).toEqual([3, 1, 2, 0]);
  });

  it('types overrides force a kind; non-fitting cells become missing and are counted', () => {
    const o = readCsv(kindsCsv, { types: { grade: 'categorical', row_id: 'numeric', half_text: 'numeric', name: 'categorical', day: 'id' } });
    const grade = column(o, 'grade');
    expect(grade?.kind === 'categorical' && grade.levels).toEqual(['1', '2', '3']);
    expect(column(o, 'row_id')?.kind).toBe('numeric');
    const half = column(o, 'half_text');
    expect(half?.kind === 'numeric' && half.coerced).toEqual({ count: 15, firstRow: 1, firstValue: 'w1' });
    expect(column(o, 'name')?.kind).toBe('categorical');
    expect(column(o, 'day')?.kind).toBe('id');
  });

  it('an override for an unknown column or with an unknown kind is an error naming it', () => {
    let err: unknown;
    try {
      readCsv(kindsCsv, { types: { Citty: 'categorical' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FFError);
    expect((err as FFError).message).toMatch(/kinds\.csv: a type is given for column 'Citty', which is not in the header \(did you mean 'city'\?\); the columns are: row_id, /);
    expect(() => readCsv(kindsCsv, { types: { city: 'text' as never } })).toThrow(/column 'city': unknown column type "text"; valid types are numeric, categorical, datetime, id/);
  });

  it('extra missing spellings can be added', () => {
    const c = buildColumn('x', ['1', '-', '3', 'missing'], { missing: ['-', 'MISSING'] });
    expect(c.kind === 'numeric' && Array.from(c.values)).toEqual([1, NaN, 3, NaN]);
  });

  it('trims cells before reading them (UCI files pad values with a space)', () => {
    const n = buildColumn('x', [' 1', '2 ', '\t3', ' NA ']);
    expect(n.kind === 'numeric' && Array.from(n.values)).toEqual([1, 2, 3, NaN]);
    const c = buildColumn('s', [' Male', 'Male ', '\u00a0Female', 'Female']);
    expect(c.kind === 'categorical' && [c.levels, Array.from(c.codes)]).toEqual([['Female', 'Male'], [1, 1, 0, 0]]);
  });

  it('`none` and `unknown` are values, not missing (credit_g, bank_marketing)', () => {
    const c = buildColumn('x', ['none', 'a', 'none', 'unknown']);
    expect(c.kind === 'categorical' && c.levels).toEqual(['a', 'none', 'unknown']);
  });

  it('few values, all distinct, stay categorical (the id rule needs ≥ 10 values)', () => {
    expect(buildColumn('x', ['a', 'b', 'c']).kind).toBe('categorical');
    expect(buildColumn('x', Array.from({ length: 10 }, (_, i) => `v${i}`)).kind).toBe('id');
  });

  it('sorts numeric-looking category levels numerically', () => {
    const c = buildColumn('x', ['10', '9', 'b', '1', 'a'], { types: { x: 'categorical' } });
    expect(c.kind === 'categorical' && c.levels).toEqual(['1', '9', '10', 'a', 'b']);
  });
});

describe('cell parsers', () => {
  it.each([
    ['12', 12],
    ['-0.5', -0.5],
    ['+3.', 3],
    ['.25', 0.25],
    ['1e-3', 0.001],
    ['2E5', 200000],
    ['0x1A', NaN],
    ['1,000', NaN],
    ['Infinity', NaN],
    ['1e999', NaN],
    ['', NaN],
    ['12abc', NaN],
  ])('parseNumber(%j) = %p', (s, v) => {
    expect(parseNumber(s)).toBe(v);
  });

  it.each([
    ['2011-01-01', Date.UTC(2011, 0, 1)],
    ['2015-02-04 17:51:00', Date.UTC(2015, 1, 4, 17, 51)],
    ['2015-02-04T17:51', Date.UTC(2015, 1, 4, 17, 51)],
    ['2015-02-04T17:51:00.250Z', Date.UTC(2015, 1, 4, 17, 51, 0, 250)],
    ['2015-02-04T17:51:00+01:00', Date.UTC(2015, 1, 4, 16, 51)],
    ['2015/02/04', Date.UTC(2015, 1, 4)],
    ['2012-02-29', Date.UTC(2012, 1, 29)],
    ['2011-02-29', NaN],
    ['2011-13-01', NaN],
    ['2011-01-01 25:00:00', NaN],
    ['01/02/2011', NaN],
    ['2011', NaN],
  ])('parseIsoDatetime(%j)', (s, v) => {
    expect(parseIsoDatetime(s)).toBe(v);
  });

  it.each([
    ['id', true],
    ['ID', true],
    ['user_id', true],
    ['PassengerId', true],
    ['customerID', true],
    ['index', true],
    ['paid', false],
    ['isValid', false],
    ['idea', false],
  ])('isIdLikeName(%j) = %p', (name, v) => {
    expect(isIdLikeName(name)).toBe(v);
  });
});
