import { CostLedger } from '../../../../src/malmas/llm/ledger.js';
import type { LedgerEntry } from '../../../../src/malmas/llm/ledger.js';

function entry(agent: string, round: number, p: number, c: number, cost: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    agent,
    round,
    purpose: 'proposal',
    model: 'deepseek-chat',
    usage: { promptTokens: p, completionTokens: c },
    costUsd: cost,
    priceKnown: true,
    latencyMs: 100,
    attempts: 1,
    ...extra,
  };
}

describe('CostLedger', () => {
  it('totals per call, agent and round', () => {
    const l = new CostLedger();
    l.record(entry('unary', 1, 100, 10, 0.5));
    l.record(entry('cross', 1, 200, 20, 1));
    l.record(entry('unary', 2, 300, 30, 2, { attempts: 3, purpose: 'repair' }));
    l.record(entry('summary', 2, 50, 5, 0, { priceKnown: false, model: 'local' }));
    expect(l.entries).toHaveLength(4);
    expect(l.totals()).toEqual({
      calls: 4,
      attempts: 6,
      promptTokens: 650,
      completionTokens: 65,
      totalTokens: 715,
      costUsd: 3.5,
      latencyMs: 400,
      unpricedCalls: 1,
    });
    const byAgent = l.byAgent();
    expect(Object.keys(byAgent)).toEqual(['unary', 'cross', 'summary']);
    expect(byAgent.unary).toMatchObject({ calls: 2, promptTokens: 400, costUsd: 2.5, attempts: 4 });
    const byRound = l.byRound();
    expect(Object.keys(byRound)).toEqual(['1', '2']);
    expect(byRound['1']).toMatchObject({ calls: 2, totalTokens: 330, costUsd: 1.5 });
    expect(byRound['2']).toMatchObject({ calls: 2, unpricedCalls: 1 });
  });

  it('orders rounds numerically and serialises to plain JSON', () => {
    const l = new CostLedger();
    l.record(entry('unary', 10, 1, 1, 0));
    l.record(entry('unary', 2, 1, 1, 0));
    const json = JSON.parse(JSON.stringify(l)) as { calls: unknown[]; totals: { calls: number }; byRound: Record<string, unknown> };
    expect(Object.keys(json.byRound)).toEqual(['2', '10']);
    expect(json.calls).toHaveLength(2);
    expect(json.totals.calls).toBe(2);
  });

  it('an empty ledger totals zero', () => {
    expect(new CostLedger().toJSON()).toEqual({
      calls: [],
      totals: { calls: 0, attempts: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, costUsd: 0, latencyMs: 0, unpricedCalls: 0 },
      byAgent: {},
      byRound: {},
    });
  });

  it('keeps its own copy of what was recorded', () => {
    const l = new CostLedger();
    const usage = { promptTokens: 1, completionTokens: 1 };
    l.record({ ...entry('unary', 1, 0, 0, 0), usage });
    usage.promptTokens = 99;
    expect(l.totals().promptTokens).toBe(1);
  });
});
