/**
 * Benchmark of the MALMAS feature engineer run offline (the seeded rule-based proposer, no LLM):
 * 4 rounds on titanic, credit_g, diabetes_pima, adult and telco_churn from ../shared/datasets, with
 * the default evaluator (our GBDT, 100 trees, 5-fold CV on the train split). Prints one JSON object:
 * per dataset base AUC, final AUC, improvement, features kept, wall time; their mean improvement;
 * and the paper's figures for reference (deepseek-chat proposals, 500-tree XGBoost checks).
 *
 *   npm run bench:fe -- [--data DIR] [--only titanic,adult] [--rounds 4] [--seed 0] [--threads 2]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../src/malmas/dataset/index.js';
import { runEngineer } from '../src/malmas/engineer.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = existsSync(join(here, '..', 'package.json')) ? resolve(here, '..') : resolve(here, '..', '..');
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dataDir = resolve(flag('--data') ?? join(repoRoot, '..', 'shared', 'datasets'));
const rounds = Number(flag('--rounds') ?? 4);
const seed = Number(flag('--seed') ?? 0);
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
  const path = join(dataDir, `${d.name}.csv`);
  const t0 = performance.now();
  const table = readCsv(path);
  const r = await runEngineer(table, { target: d.target, rounds, seed, ...(threads !== undefined ? { threads } : {}) });
  const wall = (performance.now() - t0) / 1000;
  const m = r.metrics;
  results.push({
    dataset: d.name,
    rows: r.trainRows + r.testRows,
    baseAuc: round(m['final/base_auc']!),
    finalAuc: round(m['final/malmas_auc']!),
    improvement: round(m['final/improvement']!),
    featuresKept: r.features.names.length,
    proposals: r.evaluated.length,
    wallSeconds: round(wall, 2),
    paper: PAPER[d.name] ?? null,
    kept: r.features.features.map((f) => `${f.meta.name} = ${f.meta.expr}`),
  });
  process.stderr.write(`${d.name}: ${JSON.stringify(results[results.length - 1])}\n`);
}
const imps = results.map((r) => r['improvement'] as number);
console.log(
  JSON.stringify(
    {
      benchmark: 'fe',
      proposer: 'offline (rule-based, not an LLM)',
      rounds,
      seed,
      results,
      meanImprovement: round(imps.reduce((a, b) => a + b, 0) / Math.max(1, imps.length)),
      goal: { meanImprovement: '> 0', titanicWallSeconds: '< 60' },
      paperMeanImprovement: 0.02,
    },
    null,
    2,
  ),
);

function round(x: number, d = 4): number {
  return Math.round(x * 10 ** d) / 10 ** d;
}
