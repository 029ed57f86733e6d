import { OpenAiCompatibleClient } from '../../../../src/malmas/llm/client.js';
import { DUMMY_API_KEY, resolveApiKey, supportsJsonMode, vendorOf } from '../../../../src/malmas/llm/endpoint.js';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter } from '../../../../src/malmas/llm/retry.js';
import { FFError } from '../../../../src/core/errors.js';

function thrown(f: () => unknown): FFError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FFError);
    return e as FFError;
  }
  throw new Error('expected an error');
}

describe('endpoints and keys', () => {
  it('knows the vendors by host', () => {
    expect(vendorOf('https://api.deepseek.com')).toBe('deepseek');
    expect(vendorOf('https://api.openai.com/v1')).toBe('openai');
    expect(vendorOf('http://localhost:11434/v1')).toBe('local');
    expect(vendorOf('http://127.0.0.1:8000/v1')).toBe('local');
    expect(vendorOf('http://[::1]:8000/v1')).toBe('local');
    expect(vendorOf('https://openrouter.ai/api/v1')).toBe('other');
    expect(supportsJsonMode('https://api.deepseek.com')).toBe(true);
    expect(supportsJsonMode('https://api.openai.com/v1')).toBe(true);
    expect(supportsJsonMode('http://localhost:11434/v1')).toBe(false);
  });

  it('reads the key from the option, then FF_LLM_API_KEY, then the vendor variable', () => {
    const env = { FF_LLM_API_KEY: 'ff', DEEPSEEK_API_KEY: 'ds', OPENAI_API_KEY: 'oa' };
    expect(resolveApiKey('https://api.deepseek.com', 'opt', env)).toMatchObject({ apiKey: 'opt', source: 'apiKey option' });
    expect(resolveApiKey('https://api.deepseek.com', undefined, env)).toMatchObject({ apiKey: 'ff', source: 'FF_LLM_API_KEY' });
    expect(resolveApiKey('https://api.deepseek.com', undefined, { ...env, FF_LLM_API_KEY: '' })).toMatchObject({ apiKey: 'ds' });
    expect(resolveApiKey('https://api.openai.com/v1', undefined, { DEEPSEEK_API_KEY: 'ds', OPENAI_API_KEY: 'oa' })).toMatchObject({
      apiKey: 'oa',
      source: 'OPENAI_API_KEY',
    });
    expect(resolveApiKey('https://openrouter.ai/api/v1', undefined, { OPENAI_API_KEY: 'oa' }).apiKey).toBe('oa');
    expect(resolveApiKey('http://localhost:11434/v1', undefined, {})).toMatchObject({ apiKey: DUMMY_API_KEY });
  });

  it('a remote endpoint without a key is a usage error naming the variables', () => {
    const ds = thrown(() => new OpenAiCompatibleClient({ env: {} }));
    expect(ds.code).toBe('FF_USAGE');
    expect(ds.message).toContain('FF_LLM_API_KEY or DEEPSEEK_API_KEY');
    expect(ds.message).toContain('https://api.deepseek.com');
    const oa = thrown(() => new OpenAiCompatibleClient({ baseURL: 'https://api.openai.com/v1', model: 'gpt-4.1-mini', env: {} }));
    expect(oa.message).toContain('FF_LLM_API_KEY or OPENAI_API_KEY');
  });

  it('rejects bad options with what would be valid', () => {
    expect(thrown(() => new OpenAiCompatibleClient({ baseURL: 'not a url', env: {} })).message).toMatch(/not a URL/);
    expect(thrown(() => new OpenAiCompatibleClient({ baseURL: 'http://localhost:1/v1', maxRetries: -1, env: {} })).message).toMatch(/maxRetries/);
    expect(thrown(() => new OpenAiCompatibleClient({ baseURL: 'http://localhost:1/v1', timeoutMs: 0, env: {} })).message).toMatch(/timeoutMs/);
  });

  it('describes itself as "<model> via <baseURL>"', () => {
    expect(new OpenAiCompatibleClient({ env: { DEEPSEEK_API_KEY: 'k' } }).describe).toBe('deepseek-chat via https://api.deepseek.com');
    expect(new OpenAiCompatibleClient({ baseURL: 'http://localhost:11434/v1/', model: 'qwen2.5:7b', env: {} }).describe).toBe(
      'qwen2.5:7b via http://localhost:11434/v1',
    );
  });
});

describe('backoff', () => {
  it('doubles from the base, capped, with jitter in [0.75, 1]', () => {
    expect(backoffDelay(1, () => 0, DEFAULT_BACKOFF)).toBe(1000);
    expect(backoffDelay(2, () => 0, DEFAULT_BACKOFF)).toBe(2000);
    expect(backoffDelay(3, () => 0.999999, DEFAULT_BACKOFF)).toBe(3000);
    expect(backoffDelay(20, () => 0, DEFAULT_BACKOFF)).toBe(30_000);
  });

  it("uses the server's retry-after, capped", () => {
    expect(backoffDelay(1, () => 0.5, DEFAULT_BACKOFF, 2500)).toBe(2500);
    expect(backoffDelay(1, () => 0.5, DEFAULT_BACKOFF, 10 ** 9)).toBe(DEFAULT_BACKOFF.maxRetryAfterMs);
  });

  it('parses retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
