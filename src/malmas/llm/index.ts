/** The LLM layer of the MALMAS engineer: an OpenAI-compatible client, prices, a cost ledger, the answer reader and the LLM proposer. */
export { OpenAiCompatibleClient } from './client.js';
export type { ChatClient, ChatMessage, ChatRequest, ChatResult, OpenAiCompatibleClientOptions, RetryEvent } from './client.js';
export { DEFAULT_BASE_URL, DEFAULT_MODEL, DUMMY_API_KEY, ENDPOINTS, resolveApiKey, supportsJsonMode, vendorOf } from './endpoint.js';
export type { ResolvedKey, Vendor } from './endpoint.js';
export { LIST_PRICES, PRICES_ENV, PriceTable, costOf, loadPriceFile, priceTableFromEnv, validatePrices } from './prices.js';
export type { Cost, ModelPrice, PriceLookup } from './prices.js';
export { CostLedger } from './ledger.js';
export type { LedgerEntry, LedgerJSON, LedgerTotals } from './ledger.js';
export { parseProposals } from './json.js';
export type { ParseOutcome } from './json.js';
export { scanJson } from './json-scan.js';
export type { ScanFail, ScanOk } from './json-scan.js';
export { LlmProposer, repairMessage } from './llm-proposer.js';
export type { BuiltPrompt, LlmProposerOptions, PromptBuilder } from './llm-proposer.js';
export { DEFAULT_BACKOFF, LlmError, abortableSleep, backoffDelay, parseRetryAfter } from './retry.js';
export type { BackoffPolicy, LlmFailureKind } from './retry.js';
