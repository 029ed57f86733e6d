import { Rng } from '../../../src/core/rng.js';
import { canonicalValue, nestParams, type ParamSpec } from '../../../src/core/params.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed parts', () => {
    const a = new Rng(42, 'tpe', 7);
    const b = new Rng(42, 'tpe', 7);
    const xs = Array.from({ length: 5 }, () => a.random());
    expect(Array.from({ length: 5 }, () => b.random())).toEqual(xs);
    expect(new Rng(42, 'tpe', 8).random()).not.toEqual(xs[0]);
  });
  it('gives unrelated streams for neighbouring (seed, trial) pairs and for swapped parts', () => {
    const firsts = new Set<number>();
    for (let seed = 0; seed < 100; seed++) for (let t = 0; t < 100; t++) firsts.add(new Rng(seed, 'x', t).nextUint32());
    expect(firsts.size).toBeGreaterThan(9990);
    expect(new Rng(1, 'x', 0).random()).not.toEqual(new Rng(0, 'x', 1).random());
    expect(new Rng(2 ** 40).random()).not.toEqual(new Rng(0).random());
  });
  it('draws uniform doubles in [0,1) with the right mean and normals with unit variance', () => {
    const r = new Rng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.random();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      const z = r.normal();
      s2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });
});

describe('params helpers', () => {
  it('hashes whole-number floats like ints and keeps booleans apart', () => {
    expect(canonicalValue(3.0)).toBe(canonicalValue(3));
    expect(canonicalValue(true)).not.toBe(canonicalValue(1));
    expect(canonicalValue({ b: 1, a: [1, 'x'] })).toBe(canonicalValue({ a: [1, 'x'], b: 1 }));
    expect(canonicalValue(Number.NaN)).toBe(canonicalValue(Number.NaN));
  });
  it('rebuilds nested config from dotted names', () => {
    const specs: ParamSpec[] = [
      { name: 'a', path: ['a'], distribution: 'constant', value: 1 },
      { name: 'opt.lr', path: ['opt', 'lr'], distribution: 'uniform', min: 0, max: 1 },
      { name: 'opt.x.y', path: ['opt', 'x.y'], distribution: 'constant', value: 'z' },
    ];
    expect(nestParams(specs, { a: 1, 'opt.lr': 0.5, 'opt.x.y': 'z' })).toEqual({ a: 1, opt: { lr: 0.5, 'x.y': 'z' } });
  });
});
