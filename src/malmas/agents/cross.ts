/** Cross-compositional agent (MALMAS CrossCompositionalAgent): features combining ≥ 2 fields. */
import { isUsable } from './columns.js';
import type { AgentSpec } from './spec.js';

export const CROSS_AGENT: AgentSpec = {
  kind: 'cross',
  title: 'Cross-compositional feature agent',
  malmasName: 'crosscompositional',
  focus:
    'Combine TWO OR MORE fields into features that capture implicit relations among them: ratios, products, ' +
    'differences and sums of related quantities (per person, per unit, rates, balances), and crosses of categories. ' +
    'Choose combinations from what the fields mean and how they are distributed, not at random.',
  unit: 'group of 2 or more related columns',
  requirements: [
    'Each feature combines at least 2 columns; base_columns lists all of them.',
    'Guard denominators that can be 0 or missing, e.g. x / (y + 1) for counts; divide by a positive column directly.',
    'Cross categories with concat(a, b); bin a continuous column first (concat(c, qbin(x, 4))).',
  ],
  examples: ['Fare / (SibSp + Parch + 1)', 'Price * Quantity', 'Income - Expenses', 'concat(Sex, Pclass)'],
  enriched: false,
  // MALMAS: excluded when the table has ≤ 2 columns counting the target, i.e. fewer than 2 features.
  suits(columns) {
    const n = columns.filter((c) => isUsable(c)).length;
    return n >= 2
      ? { ok: true, reason: `${n} usable columns to combine` }
      : { ok: false, reason: `only ${n} usable column(s); crossing needs at least 2` };
  },
};
