/** Unary agent (MALMAS UnaryFeatureAgent): features from one field at a time. */
import { isUsable } from './columns.js';
import { listNames, type AgentSpec } from './spec.js';

export const UNARY_AGENT: AgentSpec = {
  kind: 'unary',
  title: 'Unary feature agent',
  malmasName: 'unaryfeature',
  focus:
    'Derive new features from ONE field at a time, where the field has mathematical or encoding potential: ' +
    'nonlinear transforms of skewed quantities (log1p, sqrt, powers), flags for missing or special values, ' +
    'frequency encodings of categories, and meaningful parts of text fields (the title inside a name, the letter ' +
    'prefix of a ticket or cabin code). You are not responsible for plain preprocessing: imputation, outlier ' +
    'removal, scaling and label or one-hot encoding are done elsewhere.',
  unit: 'field worth transforming',
  requirements: [
    'Each feature reads exactly one column; base_columns holds that one column.',
    'Let the statistics guide you: strong skewness suggests log1p or sqrt, a notable missing ratio an isnull flag, many categories a frequency encoding, structured text a part of it.',
  ],
  examples: ['log1p(Amount)', 'isnull(Age)', 'freq(Occupation)', 'str_split_part(str_split_part(Name, ",", 1), ".", 0)', 'prefix(Cabin, 1)'],
  enriched: false,
  // MALMAS never excludes the unary agent; it only needs one column it can read.
  suits(columns) {
    const ok = columns.filter((c) => isUsable(c));
    return ok.length > 0
      ? { ok: true, reason: `${ok.length} usable column(s) (${listNames(ok.map((c) => c.name))})` }
      : { ok: false, reason: 'no usable column (all constant, mostly missing or of unknown type)' };
  },
};
