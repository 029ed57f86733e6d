import { pyFloatRepr, pyJsonDumps, pyNumber, pyRepr, pyStr, pyStrRepr, pyYamlFloat } from '../../../src/executor/pyformat.js';
import type { ParamValue } from '../../../src/core/params.js';

// Expected strings checked against CPython 3.11 (`str`, `repr`, `json.dumps`).
describe('pyFloatRepr (Python repr of a float)', () => {
  it.each<[number, string]>([
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.00012345, '0.00012345'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e15, '1000000000000000.0'],
    [123456789012345.6, '123456789012345.6'],
    [0.1, '0.1'],
    [2.5, '2.5'],
    [-0.001, '-0.001'],
    [3, '3.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [1e100, '1e+100'],
    [-2.5e-300, '-2.5e-300'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.1 + 0.2, '0.30000000000000004'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%p → %s', (x, want) => {
    expect(pyFloatRepr(x)).toBe(want);
  });
});

describe('pyNumber: whole safe integers print as ints (1.0 and 1 are the same JS number)', () => {
  it.each<[number, string]>([
    [1, '1'],
    [-7, '-7'],
    [1.0, '1'],
    [-0, '0'],
    [2 ** 53 - 1, '9007199254740991'],
    [2 ** 53, '9007199254740992.0'],
    [1e16, '1e+16'],
    [0.5, '0.5'],
  ])('%p → %s', (x, want) => {
    expect(pyNumber(x)).toBe(want);
  });
});

describe('pyStrRepr (Python repr of a str)', () => {
  it.each<[string, string]>([
    ['a', "'a'"],
    ['', "''"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ['tab\tnl\ncr\r', "'tab\\tnl\\ncr\\r'"],
    ['back\\slash', "'back\\\\slash'"],
    ['\x00\x7f\x80\xa0\xad', "'\\x00\\x7f\\x80\\xa0\\xad'"],
    ['é ü 日本 😀', "'é ü 日本 😀'"],
    ['\u2028\ufeff', "'\\u2028\\ufeff'"],
  ])('%j → %s', (s, want) => {
    expect(pyStrRepr(s)).toBe(want);
  });
});

describe('pyStr (Python str of a value)', () => {
  it.each<[ParamValue, string]>([
    [true, 'True'],
    [false, 'False'],
    [null, 'None'],
    [42, '42'],
    [1e-5, '1e-05'],
    ['raw string', 'raw string'],
    ["it's", "it's"],
    [[1, 2], '[1, 2]'],
    [[], '[]'],
    [['a', true, null, 0.5], "['a', True, None, 0.5]"],
    [{ a: 1 }, "{'a': 1}"],
    [{}, '{}'],
    [{ lr: 0.001, nadam: { beta: 0.9, on: false } }, "{'lr': 0.001, 'nadam': {'beta': 0.9, 'on': False}}"],
    [{ "k'": ['x'] }, `{"k'": ['x']}`],
    [[[1, 2], [3]], '[[1, 2], [3]]'],
    [NaN, 'nan'],
  ])('%j → %s', (v, want) => {
    expect(pyStr(v)).toBe(want);
  });

  it('repr differs from str only for top-level strings', () => {
    expect(pyRepr('a')).toBe("'a'");
    expect(pyRepr(true)).toBe(pyStr(true));
  });
});

describe('pyJsonDumps (json.dumps with default options)', () => {
  it.each<[ParamValue, string]>([
    [{ a: 1, b: [1, 2] }, '{"a": 1, "b": [1, 2]}'],
    [{ lr: 1e-5, big: 1e16, x: 0.0001 }, '{"lr": 1e-05, "big": 1e+16, "x": 0.0001}'],
    [{ t: true, f: false, n: null }, '{"t": true, "f": false, "n": null}'],
    [[NaN, Infinity, -Infinity], '[NaN, Infinity, -Infinity]'],
    ['é日本', '"\\u00e9\\u65e5\\u672c"'],
    ['😀', '"\\ud83d\\ude00"'],
    ['q"b\\\n\t\b\f\x01\x7f', '"q\\"b\\\\\\n\\t\\b\\f\\u0001\\u007f"'],
    [{}, '{}'],
    [[], '[]'],
    [{ nested: { deep: { list: [{ a: 'x' }] } } }, '{"nested": {"deep": {"list": [{"a": "x"}]}}}'],
  ])('%j → %s', (v, want) => {
    expect(pyJsonDumps(v)).toBe(want);
  });
});

describe('pyYamlFloat (PyYAML float representer)', () => {
  it.each<[number, string]>([
    [1e-5, '1.0e-05'],
    [1.5e-7, '1.5e-07'],
    [1e16, '1.0e+16'],
    [0.25, '0.25'],
    [NaN, '.nan'],
    [Infinity, '.inf'],
    [-Infinity, '-.inf'],
  ])('%p → %s', (x, want) => {
    expect(pyYamlFloat(x)).toBe(want);
  });
});
