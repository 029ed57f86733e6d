/**
 * Stable sorts for the bandwidth computation (private to tpe/): counting sort on a grid, O(N + G),
 * and a merge sort returning the permutation (an argsort with ties in index order).
 */

/** Stable counting sort of values on a grid low + g·step, g ∈ [0, size). */
export function countingSort(keys: Float64Array, grid: { low: number; step: number; size: number }): [Float64Array, Int32Array] {
  const n = keys.length;
  const g = new Int32Array(n);
  const start = new Int32Array(grid.size + 1);
  for (let i = 0; i < n; i++) {
    const j = Math.min(grid.size - 1, Math.max(0, Math.round((keys[i]! - grid.low) / grid.step)));
    g[i] = j;
    start[j + 1]!++;
  }
  for (let j = 0; j < grid.size; j++) start[j + 1]! += start[j]!;
  const sorted = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const pos = start[g[i]!]!++;
    sorted[pos] = keys[i]!;
    order[pos] = i;
  }
  return [sorted, order];
}

/**
 * Sorted copy of `keys` and the permutation that sorts them, ties in index order: a bottom-up
 * merge sort over (key, index) pairs after insertion-sorting runs of 16.
 */
export function argsortStable(keys: Float64Array): [Float64Array, Int32Array] {
  const n = keys.length;
  let ka = keys.slice();
  let ia = new Int32Array(n);
  for (let i = 0; i < n; i++) ia[i] = i;
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const k = ka[i]!;
      const x = ia[i]!;
      let j = i - 1;
      while (j >= lo && ka[j]! > k) {
        ka[j + 1] = ka[j]!;
        ia[j + 1] = ia[j]!;
        j--;
      }
      ka[j + 1] = k;
      ia[j + 1] = x;
    }
  }
  let kb = new Float64Array(n);
  let ib = new Int32Array(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      // the right run wins only when strictly smaller: stable
      while (i < mid && j < hi) {
        if (ka[j]! < ka[i]!) {
          kb[o] = ka[j]!;
          ib[o++] = ia[j++]!;
        } else {
          kb[o] = ka[i]!;
          ib[o++] = ia[i++]!;
        }
      }
      for (; i < mid; i++, o++) {
        kb[o] = ka[i]!;
        ib[o] = ia[i]!;
      }
      for (; j < hi; j++, o++) {
        kb[o] = ka[j]!;
        ib[o] = ia[j]!;
      }
    }
    const tk = ka;
    ka = kb;
    kb = tk;
    const ti = ia;
    ia = ib;
    ib = ti;
  }
  return [ka, ia];
}
