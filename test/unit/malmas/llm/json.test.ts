import { parseProposals } from '../../../../src/malmas/llm/json.js';
import { scanJson } from '../../../../src/malmas/llm/json-scan.js';
import type { FeatureProposal } from '../../../../src/malmas/types.js';
import { Rng } from '../../../../src/core/rng.js';

type Outcome = ReturnType<typeof parseProposals>;

function ok(out: Outcome): { proposals: FeatureProposal[]; warnings: string[] } {
  if ('error' in out) throw new Error(`expected proposals, got error: ${out.error}`);
  return out;
}

function names(out: Outcome): string[] {
  return ok(out).proposals.map((p) => `${p.name}=${p.expr}`);
}

const MALMAS = `[
  {"base_columns": ["SibSp", "Parch"],
   "derived_features": [
     {"name": "family_size", "type": "numerical", "transform": "sum", "logic": "people aboard together", "expr": "SibSp + Parch + 1"},
     {"name": "is_alone", "type": "categorical", "transform": "flag", "logic": "travels alone", "expr": "if(SibSp + Parch == 0, 1, 0)"}
   ]},
  {"base_columns": "Fare",
   "derived_features": [{"name": "log_fare", "type": "numerical", "transform": "log", "logic": "compress", "expr": "log1p(Fare)"}]}
]`;

describe('parseProposals: accepted shapes', () => {
  it("reads MALMAS's grouped schema, carrying base columns, type and logic", () => {
    const out = ok(parseProposals(MALMAS));
    expect(out.warnings).toEqual([]);
    expect(out.proposals).toEqual([
      { name: 'family_size', expr: 'SibSp + Parch + 1', type: 'numerical', baseColumns: ['SibSp', 'Parch'], logic: 'people aboard together' },
      { name: 'is_alone', expr: 'if(SibSp + Parch == 0, 1, 0)', type: 'categorical', baseColumns: ['SibSp', 'Parch'], logic: 'travels alone' },
      { name: 'log_fare', expr: 'log1p(Fare)', type: 'numerical', baseColumns: ['Fare'], logic: 'compress' },
    ]);
  });

  it('reads the flat form and {features: [...]}', () => {
    const flat = '[{"name": "a", "expr": "x * 2", "type": "numeric", "base_columns": ["x"], "logic": "double"}]';
    expect(ok(parseProposals(flat)).proposals).toEqual([{ name: 'a', expr: 'x * 2', type: 'numerical', baseColumns: ['x'], logic: 'double' }]);
    expect(names(parseProposals('{"features": [{"name": "a", "expr": "x"}]}'))).toEqual(['a=x']);
    // JSON mode tends to invent its own key.
    expect(names(parseProposals('{"new_features": [{"name": "b", "expr": "y"}]}'))).toEqual(['b=y']);
    // A single group or a single feature as an object.
    expect(names(parseProposals('{"base_columns": "x", "derived_features": [{"name": "c", "expr": "x"}]}'))).toEqual(['c=x']);
    expect(names(parseProposals('{"name": "d", "expr": "x + 1"}'))).toEqual(['d=x + 1']);
  });

  it('an empty list is a valid answer with no proposals', () => {
    expect(ok(parseProposals('[]'))).toEqual({ proposals: [], warnings: [] });
  });
});

// [label, answer, expected "name=expr" list, a warning that must appear (substring) or undefined]
const REPAIRS: ReadonlyArray<readonly [string, string, readonly string[], string | undefined]> = [
  ['markdown fence', '```json\n[{"name": "a", "expr": "x + 1"}]\n```', ['a=x + 1'], undefined],
  ['fence without language, prose around', 'Here you go:\n```\n[{"name": "a", "expr": "x"}]\n```\nHope it helps [1].', ['a=x'], undefined],
  ['text around the JSON, no fence', 'Sure! Based on [Age] and [Fare]:\n[{"name": "a", "expr": "Age / Fare"}]\nThese capture [ratios].', ['a=Age / Fare'], undefined],
  ['trailing commas', '[{"name": "a", "expr": "x",}, {"name": "b", "expr": "y"},]', ['a=x', 'b=y'], 'trailing commas'],
  ['single-quoted strings', "[{'name': 'a', 'expr': 'x + 1'}]", ['a=x + 1'], 'single-quoted strings'],
  ['single quotes with an apostrophe inside', "[{'name': 'a', 'expr': 'x', 'logic': 'the passenger’s fare'}]", ['a=x'], 'single-quoted strings'],
  ['smart quotes', '[{“name”: “a”, “expr”: “x * 2”}]', ['a=x * 2'], 'smart quotes'],
  ['line and block comments', '[\n// first\n{"name": "a", /* why */ "expr": "x"} # python style\n]', ['a=x'], 'comments'],
  ['unquoted keys', '[{name: "a", expr: "x"}]', ['a=x'], 'unquoted keys'],
  ['missing commas between items and members', '[{"name": "a" "expr": "x"}\n{"name": "b", "expr": "y"}]', ['a=x', 'b=y'], 'missing commas'],
  ['Python literals', '[{"name": "a", "expr": "x", "ok": True, "note": None}]', ['a=x'], 'Python literals'],
  [
    'unescaped double quotes inside an expr',
    '[{"name": "kid", "expr": "if(Age < 18, "child", Sex)", "type": "categorical"}]',
    ['kid=if(Age < 18, "child", Sex)'],
    'unescaped quotes',
  ],
  [
    'unescaped quotes around a comma inside an expr',
    '[{"name": "surname", "expr": "str_split_part(Name, ",", 0)"}, {"name": "b", "expr": "y"}]',
    ['surname=str_split_part(Name, ",", 0)', 'b=y'],
    'unescaped quotes',
  ],
  ["single quotes inside a single-quoted expr", "[{'name': 'k', 'expr': 'if(Age < 18, 'child', Sex)'}]", ["k=if(Age < 18, 'child', Sex)"], 'unescaped quotes'],
  ['a missing closing brace', '[{"name": "a", "expr": "x"}, {"name": "b", "expr": "y"]', ['a=x', 'b=y'], 'unbalanced brackets'],
  ['escaped quotes stay exact', '[{"name": "kid", "expr": "if(Age < 18, \\"child\\", \\"adult\\")"}]', ['kid=if(Age < 18, "child", "adult")'], undefined],
  ['raw line break inside a string', '[{"name": "a", "expr": "x", "logic": "two\nlines"}]', ['a=x'], 'line breaks'],
  ['truncated inside the last item', '[{"name": "a", "expr": "x"}, {"name": "b", "expr": "y"}, {"name": "c", "expr": "Fare / (Sib', ['a=x', 'b=y'], 'cut off'],
  ['truncated after a comma', '[{"name": "a", "expr": "x"},\n  ', ['a=x'], 'cut off'],
  [
    'truncated inside a MALMAS group keeps its complete features',
    '[{"base_columns": ["x"], "derived_features": [{"name": "a", "expr": "x"}, {"name": "b", "expr": "y", "logic": "unfini',
    ['a=x'],
    "dropped feature 'b'",
  ],
  ['truncated inside an unclosed fence', '```json\n[{"name": "a", "expr": "x"}, {"na', ['a=x'], 'cut off'],
  ['<think> block before the answer', '<think>maybe [x] or {y}</think>\n[{"name": "a", "expr": "x"}]', ['a=x'], undefined],
  ['BOM and non-breaking spaces', '\ufeff[\u00a0{"name": "a", "expr": "x"}]', ['a=x'], undefined],
  ['base_columns as a comma-separated string', '[{"name": "a", "expr": "x + y", "base_columns": "x, y"}]', ['a=x + y'], undefined],
  ['expression instead of expr', '[{"name": "a", "expression": "x"}]', ['a=x'], undefined],
];

describe('parseProposals: repairs', () => {
  it.each(REPAIRS)('%s', (_label, answer, expected, warning) => {
    const out = parseProposals(answer);
    expect(names(out)).toEqual(expected);
    const warnings = ok(out).warnings.join(' | ');
    if (warning === undefined) expect(warnings).toBe('');
    else expect(warnings).toContain(warning);
  });

  it('keeps base columns given as a string list', () => {
    const out = ok(parseProposals('[{"name": "a", "expr": "x + y", "base_columns": "x, y"}]'));
    expect(out.proposals[0].baseColumns).toEqual(['x', 'y']);
  });
});

describe('parseProposals: dropped items', () => {
  it('drops items without name or expr, naming them', () => {
    const out = ok(
      parseProposals('[{"name": "good", "expr": "x"}, {"name": "no_expr", "logic": "?"}, {"expr": "y * 2"}, {"logic": "nothing"}, 3, {"name": "good", "expr": "z"}]'),
    );
    expect(out.proposals.map((p) => p.name)).toEqual(['good']);
    const w = out.warnings.join('\n');
    expect(w).toContain("dropped feature 'no_expr': it has no expr");
    expect(w).toContain('it has no name (expr "y * 2")');
    expect(w).toContain('neither name nor expr');
    expect(w).toContain('not an object (3)');
    expect(w).toContain("dropped feature 'good': the name appears twice");
  });

  it('an answer whose every item lacks expr is an error (so the proposer asks again)', () => {
    const original = '[{"base_columns": "Age", "derived_features": [{"name": "age_bin", "type": "categorical", "transform": "bin", "logic": "decades"}]}]';
    const out = parseProposals(original);
    expect(out).toHaveProperty('error');
    expect((out as { error: string }).error).toContain("'age_bin'");
  });
});

describe('parseProposals: errors, never throws', () => {
  const BROKEN: ReadonlyArray<readonly [string, unknown]> = [
    ['empty', ''],
    ['whitespace', '   \n'],
    ['prose only', 'I am sorry, I cannot help with that.'],
    ['a bare string', '"just a string"'],
    ['a number array', '[1, 2, 3]'],
    ['an object without a list', '{"message": "hello"}'],
    ['garbage brackets', '[[[{{{::,,]]]'],
    ['only an opening bracket', '['],
    ['not text', 42],
    ['deep nesting', '['.repeat(5000)],
  ];
  it.each(BROKEN)('%s', (_label, answer) => {
    const out = parseProposals(answer as string);
    expect(out).toHaveProperty('error');
    expect(typeof (out as { error: string }).error).toBe('string');
  });

  it('uses a readable inner part of an unreadable answer, and says so', () => {
    const out = ok(parseProposals('[{"name": "a", "expr": "x"} @@@ {"name": "b", "expr": "y"}]'));
    expect(out.proposals.map((p) => p.name)).toEqual(['a']);
    expect(out.warnings.join(' ')).toContain('could not read the whole answer');
  });
});

describe('scanJson', () => {
  it('reads valid JSON exactly as JSON.parse does', () => {
    const docs = [
      MALMAS,
      '{"a": [1, -2.5e3, true, false, null, "x\\ny\\u00e9\\"z"], "b": {"c": ""}}',
      '["a,b", "c]d", "e}f", "g\\\\"]',
      '{"k": "v: \\"w\\", x"}',
    ];
    for (const doc of docs) {
      const r = scanJson(doc, 0);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(JSON.stringify(r.value)).toBe(JSON.stringify(JSON.parse(doc)));
        expect([...r.repairs]).toEqual([]);
        expect(r.truncated).toBe(false);
        expect(r.end).toBe(doc.length);
      }
    }
  });

  it('reports where it failed', () => {
    const r = scanJson('[1, @]', 0);
    expect(r).toMatchObject({ ok: false, at: 4 });
  });

  it('marks the containers cut off by the end of the text', () => {
    const r = scanJson('[{"a": 1}, {"b": [1, 2', 0);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.truncated).toBe(true);
      const outer = r.value as unknown[];
      expect(r.incomplete.has(outer)).toBe(true);
      expect(r.incomplete.has(outer[0] as object)).toBe(false);
      expect(r.incomplete.has(outer[1] as object)).toBe(true);
    }
  });
});

describe('parseProposals: seeded mutations never throw', () => {
  it('answers every mangled variant with proposals that have name and expr, or an error', () => {
    const rng = new Rng('json-fuzz', 1);
    const junk = ['"', "'", ',', '{', '}', '[', ']', ':', '\\', '\n', '//', '“', '`', 'True', '#'];
    let withProposals = 0;
    for (let n = 0; n < 400; n++) {
      let s = MALMAS;
      const edits = 1 + rng.int(4);
      for (let e = 0; e < edits; e++) {
        const at = rng.int(s.length);
        const op = rng.int(3);
        if (op === 0) s = s.slice(0, at);
        else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + rng.int(5));
        else s = s.slice(0, at) + junk[rng.int(junk.length)] + s.slice(at);
      }
      const out = parseProposals(s);
      if ('error' in out) expect(typeof out.error).toBe('string');
      else {
        withProposals += out.proposals.length > 0 ? 1 : 0;
        for (const p of out.proposals) {
          expect(p.name.trim()).not.toBe('');
          expect(p.expr.trim()).not.toBe('');
        }
      }
    }
    // Most single edits are repairable: the reader salvages something from many of them.
    expect(withProposals).toBeGreaterThan(100);
  });
});
