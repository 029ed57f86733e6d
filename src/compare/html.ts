/**
 * `ff compare`'s report: one self-contained HTML page (inline CSS and SVG, nothing fetched), the
 * comparison table and two charts. Every string from the data is escaped: parameter values and
 * metric names come from user configs and programs' output. No clock is read, so the same
 * comparison always gives the same bytes.
 */
import { colorAt, esc, lineChart, stripChart } from '../report/svg.js';
import { valueLabel, type Comparison } from './summarize.js';

export interface ReportInfo {
  readonly sweepId: string;
  readonly name?: string;
  /** The sweep's config file, as recorded. */
  readonly source?: string;
  /** The terminal table's cells (see `comparisonTable`), so both show the same numbers. */
  readonly table: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** Formats a number as the table does (for the trial list). */
  readonly fmt: (v: number | undefined) => string;
}

const STYLE = `body{font-family:sans-serif;margin:2em;color:#212529;max-width:1100px}
table{border-collapse:collapse;margin:1em 0}th,td{padding:4px 10px;border-bottom:1px solid #dee2e6;text-align:left}
th{background:#f8f9fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.5em 0}figcaption{color:#495057;font-size:90%}.best{font-weight:bold}
details{margin-top:2em}code{background:#f8f9fa;padding:0 3px}`;

export function curveLabel(c: Comparison): string {
  return c.options.roundMetric !== undefined ? `round_k/${c.options.roundMetric}` : `${c.options.metric} (step by step)`;
}

function tableHtml(info: ReportInfo, bestKey: string | undefined, keys: readonly string[]): string {
  const head = `<tr>${info.table.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = info.table.rows.map((r, i) => {
    const cls = keys[i] !== undefined && keys[i] === bestKey ? ' class="best"' : '';
    return `<tr${cls}>${r.map((cell, j) => (j === 0 ? `<td>${esc(cell)}</td>` : `<td class="num">${esc(cell)}</td>`)).join('')}</tr>`;
  });
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`;
}

function trialsHtml(c: Comparison, fmt: ReportInfo['fmt']): string {
  const by = c.options.by;
  const rows = c.trials.map((t) => {
    const params = Object.keys(t.params)
      .sort()
      .map((k) => `${k}=${JSON.stringify(t.params[k])}`)
      .join(', ');
    const cells = [String(t.number), t.state, valueLabel(t.params[by]), fmt(t.value), fmt(t.improvement), fmt(t.costUsd), fmt(t.wallSeconds), params];
    return `<tr>${cells.map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`;
  });
  const head = ['trial', 'state', by, c.options.metric, 'improvement', 'cost $', 'wall s', 'params'].map((h) => `<th>${esc(h)}</th>`).join('');
  return `<details>\n<summary>Every trial (${c.trials.length})</summary>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>\n</details>`;
}

export function renderCompareHtml(c: Comparison, info: ReportInfo): string {
  const { by, metric, goal } = c.options;
  const title = `${info.name ?? info.sweepId}: ${metric} by ${by}`;
  // colours follow the order of the table, so a value keeps its colour across both charts
  const colors = new Map(c.groups.map((g, i) => [g.key, colorAt(i)]));
  const strip = stripChart({
    title: `${metric} by ${by}`,
    yLabel: metric,
    groups: c.groups.map((g) => {
      const points = c.trials.filter((t) => t.key === g.key && t.counted && t.value !== undefined).map((t) => ({ y: t.value!, title: `trial ${t.number}: ${t.value}` }));
      return { label: g.label, color: colors.get(g.key)!, points, ...(g.metric.mean !== undefined ? { mean: g.metric.mean } : {}), ...(g.metric.sd !== undefined ? { sd: g.metric.sd } : {}) };
    }),
  });
  const curves = lineChart({
    title: `${curveLabel(c)}: mean over trials`,
    xLabel: c.options.roundMetric !== undefined ? 'round k' : 'logged value #',
    yLabel: c.options.roundMetric ?? metric,
    series: c.groups.map((g) => ({ label: g.label, color: colors.get(g.key)!, points: g.curve.map((p) => [p.k, p.mean] as const) })),
  });
  const best = c.best
    ? `<p class="best">Best ${esc(by)}: <code>${esc(c.best.label)}</code> (mean ${esc(metric)} ${esc(info.fmt(c.best.metric.mean))} over ${c.best.metric.n} trial${c.best.metric.n === 1 ? '' : 's'})</p>`
    : `<p>No finished or stopped trial logged <code>${esc(metric)}</code>: no best ${esc(by)}.</p>`;
  const about = [
    `sweep <code>${esc(info.sweepId)}</code>`,
    ...(info.source !== undefined ? [`config <code>${esc(info.source)}</code>`] : []),
    `${esc(goal)} <code>${esc(metric)}</code>`,
    `${c.trials.length} trials`,
  ].join(', ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    `<h1>${esc(title)}</h1>`,
    `<p>${about}. A trial's value is the last ${esc(metric)} it logged; failed, queued and running trials are counted but left out of means, sums and bests; sd is the sample standard deviation.</p>`,
    tableHtml(info, c.best?.key, c.groups.map((g) => g.key)),
    best,
    `<figure>\n${strip}\n<figcaption>Each dot is a trial; the bar is the mean, whiskers ± one sd.</figcaption>\n</figure>`,
    `<figure>\n${curves}\n<figcaption>Mean over each value's trials of ${esc(curveLabel(c))}, against ${c.options.roundMetric !== undefined ? 'the round k' : 'the order it was logged in'}.</figcaption>\n</figure>`,
    trialsHtml(c, info.fmt),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
