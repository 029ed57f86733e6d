import { parseSweepText } from '../../../src/config/index.js';
import type { ParamSpec } from '../../../src/core/params.js';

/** Resolve one parameter written as YAML flow text, e.g. `{min: 1, max: 10}`, under method random. */
function param(flow: string): ParamSpec {
  const r = parseSweepText(`method: random\nparameters:\n  p: ${flow}\n`, 'infer.yaml');
  expect(r.violations).toEqual([]);
  expect(r.sweep?.parameters).toHaveLength(1);
  return r.sweep!.parameters[0]!;
}

describe('distribution inference (W&B first-matching-form order)', () => {
  const rows: [string, string, Record<string, unknown>][] = [
    ['{min: 1, max: 10}', 'int_uniform', { min: 1, max: 10 }],
    ['{min: 1.0, max: 10.0}', 'uniform', { min: 1, max: 10 }],
    ['{min: 0, max: 1.5}', 'uniform', { min: 0, max: 1.5 }],
    ['{min: 0.5, max: 2}', 'uniform', { min: 0.5, max: 2 }],
    ['{min: 1e-4, max: 1e-2}', 'uniform', { min: 0.0001, max: 0.01 }],
    ['{min: 1, max: 1e5}', 'uniform', { min: 1, max: 100000 }],
    ['{distribution: uniform, min: 0, max: 10}', 'uniform', { min: 0, max: 10 }],
    ['{distribution: int_uniform, min: -3, max: 3}', 'int_uniform', { min: -3, max: 3 }],
    ['{values: [a, 1, 2.5, true, null]}', 'categorical', { values: ['a', 1, 2.5, true, null] }],
    ['{distribution: categorical, values: [[1, 2], {x: 1}]}', 'categorical', { values: [[1, 2], { x: 1 }] }],
    ['{values: [x, y], probabilities: [0.25, 0.75]}', 'categorical_w_probabilities', { values: ['x', 'y'], probabilities: [0.25, 0.75] }],
    ['{value: 42}', 'constant', { value: 42 }],
    ['{value: {nested: [1, 2]}}', 'constant', { value: { nested: [1, 2] } }],
    ['{value: null}', 'constant', { value: null }],
    ['{distribution: constant, value: adam}', 'constant', { value: 'adam' }],
    ['{distribution: q_uniform, min: 0, max: 10, q: 2}', 'q_uniform', { min: 0, max: 10, q: 2, qIsInt: true }],
    ['{distribution: q_uniform, min: 0, max: 10, q: 2.0}', 'q_uniform', { q: 2, qIsInt: false }],
    // W&B's schema default for q is 1.0 (a float), so an omitted q gives float outputs there too.
    ['{distribution: q_uniform, min: 0, max: 10}', 'q_uniform', { q: 1, qIsInt: false }],
    ['{distribution: log_uniform_values, min: 1e-5, max: 0.1}', 'log_uniform_values', { min: 0.00001, max: 0.1 }],
    ['{distribution: inv_log_uniform_values, min: 0.01, max: 1}', 'inv_log_uniform_values', { min: 0.01, max: 1 }],
    ['{distribution: q_log_uniform_values, min: 1, max: 256, q: 8}', 'q_log_uniform_values', { q: 8, qIsInt: true }],
    ['{distribution: normal}', 'normal', { mu: 0, sigma: 1 }],
    ['{distribution: normal, mu: 2, sigma: 0.5}', 'normal', { mu: 2, sigma: 0.5 }],
    ['{distribution: log_normal, mu: -1}', 'log_normal', { mu: -1, sigma: 1 }],
    ['{distribution: q_normal, q: 0.5}', 'q_normal', { mu: 0, sigma: 1, q: 0.5, qIsInt: false }],
    ['{distribution: q_log_normal, q: 3}', 'q_log_normal', { q: 3, qIsInt: true }],
    ['{distribution: beta}', 'beta', { a: 1, b: 1 }],
    ['{distribution: beta, a: 2, b: 5.5}', 'beta', { a: 2, b: 5.5 }],
    ['{distribution: q_beta, q: 0.1}', 'q_beta', { a: 1, b: 1, q: 0.1, qIsInt: false }],
    ['{distribution: log_uniform, min: -9.2, max: -2.3}', 'log_uniform', { min: -9.2, max: -2.3 }],
    ['{distribution: inv_log_uniform, min: 0, max: 5}', 'inv_log_uniform', { min: 0, max: 5 }],
    ['{distribution: q_log_uniform, min: 0, max: 5, q: 1}', 'q_log_uniform', { q: 1, qIsInt: true }],
  ];
  it.each(rows)('%s → %s', (flow, distribution, fields) => {
    const spec = param(flow);
    expect(spec.distribution).toBe(distribution);
    expect(spec).toMatchObject({ name: 'p', path: ['p'], ...fields });
  });

  it('reads 1e-4 and 1e5 as numbers (YAML 1.2), unlike PyYAML', () => {
    const spec = param('{distribution: uniform, min: 1e-4, max: 1e5}');
    expect(spec).toMatchObject({ min: 1e-4, max: 1e5 });
    expect(typeof (spec as { min: unknown }).min).toBe('number');
  });

  it('warns that the v1 log forms are deprecated and names the _values form', () => {
    const r = parseSweepText('method: random\nparameters:\n  lr: {distribution: q_log_uniform, min: -5, max: 0}\n', 'w.yaml');
    expect(r.violations).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.path).toBe('parameters.lr.distribution');
    expect(r.warnings[0]!.message).toMatch(/deprecated.*q_log_uniform_values/);
  });

  it('flattens nested parameter dicts: keys sorted at each level, depth first, dotted names', () => {
    const yaml = [
      'method: random',
      'parameters:',
      '  zeta: {value: 1}',
      '  optimizer:',
      '    parameters:',
      '      type: {values: [adam, sgd]}',
      '      beta:',
      '        parameters:',
      '          b2: {min: 0.9, max: 0.999}',
      '          b1: {min: 0.8, max: 0.95}',
      '      lr: {min: 1, max: 3}',
      '  alpha: {values: [1, 2]}',
      '  a.b: {value: x}',
    ].join('\n');
    const r = parseSweepText(yaml, 'nested.yaml');
    expect(r.violations).toEqual([]);
    const specs = r.sweep!.parameters;
    expect(specs.map((s) => s.name)).toEqual(['a.b', 'alpha', 'optimizer.beta.b1', 'optimizer.beta.b2', 'optimizer.lr', 'optimizer.type', 'zeta']);
    expect(specs.map((s) => s.path)).toEqual([['a.b'], ['alpha'], ['optimizer', 'beta', 'b1'], ['optimizer', 'beta', 'b2'], ['optimizer', 'lr'], ['optimizer', 'type'], ['zeta']]);
    expect(specs[4]!.distribution).toBe('int_uniform');
  });
});

describe('forms that match nothing', () => {
  function violations(flow: string) {
    const r = parseSweepText(`method: random\nparameters:\n  p: ${flow}\n`, 'bad.yaml');
    expect(r.sweep).toBeUndefined();
    return r.violations;
  }
  it('int_uniform with a float bound is a violation naming the bound', () => {
    const v = violations('{distribution: int_uniform, min: 1.0, max: 10}');
    expect(v).toEqual([expect.objectContaining({ path: 'parameters.p.min', value: 1, message: expect.stringMatching(/integer.*got a float/) })]);
  });
  it('an unknown key names the distribution, the valid keys, and a close match', () => {
    const v = violations('{distribution: uniform, min: 0, maxx: 1}');
    expect(v.map((x) => x.message)).toEqual([
      "unknown key 'maxx' for distribution uniform (did you mean 'max'?); valid keys: distribution, min, max",
      "distribution uniform needs 'max'",
    ]);
    expect(v[0]!.path).toBe('parameters.p.maxx');
  });
  it('an unknown distribution lists the valid ones', () => {
    const v = violations('{distribution: log_uniform_value, min: 1, max: 2}');
    expect(v).toHaveLength(1);
    expect(v[0]!.path).toBe('parameters.p.distribution');
    expect(v[0]!.message).toMatch(/did you mean 'log_uniform_values'\?.*int_uniform/);
  });
  it('q without a distribution, mixed forms, empty dicts and scalars are explained', () => {
    expect(violations('{min: 0, max: 10, q: 2}')[0]!.message).toMatch(/unknown key 'q'.*explicit distribution such as q_uniform/);
    expect(violations('{value: 1, values: [1, 2]}')[0]!.message).toMatch(/mixes the forms/);
    expect(violations('{}')[0]!.message).toMatch(/cannot infer a distribution/);
    expect(violations('{mu: 1}')[0]!.message).toMatch(/need an explicit distribution/);
    expect(violations('0.1')[0]).toMatchObject({ path: 'parameters.p', value: 0.1 });
    expect(violations('{values: oops}')[0]).toMatchObject({ path: 'parameters.p.values', message: expect.stringMatching(/must be a list/) });
  });
});

describe('YAML number details', () => {
  it('!!float forces a float; hex is an int; YAML anchors and merge keys work', () => {
    const r2 = parseSweepText('method: random\nparameters:\n  f: {min: !!float 1, max: 4}\n  h: {min: 0, max: 0x10}\n  i: {min: !!float .inf, max: 1}\n', 'n.yaml');
    expect(r2.violations).toEqual([expect.objectContaining({ path: 'parameters.i.min', message: 'min must be a finite number' })]);
    const r3 = parseSweepText('method: random\nparameters:\n  a: &b {min: 1, max: 4}\n  f: {min: !!float 1, max: 4}\n  h: {min: 0, max: 0x10}\n  m:\n    <<: *b\n', 'n.yaml');
    expect(r3.sweep?.parameters.map((p) => [p.name, p.distribution])).toEqual([
      ['a', 'int_uniform'],
      ['f', 'uniform'],
      ['h', 'int_uniform'],
      ['m', 'int_uniform'],
    ]);
    expect(parseSweepText('method: random\nparameters:\n  f: {min: !!float x, max: 4}\n', 'n.yaml').violations[0]!.message).toMatch(/n\.yaml:3:\d+: .*!!float needs a number/);
  });
});
