/**
 * `ff compare` end to end: a real grid sweep over router_strategy × seed run by the built CLI
 * (`ff run`, command trials), compared from the runs folder and, copied into Redis through
 * RedisTrialStore, from Redis; the figures follow from test/fixtures/programs/routers.mjs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { LocalSweepStore } from '../../../src/coordinator/file-store.js';
import { metricValue } from '../../../src/coordinator/policy.js';
import { RedisTrialStore } from '../../../src/store/redis-store.js';
import { ROOT, runCli, tempDir } from '../../helpers/cli.js';
import { cleanupPrefix, testPrefix, testRedisUrl } from '../../helpers/redis.js';

const PROGRAM = join(ROOT, 'test', 'fixtures', 'programs', 'routers.mjs');
// the local cases must not look into the suite's Redis (under the default prefix)
const NO_REDIS = { REDIS_URL: '', FF_REDIS_URL: '' };

interface Group {
  value: unknown;
  label: string;
  trials: Record<string, number>;
  metric: { n: number; mean: number | null; sd: number | null; best: number | null; best_trial: number | null };
  improvement: { n: number; mean: number | null };
  cost_usd: { n: number; sum: number | null; mean: number | null };
  wall_seconds: { n: number; mean: number | null };
  curve: Array<{ k: number; mean: number; n: number }>;
}
interface Output {
  sweep_id: string;
  by: string;
  metric: { name: string; goal: string };
  curve: string;
  html: string;
  groups: Group[];
  best: { label: string; mean: number } | null;
  trials: Array<{ number: number; state: string; params: Record<string, unknown>; value: number | null; metrics: Record<string, unknown> }>;
}

/** final_auc = 0.7 + 0.01·seed + gain + 0.001·seed, as routers.mjs computes it. */
const auc = (gain: number, seed: number): number => 0.7 + 0.01 * seed + (gain + 0.001 * seed);

describe('ff compare', () => {
  const runs = tempDir('ff-compare-');
  let sweepId = '';

  beforeAll(async () => {
    const config = join(runs, 'routers.yaml');
    writeFileSync(
      config,
      [
        'name: routers',
        `program: ${JSON.stringify(PROGRAM)}`,
        'method: grid',
        'metric: {name: final_auc, goal: maximize}',
        'parameters:',
        '  router_strategy: {values: [data_driven, hybrid, llm]}',
        '  seed: {values: [1, 2]}',
        '',
      ].join('\n'),
    );
    const r = await runCli(['run', config, '--parallel', '3', '--seed', '0', '--json', '--runs-dir', runs], { env: NO_REDIS });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0); // one trial fails on purpose; the sweep still ran to its end
    sweepId = (JSON.parse(r.stdout) as { sweep_id: string }).sweep_id;
  });

  it('groups the trials by router_strategy, best mean first, with --json', async () => {
    const r = await runCli(['compare', sweepId, '--json', '--runs-dir', runs], { env: NO_REDIS });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expect(out.by).toBe('router_strategy');
    expect(out.metric).toEqual({ name: 'final_auc', goal: 'maximize' });
    expect(out.curve).toBe('round_k/test_auc');
    expect(out.groups.map((g) => g.label)).toEqual(['hybrid', 'data_driven', 'llm']);
    expect(out.best?.label).toBe('hybrid');

    const [hybrid, dd, llm] = out.groups as [Group, Group, Group];
    expect(hybrid.trials).toMatchObject({ all: 2, finished: 2, failed: 0 });
    expect(hybrid.metric.n).toBe(2);
    expect(hybrid.metric.mean).toBeCloseTo((auc(0.05, 1) + auc(0.05, 2)) / 2, 12);
    expect(hybrid.metric.sd).toBeCloseTo(Math.abs(auc(0.05, 2) - auc(0.05, 1)) / Math.SQRT2, 12);
    expect(hybrid.metric.best).toBeCloseTo(auc(0.05, 2), 12);
    expect(hybrid.improvement.mean).toBeCloseTo(0.0515, 12);
    expect(hybrid.cost_usd.sum).toBeCloseTo(0.004, 12);
    expect(hybrid.cost_usd.mean).toBeCloseTo(0.002, 12);
    expect(hybrid.wall_seconds.n).toBe(2);
    expect(hybrid.wall_seconds.mean).toBeGreaterThan(0);
    expect(hybrid.curve.map((p) => p.k)).toEqual([1, 2]);
    expect(hybrid.curve[0]!.mean).toBeCloseTo((0.71 + 0.0255 + 0.72 + 0.026) / 2, 12);
    expect(hybrid.curve[1]!.mean).toBeCloseTo(hybrid.metric.mean!, 12);

    expect(dd.metric.mean).toBeCloseTo((auc(0.02, 1) + auc(0.02, 2)) / 2, 12);
    expect(dd.cost_usd.sum).toBe(0);

    // llm/seed 2 failed: counted, not averaged
    expect(llm.trials).toMatchObject({ all: 2, finished: 1, failed: 1 });
    expect(llm.metric.n).toBe(1);
    expect(llm.metric.mean).toBeCloseTo(auc(0.01, 1), 12);
    expect(llm.metric.sd).toBeNull();
    expect(llm.curve).toEqual([
      { k: 1, mean: expect.closeTo(0.71 + 0.0055, 12), n: 1 },
      { k: 2, mean: expect.closeTo(auc(0.01, 1), 12), n: 1 },
    ]);

    expect(out.trials).toHaveLength(6);
    expect(out.trials.find((t) => t.state === 'failed')?.params).toEqual({ router_strategy: 'llm', seed: 2 });
    expect(out.trials[0]!.metrics['final/base_auc']).toBeCloseTo(0.71, 12);

    expect(out.html).toBe(join(runs, sweepId, 'compare-router_strategy.html'));
    expect(r.stderr).toContain(`report: ${out.html}`);
    const html = readFileSync(out.html, 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('prints the table, best first, and names the best value (id prefix)', async () => {
    const html = join(runs, 'elsewhere', 'report.html');
    const r = await runCli(['compare', sweepId.slice(0, 4), '--runs-dir', runs, '--html', html], { env: NO_REDIS });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^sweep ${sweepId} \\(routers\\): maximize final_auc by router_strategy, 6 trials`));
    const header = lines.findIndex((l) => l.startsWith('router_strategy'));
    expect(lines[header]).toMatch(/router_strategy\s+trials\s+final_auc mean ± sd\s+best\s+improvement\s+cost \$ sum\s+cost \$ mean\s+wall s/);
    const rows = lines.slice(header + 2, header + 5).map((l) => l.split(/\s{2,}/));
    expect(rows.map((c) => c[0])).toEqual(['hybrid', 'data_driven', 'llm']);
    expect(rows[0]!.slice(1, 7)).toEqual(['2/2', '0.7665 ± 0.0077782', '0.772', '0.0515', '0.004', '0.002']);
    expect(rows[2]!.slice(1, 7)).toEqual(['1/2', '0.721 ± -', '0.721', '0.011', '0.01', '0.01']);
    expect(r.stdout).toMatch(/best router_strategy: hybrid \(mean final_auc 0\.7665 over 2 trials\)/);
    expect(r.stderr).toContain(`report: ${html}`);
    expect(existsSync(html)).toBe(true);
  });

  it('exits 2 for an unknown sweep, saying where it looked', async () => {
    const r = await runCli(['compare', 'nosuchsweep', '--runs-dir', runs], { env: NO_REDIS });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: no sweep 'nosuchsweep' in .*ff-compare-/);
    expect(r.stderr).toMatch(/pass --redis or set REDIS_URL/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 for a --by that is not a parameter, listing the parameters', async () => {
    const r = await runCli(['compare', sweepId, '--by', 'nosuch', '--runs-dir', runs], { env: NO_REDIS });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error: --by 'nosuch' is not a parameter of sweep ${sweepId}; its parameters are: router_strategy, seed`));
  });

  it('compares by another parameter and metric', async () => {
    const r = await runCli(['compare', sweepId, '--by', 'seed', '--metric', 'final/improvement', '--json', '--runs-dir', runs], { env: NO_REDIS });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    expect(out.groups.map((g) => g.value)).toEqual([2, 1]);
    expect(out.groups.map((g) => g.trials.all)).toEqual([3, 3]);
    expect(out.groups[1]!.metric.mean).toBeCloseTo((0.021 + 0.051 + 0.011) / 3, 12);
    const bad = await runCli(['compare', sweepId, '--metric', 'nosuch', '--runs-dir', runs], { env: NO_REDIS });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no trial of sweep \w+ logged 'nosuch'.*final\/improvement/);
  });

  it('reads the same sweep from Redis (--redis, --prefix) and gets the same groups', async () => {
    const url = testRedisUrl();
    const prefix = testPrefix('compare');
    const store = new RedisTrialStore({ url, prefix, log: () => undefined });
    const admin = new Redis(url);
    try {
      const local = LocalSweepStore.open(runs, sweepId);
      await store.createSweep(local.sweep, { ...local.meta, state: 'running' });
      const { claimed } = await store.claimTrials(sweepId, local.trials.map((t) => ({ params: t.params })), undefined);
      for (const [i, t] of claimed.entries()) {
        const lease = { sweepId, number: t.number, attempt: t.attempt, dispatch: t.dispatch ?? 1 };
        expect((await store.startTrial(lease, 'w1', 60000)).ok).toBe(true);
        for (const { _step: _s, _time: _t, ...metrics } of local.history(t.number)) {
          expect((await store.appendStep(lease, metrics, metricValue('final_auc', metrics), Date.now())).ok).toBe(true);
        }
        const failed = local.trials[i]!.state === 'failed';
        await store.endTrial(lease, failed ? { status: 'failed', error: 'exit code 3' } : { status: 'finished' });
      }
      await store.setSweepState(sweepId, 'finished', 'grid exhausted after 6 trials');

      const empty = tempDir('ff-compare-redis-');
      const fromRedis = await runCli(['compare', sweepId.slice(0, 5), '--redis', url, '--prefix', prefix, '--json', '--runs-dir', empty]);
      expect(fromRedis.stderr).not.toMatch(/\n\s+at /);
      expect(fromRedis.code).toBe(0);
      const fromFiles = await runCli(['compare', sweepId, '--json', '--runs-dir', runs], { env: NO_REDIS });
      const strip = (o: Output): unknown => o.groups.map(({ wall_seconds: _w, ...g }) => g);
      const r = JSON.parse(fromRedis.stdout) as Output;
      expect(strip(r)).toEqual(strip(JSON.parse(fromFiles.stdout) as Output));
      expect(r.groups.map((g) => g.trials)).toEqual([
        { all: 2, queued: 0, running: 0, finished: 2, stopped: 0, failed: 0 },
        { all: 2, queued: 0, running: 0, finished: 2, stopped: 0, failed: 0 },
        { all: 2, queued: 0, running: 0, finished: 1, stopped: 0, failed: 1 },
      ]);
      expect(r.html).toBe(join(empty, sweepId, 'compare-router_strategy.html'));
      expect(existsSync(r.html)).toBe(true);

      const missing = await runCli(['compare', 'nosuchsweep', '--redis', url, '--prefix', prefix, '--runs-dir', empty]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`prefix ${prefix}`);
    } finally {
      await store.close();
      await cleanupPrefix(admin, prefix);
      await admin.quit();
    }
  });
});
