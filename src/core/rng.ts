/**
 * Seeded randomness. Every random choice in feature-forge goes through an {@link Rng} derived from
 * (sweep seed, trial number, purpose), so the same seed gives the same sequence in any process
 * (Optuna's habit: determinism by design).
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018) seeded through splitmix32; doubles carry 53 bits.
 */

// Read once: under Jest's sandbox every global lookup in a hot loop costs ~50× a local read.
const imul = Math.imul;

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a of a string, to fold labels into seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /** `seed` may be any numbers or strings; parts are mixed in order (order matters). */
  constructor(...seedParts: Array<number | string>) {
    // Fold every part into a 32-bit hash through murmur3's finaliser (a bijection), so that
    // (1, 'x', 0) and (0, 'x', 1) and neighbouring (seed, trial) pairs give unrelated streams.
    let h = 0x2545f491;
    for (const part of seedParts) {
      if (typeof part === 'number' && Number.isSafeInteger(part)) {
        h = fmix32((h ^ (part >>> 0)) + 0x9e3779b9);
        h = fmix32((h ^ (Math.floor(part / 4294967296) >>> 0)) + 0x7f4a7c15);
      } else {
        h = fmix32((h ^ hashString(String(part))) + 0x632be5ab);
      }
    }
    const st = { s: h | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = imul(rotl(imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in (0, 1): never 0, for inverse-CDF sampling. */
  randomOpen(): number {
    let u = this.random();
    while (u === 0) u = this.random();
    return u;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const s = this.spareNormal;
      this.spareNormal = undefined;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return u * m;
  }

  /** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
  choiceWeighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let r = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i]!;
      xs[i] = xs[j]!;
      xs[j] = t;
    }
    return xs;
  }

  /** A child generator for a sub-purpose; independent of how much this one has been used. */
  static derive(seed: number, ...parts: Array<number | string>): Rng {
    return new Rng(seed, ...parts);
  }
}

function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
