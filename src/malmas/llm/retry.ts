/**
 * Failure handling for LLM calls: which failures are worth another attempt, how long to wait
 * (exponential backoff with jitter, or the server's `retry-after`), and the user-facing error
 * when we give up. The retry policy follows the `openai` package's own (retry 408/409/429/5xx,
 * connection errors and timeouts; honour `retry-after-ms` / `retry-after`), which we switch off
 * (`maxRetries: 0`) so that attempts are counted, seeded and testable here.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { EXIT, FFError } from '../../core/errors.js';
import type { ResolvedKey } from './endpoint.js';

export type LlmFailureKind =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'quota'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'other';

/** A failed LLM call, coded `FF_LLM`; `kind` says why, `attempts` how many HTTP requests were made. */
export class LlmError extends FFError {
  override readonly name = 'LlmError';
  constructor(
    message: string,
    readonly kind: LlmFailureKind,
    readonly retryable: boolean,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super('FF_LLM', message, kind === 'auth' || kind === 'forbidden' || kind === 'not_found' ? EXIT.usage : EXIT.failure);
  }
}

/** The endpoint's answer did not have the shape of a chat completion. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

export interface Failure {
  readonly kind: LlmFailureKind;
  readonly retryable: boolean;
  readonly status?: number;
  /** What the server asked us to wait, when it said. */
  readonly retryAfterMs?: number;
  readonly message: string;
}

export interface CallSite {
  readonly baseURL: string;
  readonly model: string;
  readonly timeoutMs: number;
  readonly key: ResolvedKey;
}

/** Retired DeepSeek names: a 404 for them most likely means this, not a typo. */
const RETIRED_DEEPSEEK = new Set(['deepseek-chat', 'deepseek-reasoner']);

export function classifyFailure(err: unknown, site: CallSite, elapsedMs?: number): Failure {
  const where = site.baseURL;
  // The package's own timeout arrives as APIConnectionTimeoutError; where fetch's AbortError comes
  // from another realm (test sandboxes) it can arrive as a plain connection error: the clock tells.
  const timedOut = err instanceof APIConnectionError && elapsedMs !== undefined && elapsedMs >= site.timeoutMs * 0.95;
  if (err instanceof APIConnectionTimeoutError || timedOut) {
    return { kind: 'timeout', retryable: true, message: `no answer from ${where} within ${site.timeoutMs} ms` };
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { kind: 'network', retryable: true, message: `cannot reach ${where} (${err.message}${cause})` };
  }
  if (err instanceof APIError && typeof err.status === 'number') return classifyStatus(err, err.status, site);
  // By name, not instanceof: response.json() throws the SyntaxError of fetch's realm.
  const name = errorField(err, 'name');
  if (name === 'SyntaxError' || err instanceof MalformedResponseError) {
    return { kind: 'malformed', retryable: true, message: `${where} returned a malformed response (${errorField(err, 'message')})` };
  }
  const msg = errorField(err, 'message') || String(err);
  return { kind: 'other', retryable: false, message: `LLM call to ${where} failed: ${msg}` };
}

function classifyStatus(err: APIError, status: number, site: CallSite): Failure {
  const { baseURL, model, key } = site;
  const said = serverMessage(err);
  const detail = said ? `: ${said}` : '';
  const keyFrom = key.source === 'apiKey option' ? 'the API key given in the options' : `the API key from ${key.source}`;
  if (status === 401) {
    const fix =
      key.source === 'apiKey option'
        ? 'pass a valid key'
        : `set ${key.variables.join(' or ')} to a valid key for this endpoint`;
    return { kind: 'auth', retryable: false, status, message: `${baseURL} rejected ${keyFrom} (HTTP 401${detail}): ${fix}` };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      retryable: false,
      status,
      message: `${baseURL} refused access to model '${model}' with ${keyFrom} (HTTP 403${detail}): check that this key may use this model`,
    };
  }
  if (status === 404) {
    let hint = 'check the model name and the base URL (OpenAI-compatible servers usually end in /v1)';
    if (RETIRED_DEEPSEEK.has(model)) hint += `; DeepSeek retired the names deepseek-chat and deepseek-reasoner (2026-07-24): try deepseek-v4-flash`;
    if (/localhost|127\.0\.0\.1|\[::1\]/.test(baseURL)) hint += `; on Ollama, \`ollama pull ${model}\` first`;
    return { kind: 'not_found', retryable: false, status, message: `model '${model}' not found at ${baseURL} (HTTP 404${detail}): ${hint}` };
  }
  if (status === 402 || (status === 429 && err.code === 'insufficient_quota')) {
    return {
      kind: 'quota',
      retryable: false,
      status,
      message: `${baseURL} refused the call for lack of credit (HTTP ${status}${detail}): top up the account of ${keyFrom}`,
    };
  }
  if (status === 429) {
    return { kind: 'rate_limited', retryable: true, status, ...retryAfterOf(err), message: `rate limited by ${baseURL} (HTTP 429${detail})` };
  }
  if (status === 408 || status === 409 || status >= 500) {
    return { kind: 'server', retryable: true, status, ...retryAfterOf(err), message: `${baseURL} failed (HTTP ${status}${detail})` };
  }
  return {
    kind: 'bad_request',
    retryable: false,
    status,
    message: `${baseURL} rejected the request for model '${model}' (HTTP ${status}${detail})`,
  };
}

function serverMessage(err: APIError): string {
  const body = err.error;
  let msg: unknown;
  if (typeof body === 'object' && body !== null) msg = (body as { message?: unknown }).message;
  if (typeof msg !== 'string' || msg === '') msg = err.message.replace(/^\d{3}\s*(status code \(no body\))?/, '').trim();
  const s = String(msg);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function retryAfterOf(err: APIError): { retryAfterMs?: number } {
  const ms = parseRetryAfter(err.headers);
  return ms === undefined ? {} : { retryAfterMs: ms };
}

export function isUserAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return err instanceof APIUserAbortError || (signal?.aborted ?? false);
}

export interface BackoffPolicy {
  /** Wait after the first failure; doubles each time. */
  readonly baseMs: number;
  readonly maxMs: number;
  /** A server's `retry-after` is honoured up to this. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * Wait before the next attempt after `failures` failures (1-based): the server's `retry-after` when
 * given, else base·2^(failures−1) capped, times a jitter factor in [0.75, 1) so that parallel
 * agents hitting one rate limit do not retry in lockstep.
 */
export function backoffDelay(failures: number, random: () => number, policy: BackoffPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp * (1 - 0.25 * random()));
}

/** setTimeout that an AbortSignal cuts short (rejecting with the signal's reason). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function errorField(err: unknown, field: 'name' | 'message'): string {
  if (typeof err !== 'object' || err === null) return '';
  const v: unknown = (err as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : '';
}

/** What an aborted call rejects with: the signal's reason if it is an Error, else an AbortError. */
export function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error || (errorField(r, 'name') !== '' && typeof (r as { stack?: unknown }).stack === 'string')) return r as Error;
  const e = new Error(r === undefined ? 'the LLM call was aborted' : `the LLM call was aborted: ${String(r)}`);
  e.name = 'AbortError';
  return e;
}
