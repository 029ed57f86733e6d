import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, FFError } from '../../core/errors.js';
import { writeArtifacts } from '../../malmas/artifacts.js';
import { readCsv } from '../../malmas/dataset/index.js';
import { resolveDataset } from '../../malmas/dataset/known.js';
import { runEngineer, type EngineerEvent } from '../../malmas/engineer.js';
import { ROUTER_STRATEGIES, type RouterStrategy } from '../../malmas/router.js';
import { createProposer, LLM_PROVIDERS } from '../../malmas/setup.js';
import { AGENT_KINDS, type AgentKind } from '../../malmas/types.js';
import { JSON_OPTION, newSweepId, RUNS_DIR_OPTION, runsDir } from '../common.js';
import { handle } from '../errors.js';
import { fmtNumber, ProgressLine, table } from '../output.js';

interface Args {
  data: string;
  target?: string;
  task?: 'classification' | 'regression';
  positive?: string;
  rounds: number;
  router: string;
  agents?: string[];
  llm: string;
  model?: string;
  'base-url'?: string;
  temperature: number;
  seed: number;
  trees?: number;
  keep: number;
  'test-size'?: number;
  'order-by'?: string;
  threads?: number;
  out?: string;
  json: boolean;
  'runs-dir'?: string;
}

/** `--agents unary,cross` or `--agents unary cross`: validated names. */
export function parseAgents(list: readonly string[] | undefined): AgentKind[] | undefined {
  if (list === undefined) return undefined;
  const names = list.flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.filter((n) => !(AGENT_KINDS as readonly string[]).includes(n));
  if (bad.length > 0) throw new FFError('FF_USAGE', `--agents: unknown agent ${bad.map((b) => `'${b}'`).join(', ')}; valid agents: ${AGENT_KINDS.join(', ')}`, EXIT.usage);
  return names as AgentKind[];
}

export const feCommand = {
  command: 'fe',
  describe: 'Run the MALMAS feature engineer once on a CSV file (offline by default: no LLM, no network)',
  builder: (y: Argv) =>
    y
      .options({
        data: { type: 'string', demandOption: true, describe: 'CSV file, or a known dataset name (titanic, adult, credit_g, …)' },
        target: { type: 'string', describe: 'Target column (known datasets have one)' },
        task: { choices: ['classification', 'regression'] as const, describe: 'Default: inferred from the target' },
        positive: { type: 'string', describe: 'Positive class label (e.g. ">50K", "Yes"), or a threshold like ">=7"' },
        rounds: { type: 'number', default: 4, describe: 'MALMAS rounds' },
        router: { type: 'string', choices: ROUTER_STRATEGIES, default: 'hybrid', describe: 'Which agents run each round' },
        agents: { type: 'array', string: true, describe: `Agents the router may pick (default all): ${AGENT_KINDS.join(', ')}` },
        llm: { type: 'string', choices: LLM_PROVIDERS, default: 'offline', describe: 'offline: seeded rule-based proposer (not an LLM); openai: any OpenAI-compatible endpoint' },
        model: { type: 'string', describe: 'LLM model for --llm openai (default deepseek-chat)' },
        'base-url': { type: 'string', describe: 'OpenAI-compatible endpoint (default https://api.deepseek.com; or FF_LLM_BASE_URL)' },
        temperature: { type: 'number', default: 0.2, describe: 'LLM temperature 0–2 (offline: how exploratory the proposer is)' },
        seed: { type: 'number', default: 0, describe: 'Seed of the split, the folds and the proposer' },
        trees: { type: 'number', describe: 'Trees of the evaluator model (default 100)' },
        keep: { type: 'number', default: 4, describe: 'Accepted features per agent and round kept as base columns for later rounds' },
        'test-size': { type: 'number', describe: 'Held-out share for the final score (default 0.4)' },
        'order-by': { type: 'string', describe: 'Numeric or datetime column that orders the rows (enables lags and rolling windows)' },
        threads: { type: 'number', describe: 'Evaluator threads (default min(2, cores))' },
        out: { type: 'string', describe: 'Output folder (default <runs-dir>/fe/<id>)' },
        ...RUNS_DIR_OPTION,
        ...JSON_OPTION,
      })
      .example('$0 fe --data titanic', 'four offline rounds on the shipped Titanic data')
      .example('$0 fe --data data.csv --target churned --positive yes --router all --rounds 2', 'your own CSV')
      .example('DEEPSEEK_API_KEY=… $0 fe --data titanic --llm openai --model deepseek-chat --temperature 1', 'with an LLM')
      .epilogue(
        'Writes generated_features.csv, features.json (reusable transformer), feature_table.csv, agent_memories.json, router_history.json, feature_importance.png and metrics.json to the output folder. Exit codes: 0 done, 1 failure, 2 bad usage or bad data.',
      ),
  handler: handle<Args>(async (args) => {
    const ds = resolveDataset(args.data);
    const target = args.target ?? ds.known?.target;
    if (target === undefined) throw new FFError('FF_USAGE', `--target is required for ${ds.path}: name the column to predict`, EXIT.usage);
    const positive = args.positive ?? (args.target === undefined ? ds.known?.positive : undefined);
    const agents = parseAgents(args.agents);
    const bundle = createProposer({ provider: args.llm, ...(args.model !== undefined ? { model: args.model } : {}), ...(args['base-url'] !== undefined ? { baseURL: args['base-url'] } : {}) });
    const out = resolve(args.out ?? join(runsDir(args['runs-dir']), 'fe', newSweepId()));
    const err = process.stderr;
    const progress = new ProgressLine(err);
    const cancel = new AbortController();
    const onSignal = (): void => cancel.abort('interrupted by the user');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const table0 = readCsv(ds.path);
    let result;
    try {
      result = await runEngineer(table0, {
        target,
        ...(args.task !== undefined ? { task: args.task } : {}),
        ...(positive !== undefined ? { positive } : {}),
        rounds: args.rounds,
        router: args.router as RouterStrategy,
        ...(agents !== undefined ? { agents } : {}),
        proposer: bundle.proposer,
        ...(bundle.routerLlm !== undefined ? { routerLlm: bundle.routerLlm } : {}),
        temperature: args.temperature,
        seed: args.seed,
        keepPerAgent: args.keep,
        ...(args.trees !== undefined ? { model: { nTrees: args.trees } } : {}),
        ...(args['test-size'] !== undefined ? { testSize: args['test-size'] } : {}),
        ...(args['order-by'] ?? ds.known?.orderBy ? { orderBy: args['order-by'] ?? ds.known?.orderBy } : {}),
        ...(args.threads !== undefined ? { threads: args.threads } : {}),
        signal: cancel.signal,
        onProgress: (e) => progress.log(describeEvent(e)),
      });
    } catch (e) {
      if (cancel.signal.aborted) {
        progress.done();
        err.write('interrupted\n');
        return 130;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.done();
    }
    const paths = writeArtifacts(result, out, { dataset: ds.path, command: 'ff fe' });
    const m = result.metrics;
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify({ dataset: ds.path, target, task: result.task, proposer: result.proposer, metrics: m, features: result.features.features.map((f) => f.meta), artifacts: paths, wallSeconds: result.wallSeconds }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    const o = process.stdout;
    const cls = result.task === 'classification';
    o.write(`\nMALMAS on ${ds.path} → ${target} (${result.task}; ${result.proposer.describe}; ${result.rounds} rounds; ${result.trainRows} train / ${result.testRows} test rows)\n`);
    o.write(
      table(
        ['', cls ? 'test AUC' : 'test NRMSE', ...(cls ? ['test accuracy'] : [])],
        [
          ['base', fmtNumber(cls ? m['final/base_auc'] : m['final/base_nrmse']), ...(cls ? [fmtNumber(m['final/base_accuracy'])] : [])],
          ['with features', fmtNumber(cls ? m['final/malmas_auc'] : m['final/malmas_nrmse']), ...(cls ? [fmtNumber(m['final/malmas_accuracy'])] : [])],
        ],
      ) + '\n',
    );
    o.write(`improvement: ${signed(m['final/improvement']!)}${cls ? ' AUC' : ' NRMSE'}; ${result.features.names.length} features kept of ${result.evaluated.length} proposed; ${result.wallSeconds.toFixed(1)} s\n`);
    const top = [...result.features.features].sort((a, b) => b.meta.gain - a.meta.gain).slice(0, 10);
    if (top.length > 0) {
      o.write(`\nbest features by CV gain:\n`);
      o.write(table(['gain', 'agent', 'round', 'feature'], top.map((f) => [signed(f.meta.gain), f.meta.agent, String(f.meta.round), `${f.meta.name} = ${truncate(f.meta.expr, 70)}`])) + '\n');
    }
    o.write(`\nartifacts: ${out}\n`);
    return EXIT.ok;
  }),
};

export function describeEvent(e: EngineerEvent): string {
  switch (e.type) {
    case 'start':
      return `${e.rows} rows (${e.trainRows} train, ${e.testRows} test), ${e.columns} columns, ${e.task}; proposer: ${e.proposer}; base CV ${e.task === 'classification' ? 'AUC' : 'NRMSE'} ${e.baseCv.toFixed(4)}`;
    case 'round':
      return `round ${e.round}/${e.rounds}: ${e.agents.join(', ')} (${e.applied})`;
    case 'agent':
      return `  ${e.agent.padEnd(16)} ${e.proposed} proposed, ${e.invalid} invalid, ${e.accepted} accepted${e.bestGain !== null ? `, best gain ${signed(e.bestGain)}` : ''}${e.costUsd > 0 ? `, $${e.costUsd.toFixed(4)}` : ''}`;
    case 'round-end': {
      const auc = e.metrics['test_auc'] ?? e.metrics['test_nrmse'];
      return `  round ${e.round} done in ${e.metrics['latency_seconds']!.toFixed(1)} s: ${e.metrics['n_effective_features']} effective, ${e.persisted.length} kept as base columns${auc !== undefined ? `, test ${e.metrics['test_auc'] !== undefined ? 'AUC' : 'NRMSE'} so far ${auc.toFixed(4)}` : ''}`;
    }
    case 'selection':
      return `final selection by a fresh CV on the train split: ${e.kept} of ${e.of} accepted features (joint gain ± se by size: ${e.tried.map((t) => `${t.size}: ${signed(t.gain)}±${t.se.toFixed(4)}`).join(', ')})`;
    case 'warning':
      return `warning: ${e.message}`;
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
