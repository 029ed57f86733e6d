/** Local-pattern agent (MALMAS LocalPatternAgent): local distributional patterns inside a field. */
import { isUsable } from './columns.js';
import { listNames, type AgentSpec } from './spec.js';

export const LOCAL_PATTERN_AGENT: AgentSpec = {
  kind: 'local_pattern',
  title: 'Local pattern feature agent',
  malmasName: 'localpattern',
  focus:
    'Find distributional patterns inside a field that relate to the target locally rather than globally: ' +
    'turning points and thresholds where the target mean changes, segments with unusually high or low response, ' +
    'several modes, clusters of rare or anomalous values, and categories whose frequency or response stands out. ' +
    'Read them from the per-bin target means (target_bin_avg) and the distribution statistics.',
  unit: 'field with a visible pattern',
  requirements: [
    'base_columns is the one column (add a second only to condition a segment).',
    'Turn a pattern into a flag or a segment: x > t, if((x > a) and (x <= b), 1, 0), c == "v", or bins at the pattern\'s edges.',
    'Take thresholds from the bin edges in target_bin_avg; say in logic which pattern the feature captures.',
  ],
  examples: ['if((Age > 0.42) and (Age <= 14), 1, 0)', 'Glucose > 140', 'Education == "Masters" or Education == "Doctorate"', 'freq(Region) < 0.05'],
  enriched: true,
  // MALMAS excludes it when there is no enriched description; ours always has one, so it needs a
  // numeric or categorical column whose distribution it can read.
  suits(columns) {
    const ok = columns.filter((c) => isUsable(c) && (c.type === 'numeric' || c.type === 'categorical'));
    return ok.length > 0
      ? { ok: true, reason: `numeric or categorical column(s) ${listNames(ok.map((c) => c.name))}` }
      : { ok: false, reason: 'no numeric or categorical column with a distribution to read' };
  },
};
