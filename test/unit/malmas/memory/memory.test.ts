/**
 * Three-level memory: procedural entries with outcomes, feedback by gain, the deterministic
 * conceptual summaries (local and global), pluggable summarisers with fallback, the context fields
 * and agent_memories.json.
 */
import { MalmasMemory, type ProceduralEntry } from '../../../../src/malmas/memory.js';

function entry(name: string, expr: string, round: number, outcome: ProceduralEntry['outcome'], gain?: number): ProceduralEntry {
  return { name, expr, baseColumns: [], round, outcome, ...(gain !== undefined ? { gain } : {}) };
}

/** A cross agent after two rounds: ratios helped, logs did not, Cabin kept failing to compile. */
function titanicMemory(): MalmasMemory {
  const m = new MalmasMemory();
  m.record('cross', { ...entry('fare_pp', 'Fare / (SibSp + Parch + 1)', 0, { status: 'accepted' }, 0.012), baseColumns: ['Fare', 'SibSp', 'Parch'], logic: 'fare per person', type: 'numerical' });
  m.record('cross', entry('age_fare', 'Age / (Fare + 1)', 1, { status: 'accepted' }, 0.004));
  m.record('cross', entry('log_fare', 'log1p(Fare)', 0, { status: 'rejected', reason: 'no gain (-0.0010)' }, -0.001));
  m.record('cross', entry('log_age', 'log1p(Age)', 1, { status: 'rejected', reason: 'no gain (-0.0003)' }, -0.0003));
  m.record('cross', entry('cabin_a', 'prefix(Cabin, 1) * Fare', 0, { status: 'invalid', error: "'*' needs numeric operands, got categorical" }));
  m.record('cross', entry('cabin_b', 'Cabin + Age', 1, { status: 'invalid', error: "'+' needs numeric operands, got categorical (Cabin)" }));
  m.record('unary', entry('title', 'str_split_part(str_split_part(Name, ",", 1), ".", 0)', 0, { status: 'accepted' }, 0.02));
  return m;
}

describe('MalmasMemory', () => {
  it('keeps valid/invalid lists, failures (latest round first, compile errors first) and feedback by gain', () => {
    const m = titanicMemory();
    const ctx = m.contextFor('cross');
    expect(ctx.valid).toEqual(['fare_pp', 'age_fare']);
    expect(ctx.invalid).toEqual(['log_fare', 'log_age', 'cabin_a', 'cabin_b']);
    expect(ctx.failures.map((f) => f.name)).toEqual(['cabin_b', 'log_age', 'cabin_a', 'log_fare']);
    expect(ctx.failures[0]!.reason).toBe("invalid: '+' needs numeric operands, got categorical (Cabin)");
    expect(ctx.failures[1]!.reason).toBe('no gain (-0.0003)');
    expect(ctx.feedback).toEqual([
      { name: 'fare_pp', expr: 'Fare / (SibSp + Parch + 1)', gain: 0.012 },
      { name: 'age_fare', expr: 'Age / (Fare + 1)', gain: 0.004 },
    ]);
    expect(ctx.localSummary).toBeUndefined();
    expect(ctx.globalSummary).toBeUndefined();
    expect(m.contextFor('temporal')).toEqual({ valid: [], invalid: [], failures: [], feedback: [] });
  });

  it('recording a name again replaces the entry (latest outcome wins)', () => {
    const m = new MalmasMemory();
    m.record('unary', entry('x', 'log(Fare2)', 0, { status: 'invalid', error: 'unknown column' }));
    m.record('unary', entry('x', 'log1p(Fare)', 1, { status: 'accepted' }, 0.01));
    expect(m.contextFor('unary')).toMatchObject({ valid: ['x'], invalid: [], failures: [] });
    expect(m.agent('unary').procedural()).toHaveLength(1);
  });

  it('summarises rounds into short deterministic rules, local and global', async () => {
    const m = titanicMemory();
    expect(await m.summariseRound(1)).toEqual([]);
    const local = m.agent('cross').localSummary!;
    expect(local).toContain('- ratio features helped: fare_pp = Fare / (SibSp + Parch + 1) (+0.0120; 2 accepted)');
    expect(local).toContain('- log transform features did not help (2 tried, e.g. log_fare, best gain -0.0003)');
    expect(local).toContain('- expressions using `Cabin` failed (2x): ');
    expect(local).toContain('- `Fare` is a productive base column (2 accepted features)');
    expect(local.split('\n').length).toBeLessThanOrEqual(6);
    const global = m.globalSummary!;
    expect(global).toContain('- unary: 1 of 1 features accepted, best title (+0.0200)');
    expect(global).toContain('- cross: 2 of 6 features accepted, best fare_pp (+0.0120)');
    expect(global).toMatch(/across agents, ratio features helped most \(2 accepted/);
    // The next context carries both levels of conceptual memory.
    expect(m.contextFor('cross')).toMatchObject({ localSummary: local, globalSummary: global });
    // Same outcomes, same text.
    const again = titanicMemory();
    await again.summariseRound(1);
    expect(again.agent('cross').localSummary).toBe(local);
    expect(again.globalSummary).toBe(global);
  });

  it('an agent with failures only gets a rule about them; an agent with nothing gets none', async () => {
    const m = new MalmasMemory();
    m.record('aggregation', entry('a', 'group_mean(Fare, Sex)', 0, { status: 'rejected', reason: 'no gain (-0.0001)' }, -0.0001));
    await m.summariseRound(0);
    expect(m.agent('aggregation').localSummary).toBe('- no feature has helped yet (1 tried); try other fields or other operators');
    expect(m.agent('temporal').localSummary).toBeUndefined();
  });

  it('uses a pluggable (LLM) summariser, and the rules when it fails', async () => {
    const m = titanicMemory();
    const seen: string[] = [];
    const warnings = await m.summariseRound(1, {
      agents: ['cross', 'unary'],
      local: (input) => {
        seen.push(input.agent);
        if (input.agent === 'unary') throw new Error('timeout');
        return `LLM: ${input.stats.accepted} accepted; rules were ${input.rules.split('\n').length} lines`;
      },
      global: async () => '   ',
    });
    expect(seen).toEqual(['cross', 'unary']);
    expect(m.agent('cross').localSummary).toMatch(/^LLM: 2 accepted; rules were \d lines$/);
    expect(m.agent('unary').localSummary).toMatch(/^- text part features helped: title = /);
    expect(m.globalSummary).toMatch(/^- unary: /);
    expect(warnings).toEqual([
      'local summary of unary: the summariser failed (timeout); kept the rule-based summary',
      'global summary: the summariser returned nothing; kept the rule-based summary',
    ]);
  });

  it('serialises to agent_memories.json (non-finite gains as null) with stats and conceptual history', async () => {
    const m = titanicMemory();
    m.record('local_pattern', entry('nan', 'Age > 3', 0, { status: 'rejected', reason: 'evaluation failed' }, NaN));
    await m.summariseRound(0);
    await m.summariseRound(1);
    const json = JSON.parse(JSON.stringify(m)) as {
      version: number;
      agents: Record<string, { procedural: Array<{ name: string; gain: number | null; outcome: { status: string } }>; stats: Record<string, unknown>; conceptual: unknown[]; localSummary: string | null }>;
      globalSummary: string;
      globalHistory: unknown[];
    };
    expect(json.version).toBe(1);
    expect(Object.keys(json.agents)).toEqual(['unary', 'cross', 'aggregation', 'temporal', 'local_transform', 'local_pattern']);
    expect(json.agents['local_pattern']!.procedural[0]).toMatchObject({ name: 'nan', gain: null, outcome: { status: 'rejected' } });
    expect(json.agents['cross']!.stats).toMatchObject({ proposed: 6, accepted: 2, rejected: 2, invalid: 2, bestGain: 0.012, effectivePatterns: { ratio: 2 } });
    // Identical summaries after two rounds are stored once.
    expect(json.agents['cross']!.conceptual).toHaveLength(1);
    expect(json.agents['temporal']!.localSummary).toBeNull();
    expect(json.globalHistory).toHaveLength(1);
  });
});

describe('conceptual rules about failures', () => {
  it('groups failures without a gain by column (e.g. a mostly missing column)', async () => {
    const m = new MalmasMemory();
    m.record('unary', entry('c1', 'prefix(Cabin, 1)', 0, { status: 'rejected', reason: 'column mostly missing' }));
    m.record('unary', entry('c2', 'len(Cabin)', 0, { status: 'rejected', reason: 'column mostly missing' }));
    m.record('unary', entry('x', 'log(Fare2)', 0, { status: 'invalid', error: "unknown column 'Fare2'" }));
    await m.summariseRound(0);
    expect(m.agent('unary').localSummary).toContain('- expressions using `Cabin` failed (2x): column mostly missing');
  });
});
