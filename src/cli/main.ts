#!/usr/bin/env node
/** The `ff` / `feature-forge` executable (see app.ts for the commands). */
import { hideBin } from 'yargs/helpers';
import { runAsProcess } from './app.js';

runAsProcess(hideBin(process.argv));
