/** "Did you mean …?" hints for misspelled keys and names. */

/** ` (did you mean 'x'?)` for the closest candidate within a small edit distance, else ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  // Allow one edit for short words, two for longer ones: enough for typos, not for unrelated keys.
  const limit = w.length <= 4 ? 1 : 2;
  return best !== undefined && bestD <= limit ? ` (did you mean '${best}'?)` : '';
}

/** Levenshtein distance with adjacent transpositions counted as one edit (Damerau, restricted). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** `a, b, c` for messages. */
export function listOf(items: readonly string[]): string {
  return items.join(', ');
}
