#!/usr/bin/env node
/**
 * Process entry point of a worker, for process managers and containers:
 *   node dist/workers/worker.js [--concurrency N] [--sweep ID] …   (the flags of `ff worker`)
 * Configuration comes from the environment as for every command (REDIS_URL, FF_REDIS_PREFIX,
 * FF_TRACKER__BACKEND, MLFLOW_TRACKING_URI, WANDB_API_KEY, …) and `config/settings.yaml`.
 */
import { hideBin } from 'yargs/helpers';
import { runAsProcess } from '../src/cli/app.js';

runAsProcess(['worker', ...hideBin(process.argv)]);
