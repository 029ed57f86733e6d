import { parseSweepText } from '../../../src/config/index.js';
import type { Violation } from '../../../src/core/errors.js';

/** Violations of a config built from a method, extra top-level YAML and a parameters block. */
function check(yaml: string): { violations: Violation[]; warnings: Violation[] } {
  return parseSweepText(yaml, 'rules.yaml');
}
function paramViolations(method: string, params: string): Violation[] {
  const metric = method === 'bayes' ? 'metric: {name: loss}\n' : '';
  return check(`method: ${method}\n${metric}parameters:\n${params}`).violations;
}
const only = (vs: Violation[]) => {
  expect(vs).toHaveLength(1);
  return vs[0]!;
};

describe('parameter value rules', () => {
  it('min must be < max (equal is an error too), for every min/max form', () => {
    expect(only(paramViolations('random', '  p: {min: 5, max: 1}\n'))).toMatchObject({ path: 'parameters.p', message: 'min must be < max', value: { min: 5, max: 1 } });
    expect(only(paramViolations('random', '  p: {min: 1.5, max: 1.5}\n')).message).toMatch(/min must be < max/);
    expect(only(paramViolations('random', '  p: {distribution: log_uniform, min: 0, max: -1}\n')).message).toMatch(/min must be < max/);
  });
  it('values and probabilities: same length, each >= 0, sum close to 1', () => {
    expect(only(paramViolations('random', '  p: {values: [a, b], probabilities: [0.5, 0.4]}\n'))).toMatchObject({
      path: 'parameters.p.probabilities',
      message: 'probabilities must sum to 1 (sum is 0.9)',
      value: [0.5, 0.4],
    });
    expect(only(paramViolations('random', '  p: {values: [a, b, c], probabilities: [0.5, 0.5]}\n')).message).toMatch(/same length \(3 values, 2 probabilities\)/);
    expect(only(paramViolations('random', '  p: {values: [a, b], probabilities: [1.5, -0.5]}\n'))).toMatchObject({ path: 'parameters.p.probabilities[1]', value: -0.5 });
    // numpy isclose tolerance: 1e-9 off is fine.
    expect(paramViolations('random', '  p: {values: [a, b, c], probabilities: [0.333333333, 0.333333333, 0.333333334]}\n')).toEqual([]);
  });
  it('values must be non-empty', () => {
    expect(only(paramViolations('random', '  p: {values: []}\n'))).toMatchObject({ path: 'parameters.p.values', message: expect.stringMatching(/at least one/) });
  });
  it('sigma >= 0, q > 0, log _values forms need min > 0, beta a/b > 0', () => {
    expect(only(paramViolations('random', '  p: {distribution: normal, sigma: -1}\n'))).toMatchObject({ path: 'parameters.p.sigma', message: 'sigma must be >= 0' });
    expect(paramViolations('random', '  p: {distribution: normal, sigma: 0}\n')).toEqual([]);
    expect(only(paramViolations('random', '  p: {distribution: q_uniform, min: 0, max: 1, q: 0}\n'))).toMatchObject({ path: 'parameters.p.q', message: 'q must be > 0' });
    expect(only(paramViolations('random', '  p: {distribution: log_uniform_values, min: 0, max: 1}\n')).path).toBe('parameters.p.min');
    expect(only(paramViolations('random', '  p: {distribution: q_log_uniform_values, min: -1, max: 1}\n')).message).toMatch(/min must be > 0/);
    expect(only(paramViolations('random', '  p: {distribution: beta, a: 0}\n')).path).toBe('parameters.p.a');
  });
  it('bounds must be finite', () => {
    expect(only(paramViolations('random', '  p: {min: 0, max: .inf}\n'))).toMatchObject({ path: 'parameters.p.max', message: 'max must be a finite number' });
  });
  it('parameter names must match the W&B pattern, at every level', () => {
    const vs = paramViolations('random', '  1st: {value: 1}\n  g:\n    parameters:\n      "bad name": {value: 2}\n');
    expect(vs.map((v) => v.path)).toEqual(['parameters.1st', 'parameters.g.parameters.bad name']);
    expect(vs[0]!.message).toContain('^[A-Za-z_][A-Za-z0-9_.-]*$');
  });
  it('a flat dotted name that equals a nested path is a clash', () => {
    const v = only(paramViolations('random', '  a:\n    parameters:\n      b: {value: 1}\n  a.b: {value: 2}\n'));
    expect(v.path).toBe('parameters.a.b');
    expect(v.message).toMatch(/clashes with parameters\.a\.parameters\.b/);
  });
  it('parameters is required with at least one entry, nested groups too', () => {
    expect(only(check('method: random\n').violations)).toMatchObject({ path: 'parameters', message: expect.stringMatching(/required/) });
    expect(only(check('method: random\nparameters: {}\n').violations).message).toMatch(/at least one parameter/);
    expect(only(paramViolations('random', '  g: {parameters: {}}\n')).path).toBe('parameters.g.parameters');
  });
});

describe('method rules', () => {
  it('method must be grid, random or bayes', () => {
    expect(only(check('method: grd\nparameters: {p: {value: 1}}\n').violations)).toMatchObject({
      path: 'method',
      value: 'grd',
      message: "must be one of grid, random, bayes (did you mean 'grid'?)",
    });
    expect(only(check('parameters: {p: {value: 1}}\n').violations).message).toBe('method is required: one of grid, random, bayes');
  });
  it('grid accepts only constant, categorical, int_uniform and q_uniform', () => {
    const ok = '  a: {value: 1}\n  b: {values: [1, 2]}\n  c: {min: 1, max: 3}\n  d: {distribution: q_uniform, min: 0, max: 1, q: 0.25}\n';
    expect(paramViolations('grid', ok)).toEqual([]);
    const v = only(paramViolations('grid', '  lr: {min: 0.0, max: 1.0}\n'));
    expect(v).toMatchObject({ path: 'parameters.lr', value: 'uniform' });
    expect(v.message).toMatch(/grid search cannot enumerate distribution uniform; grid needs values .*int_uniform or q_uniform/);
    expect(only(paramViolations('grid', '  g: {parameters: {x: {distribution: normal}}}\n')).path).toBe('parameters.g.parameters.x');
  });
  it('grid does not allow categorical_w_probabilities', () => {
    expect(only(paramViolations('grid', '  p: {values: [1, 2], probabilities: [0.5, 0.5]}\n')).message).toMatch(/grid search cannot use probabilities/);
  });
  it('bayes needs a metric and at least one non-constant parameter', () => {
    expect(only(check('method: bayes\nparameters: {p: {values: [1, 2]}}\n').violations)).toMatchObject({ path: 'metric', message: expect.stringMatching(/bayes needs a metric/) });
    expect(only(paramViolations('bayes', '  p: {value: 1}\n')).message).toMatch(/at least one searchable parameter/);
    expect(paramViolations('bayes', '  p: {value: 1}\n  q: {min: 0, max: 3}\n')).toEqual([]);
  });
});

describe('top-level sections', () => {
  const base = 'method: random\nparameters: {p: {values: [1]}}\n';
  it('unknown top-level keys are violations listing the valid keys; W&B extras are tolerated', () => {
    const r = check(`${base}paramters: {}\nfoo: 1\ncontroller: {type: local}\nkind: sweep\napiVersion: v1\njob: j\nimage_uri: i\n`);
    expect(r.violations.map((v) => v.path)).toEqual(['paramters', 'foo']);
    expect(r.violations[0]!.message).toBe(
      "unknown top-level key 'paramters' (did you mean 'parameters'?); valid keys: program, method, metric, parameters, early_terminate, run_cap, command, name, description, project, entity",
    );
    expect(r.warnings.map((w) => w.path)).toEqual(['controller', 'job', 'image_uri']);
  });
  it('W&B scheduler/metrics (custom methods) are reported as unsupported', () => {
    expect(check(`${base}scheduler: {engine: optuna}\n`).violations[0]!.message).toMatch(/not supported/);
  });
  it('metric: name required, goal minimize|maximize, target a number, impute enums, no unknown keys', () => {
    expect(only(check(`${base}metric: {goal: maximize}\n`).violations)).toMatchObject({ path: 'metric', message: expect.stringMatching(/metric.name is required/) });
    expect(only(check(`${base}metric: {name: acc, goal: maximise}\n`).violations)).toMatchObject({
      path: 'metric.goal',
      message: "must be one of minimize, maximize (did you mean 'maximize'?)",
    });
    expect(only(check(`${base}metric: {name: acc, target: high}\n`).violations).path).toBe('metric.target');
    expect(only(check(`${base}metric: {name: acc, impute: mean}\n`).violations).path).toBe('metric.impute');
    expect(only(check(`${base}metric: {name: acc, nmae: x}\n`).violations).path).toBe('metric.nmae');
    const ok = parseSweepText(`${base}metric: {name: acc, goal: maximize, target: 0.9, impute: best, impute_while_running: false}\n`, 'm.yaml');
    expect(ok.sweep?.metric).toEqual({ name: 'acc', goal: 'maximize', target: 0.9, impute: 'best', imputeWhileRunning: 'false' });
    expect(parseSweepText(`${base}metric: {name: loss}\n`, 'm.yaml').sweep?.metric).toEqual({ name: 'loss', goal: 'minimize', impute: 'worst', imputeWhileRunning: 'false' });
  });
  it('run_cap must be a positive integer', () => {
    expect(only(check(`${base}run_cap: 0\n`).violations)).toMatchObject({ path: 'run_cap', value: 0 });
    expect(only(check(`${base}run_cap: 2.5\n`).violations).path).toBe('run_cap');
    expect(parseSweepText(`${base}run_cap: 20\n`, 'r.yaml').sweep?.runCap).toBe(20);
  });
  it('command must be a list of strings; program/name/... must be strings', () => {
    expect(only(check(`${base}command: python train.py\n`).violations).path).toBe('command');
    expect(only(check(`${base}command: [python, 3]\n`).violations)).toMatchObject({ path: 'command[1]', value: 3 });
    expect(only(check(`${base}program: [a]\n`).violations).path).toBe('program');
    const r = parseSweepText(`${base}command: ['\${env}', python, '\${program}', '\${args}']\nprogram: t.py\nname: n\nproject: p\nentity: e\ndescription: d\n`, 'c.yaml');
    expect(r.sweep).toMatchObject({ command: ['${env}', 'python', '${program}', '${args}'], program: 't.py', name: 'n', project: 'p', entity: 'e', description: 'd' });
  });
});

describe('early_terminate', () => {
  const base = 'method: random\nmetric: {name: loss}\nparameters: {p: {values: [1]}}\n';
  it('needs type hyperband and min_iter, or max_iter with s; fills eta 3 and strict true', () => {
    expect(parseSweepText(`${base}early_terminate: {type: hyperband, min_iter: 3}\n`, 'e.yaml').sweep?.earlyTerminate).toEqual({
      type: 'hyperband',
      minIter: 3,
      eta: 3,
      strict: true,
    });
    expect(parseSweepText(`${base}early_terminate: {type: hyperband, max_iter: 27, s: 2, eta: 2, strict: false}\n`, 'e.yaml').sweep?.earlyTerminate).toEqual({
      type: 'hyperband',
      maxIter: 27,
      s: 2,
      eta: 2,
      strict: false,
    });
    expect(only(check(`${base}early_terminate: {type: median, min_iter: 3}\n`).violations)).toMatchObject({ path: 'early_terminate.type', value: 'median' });
    expect(only(check(`${base}early_terminate: {type: hyperband}\n`).violations).message).toBe('hyperband needs min_iter, or max_iter and s');
    expect(only(check(`${base}early_terminate: {type: hyperband, max_iter: 27}\n`).violations).path).toBe('early_terminate.s');
  });
  it('min_iter >= 1, eta > 1, strict boolean, bands must exist', () => {
    expect(only(check(`${base}early_terminate: {type: hyperband, min_iter: 0}\n`).violations).path).toBe('early_terminate.min_iter');
    expect(only(check(`${base}early_terminate: {type: hyperband, min_iter: 2, eta: 1}\n`).violations)).toMatchObject({ path: 'early_terminate.eta', message: 'eta must be a number > 1' });
    expect(only(check(`${base}early_terminate: {type: hyperband, min_iter: 2, strict: maybe}\n`).violations).path).toBe('early_terminate.strict');
    expect(only(check(`${base}early_terminate: {type: hyperband, max_iter: 2, s: 1, eta: 3}\n`).violations).message).toMatch(/no hyperband bands/);
  });
  it('unknown keys are only warnings (W&B strips them)', () => {
    const r = check(`${base}early_terminate: {type: hyperband, min_iter: 2, etaa: 4}\n`);
    expect(r.violations).toEqual([]);
    expect(only(r.warnings)).toMatchObject({ path: 'early_terminate.etaa', message: expect.stringMatching(/did you mean 'eta'/) });
  });
  it('needs a metric', () => {
    const v = only(check('method: random\nparameters: {p: {values: [1]}}\nearly_terminate: {type: hyperband, min_iter: 1}\n').violations);
    expect(v).toMatchObject({ path: 'metric', message: expect.stringMatching(/early_terminate.*needs a metric/) });
  });
});
