/**
 * "Did you mean …?" for unknown names: case-insensitive match first, then Damerau–Levenshtein
 * (optimal string alignment) distance within about a third of the name's length.
 */

const MAX_LEN = 64;

export function suggest(name: string, candidates: readonly string[], max = 2): string[] {
  const lower = name.toLowerCase();
  const exact = candidates.filter((c) => c.toLowerCase() === lower);
  if (exact.length > 0) return exact.slice(0, max);
  if (name.length > MAX_LEN) return [];
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: Array<[number, string]> = [];
  for (const c of candidates) {
    if (c.length > MAX_LEN || Math.abs(c.length - name.length) > limit) continue;
    const d = distance(lower, c.toLowerCase(), limit);
    if (d <= limit) scored.push([d, c]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, max).map((x) => x[1]);
}

/** Optimal-string-alignment distance; returns limit + 1 as soon as it must exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}
