/**
 * The offline proposer's contract: not an LLM, free; deterministic for a seed; seed-dependent only
 * above temperature 0; never repeats what memory holds; follows feedback and failures; builds on
 * accepted features; 1–2 per field or group.
 */
import { proposeOffline, OfflineProposer } from '../../../../src/malmas/offline/index.js';
import { AGENT_KINDS } from '../../../../src/malmas/types.js';
import { contextFor, loadShared } from './shared.js';

const titanic = (): ReturnType<typeof loadShared> => loadShared('titanic.csv');
const exprs = (r: ReturnType<typeof proposeOffline>): string[] => r.proposals.map((p) => p.expr);

describe('OfflineProposer', () => {
  it('says it is not an LLM and costs nothing', async () => {
    const p = new OfflineProposer();
    expect(p.describe).toBe('offline proposer (rule-based, not an LLM)');
    expect(p.isLlm).toBe(false);
    const r = await p.propose(contextFor(titanic(), 'unary'));
    expect(r.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(r.costUsd).toBe(0);
    expect(r.proposals.length).toBeGreaterThan(0);
    for (const f of r.proposals) {
      expect(f).toEqual({ name: expect.any(String), expr: expect.any(String), type: expect.stringMatching(/^(numerical|categorical)$/), baseColumns: expect.any(Array), logic: expect.any(String) });
    }
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(new OfflineProposer().propose(contextFor(titanic(), 'unary'), ac.signal)).rejects.toThrow('cancelled');
  });

  it.each(AGENT_KINDS.map((k) => [k]))('%s: same seed, same proposals; temperature 0 ignores the seed', (agent) => {
    const d = loadShared('bike_sharing_hourly.csv');
    for (const temperature of [0, 0.7, 1.5]) {
      expect(proposeOffline(contextFor(d, agent, { temperature, seed: 7 }))).toEqual(proposeOffline(contextFor(d, agent, { temperature, seed: 7 })));
    }
    expect(exprs(proposeOffline(contextFor(d, agent, { seed: 1 })))).toEqual(exprs(proposeOffline(contextFor(d, agent, { seed: 2 }))));
  });

  it('above temperature 0 another seed (or round) gives other proposals', () => {
    const d = titanic();
    for (const agent of ['unary', 'cross', 'aggregation', 'local_transform', 'local_pattern'] as const) {
      const base = exprs(proposeOffline(contextFor(d, agent, { temperature: 1, seed: 0 }))).join('|');
      const others = [1, 2, 3].map((seed) => exprs(proposeOffline(contextFor(d, agent, { temperature: 1, seed }))).join('|'));
      expect(others.some((o) => o !== base)).toBe(true);
      expect(exprs(proposeOffline(contextFor(d, agent, { temperature: 1, seed: 0, round: 1 }))).join('|')).not.toBe(base);
    }
  });

  it('higher temperature explores further down the ranking', () => {
    const d = loadShared('adult.csv');
    const rankOf = (t: number): number => {
      let total = 0;
      for (let seed = 0; seed < 10; seed++) {
        const r = proposeOffline(contextFor(d, 'aggregation', { temperature: t, seed }));
        const order = r.candidates.map((c) => c.name);
        for (const p of r.proposals) total += order.indexOf(p.name);
      }
      return total;
    };
    expect(rankOf(0.1)).toBeLessThan(rankOf(2));
  });

  it.each(AGENT_KINDS.map((k) => [k]))('%s: never repeats a name or an expression that memory holds', (agent) => {
    const d = loadShared('bike_sharing_hourly.csv');
    const first = proposeOffline(contextFor(d, agent)).proposals;
    if (first.length === 0) return;
    const [a, b, c, ...rest] = first;
    const ctx = contextFor(d, agent, {
      valid: [a!.name],
      invalid: [b?.name ?? 'x'],
      failures: c ? [{ name: 'renamed_by_llm', expr: c.expr, reason: 'no gain (-0.001)' }] : [],
      feedback: rest.length > 0 ? [{ name: 'other_name', expr: rest[0]!.expr, gain: 0.01 }] : [],
    });
    const second = proposeOffline(ctx).proposals;
    const heldNames = new Set([a!.name, b?.name, 'renamed_by_llm', 'other_name']);
    const heldExprs = new Set([c?.expr, rest[0]?.expr].filter((x) => x !== undefined).map((x) => x!.replace(/\s+/g, '')));
    for (const p of second) {
      expect(heldNames.has(p.name)).toBe(false);
      expect(heldExprs.has(p.expr.replace(/\s+/g, ''))).toBe(false);
    }
    // Nor an existing column.
    const cols = new Set(d.columns.map((x) => String(x['name'])));
    for (const p of second) expect(cols.has(p.name)).toBe(false);
  });

  it('follows memory: the columns and pattern of the best feature rise, those of failures sink', () => {
    const d = titanic();
    const plain = proposeOffline(contextFor(d, 'cross')).candidates;
    const liked = proposeOffline(contextFor(d, 'cross', { feedback: [{ name: 'fam', expr: 'Fare / (SibSp + Parch + 1)', gain: 0.02 }] })).candidates;
    const disliked = proposeOffline(
      contextFor(d, 'cross', {
        failures: [
          { name: 'f1', expr: 'Age * Pclass', reason: 'no gain (-0.001)' },
          { name: 'f2', expr: 'Age * SibSp', reason: "invalid: unknown column 'Agee'" },
        ],
      }),
    ).candidates;
    const score = (xs: typeof plain, name: string): number => xs.find((c) => c.name === name)!.score;
    const fareRatio = plain.find((c) => c.family === 'ratio' && c.baseColumns.includes('Fare'))!;
    const ageProduct = plain.find((c) => c.family === 'product' && c.baseColumns.includes('Age') && !c.baseColumns.includes('Pclass'))!;
    const unrelated = plain.find((c) => c.family === 'category cross' && !c.baseColumns.includes('Age'))!;
    expect(score(liked, fareRatio.name)).toBeGreaterThan(fareRatio.score);
    expect(score(disliked, ageProduct.name)).toBeLessThan(ageProduct.score);
    expect(score(disliked, unrelated.name)).toBe(unrelated.score);
  });

  it('builds on accepted features, which arrive as columns', () => {
    const d = titanic();
    const fam = { name: 'family_size', type: 'numerical', missing_ratio: 0, min: 1, max: 11, mean: 1.9, std: 1.6, skewness: 2.7, n_distinct: 9, target_bin_avg: { '[1, 2]': 0.45, '(2, 11]': 0.3 } };
    const withFam = { ...d, columns: [...d.columns, fam] };
    const r = proposeOffline(contextFor(withFam, 'cross', { valid: ['family_size'] }));
    const onFam = r.candidates.filter((c) => c.baseColumns.includes('family_size'));
    expect(onFam.length).toBeGreaterThan(0);
    const plain = proposeOffline(contextFor(withFam, 'cross'));
    const s = (xs: typeof r.candidates, n: string): number => xs.find((c) => c.name === n)!.score;
    expect(s(r.candidates, onFam[0]!.name)).toBeCloseTo(s(plain.candidates, onFam[0]!.name) + 0.2, 10);
  });

  it('keeps 1–2 features per field or group and at most maxProposals', () => {
    const d = loadShared('adult.csv');
    for (const agent of AGENT_KINDS) {
      for (const temperature of [0, 1]) {
        const r = proposeOffline(contextFor(d, agent, { temperature }), { maxProposals: 12 });
        expect(r.proposals.length).toBeLessThanOrEqual(12);
        const groups = new Map<string, number>();
        for (const p of r.proposals) {
          const g = [...p.baseColumns!].sort().join(',');
          groups.set(g, (groups.get(g) ?? 0) + 1);
        }
        for (const n of groups.values()) expect(n).toBeLessThanOrEqual(2);
      }
    }
  });
});
