import { betaCdf, betaPdf, betaPpf, erf, erfc, lgamma, logNdtr, normalCdf, normalPpf } from '../../../src/core/special.js';

/** |a − b| within rel·|b| (or abs when b is 0). */
function expectClose(a: number, b: number, rel = 1e-12): void {
  const tol = rel * Math.max(Math.abs(b), 1e-300);
  if (!(Math.abs(a - b) <= tol)) throw new Error(`expected ${b}, got ${a} (rel err ${Math.abs(a - b) / Math.abs(b)})`);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);
}

describe('erf / erfc', () => {
  it('matches known values', () => {
    expectClose(erf(1), 0.8427007929497149);
    expectClose(erf(0.5), 0.5204998778130465);
    expectClose(erf(-1), -0.8427007929497149);
    expectClose(erfc(3), 2.209049699858544e-5, 1e-11);
    expectClose(erfc(10), 2.088487583762545e-45, 1e-11);
    expect(erf(0)).toBe(0);
    expect(erfc(0)).toBe(1);
    expectClose(erfc(-1), 1.8427007929497148);
  });
});

describe('normalCdf / normalPpf', () => {
  it('matches known values', () => {
    expectClose(normalCdf(1.96), 0.9750021048517795, 1e-14);
    expectClose(normalCdf(0), 0.5, 1e-15);
    expectClose(normalCdf(-10), 7.619853024160527e-24, 1e-11);
    expectClose(normalPpf(0.975), 1.959963984540054, 1e-13);
    expectClose(normalPpf(0.5), 0, 1e-15);
    expectClose(normalPpf(1e-10), -6.361340902404056, 1e-12);
    expectClose(normalPpf(0.8413447460685429), 1, 1e-12);
  });

  it('round-trips across the whole range, including far tails', () => {
    for (const p of [1e-300, 1e-100, 1e-20, 1e-5, 0.01, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-10]) {
      const x = normalPpf(p);
      expectClose(normalCdf(x), p, p > 0.5 ? 1e-14 : 1e-11);
    }
  });

  it('is antisymmetric and handles the edges', () => {
    for (const p of [0.001, 0.2, 0.45]) expectClose(normalPpf(1 - p), -normalPpf(p), 1e-12);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(1)).toBe(Infinity);
    expect(Number.isNaN(normalPpf(1.5))).toBe(true);
  });
});

describe('logNdtr', () => {
  it('is stable where Φ underflows and agrees with log Φ elsewhere', () => {
    expectClose(logNdtr(-40), -804.6084420137538, 1e-13);
    expectClose(logNdtr(-1), Math.log(0.15865525393145707), 1e-13);
    expectClose(logNdtr(0), Math.log(0.5), 1e-14);
    expectClose(logNdtr(10), -7.619853024160527e-24, 1e-10);
    expect(Number.isFinite(logNdtr(-1e4))).toBe(true);
    // continuity across the branch points
    for (const x of [-2 * Math.SQRT2, 6]) expectClose(logNdtr(x + 1e-9), logNdtr(x - 1e-9), 1e-7);
  });
});

describe('lgamma', () => {
  it('matches known values', () => {
    expectClose(lgamma(0.5), 0.5723649429247001, 1e-13);
    expectClose(lgamma(10), Math.log(362880), 1e-13);
    expectClose(lgamma(100), 359.1342053695754, 1e-13);
    expectClose(lgamma(0.1), 2.252712651734206, 1e-12);
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
  });
});

describe('betaCdf / betaPpf', () => {
  it('matches known and closed-form values', () => {
    expectClose(betaCdf(0.5, 2, 3), 0.6875, 1e-13);
    expectClose(betaCdf(0.3, 1, 1), 0.3, 1e-13);
    // Beta(a,1): x^a; Beta(1,b): 1 − (1−x)^b; Beta(½,½): (2/π)·asin(√x)
    for (const x of [1e-8, 0.01, 0.4, 0.9, 0.999]) {
      expectClose(betaCdf(x, 0.3, 1), x ** 0.3, 1e-12);
      expectClose(betaCdf(x, 1, 0.2), -Math.expm1(0.2 * Math.log1p(-x)), 1e-11);
      expectClose(betaCdf(x, 0.5, 0.5), (2 / Math.PI) * Math.asin(Math.sqrt(x)), 1e-11);
    }
    expect(betaCdf(0, 2, 2)).toBe(0);
    expect(betaCdf(1, 2, 2)).toBe(1);
    expectClose(betaPdf(0.5, 2, 2), 1.5, 1e-13);
  });

  it('betaPpf inverts betaCdf, robust at a, b < 1', () => {
    for (const [a, b] of [
      [0.5, 0.5],
      [0.1, 0.1],
      [0.3, 5],
      [2, 3],
      [5, 0.2],
      [30, 40],
      [1, 1],
    ] as const) {
      for (const p of [1e-9, 1e-4, 0.05, 0.3, 0.5, 0.77, 0.99, 1 - 1e-7]) {
        const x = betaPpf(p, a, b);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        if (p <= 0.5) expectClose(betaCdf(x, a, b), p, 1e-8);
        // above the median, x is solved in the mirrored lower tail (1 − x may be below double spacing at 1)
        else expect(Math.abs(1 - x - betaPpf(1 - p, b, a))).toBeLessThanOrEqual(1e-15);
        if (p > 0.5 && x < 1 - 1e-6) expectClose(betaCdf(x, a, b), p, 1e-8);
      }
    }
    expectClose(betaPpf(0.25, 0.5, 1), 0.0625, 1e-12);
    expectClose(betaPpf(0.5, 2, 2), 0.5, 1e-12);
    expect(betaPpf(0, 2, 2)).toBe(0);
    expect(betaPpf(1, 2, 2)).toBe(1);
  });
});
