/**
 * log density of a mixture of product kernels at a batch of samples: the inner loop of TPE
 * (semantics: optuna/samplers/_tpe/probability_distributions.py `_MixtureOfProductDistribution.log_pdf`,
 * Optuna 5.0.0.dev @ 1d8ce7b; formulas in parzen-estimator.ts).
 *
 * Layout for speed: kernels are processed in blocks of {@link BLOCK}; inside a block the values of
 * all samples sit side by side (kernel-major, sample-minor), so each kernel's parameters are loaded
 * once per block and the block stays in cache. Categorical and discrete dimensions are table
 * look-ups (a row per choice / per distinct (μ, σ) pair, a column per sample), merged into one
 * joint table when small; continuous dimensions are applied two per pass. The log-sum-exp is
 * streamed (a running maximum per sample; the sum is rescaled when it rises, O(log K) times in
 * random order). Terms more than {@link LSE_CUTOFF} nats below the running maximum (hence below the
 * final one) are not exponentiated: each is < e^−40 of the largest, under 1e−14 relative in total
 * for thousands of kernels. exp() is gauss.ts's table-driven one (relative error ~4e−16), a few
 * times faster than Math.exp.
 */
import { expNonPositive } from './gauss.js';
import type { Kernels, NumericKernels } from './kernels.js';

export const LSE_CUTOFF = 40;
const BLOCK = 128;

/**
 * Per-sample inputs of one dimension, prepared once per batch: continuous ones as transformed
 * values; categorical and discrete ones as a table (a row per choice / per distinct (μ, σ) pair, a
 * column per sample) and each kernel's row.
 */
type Continuous = { readonly kind: 'continuous'; readonly kd: NumericKernels; readonly xt: Float64Array };
type Table = { readonly kind: 'table'; readonly key: Int32Array; readonly table: Float64Array };
type Prepared = Continuous | Table | { readonly kind: 'pair'; readonly a: Continuous; readonly b: Continuous };

/**
 * Fewer passes over the block, same sums: table dimensions merge into one joint table (a row per
 * combination of rows) when that table is small next to the kernel count, and continuous
 * dimensions are applied two at a time.
 */
function fewerPasses(prepared: Prepared[], K: number, S: number): Prepared[] {
  const tables = prepared.filter((p): p is Table => p.kind === 'table');
  const conts = prepared.filter((p): p is Continuous => p.kind === 'continuous');
  const out: Prepared[] = [];
  for (let c = 0; c < conts.length; c += 2) out.push(c + 1 < conts.length ? { kind: 'pair', a: conts[c]!, b: conts[c + 1]! } : conts[c]!);
  const rows = tables.reduce((r, t) => r * (t.table.length / S), 1);
  if (tables.length >= 2 && rows <= K / 4) {
    const key = new Int32Array(K);
    let table = new Float64Array(S); // one row of zeros
    let nRows = 1;
    for (const t of tables) {
      const tRows = t.table.length / S;
      // joint row = previous joint row · tRows + this table's row
      const next = new Float64Array(nRows * tRows * S);
      for (let r = 0; r < nRows; r++) for (let q = 0; q < tRows; q++) for (let s = 0; s < S; s++) next[(r * tRows + q) * S + s] = table[r * S + s]! + t.table[q * S + s]!;
      for (let i = 0; i < K; i++) key[i] = key[i]! * tRows + t.key[i]!;
      table = next;
      nRows *= tRows;
    }
    out.push({ kind: 'table', key, table });
  } else out.push(...tables);
  return out;
}

/**
 * @param pairLogPdf per (μ, σ) pair, the log mass of the cell around x minus the log normaliser
 *   (discrete dimensions)
 */
export function mixtureLogPdf(dims: readonly Kernels[], logWeights: Float64Array, samples: readonly Float64Array[], pairLogPdf: (kd: NumericKernels, d: number, x: number) => Float64Array): Float64Array {
  const S = samples.length > 0 ? samples[0]!.length : 0;
  const K = logWeights.length;
  const out = new Float64Array(S);
  const dead = new Uint8Array(S);
  const prepared = fewerPasses(
    dims.map((kd, d) => prepare(kd, d, samples[d]!, dead, pairLogPdf)),
    K,
    S,
  );
  const max = new Float64Array(S).fill(-Infinity);
  const sum = new Float64Array(S);
  const B = new Float64Array(BLOCK * S);
  for (let k0 = 0; k0 < K; k0 += BLOCK) {
    const k1 = Math.min(K, k0 + BLOCK);
    // the first dimension writes log w_i + its term, the others add theirs
    if (prepared.length === 0) for (let i = k0; i < k1; i++) B.fill(logWeights[i]!, (i - k0) * S, (i - k0 + 1) * S);
    prepared.forEach((p, d) => addBlock(p, B, k0, k1, S, d === 0 ? logWeights : undefined));
    for (let i = 0; i < k1 - k0; i++) {
      const o = i * S;
      for (let s = 0; s < S; s++) {
        const v = B[o + s]!;
        const m = max[s]!;
        if (v > m) {
          sum[s] = (m === -Infinity ? 0 : sum[s]! * expNonPositive(m - v)) + 1;
          max[s] = v;
        } else if (v > m - LSE_CUTOFF) sum[s] = sum[s]! + expNonPositive(v - m);
      }
    }
  }
  for (let s = 0; s < S; s++) out[s] = dead[s] === 1 || max[s] === -Infinity ? -Infinity : max[s]! + Math.log(sum[s]!);
  return out;
}

function prepare(kd: Kernels, d: number, x: Float64Array, dead: Uint8Array, pairLogPdf: (kd: NumericKernels, d: number, x: number) => Float64Array): Prepared {
  const S = x.length;
  if (kd.kind === 'categorical') {
    // rows 0..C−1: an observation kernel whose own choice is the row; row C: the prior (uniform)
    const C = kd.nChoices;
    const lOwn = Math.log(kd.pOwn);
    const lOther = Math.log(kd.pOther);
    const table = new Float64Array((C + 1) * S);
    for (let c = 0; c < C; c++) for (let s = 0; s < S; s++) table[c * S + s] = x[s] === c ? lOwn : lOther;
    table.fill(-Math.log(C), C * S);
    return { kind: 'table', key: kd.choice.map((c) => (c < 0 ? C : c)), table };
  }
  if (kd.model.step === 0) {
    const xt = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      xt[s] = kd.model.log ? Math.log(x[s]!) : x[s]!;
      if (!(xt[s]! >= kd.lowT && xt[s]! <= kd.highT)) dead[s] = 1; // outside the support
    }
    return { kind: 'continuous', kd, xt };
  }
  const nPairs = kd.pairKernel!.length;
  const table = new Float64Array(nPairs * S);
  for (let s = 0; s < S; s++) {
    const perPair = pairLogPdf(kd, d, x[s]!);
    for (let p = 0; p < nPairs; p++) table[p * S + s] = perPair[p]!;
  }
  return { kind: 'table', key: kd.pairOf!, table };
}

/** Adds one pass's log-density terms for kernels [k0, k1) to B; with `init`, writes init[i] + terms instead. */
function addBlock(p: Prepared, B: Float64Array, k0: number, k1: number, S: number, init: Float64Array | undefined): void {
  if (init !== undefined) for (let i = k0; i < k1; i++) B.fill(init[i]!, (i - k0) * S, (i - k0 + 1) * S);
  if (p.kind === 'continuous') {
    const { mu, invSigma, logNorm } = p.kd;
    const xt = p.xt;
    for (let i = k0; i < k1; i++) {
      const m = mu[i]!;
      const v = invSigma[i]!;
      const l = logNorm[i]!;
      const o = (i - k0) * S;
      for (let s = 0; s < S; s++) {
        const z = (xt[s]! - m) * v;
        B[o + s] = B[o + s]! + l - 0.5 * z * z;
      }
    }
  } else if (p.kind === 'pair') {
    const a = p.a.kd;
    const b = p.b.kd;
    const xa = p.a.xt;
    const xb = p.b.xt;
    for (let i = k0; i < k1; i++) {
      const ma = a.mu[i]!;
      const va = a.invSigma[i]!;
      const mb = b.mu[i]!;
      const vb = b.invSigma[i]!;
      const l = a.logNorm[i]! + b.logNorm[i]!;
      const o = (i - k0) * S;
      for (let s = 0; s < S; s++) {
        const za = (xa[s]! - ma) * va;
        const zb = (xb[s]! - mb) * vb;
        B[o + s] = B[o + s]! + l - 0.5 * (za * za + zb * zb);
      }
    }
  } else {
    const { key, table } = p;
    for (let i = k0; i < k1; i++) {
      const o = (i - k0) * S;
      const r = key[i]! * S;
      for (let s = 0; s < S; s++) B[o + s] = B[o + s]! + table[r + s]!;
    }
  }
}
