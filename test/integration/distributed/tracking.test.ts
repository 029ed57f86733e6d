/**
 * Tracking across real processes: a coordinator and two `ff worker`s on Redis run MALMAS trials with
 * the MLflow backend, and every trial's params, per-round metrics and final_auc arrive at the
 * (local, protocol-speaking) MLflow server; and a tracking server that never answers does not keep
 * a worker from finishing its trial and exiting on SIGTERM.
 */
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from '../../helpers/cli.js';
import { startFakeMlflow, type FakeMlflow } from '../../helpers/fake-mlflow.js';
import { Cluster, expectEachEndedOnce, SCENARIO_TIMEOUT, waitFor } from '../../helpers/procs.js';
import { testPrefix, testRedisUrl } from '../../helpers/redis.js';

const FIX = join(ROOT, 'test', 'fixtures', 'distributed');

describe('distributed: trials tracked in MLflow', () => {
  let cluster: Cluster;
  let ml: FakeMlflow;

  beforeEach(async () => {
    cluster = new Cluster(testRedisUrl(), testPrefix('dist-mlflow'));
    ml = await startFakeMlflow();
  });
  afterEach(async () => {
    await cluster.close();
    await ml.close();
  });

  it('a sweep over 2 workers: each trial is an MLflow run with its params, per-round metrics and final_auc', () =>
    cluster.explain(async () => {
      const env = { MLFLOW_TRACKING_URI: ml.url };
      cluster.worker(['--tracker', 'mlflow'], { env });
      cluster.worker(['--tracker', 'mlflow'], { env });
      cluster.coordinator();
      await cluster.waitWorkers(2);
      const id = await cluster.sweep(join(FIX, 'malmas-mlflow.yaml'));
      const meta = await cluster.waitEnded(id, 100_000);
      expect(meta.state).toBe('finished');
      const trials = await expectEachEndedOnce(cluster, id);
      expect(trials.map((t) => t.state)).toEqual(['finished', 'finished', 'finished', 'finished']);
      expect(new Set(trials.map((t) => t.worker)).size).toBe(2);

      // the runs are finished on the server a moment after the trials end (the tracker goes last)
      const runs = await waitFor('4 finished MLflow runs', async () => {
        const done = [...ml.runs.values()].filter((r) => r.status === 'FINISHED');
        return done.length === 4 ? done : undefined;
      });
      const [exp] = [...ml.experiments.values()].filter((e) => e.name === 'ff-e2e');
      expect(exp).toBeDefined();
      for (const t of trials) {
        const run = runs.find((r) => r.tags.get('ff.run_id') === `${id}-${t.number}`);
        expect(run).toBeDefined();
        expect(run!.experimentId).toBe(exp!.experimentId);
        expect(run!.tags.get('sweep_id')).toBe(id);
        // the sweep's params and the design's resolved ones
        expect(run!.params.get('router_strategy')).toBe(t.params['router_strategy']);
        expect(run!.params.get('random_state')).toBe(String(t.params['random_state']));
        for (const k of ['dataset', 'n_rounds', 'llm_model', 'llm_temperature', 'agents', 'task', 'metric']) expect(`${k}: ${run!.params.has(k)}`).toBe(`${k}: true`);
        // per-round metrics, and final_auc once per round with the trial's last value last
        const points = (key: string): number[] => run!.metrics.filter((m) => m.key === key).sort((a, b) => a.step - b.step).map((m) => m.value);
        expect(points('final_auc')).toHaveLength(2);
        expect(points('final_auc')[1]).toBeCloseTo(t.lastMetrics!['final_auc'] as number, 12);
        for (const k of ['round_1/n_features_generated', 'round_1/avg_feature_gain', 'round_2/best_feature_gain', 'round_2/test_auc', 'final/base_auc', 'final/malmas_auc', 'cumulative/n_features_total']) {
          expect(`${k}: ${points(k).length > 0}`).toBe(`${k}: true`);
        }
        const files = Object.keys(ml.artifactsOf(run!.runId));
        for (const f of ['generated_features', 'agent_memories', 'router_history', 'feature_importance']) expect(files.some((p) => p.startsWith(`${f}/`))).toBe(true);
        expect(files).toContain('feature_comparison.json');
        expect(run!.tags.get('ff.sweep.metric')).toBe('final_auc');
        expect(run!.tags.get('ff.sweep.goal')).toBe('maximize');
      }

      // ff compare from MLflow alone (an empty runs folder, no Redis)
      const cmp = await runCli(['compare', id, '--mlflow', '--experiment', 'ff-e2e', '--json', '--runs-dir', tempDir(), '--html', join(tempDir(), 'r.html')], {
        env: { MLFLOW_TRACKING_URI: ml.url, REDIS_URL: '' },
      });
      expect(cmp.stderr).not.toContain('error');
      expect(cmp.code).toBe(0);
      const j = JSON.parse(cmp.stdout) as { by: string; groups: Array<{ label: string; trials: { all: number }; metric: { n: number; mean: number } }> };
      expect(j.by).toBe('router_strategy');
      const byLabel = new Map(j.groups.map((g) => [g.label, g]));
      for (const strategy of ['all', 'performance_driven']) {
        const mine = trials.filter((t) => t.params['router_strategy'] === strategy).map((t) => t.lastMetrics!['final_auc'] as number);
        const g = byLabel.get(strategy)!;
        expect(g.trials.all).toBe(2);
        expect(g.metric.n).toBe(2);
        expect(g.metric.mean).toBeCloseTo((mine[0]! + mine[1]!) / 2, 9);
      }
    }),
  SCENARIO_TIMEOUT);

  it('a tracking server that never answers: the trial still ends in the store, and SIGTERM lets the worker exit', () =>
    cluster.explain(async () => {
      ml.hang('/api/2.0/mlflow');
      const env = { MLFLOW_TRACKING_URI: ml.url, FF_TRACKER__TIMEOUT_SECONDS: '1', FF_TRACKER__RETRIES: '1' };
      const worker = cluster.worker(['--tracker', 'mlflow'], { env });
      cluster.coordinator();
      await cluster.waitWorkers(1);
      const id = await cluster.sweep(join(FIX, 'tracker-hang.yaml'));
      const meta = await cluster.waitEnded(id, 30_000);
      expect(meta.state).toBe('finished');
      const [t] = await cluster.trials(id);
      expect(t!.state).toBe('finished');
      expect(t!.steps).toBe(3);
      // the worker may still be waiting on the server (bounded): SIGTERM now
      worker.signal('SIGTERM');
      const exit = await worker.waitExit(20_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(worker.output()).toMatch(/warning: mlflow tracking: MLflow at .*(no answer|did not take the run)/);
      expect(worker.output()).toContain('ff sync');
    }),
  SCENARIO_TIMEOUT);
});
