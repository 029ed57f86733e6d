/**
 * Benchmark of the gradient-boosted trees library (src/malmas/model) against XGBoost `hist`:
 * 5-fold CV with the shared fold files, 100 trees, depth 6, learning rate 0.1, 256 bins, on
 * synth50k and breast_cancer, with 1 and 2 threads. Prints one JSON object.
 *
 *   npm run bench:model -- [--data DIR] [--repeat N] [--only NAME] [--with-xgboost | --no-xgboost]
 *
 * XGBoost is measured in the same run (Debian's /usr/bin/python3 with python3-xgboost) when it can
 * be imported or --with-xgboost is given; runs alternate ours / XGBoost so both see the same load.
 * Times: `fitSeconds` = sum of the folds' fit() times; `wallSeconds` = the whole CV (2 threads:
 * folds in parallel for us — so our fitSeconds with 2 threads sums overlapping fits — and threads
 * inside each fit for XGBoost). Compare wallSeconds across libraries at 2 threads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flag, repoRoot } from './common.js';
import { crossValidate, type CvResult } from '../src/malmas/model/cv.js';
import { GbdtPool } from '../src/malmas/model/pool.js';
import type { Dataset } from '../src/malmas/model/types.js';

const argv = process.argv.slice(2);
const dataDir = resolve(flag('--data') ?? join(repoRoot, '..', 'shared', 'bench'));
const repeat = Number(flag('--repeat') ?? 1);
const PY = '/usr/bin/python3';

/** XGBoost 1.7 defaults otherwise, as in shared/bench/README.md. */
const PARAMS = { objective: 'binary', nTrees: 100, maxDepth: 6, learningRate: 0.1, maxBins: 256 } as const;
const REFERENCE: Record<string, unknown> = {
  synth50k: { source: 'shared/bench/README.md', cvAucMean: 0.9947, pooledAuc: 0.9946, fitSeconds1: 3.59, fitSeconds2: 2.04 },
  breast_cancer: { source: 'shared/bench/README.md', cvAucMean: 0.9948, pooledAuc: 0.994, fitSeconds1: 0.369, fitSeconds2: 0.255 },
};

function readCsv(path: string): { header: string[]; rows: number[][] } {
  if (!existsSync(path)) throw new Error(`missing ${path}; pass --data DIR pointing at the shared bench folder`);
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

function load(name: string): { data: Dataset; folds: Int32Array } {
  const { header, rows } = readCsv(join(dataDir, `${name}.csv`));
  const F = header.length - 1;
  const n = rows.length;
  const columns = Array.from({ length: F }, (_, f) => Float64Array.from(rows, (r) => r[f]!));
  const y = Float64Array.from(rows, (r) => r[F]!);
  const folds = new Int32Array(n);
  for (const [row, fold] of readCsv(join(dataDir, `${name}_folds.csv`)).rows) folds[row!] = fold!;
  return { data: { columns, y, featureNames: header.slice(0, F) }, folds };
}

interface RunFigures {
  fitSeconds: number;
  wallSeconds: number;
  cvAucMean: number;
  pooledAuc: number;
  perFoldAuc?: number[];
}

function figures(r: CvResult): RunFigures {
  return {
    fitSeconds: r.fitMsSum / 1000,
    wallSeconds: r.wallMs / 1000,
    cvAucMean: r.mean.auc!,
    pooledAuc: r.pooled.auc!,
    perFoldAuc: r.folds.map((f) => Number(f.metrics.auc!.toFixed(6))),
  };
}

const XGB_SCRIPT = `
import sys, time, json, numpy as np, xgboost as xgb
from sklearn.metrics import roc_auc_score
d, name, nt = sys.argv[1], sys.argv[2], int(sys.argv[3])
X = np.loadtxt(f'{d}/{name}.csv', delimiter=',', skiprows=1); X, y = X[:, :-1], X[:, -1]
fl = np.loadtxt(f'{d}/{name}_folds.csv', delimiter=',', skiprows=1, dtype=int)
fold = np.empty(len(y), dtype=int); fold[fl[:, 0]] = fl[:, 1]
fit = 0.0; aucs = []; oof = np.zeros(len(y)); w0 = time.perf_counter()
for k in range(int(fold.max()) + 1):
    tr, va = fold != k, fold == k
    m = xgb.XGBClassifier(tree_method='hist', n_estimators=100, max_depth=6, learning_rate=0.1, max_bin=256, n_jobs=nt)
    t0 = time.perf_counter(); m.fit(X[tr], y[tr]); fit += time.perf_counter() - t0
    oof[va] = m.predict_proba(X[va])[:, 1]; aucs.append(roc_auc_score(y[va], oof[va]))
print(json.dumps(dict(fitSeconds=fit, wallSeconds=time.perf_counter() - w0, cvAucMean=float(np.mean(aucs)),
                      pooledAuc=float(roc_auc_score(y, oof)), version=xgb.__version__)))
`;

function xgboostAvailable(): boolean {
  if (argv.includes('--no-xgboost')) return false;
  const r = spawnSync(PY, ['-c', 'import xgboost, sklearn'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  if (argv.includes('--with-xgboost')) throw new Error(`--with-xgboost: ${PY} cannot import xgboost/sklearn (apt-get install -y python3-xgboost python3-sklearn)\n${r.stderr}`);
  return false;
}

function runXgboost(name: string, threads: number): RunFigures & { version: string } {
  const r = spawnSync(PY, ['-c', XGB_SCRIPT, dataDir, name, String(threads)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`XGBoost run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as RunFigures & { version: string };
}

const ratio = (a: number, b: number): number => Number((a / b).toFixed(3));
const best = <T extends { fitSeconds: number }>(xs: T[]): T => xs.reduce((a, b) => (b.fitSeconds < a.fitSeconds ? b : a));

async function benchDataset(name: string, withXgb: boolean): Promise<Record<string, unknown>> {
  const { data, folds } = load(name);
  const ours: Record<1 | 2, RunFigures[]> = { 1: [], 2: [] };
  const xgbRuns: Record<1 | 2, Array<RunFigures & { version: string }>> = { 1: [], 2: [] };
  let identical = true;
  let reference: Float64Array | null = null;
  // Pools are started and warmed (workers spawned, code compiled) before timing, as XGBoost's
  // timings exclude its process and thread start-up; `poolStartSeconds` reports that cost.
  const pools = { 1: new GbdtPool(1), 2: new GbdtPool(2) };
  const poolStart = performance.now();
  const warm = { columns: data.columns.map((c) => c.subarray(0, 200)), y: data.y.subarray(0, 200) };
  await Promise.all([crossValidate(warm, { params: { ...PARAMS, nTrees: 5 }, pool: pools[2], nFolds: 2 }), crossValidate(warm, { params: { ...PARAMS, nTrees: 5 }, pool: pools[1], nFolds: 2 })]);
  const poolStartSeconds = (performance.now() - poolStart) / 1000;
  for (let rep = 0; rep < repeat; rep++) {
    for (const threads of [1, 2] as const) {
      const r = await crossValidate(data, { params: PARAMS, folds, pool: pools[threads] });
      if (threads === 2 && r.threadsUsed !== 2) throw new Error('threads: 2 ran inline; build first (npm run build) so dist/src/malmas/model/cv-worker.js exists');
      if (reference === null) reference = r.oof;
      else identical &&= r.oof.every((v, i) => Object.is(v, reference![i]));
      ours[threads].push(figures(r));
      if (withXgb) xgbRuns[threads].push(runXgboost(name, threads));
    }
  }
  await Promise.all([pools[1].close(), pools[2].close()]);
  const out: Record<string, unknown> = {
    rows: data.y.length,
    poolStartSeconds,
    features: data.columns.length,
    ours: { threads1: best(ours[1]), threads2: best(ours[2]), runs: repeat },
    oofIdenticalAcrossThreadCounts: identical,
    reference: REFERENCE[name],
  };
  if (withXgb) {
    const x1 = best(xgbRuns[1]);
    const x2 = best(xgbRuns[2]);
    const o1 = best(ours[1]);
    const o2 = best(ours[2]);
    out.xgboost = { threads1: x1, threads2: x2 };
    out.ratiosOursOverXgboost = {
      fitSeconds1: ratio(o1.fitSeconds, x1.fitSeconds),
      fitSeconds2: ratio(o2.fitSeconds, x2.fitSeconds),
      wallSeconds1: ratio(o1.wallSeconds, x1.wallSeconds),
      wallSeconds2: ratio(o2.wallSeconds, x2.wallSeconds),
    };
    out.aucDiffOursMinusXgboost = { cvAucMean: Number((o1.cvAucMean - x1.cvAucMean).toFixed(5)), pooledAuc: Number((o1.pooledAuc - x1.pooledAuc).toFixed(5)) };
  }
  return out;
}

async function main(): Promise<void> {
  const withXgb = xgboostAvailable();
  const result: Record<string, unknown> = {
    bench: 'model',
    params: PARAMS,
    node: process.version,
    cpus: (await import('node:os')).availableParallelism(),
    xgboost: withXgb ? 'measured in this run' : 'not measured (install python3-xgboost or pass --with-xgboost)',
  };
  const only = flag('--only');
  for (const name of ['synth50k', 'breast_cancer']) if (only === undefined || only === name) result[name] = await benchDataset(name, withXgb);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
