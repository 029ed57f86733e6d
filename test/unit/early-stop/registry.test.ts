import { EARLY_STOP_TYPES, createEarlyStop } from '../../../src/early-stop/registry.js';
import { HyperbandRule } from '../../../src/early-stop/hyperband.js';
import { ConfigError } from '../../../src/core/errors.js';
import type { HyperbandSpec, MetricSpec, ResolvedSweep } from '../../../src/config/types.js';

function sweepOf(earlyTerminate?: HyperbandSpec, metric?: MetricSpec): ResolvedSweep {
  return {
    source: 'sweeps/hb.yaml',
    method: 'random',
    parameters: [],
    raw: {},
    ...(metric ? { metric } : {}),
    ...(earlyTerminate ? { earlyTerminate } : {}),
  };
}

describe('early-stop registry', () => {
  it('lists the rule names from the map', () => {
    expect(EARLY_STOP_TYPES).toEqual(['hyperband']);
  });

  it('returns undefined without early_terminate', () => {
    expect(createEarlyStop(sweepOf(undefined, { name: 'loss', goal: 'minimize' }))).toBeUndefined();
  });

  it('builds a hyperband rule with the metric goal', () => {
    const rule = createEarlyStop(sweepOf({ type: 'hyperband', minIter: 3, eta: 3, strict: true }, { name: 'acc', goal: 'maximize' }));
    expect(rule).toBeInstanceOf(HyperbandRule);
    const hb = rule as HyperbandRule;
    expect(hb.goal).toBe('maximize');
    expect(hb.bands.slice(0, 3)).toEqual([3, 9, 27]);
  });

  it('requires a metric, naming the file', () => {
    expect(() => createEarlyStop(sweepOf({ type: 'hyperband', minIter: 3, eta: 3, strict: true }))).toThrow(ConfigError);
    expect(() => createEarlyStop(sweepOf({ type: 'hyperband', minIter: 3, eta: 3, strict: true }))).toThrow(/sweeps\/hb\.yaml.*\n.*metric/);
  });

  it('reports a spec without bands as a ConfigError', () => {
    const bad: HyperbandSpec = { type: 'hyperband', maxIter: 2, s: 1, eta: 3, strict: true };
    expect(() => createEarlyStop(sweepOf(bad, { name: 'loss', goal: 'minimize' }))).toThrow(/sweeps\/hb\.yaml[\s\S]*max_iter 2/);
  });

  it('rejects an unknown type that slipped past validation', () => {
    const odd = { type: 'asha', eta: 3, strict: true } as unknown as HyperbandSpec;
    expect(() => createEarlyStop(sweepOf(odd, { name: 'loss', goal: 'minimize' }))).toThrow(/early_terminate\.type.*valid: hyperband/);
  });
});
