import { fromRuns } from '../../../src/compare/mlflow-source.js';
import type { MlflowRunRecord } from '../../../src/tracker/mlflow-client.js';

function run(id: string, status: MlflowRunRecord['status'], params: Record<string, string>, metrics: Record<string, number>, tags: Record<string, string> = {}): MlflowRunRecord {
  return {
    runId: `r-${id}`,
    runName: id,
    experimentId: '1',
    status,
    startTime: 1_700_000_000_000,
    endTime: 1_700_000_010_000,
    params,
    metrics,
    metricSteps: {},
    tags: { 'ff.run_id': id, sweep_id: 'sw1', ...tags },
  };
}

const SWEEP_TAGS = { 'ff.sweep.name': 'routers', 'ff.sweep.metric': 'final_auc', 'ff.sweep.goal': 'maximize', 'ff.sweep.parameters': '["random_state","router_strategy"]' };

describe('ff compare from MLflow runs', () => {
  it('rebuilds the sweep from its tags, one trial per number (the last attempt), params typed back', () => {
    const d = fromRuns(
      'sw1',
      [
        run('sw1-1', 'FAILED', { router_strategy: 'all', random_state: '1' }, {}, SWEEP_TAGS),
        run('sw1-0', 'FINISHED', { router_strategy: 'hybrid', random_state: '0', dataset: 'titanic' }, { final_auc: 0.8 }, SWEEP_TAGS),
        run('sw1-1-a2', 'FINISHED', { router_strategy: 'all', random_state: '1' }, { final_auc: 0.7, 'round_1/test_auc': 0.65 }, SWEEP_TAGS),
        run('sw1-2', 'KILLED', { router_strategy: 'all', random_state: '2' }, { final_auc: 0.6 }, SWEEP_TAGS),
      ],
      'MLflow at http://x',
      'exp',
    );
    expect(d.sweep).toEqual({
      name: 'routers',
      parameters: [{ name: 'random_state', path: ['random_state'] }, { name: 'router_strategy', path: ['router_strategy'] }],
      metric: { name: 'final_auc', goal: 'maximize' },
    });
    expect(d.meta).toEqual({ id: 'sw1', source: "MLflow at http://x, experiment 'exp'" });
    expect(d.trials.map((t) => [t.number, t.state, t.params])).toEqual([
      [0, 'finished', { random_state: 0, router_strategy: 'hybrid' }],
      [1, 'finished', { random_state: 1, router_strategy: 'all' }],
      [2, 'stopped', { random_state: 2, router_strategy: 'all' }],
    ]);
    expect(d.trials[1]!.steps).toEqual([{ final_auc: 0.7, 'round_1/test_auc': 0.65 }]);
    expect(d.trials[0]!.startedAt).toBe(new Date(1_700_000_000_000).toISOString());
  });

  it('runs tracked without the sweep tags: their params stand in, no metric is assumed', () => {
    const d = fromRuns('sw1', [run('sw1-0', 'RUNNING', { lr: '0.1', fast: 'True' }, { loss: 1 })], 'MLflow at http://x', 'exp');
    expect(d.sweep.metric).toBeUndefined();
    expect(d.sweep.parameters.map((p) => p.name)).toEqual(['fast', 'lr']);
    expect(d.trials[0]).toMatchObject({ state: 'running', params: { lr: 0.1, fast: true } });
  });
});
