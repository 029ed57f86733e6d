/**
 * Built-ins over ordered rows: lags, differences, trailing rolling windows and cumulative sums,
 * optionally within groups (`by`). The window ends at the current row (pandas `rolling(w)`), and
 * statistics use the non-missing values in it (pandas with min_periods = 1; std needs 2).
 * Every function is O(n) for any window, so window size cannot be used to stall evaluation.
 */

import { literalInt, type Call } from './ast.js';
import { num } from './builtins-row.js';
import { asCategorical, fin, numeric, type Val } from './values.js';

export type OrderedFn = (args: readonly Val[], call: Call, n: number, order: Int32Array) => Val;

/** Row indices in order, grouped by `by` (stable), and where each group starts. */
function segments(order: Int32Array, by: Val | undefined, n: number): { seq: Int32Array; starts: number[] } {
  if (by === undefined) return { seq: order, starts: [0, n] };
  const cat = asCategorical(by, n);
  const nb = cat.levels.length + 1; // last bucket: missing key
  const bucketOf = (r: number): number => (cat.codes[r]! < 0 ? nb - 1 : cat.codes[r]!);
  const count = new Int32Array(nb + 1);
  for (const r of order) count[bucketOf(r) + 1]!++;
  for (let b = 0; b < nb; b++) count[b + 1]! += count[b]!;
  const starts = Array.from(count);
  const seq = new Int32Array(n);
  const fill = count.slice();
  for (const r of order) seq[fill[bucketOf(r)]!++] = r;
  return { seq, starts };
}

type SegmentOp = (x: Float64Array, seq: Int32Array, from: number, to: number, out: Float64Array) => void;

function ordered(op: (call: Call) => SegmentOp, byIndex: number): OrderedFn {
  return (args, call, n, order) => {
    const x = num(args[0]!);
    const { seq, starts } = segments(order, args[byIndex], n);
    const out = new Float64Array(n).fill(Number.NaN);
    const f = op(call);
    for (let s = 0; s + 1 < starts.length; s++) if (starts[s + 1]! > starts[s]!) f(x, seq, starts[s]!, starts[s + 1]!, out);
    return numeric(out);
  };
}

const lagK = (call: Call): number => (call.args[1] ? literalInt(call.args[1]) ?? 1 : 1);

const lag = (call: Call): SegmentOp => {
  const k = lagK(call);
  return (x, seq, from, to, out) => {
    for (let j = from + k; j < to; j++) out[seq[j]!] = x[seq[j - k]!]!;
  };
};

const diff = (call: Call): SegmentOp => {
  const k = lagK(call);
  return (x, seq, from, to, out) => {
    for (let j = from + k; j < to; j++) out[seq[j]!] = fin(x[seq[j]!]! - x[seq[j - k]!]!);
  };
};

const cumsum = (): SegmentOp => (x, seq, from, to, out) => {
  let sum = 0;
  for (let j = from; j < to; j++) {
    const v = x[seq[j]!]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    out[seq[j]!] = fin(sum);
  }
};

type Moment = 'mean' | 'std' | 'sum';

/** Running sums over a trailing window, shifted by the segment's first value against cancellation. */
const rollingMoment = (stat: Moment) => (call: Call): SegmentOp => {
  const w = literalInt(call.args[1]!) ?? 1;
  return (x, seq, from, to, out) => {
    let shift = 0;
    for (let j = from; j < to; j++) {
      const v = x[seq[j]!]!;
      if (!Number.isNaN(v)) {
        shift = v;
        break;
      }
    }
    let cnt = 0;
    let s1 = 0;
    let s2 = 0;
    for (let j = from; j < to; j++) {
      const v = x[seq[j]!]!;
      if (!Number.isNaN(v)) {
        cnt++;
        s1 += v - shift;
        s2 += (v - shift) ** 2;
      }
      if (j - w >= from) {
        const old = x[seq[j - w]!]!;
        if (!Number.isNaN(old)) {
          cnt--;
          s1 -= old - shift;
          s2 -= (old - shift) ** 2;
        }
      }
      let r = Number.NaN;
      if (stat === 'sum') r = cnt > 0 ? s1 + cnt * shift : Number.NaN;
      else if (stat === 'mean') r = cnt > 0 ? s1 / cnt + shift : Number.NaN;
      else if (cnt >= 2) r = Math.sqrt(Math.max(0, (s2 - (s1 * s1) / cnt) / (cnt - 1)));
      out[seq[j]!] = fin(r);
    }
  };
};

/** Trailing min / max with a monotonic deque of positions. */
const rollingExtreme = (isMax: boolean) => (call: Call): SegmentOp => {
  const w = literalInt(call.args[1]!) ?? 1;
  return (x, seq, from, to, out) => {
    const dq = new Int32Array(to - from);
    let head = 0;
    let tail = 0;
    for (let j = from; j < to; j++) {
      const v = x[seq[j]!]!;
      if (!Number.isNaN(v)) {
        while (tail > head) {
          const last = x[seq[dq[tail - 1]!]!]!;
          if (isMax ? last <= v : last >= v) tail--;
          else break;
        }
        dq[tail++] = j;
      }
      while (tail > head && dq[head]! <= j - w) head++;
      out[seq[j]!] = tail > head ? x[seq[dq[head]!]!]! : Number.NaN;
    }
  };
};

export const ORDERED_FUNCTIONS: ReadonlyMap<string, OrderedFn> = new Map<string, OrderedFn>([
  ['lag', ordered(lag, 2)],
  ['diff', ordered(diff, 2)],
  ['rolling_mean', ordered(rollingMoment('mean'), 2)],
  ['rolling_std', ordered(rollingMoment('std'), 2)],
  ['rolling_sum', ordered(rollingMoment('sum'), 2)],
  ['rolling_min', ordered(rollingExtreme(false), 2)],
  ['rolling_max', ordered(rollingExtreme(true), 2)],
  ['cumsum', ordered(cumsum, 1)],
]);

/** Row order: by a numeric/datetime column (missing last, ties in file order) or file order. */
export function rowOrder(n: number, by: Float64Array | undefined): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  if (by === undefined) return idx;
  return idx.sort((a, b) => {
    const [x, y] = [by[a]!, by[b]!];
    const nx = Number.isNaN(x);
    const ny = Number.isNaN(y);
    if (nx || ny) return nx && ny ? a - b : nx ? 1 : -1;
    return x - y || a - b;
  });
}
