/** Local-transform agent (MALMAS LocalTransformAgent): robust single-field transforms. */
import { isNumeric } from './columns.js';
import { listNames, type AgentSpec } from './spec.js';

export const LOCAL_TRANSFORM_AGENT: AgentSpec = {
  kind: 'local_transform',
  title: 'Local transform feature agent',
  malmasName: 'localtransform',
  focus:
    'Transform single numeric fields locally so that they become robust to order, outliers or scale: percentile ' +
    'ranks, quantile bins, z-scores, clipping to the typical range, outlier flags, and nonlinear compression of ' +
    'heavy tails.',
  unit: 'numeric field',
  requirements: [
    'base_columns is the one column transformed.',
    'Prefer fields with outliers (outlier_ratio_3sigma), heavy tails (kurtosis) or strong skewness; say in logic what the transform fixes.',
  ],
  examples: ['rank(Income)', 'qbin(Age, 10)', 'clip(Amount, 0, 5000)', 'abs(zscore(Balance)) > 3', 'sign(Profit) * log1p(abs(Profit))'],
  enriched: false,
  suits(columns) {
    const ok = columns.filter(isNumeric);
    return ok.length > 0 ? { ok: true, reason: `numeric column(s) ${listNames(ok.map((c) => c.name))}` } : { ok: false, reason: 'no numeric column' };
  },
};
