/**
 * What an LLM call costs: a table of list prices in USD per million tokens, user overrides from a
 * file (`FF_LLM_PRICES=path`, JSON or YAML) or an object, and `costOf(model, usage)`.
 *
 * The built-in numbers are LIST PRICES for uncached input and for output, as published by the
 * vendors; they change, and discounts (cache hits, batch, off-peak) are not modelled, so the cost
 * shown is an estimate: users with other terms should override them.
 *  - DeepSeek (api-docs.deepseek.com/quick_start/pricing), prices in force from 2025-09-29
 *    (DeepSeek-V3.2, both names at one price), checked 2026-04: $0.28 input (cache miss), $0.42 output.
 *    DeepSeek announced the retirement of these two names for 2026-07-24 (successors deepseek-v4-*,
 *    priced differently): override for any newer model.
 *  - OpenAI (openai.com/api/pricing), standard tier, as published since each model's launch
 *    (gpt-4o 2024-05/08, gpt-4o-mini 2024-07, gpt-4.1 family 2025-04-14), checked 2026-04.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { TokenUsage } from '../types.js';
import { FFError } from '../../core/errors.js';

/** USD per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

export const LIST_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'deepseek-chat': { input: 0.28, output: 0.42 },
  'deepseek-reasoner': { input: 0.28, output: 0.42 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2.0, output: 8.0 },
  'gpt-4o': { input: 2.5, output: 10.0 },
});

/** The environment variable naming a price file. */
export const PRICES_ENV = 'FF_LLM_PRICES';

export interface PriceLookup {
  readonly price: ModelPrice;
  /** False when the model is in no table: its cost counts as 0 and should be flagged. */
  readonly known: boolean;
  /** The table entry used (a dated variant such as `gpt-4o-mini-2024-07-18` uses `gpt-4o-mini`). */
  readonly entry?: string;
}

export interface Cost {
  readonly usd: number;
  readonly known: boolean;
}

export class PriceTable {
  private readonly table: ReadonlyMap<string, ModelPrice>;

  /** Overrides win over the list prices, model by model. */
  constructor(overrides: Readonly<Record<string, ModelPrice>> = {}, base: Readonly<Record<string, ModelPrice>> = LIST_PRICES) {
    const m = new Map<string, ModelPrice>();
    for (const [k, v] of Object.entries(base)) m.set(k.toLowerCase(), v);
    for (const [k, v] of Object.entries(overrides)) m.set(k.toLowerCase(), v);
    this.table = m;
  }

  /**
   * Exact name first, then the longest entry that the name extends at a `-` or `:` boundary, so
   * dated snapshots (`gpt-4o-2024-08-06`) and tags (`deepseek-chat:latest`) find their family
   * but `gpt-4o-mini` never falls back to `gpt-4o`'s price when it has its own.
   */
  lookup(model: string): PriceLookup {
    const name = model.toLowerCase();
    const exact = this.table.get(name);
    if (exact) return { price: exact, known: true, entry: name };
    let best: string | undefined;
    for (const key of this.table.keys()) {
      if (name.length > key.length && name.startsWith(key) && (name[key.length] === '-' || name[key.length] === ':')) {
        if (best === undefined || key.length > best.length) best = key;
      }
    }
    if (best !== undefined) return { price: this.table.get(best) as ModelPrice, known: true, entry: best };
    return { price: { input: 0, output: 0 }, known: false };
  }

  costOf(model: string, usage: TokenUsage): Cost {
    const { price, known } = this.lookup(model);
    const usd = (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1e6;
    return { usd, known };
  }

  toJSON(): Record<string, ModelPrice> {
    return Object.fromEntries(this.table);
  }
}

/** Cost in USD of one call at the list prices (0 for unknown models; use a PriceTable to see the flag). */
export function costOf(model: string, usage: TokenUsage, table: PriceTable = new PriceTable()): number {
  return table.costOf(model, usage).usd;
}

/**
 * Validates an override object: `{ "<model>": { "input": <USD/M>, "output": <USD/M> }, … }`.
 * `where` names the file (or "prices option") in error messages.
 */
export function validatePrices(raw: unknown, where: string): Record<string, ModelPrice> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FFError(
      'FF_CONFIG_INVALID',
      `${where}: prices must be a mapping of model name to { input, output } in USD per million tokens (got ${describe(raw)})`,
    );
  }
  const out: Record<string, ModelPrice> = {};
  const problems: string[] = [];
  for (const [model, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${model}: expected { input, output } (got ${describe(entry)})`);
      continue;
    }
    const e = entry as Record<string, unknown>;
    const bad = (['input', 'output'] as const).filter((k) => typeof e[k] !== 'number' || !Number.isFinite(e[k]) || (e[k] as number) < 0);
    if (bad.length > 0) {
      problems.push(bad.map((k) => `${model}.${k}: expected a number ≥ 0 in USD per million tokens (got ${describe(e[k])})`).join('; '));
      continue;
    }
    out[model] = { input: e.input as number, output: e.output as number };
  }
  if (problems.length > 0) throw new FFError('FF_CONFIG_INVALID', `${where}: invalid prices: ${problems.join('; ')}`);
  return out;
}

/** Reads a JSON or YAML price file (YAML is a superset of JSON, so one parser reads both). */
export function loadPriceFile(path: string): Record<string, ModelPrice> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FFError('FF_CONFIG_READ', `${path}: cannot read the LLM price file (${PRICES_ENV}): ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new FFError('FF_CONFIG_PARSE', `${path}: the LLM price file is not valid JSON or YAML: ${(err as Error).message}`);
  }
  return validatePrices(raw, path);
}

/**
 * The table a client uses: list prices, then the file named by `FF_LLM_PRICES` (if set), then the
 * given overrides (an object wins over the file).
 */
export function priceTableFromEnv(
  overrides?: Readonly<Record<string, ModelPrice>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): PriceTable {
  const file = env[PRICES_ENV];
  const fromFile = file !== undefined && file.trim() !== '' ? loadPriceFile(file.trim()) : {};
  const fromObject = overrides === undefined ? {} : validatePrices(overrides, 'prices option');
  return new PriceTable({ ...fromFile, ...fromObject });
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}
