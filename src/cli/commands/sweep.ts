import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadSweepFile } from '../../config/index.js';
import { formatViolation } from '../../core/errors.js';
import { executorSpecFor } from '../../executor/spec.js';
import { chooseSeed, JSON_OPTION, newSweepId } from '../common.js';
import { handle } from '../errors.js';
import { logLine, openRedisStore, REDIS_OPTIONS, redisPrefix, type RedisArgs } from '../redis.js';

interface Args extends RedisArgs {
  file: string;
  seed?: number;
  json: boolean;
}

export const sweepCommand = {
  command: 'sweep <file>',
  describe: 'Register a sweep in Redis and print its id (like `wandb sweep`); workers and the coordinator run it',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Sweep config file' })
      .options({ seed: { type: 'number', describe: 'Sweep seed (default: random, printed)' }, ...REDIS_OPTIONS, ...JSON_OPTION })
      .example('$0 sweep sweeps/demo.yaml', 'then: `ff coordinator` and `ff agent <id>` (on any machine)'),
  handler: handle<Args>(async (args) => {
    const sweep = loadSweepFile(args.file, { onWarning: (w) => process.stderr.write(`warning: ${args.file}: ${formatViolation(w)}\n`) });
    executorSpecFor(sweep); // an unknown built-in objective is an error now, not on every worker
    const seed = chooseSeed(args.seed);
    const store = await openRedisStore(args, logLine('sweep'));
    try {
      const id = newSweepId();
      await store.createSweep(sweep, { id, source: resolve(args.file), seed, createdAt: new Date().toISOString(), state: 'running' });
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ sweep_id: id, seed, prefix: redisPrefix(args) })}\n`);
      } else {
        process.stderr.write(`Created sweep ${id} (${sweep.method}, seed ${seed}). Run it with \`ff coordinator\` and workers: \`ff agent ${id}\` or \`ff worker\`.\n`);
        process.stdout.write(`${id}\n`);
      }
    } finally {
      await store.close();
    }
  }),
};
