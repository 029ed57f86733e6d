import { delimiter, join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  DEFAULT_COMMAND,
  buildMacroVars,
  commandUsesMacro,
  defaultInterpreter,
  expandCommand,
  findOnPath,
  substituteEnvVars,
} from '../../../src/executor/macros.js';
import type { ParamValue } from '../../../src/core/params.js';

const config: Record<string, ParamValue> = {
  lr: 1e-5,
  epochs: 10,
  use_bn: true,
  dropout: false,
  name: 'resnet',
  layers: [64, 128],
  optimizer: { type: 'adam', beta: 0.9 },
  seed: null,
};
const vars = buildMacroVars({ config, program: 'train.py', interpreter: ['python'], argsJsonFile: '/d/config-r1.json', platform: 'linux' });
const env = { HOME_DIR: '/home/u', EMPTY: '' };

describe('expandCommand', () => {
  it.each<[string, readonly string[] | undefined, string[]]>([
    [
      'default template',
      undefined,
      [
        '/usr/bin/env',
        'python',
        'train.py',
        '--lr=1e-05',
        '--epochs=10',
        '--use_bn=True',
        '--dropout=False',
        '--name=resnet',
        '--layers=[64, 128]',
        "--optimizer={'type': 'adam', 'beta': 0.9}",
        '--seed=None',
      ],
    ],
    ['empty template means the default', [], expandCommand(undefined, vars, env)],
    [
      '${args_no_hyphens}',
      ['${args_no_hyphens}'],
      ['lr=1e-05', 'epochs=10', 'use_bn=True', 'dropout=False', 'name=resnet', 'layers=[64, 128]', "optimizer={'type': 'adam', 'beta': 0.9}", 'seed=None'],
    ],
    [
      '${args_no_equals}',
      ['${args_no_equals}'],
      ['--lr', '1e-05', '--epochs', '10', '--use_bn', 'True', '--dropout', 'False', '--name', 'resnet', '--layers', '[64, 128]', '--optimizer', "{'type': 'adam', 'beta': 0.9}", '--seed', 'None'],
    ],
    [
      '${args_no_boolean_flags}: true → flag, false → omitted',
      ['${args_no_boolean_flags}'],
      ['--lr=1e-05', '--epochs=10', '--use_bn', '--name=resnet', '--layers=[64, 128]', "--optimizer={'type': 'adam', 'beta': 0.9}", '--seed=None'],
    ],
    [
      '${args_json}: one element',
      ['${args_json}'],
      ['{"lr": 1e-05, "epochs": 10, "use_bn": true, "dropout": false, "name": "resnet", "layers": [64, 128], "optimizer": {"type": "adam", "beta": 0.9}, "seed": null}'],
    ],
    ['${args_json_file}', ['--config', '${args_json_file}'], ['--config', '/d/config-r1.json']],
    ['${args_append_hydra}', ['${args_append_hydra}'], ['+lr=1e-05', '+epochs=10', '+use_bn=True', '+dropout=False', '+name=resnet', '+layers=[64, 128]', "+optimizer={'type': 'adam', 'beta': 0.9}", '+seed=None']],
    ['${args_override_hydra}', ['${args_override_hydra}'], ['++lr=1e-05', '++epochs=10', '++use_bn=True', '++dropout=False', '++name=resnet', '++layers=[64, 128]', "++optimizer={'type': 'adam', 'beta': 0.9}", '++seed=None']],
    ['${env} ${interpreter} ${program}', ['${env}', '${interpreter}', '${program}'], ['/usr/bin/env', 'python', 'train.py']],
    ['unknown macro → nothing', ['a', '${nope}', '${}', '${args_dict}', 'b'], ['a', 'b']],
    ['embedded macros are not expanded', ['--prog=${program}', '${program}.bak', 'x ${args} y'], ['--prog=${program}', '${program}.bak', 'x ${args} y']],
    ['plain elements pass through', ['python', '-u', 'main.py'], ['python', '-u', 'main.py']],
    ['${envvar:NAME} set', ['${envvar:HOME_DIR}/data', '--x=${envvar:HOME_DIR}${envvar:HOME_DIR}'], ['/home/u/data', '--x=/home/u/home/u']],
    ['${envvar:NAME} set to empty', ['a${envvar:EMPTY}b'], ['ab']],
    ['${envvar:NAME} unset → the name itself', ['${envvar:FF_SURELY_UNSET_VAR}/x'], ['FF_SURELY_UNSET_VAR/x']],
    ['${envvar:...} only for [A-Z0-9_] names', ['x${envvar:lower}'], ['x${envvar:lower}']],
    ['an unsubstituted ${envvar:lower} element is an unknown macro', ['${envvar:lower}'], []],
    ['envvar first: a variable holding a macro becomes that macro', ['${envvar:WHICH}'], ['/usr/bin/env']],
  ])('%s', (_name, template, want) => {
    expect(expandCommand(template, vars, { ...env, WHICH: '${env}' })).toEqual(want);
  });

  it('omits ${env} on Windows', () => {
    const win = buildMacroVars({ config: {}, program: 'p.py', interpreter: ['python'], platform: 'win32' });
    expect(expandCommand(undefined, win, {})).toEqual(['python', 'p.py']);
  });

  it('expands ${program} to nothing when there is no program, and ${args} to nothing for an empty config', () => {
    const v = buildMacroVars({ config: {}, interpreter: ['python'], platform: 'linux' });
    expect(expandCommand(DEFAULT_COMMAND, v, {})).toEqual(['/usr/bin/env', 'python']);
    expect(expandCommand(['${args_json}'], v, {})).toEqual(['{}']);
  });

  it('does not define ${args_json_file} without a path', () => {
    const v = buildMacroVars({ config: { a: 1 }, interpreter: ['python'], platform: 'linux' });
    expect(expandCommand(['${args_json_file}'], v, {})).toEqual([]);
  });

  it('does not change the template it was given', () => {
    const template = ['${envvar:HOME_DIR}', '${args}'];
    expandCommand(template, vars, env);
    expect(template).toEqual(['${envvar:HOME_DIR}', '${args}']);
  });
});

describe('substituteEnvVars / commandUsesMacro', () => {
  it('substitutes every occurrence', () => {
    expect(substituteEnvVars('${envvar:A}-${envvar:B}-${envvar:A}', { A: '1' })).toBe('1-B-1');
  });

  it('detects a macro used as a whole element, after env substitution', () => {
    expect(commandUsesMacro(['x', '${args_json_file}'], 'args_json_file', {})).toBe(true);
    expect(commandUsesMacro(['--f=${args_json_file}'], 'args_json_file', {})).toBe(false);
    expect(commandUsesMacro(['${envvar:M}'], 'args_json_file', { M: '${args_json_file}' })).toBe(true);
    expect(commandUsesMacro(undefined, 'program', {})).toBe(true);
    expect(commandUsesMacro(['node', 'x.js'], 'program', {})).toBe(false);
  });
});

describe('defaultInterpreter', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'ff-bin-'));
    writeFileSync(join(bin, 'python3'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it.each<[string | undefined, string]>([
    ['train.js', process.execPath],
    ['train.mjs', process.execPath],
    ['x/train.CJS', process.execPath],
    ['run.sh', 'bash'],
  ])('%s → %s', (program, want) => {
    expect(defaultInterpreter(program, { PATH: bin })).toEqual([want]);
  });

  it('uses python3 for .py, unknown extensions and no program when python is not on PATH', () => {
    expect(defaultInterpreter('train.py', { PATH: bin })).toEqual(['python3']);
    expect(defaultInterpreter('train', { PATH: bin })).toEqual(['python3']);
    expect(defaultInterpreter(undefined, { PATH: bin })).toEqual(['python3']);
  });

  it('prefers python, and says python when neither is on PATH (as W&B does)', () => {
    writeFileSync(join(bin, 'python'), '#!/bin/sh\n', { mode: 0o755 });
    expect(defaultInterpreter('train.py', { PATH: bin })).toEqual(['python']);
    expect(defaultInterpreter('train.py', { PATH: '' })).toEqual(['python']);
  });

  it('findOnPath skips directories without the file and non-executables', () => {
    const other = mkdtempSync(join(tmpdir(), 'ff-bin-'));
    try {
      writeFileSync(join(other, 'tool'), 'x', { mode: 0o644 });
      expect(findOnPath('tool', { PATH: [other, bin].join(delimiter) })).toBeUndefined();
      expect(findOnPath('python3', { PATH: [other, bin].join(delimiter) })).toBe(join(bin, 'python3'));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
