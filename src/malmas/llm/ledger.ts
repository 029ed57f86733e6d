/**
 * Every LLM call the engineer makes, with its tokens, cost and latency, and totals per agent and
 * per round (MALMAS reports tokens and wall time per run, §8 of the notes; we add dollars).
 * Plain data: no I/O, serialisable with `toJSON()`.
 */
import type { TokenUsage } from '../types.js';

export interface LedgerEntry {
  /** An agent kind, or another caller such as `summary`, `router`. */
  readonly agent: string;
  readonly round: number;
  /** What the call was for: `proposal`, `repair`, `summary`, … */
  readonly purpose: string;
  readonly model: string;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  /** False when the model had no price: `costUsd` is then 0, not the real cost. */
  readonly priceKnown: boolean;
  readonly latencyMs: number;
  /** HTTP attempts, retries included. */
  readonly attempts: number;
}

export interface LedgerTotals {
  readonly calls: number;
  readonly attempts: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** Calls whose model had no price (their cost is missing from `costUsd`). */
  readonly unpricedCalls: number;
}

export interface LedgerJSON {
  readonly calls: readonly LedgerEntry[];
  readonly totals: LedgerTotals;
  readonly byAgent: Readonly<Record<string, LedgerTotals>>;
  readonly byRound: Readonly<Record<string, LedgerTotals>>;
}

const ZERO: LedgerTotals = {
  calls: 0,
  attempts: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  latencyMs: 0,
  unpricedCalls: 0,
};

function add(t: LedgerTotals, e: LedgerEntry): LedgerTotals {
  return {
    calls: t.calls + 1,
    attempts: t.attempts + e.attempts,
    promptTokens: t.promptTokens + e.usage.promptTokens,
    completionTokens: t.completionTokens + e.usage.completionTokens,
    totalTokens: t.totalTokens + e.usage.promptTokens + e.usage.completionTokens,
    costUsd: t.costUsd + e.costUsd,
    latencyMs: t.latencyMs + e.latencyMs,
    unpricedCalls: t.unpricedCalls + (e.priceKnown ? 0 : 1),
  };
}

export class CostLedger {
  private readonly calls: LedgerEntry[] = [];

  record(entry: LedgerEntry): void {
    this.calls.push(Object.freeze({ ...entry, usage: Object.freeze({ ...entry.usage }) }));
  }

  get entries(): readonly LedgerEntry[] {
    return this.calls;
  }

  totals(): LedgerTotals {
    return this.calls.reduce(add, ZERO);
  }

  /** Totals per agent, agents in first-seen order. */
  byAgent(): Record<string, LedgerTotals> {
    return this.group((e) => e.agent);
  }

  /** Totals per round (keys are the round numbers as strings, ascending). */
  byRound(): Record<string, LedgerTotals> {
    const grouped = this.group((e) => String(e.round));
    const keys = Object.keys(grouped).sort((a, b) => Number(a) - Number(b));
    return Object.fromEntries(keys.map((k) => [k, grouped[k]]));
  }

  toJSON(): LedgerJSON {
    return { calls: [...this.calls], totals: this.totals(), byAgent: this.byAgent(), byRound: this.byRound() };
  }

  private group(key: (e: LedgerEntry) => string): Record<string, LedgerTotals> {
    const out: Record<string, LedgerTotals> = {};
    for (const e of this.calls) {
      const k = key(e);
      out[k] = add(out[k] ?? ZERO, e);
    }
    return out;
  }
}
