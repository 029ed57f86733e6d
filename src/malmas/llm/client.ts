/**
 * Chat completions against any OpenAI-compatible endpoint (DeepSeek by default, as in MALMAS §8;
 * OpenAI, Ollama, vLLM), through the official `openai` package. Its own retries are off: ours
 * count attempts, back off with seeded jitter and an injectable sleep, and end in an LlmError
 * that says what to do.
 */
import OpenAI from 'openai';
import type { TokenUsage } from '../types.js';
import { Rng } from '../../core/rng.js';
import { FFError } from '../../core/errors.js';
import { DEFAULT_BASE_URL, DEFAULT_MODEL, resolveApiKey, supportsJsonMode, vendorOf } from './endpoint.js';
import type { ResolvedKey } from './endpoint.js';
import { PriceTable, priceTableFromEnv } from './prices.js';
import type { ModelPrice } from './prices.js';
import {
  DEFAULT_BACKOFF,
  LlmError,
  MalformedResponseError,
  abortReason,
  abortableSleep,
  backoffDelay,
  classifyFailure,
  isUserAbort,
} from './retry.js';
import type { BackoffPolicy, CallSite, Failure } from './retry.js';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly temperature: number;
  readonly maxTokens?: number;
  /** Ask for a JSON object (`response_format`) where the endpoint is known to support it. */
  readonly json?: boolean;
}

export interface ChatResult {
  readonly text: string;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  /** False when the model has no price: `costUsd` is 0, not the real cost. */
  readonly priceKnown: boolean;
  /** The model that answered, as the server names it (else the one asked for). */
  readonly model: string;
  /** Wall time of the call, retries and waits included. */
  readonly latencyMs: number;
  readonly attempts: number;
  /** `stop`, `length` (cut at maxTokens), …, as the server says. */
  readonly finishReason: string | undefined;
}

export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly failure: Failure;
}

/** What the proposer needs of a client (so tests and other backends can stand in). */
export interface ChatClient {
  readonly model: string;
  readonly baseURL: string;
  /** e.g. "deepseek-chat via https://api.deepseek.com". */
  readonly describe: string;
  chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
}

export interface OpenAiCompatibleClientOptions {
  /** Default https://api.deepseek.com. */
  readonly baseURL?: string;
  /** Default deepseek-chat. */
  readonly model?: string;
  /** Default: FF_LLM_API_KEY, then DEEPSEEK_API_KEY (DeepSeek URLs) or OPENAI_API_KEY; none for localhost. */
  readonly apiKey?: string;
  /** Per attempt; default 60 000. */
  readonly timeoutMs?: number;
  /** Attempts after the first; default 4. */
  readonly maxRetries?: number;
  /** A PriceTable, or overrides of the list prices (USD per million tokens). */
  readonly prices?: PriceTable | Readonly<Record<string, ModelPrice>>;
  /** Passed to the `openai` package. */
  readonly fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Environment to read keys and FF_LLM_PRICES from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Override whether `json: true` sends `response_format` (default: only for OpenAI and DeepSeek URLs). */
  readonly jsonMode?: boolean;
  /** Waits between attempts; default an abortable setTimeout. Tests inject a recorder. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for backoff jitter; default a seeded Rng. */
  readonly random?: () => number;
  /** Seed of the default jitter Rng; default 0. */
  readonly seed?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** Called before each wait (for logs). */
  readonly onRetry?: (event: RetryEvent) => void;
}

export class OpenAiCompatibleClient implements ChatClient {
  readonly baseURL: string;
  readonly model: string;
  readonly describe: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly jsonMode: boolean;
  readonly prices: PriceTable;
  private readonly key: ResolvedKey;
  private readonly openai: OpenAI;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

  constructor(options: OpenAiCompatibleClientOptions = {}) {
    const env = options.env ?? process.env;
    this.baseURL = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.model = options.model ?? DEFAULT_MODEL;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetries = options.maxRetries ?? 4;
    if (!(this.timeoutMs > 0)) throw new FFError('FF_USAGE', `LLM timeoutMs must be > 0 (got ${String(options.timeoutMs)})`);
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) {
      throw new FFError('FF_USAGE', `LLM maxRetries must be an integer >= 0 (got ${String(options.maxRetries)})`);
    }
    if (this.model.trim() === '') throw new FFError('FF_USAGE', 'LLM model name is empty: use e.g. deepseek-chat or gpt-4.1-mini');
    this.key = resolveApiKey(this.baseURL, options.apiKey, env);
    this.jsonMode = options.jsonMode ?? supportsJsonMode(this.baseURL);
    this.prices = options.prices instanceof PriceTable ? options.prices : priceTableFromEnv(options.prices, env);
    this.describe = `${this.model} via ${this.baseURL}`;
    this.sleep = options.sleep ?? abortableSleep;
    const rng = new Rng('llm-retry', options.seed ?? 0);
    this.random = options.random ?? (() => rng.random());
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.onRetry = options.onRetry;
    this.openai = new OpenAI({
      baseURL: this.baseURL,
      apiKey: this.key.apiKey,
      timeout: this.timeoutMs,
      maxRetries: 0,
      // The package would read OPENAI_ORG_ID / OPENAI_PROJECT_ID and send them to any endpoint.
      ...(vendorOf(this.baseURL) === 'openai' ? {} : { organization: null, project: null }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async chat(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const started = performance.now();
    const body = {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      temperature: request.temperature,
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.json && this.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
    };
    const site: CallSite = { baseURL: this.baseURL, model: this.model, timeoutMs: this.timeoutMs, key: this.key };
    const maxAttempts = this.maxRetries + 1;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      let failure: Failure;
      const attemptStarted = performance.now();
      try {
        const completion: unknown = await this.openai.chat.completions.create(body, { signal, timeout: this.timeoutMs, maxRetries: 0 });
        const answer = readCompletion(completion);
        const model = answer.model ?? this.model;
        let cost = this.prices.costOf(model, answer.usage);
        if (!cost.known && model !== this.model) cost = this.prices.costOf(this.model, answer.usage);
        return {
          text: answer.text,
          usage: answer.usage,
          costUsd: cost.usd,
          priceKnown: cost.known,
          model,
          latencyMs: performance.now() - started,
          attempts: attempt,
          finishReason: answer.finishReason,
        };
      } catch (err) {
        if (isUserAbort(err, signal)) throw signal?.aborted ? abortReason(signal) : err;
        failure = classifyFailure(err, site, performance.now() - attemptStarted);
      }
      if (!failure.retryable) throw new LlmError(failure.message, failure.kind, false, failure.status, attempt);
      if (attempt >= maxAttempts) {
        throw new LlmError(
          `LLM call to ${this.describe} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${failure.message}`,
          failure.kind,
          true,
          failure.status,
          attempt,
        );
      }
      const delayMs = backoffDelay(attempt, this.random, this.backoff, failure.retryAfterMs);
      this.onRetry?.({ attempt, delayMs, failure });
      await this.sleep(delayMs, signal);
    }
  }
}

interface Answer {
  readonly text: string;
  readonly usage: TokenUsage;
  readonly model: string | undefined;
  readonly finishReason: string | undefined;
}

/** Checks the shape we rely on; a body that is not a chat completion is a (retryable) malformed response. */
function readCompletion(completion: unknown): Answer {
  if (typeof completion !== 'object' || completion === null) {
    const what = typeof completion === 'string' ? `a non-JSON body: ${JSON.stringify(completion.slice(0, 80))}` : `no body`;
    throw new MalformedResponseError(`expected a chat completion, got ${what}`);
  }
  const c = completion as { choices?: unknown; usage?: unknown; model?: unknown };
  if (!Array.isArray(c.choices) || c.choices.length === 0) throw new MalformedResponseError('the completion has no choices');
  const choice = c.choices[0] as { message?: { content?: unknown }; finish_reason?: unknown } | null;
  const content = choice?.message?.content;
  if (content !== null && content !== undefined && typeof content !== 'string') {
    throw new MalformedResponseError('the first choice has no text content');
  }
  const u = (typeof c.usage === 'object' && c.usage !== null ? c.usage : {}) as { prompt_tokens?: unknown; completion_tokens?: unknown };
  return {
    text: content ?? '',
    usage: { promptTokens: count(u.prompt_tokens), completionTokens: count(u.completion_tokens) },
    model: typeof c.model === 'string' && c.model !== '' ? c.model : undefined,
    finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined,
  };
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
