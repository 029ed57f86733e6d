/**
 * Benchmark of the MALMAS feature engineer run offline (the seeded rule-based proposer, no LLM):
 * 4 rounds on titanic, credit_g, diabetes_pima, adult and telco_churn from ../shared/datasets, with
 * the default evaluator (our GBDT, 100 trees, 5-fold CV on the train split), on the paper's
 * protocol of three splits (seeds 0, 1, 2; test AUCs averaged). Prints one JSON object: per dataset
 * and seed base AUC, final AUC, improvement, features kept, wall time; per dataset their means; the
 * mean improvement over datasets; and the paper's figures for reference (deepseek-chat proposals,
 * 500-tree XGBoost checks), which no offline proposer is expected to reach.
 *
 *   npm run bench:fe -- [--data DIR] [--only titanic,adult] [--rounds 4] [--seeds 0,1,2] [--threads 2]
 */
import { join, resolve } from 'node:path';
import { flag, repoRoot } from './common.js';
import { readCsv } from '../src/malmas/dataset/index.js';
import { runEngineer } from '../src/malmas/engineer.js';

const dataDir = resolve(flag('--data') ?? join(repoRoot, '..', 'shared', 'datasets'));
const rounds = Number(flag('--rounds') ?? 4);
const seeds = (flag('--seeds') ?? flag('--seed') ?? '0,1,2').split(',').map(Number);
const threads = flag('--threads') !== undefined ? Number(flag('--threads')) : undefined;

const DATASETS = [
  { name: 'titanic', target: 'Survived' },
  { name: 'credit_g', target: 'default' },
  { name: 'diabetes_pima', target: 'Outcome' },
  { name: 'adult', target: 'income' },
  { name: 'telco_churn', target: 'Churn' },
] as const;
/** malmas-algorithm.md §7.1 (test AUC, mean of 3 seeds, deepseek-chat, XGBoost 500 trees). */
const PAPER: Record<string, { base: number; malmas: number }> = {
  titanic: { base: 0.843, malmas: 0.872 },
  credit_g: { base: 0.756, malmas: 0.775 },
  adult: { base: 0.849, malmas: 0.875 },
};

const only = flag('--only')?.split(',');
const results: Array<Record<string, unknown>> = [];
for (const d of DATASETS) {
  if (only !== undefined && !only.includes(d.name)) continue;
  const table = readCsv(join(dataDir, `${d.name}.csv`));
  const runs: Array<{ seed: number; baseAuc: number; finalAuc: number; improvement: number; featuresKept: number; proposals: number; wallSeconds: number }> = [];
  for (const seed of seeds) {
    const t0 = performance.now();
    const r = await runEngineer(table, { target: d.target, rounds, seed, ...(threads !== undefined ? { threads } : {}) });
    const m = r.metrics;
    runs.push({
      seed,
      baseAuc: round(m['final/base_auc']!),
      finalAuc: round(m['final/malmas_auc']!),
      improvement: round(m['final/improvement']!),
      featuresKept: r.features.names.length,
      proposals: r.evaluated.length,
      wallSeconds: round((performance.now() - t0) / 1000, 2),
    });
    process.stderr.write(`${d.name} seed ${seed}: ${JSON.stringify(runs[runs.length - 1])}\n`);
  }
  const avg = (k: 'baseAuc' | 'finalAuc' | 'improvement' | 'featuresKept' | 'wallSeconds'): number => round(runs.reduce((a, x) => a + x[k], 0) / runs.length);
  results.push({
    dataset: d.name,
    rows: table.nRows,
    baseAuc: avg('baseAuc'),
    finalAuc: avg('finalAuc'),
    improvement: avg('improvement'),
    featuresKept: avg('featuresKept'),
    wallSecondsPerRun: round(avg('wallSeconds'), 2),
    paper: PAPER[d.name] ?? null,
    runs,
  });
}
const imps = results.map((r) => r['improvement'] as number);
const titanic = results.find((r) => r['dataset'] === 'titanic');
const meanImprovement = round(imps.reduce((a, b) => a + b, 0) / Math.max(1, imps.length));
console.log(
  JSON.stringify(
    {
      benchmark: 'fe',
      proposer: 'offline (rule-based, not an LLM)',
      rounds,
      seeds,
      results,
      meanImprovement,
      goal: { meanImprovement: '> 0', titanicWallSecondsPerRun: '< 60' },
      pass: { meanImprovement: meanImprovement > 0, titanicWallSecondsPerRun: titanic === undefined ? null : (titanic['wallSecondsPerRun'] as number) < 60 },
      paperMeanImprovement: 0.02,
    },
    null,
    2,
  ),
);

function round(x: number, d = 4): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}
