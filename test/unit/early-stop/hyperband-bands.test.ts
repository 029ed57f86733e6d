/** Hyperband band schedules and the cutoff index (wandb/sweeps hyperband_stopping.py semantics, sweeps-semantics.md §1.7/§2.4). */
import { cutoffIndex, hyperbandBands } from '../../../src/early-stop/hyperband.js';
import { ConfigError, isFFError } from '../../../src/core/errors.js';
import type { HyperbandSpec } from '../../../src/config/types.js';

function spec(s: Partial<HyperbandSpec>): HyperbandSpec {
  return { type: 'hyperband', eta: 3, strict: true, ...s };
}

describe('hyperbandBands', () => {
  it.each([
    [81, 3, 3, [3, 9, 27]],
    [18, 3, 2, [2, 6]],
    [5, 2, 2, [1, 2]],
    [9, 3, 2, [1, 3]],
    [27, 3, 3, [1, 3, 9]],
    [81, 3, 10, [1, 3, 9, 27]], // stops once b < 1; max_iter itself is never a band
    [300, 3, 2, [33, 100]],
    [100, 2.5, 2, [16, 40]],
  ])('max_iter %p, eta %p, s %p → %p', (maxIter, eta, s, want) => {
    expect(hyperbandBands(spec({ maxIter, eta, s }))).toEqual(want);
  });

  it.each([
    [3, 3, [3, 9, 27, 81, 243]],
    [1, 3, [1, 3, 9, 27]],
    [30, 1.5, [30, 45, 67, 101]], // W&B's extensive test: bands 30, 45, 67 (running value a float)
    [1, 1.5, [1, 2, 3, 5, 7, 11, 17]], // ⌊1.5^k⌋ = 1, 1, 2, 3, 5, 7, 11, 17: the repeated 1 is listed once
    [2, 2, [2, 4, 8, 16]],
  ])('min_iter %p, eta %p starts %p', (minIter, eta, want) => {
    const bands = hyperbandBands(spec({ minIter, eta }));
    expect(bands.slice(0, want.length)).toEqual(want);
    expect(bands.every((b, i) => i === 0 || b > bands[i - 1]!)).toBe(true);
    expect(bands[bands.length - 1]).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('runs min_iter bands for k = 0..99 only', () => {
    // 1.0111^99 ≈ 2.98 and 1.0111^100 ≈ 3.02: a 101st term would add band 3
    expect(hyperbandBands(spec({ minIter: 1, eta: 1.0111 }))).toEqual([1, 2]);
    expect(hyperbandBands(spec({ minIter: 1, eta: 1.0112 }))).toEqual([1, 2, 3]);
  });

  it.each([
    [{ maxIter: 2, s: 1, eta: 3 }, 'early_terminate'],
    [{ maxIter: 81, s: 0 }, 'early_terminate.s'],
    [{ maxIter: 81, s: 1.5 }, 'early_terminate.s'],
    [{ minIter: 0 }, 'early_terminate.min_iter'],
    [{ minIter: 3, eta: 1 }, 'early_terminate.eta'],
    [{}, 'early_terminate'],
  ])('rejects %p with a ConfigError naming %s', (s, path) => {
    let err: unknown;
    try {
      hyperbandBands(spec(s), 'sweeps/x.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(isFFError(err)).toBe(true);
    expect((err as ConfigError).violations[0]!.path).toBe(path);
    expect((err as ConfigError).message).toContain('sweeps/x.yaml');
  });

  it('prefers max_iter + s when min_iter is also given (W&B checks max_iter first)', () => {
    expect(hyperbandBands(spec({ maxIter: 81, s: 3, minIter: 2 }))).toEqual([3, 9, 27]);
  });
});

describe('cutoffIndex', () => {
  it.each([
    [10, 3, 3],
    [2, 3, 0],
    [3, 3, 1],
    [1, 3, 0],
    [30, 1.5, 20],
    [33, 1.1, 30],
    [39, 1.3, 30], // float (1/1.3)*39 = 29.999… would give 29
    [5, 2, 2],
    [1_000_000_007, 7, 142857143],
  ])('⌊%p / %p⌋ = %p', (n, eta, want) => {
    expect(cutoffIndex(n, eta)).toBe(want);
  });
});
