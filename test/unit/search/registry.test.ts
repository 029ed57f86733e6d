import { METHODS } from '../../../src/config/types.js';
import { GridSampler } from '../../../src/search/grid.js';
import { RandomSampler } from '../../../src/search/random.js';
import { SAMPLERS, createSampler } from '../../../src/search/registry.js';
import { TPESampler } from '../../../src/search/tpe/sampler.js';
import { makeSweep } from '../../helpers/sweeps.js';

describe('sampler registry', () => {
  it('has exactly one sampler per config method', () => {
    expect(Object.keys(SAMPLERS).sort()).toEqual([...METHODS].sort());
  });

  it('creates the sampler the sweep method names', () => {
    const parameters = { x: { distribution: 'int_uniform', min: 0, max: 3 } } as const;
    expect(createSampler(makeSweep({ method: 'grid', parameters }))).toBeInstanceOf(GridSampler);
    expect(createSampler(makeSweep({ method: 'random', parameters }))).toBeInstanceOf(RandomSampler);
    expect(createSampler(makeSweep({ method: 'bayes', parameters }))).toBeInstanceOf(TPESampler);
  });

  it('gives a fresh sampler each time that suggests within the space', () => {
    const sweep = makeSweep({ method: 'random', parameters: { x: { distribution: 'int_uniform', min: 0, max: 3 } } });
    const a = createSampler(sweep);
    expect(a).not.toBe(createSampler(sweep));
    const s = a.suggest({ sweep, trials: [], seed: 0, trialNumber: 0 });
    expect([0, 1, 2, 3]).toContain(s?.params['x']);
  });
});
