import { GridSampler } from '../../../src/search/grid.js';
import { RandomSampler } from '../../../src/search/random.js';
import { makeSweep } from '../../helpers/sweeps.js';
import { samplerConformance, violation } from './sampler-suite.js';

samplerConformance('random', () => new RandomSampler());

samplerConformance('grid', () => new GridSampler(), {
  method: 'grid',
  distributions: ['constant', 'categorical', 'int_uniform', 'q_uniform'],
  seedSensitive: false,
  exhaustible: true,
});

describe('conformance checks themselves', () => {
  it('reject values outside each space', () => {
    const sweep = makeSweep({
      parameters: {
        i: { distribution: 'int_uniform', min: 1, max: 3 },
        c: { distribution: 'categorical', values: [1, 'a'] },
        q: { distribution: 'q_uniform', min: 0, max: 1, q: 1, qIsInt: true },
        l: { distribution: 'log_uniform_values', min: 1, max: 10 },
        k: { distribution: 'constant', value: 'v' },
        w: { distribution: 'categorical_w_probabilities', values: ['a', 'b'], probabilities: [1, 0] },
      },
    });
    const spec = (name: string) => sweep.parameters.find((s) => s.name === name)!;
    expect(violation(spec('i'), 2)).toBeUndefined();
    expect(violation(spec('i'), 2.5)).toBeDefined();
    expect(violation(spec('i'), 4)).toBeDefined();
    expect(violation(spec('c'), 'a')).toBeUndefined();
    expect(violation(spec('c'), true)).toBeDefined();
    expect(violation(spec('q'), 1)).toBeUndefined();
    expect(violation(spec('q'), 0.5)).toBeDefined();
    expect(violation(spec('l'), 0.5)).toBeDefined();
    expect(violation(spec('k'), 'v')).toBeUndefined();
    expect(violation(spec('k'), undefined)).toBe('missing');
    expect(violation(spec('w'), 'b')).toBeDefined();
  });
});
