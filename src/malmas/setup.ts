/**
 * From user-facing options (CLI flags, sweep parameters) to the engineer's proposer: `offline`
 * (default; the seeded rule-based proposer, not an LLM) or `openai` (any OpenAI-compatible chat
 * endpoint: DeepSeek by default, OpenAI, Ollama, vLLM), with a cost ledger and, for the `llm`
 * router strategy, a router model.
 */
import { EXIT, FFError } from '../core/errors.js';
import { buildPrompt } from './agents/index.js';
import { CostLedger, LlmProposer, OpenAiCompatibleClient, type ChatClient } from './llm/index.js';
import { OfflineProposer } from './offline/index.js';
import type { RouterLlm } from './router.js';
import type { Proposer } from './types.js';

export const LLM_PROVIDERS = ['offline', 'openai'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export interface ProposerSetup {
  readonly provider?: string;
  /** Model name for `openai` (default deepseek-chat). */
  readonly model?: string;
  /** Endpoint for `openai` (default https://api.deepseek.com; FF_LLM_BASE_URL). */
  readonly baseURL?: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** For tests: a client in place of the OpenAI-compatible one. */
  readonly client?: ChatClient;
}

export interface ProposerBundle {
  readonly proposer: Proposer;
  readonly routerLlm?: RouterLlm;
  /** Every LLM call with tokens and cost (empty offline). */
  readonly ledger: CostLedger;
  readonly provider: LlmProvider;
}

export function createProposer(setup: ProposerSetup = {}): ProposerBundle {
  const provider = (setup.provider ?? 'offline').toLowerCase();
  const ledger = new CostLedger();
  if (provider === 'offline') return { proposer: new OfflineProposer(), ledger, provider: 'offline' };
  if (provider !== 'openai') {
    throw new FFError('FF_USAGE', `llm provider '${setup.provider}' is unknown; valid providers: offline (no network, not an LLM), openai (any OpenAI-compatible endpoint)`, EXIT.usage);
  }
  const env = setup.env ?? process.env;
  const baseURL = setup.baseURL ?? env['FF_LLM_BASE_URL'];
  const client =
    setup.client ??
    new OpenAiCompatibleClient({
      ...(baseURL !== undefined && baseURL !== '' ? { baseURL } : {}),
      ...(setup.model !== undefined ? { model: setup.model } : {}),
      ...(setup.apiKey !== undefined ? { apiKey: setup.apiKey } : {}),
      ...(setup.timeoutMs !== undefined ? { timeoutMs: setup.timeoutMs } : {}),
      ...(setup.maxRetries !== undefined ? { maxRetries: setup.maxRetries } : {}),
      env,
    });
  const proposer = new LlmProposer({ client, buildPrompt, ledger });
  const routerLlm: RouterLlm = async (prompt) => {
    const r = await client.chat({ messages: [{ role: 'user', content: prompt }], temperature: 0.3 });
    ledger.record({ agent: 'router', round: -1, purpose: 'route', model: r.model, usage: r.usage, costUsd: r.costUsd, priceKnown: r.priceKnown, latencyMs: r.latencyMs, attempts: r.attempts });
    return r.text;
  };
  return { proposer, routerLlm, ledger, provider: 'openai' };
}
