/**
 * Column statistics used by fitted functions. Conventions follow pandas so that features mean what
 * an LLM used to pandas expects: sample standard deviation (ddof = 1), linear-interpolation
 * quantiles (numpy's default, Hyndman & Fan type 7), percentile rank = average rank / n
 * (`rank(pct=True)`).
 */

/** Non-missing values of `v` at `rows`, sorted ascending. */
export function sortedAt(v: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  let m = 0;
  for (const r of rows) {
    const x = v[r]!;
    if (!Number.isNaN(x)) out[m++] = x;
  }
  return out.slice(0, m).sort();
}

export function quantileSorted(s: Float64Array, p: number): number {
  if (s.length === 0) return Number.NaN;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export function mean(s: ArrayLike<number>): number {
  if (s.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return sum / s.length;
}

/** Sample standard deviation (ddof = 1); NaN below two values. Two-pass for accuracy. */
export function std(s: ArrayLike<number>): number {
  if (s.length < 2) return Number.NaN;
  const mu = mean(s);
  let ss = 0;
  for (let i = 0; i < s.length; i++) ss += (s[i]! - mu) ** 2;
  return Math.sqrt(ss / (s.length - 1));
}

/** A fitted distribution: distinct sorted values and cumulative counts (cum[i] = #values ≤ values[i]). */
export interface Dist {
  readonly values: number[];
  readonly cum: number[];
}

export function distOf(sorted: ArrayLike<number>): Dist {
  const values: number[] = [];
  const cum: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    if (values.length > 0 && values[values.length - 1] === x) cum[cum.length - 1]!++;
    else {
      values.push(x);
      cum.push((cum[cum.length - 1] ?? 0) + 1);
    }
  }
  return { values, cum };
}

/** First index with values[i] >= x. */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Percentile rank of x among the fitted values: pandas' average rank / n, (below + (equal + 1) / 2) / n,
 * for a value seen in training; the fraction below it (0..1) for any other value; NaN if none fitted.
 */
export function rankIn(d: Dist, x: number): number {
  const n = d.cum[d.cum.length - 1] ?? 0;
  if (n === 0 || Number.isNaN(x)) return Number.NaN;
  const i = lowerBound(d.values, x);
  const below = i > 0 ? d.cum[i - 1]! : 0;
  const equal = i < d.values.length && d.values[i] === x ? d.cum[i]! - below : 0;
  return equal > 0 ? (below + (equal + 1) / 2) / n : below / n;
}

/** Number of edges strictly below x (bins are right-closed: (e[i-1], e[i]]). */
export function countBelow(edges: readonly number[], x: number): number {
  return lowerBound(edges, x);
}
