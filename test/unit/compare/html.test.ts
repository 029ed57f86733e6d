import type { CompareTrial } from '../../../src/compare/collect.js';
import { renderCompareHtml } from '../../../src/compare/html.js';
import { comparisonTable, summarize, type CompareOptions } from '../../../src/compare/summarize.js';
import { fmtNumber } from '../../../src/cli/output.js';
import { esc, lineChart, niceTicks, stripChart } from '../../../src/report/svg.js';

const EVIL = '<img src=x onerror=alert(1)>';

function trials(): CompareTrial[] {
  const values = [EVIL, 'hybrid', 'data_driven', '"quoted" & \'single\''];
  const out: CompareTrial[] = [];
  values.forEach((v, i) => {
    for (let seed = 0; seed < 3; seed++) {
      const base = 0.7 + 0.01 * seed;
      const gain = 0.01 * (i + 1) + 0.002 * seed;
      out.push({
        number: out.length,
        state: seed === 2 && i === 0 ? 'failed' : 'finished',
        params: { router_strategy: v, seed },
        steps: [
          { 'round_1/test_auc': base + gain / 2 },
          { 'round_2/test_auc': base + gain, final_auc: base + gain, 'final/base_auc': base, 'llm/total_cost_usd': 0.001 * i },
        ],
        startedAt: '2024-01-01T00:00:00.000Z',
        endedAt: `2024-01-01T00:00:0${seed + 1}.000Z`,
      });
    }
  });
  return out;
}

function render(opts: Partial<CompareOptions> = {}, ts: CompareTrial[] = trials()): string {
  const c = summarize(ts, { by: 'router_strategy', metric: 'final_auc', goal: 'maximize', roundMetric: 'test_auc', ...opts });
  return renderCompareHtml(c, { sweepId: 'abc123', name: `sweep ${EVIL}`, source: 'sweeps/<x>.yaml', table: comparisonTable(c, fmtNumber), fmt: fmtNumber });
}

describe('compare HTML report', () => {
  it('is self-contained: no scripts, no external URLs, no external resources', () => {
    const html = render();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('escapes every string from the data', () => {
    const html = render({ metric: 'final_auc' });
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &#39;single&#39;');
    expect(html).toContain('sweeps/&lt;x&gt;.yaml');
    // a hostile metric and parameter name, too
    const ts = trials().map((t) => ({ ...t, params: { [`p${EVIL}`]: t.params.router_strategy! }, steps: t.steps.map((s) => ({ ...s, [`m${EVIL}`]: 1 })) }));
    const hostile = render({ by: `p${EVIL}`, metric: `m${EVIL}` }, ts);
    expect(hostile).not.toContain('<img');
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('has the table and one SVG per chart', () => {
    const html = render();
    expect(html.match(/<svg\b/g)).toHaveLength(2);
    expect(html.match(/<\/svg>/g)).toHaveLength(2);
    expect(html).toContain('<th>final_auc mean ± sd</th>');
    expect(html).toContain('<tr class="best"><td>&quot;quoted');
    // every counted trial is a dot in the first chart (11 finished of 12)
    const first = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(first.match(/<circle/g)).toHaveLength(11);
    // the round chart: 4 lines of 2 rounds
    const second = html.slice(html.lastIndexOf('<svg'), html.lastIndexOf('</svg>'));
    expect(second.match(/<polyline/g)).toHaveLength(4);
  });

  it('still draws both charts (saying why they are empty) when nothing was logged', () => {
    const ts: CompareTrial[] = [{ number: 0, state: 'failed', params: { router_strategy: 'a' }, steps: [] }];
    const html = render({}, ts);
    expect(html.match(/<svg\b/g)).toHaveLength(2);
    expect(html).toContain('no values to plot');
    expect(html).toContain('no per-round values to plot');
  });

  it('is deterministic: the same input gives byte-identical output', () => {
    expect(render()).toBe(render());
    expect(render({ roundMetric: undefined })).toBe(render({ roundMetric: undefined }));
    const reordered = [...trials()].reverse();
    expect(stripChart({ title: 't', yLabel: 'y', groups: [{ label: 'a', color: '#000', points: [{ y: 1 }, { y: 2 }], mean: 1.5, sd: 0.7 }] })).toBe(
      stripChart({ title: 't', yLabel: 'y', groups: [{ label: 'a', color: '#000', points: [{ y: 1 }, { y: 2 }], mean: 1.5, sd: 0.7 }] }),
    );
    expect(render({}, reordered).match(/<svg\b/g)).toHaveLength(2);
  });
});

describe('svg helpers', () => {
  it('makes nice ticks covering the range, and widens an empty one', () => {
    const t = niceTicks(0.71, 0.78);
    expect(t.lo).toBeLessThanOrEqual(0.71);
    expect(t.hi).toBeGreaterThanOrEqual(0.78);
    expect(t.values.map(t.label)).toEqual(['0.70', '0.72', '0.74', '0.76', '0.78']);
    const flat = niceTicks(5, 5);
    expect(flat.lo).toBeLessThan(5);
    expect(flat.hi).toBeGreaterThan(5);
  });

  it('draws a line chart with a legend entry per series', () => {
    const svg = lineChart({ title: 'c', xLabel: 'k', yLabel: 'y', series: [{ label: 'a', color: '#111', points: [[1, 0.5], [2, 0.6]] }, { label: 'b', color: '#222', points: [[1, 0.4]] }] });
    expect(svg.match(/<rect/g)).toHaveLength(2);
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg).not.toContain('NaN');
  });
});
