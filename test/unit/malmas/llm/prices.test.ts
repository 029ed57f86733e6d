import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIST_PRICES, PriceTable, costOf, loadPriceFile, priceTableFromEnv } from '../../../../src/malmas/llm/prices.js';
import { FFError } from '../../../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'ff-prices-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('prices', () => {
  it('has list prices for the models MALMAS used and their usual alternatives', () => {
    for (const m of ['deepseek-chat', 'deepseek-reasoner', 'gpt-4.1-mini', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4o']) {
      expect(LIST_PRICES[m].input).toBeGreaterThan(0);
      expect(LIST_PRICES[m].output).toBeGreaterThan(0);
    }
  });

  it('costOf: tokens × USD per million', () => {
    expect(costOf('gpt-4.1-mini', { promptTokens: 1_000_000, completionTokens: 500_000 })).toBeCloseTo(0.4 + 0.8, 12);
    expect(costOf('deepseek-chat', { promptTokens: 124_000, completionTokens: 0 })).toBeCloseTo(124_000 * 0.28e-6, 12);
  });

  it('unknown models cost 0 and are flagged', () => {
    const t = new PriceTable();
    expect(t.costOf('llama3.1:8b', { promptTokens: 5000, completionTokens: 5000 })).toEqual({ usd: 0, known: false });
    expect(t.lookup('llama3.1:8b').known).toBe(false);
  });

  it('dated snapshots use their family, the longest match wins, case is ignored', () => {
    const t = new PriceTable();
    expect(t.lookup('gpt-4o-mini-2024-07-18').entry).toBe('gpt-4o-mini');
    expect(t.lookup('gpt-4o-2024-08-06').entry).toBe('gpt-4o');
    expect(t.lookup('GPT-4.1-MINI').entry).toBe('gpt-4.1-mini');
    expect(t.lookup('deepseek-chat:latest').entry).toBe('deepseek-chat');
    // not a boundary: no match
    expect(t.lookup('gpt-4omni').known).toBe(false);
  });

  it('object overrides win, model by model', () => {
    const t = new PriceTable({ 'gpt-4o': { input: 1, output: 1 }, 'my-model': { input: 3, output: 4 } });
    expect(t.lookup('gpt-4o').price).toEqual({ input: 1, output: 1 });
    expect(t.lookup('gpt-4o-mini').price).toEqual(LIST_PRICES['gpt-4o-mini']);
    expect(t.costOf('my-model', { promptTokens: 1e6, completionTokens: 1e6 })).toEqual({ usd: 7, known: true });
  });

  it('reads overrides from a JSON or YAML file named by FF_LLM_PRICES; an object beats the file', () => {
    const json = file('p.json', '{"deepseek-chat": {"input": 0.5, "output": 1.5}}');
    const yaml = file('p.yaml', 'qwen-max:\n  input: 1.6\n  output: 6.4\n');
    expect(loadPriceFile(json)).toEqual({ 'deepseek-chat': { input: 0.5, output: 1.5 } });
    expect(priceTableFromEnv(undefined, { FF_LLM_PRICES: yaml }).lookup('qwen-max').price).toEqual({ input: 1.6, output: 6.4 });
    const both = priceTableFromEnv({ 'deepseek-chat': { input: 9, output: 9 } }, { FF_LLM_PRICES: json });
    expect(both.lookup('deepseek-chat').price).toEqual({ input: 9, output: 9 });
    expect(priceTableFromEnv(undefined, {}).lookup('deepseek-chat').price).toEqual(LIST_PRICES['deepseek-chat']);
  });

  it('bad price files fail with the file, the key and what is valid', () => {
    const bad = file('bad.yaml', 'gpt-4o:\n  input: cheap\n  output: -1\nfoo: 3\n');
    let err: unknown;
    try {
      loadPriceFile(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FFError);
    const msg = (err as Error).message;
    expect(msg).toContain(bad);
    expect(msg).toContain('gpt-4o.input');
    expect(msg).toContain('"cheap"');
    expect(msg).toContain('gpt-4o.output');
    expect(msg).toContain('foo');
    expect(msg).toContain('USD per million');
    expect(() => loadPriceFile(join(dir, 'missing.json'))).toThrow(/cannot read the LLM price file/);
    expect(() => loadPriceFile(file('broken.json', '{"a": [}'))).toThrow(/not valid JSON or YAML/);
    expect(() => priceTableFromEnv({ x: { input: 1 } as never }, {})).toThrow(/prices option/);
  });
});
