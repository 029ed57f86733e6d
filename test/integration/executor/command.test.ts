/**
 * CommandExecutor against real processes (node fixture programs in test/fixtures/programs, and a
 * Python one when Python is installed).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandExecutor, type CommandExecutorOptions } from '../../../src/executor/command.js';
import { findOnPath } from '../../../src/executor/macros.js';
import type { ExecutorContext, Metrics, TrialOutcome, TrialSpec } from '../../../src/executor/types.js';
import type { ParamValue } from '../../../src/core/params.js';

const PROGRAMS = join(process.cwd(), 'test', 'fixtures', 'programs');
const roots: string[] = [];

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function trialSpec(config: Record<string, ParamValue>, number = 0): TrialSpec {
  return { sweepId: 'sw1', trialId: `sw1-${number}`, number, attempt: 1, params: config, config };
}

interface Harness {
  readonly ctx: ExecutorContext;
  readonly reports: Metrics[];
  readonly controller: AbortController;
  readonly dir: string;
  /** Resolves with the first report. */
  readonly firstReport: Promise<Metrics>;
}

function harness(report?: (m: Metrics, i: number) => Promise<void> | void): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'ff-exec-'));
  roots.push(dir);
  const controller = new AbortController();
  const reports: Metrics[] = [];
  let onFirst: (m: Metrics) => void = () => undefined;
  const firstReport = new Promise<Metrics>((r) => (onFirst = r));
  const ctx: ExecutorContext = {
    dir,
    signal: controller.signal,
    report: async (m) => {
      const i = reports.length;
      reports.push(m);
      if (i === 0) onFirst(m);
      await report?.(m, i);
    },
  };
  return { ctx, reports, controller, dir, firstReport };
}

function run(options: CommandExecutorOptions, config: Record<string, ParamValue>, h: Harness): Promise<TrialOutcome> {
  return new CommandExecutor(options).run(trialSpec(config), h.ctx);
}

/** Alive and not a zombie (a killed process may linger as a zombie until it is reaped). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Whether the process is gone, polling briefly: a SIGKILLed process closes its files (which is what
 * lets `run` resolve) a moment before the kernel marks it dead.
 */
async function isGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isAlive(pid);
}

describe('CommandExecutor', () => {
  it('reports JSON lines as steps, in order, and sends other output to output.log', async () => {
    const h = harness();
    const outcome = await run({ program: join(PROGRAMS, 'report.mjs'), cwd: PROGRAMS }, { lr: 0.001 }, h);
    expect(outcome).toEqual({ status: 'finished' });
    expect(h.reports).toEqual([
      { step: 0, loss: 1 },
      { step: 1, loss: 0.5, note: 'é' },
      { step: 2, loss: 0.25 },
      { step: 3, loss: NaN },
      { step: 4, loss: 0.125 },
    ]);
    const log = readFileSync(join(h.dir, 'output.log'), 'utf8').split('\n');
    expect(log).toEqual(expect.arrayContaining(['starting up', 'a warning on stderr', '[1, 2, 3]', '{not json}']));
    expect(log.some((l) => l.includes('"step"'))).toBe(false);
  });

  it('gives the program its argv, config files and environment', async () => {
    const h = harness();
    const config = { lr: 1e-5, use_bn: true, opt: { name: 'adam', beta: 0.9 } };
    const outcome = await run(
      {
        program: 'report.mjs',
        cwd: PROGRAMS,
        env: { FF_TEST_EXTRA: 'x', WANDB_RUN_ID: 'overridden' },
        command: ['${env}', '${interpreter}', '${program}', '${args}', '--json', '${args_json}', '--file', '${args_json_file}'],
      },
      config,
      h,
    );
    expect(outcome.status).toBe('finished');
    const seen = JSON.parse(readFileSync(join(h.dir, 'seen.json'), 'utf8'));
    const jsonFile = join(h.dir, 'wandb', 'sweep-sw1', 'config-sw1-0.json');
    const json = `{"lr": 1e-05, "use_bn": true, "opt": {"name": "adam", "beta": 0.9}}`;
    expect(seen.argv).toEqual(['--lr=1e-05', '--use_bn=True', "--opt={'name': 'adam', 'beta': 0.9}", '--json', json, '--file', jsonFile]);
    expect(seen.cwd).toBe(PROGRAMS);
    expect(seen.stdinIsClosed).toBe(true);
    expect(seen.env).toEqual({
      WANDB_SWEEP_ID: 'sw1',
      WANDB_RUN_ID: 'sw1-0',
      WANDB_DIR: h.dir,
      WANDB_SWEEP_PARAM_PATH: join(h.dir, 'wandb', 'sweep-sw1', 'config-sw1-0.yaml'),
      FF_SWEEP_ID: 'sw1',
      FF_TRIAL_ID: 'sw1-0',
      FF_TRIAL_NUMBER: '0',
      FF_TRIAL_ATTEMPT: '1',
      FF_CONFIG_PATH: join(h.dir, 'config.json'),
      FF_TRIAL_DIR: h.dir,
      FF_TEST_EXTRA: 'x',
    });
    expect(seen.paramYaml).toBe(
      'wandb_version: 1\n\nlr:\n  value: 1.0e-05\nuse_bn:\n  value: true\nopt:\n  value:\n    name: adam\n    beta: 0.9\n',
    );
    expect(JSON.parse(seen.configJson)).toEqual(config);
    expect(readFileSync(jsonFile, 'utf8')).toBe(json);
  });

  it('does not write the args JSON file when ${args_json_file} is not used', async () => {
    const h = harness();
    const outcome = await run({ program: join(PROGRAMS, 'report.mjs') }, { a: 1 }, h);
    expect(outcome.status).toBe('finished');
    expect(existsSync(join(h.dir, 'wandb', 'sweep-sw1', 'config-sw1-0.yaml'))).toBe(true);
    expect(existsSync(join(h.dir, 'wandb', 'sweep-sw1', 'config-sw1-0.json'))).toBe(false);
  });

  it('fails on a non-zero exit with the exit code and the stderr tail', async () => {
    const h = harness();
    const outcome = await run({ program: join(PROGRAMS, 'exit.mjs'), logTail: 3 }, { mode: 'code', code: 3, lines: 60 }, h);
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 3, stderrTail: 'error line 57\nerror line 58\nerror line 59' });
    expect(outcome.status === 'failed' && outcome.error).toMatch(/exit\.mjs.*exited with code 3/);
    expect(h.reports).toEqual([{ step: 0 }]);
    expect(readFileSync(join(h.dir, 'output.log'), 'utf8')).toContain('error line 0\n');
  });

  it('fails when the program is killed by a signal it was not sent by a stop', async () => {
    const h = harness();
    const outcome = await run({ program: join(PROGRAMS, 'exit.mjs') }, { mode: 'signal' }, h);
    expect(outcome).toMatchObject({ status: 'failed', exitCode: null });
    expect(outcome.status === 'failed' && outcome.error).toContain('killed by SIGKILL');
  });

  it('fails with a clear message when the program cannot be started', async () => {
    const h = harness();
    const outcome = await run({ command: ['/nonexistent/ff-no-such-program', '${args}'] }, { a: 1 }, h);
    expect(outcome.status).toBe('failed');
    const error = outcome.status === 'failed' ? outcome.error : '';
    expect(error).toContain('"/nonexistent/ff-no-such-program"');
    expect(error).toContain('["/nonexistent/ff-no-such-program","--a=1"]');
    expect(error).toContain('ENOENT');
  });

  it('does not start anything when the signal is already aborted', async () => {
    const h = harness();
    h.controller.abort('cancelled');
    const outcome = await run({ program: join(PROGRAMS, 'report.mjs') }, { a: 1 }, h);
    expect(outcome).toEqual({ status: 'stopped', reason: 'cancelled' });
    expect(existsSync(join(h.dir, 'seen.json'))).toBe(false);
    expect(h.reports).toEqual([]);
  });

  it('stops a running trial: SIGTERM to the group, and its own children die too', async () => {
    const h = harness();
    const done = run({ program: join(PROGRAMS, 'tree.mjs'), graceMs: 10000 }, {}, h);
    const ready = (await h.firstReport) as { pid: number; grandchild: number };
    expect(isAlive(ready.grandchild)).toBe(true);
    h.controller.abort('hyperband: below threshold');
    const outcome = await done;
    expect(outcome).toEqual({ status: 'stopped', reason: 'hyperband: below threshold' });
    expect(await isGone(ready.pid)).toBe(true);
    expect(await isGone(ready.grandchild)).toBe(true);
    expect(readFileSync(join(h.dir, 'output.log'), 'utf8')).toContain('grandchild got SIGTERM');
  });

  it('kills what a program leaves behind in its group when it exits', async () => {
    const h = harness();
    const outcome = await run({ program: join(PROGRAMS, 'tree.mjs') }, { exit: true }, h);
    expect(outcome).toEqual({ status: 'finished' });
    const ready = h.reports[0] as { grandchild: number };
    expect(await isGone(ready.grandchild)).toBe(true);
  });

  it('sends SIGKILL after the grace period to a program that ignores SIGTERM', async () => {
    const h = harness();
    const done = run({ program: join(PROGRAMS, 'ignore-term.mjs'), graceMs: 300 }, {}, h);
    const ready = (await h.firstReport) as { pid: number };
    h.controller.abort();
    const outcome = await done;
    expect(outcome.status).toBe('stopped');
    expect(await isGone(ready.pid)).toBe(true);
    expect(readFileSync(join(h.dir, 'output.log'), 'utf8')).toContain('got SIGTERM, ignoring it');
  });

  it('keeps steps in order when reports are slow, and waits for all of them', async () => {
    const delivered: number[] = [];
    const h = harness(async (m, i) => {
      await new Promise((r) => setTimeout(r, i === 0 ? 100 : 1));
      delivered.push(m.step as number);
    });
    const outcome = await run({ program: join(PROGRAMS, 'report.mjs') }, {}, h);
    expect(outcome.status).toBe('finished');
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
  });

  it('goes on when a report cannot be stored, and notes it in the log', async () => {
    const h = harness((_m, i) => {
      if (i === 1) throw new Error('store is down');
    });
    const outcome = await run({ program: join(PROGRAMS, 'report.mjs') }, {}, h);
    expect(outcome.status).toBe('finished');
    expect(h.reports).toHaveLength(5);
    expect(readFileSync(join(h.dir, 'output.log'), 'utf8')).toContain('could not record a step: store is down');
  });

  it('runs a Python program with W&B-style flags when Python is installed', async () => {
    const h = harness();
    const outcome = await run(
      { program: 'train.py', cwd: PROGRAMS },
      { lr: 1e-5, flag: true, opt: { a: [1, 2.5] } },
      h,
    );
    const python = findOnPath('python') ?? findOnPath('python3');
    if (python !== undefined) {
      expect(outcome).toEqual({ status: 'finished' });
      expect(h.reports).toEqual([{ lr: 1e-5, flag: 'True', opt: "{'a': [1, 2.5]}", loss: NaN }]);
      expect(readFileSync(join(h.dir, 'output.log'), 'utf8')).toContain('python sees');
    } else {
      // No Python here: the default command still runs `/usr/bin/env python ...` and says what is missing.
      expect(outcome.status).toBe('failed');
      expect(outcome.status === 'failed' && outcome.error).toContain('python');
    }
  });
});
