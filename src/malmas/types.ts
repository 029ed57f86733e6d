/**
 * The MALMAS engineer's shared vocabulary: agents, their proposals, and the seam between an agent
 * and whatever writes its proposals (an LLM, or the offline proposer). No I/O here.
 * Knows nothing of sweeps, queues or trackers.
 */

/** The six agents of MALMAS (router names as in the paper's code). */
export const AGENT_KINDS = ['unary', 'cross', 'aggregation', 'temporal', 'local_transform', 'local_pattern'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** One proposed feature: a name and an expression in the feature language (docs/feature-language.md). */
export interface FeatureProposal {
  readonly name: string;
  /** Feature-language expression, e.g. `Fare / (SibSp + Parch + 1)`. Data, never code. */
  readonly expr: string;
  readonly type?: 'numerical' | 'categorical';
  /** Columns it is built from, as the agent says. */
  readonly baseColumns?: readonly string[];
  /** The agent's description of the derivation (kept in procedural memory). */
  readonly logic?: string;
}

/** What an agent knows when it proposes (built by the engineer from data, memory and the round). */
export interface ProposalContext {
  readonly agent: AgentKind;
  readonly round: number;
  readonly nRounds: number;
  readonly task: 'classification' | 'regression';
  readonly taskDescription: string;
  /** Per-column description (from dataset/describe.ts `enrichedDescription`), current base columns included. */
  readonly columns: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Whether rows have an order (lags and rolling windows allowed). */
  readonly ordered: boolean;
  /** This agent's accepted and rejected feature names so far (MALMAS's valid / invalid lists). */
  readonly valid: readonly string[];
  readonly invalid: readonly string[];
  /** Why recent proposals failed (parse/check errors, no gain): the repair loop. */
  readonly failures: ReadonlyArray<{ readonly name: string; readonly expr: string; readonly reason: string }>;
  /** Best features so far by gain (feedback memory). */
  readonly feedback: ReadonlyArray<{ readonly name: string; readonly expr: string; readonly gain: number }>;
  /** Conceptual memory: rules summarised so far (global and this agent's). */
  readonly globalSummary?: string;
  readonly localSummary?: string;
  /** Feature importance of the base columns, given in the second half of the rounds. */
  readonly importance?: ReadonlyArray<{ readonly name: string; readonly share: number }>;
  /** 0 (conservative) … 2 (exploratory): the LLM temperature, also for the offline proposer. */
  readonly temperature: number;
  readonly seed: number;
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface ProposalResult {
  readonly proposals: readonly FeatureProposal[];
  /** Problems with the answer that did not stop it (repaired JSON, dropped malformed items). */
  readonly warnings: readonly string[];
  readonly usage: TokenUsage;
  readonly costUsd: number;
  readonly latencyMs: number;
}

/** Writes an agent's proposals: an LLM behind a prompt, or the offline proposer. */
export interface Proposer {
  /** Shown in outputs: e.g. "deepseek-chat via https://api.deepseek.com" or "offline proposer (not an LLM)". */
  readonly describe: string;
  readonly isLlm: boolean;
  propose(ctx: ProposalContext, signal?: AbortSignal): Promise<ProposalResult>;
}
