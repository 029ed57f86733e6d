/**
 * The offline proposer: a deterministic, seeded, rule-based stand-in for the LLM agents of MALMAS
 * (malmas-algorithm.md §2). It is NOT an LLM and makes no network call. From the column
 * descriptions, the agent's focus and the memory in the context it writes feature-language
 * expressions, so the whole MALMAS loop (router, memory, evaluator) can run and be tested offline.
 *
 * Per call: the agent's generator lists candidates with a prior (gen-*.ts); candidates whose name
 * or expression memory already holds are dropped; the rest must compile against the schema the
 * columns imply. Score = prior + relevance of the base columns + memory bias (columns and patterns
 * of the best features up, those of recent failures down) + a bonus for building on accepted
 * features. Selection keeps 1–2 per field or group (MALMAS) up to `maxProposals`: at temperature 0
 * the best scores; above 0, Gumbel-top-k sampling of softmax(score / T) with `Rng(seed, agent, round)`.
 */
import { Rng } from '../../core/rng.js';
import { featurePattern } from '../agents/patterns.js';
import { compileFeature } from '../dsl/index.js';
import type { AgentKind, FeatureProposal, ProposalContext, ProposalResult, Proposer } from '../types.js';
import type { Candidate, Generator } from './candidates.js';
import { aggregationCandidates } from './gen-aggregation.js';
import { crossCandidates } from './gen-cross.js';
import { localPatternCandidates, localTransformCandidates } from './gen-local.js';
import { temporalCandidates } from './gen-temporal.js';
import { unaryCandidates } from './gen-unary.js';
import { normalise, readSignals, type Signals } from './signals.js';

export const OFFLINE_GENERATORS: Readonly<Record<AgentKind, Generator>> = {
  unary: unaryCandidates,
  cross: crossCandidates,
  aggregation: aggregationCandidates,
  temporal: temporalCandidates,
  local_transform: localTransformCandidates,
  local_pattern: localPatternCandidates,
};

export interface OfflineProposerOptions {
  /** Features per call (default 8). */
  readonly maxProposals?: number;
  /** Features per field or group of columns (MALMAS: 1–2; default 2). */
  readonly perGroup?: number;
  /** Proposals one column may appear in (default 3), so one strong column does not fill the call. */
  readonly perColumn?: number;
}

export interface ScoredCandidate extends Candidate {
  readonly score: number;
  readonly family: string;
}

export interface OfflineProposal {
  readonly proposals: FeatureProposal[];
  readonly warnings: string[];
  /** Every candidate that survived the memory filter and compiled, best score first. */
  readonly candidates: readonly ScoredCandidate[];
}

export class OfflineProposer implements Proposer {
  readonly describe = 'offline proposer (rule-based, not an LLM)';
  readonly isLlm = false;

  constructor(private readonly opts: OfflineProposerOptions = {}) {}

  async propose(ctx: ProposalContext, signal?: AbortSignal): Promise<ProposalResult> {
    signal?.throwIfAborted();
    const t0 = performance.now();
    const r = proposeOffline(ctx, this.opts);
    return { proposals: r.proposals, warnings: r.warnings, usage: { promptTokens: 0, completionTokens: 0 }, costUsd: 0, latencyMs: performance.now() - t0 };
  }
}

/** The proposer's work, synchronous and pure. */
export function proposeOffline(ctx: ProposalContext, opts: OfflineProposerOptions = {}): OfflineProposal {
  const s = readSignals(ctx);
  const warnings: string[] = [];
  const scored = scoreCandidates(s, OFFLINE_GENERATORS[ctx.agent](s), warnings);
  const picked = select(scored, ctx, opts);
  if (picked.length === 0) {
    warnings.push(`${ctx.agent}: nothing to propose (no column suits this agent, or memory already holds every candidate)`);
  }
  const proposals = picked.map((c) => ({ name: c.name, expr: c.expr, type: c.type, baseColumns: [...c.baseColumns], logic: c.logic }));
  return { proposals, warnings, candidates: scored };
}

function scoreCandidates(s: Signals, cands: readonly Candidate[], warnings: string[]): ScoredCandidate[] {
  const names = new Set<string>();
  const exprs = new Set<string>();
  const accepted = new Set(s.ctx.valid);
  const out: ScoredCandidate[] = [];
  for (const c of cands) {
    const norm = normalise(c.expr);
    if (s.takenNames.has(c.name) || names.has(c.name) || s.triedExprs.has(norm) || exprs.has(norm)) continue;
    const compiled = compileFeature(c.expr, s.schema, { ordered: s.ctx.ordered });
    if (!compiled.ok) {
      // A generator bug, not a data problem: say so rather than emit a feature that cannot run.
      warnings.push(`offline ${s.ctx.agent}: dropped candidate ${c.name} = ${c.expr}: ${compiled.error}`);
      continue;
    }
    names.add(c.name);
    exprs.add(norm);
    const family = featurePattern(c.expr)?.family ?? 'unknown';
    const cols = c.baseColumns;
    const rel = cols.reduce((a, n) => a + s.relevance(n), 0) / Math.max(1, cols.length);
    const bias = cols.reduce((a, n) => a + s.columnBias(n), 0) / Math.max(1, cols.length);
    const builds = cols.some((n) => accepted.has(n)) ? 0.2 : 0;
    const type = compiled.feature.kind === 'numeric' ? 'numerical' : 'categorical';
    out.push({ ...c, type, family, score: c.prior + rel + 0.5 * bias + s.familyBias(family) + builds });
  }
  // Stable: equal scores keep the generator's order.
  return out.map((c, i) => ({ c, i })).sort((a, b) => b.c.score - a.c.score || a.i - b.i).map((x) => x.c);
}

function select(scored: readonly ScoredCandidate[], ctx: ProposalContext, opts: OfflineProposerOptions): ScoredCandidate[] {
  const max = opts.maxProposals ?? 8;
  const perGroup = opts.perGroup ?? 2;
  const perColumn = opts.perColumn ?? 3;
  const t = Math.max(0, ctx.temperature);
  let order: readonly ScoredCandidate[] = scored;
  if (t > 0) {
    // Gumbel-top-k: sorting by score/T + Gumbel noise samples without replacement from softmax(score/T).
    const rng = new Rng(ctx.seed, ctx.agent, ctx.round);
    order = scored
      .map((c) => ({ c, key: c.score / t - Math.log(-Math.log(rng.randomOpen())) }))
      .sort((a, b) => b.key - a.key)
      .map((x) => x.c);
  }
  const groups = new Map<string, number>();
  const columns = new Map<string, number>();
  const out: ScoredCandidate[] = [];
  for (const c of order) {
    if (out.length >= max) break;
    const g = [...c.baseColumns].sort().join('\u0000');
    if ((groups.get(g) ?? 0) >= perGroup) continue;
    if (c.baseColumns.some((n) => (columns.get(n) ?? 0) >= perColumn)) continue;
    groups.set(g, (groups.get(g) ?? 0) + 1);
    for (const n of c.baseColumns) columns.set(n, (columns.get(n) ?? 0) + 1);
    out.push(c);
  }
  return out;
}
