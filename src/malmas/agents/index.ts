/**
 * The six MALMAS agents (malmas-algorithm.md §2): a registry typed from its map, and the prompt
 * builder an LLM proposer calls (`buildPrompt(ctx)` dispatches on `ctx.agent`).
 */
import { AGENT_KINDS, type AgentKind, type ProposalContext } from '../types.js';
import { AGGREGATION_AGENT } from './aggregation.js';
import { CROSS_AGENT } from './cross.js';
import { LOCAL_PATTERN_AGENT } from './local-pattern.js';
import { LOCAL_TRANSFORM_AGENT } from './local-transform.js';
import { buildAgentPrompt, type AgentPrompt } from './prompt.js';
import type { AgentSpec } from './spec.js';
import { TEMPORAL_AGENT } from './temporal.js';
import { UNARY_AGENT } from './unary.js';

export const AGENTS = {
  unary: UNARY_AGENT,
  cross: CROSS_AGENT,
  aggregation: AGGREGATION_AGENT,
  temporal: TEMPORAL_AGENT,
  local_transform: LOCAL_TRANSFORM_AGENT,
  local_pattern: LOCAL_PATTERN_AGENT,
} as const satisfies Record<AgentKind, AgentSpec>;

/** The prompt for `ctx.agent` (the `(ctx) => { system, user }` an LLM proposer takes). */
export function buildPrompt(ctx: ProposalContext): AgentPrompt {
  return buildAgentPrompt(AGENTS[ctx.agent], ctx);
}

/** `unary`, `UnaryFeatureAgent`, `unaryfeature`, `local-pattern`, … → the agent kind, else undefined. */
export function agentKindOf(name: string): AgentKind | undefined {
  const norm = name.toLowerCase().replace(/[^a-z]/g, '').replace(/agent$/, '');
  for (const k of AGENT_KINDS) {
    const spec: AgentSpec = AGENTS[k];
    if (norm === k.replace('_', '') || norm === spec.malmasName) return k;
  }
  return undefined;
}

export { AGENT_KINDS };
export type { AgentSpec, Suitability } from './spec.js';
export type { AgentPrompt } from './prompt.js';
export { buildAgentPrompt, describeForPrompt, PROMPT_LIMITS } from './prompt.js';
export {
  contextColumns,
  readColumns,
  schemaOfColumns,
  isUsable,
  isNumeric,
  isKey,
  isContinuous,
  isDateLike,
  isTextLike,
  isIdentifier,
  type ColumnInfo,
  type ColumnType,
  type TargetBinView,
} from './columns.js';
export { featurePattern, type FeaturePattern } from './patterns.js';
