/** "Did you mean …?" hints for column names given on the command line or in code. */

/** Up to `max` names close to `word`: same spelling but for case, one containing the other, or a few edits away. */
export function closeNames(word: string, candidates: readonly string[], max = 3): string[] {
  const w = word.toLowerCase();
  const scored: Array<{ name: string; d: number }> = [];
  for (const c of candidates) {
    const l = c.toLowerCase();
    let d: number;
    if (l === w) d = 0;
    else if (w.length >= 3 && (l.includes(w) || w.includes(l)) && l.length >= 3) d = 1;
    else {
      d = editDistance(w, l);
      // Two edits for longer words, one for short ones: typos, not unrelated names.
      if (d > (w.length <= 4 ? 1 : 2)) continue;
      d += 1;
    }
    scored.push({ name: c, d });
  }
  scored.sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

/** ` (did you mean 'x'?); the columns are: a, b, c` — the list is cut after 40 names. */
export function suggestNames(word: string, candidates: readonly string[]): string {
  const close = closeNames(word, candidates);
  const hint = close.length === 0 ? '' : ` (did you mean ${close.map((c) => `'${c}'`).join(' or ')}?)`;
  const shown = candidates.slice(0, 40).join(', ');
  const more = candidates.length > 40 ? `, … (${candidates.length} in all)` : '';
  return `${hint}; the columns are: ${shown}${more}`;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
