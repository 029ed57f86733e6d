import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { checkSweepFile, loadSweepFile, parseSweepText, resolveSweepObject } from '../../../src/config/index.js';
import { ConfigError, FFError, formatViolation, type Violation } from '../../../src/core/errors.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/config');
const fixture = (name: string) => join(fixtures, name);

describe('loading valid fixture files', () => {
  it('random-nested.yaml: every section resolved, parameters flattened in W&B order, frozen', () => {
    const s = loadSweepFile(fixture('random-nested.yaml'));
    expect(s).toMatchObject({
      source: fixture('random-nested.yaml'),
      method: 'random',
      program: 'train.py',
      name: 'nested-random',
      project: 'feature-forge',
      runCap: 50,
      metric: { name: 'val_loss', goal: 'minimize' },
      earlyTerminate: { type: 'hyperband', minIter: 3, eta: 3, strict: true },
      command: ['${env}', 'python', '${program}', '${args}'],
    });
    expect(s.parameters.map((p) => [p.name, p.distribution])).toEqual([
      ['batch_size', 'categorical'],
      ['dropout', 'uniform'],
      ['epochs', 'constant'],
      ['layers', 'int_uniform'],
      ['optimizer.lr', 'log_uniform_values'],
      ['optimizer.momentum', 'q_uniform'],
      ['optimizer.name', 'categorical_w_probabilities'],
    ]);
    expect(s.parameters[4]).toMatchObject({ min: 1e-5, max: 0.1 });
    expect(s.parameters[5]).toMatchObject({ q: 0.01, qIsInt: false });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.parameters)).toBe(true);
    expect(Object.isFrozen(s.parameters[6])).toBe(true);
    const weighted = s.parameters[6]!;
    expect(weighted.distribution === 'categorical_w_probabilities' && Object.isFrozen(weighted.probabilities)).toBe(true);
    expect(Object.isFrozen(s.raw.parameters)).toBe(true);
    expect(() => (s.parameters as unknown as unknown[]).push(1)).toThrow(TypeError);
  });

  it('raw is the document as plain JSON, ints as numbers', () => {
    const s = loadSweepFile(fixture('random-nested.yaml'));
    const raw = s.raw as { parameters: { layers: { min: unknown }; optimizer: { parameters: { lr: { min: unknown } } } } };
    expect(raw.parameters.layers.min).toBe(1);
    expect(raw.parameters.optimizer.parameters.lr.min).toBe(1e-5);
    expect(JSON.parse(JSON.stringify(s.raw))).toEqual(s.raw);
  });

  it('bayes.json: JSON keeps int vs float (50/500 → int_uniform, 0.5/1.0 → uniform, q: 1 → int outputs)', () => {
    const s = loadSweepFile(fixture('bayes.json'));
    const by = Object.fromEntries(s.parameters.map((p) => [p.name, p]));
    expect(by.n_estimators).toMatchObject({ distribution: 'int_uniform', min: 50, max: 500 });
    expect(by.learning_rate).toMatchObject({ distribution: 'uniform' });
    expect(by.subsample).toMatchObject({ distribution: 'uniform', min: 0.5, max: 1 });
    expect(by.max_depth).toMatchObject({ distribution: 'q_uniform', qIsInt: true });
    expect(by.seed).toMatchObject({ distribution: 'constant', value: 0 });
    expect(s.metric).toMatchObject({ name: 'accuracy', goal: 'maximize', target: 0.99 });
    expect(s.earlyTerminate).toEqual({ type: 'hyperband', maxIter: 27, s: 2, eta: 3, strict: true });
  });

  it('grid.yaml is a valid grid', () => {
    const s = loadSweepFile(fixture('grid.yaml'));
    expect(s.method).toBe('grid');
    expect(s.parameters.map((p) => p.distribution)).toEqual(['constant', 'int_uniform', 'q_uniform', 'categorical']);
  });

  it('legacy-v1.yaml loads with warnings (deprecated log forms, ignored controller)', () => {
    const warnings: Violation[] = [];
    const s = loadSweepFile(fixture('legacy-v1.yaml'), { onWarning: (w) => warnings.push(w) });
    expect(s.parameters.map((p) => p.distribution)).toEqual(['log_uniform', 'inv_log_uniform']);
    expect(warnings.map((w) => w.path).sort()).toEqual(['controller', 'parameters.lr.distribution', 'parameters.weight_decay.distribution']);
    expect(checkSweepFile(fixture('legacy-v1.yaml')).warnings).toHaveLength(3);
  });
});

describe('reporting every problem at once', () => {
  it('invalid-many.yaml: all problems, each with its path and value', () => {
    const r = checkSweepFile(fixture('invalid-many.yaml'));
    expect(r.sweep).toBeUndefined();
    const paths = r.violations.map((v) => v.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'method',
        'metric',
        'metric.goal',
        'run_cap',
        'paramters',
        'early_terminate.eta',
        'early_terminate',
        'command',
        'parameters.lr',
        'parameters.optimizer.probabilities',
        'parameters.layers.min',
        'parameters.model.parameters.depth.maxx',
        'parameters.model.parameters.depth',
        'parameters.2fast',
      ]),
    );
    expect(r.violations.length).toBeGreaterThanOrEqual(13);
    expect(r.violations.find((v) => v.path === 'method')).toMatchObject({ value: 'bayse', message: expect.stringContaining("did you mean 'bayes'") });
    expect(r.violations.find((v) => v.path === 'run_cap')).toMatchObject({ value: -5 });
    expect(r.violations.find((v) => v.path === 'parameters.optimizer.probabilities')?.message).toBe('probabilities must sum to 1 (sum is 0.9)');
  });

  it('loadSweepFile throws one ConfigError carrying them all (exit code 2), message names the file', () => {
    let err: unknown;
    try {
      loadSweepFile(fixture('invalid-many.yaml'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.exitCode).toBe(2);
    expect(ce.code).toBe('FF_CONFIG_INVALID');
    expect(ce.violations.length).toBeGreaterThanOrEqual(13);
    expect(ce.message).toContain('invalid-many.yaml: invalid sweep config');
    expect(ce.message).toContain(formatViolation(ce.violations[0]!));
  });
});

describe('read and parse errors', () => {
  it('a YAML syntax error is FF_CONFIG_PARSE with file, line and column, exit 2', () => {
    let err: unknown;
    try {
      loadSweepFile(fixture('parse-error.yaml'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FFError);
    expect(err).not.toBeInstanceOf(ConfigError);
    expect((err as FFError).code).toBe('FF_CONFIG_PARSE');
    expect((err as FFError).exitCode).toBe(2);
    expect((err as FFError).message).toMatch(/parse-error\.yaml:\d+:\d+: invalid YAML\/JSON: /);
  });
  it('duplicate keys are a parse error too', () => {
    const r = parseSweepText('method: grid\nmethod: random\n', 'dup.yaml');
    expect(r.violations).toEqual([{ path: '', message: expect.stringMatching(/^dup\.yaml:2:1: invalid YAML\/JSON: Map keys must be unique/) }]);
  });
  it('a missing file is FF_CONFIG_READ (exit 2) from loadSweepFile and a violation from checkSweepFile', () => {
    expect(() => loadSweepFile(fixture('nope.yaml'))).toThrow(expect.objectContaining({ code: 'FF_CONFIG_READ', exitCode: 2 }));
    const r = checkSweepFile(fixture('nope.yaml'));
    expect(r.sweep).toBeUndefined();
    expect(r.violations).toEqual([{ path: '', message: expect.stringMatching(/nope\.yaml: cannot read the sweep config \(no such file\)/) }]);
    expect(checkSweepFile(fixture('parse-error.yaml')).violations[0]!.message).toMatch(/parse-error\.yaml:\d+:\d+/);
  });
  it('empty text and non-mapping documents are violations', () => {
    expect(parseSweepText('', 'e.yaml').violations[0]!.message).toMatch(/empty/);
    expect(parseSweepText('[1, 2]', 'e.yaml').violations[0]!.message).toMatch(/must be a mapping/);
  });
});

describe('JSON text and JS objects', () => {
  it('JSON text through parseSweepText keeps 1 vs 1.0', () => {
    const r = parseSweepText('{"method": "random", "parameters": {"a": {"min": 1, "max": 10}, "b": {"min": 1.0, "max": 10.0}, "c": {"min": 1e-4, "max": 1}}}', 'x.json');
    expect(r.sweep?.parameters.map((p) => p.distribution)).toEqual(['int_uniform', 'uniform', 'uniform']);
  });
  it('resolveSweepObject: Number.isInteger decides int vs float; throws ConfigError', () => {
    const s = resolveSweepObject({ method: 'random', parameters: { a: { min: 1, max: 10 }, b: { min: 0.5, max: 2 }, q: { distribution: 'q_uniform', min: 0, max: 1, q: 0.5 } } });
    expect(s.source).toBe('<object>');
    expect(s.parameters.map((p) => p.distribution)).toEqual(['int_uniform', 'uniform', 'q_uniform']);
    expect(s.parameters[2]).toMatchObject({ qIsInt: false });
    expect(Object.isFrozen(s)).toBe(true);
    let err: unknown;
    try {
      resolveSweepObject({ method: 'nope', parameters: { a: { value: () => 1 } } }, 'api');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^api: invalid sweep config/);
    expect((err as ConfigError).violations.map((v) => v.path)).toEqual(['parameters.a.value', 'method']);
  });
});
