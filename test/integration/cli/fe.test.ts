/** `ff fe`, the MALMAS feature engineer run once, as a real process on a shipped dataset. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir } from '../../helpers/cli.js';

const FAST = ['--rounds', '1', '--trees', '20', '--threads', '1'];

describe('ff fe', () => {
  it('runs offline on diabetes_pima and writes every artifact; --json is machine-readable', async () => {
    const out = join(tempDir(), 'fe');
    const r = await runCli(['fe', '--data', 'datasets/diabetes_pima.csv', '--target', 'Outcome', ...FAST, '--out', out, '--json'], { timeoutMs: 120000 });
    expect(r.stderr).toContain('round 1/1');
    expect(r.stderr).toContain('offline proposer (rule-based, not an LLM)');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { task: string; metrics: Record<string, number>; artifacts: Record<string, string>; proposer: { isLlm: boolean } };
    expect(j.task).toBe('classification');
    expect(j.proposer.isLlm).toBe(false);
    for (const k of ['round_1/n_features_generated', 'final/base_auc', 'final/malmas_auc', 'final/improvement', 'cumulative/n_features_total']) expect(typeof j.metrics[k]).toBe('number');
    for (const f of ['generated_features.csv', 'features.json', 'feature_table.csv', 'agent_memories.json', 'router_history.json', 'feature_importance.png', 'metrics.json']) {
      expect(`${f}: ${existsSync(join(out, f))}`).toBe(`${f}: true`);
    }
    const csv = readFileSync(join(out, 'generated_features.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(769);
    expect(csv[0]!.split(',').slice(-2)).toEqual(['Outcome', 'split']);
    expect(readFileSync(join(out, 'feature_importance.png')).subarray(1, 4).toString()).toBe('PNG');
    const mem = JSON.parse(readFileSync(join(out, 'agent_memories.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(mem)).toContain('procedural');
  });

  it('prints a table for people, and names a known dataset without --target', async () => {
    const r = await runCli(['fe', '--data', 'titanic', ...FAST, '--out', join(tempDir(), 'fe'), '--agents', 'unary,cross'], { timeoutMs: 120000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/base\s+0\.\d+/);
    expect(r.stdout).toMatch(/with features\s+0\.\d+/);
    expect(r.stdout).toContain('improvement:');
    expect(r.stderr).toContain('round 1/1: unary, cross');
  });

  it.each([
    [['--data', 'no/such.csv', '--target', 'y'], /dataset 'no\/such\.csv': no such file .*known names: titanic/],
    [['--data', 'datasets/titanic.csv', '--target', 'survived'], /target column 'survived'.*Survived/],
    [['--data', 'test/fixtures/malmas/one-class.csv', '--target', 'label'], /target 'label' has a single class/],
    [['--data', 'test/fixtures/malmas/empty.csv', '--target', 'y'], /empty/i],
    [['--data', 'titanic', '--agents', 'unary,bogus'], /unknown agent 'bogus'; valid agents: unary, cross/],
    [['--data', 'titanic', '--rounds', '0'], /rounds = 0: it must be an integer from 1 to 50/],
    [['--data', 'titanic', '--llm', 'gpt'], /Invalid values|Choices/],
  ])('bad input %j: exit 2 with a sentence, no stack trace', async (args, message) => {
    const r = await runCli(['fe', ...FAST, ...args, '--out', join(tempDir(), 'fe')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('a regression target with text in it is refused, naming the column', async () => {
    const dir = tempDir();
    const f = join(dir, 'reg.csv');
    writeFileSync(f, `x,price\n${Array.from({ length: 60 }, (_, i) => `${i},${i === 5 ? 'n/a?' : i * 2}`).join('\n')}\n`);
    const r = await runCli(['fe', '--data', f, '--target', 'price', '--task', 'regression', ...FAST, '--out', join(dir, 'o')], { cwd: ROOT });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'price'");
  });
});

describe('ff fe --router llm', () => {
  it('without an LLM is refused before any work, saying how to get one', async () => {
    const r = await runCli(['fe', '--data', 'titanic', '--router', 'llm', '--out', join(tempDir(), 'fe')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('router strategy "llm" needs a model to ask (an LLM: --llm openai');
    expect(r.stderr).not.toContain('base CV');
  });
});
