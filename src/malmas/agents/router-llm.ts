/**
 * The LLM router's prompt and the tolerant reading of its answer (malmas-algorithm.md §3,
 * `use_llm=True`; MALMAS's router.txt asks the model to weigh data relevance, performance history,
 * diversity and the iteration stage, and to answer with a JSON array of agent names). MALMAS
 * `json.loads` the whole answer, so a fenced answer falls back; here fences, prose around the
 * array, MALMAS's own agent names and `{agent, reason}` objects are all accepted.
 */
import { AGENT_KINDS, type AgentKind } from '../types.js';
import type { ColumnInfo } from './columns.js';
import { AGENTS, agentKindOf } from './index.js';
import { clip } from './prompt.js';
import type { Suitability } from './spec.js';

export interface RouterPromptInput {
  readonly round: number;
  readonly nRounds?: number;
  readonly columns: readonly ColumnInfo[];
  readonly ordered: boolean;
  readonly taskDescription?: string;
  readonly suits: Readonly<Record<AgentKind, Suitability>>;
  readonly perf: Readonly<Record<AgentKind, { readonly mean: number | null; readonly n: number }>>;
  readonly selected: Readonly<Record<AgentKind, number>>;
}

export function routerPrompt(x: RouterPromptInput): string {
  const byType = (t: string): string[] => x.columns.filter((c) => c.type === t).map((c) => c.name);
  const names = (xs: string[]): string => (xs.length === 0 ? '' : ` (${clip(xs.join(', '), 300)})`);
  const stage = x.nRounds === undefined ? `round ${x.round + 1}` : `round ${x.round + 1} of ${x.nRounds}`;
  const agents = AGENT_KINDS.map((k) => {
    const p = x.perf[k];
    const perf = p.n === 0 || p.mean === null ? 'no data yet' : `${p.mean >= 0 ? '+' : ''}${p.mean.toFixed(4)} (based on ${p.n} rounds)`;
    return `- ${k}: ${AGENTS[k].title}. ${AGENTS[k].focus}\n  Data rule: ${x.suits[k].ok ? 'suited' : 'not suited'} (${x.suits[k].reason}). Mean gain: ${perf}. Selected ${x.selected[k]} times.`;
  }).join('\n');
  return [
    'You are the router of MALMAS, a team of six feature-engineering agents. Choose which agents run in this round.',
    'Weigh four things: (1) data relevance: temporal columns call for the temporal agent, groupable categorical columns for aggregation, numeric columns for the local agents; ' +
      '(2) performance history: deprioritise agents whose mean gain is zero or negative; (3) diversity: pick agents that complement each other; ' +
      '(4) the stage: explore broadly in early rounds, favour the best performers in late ones.',
    `Stage: ${stage}.`,
    `Data: ${x.columns.length} columns: ${byType('numeric').length} numeric, ${byType('categorical').length} categorical, ` +
      `${byType('datetime').length} datetime${names(byType('datetime'))}, ${byType('id').length} id-like; rows ${x.ordered ? 'are ordered' : 'have no order'}.`,
    `Task: ${clip((x.taskDescription ?? '').trim() || '(no description)', 1000)}`,
    `Agents:\n${agents}`,
    `Answer with a JSON array of agent names only, e.g. ["unary", "cross"]. Valid names: ${AGENT_KINDS.join(', ')}.`,
  ].join('\n\n');
}

export type RouterAnswer =
  | { readonly ok: true; readonly agents: readonly AgentKind[]; readonly reasons: Partial<Record<AgentKind, string>>; readonly unknown: readonly string[] }
  | { readonly ok: false; readonly error: string };

export function parseRouterAnswer(text: string): RouterAnswer {
  const body = text.replace(/```[a-zA-Z]*\s*/g, '').replace(/```/g, '');
  const start = body.indexOf('[');
  const end = body.lastIndexOf(']');
  if (start < 0 || end <= start) return { ok: false, error: `no JSON array in the answer ${JSON.stringify(clip(text, 120))}` };
  const slice = body.slice(start, end + 1);
  let items: unknown[];
  try {
    const v: unknown = JSON.parse(slice);
    items = Array.isArray(v) ? v : [];
  } catch {
    // Not valid JSON (single quotes, trailing commas): take the quoted strings inside the brackets.
    items = [...slice.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
  }
  const agents: AgentKind[] = [];
  const reasons: Partial<Record<AgentKind, string>> = {};
  const unknown: string[] = [];
  for (const it of items) {
    let name: string | undefined;
    let reason: string | undefined;
    if (typeof it === 'string') name = it;
    else if (typeof it === 'object' && it !== null) {
      const o = it as Record<string, unknown>;
      const n = o['agent'] ?? o['name'] ?? o['kind'];
      if (typeof n === 'string') name = n;
      if (typeof o['reason'] === 'string') reason = o['reason'];
    }
    if (name === undefined) continue;
    const k = agentKindOf(name);
    if (k === undefined) unknown.push(name);
    else if (!agents.includes(k)) {
      agents.push(k);
      if (reason !== undefined) reasons[k] = clip(reason, 200);
    }
  }
  if (agents.length === 0) return { ok: false, error: `no known agent name in the answer ${JSON.stringify(clip(text, 120))}` };
  return { ok: true, agents, reasons, unknown };
}
