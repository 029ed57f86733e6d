/**
 * Summary statistics for column descriptions, matching pandas where MALMAS uses pandas
 * (malmas-algorithm.md §2.1 "enriched description"):
 * - `std`: sample standard deviation (ddof = 1), as `Series.std()`;
 * - `skewness`: adjusted Fisher–Pearson G1 = √(n(n−1))/(n−2) · m3/m2^{3/2}, as `Series.skew()`;
 * - `kurtosis`: excess kurtosis with the bias correction of `Series.kurt()`:
 *   G2 = (n−1)/((n−2)(n−3)) · ((n+1)·(m4/m2² − 3) + 6);
 *   both are 0 for a constant column and NaN when n is too small (3 and 4 values);
 * - quantiles: linear interpolation between order statistics (numpy's default).
 * `modeCount` estimates modes as the local maxima of a Gaussian KDE with Scott's bandwidth
 * (σ·n^{−1/5}, scipy `gaussian_kde`) on a 1000-point grid over [min, max]; to stay cheap the values
 * are first binned onto that grid (a binned KDE, Wand 1994), which shifts each value by at most
 * half a grid step.
 */

// Globals used in per-cell loops are read once into module constants: under Jest's VM contexts every
// global lookup (Math, Number, NaN, …) costs ~0.3 µs, 50× a local read (plain Node is unaffected).
const NAN = Number.NaN;
const { abs, ceil, exp, floor, max, min, pow, round, sqrt } = Math;

export interface Moments {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly skewness: number;
  readonly kurtosis: number;
}

/** Moments of the finite values of `xs` (two passes, for accuracy). */
export function moments(xs: ArrayLike<number>): Moments {
  let n = 0;
  let sum = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (v - v !== 0) continue; // not finite
    n++;
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0) return { n, min: NAN, max: NAN, mean: NAN, std: NAN, skewness: NAN, kurtosis: NAN };
  const mean = sum / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (v - v !== 0) continue;
    const d = v - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const std = n > 1 ? sqrt(s2 / (n - 1)) : NAN;
  const m2 = s2 / n;
  const m3 = s3 / n;
  const m4 = s4 / n;
  // A spread below rounding noise counts as constant (pandas zeroes these too).
  const constant = m2 <= 1e-14 * max(1, mean * mean);
  const skewness = n < 3 ? NAN : constant ? 0 : ((sqrt(n * (n - 1)) / (n - 2)) * m3) / pow(m2, 1.5);
  const kurtosis = n < 4 ? NAN : constant ? 0 : ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * (m4 / (m2 * m2) - 3) + 6);
  return { n, min: lo, max: hi, mean, std, skewness, kurtosis };
}

/** The `q`-quantile (0…1) of ascending `sorted`, interpolating linearly. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NAN;
  const pos = q * (n - 1);
  const lo = floor(pos);
  const hi = min(lo + 1, n - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

const GRID = 1000;

/** Number of local maxima of a Gaussian KDE of the finite values (see the file header); `known` = `moments(xs)` if at hand. */
export function modeCount(xs: ArrayLike<number>, known?: Moments): number {
  const m = known ?? moments(xs);
  if (m.n === 0) return 0;
  if (m.n < 2 || !(m.std > 0) || m.max === m.min) return 1;
  const step = (m.max - m.min) / (GRID - 1);
  const weights = new Float64Array(GRID);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (v - v === 0) weights[round((v - m.min) / step)]! += 1;
  }
  const h = m.std * pow(m.n, -0.2);
  const reach = min(GRID - 1, ceil((5 * h) / step));
  const kernel = new Float64Array(reach + 1);
  for (let d = 0; d <= reach; d++) kernel[d] = exp(-0.5 * ((d * step) / h) ** 2);
  const density = new Float64Array(GRID);
  for (let k = 0; k < GRID; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const lo = max(0, k - reach);
    const hi = min(GRID - 1, k + reach);
    for (let j = lo; j <= hi; j++) density[j]! += w * kernel[abs(j - k)]!;
  }
  // Count rises followed by falls, so a flat top counts once; the relative tolerance ignores ripples of rounding.
  const tol = 1e-9 * max(...density);
  let modes = 0;
  let rising = true;
  for (let j = 1; j < GRID; j++) {
    const d = density[j]! - density[j - 1]!;
    if (d > tol) rising = true;
    else if (d < -tol) {
      if (rising) modes++;
      rising = false;
    }
  }
  if (rising) modes++;
  return max(modes, 1);
}
