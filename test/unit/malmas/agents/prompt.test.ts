/**
 * The agents' prompts: focus, output format and cheatsheet in the system prompt; descriptions,
 * valid/invalid lists, failures, importance (second half of the rounds only) and feedback in the
 * user prompt; conceptual memory only when present; bounded size on a 200-column table.
 */
import { AGENTS, AGENT_KINDS, PROMPT_LIMITS, agentKindOf, buildPrompt } from '../../../../src/malmas/agents/index.js';
import { FEATURE_LANGUAGE_CHEATSHEET } from '../../../../src/malmas/dsl/index.js';
import type { AgentKind, ProposalContext } from '../../../../src/malmas/types.js';

const COLUMNS: Array<Record<string, unknown>> = [
  { name: 'Age', type: 'numerical', missing_ratio: 0.2, min: 0.42, max: 80, mean: 29.7, std: 14.5, skewness: 0.39, kurtosis: 0.18, n_distinct: 88, target_bin_avg: { '[0.42, 14]': 0.58, '(14, 80]': 0.36 } },
  { name: 'Fare', type: 'numerical', missing_ratio: 0, min: 0, max: 512, mean: 32.2, std: 49.7, skewness: 4.8, kurtosis: 33, n_distinct: 248 },
  { name: 'Sex', type: 'categorical', missing_ratio: 0, n_unique: 2, values: ['male', 'female'], value_frequencies: { male: 0.65, female: 0.35 }, target_bin_avg: { male: 0.19, female: 0.74 } },
  { name: 'Name', type: 'id', missing_ratio: 0, n_unique: 891, examples: ['Braund, Mr. Owen Harris'] },
];

function ctx(agent: AgentKind, extra: Partial<ProposalContext> = {}): ProposalContext {
  return {
    agent,
    round: 0,
    nRounds: 4,
    task: 'classification',
    taskDescription: 'who survived the Titanic',
    columns: COLUMNS,
    ordered: false,
    valid: [],
    invalid: [],
    failures: [],
    feedback: [],
    temperature: 1,
    seed: 0,
    ...extra,
  };
}

describe('agent prompts', () => {
  it.each(AGENT_KINDS.map((k) => [k]))('%s: system has role, focus, requirements, cheatsheet and the exact JSON format', (kind) => {
    const { system, user } = buildPrompt(ctx(kind));
    const spec = AGENTS[kind];
    expect(system).toContain(spec.title);
    expect(system).toContain(spec.focus);
    for (const r of spec.requirements) expect(system).toContain(r);
    expect(system).toContain(FEATURE_LANGUAGE_CHEATSHEET);
    expect(system).toContain('Propose 1-2 derived features per');
    for (const key of ['"name"', '"expr"', '"type"', '"base_columns"', '"logic"']) expect(system).toContain(key);
    expect(system).toContain('JSON array only');
    expect(system).toMatch(/must not repeat a name in the valid or invalid lists/);
    expect(system).not.toContain('Conceptual Memory');
    expect(user).toContain('[Valid features generated] (none)');
    expect(user).toContain('[Invalid features generated] (none)');
    expect(user).toContain('who survived the Titanic');
    expect(user).not.toContain('[Failed features');
    expect(user).not.toContain('[History feedback');
  });

  it('local_pattern sees the enriched description, the others a compact one', () => {
    expect(buildPrompt(ctx('local_pattern')).user).toContain('target_bin_avg');
    expect(buildPrompt(ctx('local_pattern')).user).toContain('kurtosis');
    for (const k of AGENT_KINDS.filter((x) => x !== 'local_pattern')) {
      const u = buildPrompt(ctx(k)).user;
      expect(u).not.toContain('target_bin_avg');
      expect(u).not.toContain('kurtosis');
      expect(u).toContain('"Fare": {"type":"numerical"');
    }
  });

  it('memory sections appear when present: conceptual memory in system, lists, failures and feedback in user', () => {
    const { system, user } = buildPrompt(
      ctx('cross', {
        round: 1,
        valid: ['fare_per_person'],
        invalid: ['age_x_fare', 'bad_one'],
        failures: [{ name: 'bad_one', expr: 'Fare / Fare2', reason: "invalid: unknown column 'Fare2'" }],
        feedback: [
          { name: 'small', expr: 'Age * 2', gain: 0.001 },
          { name: 'fare_per_person', expr: 'Fare / (SibSp + Parch + 1)', gain: 0.012 },
        ],
        globalSummary: '- ratio features helped across agents',
        localSummary: '- ratios of Fare helped (+0.0120)',
      }),
    );
    expect(system).toContain('Global Conceptual Memory');
    expect(system).toContain('- ratio features helped across agents');
    expect(system).toContain('Local Conceptual Memory for This Agent');
    expect(system.indexOf('Global Conceptual Memory')).toBeGreaterThan(system.indexOf('Output format'));
    expect(user).toContain('[Valid features generated] fare_per_person');
    expect(user).toContain('[Invalid features generated] age_x_fare, bad_one');
    expect(user).toContain("bad_one = Fare / Fare2 -> invalid: unknown column 'Fare2'");
    expect(user).toMatch(/fix them or avoid them/);
    // Feedback best first.
    expect(user).toMatch(/1\. fare_per_person = Fare \/ \(SibSp \+ Parch \+ 1\) \(gain \+0\.0120\)\n2\. small/);
  });

  it.each([
    [4, 1, false],
    [4, 2, true],
    [4, 3, true],
    [5, 2, false],
    [5, 3, true],
    [1, 0, false],
  ])('importance with nRounds %i, round %i (0-based): shown = %s', (nRounds, round, shown) => {
    const importance = [
      { name: 'Sex', share: 0.5 },
      { name: 'Fare', share: 0.3 },
    ];
    const u = buildPrompt(ctx('unary', { nRounds, round, importance })).user;
    expect(u.includes('[Ranking of feature importance]\n1. Sex: 50.00%\n2. Fare: 30.00%')).toBe(shown);
  });

  it('stays bounded on 200 columns with long memory lists, and says what it left out', () => {
    const columns = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? { name: `num_${i}`, type: 'numerical', missing_ratio: 0.01, min: 0, max: 1000, mean: 500.123456, std: 288.7, skewness: 0.01, kurtosis: -1.2, outlier_ratio_3sigma: 0, n_distinct: 999, num_modes_estimated: 1, target_bin_avg: Object.fromEntries(Array.from({ length: 10 }, (_, b) => [`(${b * 100}, ${b * 100 + 100}]`, 0.1 * b])) }
        : { name: `cat_${i}`, type: 'categorical', missing_ratio: 0, n_unique: 50, values: Array.from({ length: 10 }, (_, v) => `value_${v}_${'x'.repeat(60)}`), value_frequencies: Object.fromEntries(Array.from({ length: 10 }, (_, v) => [`value_${v}`, 0.02])) },
    );
    const many = (p: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${p}_feature_number_${i}`);
    for (const agent of AGENT_KINDS) {
      const c = ctx(agent, {
        columns,
        round: 3,
        valid: many('valid', 500),
        invalid: many('invalid', 800),
        failures: Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, expr: `num_0 / ${'num_2 + '.repeat(60)}1`, reason: 'r'.repeat(500) })),
        feedback: Array.from({ length: 30 }, (_, i) => ({ name: `g${i}`, expr: 'num_0 * num_2', gain: i / 1000 })),
        importance: columns.map((col, i) => ({ name: String(col['name']), share: 1 / (i + 2) })),
        globalSummary: 'g'.repeat(10000),
        localSummary: 'l'.repeat(10000),
      });
      const { system, user } = buildPrompt(c);
      expect(system.length + user.length).toBeLessThan(40000);
      expect(user).toMatch(/\(\d+ of 200 columns described, the most important ones; \d+ more exist: /);
      expect(user).toContain('(and 440 earlier ones)'); // 500 valid names, the last 60 listed
      expect(user).toContain('valid_feature_number_499');
      expect(user).toContain(`(${50 - PROMPT_LIMITS.failures} older failures not shown)`);
      expect((user.match(/^\d+\. g\d+ = /gm) ?? []).length).toBe(PROMPT_LIMITS.feedback);
      expect((user.match(/^\d+\. (num|cat)_\d+: /gm) ?? []).length).toBe(PROMPT_LIMITS.importance);
    }
  });

  it('the registry is typed from its map and knows MALMAS agent names', () => {
    expect(Object.keys(AGENTS)).toEqual([...AGENT_KINDS]);
    for (const k of AGENT_KINDS) expect(AGENTS[k].kind).toBe(k);
    expect(
      ['UnaryFeatureAgent', 'crosscompositional', 'Aggregation', 'temporalfeature', 'local-transform', 'LocalPatternAgent', 'local_pattern', 'nonsense'].map(agentKindOf),
    ).toEqual(['unary', 'cross', 'aggregation', 'temporal', 'local_transform', 'local_pattern', 'local_pattern', undefined]);
  });
});
