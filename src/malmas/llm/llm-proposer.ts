/**
 * An agent's proposals written by an LLM: the agent's prompt (built elsewhere, passed in), one
 * chat call at the context's temperature, the answer read by `parseProposals`. Where MALMAS
 * retries an unreadable answer without end (notes §1.1 step 3/6, §9.1), we ask once more with the
 * reason and then give up with no proposals and a warning: a bad answer costs a round, never the run.
 * Failures of the call itself (bad key, endpoint down after retries) are not answers: they propagate.
 */
import type { ProposalContext, ProposalResult, Proposer, FeatureProposal, TokenUsage } from '../types.js';
import type { ChatClient, ChatMessage, ChatResult } from './client.js';
import type { CostLedger } from './ledger.js';
import { parseProposals } from './json.js';

export interface BuiltPrompt {
  readonly system: string;
  readonly user: string;
}

export type PromptBuilder = (ctx: ProposalContext) => BuiltPrompt;

export interface LlmProposerOptions {
  readonly client: ChatClient;
  readonly buildPrompt: PromptBuilder;
  /** Every call (the repair included) is recorded here under the context's agent and round. */
  readonly ledger?: CostLedger;
  readonly maxTokens?: number;
  /**
   * Ask for JSON mode where the endpoint supports it. Off by default: JSON mode forces a top-level
   * object, while MALMAS's prompts ask for an array (both are read; the prompt decides).
   */
  readonly json?: boolean;
}

export function repairMessage(reason: string): string {
  return `Your last answer was not valid JSON: ${reason}. Answer again with only the JSON array.`;
}

export class LlmProposer implements Proposer {
  readonly describe: string;
  readonly isLlm = true;
  private readonly client: ChatClient;
  private readonly buildPrompt: PromptBuilder;
  private readonly ledger: CostLedger | undefined;
  private readonly maxTokens: number | undefined;
  private readonly json: boolean;

  constructor(options: LlmProposerOptions) {
    this.client = options.client;
    this.buildPrompt = options.buildPrompt;
    this.ledger = options.ledger;
    this.maxTokens = options.maxTokens;
    this.json = options.json ?? false;
    this.describe = options.client.describe;
  }

  async propose(ctx: ProposalContext, signal?: AbortSignal): Promise<ProposalResult> {
    const prompt = this.buildPrompt(ctx);
    const messages: ChatMessage[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ];
    const first = await this.call(ctx, 'proposal', messages, signal);
    const calls = [first];
    let parsed = parseProposals(first.text);
    const warnings: string[] = [];
    if (first.finishReason === 'length') warnings.push(`the answer reached the token limit${this.maxTokens ? ` (${this.maxTokens})` : ''}`);

    if ('error' in parsed) {
      const reason = parsed.error;
      warnings.push(`the first answer was unreadable (${reason}); asked again`);
      const retry = await this.call(
        ctx,
        'repair',
        [...messages, { role: 'assistant', content: first.text }, { role: 'user', content: repairMessage(reason) }],
        signal,
      );
      calls.push(retry);
      parsed = parseProposals(retry.text);
      if (retry.finishReason === 'length') warnings.push('the second answer reached the token limit too');
    }

    let proposals: FeatureProposal[] = [];
    if ('error' in parsed) warnings.push(`gave up on this agent's answer after one repair: ${parsed.error}`);
    else {
      proposals = parsed.proposals;
      warnings.push(...parsed.warnings);
    }
    return {
      proposals,
      warnings,
      usage: sumUsage(calls),
      costUsd: calls.reduce((s, c) => s + c.costUsd, 0),
      latencyMs: calls.reduce((s, c) => s + c.latencyMs, 0),
    };
  }

  private async call(ctx: ProposalContext, purpose: string, messages: ChatMessage[], signal?: AbortSignal): Promise<ChatResult> {
    const result = await this.client.chat(
      {
        messages,
        temperature: ctx.temperature,
        ...(this.maxTokens !== undefined ? { maxTokens: this.maxTokens } : {}),
        ...(this.json ? { json: true } : {}),
      },
      signal,
    );
    this.ledger?.record({
      agent: ctx.agent,
      round: ctx.round,
      purpose,
      model: result.model,
      usage: result.usage,
      costUsd: result.costUsd,
      priceKnown: result.priceKnown,
      latencyMs: result.latencyMs,
      attempts: result.attempts,
    });
    return result;
  }
}

function sumUsage(calls: readonly ChatResult[]): TokenUsage {
  return {
    promptTokens: calls.reduce((s, c) => s + c.usage.promptTokens, 0),
    completionTokens: calls.reduce((s, c) => s + c.usage.completionTokens, 0),
  };
}
