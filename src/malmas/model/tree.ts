/**
 * A fitted regression tree in flat typed arrays (node 0 is the root, nodes in breadth-first order),
 * and prediction on raw feature values. The split rule is XGBoost's: `value < threshold` goes left,
 * a missing value (NaN) goes the learned default way.
 */

export interface Tree {
  /** Split feature, or −1 for a leaf. */
  readonly feature: Int32Array;
  /** Left iff value < threshold (±Infinity for the splits that isolate the missing rows). */
  readonly threshold: Float64Array;
  /** The same split in bins of the training rows: left iff bin ≤ splitBin. */
  readonly splitBin: Int32Array;
  /** 1 when missing values go left. */
  readonly defaultLeft: Uint8Array;
  /** Children; the right child is always left + 1 (prediction relies on it). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Output of the node already scaled by the learning rate (used at leaves). */
  readonly value: Float64Array;
  /** Loss reduction of the split (0 at leaves). */
  readonly gain: Float64Array;
  /** Hessian sum of the training rows in the node. */
  readonly cover: Float64Array;
}

/** Growable node list used while a tree is built. */
export class TreeBuilder {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly splitBin: number[] = [];
  readonly defaultLeft: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly value: number[] = [];
  readonly gain: number[] = [];
  readonly cover: number[] = [];

  /** Adds a node as a leaf and returns its id; {@link setSplit} turns it into an internal node. */
  addNode(value: number, cover: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.splitBin.push(-1);
    this.defaultLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(value);
    this.gain.push(0);
    this.cover.push(cover);
    return this.feature.length - 1;
  }

  setSplit(id: number, s: { feature: number; threshold: number; splitBin: number; defaultLeft: boolean; gain: number; left: number; right: number }): void {
    if (s.right !== s.left + 1) throw new Error(`TreeBuilder: children of node ${id} must be adjacent (left ${s.left}, right ${s.right})`);
    this.feature[id] = s.feature;
    this.threshold[id] = s.threshold;
    this.splitBin[id] = s.splitBin;
    this.defaultLeft[id] = s.defaultLeft ? 1 : 0;
    this.gain[id] = s.gain;
    this.left[id] = s.left;
    this.right[id] = s.right;
  }

  finish(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      splitBin: Int32Array.from(this.splitBin),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
    };
  }
}

/**
 * A tree re-encoded for lock-step traversal: a leaf points to itself (left = self, threshold NaN so
 * `v >= threshold` is false, missing goes "left"), so every row can take exactly `depth` steps.
 */
interface PackedTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly missingRight: Int32Array;
  readonly value: Float64Array;
  readonly depth: number;
}

function pack(t: Tree): PackedTree {
  const m = t.feature.length;
  const feature = new Int32Array(m);
  const threshold = new Float64Array(m);
  const left = new Int32Array(m);
  const missingRight = new Int32Array(m);
  const depthOf = new Int32Array(m);
  let depth = 0;
  for (let i = 0; i < m; i++) {
    if (t.feature[i]! < 0) {
      threshold[i] = Number.NaN;
      left[i] = i;
      continue;
    }
    feature[i] = t.feature[i]!;
    threshold[i] = t.threshold[i]!;
    left[i] = t.left[i]!;
    missingRight[i] = 1 - t.defaultLeft[i]!;
    // nodes are stored parents first
    depthOf[t.left[i]!] = depthOf[t.left[i]! + 1] = depthOf[i]! + 1;
    depth = Math.max(depth, depthOf[i]! + 1);
  }
  return { feature, threshold, left, missingRight, value: t.value, depth };
}

/**
 * Adds the output of every tree to `out[i]` for each row `rows[i]` (or row i when `rows` is null)
 * of the column-major `columns`. Rows are copied in blocks into a small row-major buffer, so each
 * (row, feature) value is fetched from the big columns once rather than once per tree level, and
 * a block walks each tree level by level: the rows' steps are independent, so their loads overlap
 * (~30% faster than one root-to-leaf walk per row, measured).
 */
export function addForestOutput(trees: readonly Tree[], columns: readonly Float64Array[], rows: Int32Array | null, out: Float64Array): void {
  const F = columns.length;
  const B = 256;
  const n = out.length;
  const buf = new Float64Array(B * F);
  const nodes = new Int32Array(B);
  const packed = trees.map(pack);
  for (let s = 0; s < n; s += B) {
    const L = Math.min(B, n - s);
    for (let f = 0; f < F; f++) {
      const col = columns[f]!;
      for (let i = 0; i < L; i++) buf[i * F + f] = col[rows === null ? s + i : rows[s + i]!]!;
    }
    for (const t of packed) {
      const { feature, threshold, left, missingRight, value, depth } = t;
      nodes.fill(0);
      for (let d = 0; d < depth; d++) {
        for (let i = 0; i < L; i++) {
          const nd = nodes[i]!;
          const v = buf[i * F + feature[nd]!]!;
          // right = left + 1, so the comparison is an index offset
          nodes[i] = left[nd]! + (v !== v ? missingRight[nd]! : +(v >= threshold[nd]!));
        }
      }
      for (let i = 0; i < L; i++) out[s + i] += value[nodes[i]!]!;
    }
  }
}

/** Leaf reached by training row `r` of row-major slot codes (see binning.ts). */
export function leafOfBinned(tree: Tree, codes: Uint16Array | Uint32Array, nFeatures: number, r: number, offsets: Int32Array, nBins: Int32Array): number {
  const { feature, splitBin, defaultLeft, left, right } = tree;
  let node = 0;
  let f = feature[0]!;
  while (f >= 0) {
    const c = codes[r * nFeatures + f]!;
    if (c === offsets[f]! + nBins[f]!) node = defaultLeft[node] === 1 ? left[node]! : right[node]!;
    else node = c <= offsets[f]! + splitBin[node]! ? left[node]! : right[node]!;
    f = feature[node]!;
  }
  return node;
}
