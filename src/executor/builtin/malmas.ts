/**
 * `program: ff:malmas`: a trial runs the MALMAS feature engineer in the worker. The sweep's
 * parameters map onto `ff fe`'s options (README "MALMAS as a sweep objective"):
 *
 *   dataset (path or known name), target, task, positive, n_rounds, llm_temperature,
 *   router_strategy, agents (list or "a,b"), llm_provider (offline | openai), llm_model,
 *   llm_base_url, random_state, trees, keep_per_agent, test_size, order_by, threads
 *
 * Reports, one step per round: `round_k/…` and `cumulative/…` metrics, `round`, and `final_auc` =
 * the test AUC of a model with every feature accepted so far (so hyperband can judge a trial after
 * each round; the last round's step also carries `final/…` and `tokens/…`). Regression trials
 * report `final_nrmse` instead. Artifacts go to `<trial dir>/artifacts/`.
 */
import { join } from 'node:path';
import { EXIT, FFError } from '../../core/errors.js';
import type { ParamValue } from '../../core/params.js';
import { featureTable, writeArtifacts } from '../../malmas/artifacts.js';
import { readCsv } from '../../malmas/dataset/index.js';
import { resolveDataset } from '../../malmas/dataset/known.js';
import { ENGINEER_DEFAULTS, runEngineer, type EngineerOptions } from '../../malmas/engineer.js';
import { ROUTER_STRATEGIES, type RouterStrategy } from '../../malmas/router.js';
import { createProposer } from '../../malmas/setup.js';
import { AGENT_KINDS, type AgentKind } from '../../malmas/types.js';
import type { TrialFunction } from '../function.js';

export const MALMAS_PARAMS = [
  'dataset',
  'target',
  'task',
  'positive',
  'n_rounds',
  'llm_temperature',
  'router_strategy',
  'agents',
  'llm_provider',
  'llm_model',
  'llm_base_url',
  'random_state',
  'trees',
  'keep_per_agent',
  'test_size',
  'order_by',
  'threads',
] as const;

export interface MalmasTrialOptions {
  readonly datasetPath: string;
  readonly datasetName: string;
  readonly engineer: EngineerOptions;
  readonly provider: string;
  readonly model?: string;
  readonly baseURL?: string;
}

type Config = Readonly<Record<string, ParamValue>>;

/** Reads and checks the trial's params; every problem in one FFError naming the key and value. */
export function malmasOptions(config: Config, cwd?: string): MalmasTrialOptions {
  const bad: string[] = [];
  const str = (key: string): string | undefined => {
    const v = config[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    bad.push(`${key} = ${JSON.stringify(v)} (must be a string)`);
    return undefined;
  };
  const num = (key: string, ok: (x: number) => boolean, want: string): number | undefined => {
    const v = config[key];
    if (v === undefined || v === null) return undefined;
    const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof x === 'number' && Number.isFinite(x) && ok(x)) return x;
    bad.push(`${key} = ${JSON.stringify(v)} (must be ${want})`);
    return undefined;
  };
  const int = (x: number): boolean => Number.isInteger(x);
  const datasetSpec = str('dataset') ?? 'titanic';
  const rounds = num('n_rounds', (x) => int(x) && x >= 1 && x <= 50, 'an integer from 1 to 50');
  const temperature = num('llm_temperature', (x) => x >= 0 && x <= 2, 'a number from 0 to 2');
  const router = str('router_strategy');
  if (router !== undefined && !(ROUTER_STRATEGIES as readonly string[]).includes(router)) bad.push(`router_strategy = ${JSON.stringify(router)} (valid: ${ROUTER_STRATEGIES.join(', ')})`);
  let agents: AgentKind[] | undefined;
  const rawAgents = config['agents'];
  if (rawAgents !== undefined && rawAgents !== null) {
    const list = Array.isArray(rawAgents) ? rawAgents.map(String) : typeof rawAgents === 'string' ? rawAgents.split(/[,+ ]+/) : undefined;
    const names = (list ?? []).map((s) => s.trim()).filter((s) => s !== '');
    const unknown = names.filter((n) => !(AGENT_KINDS as readonly string[]).includes(n));
    if (list === undefined || names.length === 0 || unknown.length > 0) bad.push(`agents = ${JSON.stringify(rawAgents)} (a list or comma-separated string of: ${AGENT_KINDS.join(', ')})`);
    else agents = names as AgentKind[];
  }
  const task = str('task');
  if (task !== undefined && task !== 'classification' && task !== 'regression') bad.push(`task = ${JSON.stringify(task)} (valid: classification, regression)`);
  const provider = str('llm_provider') ?? 'offline';
  if (provider !== 'offline' && provider !== 'openai') bad.push(`llm_provider = ${JSON.stringify(provider)} (valid: offline, openai)`);
  const seed = num('random_state', (x) => int(x) && x >= 0, 'an integer ≥ 0');
  const trees = num('trees', (x) => int(x) && x >= 1 && x <= 5000, 'an integer from 1 to 5000');
  const keep = num('keep_per_agent', (x) => int(x) && x >= 0, 'an integer ≥ 0');
  const testSize = num('test_size', (x) => x > 0 && x < 1, 'a number between 0 and 1');
  const threads = num('threads', (x) => int(x) && x >= 1 && x <= 64, 'an integer from 1 to 64');
  const orderBy = str('order_by');
  const positiveParam = str('positive');
  const targetParam = str('target');
  if (bad.length > 0) throw new FFError('FF_USAGE', `ff:malmas parameters: ${bad.join('; ')}`, EXIT.usage);

  const ds = resolveDataset(datasetSpec, cwd);
  const target = targetParam ?? ds.known?.target;
  if (target === undefined) throw new FFError('FF_USAGE', `ff:malmas: dataset '${datasetSpec}' needs a 'target' parameter (the column to predict)`, EXIT.usage);
  const positive = positiveParam ?? (targetParam === undefined ? ds.known?.positive : undefined);
  const order = orderBy ?? ds.known?.orderBy;
  const model = str('llm_model');
  const baseURL = str('llm_base_url');
  return {
    datasetPath: ds.path,
    datasetName: ds.name,
    provider,
    ...(model !== undefined ? { model } : {}),
    ...(baseURL !== undefined ? { baseURL } : {}),
    engineer: {
      target,
      ...(task !== undefined ? { task: task as 'classification' | 'regression' } : {}),
      ...(positive !== undefined ? { positive } : {}),
      ...(rounds !== undefined ? { rounds } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(router !== undefined ? { router: router as RouterStrategy } : {}),
      ...(agents !== undefined ? { agents } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(trees !== undefined ? { model: { nTrees: trees } } : {}),
      ...(keep !== undefined ? { keepPerAgent: keep } : {}),
      ...(testSize !== undefined ? { testSize } : {}),
      ...(order !== undefined ? { orderBy: order } : {}),
      ...(threads !== undefined ? { threads } : {}),
    },
  };
}

export const malmasObjective: TrialFunction = async (config, ctx) => {
  const o = malmasOptions(config);
  const bundle = createProposer({ provider: o.provider, ...(o.model !== undefined ? { model: o.model } : {}), ...(o.baseURL !== undefined ? { baseURL: o.baseURL } : {}) });
  const table = readCsv(o.datasetPath);
  const e = o.engineer;
  const rounds = e.rounds ?? ENGINEER_DEFAULTS.rounds;
  // the design's params, resolved (the sweep's own params are tracked already)
  ctx.tracking.logParams({
    // the sweep's own value when it has one (MLflow params are write-once: never log a second value)
    dataset: typeof config['dataset'] === 'string' ? config['dataset'] : o.datasetName,
    dataset_file: o.datasetPath,
    target: e.target,
    ...(e.task !== undefined ? { task: e.task, metric: e.task === 'regression' ? 'nrmse' : 'auc' } : {}),
    n_rounds: rounds,
    llm_provider: o.provider,
    llm_model: o.provider === 'offline' ? 'offline (not an LLM)' : (o.model ?? 'deepseek-chat'),
    llm_temperature: e.temperature ?? ENGINEER_DEFAULTS.temperature,
    router_strategy: e.router ?? ENGINEER_DEFAULTS.router,
    random_state: e.seed ?? ENGINEER_DEFAULTS.seed,
    agents: (e.agents ?? AGENT_KINDS).join(','),
    trees: e.model?.nTrees ?? ENGINEER_DEFAULTS.nTrees,
  });
  let last: Record<string, number> | undefined;
  const result = await runEngineer(table, {
    ...o.engineer,
    proposer: bundle.proposer,
    ...(bundle.routerLlm !== undefined ? { routerLlm: bundle.routerLlm } : {}),
    signal: ctx.signal,
    onProgress: (e) => {
      if (e.type !== 'round-end') return;
      const step: Record<string, number> = { round: e.round };
      for (const [k, v] of Object.entries(e.metrics)) step[k.startsWith('cumulative/') ? k : `round_${e.round}/${k}`] = v;
      if (e.metrics['test_auc'] !== undefined) step['final_auc'] = e.metrics['test_auc'];
      if (e.metrics['test_nrmse'] !== undefined) step['final_nrmse'] = e.metrics['test_nrmse'];
      // The last round's step waits for the final figures, so final_auc is logged once per round.
      if (e.round < rounds) void ctx.report(step);
      else last = step;
    },
  });
  const m = result.metrics;
  const final: Record<string, number> = { ...(last ?? {}) };
  for (const [k, v] of Object.entries(m)) if (k.startsWith('final/') || k.startsWith('tokens/') || k.startsWith('llm/') || k.startsWith('cumulative/')) final[k] = v;
  if (result.task === 'classification') final['final_auc'] = m['final/malmas_auc']!;
  else final['final_nrmse'] = m['final/malmas_nrmse']!;
  if (e.task === undefined) ctx.tracking.logParams({ task: result.task, metric: result.task === 'regression' ? 'nrmse' : 'auc' });
  const paths = writeArtifacts(result, join(ctx.dir, 'artifacts'), { dataset: o.datasetPath, trial: ctx.trial.trialId, params: config });
  ctx.tracking.logArtifact({ path: paths.generatedFeatures, name: 'generated_features', type: 'dataset' });
  ctx.tracking.logArtifact({ path: paths.agentMemories, name: 'agent_memories', type: 'json' });
  ctx.tracking.logArtifact({ path: paths.importancePng, name: 'feature_importance', type: 'plot' });
  ctx.tracking.logArtifact({ path: paths.routerHistory, name: 'router_history', type: 'json' });
  ctx.tracking.logTable({ name: 'feature_comparison', ...featureTable(result) });
  await ctx.report(final);
};
