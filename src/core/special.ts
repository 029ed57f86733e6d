/**
 * Numerical special functions used by the distributions (inverse CDFs) and by TPE (log Φ).
 * Pure functions, no I/O.
 *
 * Sources (formulas only, own implementation):
 *  - erf: Maclaurin series in the all-positive form erf(x) = 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(2n+1)!!
 *    (Abramowitz & Stegun 7.1.6); erfc for x ≥ 2 by its Laplace continued fraction (A&S 7.1.14)
 *    evaluated with the modified Lentz method (Numerical Recipes §5.2).
 *  - normalPpf: P. J. Acklam's rational approximation (2003, rel. error 1.15e−9) polished by Halley
 *    steps on Φ, which brings it to machine precision.
 *  - lgamma: Lanczos approximation with g = 7, n = 9 (Numerical Recipes §6.1 / Godfrey's coefficients).
 *  - betaCdf: regularized incomplete beta by its continued fraction (A&S 26.5.8, NR §6.4), with the
 *    symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the fraction converges slowly.
 */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;

/** Σ 2ⁿx^{2n+1}/(2n+1)!!: every term is positive, so there is no cancellation. */
function erfSeriesSum(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * EPS) break;
  }
  return sum;
}

/** log(erfc(x)) for x ≥ 2 via the continued fraction, so the e^{−x²} factor never underflows. */
function logErfcCF(x: number): number {
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let f = x;
  let C = x;
  let D = 0;
  for (let n = 1; n < 5000; n++) {
    const an = n / 2;
    D = x + an * D;
    if (Math.abs(D) < TINY) D = TINY;
    C = x + an / C;
    if (Math.abs(C) < TINY) C = TINY;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return -x * x - LOG_SQRT_PI - Math.log(f);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x < 2) return (2 / SQRT_PI) * Math.exp(-x * x) * erfSeriesSum(x);
  return 1 - erfc(x);
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erf(x);
  if (x > 27.3) return 0; // below the smallest subnormal
  return Math.exp(logErfcCF(x));
}

/** Standard normal CDF Φ(x), accurate in relative terms in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** log Φ(x), stable for very negative x (where Φ underflows) and for large x (log1p). */
export function logNdtr(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 6) return Math.log1p(-normalCdf(-x));
  const z = -x / SQRT2;
  if (z >= 2) return Math.log(0.5) + logErfcCF(z);
  return Math.log(normalCdf(x));
}

// Acklam's coefficients.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Lower half only (p ≤ 0.5): there Φ has full relative precision, so Halley can polish. */
function normalPpfLower(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  }
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    if (e === 0) break;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
    const next = x - u / (1 + 0.5 * x * u);
    if (!Number.isFinite(next)) break;
    const done = Math.abs(next - x) <= 1e-15 * Math.abs(x);
    x = next;
    if (done) break;
  }
  return x;
}

/** Standard normal inverse CDF Φ⁻¹(p); ±Infinity at 0 and 1, NaN outside [0,1]. */
export function normalPpf(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // 1 − p is exact for p ∈ [0.5, 1] (Sterbenz), so the upper half loses nothing by symmetry.
  return p <= 0.5 ? normalPpfLower(p) : -normalPpfLower(1 - p);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log |Γ(x)|. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === 1 || x === 2) return 0;
  if (x < 0.5) {
    // reflection: Γ(x)Γ(1−x) = π / sin(πx)
    const s = Math.sin(Math.PI * x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / Math.abs(s)) - lgamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** log B(a, b). */
export function lbeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** Continued fraction for I_x(a,b) (modified Lentz), valid where x < (a+1)/(a+b+2). */
function betaCF(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), the CDF of Beta(a, b) at x. */
export function betaCdf(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - lbeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaCF(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaCF(1 - x, b, a)) / b;
}

/** Density of Beta(a, b) at x ∈ (0, 1). */
export function betaPdf(x: number, a: number, b: number): number {
  if (x <= 0 || x >= 1) return 0;
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta(a, b));
}

/**
 * Lower-half solver (p ≤ 0.5 after symmetry). Newton on log I(e^t) against log p, because near 0
 * I_x ≈ x^a/(a·B(a,b)) is almost linear in that scale, even for a < 1; safeguarded by a bracket
 * that is bisected geometrically while it spans orders of magnitude.
 */
function betaPpfLower(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  // tail guess from I_x ≈ x^a / (a·B(a,b))
  let x = Math.exp((Math.log(p) + Math.log(a) + lbeta(a, b)) / a);
  if (!(x > 0 && x < 1)) x = 0.5;
  const logP = Math.log(p);
  for (let it = 0; it < 300; it++) {
    const f = betaCdf(x, a, b);
    if (f === p) return x;
    if (f < p) lo = x;
    else hi = x;
    const pdf = betaPdf(x, a, b);
    let next = NaN;
    if (f > 0 && pdf > 0) {
      // d/dt log I(e^t) = x·pdf(x)/I(x)
      const step = (Math.log(f) - logP) / ((x * pdf) / f);
      next = x * Math.exp(-step);
    }
    if (!(next > lo && next < hi)) {
      next = lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : lo === 0 ? hi / 16 : 0.5 * (lo + hi);
    }
    if (Math.abs(next - x) <= 4 * EPS * x || hi - lo <= 4 * EPS * hi) return next;
    x = next;
  }
  return x;
}

/** Inverse of {@link betaCdf} in x: the p-quantile of Beta(a, b). Robust for a, b < 1. */
export function betaPpf(p: number, a: number, b: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(a > 0) || !(b > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  // Solve in whichever tail p lies, so that each side keeps its relative precision.
  return p <= 0.5 ? betaPpfLower(p, a, b) : 1 - betaPpfLower(1 - p, b, a);
}
