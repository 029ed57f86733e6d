/**
 * Every tracker backend passes the same suite (tracker-suite.ts): `local` and `none` as they are,
 * `mlflow` and `wandb` against local servers speaking their protocols (test/helpers/fake-*.ts).
 */
import { mlflowHarness, trackerConformance, wandbHarness } from './tracker-suite.js';

trackerConformance({ backend: 'local' });
trackerConformance({ backend: 'none' });
trackerConformance({ backend: 'mlflow', remote: mlflowHarness });
trackerConformance({ backend: 'wandb', remote: wandbHarness });
