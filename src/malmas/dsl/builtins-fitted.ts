/**
 * Built-ins that need whole-column statistics. Each has a `fit` that reads only the training
 * rows and returns a plain JSON-able state, and an `apply` that uses only that state, so a
 * validation fold or a test split never influences its own features (no leakage).
 *
 * Fallbacks (docs/feature-language.md): a group key not seen in training gets the global fitted
 * statistic for value statistics (mean, std, min, max, median, rank) and 0 for counting ones
 * (group_count, freq, nunique). A missing key is a group of its own.
 */

import { literalInt, type Call } from './ast.js';
import { MS_PER_DAY } from './dates.js';
import { num } from './builtins-row.js';
import { countBelow, distOf, mean, quantileSorted, rankIn, sortedAt, std, type Dist } from './stats.js';
import { asCategorical, fin, labelsSeen, numeric, type Val } from './values.js';

export type State =
  | { readonly t: 'range'; readonly min: number; readonly max: number }
  | { readonly t: 'edges'; readonly edges: readonly number[] }
  | { readonly t: 'dist'; readonly dist: Dist }
  | { readonly t: 'moments'; readonly mean: number; readonly std: number }
  | { readonly t: 'groups'; readonly keys: readonly string[]; readonly stats: readonly number[]; readonly fallback: number }
  | { readonly t: 'groupdist'; readonly keys: readonly string[]; readonly dists: readonly Dist[]; readonly global: Dist }
  | { readonly t: 'levels'; readonly levels: readonly string[] };

export interface FittedFn {
  /** The kind of state `fit` returns (checked when a saved feature is loaded). */
  readonly t: State['t'];
  fit(args: readonly Val[], call: Call, n: number, rows: Int32Array): State;
  apply(args: readonly Val[], call: Call, n: number, state: State): Val;
}

function expect<T extends State['t']>(s: State, t: T): Extract<State, { t: T }> {
  if (s.t !== t) throw new Error(`internal: fitted state '${s.t}' where '${t}' was expected`);
  return s as Extract<State, { t: T }>;
}

const keyOf = (label: string): string => `v:${label}`;
const MISSING_KEY = 'na';

function rangeOf(x: Float64Array, rows: Int32Array): State {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    const v = x[r]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { t: 'range', min, max } : { t: 'range', min: Number.NaN, max: Number.NaN };
}

function mapNum(x: Float64Array, f: (v: number) => number): Val {
  return numeric(x.map((v) => (Number.isNaN(v) ? v : fin(f(v)))));
}

const bin: FittedFn = {
  t: 'range',
  fit: (args, _c, _n, rows) => rangeOf(num(args[0]!), rows),
  apply: (args, call, _n, s) => {
    const { min, max } = expect(s, 'range');
    const k = literalInt(call.args[1]!) ?? 2;
    const width = max - min;
    return mapNum(num(args[0]!), (v) => (!(width > 0) ? (Number.isNaN(min) ? Number.NaN : 0) : Math.min(k - 1, Math.max(0, Math.floor(((v - min) / width) * k)))));
  },
};

const qbin: FittedFn = {
  t: 'edges',
  fit: (args, call, _n, rows) => {
    const s = sortedAt(num(args[0]!), rows);
    const k = literalInt(call.args[1]!) ?? 2;
    const edges: number[] = [];
    for (let j = 1; j < k && s.length > 0; j++) {
      const q = quantileSorted(s, j / k);
      if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
    }
    return { t: 'edges', edges };
  },
  apply: (args, _c, _n, s) => {
    const { edges } = expect(s, 'edges');
    return mapNum(num(args[0]!), (v) => countBelow(edges, v));
  },
};

const rank: FittedFn = {
  t: 'dist',
  fit: (args, _c, _n, rows) => ({ t: 'dist', dist: distOf(sortedAt(num(args[0]!), rows)) }),
  apply: (args, _c, _n, s) => mapNum(num(args[0]!), (v) => rankIn(expect(s, 'dist').dist, v)),
};

const zscore: FittedFn = {
  t: 'moments',
  fit: (args, _c, _n, rows) => {
    const s = sortedAt(num(args[0]!), rows);
    return { t: 'moments', mean: mean(s), std: std(s) };
  },
  apply: (args, _c, _n, s) => {
    const m = expect(s, 'moments');
    return mapNum(num(args[0]!), (v) => (m.std > 0 ? (v - m.mean) / m.std : Number.isNaN(m.mean) ? Number.NaN : 0));
  },
};

const minmax: FittedFn = {
  t: 'range',
  fit: (args, _c, _n, rows) => rangeOf(num(args[0]!), rows),
  apply: (args, _c, _n, s) => {
    const { min, max } = expect(s, 'range');
    return mapNum(num(args[0]!), (v) => (max > min ? (v - min) / (max - min) : Number.isNaN(min) ? Number.NaN : 0));
  },
};

const elapsed: FittedFn = {
  t: 'range',
  fit: (args, _c, _n, rows) => rangeOf(num(args[0]!), rows),
  apply: (args, _c, _n, s) => mapNum(num(args[0]!), (v) => (v - expect(s, 'range').min) / MS_PER_DAY),
};

const catCode: FittedFn = {
  t: 'levels',
  fit: (args, _c, n, rows) => ({ t: 'levels', levels: labelsSeen(asCategorical(args[0]!, n), rows) }),
  apply: (args, _c, n, s) => {
    const index = new Map(expect(s, 'levels').levels.map((l, i) => [l, i]));
    const cat = asCategorical(args[0]!, n);
    const per = cat.levels.map((l) => index.get(l) ?? Number.NaN);
    return numeric(Float64Array.from(cat.codes, (c) => (c < 0 ? Number.NaN : per[c]!)));
  },
};

/** Training rows split by group: bucket per key label, the last bucket for a missing key. */
function buckets(by: Val, n: number, rows: Int32Array, take: (r: number, bucket: number) => void): string[] {
  const cat = asCategorical(by, n);
  const L = cat.levels.length;
  for (const r of rows) {
    const c = cat.codes[r]!;
    take(r, c < 0 ? L : c);
  }
  return [...cat.levels.map(keyOf), MISSING_KEY];
}

function applyGroups(by: Val, n: number, s: State): Val {
  const g = expect(s, 'groups');
  const table = new Map(g.keys.map((k, i) => [k, g.stats[i]!]));
  const cat = asCategorical(by, n);
  const per = cat.levels.map((l) => table.get(keyOf(l)) ?? g.fallback);
  const na = table.get(MISSING_KEY) ?? g.fallback;
  return numeric(Float64Array.from(cat.codes, (c) => (c < 0 ? na : per[c]!)));
}

/** group_<stat>(x, by): the statistic of x's non-missing training values in each group. */
function groupValue(reduce: (sorted: Float64Array) => number): FittedFn {
  return {
    t: 'groups',
    fit: (args, _c, n, rows) => {
      const x = num(args[0]!);
      const lists: number[][] = [];
      const keys = buckets(args[1]!, n, rows, (r, b) => {
        if (!Number.isNaN(x[r]!)) (lists[b] ??= []).push(x[r]!);
      });
      const fallback = fin(reduce(sortedAt(x, rows)));
      const outKeys: string[] = [];
      const stats: number[] = [];
      lists.forEach((l, b) => {
        const v = fin(reduce(Float64Array.from(l).sort()));
        outKeys.push(keys[b]!);
        stats.push(Number.isNaN(v) ? fallback : v);
      });
      return { t: 'groups', keys: outKeys, stats, fallback };
    },
    apply: (args, _c, n, s) => applyGroups(args[1]!, n, s),
  };
}

/** Counting statistics over the group key alone (group_count, freq) or with x (nunique). */
function groupCounting(kind: 'count' | 'freq' | 'nunique'): FittedFn {
  const byIndex = kind === 'nunique' ? 1 : 0;
  return {
    t: 'groups',
    fit: (args, _c, n, rows) => {
      const counts: number[] = [];
      const sets: Set<number>[] = [];
      const xcat = kind === 'nunique' ? asCategorical(args[0]!, n) : undefined;
      const keys = buckets(args[byIndex]!, n, rows, (r, b) => {
        counts[b] = (counts[b] ?? 0) + 1;
        if (xcat !== undefined && xcat.codes[r]! >= 0) (sets[b] ??= new Set()).add(xcat.codes[r]!);
      });
      const outKeys: string[] = [];
      const stats: number[] = [];
      counts.forEach((c, b) => {
        outKeys.push(keys[b]!);
        stats.push(kind === 'count' ? c : kind === 'freq' ? c / rows.length : sets[b]?.size ?? 0);
      });
      return { t: 'groups', keys: outKeys, stats, fallback: 0 };
    },
    apply: (args, _c, n, s) => applyGroups(args[byIndex]!, n, s),
  };
}

const groupRank: FittedFn = {
  t: 'groupdist',
  fit: (args, _c, n, rows) => {
    const x = num(args[0]!);
    const lists: number[][] = [];
    const keys = buckets(args[1]!, n, rows, (r, b) => {
      if (!Number.isNaN(x[r]!)) (lists[b] ??= []).push(x[r]!);
    });
    const outKeys: string[] = [];
    const dists: Dist[] = [];
    lists.forEach((l, b) => {
      outKeys.push(keys[b]!);
      dists.push(distOf(Float64Array.from(l).sort()));
    });
    return { t: 'groupdist', keys: outKeys, dists, global: distOf(sortedAt(x, rows)) };
  },
  apply: (args, _c, n, s) => {
    const g = expect(s, 'groupdist');
    const table = new Map(g.keys.map((k, i) => [k, g.dists[i]!]));
    const cat = asCategorical(args[1]!, n);
    const x = num(args[0]!);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = cat.codes[i]!;
      const d = table.get(c < 0 ? MISSING_KEY : keyOf(cat.levels[c]!)) ?? g.global;
      out[i] = rankIn(d, x[i]!);
    }
    return numeric(out);
  },
};

export const FITTED_FUNCTIONS: ReadonlyMap<string, FittedFn> = new Map<string, FittedFn>([
  ['bin', bin],
  ['qbin', qbin],
  ['rank', rank],
  ['zscore', zscore],
  ['minmax', minmax],
  ['elapsed', elapsed],
  ['cat_code', catCode],
  ['group_mean', groupValue(mean)],
  ['group_std', groupValue(std)],
  ['group_min', groupValue((s) => (s.length > 0 ? s[0]! : Number.NaN))],
  ['group_max', groupValue((s) => (s.length > 0 ? s[s.length - 1]! : Number.NaN))],
  ['group_median', groupValue((s) => quantileSorted(s, 0.5))],
  ['group_rank', groupRank],
  ['group_count', groupCounting('count')],
  ['freq', groupCounting('freq')],
  ['nunique', groupCounting('nunique')],
]);
