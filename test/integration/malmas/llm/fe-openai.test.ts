/**
 * `ff fe --llm openai` end to end: the real CLI process, the real `openai` package, and a local
 * server speaking the chat-completions protocol in place of DeepSeek. The agents' answers become
 * checked features (a bad formula is rejected with its reason, shown to the agent next round), the
 * LLM router picks the agents of later rounds, and tokens and cost are counted per agent and round.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAi, type RecordedRequest } from '../../../helpers/fake-openai.js';
import { runCli, tempDir } from '../../../helpers/cli.js';

let fake: FakeOpenAi;
beforeEach(async () => {
  fake = await FakeOpenAi.start();
});
afterEach(async () => {
  await fake.close();
});

const PROPOSALS = JSON.stringify([
  { name: 'glucose_x_bmi', expr: 'Glucose * BMI', type: 'numerical', base_columns: ['Glucose', 'BMI'], logic: 'insulin resistance proxy' },
  { name: 'age_per_pregnancy', expr: 'Age / (Pregnancies + 1)', type: 'numerical', base_columns: ['Age', 'Pregnancies'], logic: 'age per pregnancy' },
  { name: 'broken', expr: 'Glucose +* 2', type: 'numerical', base_columns: ['Glucose'], logic: 'a typo' },
]);

function isRouting(r: RecordedRequest): boolean {
  return (r.body.messages ?? []).some((m) => m.content.includes('You are the router of MALMAS'));
}

describe('ff fe --llm openai (against a local chat-completions server)', () => {
  it('runs the rounds on LLM proposals, routes with the LLM, and counts tokens and cost', async () => {
    fake.fallback = (req) =>
      isRouting(req)
        ? { text: '["cross", "unary"]', usage: { prompt_tokens: 400, completion_tokens: 10 } }
        : { text: `\`\`\`json\n${PROPOSALS}\n\`\`\``, usage: { prompt_tokens: 1000, completion_tokens: 200 } };
    const out = join(tempDir(), 'fe');
    const r = await runCli(
      ['fe', '--data', 'datasets/diabetes_pima.csv', '--target', 'Outcome', '--llm', 'openai', '--base-url', fake.url, '--model', 'deepseek-chat', '--router', 'llm', '--rounds', '2', '--trees', '15', '--threads', '1', '--temperature', '1', '--out', out, '--json'],
      { env: { FF_LLM_API_KEY: 'sk-test', FF_LLM_BASE_URL: '' }, timeoutMs: 120000 },
    );
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { proposer: { isLlm: boolean; describe: string }; metrics: Record<string, number> };
    expect(j.proposer.isLlm).toBe(true);
    expect(j.proposer.describe).toContain('deepseek-chat');
    // every request went to our server, with the key, the model and the agent's temperature
    const agentCalls = fake.requests.filter((q) => !isRouting(q));
    expect(agentCalls.length).toBeGreaterThanOrEqual(6 + 2);
    for (const q of fake.requests) {
      expect(q.headers['authorization']).toBe('Bearer sk-test');
      expect(q.body.model).toBe('deepseek-chat');
    }
    expect(agentCalls[0]!.body.temperature).toBe(1);
    // round 1 runs all six agents (warm-up), round 2 the ones the LLM router named
    const history = JSON.parse(readFileSync(join(out, 'router_history.json'), 'utf8')) as { rounds: Array<{ round: number; agents: string[]; applied: string }> };
    expect(history.rounds[0]!.agents).toHaveLength(6);
    expect(history.rounds[1]!.agents.sort()).toEqual(['cross', 'unary']);
    expect(fake.requests.some(isRouting)).toBe(true);
    // the typo is rejected with a reason, and the agent sees it in its next prompt
    const table = readFileSync(join(out, 'feature_table.csv'), 'utf8');
    expect(table).toMatch(/broken,Glucose \+\* 2,invalid/);
    const round2 = agentCalls.filter((q) => (q.body.messages ?? []).some((m) => m.content.includes('broken'))).length;
    expect(round2).toBeGreaterThan(0);
    // tokens per agent and cost per round (DeepSeek's list prices)
    expect(j.metrics['tokens/cross/prompt']).toBeGreaterThanOrEqual(2000);
    expect(j.metrics['tokens/cross/completion']).toBeGreaterThanOrEqual(400);
    expect(j.metrics['round_1/llm_cost_usd']).toBeGreaterThan(0);
    expect(j.metrics['llm/total_cost_usd']).toBeGreaterThan(j.metrics['round_1/llm_cost_usd']! - 1e-12);
  });

  it('an endpoint that keeps failing does not fail the run: the agent is skipped with a warning', async () => {
    fake.fallback = { status: 500, error: { message: 'upstream down' } };
    const r = await runCli(
      ['fe', '--data', 'datasets/diabetes_pima.csv', '--target', 'Outcome', '--llm', 'openai', '--base-url', fake.url, '--rounds', '1', '--trees', '10', '--threads', '1', '--out', join(tempDir(), 'fe')],
      { env: { FF_LLM_API_KEY: 'sk-test', FF_LLM_BASE_URL: '' }, timeoutMs: 120000 },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: round 1, \w+: the proposer failed/);
    expect(r.stdout).toContain('0 features kept');
  });
});
