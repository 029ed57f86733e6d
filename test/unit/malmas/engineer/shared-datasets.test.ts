/**
 * Every shared dataset (../shared/datasets, MANIFEST.md) runs one full MALMAS round offline: all six
 * agents through the router, features checked, fitted, scored by CV, the final model on the test
 * split, every metric of the schema present and finite. Rows are thinned to 600 (every k-th, so
 * files sorted by a column keep its range) and the evaluator is small, to keep this quick.
 */
import { join } from 'node:path';
import { readCsv, takeRows } from '../../../../src/malmas/dataset/index.js';
import { KNOWN_DATASETS } from '../../../../src/malmas/dataset/known.js';
import { runEngineer } from '../../../../src/malmas/engineer.js';
import { SHARED, SHARED_DIR } from '../offline/shared.js';

describe('one MALMAS round on every shared dataset', () => {
  it.each(SHARED.map((s) => [s.file.replace(/\.csv$/, '')]))('%s', async (name) => {
    const known = KNOWN_DATASETS[name]!;
    const full = readCsv(join(SHARED_DIR, `${name}.csv`));
    const step = Math.max(1, Math.floor(full.nRows / 600));
    const table = takeRows(full, Array.from({ length: Math.ceil(full.nRows / step) }, (_, i) => i * step).filter((i) => i < full.nRows));
    const r = await runEngineer(table, {
      target: known.target,
      task: known.task,
      ...(known.positive !== undefined ? { positive: known.positive } : {}),
      ...(known.orderBy !== undefined ? { orderBy: known.orderBy } : {}),
      rounds: 1,
      nFolds: 3,
      threads: 1,
      model: { nTrees: 15, maxDepth: 3, maxBins: 32 },
    });
    expect(r.task).toBe(known.task);
    const m = r.metrics;
    const keys = ['round_1/n_features_generated', 'round_1/n_effective_features', 'round_1/avg_feature_gain', 'round_1/best_feature_gain', 'round_1/llm_cost_usd', 'round_1/latency_seconds', 'cumulative/n_features_total', 'final/improvement'];
    keys.push(...(known.task === 'classification' ? ['cumulative/auc_improvement', 'final/base_auc', 'final/malmas_auc'] : ['cumulative/nrmse_improvement', 'final/base_nrmse', 'final/malmas_nrmse']));
    for (const k of keys) expect(`${k}: ${Number.isFinite(m[k])}`).toBe(`${k}: true`);
    expect(m['round_1/n_features_generated']).toBeGreaterThan(0);
    expect(m['round_1/llm_cost_usd']).toBe(0);
    // the router ran every agent in round 1 (MALMAS's warm-up), and each proposal was judged
    expect(r.routerHistory[0]!.agents.length).toBe(6);
    expect(r.evaluated.length).toBe(m['round_1/n_features_generated']);
    expect(r.evaluated.every((e) => e.outcome === 'accepted' || (e.reason ?? '') !== '')).toBe(true);
  });
});
