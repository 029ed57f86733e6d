/**
 * Reading ctx.columns back (tolerant type names), the column predicates, and each agent's data rule.
 */
import {
  AGENTS,
  AGENT_KINDS,
  contextColumns,
  isDateLike,
  isIdentifier,
  isKey,
  readColumns,
  schemaOfColumns,
} from '../../../../src/malmas/agents/index.js';
import { describeColumns } from '../../../../src/malmas/dataset/index.js';
import type { Table } from '../../../../src/malmas/dataset/index.js';
import type { AgentKind } from '../../../../src/malmas/types.js';

const num = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, type: 'numerical', missing_ratio: 0, min: 0, max: 100, n_distinct: 90, ...extra });
const cat = (name: string, values: string[] = ['a', 'b', 'c']): Record<string, unknown> => ({ name, type: 'categorical', missing_ratio: 0, n_unique: values.length, values });

describe('reading column descriptions', () => {
  it('accepts MALMAS and ColumnKind type names, parses target bins, skips unnamed entries', () => {
    const cols = readColumns([
      { name: 'a', type: 'float', min: 1, max: 2, target_bin_avg: { '(5, 10]': 0.3, '[0, 5]': 0.1 } },
      { name: 'b', kind: 'categorical', values: ['x'], value_frequencies: { x: 1 } },
      { name: 'c', type: 'date', min: '2011-01-01T00:00:00.000Z', max: '2012-01-01T00:00:00.000Z' },
      { name: 'd', type: 'weird' },
      { type: 'numerical' },
    ]);
    expect(cols.map((c) => [c.name, c.type])).toEqual([
      ['a', 'numeric'],
      ['b', 'categorical'],
      ['c', 'datetime'],
      ['d', 'unknown'],
    ]);
    expect(cols[0]!.targetBins.map((b) => [b.lo, b.hi, b.mean])).toEqual([
      [0, 5, 0.1],
      [5, 10, 0.3],
    ]);
    expect(cols[2]!.minDate).toBe('2011-01-01T00:00:00.000Z');
    expect([...schemaOfColumns(cols).keys()]).toEqual(['a', 'b', 'c']);
  });

  it('contextColumns folds the name into the enriched description', () => {
    const table: Table = {
      nRows: 3,
      columns: [
        { kind: 'numeric', name: 'x', values: Float64Array.from([1, 2, 3]) },
        { kind: 'categorical', name: 'g', codes: Int32Array.from([0, 1, 0]), levels: ['p', 'q'] },
      ],
    };
    const cols = contextColumns(describeColumns(table));
    expect(cols[0]).toMatchObject({ name: 'x', type: 'numerical', min: 1, max: 3 });
    expect(cols[1]).toMatchObject({ name: 'g', type: 'categorical', n_unique: 2, values: ['p', 'q'] });
  });

  it.each([
    [num('hr', { min: 0, max: 23 }), true],
    [num('mnth', { min: 1, max: 12 }), true],
    [num('yr', { min: 0, max: 1, n_distinct: 2 }), true],
    [num('hours_per_week', { min: 1, max: 99 }), false],
    [num('months_loan_duration', { min: 4, max: 72 }), false],
    [num('Time', { min: 2, max: 98 }), false],
    [cat('month', ['may', 'jun']), true],
    [cat('day_of_week', ['mon', 'tue']), true],
    [cat('when', ['January', 'March']), true],
    [cat('colour', ['red', 'blue']), false],
  ])('isDateLike(%j) = %s', (c, expected) => {
    expect(isDateLike(readColumns([c])[0]!)).toBe(expected);
  });

  it('numeric identifiers are not features; low-cardinality numbers are keys', () => {
    const [id, code, pclass, fare] = readColumns([num('PassengerId'), num('sample_code_number', { n_distinct: 645 }), num('Pclass', { n_distinct: 3 }), num('Fare')]);
    expect([isIdentifier(id!), isIdentifier(code!), isIdentifier(pclass!), isIdentifier(fare!)]).toEqual([true, true, false, false]);
    expect([isKey(pclass!), isKey(fare!)]).toEqual([true, false]);
    const ids = readColumns([
      { name: 'PassengerId', type: 'id', examples: ['1', '2'] },
      { name: 'customerID', type: 'id', examples: ['7590-VHVEG'] },
      { name: 'row', type: 'id', examples: ['17', '18'] },
      { name: 'Name', type: 'id', examples: ['Braund, Mr. Owen Harris'] },
    ]);
    expect(ids.map(isIdentifier)).toEqual([true, true, true, false]);
  });
});

describe('data rules of the agents (router data_driven)', () => {
  const suited = (cols: Array<Record<string, unknown>>, ordered = false): AgentKind[] =>
    AGENT_KINDS.filter((k) => AGENTS[k].suits(readColumns(cols), ordered).ok);

  it.each<[string, Array<Record<string, unknown>>, boolean, AgentKind[]]>([
    ['two continuous numbers', [num('a'), num('b')], false, ['unary', 'cross', 'local_transform', 'local_pattern']],
    ['the same, ordered rows', [num('a'), num('b')], true, ['unary', 'cross', 'temporal', 'local_transform', 'local_pattern']],
    ['one number', [num('a')], false, ['unary', 'local_transform', 'local_pattern']],
    ['one categorical', [cat('g')], false, ['unary', 'local_pattern']],
    ['two categoricals', [cat('g'), cat('h')], false, ['unary', 'cross', 'aggregation', 'local_pattern']],
    ['key + number', [cat('g'), num('a')], false, ['unary', 'cross', 'aggregation', 'local_transform', 'local_pattern']],
    ['low-cardinality number + number', [num('code', { n_distinct: 4 }), num('a')], false, ['unary', 'cross', 'aggregation', 'local_transform', 'local_pattern']],
    [
      'datetime + key + number',
      [{ name: 'd', type: 'datetime', missing_ratio: 0, min: '2011-01-01T00:00:00.000Z', max: '2012-12-31T00:00:00.000Z', n_distinct: 731 }, cat('g'), num('a')],
      false,
      ['unary', 'cross', 'aggregation', 'temporal', 'local_transform', 'local_pattern'],
    ],
    ['only an identifier and a constant', [num('PassengerId'), num('k', { n_distinct: 1 })], false, []],
  ])('%s', (_label, cols, ordered, expected) => {
    expect(suited(cols, ordered)).toEqual(expected);
  });

  it('every rule gives a reason either way', () => {
    for (const k of AGENT_KINDS) {
      expect(AGENTS[k].suits(readColumns([num('a'), cat('g')])).reason.length).toBeGreaterThan(5);
      expect(AGENTS[k].suits([]).reason.length).toBeGreaterThan(5);
    }
  });
});
