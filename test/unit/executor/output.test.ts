import { LineSplitter, Tail, parseMetricsLine } from '../../../src/executor/output.js';

function split(chunks: Array<Buffer | string>, maxLine?: number): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), maxLine);
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines across chunk boundaries and flushes a last line without newline', () => {
    expect(split(['a', 'b\nc', 'd\n\ne', '\nlast'])).toEqual(['ab', 'cd', '', 'e', 'last']);
  });

  it('strips \\r of \\r\\n endings', () => {
    expect(split(['x\r\ny\r', '\nz\r\n'])).toEqual(['x', 'y', 'z']);
  });

  it('does not break a UTF-8 character split between chunks', () => {
    const bytes = Buffer.from('héllo 日本\n');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(split(chunks)).toEqual(['héllo 日本']);
  });

  it('emits nothing for empty input, and no extra line after a final newline', () => {
    expect(split([])).toEqual([]);
    expect(split(['a\n'])).toEqual(['a']);
  });

  it('emits an over-long partial line instead of buffering without bound', () => {
    expect(split(['abcdef', 'gh\n'], 4)).toEqual(['abcdef', 'gh']);
  });
});

describe('Tail', () => {
  it('keeps the last n items', () => {
    const t = new Tail(2);
    for (const x of ['a', 'b', 'c']) t.push(x);
    expect(t.toString()).toBe('b\nc');
    const none = new Tail(0);
    none.push('a');
    expect(none.toString()).toBe('');
  });
});

describe('parseMetricsLine', () => {
  it.each<[string, Record<string, unknown> | undefined]>([
    ['{"loss": 0.5, "step": 1}', { loss: 0.5, step: 1 }],
    ['   {"a": {"b": [1, 2]}}  ', { a: { b: [1, 2] } }],
    ['{}', {}],
    ['{"loss": NaN, "best": Infinity, "worst": -Infinity}', { loss: NaN, best: Infinity, worst: -Infinity }],
    ['{"text": "NaN stays a string", "x": NaN}', { text: 'NaN stays a string', x: NaN }],
    ['{"q": "say \\"NaN\\"", "x": 1}', { q: 'say "NaN"', x: 1 }],
    ['[1, 2]', undefined],
    ['"string"', undefined],
    ['42', undefined],
    ['{not json}', undefined],
    ['{"a": 1} trailing', undefined],
    ['epoch 1 {"a": 1}', undefined],
    ['{"a": NaNa}', undefined],
    ['', undefined],
  ])('%s', (line, want) => {
    expect(parseMetricsLine(line)).toEqual(want);
  });
});
