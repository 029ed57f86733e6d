/**
 * MALMAS's three-level memory, one per agent (malmas-algorithm.md §4, main_demo/memory.py):
 * - procedural: every feature the agent proposed (name, expression, base columns, logic, round)
 *   with its outcome: accepted, rejected (and why, e.g. no gain) or invalid (parse/check error);
 *   MALMAS keeps only effective/unused entries, we also keep the invalid ones for the repair loop;
 * - feedback: the accepted features ranked by gain (MALMAS injects the top 5 from the 2nd round);
 * - conceptual: rules summarised after each round, per agent (local) and across agents (global).
 *   The default summariser is deterministic (agents/conceptual.ts); an LLM one can be passed in and
 *   falls back to the deterministic rules if it fails.
 *
 * Storage is uncapped as in MALMAS; caps apply when the prompt is built (agents/prompt.ts).
 * Entries are unique per name: recording a name again replaces the earlier entry (latest outcome).
 * A run starts with fresh memory (MALMAS reloads old memory from disk; we do not).
 */
import { globalRules, localRules, type OutcomeView } from './agents/conceptual.js';
import { featurePattern } from './agents/patterns.js';
import { AGENT_KINDS, type AgentKind, type ProposalContext } from './types.js';

export type FeatureOutcome =
  | { readonly status: 'accepted' }
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'invalid'; readonly error: string };

export interface ProceduralEntry {
  readonly name: string;
  readonly expr: string;
  readonly baseColumns: readonly string[];
  readonly logic?: string;
  readonly type?: 'numerical' | 'categorical';
  /** 0-based round (MALMAS round_idx). */
  readonly round: number;
  readonly outcome: FeatureOutcome;
  /** CV gain when the feature was evaluated. */
  readonly gain?: number;
}

export interface AgentStats {
  readonly proposed: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly invalid: number;
  readonly bestGain: number | null;
  /** MALMAS's statistics over effective features, kept when seen ≥ minEffective times. */
  readonly effectivePatterns: Readonly<Record<string, number>>;
  readonly effectiveColumns: Readonly<Record<string, number>>;
  readonly effectiveTypes: Readonly<Record<string, number>>;
}

/** What a pluggable (LLM) summariser gets; `rules` is the deterministic summary. */
export interface LocalSummaryInput {
  readonly agent: AgentKind;
  readonly round: number;
  readonly entries: readonly ProceduralEntry[];
  readonly stats: AgentStats;
  readonly rules: string;
}
export interface GlobalSummaryInput {
  readonly round: number;
  readonly agents: Readonly<Record<AgentKind, { readonly stats: AgentStats; readonly localSummary?: string }>>;
  readonly rules: string;
}
export type LocalSummariser = (input: LocalSummaryInput) => string | Promise<string>;
export type GlobalSummariser = (input: GlobalSummaryInput) => string | Promise<string>;

export interface MemoryOptions {
  /** Features listed in the feedback memory (MALMAS: 5). */
  readonly feedbackSize?: number;
  /** Failures handed back to the agent (the most recent ones). */
  readonly failureLimit?: number;
  /** MALMAS `min_effective`: counts below it are not rules yet. */
  readonly minEffective?: number;
}

/** The memory fields of a {@link ProposalContext}. */
export type MemoryContext = Pick<ProposalContext, 'valid' | 'invalid' | 'failures' | 'feedback' | 'localSummary' | 'globalSummary'>;

export class AgentMemory {
  private readonly entries: ProceduralEntry[] = [];
  private readonly index = new Map<string, number>();
  private readonly summaries: Array<{ round: number; text: string }> = [];
  private summary: string | undefined;

  constructor(
    readonly agent: AgentKind,
    private readonly opts: Required<MemoryOptions>,
  ) {}

  record(entry: ProceduralEntry): void {
    const at = this.index.get(entry.name);
    if (at === undefined) {
      this.index.set(entry.name, this.entries.length);
      this.entries.push(entry);
    } else {
      this.entries[at] = entry;
    }
  }

  procedural(): readonly ProceduralEntry[] {
    return this.entries;
  }

  /** Accepted names, in the order they were proposed (MALMAS's valid list). */
  valid(): string[] {
    return this.entries.filter((e) => e.outcome.status === 'accepted').map((e) => e.name);
  }

  /** Rejected and invalid names (MALMAS's invalid list, plus what did not compile). */
  invalid(): string[] {
    return this.entries.filter((e) => e.outcome.status !== 'accepted').map((e) => e.name);
  }

  /** The most recent failures first (latest round; within a round, compile errors first). */
  failures(limit = this.opts.failureLimit): MemoryContext['failures'] {
    const failed = this.entries
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.outcome.status !== 'accepted')
      .sort((a, b) => b.e.round - a.e.round || rankStatus(a.e) - rankStatus(b.e) || a.i - b.i);
    return failed.slice(0, limit).map(({ e }) => ({ name: e.name, expr: e.expr, reason: reasonOf(e) }));
  }

  /** Accepted features by gain, best first (ties: earlier first). */
  feedback(k = this.opts.feedbackSize): MemoryContext['feedback'] {
    return this.entries
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.outcome.status === 'accepted')
      .sort((a, b) => (b.e.gain ?? 0) - (a.e.gain ?? 0) || a.i - b.i)
      .slice(0, k)
      .map(({ e }) => ({ name: e.name, expr: e.expr, gain: e.gain ?? 0 }));
  }

  get localSummary(): string | undefined {
    return this.summary;
  }

  conceptualHistory(): ReadonlyArray<{ round: number; text: string }> {
    return this.summaries;
  }

  setLocalSummary(round: number, text: string): void {
    this.summary = text;
    if (this.summaries.length === 0 || this.summaries[this.summaries.length - 1]!.text !== text) this.summaries.push({ round, text });
  }

  stats(): AgentStats {
    const acc = this.entries.filter((e) => e.outcome.status === 'accepted');
    const count = (keys: (e: ProceduralEntry) => string[]): Record<string, number> => {
      const m = new Map<string, number>();
      for (const e of acc) for (const k of keys(e)) m.set(k, (m.get(k) ?? 0) + 1);
      return Object.fromEntries([...m].filter(([, n]) => n >= this.opts.minEffective).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    };
    let bestGain: number | null = null;
    for (const e of acc) if (e.gain !== undefined && (bestGain === null || e.gain > bestGain)) bestGain = e.gain;
    return {
      proposed: this.entries.length,
      accepted: acc.length,
      rejected: this.entries.filter((e) => e.outcome.status === 'rejected').length,
      invalid: this.entries.filter((e) => e.outcome.status === 'invalid').length,
      bestGain,
      effectivePatterns: count((e) => [featurePattern(e.expr)?.family ?? 'unknown']),
      effectiveColumns: count((e) => [[...e.baseColumns].sort().join('-')]),
      effectiveTypes: count((e) => [e.type ?? 'unknown']),
    };
  }

  views(): OutcomeView[] {
    return this.entries.map((e) => toView(this.agent, e));
  }

  toJSON(): Record<string, unknown> {
    return {
      agent: this.agent,
      procedural: this.entries.map((e) => ({ ...e, gain: finiteOrNull(e.gain) })),
      feedback: this.feedback(Infinity),
      conceptual: this.summaries,
      localSummary: this.summary ?? null,
      stats: this.stats(),
    };
  }
}

export class MalmasMemory {
  private readonly agents: Record<AgentKind, AgentMemory>;
  private readonly globals: Array<{ round: number; text: string }> = [];
  private global: string | undefined;
  private readonly opts: Required<MemoryOptions>;

  constructor(opts: MemoryOptions = {}) {
    this.opts = { feedbackSize: opts.feedbackSize ?? 5, failureLimit: opts.failureLimit ?? 10, minEffective: opts.minEffective ?? 2 };
    this.agents = Object.fromEntries(AGENT_KINDS.map((k) => [k, new AgentMemory(k, this.opts)])) as Record<AgentKind, AgentMemory>;
  }

  agent(kind: AgentKind): AgentMemory {
    return this.agents[kind];
  }

  record(agent: AgentKind, entry: ProceduralEntry): void {
    this.agents[agent].record(entry);
  }

  get globalSummary(): string | undefined {
    return this.global;
  }

  /**
   * Refreshes the conceptual memory after a round: each agent's local rules (for `agents`, by
   * default all six), then the global rules. A summariser that throws or returns nothing is
   * replaced by the deterministic rules; the returned warnings say so.
   */
  async summariseRound(
    round: number,
    opts: { readonly agents?: readonly AgentKind[]; readonly local?: LocalSummariser; readonly global?: GlobalSummariser } = {},
  ): Promise<string[]> {
    const warnings: string[] = [];
    for (const kind of opts.agents ?? AGENT_KINDS) {
      const mem = this.agents[kind];
      const rules = localRules(mem.views(), this.opts.minEffective);
      if (rules === undefined) continue;
      const text = await withFallback(
        opts.local && (() => opts.local!({ agent: kind, round, entries: mem.procedural(), stats: mem.stats(), rules })),
        rules,
        `local summary of ${kind}`,
        warnings,
      );
      mem.setLocalSummary(round, text);
    }
    const all = AGENT_KINDS.flatMap((k) => this.agents[k].views());
    const rules = globalRules(all, AGENT_KINDS);
    if (rules !== undefined) {
      const agents = Object.fromEntries(
        AGENT_KINDS.map((k) => [k, { stats: this.agents[k].stats(), ...(this.agents[k].localSummary !== undefined ? { localSummary: this.agents[k].localSummary } : {}) }]),
      ) as GlobalSummaryInput['agents'];
      const text = await withFallback(opts.global && (() => opts.global!({ round, agents, rules })), rules, 'global summary', warnings);
      this.global = text;
      if (this.globals.length === 0 || this.globals[this.globals.length - 1]!.text !== text) this.globals.push({ round, text });
    }
    return warnings;
  }

  /** The memory part of the next {@link ProposalContext} for `agent`. */
  contextFor(agent: AgentKind): MemoryContext {
    const m = this.agents[agent];
    return {
      valid: m.valid(),
      invalid: m.invalid(),
      failures: m.failures(),
      feedback: m.feedback(),
      ...(m.localSummary !== undefined ? { localSummary: m.localSummary } : {}),
      ...(this.global !== undefined ? { globalSummary: this.global } : {}),
    };
  }

  /** agent_memories.json */
  toJSON(): Record<string, unknown> {
    return {
      version: 1,
      agents: Object.fromEntries(AGENT_KINDS.map((k) => [k, this.agents[k].toJSON()])),
      globalSummary: this.global ?? null,
      globalHistory: this.globals,
    };
  }
}

async function withFallback(run: (() => string | Promise<string>) | undefined, rules: string, what: string, warnings: string[]): Promise<string> {
  if (run === undefined) return rules;
  try {
    const text = await run();
    if (typeof text === 'string' && text.trim() !== '') return text.trim();
    warnings.push(`${what}: the summariser returned nothing; kept the rule-based summary`);
  } catch (e) {
    warnings.push(`${what}: the summariser failed (${e instanceof Error ? e.message : String(e)}); kept the rule-based summary`);
  }
  return rules;
}

function rankStatus(e: ProceduralEntry): number {
  return e.outcome.status === 'invalid' ? 0 : 1;
}

function reasonOf(e: ProceduralEntry): string {
  switch (e.outcome.status) {
    case 'accepted':
      return 'accepted';
    case 'rejected':
      return e.outcome.reason;
    case 'invalid':
      return `invalid: ${e.outcome.error}`;
  }
}

function toView(agent: AgentKind, e: ProceduralEntry): OutcomeView {
  const base = { agent, name: e.name, expr: e.expr, status: e.outcome.status, ...(e.gain !== undefined ? { gain: e.gain } : {}) };
  if (e.outcome.status === 'rejected') return { ...base, reason: e.outcome.reason };
  if (e.outcome.status === 'invalid') return { ...base, reason: e.outcome.error };
  return base;
}

function finiteOrNull(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}
