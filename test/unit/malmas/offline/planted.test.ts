/**
 * Planted signal: the target depends on the ratio of two columns among noise columns. At
 * temperature 0 the offline cross agent must propose that ratio (or its inverse), using only what
 * the description shows (per-bin target means), as an LLM would.
 */
import { Rng } from '../../../../src/core/rng.js';
import { contextColumns } from '../../../../src/malmas/agents/columns.js';
import { describeColumns, type Table } from '../../../../src/malmas/dataset/index.js';
import { proposeOffline } from '../../../../src/malmas/offline/index.js';
import type { ProposalContext } from '../../../../src/malmas/types.js';

function planted(task: 'classification' | 'regression', seed: number): ProposalContext {
  const rng = new Rng(seed, 'planted');
  const n = 2000;
  const col = (f: () => number): Float64Array => Float64Array.from({ length: n }, f);
  const income = col(() => rng.uniform(1, 10));
  const noise1 = col(() => rng.normal() * 5 + 20);
  const members = col(() => rng.uniform(1, 10));
  const noise2 = col(() => rng.uniform(0, 100));
  const noise3 = col(() => Math.exp(rng.normal()));
  const region = Int32Array.from({ length: n }, () => rng.int(4));
  const y = Float64Array.from({ length: n }, (_, i) => {
    const ratio = income[i]! / members[i]!;
    return task === 'regression' ? ratio + 0.05 * rng.normal() : ratio > 1.2 ? 1 : 0;
  });
  const table: Table = {
    nRows: n,
    columns: [
      { kind: 'numeric', name: 'noise1', values: noise1 },
      { kind: 'numeric', name: 'income', values: income },
      { kind: 'numeric', name: 'noise2', values: noise2 },
      { kind: 'categorical', name: 'region', codes: region, levels: ['n', 'e', 's', 'w'] },
      { kind: 'numeric', name: 'members', values: members },
      { kind: 'numeric', name: 'noise3', values: noise3 },
    ],
  };
  return {
    agent: 'cross',
    round: 0,
    nRounds: 4,
    task,
    taskDescription: 'planted ratio',
    columns: contextColumns(describeColumns(table, y)),
    ordered: false,
    valid: [],
    invalid: [],
    failures: [],
    feedback: [],
    temperature: 0,
    seed,
  };
}

describe('offline cross agent on a planted ratio', () => {
  it.each([
    ['classification', 1],
    ['regression', 2],
    ['classification', 3],
  ] as const)('%s (seed %i): proposes income / members (or its inverse), first', (task, seed) => {
    const r = proposeOffline(planted(task, seed));
    const ratios = r.proposals.map((p) => p.expr.replace(/\s+/g, ''));
    expect(ratios).toEqual(expect.arrayContaining([expect.stringMatching(/^(income\/members|members\/income)$/)]));
    expect(ratios[0]).toMatch(/^(income\/members|members\/income)$/);
    expect(r.warnings).toEqual([]);
  });
});
