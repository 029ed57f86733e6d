import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { Coordinator } from '../../coordinator/coordinator.js';
import { EXIT } from '../../core/errors.js';
import { loadBullmq } from '../../queue/index.js';
import { RUNS_DIR_OPTION, TRACKER_OPTIONS } from '../common.js';
import { handle } from '../errors.js';
import { logLine, openRedisStore, REDIS_OPTIONS, redisPrefix, redisUrl, type RedisArgs } from '../redis.js';

interface Args extends RedisArgs {
  sweep?: string[];
  workers?: number;
  tracker?: string;
  project?: string;
  entity?: string;
  'runs-dir'?: string;
  concurrency?: number;
  'max-attempts'?: number;
  'lease-check'?: number;
  quiet?: boolean;
}

/** `--workers N`: local worker processes, as a convenience; they get SIGTERM when we stop. */
function spawnWorkers(n: number, args: Args): ChildProcess[] {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const common = ['--redis', redisUrl(args), '--prefix', redisPrefix(args), '--concurrency', String(args.concurrency ?? 1)];
  for (const flag of ['tracker', 'project', 'entity', 'runs-dir'] as const) if (args[flag] !== undefined) common.push(`--${flag}`, String(args[flag]));
  return Array.from({ length: n }, () => spawn(process.execPath, [main, 'worker', ...common], { stdio: ['ignore', 'inherit', 'inherit'] }));
}

export const coordinatorCommand = {
  command: 'coordinator',
  describe: 'Drive every active sweep in Redis: suggest trials for free worker slots, apply early stopping, recover lost trials',
  builder: (y: Argv) =>
    y
      .options({
        sweep: { type: 'string', array: true, describe: 'Only these sweeps (default: all)' },
        workers: { type: 'number', describe: 'Also start this many local worker processes', default: 0 },
        concurrency: { type: 'number', describe: 'Slots of each worker started with --workers', default: 1 },
        ...TRACKER_OPTIONS,
        ...RUNS_DIR_OPTION,
        'max-attempts': { type: 'number', describe: 'Runs of a trial whose worker was lost, before it is marked failed', default: 3 },
        'lease-check': { type: 'number', describe: 'Seconds between checks for lost workers', default: 1 },
        quiet: { type: 'boolean', describe: 'Log only problems, not every trial', default: false },
        ...REDIS_OPTIONS,
      })
      .example('$0 coordinator --workers 4', 'a whole deployment on one machine'),
  handler: handle<Args>(async (args) => {
    const log = logLine('coordinator');
    const store = await openRedisStore(args, log);
    const { BullTrialQueue } = await loadBullmq();
    const queue = new BullTrialQueue({ connection: redisUrl(args), prefix: redisPrefix(args), onError: (err) => log(err.message) });
    const stop = new AbortController();
    const children = spawnWorkers(Math.max(0, Math.floor(args.workers ?? 0)), args);
    const onSignal = (sig: NodeJS.Signals): void => {
      if (stop.signal.aborted) process.exit(130);
      log(`${sig}: stopping (trials go on in the workers; a restarted coordinator continues from Redis)`);
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const coordinator = new Coordinator({
      store,
      queue,
      ...(args.sweep ? { sweeps: args.sweep } : {}),
      maxAttempts: Math.max(1, Math.floor(args['max-attempts'] ?? 3)),
      leaseCheckMs: Math.max(50, (args['lease-check'] ?? 1) * 1000),
      log,
      onEvent: (e) => {
        if (args.quiet) return;
        if (e.type === 'stop') log(`sweep ${e.sweepId} trial ${e.trial.number}: ${e.decision.explanation}`);
        else if (e.type === 'requeue') log(`sweep ${e.sweepId} trial ${e.trial.number}: requeued as attempt ${e.trial.attempt} (${e.why})`);
        else if (e.type === 'trial-end') log(`sweep ${e.sweepId} trial ${e.trial.number} ${e.trial.state}${e.trial.value !== undefined ? ` (value ${e.trial.value})` : ''}`);
        else if (e.type === 'sweep-end') log(`sweep ${e.sweepId} ${e.meta.state}${e.meta.endedReason ? `: ${e.meta.endedReason}` : ''}`);
      },
    });
    log(`driving ${args.sweep ? args.sweep.join(', ') : 'every sweep'} (prefix ${redisPrefix(args)})`);
    try {
      await coordinator.run(stop.signal);
    } finally {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
      await queue.close();
      await store.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return EXIT.ok;
  }),
};
