/**
 * What an agent is: its focus (malmas-algorithm.md §2, in our own words), what it proposes per
 * field or group, and the data rule that says whether a table gives it anything to work on (used
 * by the router's data-driven strategy, §3).
 */
import type { AgentKind } from '../types.js';
import type { ColumnInfo } from './columns.js';

/** Whether the data suits an agent, and why (recorded in router_history.json). */
export interface Suitability {
  readonly ok: boolean;
  readonly reason: string;
}

export interface AgentSpec {
  readonly kind: AgentKind;
  /** e.g. "Unary feature agent". */
  readonly title: string;
  /** The agent's name in the MALMAS code (`unaryfeature`, …), accepted by the LLM router. */
  readonly malmasName: string;
  /** One paragraph: the goal given to the agent. */
  readonly focus: string;
  /** What "1–2 derived features per …" counts: a field, a group of columns, a (key, value) pair. */
  readonly unit: string;
  /** Agent-specific output requirements (added to the shared ones). */
  readonly requirements: readonly string[];
  /** Example expressions (column names are placeholders). */
  readonly examples: readonly string[];
  /** Sees the enriched description (target mean per bin) rather than the compact one. */
  readonly enriched: boolean;
  suits(columns: readonly ColumnInfo[], ordered?: boolean): Suitability;
}

/** `a, b, c and 4 more`. */
export function listNames(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
