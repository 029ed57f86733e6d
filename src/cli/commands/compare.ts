import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, FFError } from '../../core/errors.js';
import type { Goal } from '../../core/trial.js';
import { metricValue } from '../../coordinator/policy.js';
import { localSource, storeSource, type CompareData, type CompareSource } from '../../compare/collect.js';
import { renderCompareHtml, curveLabel } from '../../compare/html.js';
import {
  comparisonTable,
  DEFAULT_ROUND_METRIC,
  loggedMetricNames,
  roundMetricNames,
  summarize,
  type Comparison,
  type GroupSummary,
} from '../../compare/summarize.js';
import type { RedisTrialStore } from '../../store/redis-store.js';
import { mlflowSource } from '../../compare/mlflow-source.js';
import { MlflowClient } from '../../tracker/mlflow-client.js';
import { JSON_OPTION, RUNS_DIR_OPTION, runsDir } from '../common.js';
import { settings } from '../settings.js';
import { handle } from '../errors.js';
import { fmtNumber, table } from '../output.js';
import { openRedisStore, REDIS_OPTIONS, redisConfigured, type RedisArgs } from '../redis.js';
import { pickSweepId, redisLocation, sweepNotFound } from '../sweep-lookup.js';

interface Args extends RedisArgs {
  sweep: string;
  by?: string;
  metric?: string;
  goal?: Goal;
  'round-metric'?: string;
  json: boolean;
  html?: string;
  'runs-dir'?: string;
  mlflow?: boolean;
  experiment?: string;
}

const DEFAULT_BY = 'router_strategy';

function usage(message: string): FFError {
  return new FFError('FF_USAGE', message, EXIT.usage);
}

/** A list for messages, cut short when long (a MALMAS trial logs dozens of keys). */
function listed(names: readonly string[], max = 30): string {
  return names.length === 0 ? '(none)' : names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length - max} more)`;
}

async function findIn(source: CompareSource, id: string): Promise<CompareData | undefined> {
  const picked = pickSweepId(await source.sweepIds(), id);
  return picked === undefined ? undefined : source.load(picked);
}

/** `--by`, or router_strategy (also nested, e.g. `malmas.router_strategy`) when the sweep has it. */
export function resolveBy(data: CompareData, by: string | undefined): string {
  const names = data.sweep.parameters.map((p) => p.name);
  const id = data.meta.id;
  if (by !== undefined) {
    if (names.includes(by)) return by;
    throw usage(`--by '${by}' is not a parameter of sweep ${id}; its parameters are: ${listed(names)}`);
  }
  if (names.includes(DEFAULT_BY)) return DEFAULT_BY;
  const nested = data.sweep.parameters.filter((p) => p.path[p.path.length - 1] === DEFAULT_BY);
  if (nested.length === 1) return nested[0]!.name;
  throw usage(`sweep ${id} has no ${DEFAULT_BY} parameter: pass --by NAME, one of its parameters: ${listed(names)}`);
}

function resolveMetric(data: CompareData, metric: string | undefined): string {
  const logged = loggedMetricNames(data.trials).filter((k) => !/^round_\d+\//.test(k));
  const name = metric ?? data.sweep.metric?.name;
  if (name === undefined) throw usage(`sweep ${data.meta.id} has no metric in its config: pass --metric NAME, one of the logged metrics: ${listed(logged)}`);
  const hasIt = data.trials.some((t) => t.steps.some((s) => metricValue(name, s) !== undefined));
  if (!hasIt && data.trials.some((t) => t.steps.length > 0)) {
    throw usage(`no trial of sweep ${data.meta.id} logged '${name}'${metric === undefined ? ' (the sweep\'s metric.name)' : ''}: pass --metric NAME, one of the logged metrics: ${listed(logged)}`);
  }
  return name;
}

function resolveRoundMetric(data: CompareData, requested: string | undefined): string | undefined {
  const available = roundMetricNames(data.trials);
  if (requested === undefined) return available.includes(DEFAULT_ROUND_METRIC) ? DEFAULT_ROUND_METRIC : undefined;
  const m = requested.replace(/^round_(k|\d+)\//, '');
  if (available.includes(m)) return m;
  throw usage(
    `no trial of sweep ${data.meta.id} logged round_k/${m}; ` +
      (available.length > 0 ? `--round-metric can be one of: ${listed(available)}` : 'no round_k/… metric was logged: leave out --round-metric to plot the metric step by step'),
  );
}

function groupJson(g: GroupSummary): Record<string, unknown> {
  return {
    value: g.value ?? null,
    label: g.label,
    trials: { all: g.total, ...g.counts },
    metric: { n: g.metric.n, mean: g.metric.mean ?? null, sd: g.metric.sd ?? null, best: g.metric.best ?? null, best_trial: g.metric.bestTrial ?? null },
    improvement: { n: g.improvement.n, mean: g.improvement.mean ?? null },
    cost_usd: { n: g.cost.n, sum: g.cost.sum ?? null, mean: g.cost.mean ?? null },
    wall_seconds: { n: g.wallSeconds.n, mean: g.wallSeconds.mean ?? null },
    curve: g.curve,
  };
}

function comparisonJson(data: CompareData, c: Comparison, location: string, html: string): Record<string, unknown> {
  return {
    sweep_id: data.meta.id,
    name: data.sweep.name ?? null,
    location,
    by: c.options.by,
    metric: { name: c.options.metric, goal: c.options.goal },
    curve: curveLabel(c),
    html,
    groups: c.groups.map(groupJson),
    best: c.best ? { value: c.best.value ?? null, label: c.best.label, mean: c.best.metric.mean ?? null } : null,
    trials: c.trials.map((t) => ({
      number: t.number,
      state: t.state,
      params: t.params,
      value: t.value ?? null,
      improvement: t.improvement ?? null,
      cost_usd: t.costUsd ?? null,
      wall_seconds: t.wallSeconds ?? null,
      metrics: t.metrics,
    })),
  };
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

export interface ComparisonRequest {
  by?: string;
  metric?: string;
  goal?: Goal;
  'round-metric'?: string;
  html?: string;
  json?: boolean;
}

/**
 * Prints the comparison of a loaded sweep (table, or JSON with `json`) and writes its HTML report;
 * returns the exit code. Shared by `ff compare` and `ff run --compare`.
 */
export function reportComparison(data: CompareData, args: ComparisonRequest, dir: string, location: string): number {
  const by = resolveBy(data, args.by);
  const metric = resolveMetric(data, args.metric);
  const goal: Goal = args.goal ?? data.sweep.metric?.goal ?? 'maximize';
  const roundMetric = resolveRoundMetric(data, args['round-metric']);
  const c = summarize(data.trials, { by, metric, goal, ...(roundMetric !== undefined ? { roundMetric } : {}) });

  const cells = comparisonTable(c, fmtNumber);
  const htmlPath = args.html !== undefined ? resolve(args.html) : join(dir, data.meta.id, `compare-${fileSafe(by)}.html`);
  const page = renderCompareHtml(c, {
    sweepId: data.meta.id,
    ...(data.sweep.name !== undefined ? { name: data.sweep.name } : {}),
    source: data.meta.source,
    table: cells,
    fmt: fmtNumber,
  });
  try {
    mkdirSync(dirname(htmlPath), { recursive: true });
    writeFileSync(htmlPath, page);
  } catch (err) {
    throw new FFError('FF_STORE', `cannot write the report to ${htmlPath} (${(err as Error).message}); pass --html FILE in a writable folder`, EXIT.failure);
  }
  process.stderr.write(`report: ${htmlPath}\n`);

  if (args.json) process.stdout.write(`${JSON.stringify(comparisonJson(data, c, location, htmlPath), null, 2)}\n`);
  else {
    const s = data.sweep;
    process.stdout.write(`sweep ${data.meta.id}${s.name ? ` (${s.name})` : ''}: ${goal} ${metric} by ${by}, ${data.trials.length} trials; curves: ${curveLabel(c)}\n\n`);
    process.stdout.write(`${table(cells.header, cells.rows)}\n\n`);
    process.stdout.write(
      c.best
        ? `best ${by}: ${c.best.label} (mean ${metric} ${fmtNumber(c.best.metric.mean)} over ${c.best.metric.n} trial${c.best.metric.n === 1 ? '' : 's'})\n`
        : `best ${by}: none (no finished or stopped trial logged ${metric})\n`,
    );
  }
  if (c.best === undefined) {
    process.stderr.write(`error: no finished or stopped trial of sweep ${data.meta.id} logged ${metric}: nothing to compare yet\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}

export const compareCommand = {
  command: 'compare <sweep>',
  describe: 'Compare the values of one parameter (default router_strategy) across a sweep: metric mean ± sd and best, improvement, LLM cost, wall time; writes an HTML report',
  builder: (y: Argv) =>
    y
      .positional('sweep', { type: 'string', demandOption: true, describe: 'Sweep id (or a unique prefix), in the runs folder or in Redis' })
      .options({
        by: { type: 'string', describe: `Parameter whose values are compared (default: ${DEFAULT_BY}, when the sweep has it)` },
        metric: { type: 'string', describe: "Metric to compare; a trial's value is the last one it logged", defaultDescription: "the sweep's metric.name" },
        goal: { type: 'string', choices: ['maximize', 'minimize'] as const, describe: 'Which way is better', defaultDescription: "the sweep's metric.goal" },
        'round-metric': { type: 'string', describe: 'The <m> of round_k/<m> plotted per round', defaultDescription: 'test_auc when logged, else the metric step by step' },
        html: { type: 'string', describe: 'Where to write the HTML report', defaultDescription: '<runs-dir>/<sweep>/compare-<by>.html' },
        mlflow: { type: 'boolean', describe: 'Also look in MLflow (MLFLOW_TRACKING_URI); on by default when the tracker is mlflow and the URI is set' },
        experiment: { type: 'string', describe: 'MLflow experiment to look in', defaultDescription: 'settings tracker.project, $MLFLOW_EXPERIMENT_NAME or feature-forge' },
        ...RUNS_DIR_OPTION,
        ...REDIS_OPTIONS,
        ...JSON_OPTION,
      })
      .example('$0 compare k3x9', 'router strategies of sweep k3x9… side by side, best first')
      .example('MLFLOW_TRACKING_URI=http://mlflow:5000 $0 compare k3x9 --mlflow --experiment malmas', 'from the runs the workers tracked in MLflow')
      .example('$0 compare k3x9 --by n_rounds --metric final/improvement --goal maximize', 'another parameter and metric')
      .example('$0 compare k3x9 --redis redis://queue-host:6379 --json', 'a distributed sweep, as JSON')
      .epilogue(
        'The sweep is looked up in the runs folder first, then in Redis when --redis or REDIS_URL is set, then in MLflow when --mlflow is given ' +
          '(or the tracker is mlflow and MLFLOW_TRACKING_URI is set; MLflow gives each run\'s last values, so curves are per round only). ' +
          "Improvement per trial: the logged final/improvement, else the metric minus final/base_auc; cost: llm/total_cost_usd. " +
          'Failed, queued and running trials count in "trials" (finished/all) but not in means, sums or bests. ' +
          'The report path is printed on stderr. Exit codes: 0 ok, 1 failure (e.g. Redis unreachable, or no trial has a value to compare), ' +
          '2 bad usage (unknown sweep, --by not a parameter of the sweep, a metric no trial logged).',
      ),
  handler: handle<Args>(async (args) => {
    const dir = runsDir(args['runs-dir']);
    const useRedis = redisConfigured(args);
    let store: RedisTrialStore | undefined;
    try {
      let location = dir;
      let data = await findIn(localSource(dir), args.sweep);
      if (data === undefined && useRedis) {
        location = redisLocation(args);
        store = await openRedisStore(args, () => undefined, 3000);
        data = await findIn(storeSource(store, location), args.sweep);
      }
      const s = settings();
      const useMlflow = args.mlflow ?? (s.tracker.backend === 'mlflow' && (process.env['MLFLOW_TRACKING_URI'] ?? '') !== '');
      let mlflowWhere: string | undefined;
      if (data === undefined && useMlflow) {
        const experiment = args.experiment ?? s.tracker.project ?? process.env['MLFLOW_EXPERIMENT_NAME'] ?? 'feature-forge';
        const source = mlflowSource(new MlflowClient({ timeoutMs: s.tracker.timeoutMs }), experiment);
        mlflowWhere = source.location;
        location = source.location;
        data = await findIn(source, args.sweep).catch((err: unknown) => {
          // an experiment that does not exist is "not found here", like a folder without the sweep
          if (err instanceof FFError && err.code === 'FF_NOT_FOUND') return undefined;
          throw err;
        });
      }
      if (data === undefined) {
        const e = sweepNotFound(args.sweep, { dir, ...(store ? { redis: redisLocation(args) } : {}), redisConfigured: useRedis }, EXIT.usage);
        throw mlflowWhere !== undefined ? new FFError(e.code, `${e.message}, nor in ${mlflowWhere}`, EXIT.usage) : e;
      }

      return reportComparison(data, args, dir, location);
    } finally {
      await store?.close();
    }
  }),
};
