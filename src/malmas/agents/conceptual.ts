/**
 * Deterministic conceptual memory: turns recorded outcomes into a few short rules
 * (malmas-algorithm.md §4.3). MALMAS asks an LLM for "1 to 3 concise and actionable conceptual
 * rules" per agent and "2 to 5 high-level rules" across agents; this summariser writes rules of the
 * same kind from counts (which patterns and columns helped, which did not, what failed to compile
 * and why), so an offline run has a conceptual memory too and an LLM summariser can be compared
 * against it. Sorting is total (gain, then count, then name), so the text is reproducible.
 */
import type { AgentKind } from '../types.js';
import { featurePattern } from './patterns.js';
import { clip } from './prompt.js';

/** The fields of a procedural entry the rules read. */
export interface OutcomeView {
  readonly agent: AgentKind;
  readonly name: string;
  readonly expr: string;
  readonly status: 'accepted' | 'rejected' | 'invalid';
  /** Rejection reason or compile error. */
  readonly reason?: string;
  readonly gain?: number;
}

interface Tally {
  accepted: OutcomeView[];
  rejected: OutcomeView[];
  invalid: OutcomeView[];
}

const tally = (): Tally => ({ accepted: [], rejected: [], invalid: [] });

function byKey(entries: readonly OutcomeView[], keys: (e: OutcomeView) => readonly string[]): Map<string, Tally> {
  const m = new Map<string, Tally>();
  for (const e of entries) {
    for (const k of new Set(keys(e))) {
      let t = m.get(k);
      if (t === undefined) m.set(k, (t = tally()));
      t[e.status].push(e);
    }
  }
  return m;
}

const familyKeys = (e: OutcomeView): string[] => {
  const p = featurePattern(e.expr);
  return p === undefined ? [] : [p.family];
};
const columnKeys = (e: OutcomeView): string[] => [...(featurePattern(e.expr)?.columns ?? [])];

function best(xs: readonly OutcomeView[]): OutcomeView | undefined {
  let b: OutcomeView | undefined;
  for (const x of xs) if (b === undefined || (x.gain ?? -Infinity) > (b.gain ?? -Infinity)) b = x;
  return b;
}

function gainText(g: number | undefined): string {
  return g === undefined || !Number.isFinite(g) ? 'n/a' : `${g >= 0 ? '+' : ''}${g.toFixed(4)}`;
}

function bestGain(t: Tally): number {
  return best(t.accepted)?.gain ?? -Infinity;
}

function sortedEntries(m: Map<string, Tally>, cmp: (a: Tally, b: Tally) => number): Array<[string, Tally]> {
  return [...m.entries()].sort((a, b) => cmp(a[1], b[1]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Up to 6 rules for one agent from all its outcomes so far; undefined when there are none. */
export function localRules(entries: readonly OutcomeView[], minEffective = 2): string | undefined {
  if (entries.length === 0) return undefined;
  const rules: string[] = [];
  const fam = byKey(entries, familyKeys);
  const helped = sortedEntries(fam, (a, b) => bestGain(b) - bestGain(a)).filter(([, t]) => t.accepted.length > 0);
  for (const [f, t] of helped.slice(0, 3)) {
    const b = best(t.accepted)!;
    const more = t.accepted.length > 1 ? `; ${t.accepted.length} accepted` : '';
    rules.push(`${f} features helped: ${b.name} = ${clip(b.expr, 70)} (${gainText(b.gain)}${more})`);
  }
  const failed = sortedEntries(fam, (a, b) => b.rejected.length - a.rejected.length).filter(
    ([, t]) => t.accepted.length === 0 && t.rejected.length >= minEffective,
  );
  for (const [f, t] of failed.slice(0, 2)) {
    rules.push(`${f} features did not help (${t.rejected.length} tried, e.g. ${t.rejected[0]!.name}, best gain ${gainText(maxGain(t.rejected))})`);
  }
  rules.push(...invalidRules(entries, 2));
  const cols = byKey(entries, columnKeys);
  for (const [c, t] of sortedEntries(cols, (a, b) => b.accepted.length - a.accepted.length || bestGain(b) - bestGain(a)).slice(0, 2)) {
    if (t.accepted.length >= minEffective) rules.push(`\`${c}\` is a productive base column (${t.accepted.length} accepted features)`);
  }
  if (rules.length === 0) {
    const n = entries.length;
    rules.push(`no feature has helped yet (${n} tried); try other fields or other operators`);
  }
  return rules.slice(0, 6).map((r) => `- ${r}`).join('\n');
}

/**
 * Rules about features that failed before any gain was measured: compile errors, and rejections
 * without a gain (constant, mostly missing, …). By column when a column keeps failing.
 */
function invalidRules(entries: readonly OutcomeView[], max: number): string[] {
  const failed = entries.filter((e) => e.status === 'invalid' || (e.status === 'rejected' && e.gain === undefined));
  if (failed.length === 0) return [];
  const out: string[] = [];
  const cols = byKey(failed, columnKeys);
  const n = (t: Tally): number => t.invalid.length + t.rejected.length;
  for (const [c, t] of sortedEntries(cols, (a, b) => n(b) - n(a)).slice(0, max)) {
    const first = t.invalid[0] ?? t.rejected[0]!;
    if (n(t) >= 2) out.push(`expressions using \`${c}\` failed (${n(t)}x): ${clip(first.reason ?? 'invalid', 110)}`);
  }
  if (out.length === 0) {
    const e = failed[failed.length - 1]!;
    out.push(`${failed.length} feature(s) failed before evaluation, e.g. ${e.name}: ${clip(e.reason ?? 'invalid', 110)}`);
  }
  return out;
}

function maxGain(xs: readonly OutcomeView[]): number | undefined {
  let m: number | undefined;
  for (const x of xs) if (x.gain !== undefined && Number.isFinite(x.gain) && (m === undefined || x.gain > m)) m = x.gain;
  return m;
}

/** Up to 10 rules across agents: per-agent results, then patterns and columns that held across agents. */
export function globalRules(entries: readonly OutcomeView[], agents: readonly AgentKind[]): string | undefined {
  if (entries.length === 0) return undefined;
  const rules: string[] = [];
  for (const a of agents) {
    const mine = entries.filter((e) => e.agent === a);
    if (mine.length === 0) continue;
    const acc = mine.filter((e) => e.status === 'accepted');
    const b = best(acc);
    rules.push(`${a}: ${acc.length} of ${mine.length} features accepted${b ? `, best ${b.name} (${gainText(b.gain)})` : ''}`);
  }
  const fam = byKey(entries, familyKeys);
  for (const [f, t] of sortedEntries(fam, (x, y) => y.accepted.length - x.accepted.length || bestGain(y) - bestGain(x)).slice(0, 2)) {
    if (t.accepted.length > 0) rules.push(`across agents, ${f} features helped most (${t.accepted.length} accepted, best ${gainText(bestGain(t))})`);
  }
  for (const [f, t] of sortedEntries(fam, (x, y) => y.rejected.length - x.rejected.length).slice(0, 1)) {
    if (t.accepted.length === 0 && t.rejected.length >= 3) rules.push(`${f} features have not helped any agent (${t.rejected.length} tried)`);
  }
  const cols = byKey(entries, columnKeys);
  const good = sortedEntries(cols, (x, y) => y.accepted.length - x.accepted.length || bestGain(y) - bestGain(x)).filter(([, t]) => t.accepted.length >= 2);
  if (good.length > 0) rules.push(`productive columns: ${good.slice(0, 4).map(([c, t]) => `\`${c}\` (${t.accepted.length})`).join(', ')}`);
  rules.push(...invalidRules(entries, 1));
  return rules.slice(0, 10).map((r) => `- ${r}`).join('\n');
}
