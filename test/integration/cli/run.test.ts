/**
 * End to end: the built `ff` CLI runs whole sweeps with a command objective (real processes),
 * keeps them in a runs folder, and `ff status` reads them back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from '../../helpers/cli.js';

const FIX = join(ROOT, 'test', 'fixtures', 'e2e');

interface Summary {
  sweep_id: string;
  state: string;
  ended_reason: string | null;
  counts: Record<string, number>;
  trials: Array<{ number: number; state: string; value: number | null; steps: number; params: Record<string, unknown>; stop_explanation: string | null; error: string | null }>;
  best: { number: number; value: number; params: Record<string, unknown> } | null;
}

function parse(stdout: string): Summary {
  return JSON.parse(stdout) as Summary;
}

describe('ff run (command objective, no Redis)', () => {
  const runs = tempDir();

  it('runs a grid sweep to exhaustion in W&B order and keeps every trial on disk', async () => {
    const r = await runCli(['run', join(FIX, 'grid.yaml'), '--parallel', '2', '--seed', '1', '--json', '--runs-dir', runs]);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
    expect(r.code).toBe(0);
    const s = parse(r.stdout);
    expect(s.state).toBe('finished');
    expect(s.ended_reason).toMatch(/exhausted after 6 trials/);
    expect(s.trials.map((t) => [t.params.x, t.params.y])).toEqual([
      [1, 0], [1, 1], [3, 0], [3, 1], [5, 0], [5, 1],
    ]);
    expect(s.trials.every((t) => t.state === 'finished' && t.steps === 4)).toBe(true);
    // value = best logged loss = (x-3)^2 + y + 1/4
    expect(s.trials.map((t) => t.value)).toEqual([4.25, 5.25, 0.25, 1.25, 4.25, 5.25]);
    expect(s.best).toEqual({ number: 2, value: 0.25, params: { x: 3, y: 0, steps: 4 } });

    const dir = join(runs, s.sweep_id, 'trials', '2');
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(history.map((h) => h.loss)).toEqual([1, 0.5, 1 / 3, 0.25]);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toMatch(/plain log line 1/);

    const st = await runCli(['status', s.sweep_id, '--json', '--runs-dir', runs]);
    expect(st.code).toBe(0);
    const again = parse(st.stdout);
    expect(again.trials.map((t) => t.value)).toEqual(s.trials.map((t) => t.value));
    expect(again.state).toBe('finished');

    const text = await runCli(['status', s.sweep_id.slice(0, 4), '--runs-dir', runs]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/finished/);
    expect(text.stdout).toMatch(/best: trial 2/);
  });

  it('stops losers with hyperband at every report and explains each stop', async () => {
    const r = await runCli(['run', join(FIX, 'hyperband.yaml'), '--parallel', '3', '--seed', '1', '--json', '--runs-dir', runs, '--grace', '2']);
    expect(r.code).toBe(0);
    const s = parse(r.stdout);
    const stopped = s.trials.filter((t) => t.state === 'stopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const t of stopped) {
      expect(t.stop_explanation).toMatch(/band \d+/);
      expect(t.stop_explanation).toMatch(/threshold/);
      expect(t.steps).toBeLessThan(12);
    }
    // the best point (x = 3) is never stopped
    expect(s.trials.find((t) => t.params.x === 3)?.state).toBe('finished');
  });

  it('ends the sweep when metric.target is reached, letting running trials finish', async () => {
    const r = await runCli(['run', join(FIX, 'target.yaml'), '--seed', '3', '--json', '--runs-dir', runs]);
    expect(r.code).toBe(0);
    const s = parse(r.stdout);
    expect(s.ended_reason).toMatch(/metric.target 1.5 reached/);
    expect(s.trials.length).toBeLessThan(50);
    expect(s.best!.value).toBeLessThanOrEqual(1.5);
    expect(s.trials.every((t) => t.state === 'finished')).toBe(true);
  });

  it('marks a failing program as failed with the tail of its stderr, and exits 1 when all failed', async () => {
    const r = await runCli(['run', join(FIX, 'failing.yaml'), '--seed', '0', '--json', '--runs-dir', runs]);
    expect(r.code).toBe(1);
    const s = parse(r.stdout);
    expect(s.ended_reason).toMatch(/run_cap 2 reached/);
    expect(s.trials).toHaveLength(2);
    for (const t of s.trials) {
      expect(t.state).toBe('failed');
      expect(t.error).toMatch(/boom: the objective failed on purpose/);
    }
  });

  it('rejects an invalid config with every problem named and exit code 2, without running anything', async () => {
    const r = await runCli(['run', join(FIX, 'invalid.yaml'), '--runs-dir', runs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid\.yaml/);
    expect(r.stderr).toMatch(/method/);
    expect(r.stderr).toMatch(/goal/);
    expect(r.stderr).toMatch(/run_cap/);
    expect(r.stderr).toMatch(/parameters\.lr/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the shipped demo sweep (the README main job) to its run_cap', async () => {
    const r = await runCli(['run', 'sweeps/demo.yaml', '--seed', '0', '--parallel', '2', '--json', '--runs-dir', runs], {
      env: { DEMO_EPOCH_MS: '1' },
      timeoutMs: 120000,
    });
    expect(r.code).toBe(0);
    const s = parse(r.stdout);
    expect(s.trials).toHaveLength(24);
    expect(s.counts.failed).toBe(0);
    expect(s.counts.stopped).toBeGreaterThan(0);
    expect(existsSync(join(runs, s.sweep_id, 'sweep.json'))).toBe(true);
  });
});

describe('ff validate / preview / help', () => {
  it('validate: exit 0 for a valid file, 2 with every violation for an invalid one', async () => {
    const ok = await runCli(['validate', 'sweeps/demo.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid/);
    const bad = await runCli(['validate', join(FIX, 'invalid.yaml'), '--json']);
    expect(bad.code).toBe(2);
    const out = JSON.parse(bad.stdout) as { valid: boolean; violations: Array<{ path: string }> };
    expect(out.valid).toBe(false);
    const paths = out.violations.map((v) => v.path);
    expect(paths).toEqual(expect.arrayContaining(['method', 'metric.goal', 'run_cap']));
    expect(out.violations.length).toBeGreaterThanOrEqual(5);
  });

  it('validate: a missing file is a clear error, exit 2', async () => {
    const r = await runCli(['validate', 'no/such/sweep.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/sweep\.yaml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('preview: the grid in W&B order, and the same seed gives the same random sets', async () => {
    const g = await runCli(['preview', join(FIX, 'grid.yaml'), '--count', '10', '--json']);
    expect(g.code).toBe(0);
    expect(JSON.parse(g.stdout)).toHaveLength(6);
    const a = await runCli(['preview', 'sweeps/demo.yaml', '-n', '4', '--seed', '7', '--json']);
    const b = await runCli(['preview', 'sweeps/demo.yaml', '-n', '4', '--seed', '7', '--json']);
    const c = await runCli(['preview', 'sweeps/demo.yaml', '-n', '4', '--seed', '8', '--json']);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
    const sets = JSON.parse(a.stdout) as Array<Record<string, unknown>>;
    expect(sets).toHaveLength(4);
    for (const p of sets) expect(Object.keys(p).sort()).toEqual(['dropout', 'epochs', 'layers', 'learning_rate', 'optimizer']);
  });

  it('has --help on every command and exit 2 for an unknown command', async () => {
    for (const cmd of [[], ['run'], ['validate'], ['preview'], ['status']]) {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Options:/);
    }
    const bad = await runCli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown|unknown/);
  });
});

describe('ff run determinism', () => {
  it('gives the same trials and the same stops for the same seed (one trial at a time)', async () => {
    const runs = tempDir();
    const once = async (): Promise<Summary> => {
      const r = await runCli(['run', 'sweeps/demo.yaml', '--seed', '11', '--json', '--runs-dir', runs], { env: { DEMO_EPOCH_MS: '5' }, timeoutMs: 120000 });
      expect(r.code).toBe(0);
      return parse(r.stdout);
    };
    const a = await once();
    const b = await once();
    // A stop is asynchronous: a program may log a step or two between the decision and SIGTERM, so
    // values and step counts of stopped trials may differ slightly; suggestions and decisions may not.
    const view = (s: Summary) => s.trials.map((t) => [t.params, t.state]);
    expect(view(b)).toEqual(view(a));
    a.trials.forEach((t, i) => expect(Math.abs(t.steps - b.trials[i]!.steps)).toBeLessThanOrEqual(2));
    expect(a.trials.filter((t) => t.state === 'finished').map((t) => t.value)).toEqual(b.trials.filter((t) => t.state === 'finished').map((t) => t.value));
    expect(a.sweep_id).not.toBe(b.sweep_id);
  });
});
