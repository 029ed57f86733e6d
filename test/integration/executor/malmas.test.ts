/**
 * `program: ff:malmas` as a sweep objective, through the same coordinator, store and workers as
 * `ff run`, with the local tracker: per-round steps with final_auc (so hyperband can judge after
 * each round), the final figures, artifacts in the trial folder, and the tracked run with the
 * design's params, the artifacts and the feature table. Bad params fail the trial with a sentence.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSweepObject, runSweep } from '../../../src/api.js';
import { LocalSweepStore } from '../../../src/coordinator/file-store.js';
import { findJournals, readJournal, readTableCsv } from '../../../src/tracker/journal.js';
import { createTracker } from '../../../src/tracker/registry.js';
import { tempDir } from '../../helpers/cli.js';

const SMALL = { dataset: { value: 'diabetes_pima' }, n_rounds: { value: 2 }, trees: { value: 15 }, threads: { value: 1 } };

describe('ff:malmas trials', () => {
  it('report per-round metrics and final_auc, write artifacts, and are tracked with params, artifacts and a table', async () => {
    const dir = tempDir();
    const sweep = resolveSweepObject({
      method: 'grid',
      program: 'ff:malmas',
      metric: { name: 'final_auc', goal: 'maximize' },
      parameters: { ...SMALL, router_strategy: { values: ['all', 'performance_driven'] } },
    });
    const warnings: string[] = [];
    const result = await runSweep({ sweep, seed: 0, parallel: 2, runsDir: dir, tracker: createTracker('local', { runsDir: dir, onWarning: (w) => warnings.push(w.message) }) });
    expect(warnings).toEqual([]);
    expect(result.trials.map((t) => t.state)).toEqual(['finished', 'finished']);
    const local = LocalSweepStore.open(dir, result.sweepId);
    for (const t of local.trials) {
      const steps = local.history(t.number);
      // one step per round, each with final_auc; the last also carries the final figures
      expect(steps).toHaveLength(2);
      expect(steps.map((s) => typeof s['final_auc'])).toEqual(['number', 'number']);
      expect(steps[0]!['round_1/n_features_generated']).toBeGreaterThan(0);
      expect(steps[1]!['round_2/test_auc']).toEqual(expect.any(Number));
      expect(steps[1]!['final_auc']).toBe(steps[1]!['final/malmas_auc']);
      expect(steps[1]!['final/base_auc']).toEqual(expect.any(Number));
      expect(steps[1]!['llm/total_cost_usd']).toBe(0);
      const art = join(local.dir, 'trials', String(t.number), 'artifacts');
      for (const f of ['generated_features.csv', 'agent_memories.json', 'router_history.json', 'feature_importance.png']) expect(existsSync(join(art, f))).toBe(true);

      const [runDir] = findJournals([join(local.dir, 'trials', String(t.number))]);
      const run = readJournal(runDir!);
      expect(run.init.group).toBe(result.sweepId);
      expect(run.init.tags).toEqual([result.sweepId, `trial-${t.number}`]);
      expect(run.params).toMatchObject({ dataset: 'diabetes_pima', n_rounds: 2, router_strategy: t.params['router_strategy'], random_state: 0, llm_provider: 'offline', task: 'classification', metric: 'auc' });
      expect(String(run.params['agents'])).toContain('local_pattern');
      expect(run.history.map((h) => h.step)).toEqual([0, 1]);
      expect(run.history[1]!.values['final_auc']).toBe(steps[1]!['final_auc']);
      expect(run.artifacts.map((a) => [a.name, a.type]).sort()).toEqual([['agent_memories', 'json'], ['feature_importance', 'plot'], ['generated_features', 'dataset'], ['router_history', 'json']]);
      for (const a of run.artifacts) expect(existsSync(a.path)).toBe(true);
      const table = run.tables.find((x) => x.name === 'feature_comparison');
      expect(table?.columns).toEqual(['round', 'agent', 'name', 'expression', 'outcome', 'gain', 'persisted', 'reason']);
      expect(readTableCsv(table!.path).rows.length).toBe(table!.rows);
      expect(run.state).toBe('finished');
      expect(run.summary['ff/state']).toBe('finished');
    }
  }, 120000);

  it('a bad parameter fails the trial with a sentence naming it and what is valid', async () => {
    const sweep = resolveSweepObject({
      method: 'grid',
      program: 'ff:malmas',
      metric: { name: 'final_auc', goal: 'maximize' },
      parameters: { ...SMALL, router_strategy: { values: ['hybird'] }, n_rounds: { value: 0 } },
    });
    const result = await runSweep({ sweep, seed: 0 });
    const t = result.trials[0]!;
    expect(t.state).toBe('failed');
    expect(t.error).toContain('router_strategy = "hybird" (valid: data_driven, performance_driven, hybrid, all, llm)');
    expect(t.error).toContain('n_rounds = 0 (must be an integer from 1 to 50)');
  });
});
