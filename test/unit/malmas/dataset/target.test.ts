import { FFError } from '../../../../src/core/errors.js';
import { parseCsv } from '../../../../src/malmas/dataset/csv.js';
import { prepareTask, type PrepareOptions } from '../../../../src/malmas/dataset/target.js';
import type { Table } from '../../../../src/malmas/dataset/table.js';

/** A table `x,label` with the given labels (x = row number), parsed as from `file.csv`. */
function labelled(labels: readonly string[], file = 'file.csv'): Table {
  return parseCsv(`x,label\n${labels.map((l, i) => `${i},${l}`).join('\n')}\n`, file);
}

function rep(label: string, n: number): string[] {
  return Array.from({ length: n }, () => label);
}

function messageOf(table: Table, opts: PrepareOptions): string {
  try {
    prepareTask(table, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(FFError);
    expect((err as FFError).code).toBe('FF_DATA');
    expect((err as FFError).exitCode).toBe(2);
    return (err as FFError).message;
  }
  throw new Error('expected prepareTask to fail');
}

describe('prepareTask: binary labels in any spelling', () => {
  it.each([
    ['0/1', '0', '1', '1'],
    ['-1/1', '-1', '1', '1'],
    ['false/true', 'false', 'true', 'true'],
    ['No/Yes', 'No', 'Yes', 'Yes'],
    ['NO/yes', 'NO', 'yes', 'yes'],
    ['n/y', 'n', 'y', 'y'],
    ['F/T', 'F', 'T', 'T'],
  ])('%s: the obvious positive is chosen even when it is the majority', (_case, neg, pos, expected) => {
    const p = prepareTask(labelled([...rep(neg, 12), ...rep(pos, 30)]), { target: 'label' });
    expect(p.task).toBe('classification');
    expect(p.positive).toBe(expected);
    expect(p.classes).toEqual([neg, pos]);
    expect(p.positiveRate).toBeCloseTo(30 / 42);
    expect(p.notes.join('\n')).toContain(`positive class: '${expected}' (the labels are {${neg}, ${pos}}`);
  });

  it('other labels: the minority class, and the note says so', () => {
    const p = prepareTask(labelled([...rep('<=50K', 30), ...rep('>50K', 12)]), { target: 'label' });
    expect(p.positive).toBe('>50K');
    expect(Array.from(p.y.slice(28, 32))).toEqual([0, 0, 1, 1]);
    expect(p.notes.join('\n')).toContain("positive class: '>50K' (the minority class: 12 of 42 rows; pass a positive class to choose '<=50K')");
  });

  it('numeric labels 2/4: the minority; a given positive wins', () => {
    const t = labelled([...rep('2', 12), ...rep('4', 20)]);
    expect(prepareTask(t, { target: 'label' }).positive).toBe('2');
    const p = prepareTask(t, { target: 'label', positive: '4' });
    expect(p.positive).toBe('4');
    expect(p.classes).toEqual(['2', '4']);
    expect(p.y[0]).toBe(0);
    expect(p.y[31]).toBe(1);
  });

  it('equal classes: the later label', () => {
    expect(prepareTask(labelled([...rep('cat', 15), ...rep('dog', 15)]), { target: 'label' }).positive).toBe('dog');
  });

  it('a given positive matches case-insensitively and numerically', () => {
    const t = labelled([...rep('No', 15), ...rep('Yes', 15)]);
    expect(prepareTask(t, { target: 'label', positive: 'yes' }).positive).toBe('Yes');
    const n = labelled([...rep('0', 15), ...rep('1', 15)]);
    const p = prepareTask(n, { target: 'label', positive: '1.0' });
    expect(p.positive).toBe('1');
    expect(prepareTask(n, { target: 'label', positive: '0' }).classes).toEqual(['1', '0']);
  });

  it('more than 2 classes with a positive: one-vs-rest', () => {
    const p = prepareTask(labelled([...rep('L', 12), ...rep('B', 12), ...rep('R', 12)]), { target: 'label', positive: 'B' });
    expect(p.oneVsRest).toBe(true);
    expect(p.classes).toEqual(['not B', 'B']);
    expect(p.positiveRate).toBeCloseTo(1 / 3);
  });

  it('a threshold on a numeric target (wine quality >= 7)', () => {
    const q = [...rep('5', 14), ...rep('6', 14), ...rep('7', 10), ...rep('8', 2)];
    const p = prepareTask(labelled(q), { target: 'label', positive: '>=7' });
    expect(p.task).toBe('classification');
    expect(p.positive).toBe('>=7');
    expect(p.classes).toEqual(['<7', '>=7']);
    expect(p.positiveRate).toBeCloseTo(12 / 40);
  });

  it('drops rows with a missing target, with a warning, and keeps features aligned', () => {
    const labels = [...rep('0', 15), '', 'NA', ...rep('1', 15)];
    const p = prepareTask(labelled(labels), { target: 'label' });
    expect(p.rowsDropped).toBe(2);
    expect(p.y.length).toBe(30);
    expect(p.features.nRows).toBe(30);
    const x = p.features.columns[0]!;
    expect(x.kind === 'numeric' && x.values[15]).toBe(17);
    expect(p.features.rowLines?.[15]).toBe(19);
    expect(p.warnings).toEqual(["file.csv: dropped 2 of 32 rows whose target 'label' is missing"]);
  });
});

describe('prepareTask: task inference and regression', () => {
  const values = Array.from({ length: 30 }, (_, i) => String(1.5 * i + 0.25));

  it('numeric with many values → regression; y is the values; features exclude the target', () => {
    const p = prepareTask(labelled(values), { target: 'label' });
    expect(p.task).toBe('regression');
    expect(p.y[2]).toBe(3.25);
    expect(p.features.columns.map((c) => c.name)).toEqual(['x']);
    expect(p.notes[0]).toBe('task: regression (inferred: the numeric target has 30 distinct values)');
    expect(p.positive).toBeUndefined();
  });

  it('an explicit task wins over inference', () => {
    const t = labelled([...rep('0', 15), ...rep('1', 15)]);
    expect(prepareTask(t, { target: 'label', task: 'regression' }).task).toBe('regression');
  });

  it('non-numeric regression target: names the value and its line', () => {
    // 3 words in 33 (> 5%): the column reads as categorical, and the first word is named.
    const labels = [...values.slice(0, 10), 'abc', 'x', 'y', ...values.slice(10)];
    expect(messageOf(labelled(labels), { target: 'label', task: 'regression' })).toBe(
      "file.csv: regression target 'label' must be numeric, but line 12 has 'abc'; use a numeric column, or classification with a positive class",
    );
  });

  it('a mostly numeric regression target with a stray word: names it (the column read as numeric)', () => {
    const labels = [...values, ...values].slice(0, 40);
    labels[25] = 'n.a.';
    expect(messageOf(labelled(labels), { target: 'label' })).toMatch(/^file\.csv: regression target 'label' must be numeric, but line 27 has 'n\.a\.' \(1 non-numeric values in all\)/);
  });

  it('an unknown task is an error', () => {
    expect(messageOf(labelled(values), { target: 'label', task: 'ranking' as never })).toBe('file.csv: unknown task "ranking"; valid tasks are classification (binary) and regression');
  });

  it('a positive with regression is an error', () => {
    expect(messageOf(labelled(values), { target: 'label', task: 'regression', positive: '1' })).toMatch(/a positive class \('1'\) was given for the regression target 'label'/);
  });

  it('a constant regression target is an error', () => {
    expect(messageOf(labelled(rep('3', 25)), { target: 'label', task: 'regression' })).toMatch(/regression target 'label' has the same value \('3'\) in every row/);
  });
});

describe('prepareTask: errors name the file, the column and what would be valid', () => {
  const t = parseCsv(`PassengerId,Survived,Sex\n${Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 3 === 0 ? 1 : 0},${i % 2 ? 'male' : 'female'}`).join('\n')}\n`, 'titanic.csv');

  it('missing target column: did you mean, and the columns', () => {
    expect(messageOf(t, { target: 'survived' })).toBe("titanic.csv: there is no target column 'survived' (did you mean 'Survived'?); the columns are: PassengerId, Survived, Sex");
    expect(messageOf(t, { target: 'Survivd' })).toMatch(/\(did you mean 'Survived'\?\)/);
    expect(messageOf(t, { target: 'zzz' })).toBe("titanic.csv: there is no target column 'zzz'; the columns are: PassengerId, Survived, Sex");
  });

  it('a single class', () => {
    expect(messageOf(labelled(rep('yes', 30)), { target: 'label' })).toBe(
      "file.csv: target 'label' has a single class ('yes' in all 30 rows); a binary task needs two classes — is this the right target column?",
    );
  });

  it('more than 2 classes without a positive: lists them and suggests --positive', () => {
    const msg = messageOf(labelled([...rep('L', 12), ...rep('B', 12), ...rep('R', 12)]), { target: 'label' });
    expect(msg).toBe(
      "file.csv: target 'label' has 3 classes ('B' (12 rows), 'L' (12 rows), 'R' (12 rows)), but MALMAS classification is binary; choose a positive class (--positive <label>, e.g. --positive 'R') to make it one-vs-rest",
    );
  });

  it('a positive that is not a label: lists the labels', () => {
    expect(prepareTask(t, { target: 'Sex', positive: 'Male ' }).positive).toBe('male');
    expect(messageOf(t, { target: 'Sex', positive: 'man' })).toBe("titanic.csv: positive class 'man' is not a value of target 'Sex'; its values are 'female' (15 rows), 'male' (15 rows)");
    expect(messageOf(t, { target: 'Survived', positive: '2' })).toMatch(/positive class '2' is not a value of target 'Survived'; its values are '0' \(20 rows\), '1' \(10 rows\), or give a threshold such as '>=1'$/);
  });

  it('too few rows, and too few of a class', () => {
    expect(messageOf(labelled([...rep('0', 8), ...rep('1', 8)]), { target: 'label' })).toBe("file.csv: only 16 rows have a target 'label'; at least 20 are needed to train and test");
    expect(messageOf(labelled([...rep('0', 25), ...rep('1', 4)]), { target: 'label' })).toBe(
      "file.csv: target 'label' has only 4 rows of class '1' (of 29); at least 10 per class are needed for a stratified 60/40 split and 5-fold CV",
    );
  });

  it('a threshold that leaves one class empty', () => {
    expect(messageOf(labelled(Array.from({ length: 30 }, (_, i) => String(i))), { target: 'label', positive: '>100' })).toMatch(/with positive class '>100' puts all 30 rows in one class/);
  });

  it('all targets missing, a header without rows, an empty table', () => {
    expect(messageOf(labelled(rep('', 25)), { target: 'label' })).toBe("file.csv: target column 'label' is empty in all 25 rows; choose a column that holds the label");
    expect(messageOf(parseCsv('a,label\n', 'h.csv'), { target: 'label' })).toMatch(/^h\.csv: there are no data rows, only a header/);
    expect(messageOf({ nRows: 0, columns: [] }, { target: 'label', source: 'e.csv' })).toMatch(/^e\.csv: the file is empty/);
  });

  it('a datetime target, and a target that is the only column', () => {
    expect(messageOf(parseCsv('x,d\n1,2011-01-01\n', 'd.csv'), { target: 'd' })).toMatch(/target column 'd' holds dates/);
    expect(messageOf(parseCsv('y\n1\n0\n', 'y.csv'), { target: 'y' })).toMatch(/target 'y' is the only column, so there are no features/);
  });
});
