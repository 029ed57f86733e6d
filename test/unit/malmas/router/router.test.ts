/**
 * The router (MALMAS §3): warm-up, each strategy, the never-empty fallback, the hybrid union, the
 * LLM strategy and its fallback on garbage, agent caps, history and determinism.
 */
import { FFError } from '../../../../src/core/errors.js';
import { Router, type RouterOptions } from '../../../../src/malmas/router.js';
import { AGENT_KINDS, type AgentKind } from '../../../../src/malmas/types.js';

const num = (name: string): Record<string, unknown> => ({ name, type: 'numerical', missing_ratio: 0, min: 0, max: 100, n_distinct: 90 });
const cat = (name: string): Record<string, unknown> => ({ name, type: 'categorical', missing_ratio: 0, n_unique: 3, values: ['a', 'b', 'c'] });
const date = (name: string): Record<string, unknown> => ({ name, type: 'datetime', missing_ratio: 0, min: '2011-01-01T00:00:00.000Z', max: '2012-12-31T00:00:00.000Z', n_distinct: 731 });

/** Two numbers: temporal and aggregation do not suit. */
const NUMBERS = [num('a'), num('b')];
const RICH = [date('d'), cat('g'), num('a'), num('b')];

function router(opts: Partial<RouterOptions> = {}): Router {
  return new Router({ columns: NUMBERS, ...opts });
}

function feed(r: Router, gains: Partial<Record<AgentKind, number[]>>): void {
  for (const [agent, gs] of Object.entries(gains) as Array<[AgentKind, number[]]>) gs.forEach((g, round) => r.update(agent, round, g));
}

describe('Router', () => {
  it.each(['data_driven', 'performance_driven', 'hybrid', 'all', 'llm'] as const)('%s: the warm-up round runs every agent (no LLM call)', async (strategy) => {
    let calls = 0;
    const r = router({ strategy, llm: async () => (calls++, '["unary"]') });
    const sel = await r.select(0);
    expect(sel.agents).toEqual([...AGENT_KINDS]);
    expect(sel.applied).toBe('warmup');
    for (const k of AGENT_KINDS) expect(sel.reasons[k]).toMatch(/warm-up round 1 of 1/);
    expect(calls).toBe(0);
  });

  it.each<[string, Array<Record<string, unknown>>, boolean, AgentKind[]]>([
    ['numbers only', NUMBERS, false, ['unary', 'cross', 'local_transform', 'local_pattern']],
    ['numbers, ordered rows', NUMBERS, true, ['unary', 'cross', 'temporal', 'local_transform', 'local_pattern']],
    ['datetime, key and numbers', RICH, false, [...AGENT_KINDS]],
    ['one categorical', [cat('g')], false, ['unary', 'local_pattern']],
  ])('data_driven keeps the agents the columns suit: %s', async (_label, columns, ordered, expected) => {
    const r = router({ strategy: 'data_driven', columns, ordered });
    const sel = await r.select(1);
    expect(sel.agents).toEqual(expected);
    expect(sel.applied).toBe('data_driven');
    for (const k of AGENT_KINDS) expect(sel.reasons[k]).toMatch(/^data: /);
  });

  it.each<[string, Partial<Record<AgentKind, number[]>>, AgentKind[], RegExp | undefined]>([
    ['no history: all agents', {}, [...AGENT_KINDS], undefined],
    ['mean gain >= 0 kept, negative and missing dropped', { unary: [0.01, -0.005], cross: [-0.02], temporal: [0] }, ['unary', 'temporal'], undefined],
    ['all negative: the best agent, with the reason', { unary: [-0.01], cross: [-0.002], local_pattern: [-0.03] }, ['cross'], /selected no agent; fell back to the best/],
  ])('performance_driven: %s', async (_label, gains, expected, fallback) => {
    const r = router({ strategy: 'performance_driven' });
    feed(r, gains);
    const sel = await r.select(2);
    expect(sel.agents).toEqual(expected);
    if (fallback) expect(sel.fallback).toMatch(fallback);
    else expect(sel.fallback).toBeUndefined();
  });

  it('performance_driven averages only the last `window` rounds', async () => {
    const r = router({ strategy: 'performance_driven', window: 3 });
    feed(r, { unary: [-1, -1, 0.01, 0.01, 0.01], cross: [0.01, 0.01, -1, -1, -1] });
    expect((await r.select(5)).agents).toEqual(['unary']);
    expect((await r.select(5)).reasons.unary).toMatch(/over 3 round/);
  });

  it('hybrid is the union: an agent is dropped only when both the data and its gain reject it', async () => {
    const r = router({ strategy: 'hybrid', columns: NUMBERS });
    // temporal: not suited but positive gain -> kept; cross: suited but negative -> kept (data);
    // aggregation: not suited and negative -> dropped.
    feed(r, { temporal: [0.004], cross: [-0.01], aggregation: [-0.02], unary: [0.001] });
    const sel = await r.select(1);
    expect(sel.agents).toEqual(['unary', 'cross', 'temporal', 'local_transform', 'local_pattern']);
    expect(sel.reasons.aggregation).toMatch(/data: not suited, .*performance: mean gain -0\.0200 over 1 round\(s\) < threshold 0/);
    expect(sel.reasons.temporal).toMatch(/performance: mean gain \+0\.0040/);
  });

  it('all runs every agent; maxAgents caps by mean gain and minAgents pads', async () => {
    const a = router({ strategy: 'all' });
    expect((await a.select(3)).agents).toEqual([...AGENT_KINDS]);
    const capped = router({ strategy: 'all', maxAgents: 2 });
    feed(capped, { local_pattern: [0.03], cross: [0.02], unary: [0.01] });
    const sel = await capped.select(1);
    expect(sel.agents).toEqual(['cross', 'local_pattern']);
    expect(sel.reasons.unary).toMatch(/dropped: at most 2 agent/);
    const padded = router({ strategy: 'performance_driven', minAgents: 3 });
    feed(padded, { unary: [0.01], cross: [-0.01], temporal: [-0.02], aggregation: [-0.5] });
    // Padding follows mean gain: cross and temporal are the best of the rest.
    expect((await padded.select(1)).agents).toEqual(['unary', 'cross', 'temporal']);
  });

  describe('llm strategy', () => {
    it('parses a fenced answer with MALMAS agent names and objects with reasons; the prompt lists agents, history and data', async () => {
      const prompts: string[] = [];
      const r = router({
        strategy: 'llm',
        columns: RICH,
        nRounds: 4,
        taskDescription: 'predict bike rentals',
        llm: async (p) => {
          prompts.push(p);
          return 'Here you go:\n```json\n["UnaryFeatureAgent", {"agent": "temporalfeature", "reason": "dates"}, "crosscompositional", "bogus"]\n```';
        },
      });
      r.update('unary', 0, 0.0123);
      const sel = await r.select(1);
      expect(sel.agents).toEqual(['unary', 'cross', 'temporal']);
      expect(sel.applied).toBe('llm');
      expect(sel.reasons.temporal).toBe('chosen by the LLM router: dates');
      expect(sel.reasons.aggregation).toBe('not chosen by the LLM router');
      expect(sel.fallback).toMatch(/ignored unknown agent names \["bogus"\]/);
      expect(prompts).toHaveLength(1);
      for (const k of AGENT_KINDS) expect(prompts[0]).toContain(`- ${k}: `);
      expect(prompts[0]).toContain('Mean gain: +0.0123 (based on 1 rounds)');
      expect(prompts[0]).toContain('Mean gain: no data yet');
      expect(prompts[0]).toContain('Stage: round 2 of 4');
      expect(prompts[0]).toContain('1 datetime (d)');
      expect(prompts[0]).toContain('predict bike rentals');
    });

    it.each<[string, () => Promise<string>, RegExp]>([
      ['garbage', async () => 'I would pick the best ones.', /unusable \(no JSON array/],
      ['unknown names only', async () => '["foo", "bar"]', /unusable \(no known agent name/],
      ['a thrown error', async (): Promise<string> => Promise.reject(new Error('HTTP 500')), /the LLM router failed \(HTTP 500\); used hybrid/],
    ])('falls back to hybrid on %s, with the reason', async (_label, llm, why) => {
      const r = router({ strategy: 'llm', llm });
      const sel = await r.select(1);
      expect(sel.applied).toBe('hybrid');
      expect(sel.strategy).toBe('llm');
      expect(sel.fallback).toMatch(why);
      expect(sel.agents).toEqual([...AGENT_KINDS]); // no gain history yet: hybrid keeps everyone
    });
  });

  it('records every round with reasons (router_history.json) and is deterministic', async () => {
    const run = async (): Promise<string> => {
      const r = router({ strategy: 'hybrid', columns: RICH });
      for (let round = 0; round < 4; round++) {
        await r.select(round);
        AGENT_KINDS.forEach((k, i) => r.update(k, round, ((i % 3) - 1) * 0.001 * (round + 1)));
      }
      return JSON.stringify({ history: r.history(), summary: r.summary() });
    };
    const a = await run();
    expect(await run()).toBe(a);
    const parsed = JSON.parse(a) as { history: Array<{ round: number; reasons: Record<string, string> }>; summary: { selectionCounts: Record<string, number> } };
    expect(parsed.history.map((h) => h.round)).toEqual([0, 1, 2, 3]);
    for (const h of parsed.history) expect(Object.keys(h.reasons)).toEqual([...AGENT_KINDS]);
    expect(parsed.summary.selectionCounts.unary).toBe(4);
  });

  it('rejects an unknown strategy and llm without a model, naming what is valid', () => {
    expect(() => new Router({ columns: [], strategy: 'random' as never })).toThrow(FFError);
    expect(() => new Router({ columns: [], strategy: 'random' as never })).toThrow(/valid strategies: data_driven, performance_driven, hybrid, all, llm/);
    expect(() => new Router({ columns: [], strategy: 'llm' })).toThrow(/needs a model/);
  });
});
