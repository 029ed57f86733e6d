/**
 * The engineer as a pipeline step: fit on a training table, transform new tables with the kept
 * features, save and load them; and the run is deterministic for a seed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../../src/core/rng.js';
import { FFError } from '../../../../src/core/errors.js';
import { column, type Table } from '../../../../src/malmas/dataset/index.js';
import { runEngineer } from '../../../../src/malmas/engineer.js';
import { MalmasFeatureEngineer } from '../../../../src/malmas/pipeline.js';

function ratioTable(seed: number, n: number): Table {
  const rng = new Rng(seed, 'pipeline');
  const a = Float64Array.from({ length: n }, () => rng.uniform(1, 10));
  const b = Float64Array.from({ length: n }, () => rng.uniform(1, 10));
  const noise = Float64Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => (a[i]! / b[i]! > 1.1 ? 1 : 0));
  return {
    nRows: n,
    columns: [
      { kind: 'numeric', name: 'a', values: a },
      { kind: 'numeric', name: 'b', values: b },
      { kind: 'numeric', name: 'noise', values: noise },
      { kind: 'numeric', name: 'y', values: y },
    ],
  };
}

const OPTS = { target: 'y', rounds: 1, seed: 0, temperature: 0, model: { nTrees: 20, maxDepth: 3, maxBins: 32 }, threads: 1, agents: ['cross' as const, 'unary' as const] };

describe('MalmasFeatureEngineer (fit / transform / save / load)', () => {
  it('transforms new data with the features fitted on the training table', async () => {
    const fe = await new MalmasFeatureEngineer(OPTS).fit(ratioTable(1, 600));
    const names = fe.featureSet.names;
    expect(names.length).toBeGreaterThan(0);
    expect(fe.result?.metrics['final/malmas_auc']).toBeGreaterThan(fe.result!.metrics['final/base_auc']!);
    const fresh = ratioTable(2, 50);
    const out = fe.transform(fresh);
    expect(out.columns.map((c) => c.name)).toEqual([...fresh.columns.map((c) => c.name), ...names]);
    // a kept ratio feature computes the ratio on the new rows
    const ratio = fe.featureSet.features.find((f) => /^\s*a\s*\/\s*b\s*$/.test(f.meta.expr) || /^\s*b\s*\/\s*a\s*$/.test(f.meta.expr));
    expect(ratio).toBeDefined();
    const col = column(out, ratio!.meta.name);
    expect(col?.kind).toBe('numeric');
    const a = (column(fresh, 'a') as { values: Float64Array }).values;
    const b = (column(fresh, 'b') as { values: Float64Array }).values;
    const expected = ratio!.meta.expr.trim().startsWith('a') ? a[7]! / b[7]! : b[7]! / a[7]!;
    expect((col as { values: Float64Array }).values[7]).toBeCloseTo(expected, 12);

    const path = join(mkdtempSync(join(tmpdir(), 'ff-fe-')), 'features.json');
    fe.save(path);
    const again = MalmasFeatureEngineer.load(path).transform(fresh);
    for (const name of names) expect((column(again, name) as { values?: Float64Array }).values).toEqual((column(out, name) as { values?: Float64Array }).values);
  });

  it('refuses to transform before fit, and a table without the columns a feature reads', async () => {
    expect(() => new MalmasFeatureEngineer(OPTS).transform(ratioTable(1, 10))).toThrow(FFError);
    const fe = await new MalmasFeatureEngineer(OPTS).fit(ratioTable(1, 600));
    const missing: Table = { nRows: 3, columns: [{ kind: 'numeric', name: 'noise', values: new Float64Array(3) }] };
    expect(() => fe.transform(missing)).toThrow(/reads column '(a|b)', which the table does not have/);
  });

  it('same seed, same run', async () => {
    const t = ratioTable(3, 500);
    const [r1, r2] = [await runEngineer(t, OPTS), await runEngineer(t, OPTS)];
    const stable = (m: Readonly<Record<string, number>>): Record<string, number> => Object.fromEntries(Object.entries(m).filter(([k]) => !k.endsWith('latency_seconds')));
    expect(stable(r2.metrics)).toEqual(stable(r1.metrics));
    expect(r2.evaluated.map((e) => [e.name, e.outcome, e.gain])).toEqual(r1.evaluated.map((e) => [e.name, e.outcome, e.gain]));
  });
});
