/**
 * Stable argsort of float64 values by LSD radix sort on their order-preserving 64-bit keys
 * (the IEEE-754 trick: flip the sign bit of non-negatives, all bits of negatives; Knuth TAOCP
 * vol. 3 §5.2.5 for LSD radix sort). Binning needs the permutation, to assign bins without a search
 * per value; V8 can only argsort with a comparator (~15 ms for 40k values, measured), this takes a
 * few ms, about as long as the built-in comparator-free sort of the values alone.
 * -0 sorts just before +0; they compare equal as numbers, so callers that group by value are unaffected.
 */

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

/** Reusable buffers for {@link argsortValues}, sized for up to `capacity` values. */
export class SortScratch {
  readonly bits: Float64Array;
  readonly words: Int32Array;
  /** Keys by position in `values` (Int32Arrays: V8 reads them as small integers; digits via >>>). */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly idx2: Int32Array;
  readonly count = new Int32Array(RADIX);

  constructor(readonly capacity: number) {
    this.bits = new Float64Array(capacity);
    this.words = new Int32Array(this.bits.buffer);
    this.lo = new Int32Array(capacity);
    this.hi = new Int32Array(capacity);
    this.idx2 = new Int32Array(capacity);
  }
}

/**
 * Sorts `idx[0…m)` (indices into `values`, none of them NaN, each < scratch.capacity) by value,
 * stably, in place.
 */
export function argsortValues(values: Float64Array, idx: Int32Array, m: number, scratch: SortScratch): void {
  if (m <= 1) return;
  const { bits, words, lo, hi, count } = scratch;
  for (let i = 0; i < m; i++) bits[i] = values[idx[i]!]!;
  // keys indexed by the value's index; little-endian words: [low, high] per double
  for (let i = 0; i < m; i++) {
    const h = words[2 * i + 1]!;
    const l = words[2 * i]!;
    const r = idx[i]!;
    if (h < 0) {
      hi[r] = ~h;
      lo[r] = ~l;
    } else {
      hi[r] = h ^ -0x80000000;
      lo[r] = l;
    }
  }
  // Six 11-bit digits, three of the low word then three of the high word. Only the indices move:
  // measured ~3× faster in V8 than also moving the keys (fewer write streams per pass).
  let src = idx;
  let dst = scratch.idx2;
  for (let pass = 0; pass < 6; pass++) {
    const shift = (pass % 3) * BITS;
    const key = pass >= 3 ? hi : lo;
    count.fill(0);
    for (let i = 0; i < m; i++) count[(key[src[i]!]! >>> shift) & MASK]++;
    if (count[(key[src[0]!]! >>> shift) & MASK] === m) continue; // every key shares this digit
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const r = src[i]!;
      dst[count[(key[r]! >>> shift) & MASK]!++] = r;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) idx.set(src.subarray(0, m));
}
