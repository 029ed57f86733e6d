/**
 * On all 15 shared datasets and for every agent: every expression the offline proposer emits (and
 * every candidate it considered) compiles against the schema the descriptions imply, names are
 * well-formed and unique, an agent whose data rule holds has something to propose, and on two
 * datasets the features also fit and apply on the real table.
 */
import { join } from 'node:path';
import { AGENTS, readColumns, schemaOfColumns } from '../../../../src/malmas/agents/index.js';
import { prepareTask, readCsv, takeRows } from '../../../../src/malmas/dataset/index.js';
import { compileFeature, schemaOf } from '../../../../src/malmas/dsl/index.js';
import { proposeOffline } from '../../../../src/malmas/offline/index.js';
import { AGENT_KINDS } from '../../../../src/malmas/types.js';
import { SHARED, SHARED_DIR, contextFor, loadShared } from './shared.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('offline proposals on the shared datasets', () => {
  it.each(SHARED.map((s) => [s.file]))('%s: every proposal of every agent compiles', (file) => {
    const d = loadShared(file);
    const cols = readColumns(d.columns);
    const schema = schemaOfColumns(cols);
    let total = 0;
    for (const agent of AGENT_KINDS) {
      const suited = AGENTS[agent].suits(cols, d.ordered).ok;
      for (const [temperature, seed] of [
        [0, 0],
        [1, 1],
        [2, 2],
      ] as const) {
        const r = proposeOffline(contextFor(d, agent, { temperature, seed }));
        // No generator ever wrote a candidate that does not compile.
        expect(r.warnings.filter((w) => w.includes('dropped candidate'))).toEqual([]);
        if (suited) expect(`${agent}: ${r.proposals.length > 0}`).toBe(`${agent}: true`);
        const names = new Set<string>();
        for (const p of r.proposals) {
          const c = compileFeature(p.expr, schema, { ordered: d.ordered });
          expect(c.ok ? 'ok' : `${agent}: ${p.expr}: ${c.error}`).toBe('ok');
          if (c.ok) expect(p.type).toBe(c.feature.kind === 'numeric' ? 'numerical' : 'categorical');
          expect(p.name).toMatch(NAME);
          expect(names.has(p.name)).toBe(false);
          names.add(p.name);
          for (const b of p.baseColumns ?? []) expect(schema.has(b)).toBe(true);
        }
        total += r.proposals.length;
      }
    }
    expect(total).toBeGreaterThan(30);
  });

  it.each([['titanic.csv'], ['bike_sharing_hourly.csv']])('%s: the features fit on the table and apply to it', (file) => {
    const spec = SHARED.find((s) => s.file === file)!;
    // The first 2,000 rows: enough to run every function (the interpreter is slow under Jest's VM).
    const full = prepareTask(readCsv(join(SHARED_DIR, file)), { target: spec.target }).features;
    const table = takeRows(full, Array.from({ length: Math.min(2000, full.nRows) }, (_, i) => i));
    const schema = schemaOf(table);
    const d = loadShared(file);
    for (const agent of AGENT_KINDS) {
      for (const p of proposeOffline(contextFor(d, agent, { temperature: 1, seed: 3 }), { maxProposals: 12 }).proposals) {
        const c = compileFeature(p.expr, schema, { ordered: d.ordered });
        if (!c.ok) throw new Error(`${p.expr}: ${c.error}`);
        const out = c.feature.fit(table).apply(table, p.name);
        expect([out.name, out.kind]).toEqual([p.name, c.feature.kind]);
      }
    }
  });
});
