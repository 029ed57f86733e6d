/**
 * Fast, stable Gaussian helpers for TPE's truncated-normal kernels (private to tpe/).
 *
 * Why not src/core/special.ts: TPE evaluates these inside its inner loop (one interval mass per
 * candidate × kernel for discrete parameters), where special.ts's series/continued fractions cost
 * tens of iterations per call. Here erfc is a fixed-cost rational approximation.
 *
 * Sources (formulas only, own implementation):
 *  - erfc / erfcx: W. J. Cody, "Rational Chebyshev approximations for the error function",
 *    Math. Comp. 23 (1969) 631–637; coefficients of the double-precision set as published in
 *    netlib specfun CALERF. Regions |x| ≤ 0.46875, ≤ 4, > 4; exp(−x²) split as in CALERF to keep
 *    the rounding of x² out of the result.
 *  - log Φ written as −z²/2 + log(½·erfcx(−z/√2)) in the lower tail, so it never underflows
 *    (the same job Optuna's `_truncnorm._log_ndtr` does with an asymptotic series).
 *  - log-mass of [a, b] by the three cases of optuna/samplers/_tpe/_truncnorm.py `_log_gauss_mass`
 *    (left tail, right tail by symmetry, central via log1p), and the truncated-normal ppf solved
 *    in whichever tail keeps precision, as its `ppf` does.
 *  - Φ⁻¹ start: Abramowitz & Stegun 26.2.23 (|error| < 4.5e−4), then Halley steps on Φ (the
 *    refinement Acklam's algorithm uses); for targets below ~1e−290, Newton on log Φ, which is
 *    concave, so the iteration converges monotonically once left of the root.
 *  - exp for x ≤ 0 in the log-sum-exp loops: Tang's table-driven method (ACM TOMS 15, 1989):
 *    x = (32m + j)·ln2/32 + r, e^r by a short polynomial, 2^{j/32} from a table; ln 2 split into
 *    fdlibm's high/low parts for an exact reduction.
 */

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_PI = 0.56418958354775628695;
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_HALF = -Math.LN2;

// Cody (1969), double-precision coefficients.
const A0 = 3.1611237438705656, A1 = 113.864154151050156, A2 = 377.485237685302021, A3 = 3209.37758913846947, A4 = 0.185777706184603153;
const B0 = 23.6012909523441209, B1 = 244.024637934444173, B2 = 1282.61652607737228, B3 = 2844.23683343917062;
const C0 = 0.564188496988670089, C1 = 8.88314979438837594, C2 = 66.1191906371416295, C3 = 298.635138197400131;
const C4 = 881.95222124176909, C5 = 1712.04761263407058, C6 = 2051.07837782607147, C7 = 1230.33935479799725, C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347, D1 = 117.693950891312499, D2 = 537.181101862009858, D3 = 1621.38957456669019;
const D4 = 3290.79923573345963, D5 = 4362.61909014324716, D6 = 3439.36767414372164, D7 = 1230.33935480374942;
const P0 = 0.305326634961232344, P1 = 0.360344899949804439, P2 = 0.125781726111229246, P3 = 0.0160837851487422766;
const P4 = 6.58749161529837803e-4, P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242, Q1 = 1.87295284992346047, Q2 = 0.527905102951428412, Q3 = 0.0605183413124413191, Q4 = 0.00233520497626869185;
const THRESH = 0.46875;

/** erf(x) for |x| ≤ 0.46875. */
function erfSmall(x: number): number {
  const z = x * x;
  const num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
  const den = (((z + B0) * z + B1) * z + B2) * z + B3;
  return (x * num) / den;
}

/** Scaled complement e^{y²}·erfc(y) for y > 0.46875. */
export function erfcxLarge(y: number): number {
  if (y <= 4) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    return num / den;
  }
  const z = 1 / (y * y);
  const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
  const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
  return (INV_SQRT_PI - (z * num) / den) / y;
}

/**
 * e^{−y²}. Beyond y = 5 the rounding of y² would cost more than 1e−15 relative, so y² is split
 * into an exactly representable part and a small remainder there (CALERF's trick).
 */
function expNegSquare(y: number): number {
  if (y <= 5) return Math.exp(-y * y);
  const h = Math.trunc(y * 16) / 16;
  return Math.exp(-h * h) * Math.exp(-(y - h) * (y + h));
}

export function erfc(x: number): number {
  const y = Math.abs(x);
  let r: number;
  if (y <= THRESH) return 1 - erfSmall(x);
  if (y > 26.7) r = 0;
  else r = expNegSquare(y) * erfcxLarge(y);
  return x < 0 ? 2 - r : r;
}

/** Φ(z), accurate in relative terms in the lower tail. */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** log Φ(z); finite for any finite z. */
export function logNdtr(z: number): number {
  const y = -z * SQRT1_2;
  if (y > THRESH) return Math.log(0.5 * erfcxLarge(y)) - 0.5 * z * z;
  // Φ(z) ≥ 0.25 here; 1 − Q(z) through log1p keeps the upper tail's precision.
  return Math.log1p(-0.5 * erfc(z * SQRT1_2));
}

/** log of the standard normal mass of [a, b] (a < b), without underflow in either tail. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logMassLeft(a, b);
  if (a > 0) return logMassLeft(-b, -a);
  // Central: 1 − Φ(a) − Q(b) avoids cancelling two numbers near 1. Tails beyond 9σ (< 1.2e−19)
  // are below the resolution of the result and are not computed.
  const left = a < -9 ? 0 : 0.5 * erfc(-a * SQRT1_2);
  const right = b > 9 ? 0 : 0.5 * erfc(b * SQRT1_2);
  return left === 0 && right === 0 ? 0 : Math.log1p(-left - right);
}

function logMassLeft(a: number, b: number): number {
  const lb = logNdtr(b);
  if (a === -Infinity) return lb;
  const la = logNdtr(a);
  return lb + Math.log1p(-Math.exp(la - lb));
}

function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const m = x > y ? x : y;
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

/** z with log Φ(z) = logP (logP ≤ 0). */
export function ndtriLog(logP: number): number {
  if (logP > LOG_HALF) {
    // upper half: solve for the small complement 1 − p instead
    const logQ = Math.log(-Math.expm1(logP));
    return -ndtriLog(logQ);
  }
  const t = Math.sqrt(-2 * logP);
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 50; i++) {
    const lx = logNdtr(x);
    // d log Φ / dz = φ/Φ, so the step is (log Φ − logP)·Φ/φ; Φ/φ = exp(log Φ − log φ)
    const dx = (lx - logP) * Math.exp(lx + 0.5 * x * x + LOG_SQRT_2PI);
    x -= dx;
    if (!(Math.abs(dx) > 1e-14 * Math.max(1, Math.abs(x)))) break;
  }
  return x;
}

/**
 * Quantile u ∈ [0,1) of the standard normal truncated to [a, b] (a < b). Solved in the lower
 * tail when the target lies below the median, otherwise in the upper tail by symmetry. Directly
 * in probabilities when they are representable (Halley steps on Φ from the A&S start), else in
 * log space.
 */
export function truncNormPpf(u: number, a: number, b: number): number {
  if (a >= 0) return -truncNormPpf(1 - u, -b, -a);
  const pa = ndtr(a);
  const qb = 0.5 * erfc(b * SQRT1_2);
  const mass = b <= 0 ? ndtr(b) - pa : 1 - pa - qb;
  const p = pa + u * mass;
  let x: number;
  if (p <= 0.5 && p >= TINY_P && mass > 0) x = ndtriLower(p);
  else {
    const q = qb + (1 - u) * mass;
    x = p > 0.5 && q >= TINY_P && mass > 0 ? -ndtriLower(q) : truncNormPpfLog(u, a, b);
  }
  return x < a ? a : x > b ? b : x;
}

/** Below this, probabilities lose precision (subnormals) and the log-space solver takes over. */
const TINY_P = 1e-290;

/** Φ⁻¹(p) for TINY_P ≤ p ≤ 0.5: the A&S 26.2.23 start (error < 4.5e−4), then Halley on Φ. */
function ndtriLower(p: number): number {
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 5; i++) {
    const e = ndtr(x) - p;
    const r = e * SQRT_2PI * Math.exp(0.5 * x * x);
    const dx = r / (1 + 0.5 * x * r);
    x -= dx;
    if (!(Math.abs(dx) > 1e-15 * Math.max(1e-3, Math.abs(x)))) break;
  }
  return x;
}

/** {@link truncNormPpf} entirely in log space, for targets beyond double range. */
function truncNormPpfLog(u: number, a: number, b: number): number {
  const logMass = logGaussMass(a, b);
  const logP = logAddExp(logNdtr(a), Math.log(u) + logMass);
  if (logP <= LOG_HALF) return ndtriLog(logP);
  return -ndtriLog(logAddExp(logNdtr(-b), Math.log1p(-u) + logMass));
}

// e^x for the log-sum-exp loops, where Math.exp dominates: x = (m + j/32)·ln 2 + r with
// |r| ≤ ln 2/64, e^r by its Taylor polynomial to r⁶ (remainder < 4e−18), 2^{j/32} from a table.
const EXP_N = 32;
const EXP_INV_L = EXP_N / Math.LN2;
// ln 2 split as in fdlibm: the high part has 32 significant bits, so k·L_HI is exact for |k| < 2^21
const EXP_L_HI = 6.93147180369123816490e-1 / EXP_N;
const EXP_L_LO = 1.90821492927058770002e-10 / EXP_N;
const EXP_SHIFT = 6755399441055744; // 1.5·2^52: adding it rounds to the nearest integer
const EXP_TABLE = Float64Array.from({ length: EXP_N }, (_, j) => Math.pow(2, j / EXP_N));
const POW2_NEG = Float64Array.from({ length: 1100 }, (_, m) => Math.pow(2, -m));

/** e^x for −1000 < x ≤ 0 (relative error ~2e−16); 0 below −745. */
export function expNonPositive(x: number): number {
  const t = x * EXP_INV_L + EXP_SHIFT;
  const k = t - EXP_SHIFT; // round(x·32/ln 2), ≤ 0
  const r = x - k * EXP_L_HI - k * EXP_L_LO;
  const ki = k | 0;
  const j = ki & (EXP_N - 1); // k = 32·m + j with j ∈ [0, 32), m ≤ 0
  const negM = -(ki >> 5);
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return negM < 1100 ? p * EXP_TABLE[j]! * POW2_NEG[negM]! : 0;
}
