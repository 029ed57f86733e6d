/**
 * Evaluation metrics used by MALMAS's gain function (see shared/reference/malmas-algorithm.md §5):
 * ROC AUC, accuracy at 0.5, RMSE and NRMSE = RMSE / mean(y_true) (MALMAS's definition, not the
 * range- or std-normalised variants).
 *
 * AUC is the Mann–Whitney statistic with ties counted as ½ (Hanley & McNeil 1982), which is exactly
 * the area under the ROC curve with tied scores joined by a straight segment — the value
 * scikit-learn's `roc_auc_score` computes by the trapezoidal rule. The counts are kept in integers
 * (doubled to keep the ½) so the only rounding is the final division.
 */
import { FFError } from '../../core/errors.js';

/**
 * ROC AUC of `scores` for 0/1 `labels`; NaN when only one class is present (scikit-learn raises).
 * O(n log n): positives' and negatives' scores are sorted separately and merged.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = checkPair(labels, scores, 'rocAuc');
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l !== 0 && l !== 1) throw new FFError('FF_DATA', `rocAuc: label[${i}] = ${l}; labels must be 0 or 1`);
    if (Number.isNaN(scores[i]!)) throw new FFError('FF_DATA', `rocAuc: score[${i}] is NaN; every score must be a number`);
    nPos += l;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (labels[i] === 1) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // twice the number of (positive, negative) pairs ranked correctly, ties counting once
  let twice = 0;
  let below = 0; // negatives with score < current positive score
  let i = 0;
  while (i < nPos) {
    const s = pos[i]!;
    let j = i;
    while (j < nPos && pos[j] === s) j++;
    while (below < nNeg && neg[below]! < s) below++;
    let equal = 0;
    while (below + equal < nNeg && neg[below + equal] === s) equal++;
    twice += (j - i) * (2 * below + equal);
    i = j;
  }
  return twice / (2 * nPos * nNeg);
}

/** Share of rows whose predicted class (probability > 0.5, as XGBClassifier.predict) equals the label. */
export function accuracy(labels: ArrayLike<number>, probabilities: ArrayLike<number>, threshold = 0.5): number {
  const n = checkPair(labels, probabilities, 'accuracy');
  if (n === 0) return Number.NaN;
  let ok = 0;
  for (let i = 0; i < n; i++) if ((probabilities[i]! > threshold ? 1 : 0) === labels[i]) ok++;
  return ok / n;
}

/** Mean binary log-loss, probabilities clipped to [1e-15, 1 − 1e-15] as scikit-learn does. */
export function logLoss(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  const n = checkPair(labels, probabilities, 'logLoss');
  let s = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i]!));
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return n === 0 ? Number.NaN : s / n;
}

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkPair(yTrue, yPred, 'rmse');
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = yPred[i]! - yTrue[i]!;
    s += d * d;
  }
  return n === 0 ? Number.NaN : Math.sqrt(s / n);
}

/** RMSE / mean(y_true), MALMAS's NRMSE (lower is better; undefined sign when mean(y) ≤ 0). */
export function nrmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = checkPair(yTrue, yPred, 'nrmse');
  let m = 0;
  for (let i = 0; i < n; i++) m += yTrue[i]!;
  return rmse(yTrue, yPred) / (m / n);
}

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  if (a.length !== b.length) throw new FFError('FF_DATA', `${what}: ${a.length} labels but ${b.length} predictions; they must pair up`);
  return a.length;
}
