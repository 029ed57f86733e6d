/**
 * LlmProposer end to end over HTTP: prompt builder → OpenAiCompatibleClient (real `openai`
 * package) → local chat-completions server → parseProposals, with the repair round-trip.
 */
import { FakeOpenAi } from '../../../helpers/fake-openai.js';
import { OpenAiCompatibleClient } from '../../../../src/malmas/llm/client.js';
import { CostLedger } from '../../../../src/malmas/llm/ledger.js';
import { LlmProposer, repairMessage } from '../../../../src/malmas/llm/llm-proposer.js';
import type { PromptBuilder } from '../../../../src/malmas/llm/llm-proposer.js';
import type { ProposalContext } from '../../../../src/malmas/types.js';
import { LlmError } from '../../../../src/malmas/llm/retry.js';

let fake: FakeOpenAi;

beforeEach(async () => {
  fake = await FakeOpenAi.start();
});

afterEach(async () => {
  await fake.close();
});

const ctx: ProposalContext = {
  agent: 'cross',
  round: 2,
  nRounds: 4,
  task: 'classification',
  taskDescription: 'who survived the Titanic?',
  columns: [{ name: 'SibSp', type: 'numerical' }, { name: 'Parch', type: 'numerical' }],
  ordered: false,
  valid: ['family_size'],
  invalid: [],
  failures: [],
  feedback: [],
  temperature: 1.3,
  seed: 0,
};

const buildPrompt: PromptBuilder = (c) => ({
  system: `You are the ${c.agent} agent.`,
  user: `Round ${c.round} of ${c.nRounds}: ${c.taskDescription}`,
});

function proposer(options: { maxTokens?: number; json?: boolean } = {}): { p: LlmProposer; ledger: CostLedger } {
  const ledger = new CostLedger();
  const client = new OpenAiCompatibleClient({ baseURL: fake.url, apiKey: 'sk-test', env: {}, sleep: async () => {} });
  return { p: new LlmProposer({ client, buildPrompt, ledger, ...options }), ledger };
}

const GOOD = '[{"name": "fam", "expr": "SibSp + Parch + 1", "type": "numerical", "base_columns": ["SibSp", "Parch"], "logic": "family"}]';

describe('LlmProposer', () => {
  it('sends the built prompt at the context temperature and reads a fenced answer', async () => {
    fake.reply({ text: `Here are my features:\n\`\`\`json\n${GOOD}\n\`\`\``, usage: { prompt_tokens: 1200, completion_tokens: 300 } });
    const { p, ledger } = proposer({ maxTokens: 2000 });
    expect(p.isLlm).toBe(true);
    expect(p.describe).toBe(`deepseek-chat via ${fake.url}`);
    const r = await p.propose(ctx);
    expect(r.proposals).toEqual([{ name: 'fam', expr: 'SibSp + Parch + 1', type: 'numerical', baseColumns: ['SibSp', 'Parch'], logic: 'family' }]);
    expect(r.warnings).toEqual([]);
    expect(r.usage).toEqual({ promptTokens: 1200, completionTokens: 300 });
    expect(r.costUsd).toBeCloseTo((1200 * 0.28 + 300 * 0.42) / 1e6, 12);
    expect(fake.requests).toHaveLength(1);
    const body = fake.requests[0].body;
    expect(body.temperature).toBe(1.3);
    expect(body.max_tokens).toBe(2000);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are the cross agent.' },
      { role: 'user', content: 'Round 2 of 4: who survived the Titanic?' },
    ]);
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.entries[0]).toMatchObject({ agent: 'cross', round: 2, purpose: 'proposal', model: 'deepseek-chat', attempts: 1 });
  });

  it('repairs trailing commas and says so', async () => {
    fake.reply({ text: '[{"name": "a", "expr": "SibSp * 2",}, {"name": "b", "expr": "Parch - 1"},]' });
    const r = await proposer().p.propose(ctx);
    expect(r.proposals.map((x) => x.name)).toEqual(['a', 'b']);
    expect(r.warnings.join(' ')).toContain('trailing commas');
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps the complete items of a truncated answer and notes the token limit', async () => {
    fake.reply({ text: '[{"name": "a", "expr": "SibSp * 2"}, {"name": "b", "expr": "Parch / (Sib', finishReason: 'length' });
    const r = await proposer({ maxTokens: 40 }).p.propose(ctx);
    expect(r.proposals.map((x) => x.name)).toEqual(['a']);
    const w = r.warnings.join(' | ');
    expect(w).toContain('token limit (40)');
    expect(w).toContain('cut off');
    expect(fake.requests).toHaveLength(1);
  });

  it('asks once more with the reason when the answer is unreadable, and uses the second answer', async () => {
    const broken = 'I would suggest combining SibSp and Parch into a family size.';
    fake.reply({ text: broken, usage: { prompt_tokens: 100, completion_tokens: 20 } }, { text: GOOD, usage: { prompt_tokens: 150, completion_tokens: 40 } });
    const { p, ledger } = proposer();
    const r = await p.propose(ctx);
    expect(r.proposals.map((x) => x.name)).toEqual(['fam']);
    expect(r.usage).toEqual({ promptTokens: 250, completionTokens: 60 });
    expect(r.warnings.join(' ')).toContain('asked again');
    expect(fake.requests).toHaveLength(2);
    const second = fake.requests[1].body.messages ?? [];
    expect(second).toHaveLength(4);
    expect(second[2]).toEqual({ role: 'assistant', content: broken });
    expect(second[3].role).toBe('user');
    expect(second[3].content).toBe(repairMessage('no JSON array or object in the answer'));
    expect(second[3].content).toMatch(/^Your last answer was not valid JSON: .+\. Answer again with only the JSON array\.$/);
    expect(fake.requests[1].body.temperature).toBe(1.3);
    expect(ledger.entries.map((e) => e.purpose)).toEqual(['proposal', 'repair']);
    expect(ledger.byAgent().cross.calls).toBe(2);
  });

  it('gives up after one repair with no proposals and a warning, never throwing', async () => {
    fake.reply({ text: 'no idea' }, { text: '{"oops": true' });
    const { p, ledger } = proposer();
    const r = await p.propose(ctx);
    expect(r.proposals).toEqual([]);
    expect(r.warnings.join(' ')).toContain('gave up');
    expect(fake.requests).toHaveLength(2);
    expect(ledger.totals().calls).toBe(2);
    expect(r.usage).toEqual({ promptTokens: 20, completionTokens: 10 });
  });

  it('an answer in the original MALMAS schema without expr triggers the repair', async () => {
    fake.reply(
      { text: '[{"base_columns": ["SibSp"], "derived_features": [{"name": "x2", "type": "numerical", "transform": "double", "logic": "twice"}]}]' },
      { text: '[{"base_columns": ["SibSp"], "derived_features": [{"name": "x2", "expr": "SibSp * 2", "logic": "twice"}]}]' },
    );
    const r = await proposer().p.propose(ctx);
    expect(r.proposals).toEqual([{ name: 'x2', expr: 'SibSp * 2', baseColumns: ['SibSp'], logic: 'twice' }]);
    expect(fake.requests[1].body.messages?.[3].content).toContain("'x2'");
  });

  it('asks for JSON mode only when told to and the endpoint supports it', async () => {
    fake.reply({ text: GOOD }, { text: GOOD });
    const client = new OpenAiCompatibleClient({ baseURL: fake.url, env: {}, jsonMode: true });
    await new LlmProposer({ client, buildPrompt }).propose(ctx);
    expect(fake.requests[0].body.response_format).toBeUndefined();
    await new LlmProposer({ client, buildPrompt, json: true }).propose(ctx);
    expect(fake.requests[1].body.response_format).toEqual({ type: 'json_object' });
  });

  it('lets a failed call through (a bad key is not a bad answer)', async () => {
    fake.fallback = { status: 401, error: { message: 'bad key' } };
    await expect(proposer().p.propose(ctx)).rejects.toBeInstanceOf(LlmError);
  });

  it('an abort signal cancels the proposal', async () => {
    fake.fallback = { delayMs: 5000, text: GOOD };
    const ac = new AbortController();
    const pending = proposer().p.propose(ctx, ac.signal);
    setTimeout(() => ac.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.requests).toHaveLength(1);
  });
});
