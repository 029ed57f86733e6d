/** Aggregation agent (MALMAS AggregationConstructAgent): group statistics of a value by a key. */
import { isKey, isNumeric } from './columns.js';
import { listNames, type AgentSpec } from './spec.js';

export const AGGREGATION_AGENT: AgentSpec = {
  kind: 'aggregation',
  title: 'Aggregation feature agent',
  malmasName: 'aggregationconstruct',
  focus:
    'Put each row in the context of its group: means, spreads, ranks, extremes and counts of a numeric field ' +
    'within groups defined by a categorical (or low-cardinality) key, deviations and ratios from the group mean, ' +
    'and how large, frequent or diverse a group is. Typical pairs are (categorical key, numeric value). ' +
    'Never aggregate the target.',
  unit: '(key, value) pair',
  requirements: [
    'base_columns is [key, value], or just [key] for counts and frequencies.',
    'Keys are categorical columns, low-cardinality numbers, binned numbers (qbin(x, 5)) or crosses (concat(a, b)).',
    'Group statistics are fitted on training rows; unseen keys get the global value.',
  ],
  examples: ['Fare - group_mean(Fare, Pclass)', 'group_rank(Income, Region)', 'Amount / group_mean(Amount, Category)', 'group_count(Ticket)', 'nunique(Product, Customer)'],
  enriched: false,
  // MALMAS needs one categorical column; we ask for a key and a numeric value to aggregate, or two
  // keys (all-categorical tables such as Car Evaluation still have counts and nunique of crosses).
  suits(columns) {
    const keys = columns.filter(isKey);
    if (keys.length === 0) return { ok: false, reason: 'no categorical or low-cardinality column to group by' };
    const values = columns.filter((c) => isNumeric(c) && keys.some((k) => k.name !== c.name));
    if (values.length > 0) {
      return { ok: true, reason: `keys ${listNames(keys.map((c) => c.name))} and numeric values ${listNames(values.map((c) => c.name))}` };
    }
    if (keys.length >= 2) return { ok: true, reason: `${keys.length} keys (${listNames(keys.map((c) => c.name))}) for counts of crossed groups` };
    return { ok: false, reason: `one key (${keys[0]!.name}) but no other numeric column to aggregate` };
  },
};
