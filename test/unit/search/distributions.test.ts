import type { ParamSpec } from '../../../src/core/params.js';
import { Rng } from '../../../src/core/rng.js';
import { ppf, quantize, roundHalfEven, sample } from '../../../src/search/distributions.js';
import { makeSweep } from '../../helpers/sweeps.js';
import type { SpecBody } from '../../helpers/sweeps.js';

function spec(body: SpecBody): ParamSpec {
  return makeSweep({ parameters: { x: body } }).parameters[0]!;
}

describe('roundHalfEven / quantize (numpy round)', () => {
  it('rounds halves to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, -2, -2, 2, 3]);
  });

  it('quantizes to multiples of q, int when q was written as an int', () => {
    expect(quantize(2.5, 1, true)).toBe(2);
    expect(quantize(3.5, 1, true)).toBe(4);
    expect(quantize(7.4, 5, true)).toBe(5);
    expect(quantize(7.5, 5, true)).toBe(10); // 1.5 → 2
    expect(quantize(0.25, 0.5, false)).toBe(0); // 0.5 → 0
    expect(quantize(0.75, 0.5, false)).toBe(1); // 1.5 → 2
    expect(Object.is(quantize(-0.2, 1, true), 0)).toBe(true); // no −0
    expect(quantize(0.34, 0.1, false)).toBeCloseTo(0.3, 15);
  });
});

describe('ppf: W&B inverse CDFs', () => {
  it('constant returns its value, whatever u', () => {
    const s = spec({ distribution: 'constant', value: { a: [1] } });
    expect(ppf(s, 0.3)).toEqual({ a: [1] });
  });

  it('categorical maps u to index ⌈u·K⌉−1', () => {
    const s = spec({ distribution: 'categorical', values: ['a', 'b', 'c'] });
    expect([1e-12, 0.2, 1 / 3, 0.34, 2 / 3, 0.67, 0.999999].map((u) => ppf(s, u))).toEqual(['a', 'a', 'a', 'b', 'b', 'c', 'c']);
  });

  it('categorical_w_probabilities takes the first index whose cumulative probability exceeds u', () => {
    const s = spec({ distribution: 'categorical_w_probabilities', values: ['a', 'b', 'c'], probabilities: [0.2, 0.3, 0.5] });
    expect([0.1, 0.2, 0.49, 0.5, 0.99].map((u) => ppf(s, u))).toEqual(['a', 'b', 'b', 'c', 'c']);
    // probabilities summing to slightly under 1 (isclose): the last value, not the first
    const t = spec({ distribution: 'categorical_w_probabilities', values: ['a', 'b'], probabilities: [0.5, 0.4999999999] });
    expect(ppf(t, 0.99999999999)).toBe('b');
  });

  it('int_uniform is inclusive at both ends', () => {
    const s = spec({ distribution: 'int_uniform', min: 1, max: 3 });
    expect([1e-9, 0.33, 0.34, 0.66, 0.67, 1 - 1e-12].map((u) => ppf(s, u))).toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('uniform and q_uniform', () => {
    expect(ppf(spec({ distribution: 'uniform', min: -1, max: 3 }), 0.25)).toBe(0);
    const q = spec({ distribution: 'q_uniform', min: 0, max: 10, q: 3, qIsInt: true });
    expect(ppf(q, 0.5)).toBe(6); // 5/3 → 2 → 6
    expect(ppf(q, 0.999)).toBe(9);
    // W&B does not clip: min 0.3, max 0.9, q 0.5 can give 1.0
    const out = spec({ distribution: 'q_uniform', min: 0.3, max: 0.9, q: 0.5, qIsInt: false });
    expect(ppf(out, 0.99)).toBe(1);
  });

  it('log_uniform (v1) takes natural-log exponents; log_uniform_values takes values', () => {
    expect(ppf(spec({ distribution: 'log_uniform', min: 0, max: 2 }), 0.5)).toBeCloseTo(Math.E, 14);
    expect(ppf(spec({ distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 }), 0.5)).toBeCloseTo(1e-3, 16);
    expect(ppf(spec({ distribution: 'q_log_uniform', min: 0, max: Math.log(100), q: 1, qIsInt: true }), 0.5)).toBe(10);
    expect(ppf(spec({ distribution: 'q_log_uniform_values', min: 1, max: 10000, q: 5, qIsInt: true }), 0.5)).toBe(100);
  });

  it('inv_log_uniform (v1): X = exp(−(min + (1−u)(max−min))), increasing in u', () => {
    const s = spec({ distribution: 'inv_log_uniform', min: 0, max: 2 });
    expect(ppf(s, 0.5)).toBeCloseTo(Math.exp(-1), 15);
    expect(ppf(s, 1e-12)).toBeCloseTo(Math.exp(-2), 10);
    expect(ppf(s, 1 - 1e-12)).toBeCloseTo(1, 10);
    expect(ppf(s, 0.7) as number).toBeGreaterThan(ppf(s, 0.6) as number);
  });

  it('inv_log_uniform_values has the same ppf as log_uniform_values', () => {
    const inv = spec({ distribution: 'inv_log_uniform_values', min: 0.01, max: 10 });
    const log = spec({ distribution: 'log_uniform_values', min: 0.01, max: 10 });
    for (const u of [0.01, 0.3, 0.5, 0.93]) expect(ppf(inv, u)).toBe(ppf(log, u));
  });

  it('normal family through Φ⁻¹', () => {
    expect(ppf(spec({ distribution: 'normal', mu: 1, sigma: 2 }), 0.975)).toBeCloseTo(1 + 2 * 1.959963984540054, 12);
    expect(ppf(spec({ distribution: 'q_normal', mu: 1, sigma: 2, q: 1, qIsInt: true }), 0.975)).toBe(5);
    expect(ppf(spec({ distribution: 'log_normal', mu: 0, sigma: 1 }), 0.5)).toBeCloseTo(1, 14);
    expect(ppf(spec({ distribution: 'q_log_normal', mu: Math.log(10), sigma: 1, q: 2, qIsInt: true }), 0.5)).toBe(10);
  });

  it('beta family through the inverse regularized incomplete beta', () => {
    expect(ppf(spec({ distribution: 'beta', a: 2, b: 2 }), 0.5)).toBeCloseTo(0.5, 12);
    expect(ppf(spec({ distribution: 'beta', a: 1, b: 1 }), 0.3)).toBeCloseTo(0.3, 12);
    expect(ppf(spec({ distribution: 'beta', a: 0.5, b: 1 }), 0.25)).toBeCloseTo(0.0625, 12);
    expect(ppf(spec({ distribution: 'q_beta', a: 1, b: 1, q: 0.25, qIsInt: false }), 0.3)).toBe(0.25);
  });

  it('is monotone non-decreasing in u for every numeric distribution', () => {
    const bodies: SpecBody[] = [
      { distribution: 'uniform', min: 0, max: 1 },
      { distribution: 'log_uniform_values', min: 1, max: 100 },
      { distribution: 'inv_log_uniform', min: 1, max: 4 },
      { distribution: 'normal', mu: 0, sigma: 1 },
      { distribution: 'log_normal', mu: 0, sigma: 1 },
      { distribution: 'beta', a: 0.3, b: 0.7 },
      { distribution: 'q_normal', mu: 0, sigma: 5, q: 1, qIsInt: true },
      { distribution: 'int_uniform', min: -5, max: 5 },
    ];
    for (const body of bodies) {
      const s = spec(body);
      let prev = -Infinity;
      for (let i = 1; i < 200; i++) {
        const v = ppf(s, i / 200) as number;
        expect(v).toBeGreaterThanOrEqual(prev);
        prev = v;
      }
    }
  });
});

describe('sample', () => {
  it('is ppf of one open-interval uniform from the rng', () => {
    const s = spec({ distribution: 'normal', mu: 0, sigma: 1 });
    const u = new Rng(3, 'x').randomOpen();
    expect(sample(s, new Rng(3, 'x'))).toBe(ppf(s, u));
  });

  it('draws nothing for constants', () => {
    const a = new Rng(1);
    sample(spec({ distribution: 'constant', value: 1 }), a);
    expect(a.random()).toBe(new Rng(1).random());
  });
});
