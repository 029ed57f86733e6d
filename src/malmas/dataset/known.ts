/**
 * Dataset names users can give instead of a path (`--data titanic`, `dataset: adult` in a sweep):
 * the public datasets of ../shared/datasets/MANIFEST.md with their target and positive class, so
 * `ff fe --data adult` needs no `--target`. A name resolves to `datasets/<name>.csv` shipped in this
 * repo (titanic, diabetes_pima), else `../shared/datasets/<name>.csv` beside the checkout.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, FFError } from '../../core/errors.js';

export interface KnownDataset {
  readonly target: string;
  readonly positive?: string;
  readonly task: 'classification' | 'regression';
  /** Column that orders the rows (lags and rolling windows are allowed on it). */
  readonly orderBy?: string;
}

export const KNOWN_DATASETS: Readonly<Record<string, KnownDataset>> = {
  titanic: { target: 'Survived', positive: '1', task: 'classification' },
  adult: { target: 'income', positive: '>50K', task: 'classification' },
  bank_marketing: { target: 'y', positive: 'yes', task: 'classification' },
  credit_g: { target: 'default', positive: '2', task: 'classification' },
  diabetes_pima: { target: 'Outcome', positive: '1', task: 'classification' },
  heart_disease: { target: 'target', positive: '1', task: 'classification' },
  blood_transfusion: { target: 'class', positive: '1', task: 'classification' },
  breast_cancer_wisconsin: { target: 'class', positive: '4', task: 'classification' },
  telco_churn: { target: 'Churn', positive: 'Yes', task: 'classification' },
  banknote: { target: 'class', positive: '1', task: 'classification' },
  occupancy: { target: 'Occupancy', positive: '1', task: 'classification', orderBy: 'date' },
  bike_sharing_hourly: { target: 'cnt', task: 'regression' },
  insurance: { target: 'charges', task: 'regression' },
  abalone: { target: 'Rings', task: 'regression' },
  wine_quality: { target: 'quality', task: 'regression' },
};

const here = dirname(fileURLToPath(import.meta.url));
/** The repo root from src/malmas/dataset (sources) or dist/src/malmas/dataset (build). */
function repoRoot(): string {
  for (const up of ['../../..', '../../../..']) {
    const root = resolve(here, up);
    if (existsSync(join(root, 'package.json'))) return root;
  }
  return resolve(here, '../../..');
}

export interface ResolvedDataset {
  readonly path: string;
  readonly name: string;
  readonly known?: KnownDataset;
}

/** A path (as given, relative to `cwd`) or a known name → the CSV file. Throws a clear FFError. */
export function resolveDataset(spec: string, cwd = process.cwd()): ResolvedDataset {
  const asPath = resolve(cwd, spec);
  const base = spec.replace(/\\/g, '/').split('/').pop()!.replace(/\.csv$/i, '');
  if (existsSync(asPath)) return { path: asPath, name: base, ...(KNOWN_DATASETS[base] !== undefined ? { known: KNOWN_DATASETS[base] } : {}) };
  const known = KNOWN_DATASETS[spec];
  if (known !== undefined) {
    const root = repoRoot();
    for (const candidate of [join(root, 'datasets', `${spec}.csv`), join(root, '..', 'shared', 'datasets', `${spec}.csv`)]) {
      if (existsSync(candidate)) return { path: candidate, name: spec, known };
    }
    throw new FFError('FF_DATA', `dataset '${spec}' is a known name but its file is not here: looked for datasets/${spec}.csv and ../shared/datasets/${spec}.csv; give the path of the CSV instead`, EXIT.usage);
  }
  throw new FFError(
    'FF_DATA',
    `dataset '${spec}': no such file (${asPath}); give the path of a CSV file or one of the known names: ${Object.keys(KNOWN_DATASETS).join(', ')}`,
    EXIT.usage,
  );
}
