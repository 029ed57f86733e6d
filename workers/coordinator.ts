#!/usr/bin/env node
/**
 * Process entry point of the coordinator, for process managers and containers:
 *   node dist/workers/coordinator.js [--sweep ID] [--workers N] …   (the flags of `ff coordinator`)
 * One coordinator drives every active sweep; a restarted one goes on from Redis.
 */
import { hideBin } from 'yargs/helpers';
import { runAsProcess } from '../src/cli/app.js';

runAsProcess(['coordinator', ...hideBin(process.argv)]);
