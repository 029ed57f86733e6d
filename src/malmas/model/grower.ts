/**
 * Depth-wise tree growth over binned rows, as XGBoost's `hist` updater with `grow_policy=depthwise`
 * (semantics from xgboost/src/tree/updater_quantile_hist.cc, 1.7; own implementation):
 * every node of a level is split with its best candidate, children are expanded in the next level,
 * and only the child with fewer rows gets a histogram built — its sibling's is parent − child
 * (the subtraction trick). Children that cannot split (depth limit, a single row, hessian below
 * 2·min_child_weight) get no histogram at all.
 *
 * Rows live in one Int32Array; each node owns a contiguous segment, partitioned stably so every
 * segment stays in ascending row order (deterministic sums, cache-friendly gathers).
 */
import type { BinMapper, BinnedRows } from './binning.js';
import { buildHistogram, findBestSplit, RT_EPS, subtractHistogram, type SplitCandidate, type SplitContext } from './histogram.js';
import { TreeBuilder, type Tree } from './tree.js';

export interface GrowParams {
  readonly maxDepth: number;
  readonly learningRate: number;
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly gamma: number;
}

interface Pending {
  id: number;
  s: number;
  e: number;
  g: number;
  h: number;
  hist: Float64Array | null;
}

export class TreeGrower {
  private readonly ctx: SplitContext;
  private readonly slots: number;
  private readonly rows: Int32Array;
  private readonly tmp: Int32Array;
  private readonly free: Float64Array[] = [];
  private readonly best: SplitCandidate = { gain: 0, feature: -1, bin: -1, defaultLeft: false, gLeft: 0, hLeft: 0 };
  /** Leaf segments of the last grown tree: node id, start, end (flattened triples). */
  private leafSegs: number[] = [];

  constructor(
    private readonly binned: BinnedRows,
    private readonly mapper: BinMapper,
    private readonly p: GrowParams,
  ) {
    this.slots = binned.nSlots;
    this.ctx = { nBins: mapper.nBins, offsets: binned.offsets, lambda: p.lambda, minChildWeight: p.minChildWeight };
    this.rows = new Int32Array(binned.nRows);
    this.tmp = new Int32Array(binned.nRows);
  }

  /**
   * Grows one tree on `sample` (ascending training-row indices; all rows when null) restricted to
   * `features` (all when null). Adds each split's gain and count to `gainSum` / `splitCount`.
   */
  grow(grad: Float64Array, hess: Float64Array, sample: Int32Array | null, features: Int32Array | null, gainSum: Float64Array, splitCount: Float64Array): Tree {
    const { rows, p } = this;
    const nUsed = sample === null ? this.binned.nRows : sample.length;
    if (sample === null) for (let i = 0; i < nUsed; i++) rows[i] = i;
    else rows.set(sample);
    let G = 0;
    let H = 0;
    for (let i = 0; i < nUsed; i++) {
      G += grad[rows[i]!]!;
      H += hess[rows[i]!]!;
    }
    const allFeatures = features ?? this.allFeatures();
    const tb = new TreeBuilder();
    const root: Pending = { id: tb.addNode(this.leafValue(G, H), H), s: 0, e: nUsed, g: G, h: H, hist: null };
    if (p.maxDepth > 0 && this.splittable(root)) root.hist = this.build(root, grad, hess, features);
    this.leafSegs = [];
    let level: Pending[] = [root];
    for (let depth = 0; level.length > 0; depth++) {
      const next: Pending[] = [];
      for (const node of level) {
        const best = this.best;
        const ok = node.hist !== null && findBestSplit(node.hist, node.g, node.h, allFeatures, this.ctx, best) && best.gain > RT_EPS && best.gain >= p.gamma;
        if (!ok) {
          if (node.hist !== null) this.free.push(node.hist);
          this.leafSegs.push(node.id, node.s, node.e);
          continue;
        }
        const f = best.feature;
        const nl = this.partition(node.s, node.e, f, best.bin, best.defaultLeft);
        const gl = best.gLeft;
        const hl = best.hLeft;
        const left: Pending = { id: tb.addNode(this.leafValue(gl, hl), hl), s: node.s, e: node.s + nl, g: gl, h: hl, hist: null };
        const right: Pending = { id: tb.addNode(this.leafValue(node.g - gl, node.h - hl), node.h - hl), s: node.s + nl, e: node.e, g: node.g - gl, h: node.h - hl, hist: null };
        tb.setSplit(node.id, { feature: f, threshold: this.threshold(f, best.bin), splitBin: best.bin, defaultLeft: best.defaultLeft, gain: best.gain, left: left.id, right: right.id });
        gainSum[f] += best.gain;
        splitCount[f] += 1;
        this.childHistograms(node.hist!, left, right, depth + 1, grad, hess, features);
        next.push(left, right);
      }
      level = next;
    }
    return tb.finish();
  }

  /** Adds the leaf outputs of `tree` (the last grown) to `margin` for the rows it was grown on. */
  addLeafOutputs(tree: Tree, margin: Float64Array): void {
    const segs = this.leafSegs;
    const rows = this.rows;
    for (let k = 0; k < segs.length; k += 3) {
      const v = tree.value[segs[k]!]!;
      for (let i = segs[k + 1]!, e = segs[k + 2]!; i < e; i++) margin[rows[i]!] += v;
    }
  }

  private childHistograms(parentHist: Float64Array, left: Pending, right: Pending, depth: number, grad: Float64Array, hess: Float64Array, features: Int32Array | null): void {
    const leftSmaller = left.e - left.s <= right.e - right.s;
    const small = leftSmaller ? left : right;
    const big = leftSmaller ? right : left;
    const wantSmall = depth < this.p.maxDepth && this.splittable(small);
    const wantBig = depth < this.p.maxDepth && this.splittable(big);
    if (wantBig) {
      const h = this.build(small, grad, hess, features);
      subtractHistogram(parentHist, h);
      big.hist = parentHist;
      if (wantSmall) small.hist = h;
      else this.free.push(h);
    } else {
      if (wantSmall) small.hist = this.build(small, grad, hess, features);
      this.free.push(parentHist);
    }
  }

  private splittable(n: Pending): boolean {
    return n.e - n.s >= 2 && n.h > 0 && n.h >= 2 * this.p.minChildWeight;
  }

  private build(n: Pending, grad: Float64Array, hess: Float64Array, features: Int32Array | null): Float64Array {
    const h = this.free.pop() ?? new Float64Array(2 * this.slots);
    h.fill(0);
    const { codes, nFeatures } = this.binned;
    buildHistogram(h, this.rows, n.s, n.e, codes, nFeatures, grad, hess, features);
    return h;
  }

  /** Stable partition of rows[s…e) by the split; returns the size of the left part. */
  private partition(s: number, e: number, f: number, bin: number, defaultLeft: boolean): number {
    const { rows, tmp } = this;
    const col = this.binned.bins[f]!;
    let l = s;
    let k = 0;
    // Branch-free (the direction is a coin flip per row, a branch would mispredict half the time):
    // (bin − c) >>> 31 is 1 exactly when c > bin.
    if (this.mapper.hasMissing[f] === 0) {
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const goLeft = ((bin - col[r]!) >>> 31) ^ 1;
        rows[l] = r;
        tmp[k] = r;
        l += goLeft;
        k += 1 - goLeft;
      }
    } else {
      const miss = this.mapper.nBins[f]!;
      const missLeft = defaultLeft ? 1 : 0;
      for (let i = s; i < e; i++) {
        const r = rows[i]!;
        const c = col[r]!;
        const goLeft = c === miss ? missLeft : ((bin - c) >>> 31) ^ 1;
        rows[l] = r;
        tmp[k] = r;
        l += goLeft;
        k += 1 - goLeft;
      }
    }
    rows.set(tmp.subarray(0, k), l);
    return l - s;
  }

  /** Raw-value threshold of "bins 0…bin go left": the next bin's lower cut. */
  private threshold(f: number, bin: number): number {
    const cuts = this.mapper.cuts[f]!;
    if (bin < 0) return -Infinity;
    if (bin >= cuts.length) return Infinity;
    return cuts[bin]!;
  }

  /** XGBoost's CalcWeight (α = 0) times the learning rate. */
  private leafValue(g: number, h: number): number {
    if (h < this.p.minChildWeight || h <= 0) return 0;
    return (-g / (h + this.p.lambda)) * this.p.learningRate;
  }

  private allFeaturesCache: Int32Array | null = null;
  private allFeatures(): Int32Array {
    if (this.allFeaturesCache === null) {
      this.allFeaturesCache = new Int32Array(this.mapper.nFeatures);
      for (let f = 0; f < this.mapper.nFeatures; f++) this.allFeaturesCache[f] = f;
    }
    return this.allFeaturesCache;
  }
}
