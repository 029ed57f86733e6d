/**
 * A small local HTTP server that speaks the OpenAI chat-completions protocol (POST
 * /v1/chat/completions), for tests: the real `openai` package talks HTTP to it. Scriptable per
 * request (reply text, status, error body, headers such as `retry-after`, delays, malformed bodies,
 * hang-ups, usage numbers); records every request so tests can assert the model, temperature,
 * messages, auth header and response_format. Listens on 127.0.0.1, port 0.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  /** HTTP status; default 200. */
  readonly status?: number;
  /** The assistant's text (200 replies); default "[]". `null` sends `content: null`. */
  readonly text?: string | null;
  /** Token usage to report; `null` leaves `usage` out. Default 10 prompt, 5 completion tokens. */
  readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number } | null;
  /** The model named in the reply; default the requested one. */
  readonly model?: string;
  readonly finishReason?: string;
  /** Error body for non-2xx replies: `{error: {message, type, code}}`. */
  readonly error?: { readonly message: string; readonly type?: string; readonly code?: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** Sent as is instead of a completion (with `contentType`, default application/json). */
  readonly rawBody?: string;
  readonly contentType?: string;
  /** Close the connection without answering. */
  readonly hangUp?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw text if it was not JSON). */
  readonly body: {
    readonly model?: string;
    readonly temperature?: number;
    readonly max_tokens?: number;
    readonly messages?: ReadonlyArray<{ readonly role: string; readonly content: string }>;
    readonly response_format?: { readonly type: string };
    readonly [k: string]: unknown;
  };
}

export type Script = FakeReply | ((request: RecordedRequest, index: number) => FakeReply);

export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  /** Used when the queue is empty. */
  fallback: Script = { status: 500, error: { message: 'fake-openai: no scripted reply left' } };
  private readonly timers = new Set<NodeJS.Timeout>();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeOpenAi> {
    let fake: FakeOpenAi | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => fake?.handle(req.method ?? '', req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeOpenAi(server, `http://127.0.0.1:${port}/v1`);
    return fake;
  }

  /** Queue replies, one per coming request. */
  reply(...scripts: Script[]): this {
    this.queue.push(...scripts);
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, path: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): void {
    let body: RecordedRequest['body'];
    try {
      body = JSON.parse(raw) as RecordedRequest['body'];
    } catch {
      body = { raw };
    }
    const request: RecordedRequest = { method, path, headers, body };
    this.requests.push(request);
    const index = this.counter++;
    if (method !== 'POST' || path !== '/v1/chat/completions') {
      send(res, 404, { error: { message: `fake-openai: no route ${method} ${path}` } });
      return;
    }
    const script = this.queue.shift() ?? this.fallback;
    const reply = typeof script === 'function' ? script(request, index) : script;
    const answer = (): void => {
      if (res.destroyed) return;
      if (reply.hangUp) {
        res.socket?.destroy();
        return;
      }
      respond(res, reply, body.model ?? 'unknown', index);
    };
    if (reply.delayMs !== undefined && reply.delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        answer();
      }, reply.delayMs);
      this.timers.add(t);
      res.on('close', () => {
        clearTimeout(t);
        this.timers.delete(t);
      });
    } else answer();
  }
}

function respond(res: ServerResponse, reply: FakeReply, requestedModel: string, index: number): void {
  const status = reply.status ?? 200;
  const headers = { ...reply.headers };
  if (reply.rawBody !== undefined) {
    res.writeHead(status, { 'content-type': reply.contentType ?? 'application/json', ...headers });
    res.end(reply.rawBody);
    return;
  }
  if (status < 200 || status >= 300) {
    send(res, status, { error: { message: 'error', type: 'fake_error', code: null, ...reply.error } }, headers);
    return;
  }
  const usage =
    reply.usage === null
      ? undefined
      : (() => {
          const u = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
          return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens };
        })();
  send(
    res,
    status,
    {
      id: `chatcmpl-fake-${index}`,
      object: 'chat.completion',
      created: 1_700_000_000 + index,
      model: reply.model ?? requestedModel,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.text === undefined ? '[]' : reply.text },
          finish_reason: reply.finishReason ?? 'stop',
        },
      ],
      ...(usage ? { usage } : {}),
    },
    headers,
  );
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
