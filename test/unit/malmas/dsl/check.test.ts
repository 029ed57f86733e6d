import { checkFeature, compileFeature, parseFeature, schemaOf } from '../../../../src/malmas/dsl/index.js';
import { cat, compileError, date, id, num, table } from './tables.js';

const T = table(
  num('Fare', [7.25, 71.3]),
  num('Age', [22, 38]),
  cat('Sex', ['male', 'female']),
  cat('Embarked', ['S', 'C']),
  date('Joined', ['2011-01-01', '2012-01-01']),
  id('Name', ['Braund, Mr. Owen Harris', 'Cumings, Mrs. John']),
  num('emp.var.rate', [1.1, -0.1]),
);

describe('feature language checker', () => {
  it.each([
    ['Fare2 * 2', "unknown column 'Fare2' (did you mean 'Fare'?) (at position 1)"],
    ['fare', "unknown column 'fare' (did you mean 'Fare'?) (at position 1)"],
    ['Age + sex', "unknown column 'sex' (did you mean 'Sex'?) (at position 7)"],
    ['emp_var_rate', "unknown column 'emp_var_rate' (did you mean 'emp.var.rate'?) (at position 1)"],
    ['log(Zzzzzz)', "unknown column 'Zzzzzz'; columns are: Fare, Age, Sex, Embarked, Joined, Name, emp.var.rate (at position 5)"],
    ['log * 2', "unknown column 'log' ('log' is a function: call it as log(x)) (at position 1)"],
    ['logg(Fare)', "unknown function 'logg' (did you mean log()?) (at position 1)"],
    ['Fare(1)', "unknown function 'fare' ('Fare' is a column, not a function) (at position 1)"],
    ['group_mean(Sex, Fare)', 'group_mean expects (x: numeric, by: key (categorical, id or numeric)), got (categorical, numeric): x = Sex is categorical (at position 12)'],
    ['group_mean(Fare, Joined)', 'group_mean expects (x: numeric, by: key (categorical, id or numeric)), got (numeric, datetime): by = Joined is datetime (at position 18)'],
    ['clip(Fare, 0)', 'clip expects 3 arguments, as in clip(x, lo, hi), got 2 (at position 1)'],
    ['round(Fare, 1, 2)', 'round expects 1 or 2 arguments, as in round(x, [digits]), got 3 (at position 1)'],
    ['concat(Sex)', 'concat expects 2 to 8 arguments, as in concat(a, b, …), got 1 (at position 1)'],
    ['bin(Fare, Age)', 'bin: k must be an integer literal from 2 to 1000, got Age (at position 11)'],
    ['bin(Fare, 2.5)', 'bin: k must be an integer literal from 2 to 1000, got 2.5'],
    ['qbin(Fare, 100000)', 'qbin: k must be an integer literal from 2 to 1000, got 100000'],
    ['prefix(Name, 0)', 'prefix: n must be an integer literal from 1 to 100, got 0'],
    ['contains(Name, Sex)', 'contains: s must be a non-empty string literal in quotes, got Sex'],
    ['str_split_part(Name, "", 0)', 'str_split_part: sep must be a non-empty string literal in quotes, got ""'],
    ['lag(Fare, 1)', "lag needs ordered rows, but this dataset's rows have no order (lag, diff, rolling_* and cumsum are unavailable) (at position 1)"],
    ['Sex + 1', "'+' needs numeric operands, got categorical (Sex) and numeric (1); to combine categories use concat(a, b) (at position 5)"],
    ['Sex * 2', "'*' needs numeric operands, got categorical (Sex) and numeric (2); categorical values are not numbers: compare them (c == \"x\"), or use freq(c), cat_code(c), len(c)"],
    ['Joined + 1', "'+' needs numeric operands, got datetime (Joined) and numeric (1); for dates use a - b (two datetimes, in days)"],
    ['Sex < "m"', "categorical values can only be compared with == or !=, not '<'"],
    ['Sex == Fare', "'==' cannot compare categorical with numeric"],
    ['Joined > "2011-13-01"', "'>' compares a datetime with another datetime or a date like \"2011-01-01\""],
    ['days_since(Joined, "yesterday")', 'days_since expects (d: datetime, d0: datetime or "YYYY-MM-DD"), got (datetime, a string literal): d0 = "yesterday" is a string literal ("yesterday" is not a date like "2011-01-01")'],
    ['if(Fare > 10, 1, "b")', 'if(cond, a, b): a and b must be the same kind (both numeric, both categorical or strings, or both datetime), got numeric and a string literal'],
    ['fillna(Fare, "none")', "fillna(x, v): v must be of x's kind (numeric → number, categorical → \"string\", datetime → \"YYYY-MM-DD\"), got numeric and a string literal"],
    ['not Sex', "'not' needs a numeric operand, got categorical (Sex)"],
    ['Joined', 'the expression is a datetime, but a feature must be numeric or categorical: use year(d)'],
    ['Name', 'the expression is raw id text, but a feature must be numeric or categorical'],
    ['1 + 2', 'the expression uses no column, so it is a constant, not a feature'],
    ['"abc"', 'a constant string is not a feature'],
    ['concat(Sex, Joined)', 'concat joins categorical, id, numeric or string values; argument 2 (Joined) is a datetime'],
    ['year(Fare)', 'year expects (d: datetime), got (numeric): d = Fare is numeric'],
    ['lower(Fare)', 'lower expects (c: categorical or id text), got (numeric): c = Fare is numeric'],
    ['log("Fare")', 'log expects (x: numeric), got (a string literal): x = "Fare" is a string literal; "Fare" in quotes is a string: write the column as Fare'],
    ["'emp.var.rate' * 2", '"emp.var.rate" in quotes is a string: write the column as emp.var.rate'],
  ])('%s', (text, want) => {
    expect(compileError(text, T)).toContain(want);
  });

  it('lists all functions when an unknown one has no close match', () => {
    const e = compileError('frobnicate(Fare)', T);
    expect(e).toMatch(/^unknown function 'frobnicate'; functions are: log, log1p, .*group_mean.*str_split_part/);
  });

  it('accepts well-typed features and reports their kind', () => {
    const ok = (text: string, kind: string): void => {
      const p = parseFeature(text);
      if (!p.ok) throw new Error(p.error);
      expect(checkFeature(p.expr, schemaOf(T), { ordered: false })).toEqual({ ok: true, kind });
    };
    ok('Fare / Age', 'numeric');
    ok('`emp.var.rate` * 2', 'numeric');
    ok('emp.var.rate * 2', 'numeric');
    ok('Sex', 'categorical');
    ok('concat(Sex, Embarked)', 'categorical');
    ok('if(Age < 18, "child", Sex)', 'categorical');
    ok('Fare - group_mean(Fare, Sex)', 'numeric');
    ok('group_count(Name)', 'numeric');
    ok('year(Joined) - 2000', 'numeric');
    ok('Joined - Joined', 'numeric');
    ok('Sex == "male" and Age > 30', 'numeric');
  });

  it('checks the order column of ordered rows', () => {
    expect(compileFeature('lag(Fare)', schemaOf(T), { ordered: true }).ok).toBe(true);
    expect(compileFeature('lag(Fare)', schemaOf(T), { ordered: true, orderBy: 'Joined' }).ok).toBe(true);
    expect(compileError('lag(Fare)', T, { ordered: true, orderBy: 'Sex' })).toContain("lag needs ordered rows, but the order column 'Sex' is not a numeric or datetime column");
    expect(compileError('rolling_mean(Fare, 5000)', T, { ordered: true })).toContain('rolling_mean: w must be an integer literal from 1 to 1000, got 5000');
  });

  it('refuses the prediction target even when the schema lists it', () => {
    expect(compileError('Fare * 2', T, { ordered: false, target: 'Fare' })).toBe("'Fare' is the prediction target: features cannot use it (that would leak the answer) (at position 1)");
    expect(compileFeature('Age * 2', schemaOf(T), { ordered: false, target: 'Fare' }).ok).toBe(true);
  });

  it('treats names of JavaScript internals as ordinary unknown names', () => {
    for (const name of ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'this', 'globalThis', 'require', 'process']) {
      expect(compileError(name, T)).toContain(`unknown column '${name}'`);
      expect(compileError(`${name}(Fare)`, T)).toContain(`unknown function '${name.toLowerCase()}'`);
    }
  });

  it('never throws on a hand-built malformed tree', () => {
    const bad = { type: 'call', name: 'log', args: null, pos: 0 } as never;
    const r = checkFeature(bad, schemaOf(T), { ordered: false });
    expect(r.ok).toBe(false);
  });
});
