/** Temporal agent (MALMAS TemporalFeatureAgent): order, periodicity and trends of time fields. */
import { isDateLike } from './columns.js';
import { listNames, type AgentSpec } from './spec.js';

export const TEMPORAL_AGENT: AgentSpec = {
  kind: 'temporal',
  title: 'Temporal feature agent',
  malmasName: 'temporalfeature',
  focus:
    'Exploit time: calendar parts and periodicity of date and time fields (year, month, weekday, hour, quarter), ' +
    'elapsed time and durations, the position within a cycle, and, only when the rows are ordered, trends through ' +
    'lags, differences and rolling windows. Combine temporal fields with other fields for lifecycle or seasonal ' +
    'effects (a value relative to its mean for the same month or hour).',
  unit: 'group of a temporal column and the columns it interacts with',
  requirements: [
    'base_columns lists the temporal column(s) and any other column used.',
    'lag, diff, rolling_* and cumsum only when the rows are ordered (the input says whether they are).',
    'There is no sin/cos: express cycles with calendar parts, the distance to a point of the cycle (abs(hr - 12)) or group statistics by the part.',
  ],
  examples: ['weekday(dteday)', 'days_since(signup, "2020-01-01")', 'abs(hr - 12)', 'Usage - group_mean(Usage, month(Date))', 'rolling_mean(Sales, 7)'],
  enriched: false,
  // MALMAS: only a datetime-typed column enables it. Calendar parts stored as numbers or month names
  // (bike `hr`, bank `month`) and ordered rows (lags, windows) give it work as well.
  suits(columns, ordered = false) {
    const dt = columns.filter((c) => c.type === 'datetime' && isDateLike(c));
    if (dt.length > 0) return { ok: true, reason: `datetime column(s) ${listNames(dt.map((c) => c.name))}` };
    const like = columns.filter(isDateLike);
    if (like.length > 0) return { ok: true, reason: `date-like column(s) ${listNames(like.map((c) => c.name))}` };
    if (ordered) return { ok: true, reason: 'rows are ordered (lags and rolling windows)' };
    return { ok: false, reason: 'no datetime or date-like column and the rows have no order' };
  },
};
