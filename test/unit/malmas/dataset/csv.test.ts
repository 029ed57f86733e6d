import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFError } from '../../../../src/core/errors.js';
import { parseCsv, parseCsvRecords, readCsv } from '../../../../src/malmas/dataset/csv.js';
import { column } from '../../../../src/malmas/dataset/table.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/malmas');

/** The FFError thrown by `fn` (fails the test if it throws something else or nothing). */
function errorOf(fn: () => unknown): FFError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FFError);
    return err as FFError;
  }
  throw new Error('expected an FFError, but nothing was thrown');
}

describe('parseCsvRecords (RFC 4180)', () => {
  it('reads quoted fields holding the delimiter, doubled quotes and line breaks, with CRLF and a BOM', () => {
    const rec = parseCsvRecords('\ufeffid,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"x\r\ny"\r\n', 'mem.csv');
    expect(rec.header).toEqual(['id', 'text']);
    expect(rec.columns[1]).toEqual(['a, b', 'say "hi"', 'x\r\ny']);
    expect(Array.from(rec.rowLines)).toEqual([2, 3, 4]);
  });

  it('accepts LF, CRLF and lone CR line ends, with or without a final newline', () => {
    for (const text of ['a,b\n1,2\n3,4', 'a,b\r\n1,2\r\n3,4\r\n', 'a,b\r1,2\r3,4\r']) {
      const rec = parseCsvRecords(text, 'mem.csv');
      expect(rec.columns).toEqual([
        ['1', '3'],
        ['2', '4'],
      ]);
    }
  });

  it('keeps empty fields (including a trailing one) and skips blank lines', () => {
    const rec = parseCsvRecords('a,b,c\n1,,\n\n,2,3\n\n', 'mem.csv');
    expect(rec.columns).toEqual([
      ['1', ''],
      ['', '2'],
      ['', '3'],
    ]);
    expect(Array.from(rec.rowLines)).toEqual([2, 4]);
  });

  it('treats a quoted empty field on its own line as a row of a one-column file', () => {
    const rec = parseCsvRecords('a\n1\n""\n2\n', 'mem.csv');
    expect(rec.columns[0]).toEqual(['1', '', '2']);
  });

  it('trims header names and keeps cell text as written', () => {
    const rec = parseCsvRecords(' a , b\n x ,y \n', 'mem.csv');
    expect(rec.header).toEqual(['a', 'b']);
    expect(rec.columns).toEqual([[' x '], ['y ']]);
  });

  it('supports another one-character delimiter', () => {
    const rec = parseCsvRecords('a;b\n"1;5";2\n', 'mem.csv', { delimiter: ';' });
    expect(rec.columns).toEqual([['1;5'], ['2']]);
  });

  it('reads a file with CRLF, a BOM and a quoted line break, and knows each row\'s line', () => {
    const t = readCsv(join(fixtures, 'quoted-crlf.csv'));
    expect(t.nRows).toBe(5);
    expect(t.columns.map((c) => c.name)).toEqual(['id', 'text', 'n']);
    const text = column(t, 'text');
    expect(text?.kind).toBe('categorical');
    if (text?.kind !== 'categorical') return;
    expect(Array.from(text.codes, (c) => (c < 0 ? null : text.levels[c]))).toEqual(['a, b', 'say "hi"', 'line1\r\nline2', 'plain', null]);
    expect(Array.from(t.rowLines!)).toEqual([2, 3, 4, 6, 7]);
    expect(t.source).toBe(join(fixtures, 'quoted-crlf.csv'));
  });
});

describe('CSV errors name the file, the line and what to do', () => {
  it('ragged row: names the line and both field counts', () => {
    const file = join(fixtures, 'ragged.csv');
    const e = errorOf(() => readCsv(file));
    expect(e.code).toBe('FF_DATA');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${file} line 4: expected 3 fields (as in the header), found 2; every row needs one value per header column (leave missing values empty, e.g. "a,,c")`);
  });

  it('a row with too many fields hints at quoting', () => {
    expect(errorOf(() => parseCsv('a,b\n1,2\nx,y,z\n', 'mem.csv')).message).toMatch(/^mem\.csv line 3: expected 2 fields \(as in the header\), found 3; a value containing ',' must be enclosed in double quotes$/);
  });

  it('duplicate header names: names the column and both positions', () => {
    const file = join(fixtures, 'duplicate-header.csv');
    expect(errorOf(() => readCsv(file)).message).toBe(`${file}: column name 'a' appears twice in the header (columns 1 and 3); column names must be unique, rename one of them`);
  });

  it('empty header name: names its position and neighbour', () => {
    const file = join(fixtures, 'empty-header-name.csv');
    expect(errorOf(() => readCsv(file)).message).toMatch(new RegExp(`^${escape(file)}: column 2 of 3 in the header has an empty name \\(it follows 'a'\\)`));
  });

  it('empty file, and a file with only blank lines', () => {
    const file = join(fixtures, 'empty.csv');
    expect(errorOf(() => readCsv(file)).message).toBe(`${file}: the file is empty; a dataset needs a header row naming the columns, then one row per example`);
    expect(errorOf(() => parseCsv('\ufeff\n\r\n  \n', 'blank.csv')).message).toMatch(/^blank\.csv: the file is empty/);
  });

  it('a header with no rows is a valid, empty table', () => {
    const t = readCsv(join(fixtures, 'header-only.csv'));
    expect(t.nRows).toBe(0);
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('an unclosed quote names the line where it opened', () => {
    expect(errorOf(() => parseCsv('a,b\n1,2\n3,"oops\n4,5\n', 'mem.csv')).message).toMatch(/^mem\.csv line 3: a quoted field is never closed/);
  });

  it('text after a closing quote is an error, not silently merged', () => {
    expect(errorOf(() => parseCsv('a,b\n1,"x"y\n', 'mem.csv')).message).toMatch(/^mem\.csv line 2: unexpected text after the closing quote of field 2/);
  });

  it('a missing file', () => {
    const e = errorOf(() => readCsv(join(fixtures, 'no-such-file.csv')));
    expect(e.code).toBe('FF_DATA');
    expect(e.message).toMatch(/no-such-file\.csv: no such file; give the path of a CSV file with a header row$/);
  });

  it('a bad delimiter', () => {
    expect(errorOf(() => parseCsv('a\n1\n', 'mem.csv', { delimiter: '"' })).message).toMatch(/^mem\.csv: invalid CSV delimiter/);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
