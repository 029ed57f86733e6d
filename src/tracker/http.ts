/**
 * HTTP for the remote trackers, over Node's `fetch`: JSON in and out, the caller's AbortSignal,
 * and every failure turned into a {@link TrackerRemoteError} that says whether a retry can help and
 * never carries a credential. Retrying, timeouts and backoff belong to `resilient.ts`.
 */
import { TrackerRemoteError } from './sink.js';

export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value (sent as application/json), or raw bytes / text. */
  readonly json?: unknown;
  readonly body?: Uint8Array | string;
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** Sends one request; resolves on 2xx, throws TrackerRemoteError otherwise. `what` names the call in messages. */
export async function httpRequest(url: string, req: HttpRequest, what: string): Promise<HttpResponse> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body: Uint8Array | string | undefined = req.body;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  }
  let res: Response;
  try {
    res = await fetch(url, { method: req.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}), signal: req.signal });
  } catch (err) {
    if (req.signal.aborted) {
      const reason = req.signal.reason as { name?: string } | undefined;
      const timedOut = reason?.name === 'TimeoutError';
      throw new TrackerRemoteError(`${what}: ${timedOut ? 'no answer in time' : 'cancelled'} (${redact(url)})`, timedOut);
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new TrackerRemoteError(`${what}: cannot reach ${origin(url)} (${cause?.code ?? cause?.message ?? (err as Error).message})`, true);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new TrackerRemoteError(`${what}: the answer from ${origin(url)} broke off (${(err as Error).message})`, true, res.status);
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, text };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  const hint = res.status === 401 || res.status === 403 ? ' — check the credentials' : '';
  throw new TrackerRemoteError(`${what}: HTTP ${res.status} from ${origin(url)}${hint}${detail(text)}`, retryable, res.status, retryAfterMs(res.headers));
}

/** Like {@link httpRequest}, parsing the answer as JSON (an empty body is `{}`). */
export async function httpJson<T = unknown>(url: string, req: HttpRequest, what: string): Promise<T> {
  const res = await httpRequest(url, req, what);
  if (res.text.trim() === '') return {} as T;
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new TrackerRemoteError(`${what}: ${origin(url)} answered with something that is not JSON${detail(res.text)}`, true, res.status);
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** `url` without credentials or query (for messages). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

function detail(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t === '') return '';
  return `: ${t.length > 200 ? `${t.slice(0, 197)}...` : t}`;
}

function retryAfterMs(h: Headers): number | undefined {
  const v = h.get('retry-after');
  if (v === null) return undefined;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return Math.min(60_000, s * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, Math.min(60_000, at - Date.now())) : undefined;
}
