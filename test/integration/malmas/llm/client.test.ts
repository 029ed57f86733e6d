/**
 * OpenAiCompatibleClient against a local server speaking the chat-completions protocol: the real
 * `openai` package does the HTTP. Waits between attempts go through an injected sleep, so retry
 * tests are fast and see the exact delays.
 */
import { FakeOpenAi } from '../../../helpers/fake-openai.js';
import { OpenAiCompatibleClient } from '../../../../src/malmas/llm/client.js';
import type { OpenAiCompatibleClientOptions } from '../../../../src/malmas/llm/client.js';
import { LlmError } from '../../../../src/malmas/llm/retry.js';

let fake: FakeOpenAi;

beforeEach(async () => {
  fake = await FakeOpenAi.start();
});

afterEach(async () => {
  await fake.close();
});

function make(options: OpenAiCompatibleClientOptions = {}): { client: OpenAiCompatibleClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = new OpenAiCompatibleClient({
    baseURL: fake.url,
    model: 'deepseek-chat',
    apiKey: 'sk-test',
    env: {},
    seed: 7,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, sleeps };
}

/** Sends requests for `https://api.deepseek.com/...` (or any URL) to the fake server instead. */
function redirect(): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const path = url.pathname.replace(/^\/v1/, '');
    return fetch(`${fake.url}${path}`, init);
  };
}

const hello = { messages: [{ role: 'system' as const, content: 'be brief' }, { role: 'user' as const, content: 'hi' }], temperature: 0.7 };

async function failure(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return err as LlmError;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAiCompatibleClient', () => {
  it('returns the text, usage, cost and attempts, and sends model, temperature, messages and the key', async () => {
    fake.reply({ text: '[{"name": "a", "expr": "x + 1"}]', usage: { prompt_tokens: 1000, completion_tokens: 500 } });
    const { client, sleeps } = make();
    const r = await client.chat({ ...hello, maxTokens: 256, json: true });
    expect(r.text).toBe('[{"name": "a", "expr": "x + 1"}]');
    expect(r.usage).toEqual({ promptTokens: 1000, completionTokens: 500 });
    expect(r.costUsd).toBeCloseTo((1000 * 0.28 + 500 * 0.42) / 1e6, 12);
    expect(r.priceKnown).toBe(true);
    expect(r.model).toBe('deepseek-chat');
    expect(r.attempts).toBe(1);
    expect(r.finishReason).toBe('stop');
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0];
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe('Bearer sk-test');
    expect(req.body.model).toBe('deepseek-chat');
    expect(req.body.temperature).toBe(0.7);
    expect(req.body.max_tokens).toBe(256);
    expect(req.body.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
    // A local endpoint is not known to support JSON mode: rely on the prompt.
    expect(req.body.response_format).toBeUndefined();
    expect(client.describe).toBe(`deepseek-chat via ${fake.url}`);
  });

  it('sends response_format json_object to DeepSeek (fetch option redirects it here) with DEEPSEEK_API_KEY', async () => {
    fake.reply({ text: '{"features": []}' }, {});
    const client = new OpenAiCompatibleClient({ env: { DEEPSEEK_API_KEY: 'sk-deep' }, fetch: redirect() });
    expect(client.describe).toBe('deepseek-chat via https://api.deepseek.com');
    await client.chat({ ...hello, json: true });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-deep');
    expect(fake.requests[0].body.response_format).toEqual({ type: 'json_object' });
    await client.chat(hello);
    expect(fake.requests[1].body.response_format).toBeUndefined();
  });

  it('sends a dummy key to a local server when none is set, and FF_LLM_API_KEY when it is', async () => {
    fake.reply({}, {});
    await make({ apiKey: undefined }).client.chat(hello);
    expect(fake.requests[0].headers.authorization).toBe('Bearer no-key-needed');
    await make({ apiKey: undefined, env: { FF_LLM_API_KEY: 'sk-ff' } }).client.chat(hello);
    expect(fake.requests[1].headers.authorization).toBe('Bearer sk-ff');
  });

  it('does not send OPENAI_ORG_ID / OPENAI_PROJECT_ID to endpoints other than OpenAI', async () => {
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = 'org-private';
    process.env.OPENAI_PROJECT_ID = 'proj-private';
    try {
      fake.reply({});
      await make().client.chat(hello);
    } finally {
      for (const [k, v] of [['OPENAI_ORG_ID', saved.org], ['OPENAI_PROJECT_ID', saved.project]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(fake.requests[0].headers['openai-organization']).toBeUndefined();
    expect(fake.requests[0].headers['openai-project']).toBeUndefined();
  });

  it('flags a model without a price (cost 0) and prices a dated snapshot by its family', async () => {
    fake.reply({ model: 'my-local-model', usage: { prompt_tokens: 100, completion_tokens: 100 } });
    const unknown = await make({ model: 'my-local-model' }).client.chat(hello);
    expect(unknown.costUsd).toBe(0);
    expect(unknown.priceKnown).toBe(false);
    fake.reply({ model: 'gpt-4o-mini-2024-07-18', usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 } });
    const dated = await make({ model: 'gpt-4o-mini' }).client.chat(hello);
    expect(dated.model).toBe('gpt-4o-mini-2024-07-18');
    expect(dated.costUsd).toBeCloseTo(0.15 + 0.6, 10);
  });

  it('uses price overrides given as an object', async () => {
    fake.reply({ usage: { prompt_tokens: 2_000_000, completion_tokens: 0 } });
    const r = await make({ prices: { 'deepseek-chat': { input: 1, output: 2 } } }).client.chat(hello);
    expect(r.costUsd).toBeCloseTo(2, 10);
  });

  it('retries a 429 after the server’s retry-after, then succeeds', async () => {
    fake.reply({ status: 429, error: { message: 'slow down' }, headers: { 'retry-after': '2' } }, { text: 'ok' });
    const { client, sleeps } = make();
    const r = await client.chat(hello);
    expect(r.text).toBe('ok');
    expect(r.attempts).toBe(2);
    expect(sleeps).toEqual([2000]);
    expect(fake.requests).toHaveLength(2);
  });

  it('prefers retry-after-ms and caps a very long retry-after', async () => {
    fake.reply(
      { status: 429, headers: { 'retry-after-ms': '350', 'retry-after': '9' } },
      { status: 429, headers: { 'retry-after': '100000' } },
      { text: 'ok' },
    );
    const { client, sleeps } = make();
    await client.chat(hello);
    expect(sleeps).toEqual([350, 120_000]);
  });

  it('retries 500 and 502 with exponential backoff and seeded jitter, then succeeds', async () => {
    const run = async (): Promise<number[]> => {
      fake.reply({ status: 500 }, { status: 502 }, { text: 'fine' });
      const { client, sleeps } = make();
      const r = await client.chat(hello);
      expect(r.text).toBe('fine');
      expect(r.attempts).toBe(3);
      return sleeps;
    };
    const first = await run();
    expect(first).toHaveLength(2);
    expect(first[0]).toBeGreaterThanOrEqual(750);
    expect(first[0]).toBeLessThanOrEqual(1000);
    expect(first[1]).toBeGreaterThanOrEqual(1500);
    expect(first[1]).toBeLessThanOrEqual(2000);
    expect(await run()).toEqual(first);
  });

  it('gives up after maxRetries with an LlmError that counts the attempts', async () => {
    fake.fallback = { status: 503, error: { message: 'overloaded' } };
    const { client, sleeps } = make({ maxRetries: 3 });
    const err = await failure(client.chat(hello));
    expect(err.kind).toBe('server');
    expect(err.attempts).toBe(4);
    expect(err.code).toBe('FF_LLM');
    expect(err.message).toContain('after 4 attempts');
    expect(err.message).toContain('HTTP 503');
    expect(err.message).toContain('overloaded');
    expect(fake.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('times out a slow server, retries, and finally fails naming the timeout', async () => {
    fake.fallback = { delayMs: 5000, text: 'too late' };
    const { client, sleeps } = make({ timeoutMs: 80, maxRetries: 2 });
    const err = await failure(client.chat(hello));
    expect(err.kind).toBe('timeout');
    expect(err.attempts).toBe(3);
    expect(err.message).toContain('within 80 ms');
    expect(sleeps).toHaveLength(2);
    expect(fake.requests).toHaveLength(3);
  });

  it('recovers from one timeout', async () => {
    fake.reply({ delayMs: 5000 }, { text: 'in time' });
    const r = await make({ timeoutMs: 80 }).client.chat(hello);
    expect(r.text).toBe('in time');
    expect(r.attempts).toBe(2);
  });

  it('retries a dropped connection', async () => {
    fake.reply({ hangUp: true }, { text: 'back' });
    const r = await make().client.chat(hello);
    expect(r.text).toBe('back');
    expect(r.attempts).toBe(2);
  });

  it('does not retry a 401 and names the variable holding the key', async () => {
    fake.fallback = { status: 401, error: { message: 'Incorrect API key provided' } };
    const { client, sleeps } = make({ apiKey: undefined, env: { FF_LLM_API_KEY: 'sk-bad' } });
    const err = await failure(client.chat(hello));
    expect(err.kind).toBe('auth');
    expect(err.attempts).toBe(1);
    expect(err.message).toContain('FF_LLM_API_KEY');
    expect(err.message).toContain('Incorrect API key provided');
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('a 401 from DeepSeek says to set DEEPSEEK_API_KEY', async () => {
    fake.fallback = { status: 401, error: { message: 'Authentication Fails' } };
    const client = new OpenAiCompatibleClient({ env: { DEEPSEEK_API_KEY: 'sk-bad' }, fetch: redirect(), sleep: async () => {} });
    const err = await failure(client.chat(hello));
    expect(err.message).toMatch(/DEEPSEEK_API_KEY/);
    expect(err.message).toMatch(/api\.deepseek\.com/);
  });

  it('does not retry a 404 and names the model and URL', async () => {
    fake.fallback = { status: 404, error: { message: 'model not found' } };
    const err = await failure(make({ model: 'no-such-model' }).client.chat(hello));
    expect(err.kind).toBe('not_found');
    expect(err.message).toContain("'no-such-model'");
    expect(err.message).toContain(fake.url);
    expect(fake.requests).toHaveLength(1);
  });

  it('does not retry a 400 or 403', async () => {
    fake.reply({ status: 400, error: { message: 'bad temperature' } }, { status: 403, error: { message: 'no access' } });
    const bad = await failure(make().client.chat(hello));
    expect(bad.kind).toBe('bad_request');
    expect(bad.message).toContain('bad temperature');
    const forbidden = await failure(make().client.chat(hello));
    expect(forbidden.kind).toBe('forbidden');
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry a 429 that says the quota is exhausted', async () => {
    fake.fallback = { status: 429, error: { message: 'You exceeded your current quota', code: 'insufficient_quota' } };
    const err = await failure(make().client.chat(hello));
    expect(err.kind).toBe('quota');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a malformed JSON body, and fails clearly if it stays malformed', async () => {
    fake.reply({ rawBody: '{"choices": [{"message": ' }, { text: 'whole' });
    const ok = await make().client.chat(hello);
    expect(ok.text).toBe('whole');
    expect(ok.attempts).toBe(2);

    fake.fallback = { rawBody: '<html>gateway</html>', contentType: 'text/html' };
    const err = await failure(make({ maxRetries: 1 }).client.chat(hello));
    expect(err.kind).toBe('malformed');
    expect(err.attempts).toBe(2);
    expect(err.message).toContain('malformed response');
  });

  it('treats a completion without choices as malformed', async () => {
    fake.fallback = { rawBody: '{"object": "chat.completion", "choices": []}' };
    const err = await failure(make({ maxRetries: 0 }).client.chat(hello));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('no choices');
  });

  it('reads a null content as empty text and missing usage as zero', async () => {
    fake.reply({ text: null, usage: null });
    const r = await make().client.chat(hello);
    expect(r.text).toBe('');
    expect(r.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
  });

  it('an abort signal cancels a request in flight, without retrying', async () => {
    fake.fallback = { delayMs: 5000 };
    const { client, sleeps } = make();
    const ac = new AbortController();
    const p = client.chat(hello, ac.signal);
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('an abort signal cuts a backoff wait short (default sleep)', async () => {
    fake.fallback = { status: 429, headers: { 'retry-after': '30' } };
    const client = new OpenAiCompatibleClient({ baseURL: fake.url, env: {} });
    const ac = new AbortController();
    const p = client.chat(hello, ac.signal);
    setTimeout(() => ac.abort(new Error('run cancelled')), 100);
    await expect(p).rejects.toThrow('run cancelled');
    expect(fake.requests).toHaveLength(1);
  });

  it('reports each retry to onRetry', async () => {
    fake.reply({ status: 500 }, { text: 'ok' });
    const events: string[] = [];
    await make({ onRetry: (e) => events.push(`${e.attempt}:${e.failure.kind}`) }).client.chat(hello);
    expect(events).toEqual(['1:server']);
  });
});
