/**
 * Which OpenAI-compatible endpoint we talk to, and what it needs: the API key (from the options or
 * the environment), whether it is a local server that wants no key, and whether it honours
 * `response_format: {type: 'json_object'}` (documented by OpenAI and DeepSeek; Ollama and vLLM
 * accept it in some versions only, so there we rely on the prompt).
 */
import { EXIT, FFError } from '../../core/errors.js';

/** Base URLs of the endpoints we know. */
export const ENDPOINTS = {
  deepseek: 'https://api.deepseek.com',
  openai: 'https://api.openai.com/v1',
  ollama: 'http://localhost:11434/v1',
  vllm: 'http://localhost:8000/v1',
} as const;

export const DEFAULT_BASE_URL = ENDPOINTS.deepseek;
export const DEFAULT_MODEL = 'deepseek-chat';

/** Sent as the key to local servers that ignore it (the `openai` package insists on one). */
export const DUMMY_API_KEY = 'no-key-needed';

export type Vendor = 'deepseek' | 'openai' | 'local' | 'other';

export interface ResolvedKey {
  readonly apiKey: string;
  /** Where it came from, for error messages: `apiKey option`, an env variable, or `none (local endpoint)`. */
  readonly source: string;
  /** The variables a user would set to change it, in the order they are read. */
  readonly variables: readonly string[];
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).hostname.toLowerCase();
  } catch {
    throw new FFError(
      'FF_USAGE',
      `LLM base URL ${JSON.stringify(baseURL)} is not a URL: use e.g. ${ENDPOINTS.deepseek}, ${ENDPOINTS.openai} or ${ENDPOINTS.ollama}`,
      EXIT.usage,
    );
  }
}

export function vendorOf(baseURL: string): Vendor {
  const host = hostOf(baseURL);
  if (host === 'deepseek.com' || host.endsWith('.deepseek.com')) return 'deepseek';
  if (host === 'openai.com' || host.endsWith('.openai.com')) return 'openai';
  if (isLocalHost(host)) return 'local';
  return 'other';
}

function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** OpenAI and DeepSeek document JSON mode; for others we cannot know, so we do not send it. */
export function supportsJsonMode(baseURL: string): boolean {
  const v = vendorOf(baseURL);
  return v === 'deepseek' || v === 'openai';
}

/**
 * The key: the option, then `FF_LLM_API_KEY`, then the vendor's own variable (`DEEPSEEK_API_KEY`
 * for DeepSeek URLs, `OPENAI_API_KEY` otherwise). A local server needs none: a dummy is sent.
 * A remote endpoint without a key is a usage error naming the variables to set.
 */
export function resolveApiKey(
  baseURL: string,
  apiKey: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedKey {
  const vendor = vendorOf(baseURL);
  const vendorVar = vendor === 'deepseek' ? 'DEEPSEEK_API_KEY' : 'OPENAI_API_KEY';
  const variables = vendor === 'local' ? ['FF_LLM_API_KEY'] : ['FF_LLM_API_KEY', vendorVar];
  if (apiKey !== undefined && apiKey !== '') return { apiKey, source: 'apiKey option', variables };
  for (const name of variables) {
    const v = env[name]?.trim();
    if (v) return { apiKey: v, source: name, variables };
  }
  if (vendor === 'local') return { apiKey: DUMMY_API_KEY, source: 'none (local endpoint)', variables };
  throw new FFError(
    'FF_USAGE',
    `no API key for the LLM endpoint ${baseURL}: set ${variables.join(' or ')} in the environment ` +
      `(or use a local OpenAI-compatible server such as Ollama at ${ENDPOINTS.ollama}, which needs none)`,
    EXIT.usage,
  );
}
