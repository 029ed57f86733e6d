/**
 * The MALMAS router: which agents run in a round (malmas-algorithm.md §3, main_demo/router.py;
 * the paper's §4.1.1). Semantics kept from the original:
 * - rounds before `warmupRounds` (default 1) run all six agents;
 * - data_driven: agents whose data rule holds (agents/*.ts `suits`; see each file for the rule);
 * - performance_driven: agents whose mean per-round gain over the last `window` (10) rounds is
 *   ≥ `threshold` (0); with no history at all, every agent; an agent without history is not kept;
 * - hybrid (default): the union of the two, so an agent is dropped only when the data rules exclude
 *   it AND its gain is below the threshold (or it has none);
 * - llm: the caller's model picks from a prompt with the data summary and each agent's history
 *   (agents/router-llm.ts); any failure falls back to hybrid, with the reason recorded.
 * Deliberate differences: the output is in the fixed agent order (MALMAS orders the hybrid union by
 * Python set iteration); the selection is never empty (MALMAS's performance-driven rule can select
 * no agent: we fall back to the best agent by mean gain and say so); `all` is a strategy of its own;
 * the data rules read the current columns at every round (persisted features included).
 */
import { EXIT, FFError } from '../core/errors.js';
import { AGENTS } from './agents/index.js';
import { readColumns, type ColumnInfo } from './agents/columns.js';
import { parseRouterAnswer, routerPrompt } from './agents/router-llm.js';
import type { Suitability } from './agents/spec.js';
import { AGENT_KINDS, type AgentKind, type ProposalContext } from './types.js';

export const ROUTER_STRATEGIES = ['data_driven', 'performance_driven', 'hybrid', 'all', 'llm'] as const;

/** Throws a usage FFError for an unknown strategy, or for `llm` without a model to ask. */
export function checkRouterStrategy(strategy: string, hasLlm: boolean): void {
  if (!(ROUTER_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new FFError('FF_USAGE', `router strategy ${JSON.stringify(strategy)} is unknown; valid strategies: ${ROUTER_STRATEGIES.join(', ')}`, EXIT.usage);
  }
  if (strategy === 'llm' && !hasLlm) {
    throw new FFError('FF_USAGE', 'router strategy "llm" needs a model to ask (an LLM: --llm openai, or llm_provider: openai in a sweep); the offline proposer cannot route: use hybrid to route without one', EXIT.usage);
  }
}
export type RouterStrategy = (typeof ROUTER_STRATEGIES)[number];

/** Asks a model (temperature 0.3 in MALMAS) and returns its raw answer. */
export type RouterLlm = (prompt: string) => Promise<string>;

export interface RouterOptions {
  readonly strategy?: RouterStrategy;
  /** The column descriptions (as in {@link ProposalContext.columns}); see {@link Router.setColumns}. */
  readonly columns: ProposalContext['columns'];
  readonly ordered?: boolean;
  readonly taskDescription?: string;
  readonly nRounds?: number;
  readonly warmupRounds?: number;
  readonly threshold?: number;
  /** Rounds of gain history kept per agent. */
  readonly window?: number;
  /** At least this many agents run (never fewer than 1). */
  readonly minAgents?: number;
  readonly maxAgents?: number;
  /** Required for the `llm` strategy. */
  readonly llm?: RouterLlm;
}

export interface RouterSelection {
  readonly round: number;
  /** In the fixed agent order. */
  readonly agents: readonly AgentKind[];
  /** Why each agent was, or was not, selected. */
  readonly reasons: Readonly<Record<AgentKind, string>>;
  /** The configured strategy. */
  readonly strategy: RouterStrategy;
  /** What decided this round: `warmup`, the strategy, or `hybrid` after an LLM failure. */
  readonly applied: RouterStrategy | 'warmup';
  /** Why the rule's own choice was changed (LLM failure, empty selection, agent caps). */
  readonly fallback?: string;
  readonly llmAnswer?: string;
}

interface Perf {
  readonly mean: number | null;
  readonly n: number;
}

export class Router {
  private cols: ColumnInfo[];
  private readonly gains = new Map<AgentKind, Array<{ round: number; gain: number }>>();
  private readonly choices: RouterSelection[] = [];
  private readonly strategy: RouterStrategy;

  constructor(private readonly opts: RouterOptions) {
    const s = opts.strategy ?? 'hybrid';
    checkRouterStrategy(s, opts.llm !== undefined);
    this.strategy = s;
    this.cols = readColumns(opts.columns);
  }

  /** The columns the data rules read from now on (e.g. after features were persisted). */
  setColumns(columns: ProposalContext['columns']): void {
    this.cols = readColumns(columns);
  }

  /** Records an agent's mean gain over its features of one round (non-finite values are ignored). */
  update(agent: AgentKind, round: number, meanGain: number): void {
    if (!Number.isFinite(meanGain)) return;
    const list = this.gains.get(agent) ?? [];
    const at = list.findIndex((x) => x.round === round);
    if (at >= 0) list[at] = { round, gain: meanGain };
    else list.push({ round, gain: meanGain });
    list.sort((a, b) => a.round - b.round);
    const window = this.opts.window ?? 10;
    if (list.length > window) list.splice(0, list.length - window);
    this.gains.set(agent, list);
  }

  async select(round: number): Promise<RouterSelection> {
    const sel = await this.decide(round);
    this.choices.push(sel);
    return sel;
  }

  /** Every round's choice with its reasons (router_history.json). */
  history(): readonly RouterSelection[] {
    return [...this.choices];
  }

  /** router_summary.json: strategy, selection counts, mean gains, the data rules' verdicts. */
  summary(): Record<string, unknown> {
    const perf = this.perf();
    const suits = this.suits();
    return {
      strategy: this.strategy,
      rounds: this.choices.length,
      selectionCounts: this.selectionCounts(),
      meanGain: Object.fromEntries(AGENT_KINDS.map((k) => [k, perf[k].mean])),
      dataRules: Object.fromEntries(AGENT_KINDS.map((k) => [k, suits[k]])),
    };
  }

  private async decide(round: number): Promise<RouterSelection> {
    const warmup = this.opts.warmupRounds ?? 1;
    if (round < warmup) {
      const reasons = record(() => `warm-up round ${round + 1} of ${warmup}: every agent runs`);
      return { round, agents: [...AGENT_KINDS], reasons, strategy: this.strategy, applied: 'warmup' };
    }
    if (this.strategy === 'llm') {
      const prompt = routerPrompt({
        round,
        columns: this.cols,
        ordered: this.opts.ordered ?? false,
        suits: this.suits(),
        perf: this.perf(),
        selected: this.selectionCounts(),
        ...(this.opts.nRounds !== undefined ? { nRounds: this.opts.nRounds } : {}),
        ...(this.opts.taskDescription !== undefined ? { taskDescription: this.opts.taskDescription } : {}),
      });
      let answer: string;
      try {
        answer = await this.opts.llm!(prompt);
      } catch (e) {
        return this.byRules(round, 'hybrid', `the LLM router failed (${e instanceof Error ? e.message : String(e)}); used hybrid`);
      }
      const parsed = parseRouterAnswer(answer);
      if (!parsed.ok) return this.byRules(round, 'hybrid', `the LLM router's answer was unusable (${parsed.error}); used hybrid`, answer);
      const chosen = new Set(parsed.agents);
      const reasons = record((k) =>
        chosen.has(k) ? `chosen by the LLM router${parsed.reasons[k] ? `: ${parsed.reasons[k]}` : ''}` : 'not chosen by the LLM router',
      );
      const note = parsed.unknown.length > 0 ? `ignored unknown agent names ${JSON.stringify(parsed.unknown)}` : undefined;
      return this.finish(round, 'llm', chosen, reasons, note, answer);
    }
    return this.byRules(round, this.strategy);
  }

  private byRules(round: number, applied: Exclude<RouterStrategy, 'llm'>, fallback?: string, llmAnswer?: string): RouterSelection {
    const suits = this.suits();
    const perf = this.perf();
    const threshold = this.opts.threshold ?? 0;
    const anyHistory = AGENT_KINDS.some((k) => perf[k].n > 0);
    const perfOk = (k: AgentKind): boolean => !anyHistory || (perf[k].n > 0 && perf[k].mean! >= threshold);
    const perfWhy = (k: AgentKind): string => {
      if (!anyHistory) return 'no agent has a gain history yet';
      const p = perf[k];
      if (p.n === 0) return 'no gain recorded yet';
      return `mean gain ${fmt(p.mean!)} over ${p.n} round(s) ${p.mean! >= threshold ? '>=' : '<'} threshold ${threshold}`;
    };
    const chosen = new Set<AgentKind>();
    let reasons: Record<AgentKind, string>;
    switch (applied) {
      case 'all':
        for (const k of AGENT_KINDS) chosen.add(k);
        reasons = record(() => 'strategy all: every agent runs');
        break;
      case 'data_driven':
        for (const k of AGENT_KINDS) if (suits[k].ok) chosen.add(k);
        reasons = record((k) => `data: ${suits[k].reason}`);
        break;
      case 'performance_driven':
        for (const k of AGENT_KINDS) if (perfOk(k)) chosen.add(k);
        reasons = record((k) => `performance: ${perfWhy(k)}`);
        break;
      case 'hybrid':
        for (const k of AGENT_KINDS) if (suits[k].ok || perfOk(k)) chosen.add(k);
        reasons = record((k) => `data: ${suits[k].ok ? '' : 'not suited, '}${suits[k].reason}; performance: ${perfWhy(k)}`);
        break;
    }
    return this.finish(round, applied, chosen, reasons, fallback, llmAnswer);
  }

  /** Applies the agent caps (never zero agents) and records why the rule's choice changed. */
  private finish(
    round: number,
    applied: RouterStrategy,
    chosen: Set<AgentKind>,
    reasons: Record<AgentKind, string>,
    fallback: string | undefined,
    llmAnswer?: string,
  ): RouterSelection {
    const perf = this.perf();
    const suits = this.suits();
    // Priority: mean gain (none = last), then data-suited first, then the fixed order.
    const priority = [...AGENT_KINDS].sort(
      (a, b) => (perf[b].mean ?? -Infinity) - (perf[a].mean ?? -Infinity) || Number(suits[b].ok) - Number(suits[a].ok) || AGENT_KINDS.indexOf(a) - AGENT_KINDS.indexOf(b),
    );
    const notes: string[] = fallback !== undefined ? [fallback] : [];
    const maxAgents = Math.max(1, Math.min(AGENT_KINDS.length, this.opts.maxAgents ?? AGENT_KINDS.length));
    const minAgents = Math.min(maxAgents, Math.max(1, this.opts.minAgents ?? 1));
    if (chosen.size > maxAgents) {
      const keep = priority.filter((k) => chosen.has(k)).slice(0, maxAgents);
      for (const k of [...chosen]) {
        if (!keep.includes(k)) {
          chosen.delete(k);
          reasons[k] = `${reasons[k]}; dropped: at most ${maxAgents} agent(s) run`;
        }
      }
      notes.push(`capped at ${maxAgents} agent(s) by mean gain`);
    }
    if (chosen.size < minAgents) {
      const was = chosen.size;
      for (const k of priority) {
        if (chosen.size >= minAgents) break;
        if (chosen.has(k)) continue;
        chosen.add(k);
        reasons[k] = `${reasons[k]}; added so that at least ${minAgents} agent(s) run (best remaining by mean gain ${perf[k].mean === null ? 'none' : fmt(perf[k].mean!)})`;
      }
      notes.push(was === 0 ? `the ${applied} rule selected no agent; fell back to the best agent(s) by mean gain` : `padded to ${minAgents} agent(s)`);
    }
    return {
      round,
      agents: AGENT_KINDS.filter((k) => chosen.has(k)),
      reasons,
      strategy: this.strategy,
      applied,
      ...(notes.length > 0 ? { fallback: notes.join('; ') } : {}),
      ...(llmAnswer !== undefined ? { llmAnswer: llmAnswer.length > 500 ? `${llmAnswer.slice(0, 497)}...` : llmAnswer } : {}),
    };
  }

  private suits(): Record<AgentKind, Suitability> {
    return record((k) => AGENTS[k].suits(this.cols, this.opts.ordered ?? false));
  }

  private perf(): Record<AgentKind, Perf> {
    return record((k) => {
      const xs = this.gains.get(k) ?? [];
      return { mean: xs.length === 0 ? null : xs.reduce((s, x) => s + x.gain, 0) / xs.length, n: xs.length };
    });
  }

  private selectionCounts(): Record<AgentKind, number> {
    return record((k) => this.choices.filter((c) => c.agents.includes(k)).length);
  }
}

function record<T>(f: (k: AgentKind) => T): Record<AgentKind, T> {
  return Object.fromEntries(AGENT_KINDS.map((k) => [k, f(k)])) as Record<AgentKind, T>;
}

function fmt(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}
