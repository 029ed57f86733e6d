import { join } from 'node:path';
import { commandTrialPaths, trialEnvironment, wandbConfigYaml } from '../../../src/executor/command-files.js';
import { CommandExecutor } from '../../../src/executor/command.js';
import type { TrialSpec } from '../../../src/executor/types.js';

const trial: TrialSpec = { sweepId: 'abc', trialId: 'abc-7', number: 7, attempt: 2, params: { lr: 0.1 }, config: { lr: 0.1 } };

describe('wandbConfigYaml', () => {
  it('writes wandb_version, a blank line, then {k: {value: v}} in key order', () => {
    expect(wandbConfigYaml({ lr: 1e-5, epochs: 3, opt: { name: 'sgd', nesterov: false }, tags: ['a', 'b'], none: null })).toBe(
      [
        'wandb_version: 1',
        '',
        'lr:',
        '  value: 1.0e-05',
        'epochs:',
        '  value: 3',
        'opt:',
        '  value:',
        '    name: sgd',
        '    nesterov: false',
        'tags:',
        '  value:',
        '    - a',
        '    - b',
        'none:',
        '  value: null',
        '',
      ].join('\n'),
    );
  });

  it('quotes strings that a YAML 1.1 reader (PyYAML) would take for booleans or numbers', () => {
    const text = wandbConfigYaml({ a: 'yes', b: 'on', c: '1e-5', d: '0x1f' });
    expect(text).toContain('value: "yes"');
    expect(text).toContain('value: "on"');
    expect(text).toContain('value: "1e-5"');
    expect(text).toContain('value: "0x1f"');
  });

  it('writes only the header for an empty config (as W&B does)', () => {
    expect(wandbConfigYaml({})).toBe('wandb_version: 1');
  });
});

describe('commandTrialPaths / trialEnvironment', () => {
  const paths = commandTrialPaths(trial, '/runs/t7');

  it('puts the W&B files where the agent does, under WANDB_DIR', () => {
    expect(paths).toEqual({
      dir: '/runs/t7',
      paramYaml: join('/runs/t7', 'wandb', 'sweep-abc', 'config-abc-7.yaml'),
      argsJson: join('/runs/t7', 'wandb', 'sweep-abc', 'config-abc-7.json'),
      configJson: join('/runs/t7', 'config.json'),
      log: join('/runs/t7', 'output.log'),
    });
  });

  it('layers base env, executor env, then the trial variables; drops WANDB_SERVICE', () => {
    const env = trialEnvironment(trial, paths, { PATH: '/bin', UNSET: undefined, WANDB_SERVICE: 'x', A: 'base' }, { A: 'extra', FF_TRIAL_ID: 'no' });
    expect(env).toEqual({
      PATH: '/bin',
      A: 'extra',
      WANDB_SWEEP_ID: 'abc',
      WANDB_RUN_ID: 'abc-7',
      WANDB_DIR: '/runs/t7',
      WANDB_SWEEP_PARAM_PATH: paths.paramYaml,
      FF_SWEEP_ID: 'abc',
      FF_TRIAL_ID: 'abc-7',
      FF_TRIAL_NUMBER: '7',
      FF_TRIAL_ATTEMPT: '2',
      FF_CONFIG_PATH: paths.configJson,
      FF_TRIAL_DIR: '/runs/t7',
    });
  });
});

describe('CommandExecutor options', () => {
  it('rejects a command that needs ${program} when there is none, naming the fix', () => {
    expect(() => new CommandExecutor({})).toThrow(/no `program`.*\$\{program\}.*add `program: <script>`/s);
    expect(() => new CommandExecutor({ command: ['python', '${program}'] })).toThrow(/\$\{program\}/);
    expect(() => new CommandExecutor({ command: ['python', '-m', 'train', '${args}'] })).not.toThrow();
  });

  it('rejects a negative grace period or tail length', () => {
    expect(() => new CommandExecutor({ program: 'x.py', graceMs: -1 })).toThrow(/graceMs/);
    expect(() => new CommandExecutor({ program: 'x.py', logTail: 1.5 })).toThrow(/logTail/);
  });
});
