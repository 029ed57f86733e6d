import type { Argv } from 'yargs';
import { EXIT, FFError } from '../../core/errors.js';
import { loadBullmq } from '../../queue/index.js';
import { RedisStopChannel } from '../../store/redis-stop-channel.js';
import { WorkerRuntime, type ShutdownMode } from '../../worker/runtime.js';
import { openTracker, positiveInt, RUNS_DIR_OPTION, runsDir, TRACKER_OPTIONS, type TrackerArgs } from '../common.js';
import { handle } from '../errors.js';
import { logLine, openRedisStore, REDIS_OPTIONS, redisPrefix, redisUrl, type RedisArgs } from '../redis.js';

interface Args extends RedisArgs, TrackerArgs {
  id?: string;
  sweep?: string[];
  concurrency?: number;
  count?: number;
  lease?: number;
  grace?: number;
  'runs-dir'?: string;
  'on-term'?: string;
}

const WORKER_OPTIONS = {
  concurrency: { type: 'number', alias: 'c', describe: 'Trials this worker runs at once', default: 1 },
  lease: { type: 'number', describe: 'Seconds without a heartbeat after which a trial is presumed lost and run again elsewhere', default: 30 },
  grace: { type: 'number', describe: 'Seconds between SIGTERM and SIGKILL when a trial is stopped', default: 30 },
  'runs-dir': { ...RUNS_DIR_OPTION['runs-dir'], alias: 'work-dir', describe: 'Folder for trial logs, config files and local runs (<dir>/<sweep>/trials/<n>; settings runs_dir)' },
  ...TRACKER_OPTIONS,
  'on-term': {
    type: 'string',
    choices: ['finish', 'requeue'],
    describe: 'On SIGTERM/Ctrl-C: let running trials finish, or stop them and hand them back to the queue (a second signal hands back)',
    default: 'finish',
  },
  ...REDIS_OPTIONS,
} as const;

async function runWorker(args: Args, sweeps: string[] | undefined, count: number | undefined): Promise<number> {
  const concurrency = positiveInt('concurrency', args.concurrency, 1);
  const leaseMs = Math.round((args.lease ?? 30) * 1000);
  if (!(leaseMs >= 100)) throw new FFError('FF_USAGE', `--lease must be at least 0.1 seconds (got ${args.lease})`, EXIT.usage);
  const log = logLine('worker');
  const store = await openRedisStore(args, log);
  const url = redisUrl(args);
  const prefix = redisPrefix(args);
  if (sweeps !== undefined) {
    for (const id of sweeps) {
      if ((await store.getSweep(id)) === undefined) {
        await store.close();
        throw new FFError('FF_NOT_FOUND', `no sweep '${id}' in Redis at prefix '${prefix}' (create one with \`ff sweep FILE\`)`);
      }
    }
  }
  const workDir = runsDir(args['runs-dir']);
  let tracker;
  try {
    tracker = openTracker(args, workDir, log);
  } catch (err) {
    await store.close();
    throw err;
  }
  const { bullConsumerPool } = await loadBullmq();
  const stopChannel = new RedisStopChannel({ url, prefix, log });
  const runtime = new WorkerRuntime({
    store,
    stopChannel,
    pool: bullConsumerPool({ connection: url, prefix, concurrency, lockMs: leaseMs, onError: (err) => log(err.message) }),
    ...(sweeps ? { sweeps } : {}),
    ...(count !== undefined ? { count } : {}),
    exitWhenDone: args.id !== undefined, // ff agent: exit when its sweep ends
    leaseMs,
    graceMs: Math.max(0, (args.grace ?? 30) * 1000),
    workDir,
    tracker,
    log,
  });
  const onTerm = (args['on-term'] ?? 'finish') as ShutdownMode;
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      log(`${sig}: ${onTerm === 'finish' ? 'finishing running trials (signal again to hand them back)' : 'handing running trials back'}`);
      void runtime.shutdown(onTerm);
    } else if (signals === 2) {
      log(`${sig}: handing running trials back to the queue`);
      void runtime.shutdown('requeue');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await runtime.start();
  log(`${runtime.id} serving ${sweeps ? sweeps.join(', ') : 'every sweep'} with ${concurrency} slot${concurrency === 1 ? '' : 's'} (prefix ${prefix})`);
  await runtime.done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await store.close();
  log('stopped');
  return EXIT.ok;
}

export const workerCommand = {
  command: 'worker',
  describe: 'Run trials from every sweep in Redis (or only --sweep ones); start any number, on any machine',
  builder: (y: Argv) =>
    y
      .options({ sweep: { type: 'string', array: true, describe: 'Only these sweeps (repeatable)' }, ...WORKER_OPTIONS })
      .example('$0 worker --concurrency 4 --redis redis://queue-host:6379', 'join from another machine'),
  handler: handle<Args>((args) => runWorker(args, args.sweep, undefined)),
};

export const agentCommand = {
  command: 'agent <id>',
  describe: 'Run trials of one sweep, W&B-style; exits when the sweep ends (or after --count trials)',
  builder: (y: Argv) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'Sweep id (from `ff sweep`)' })
      .options({ count: { type: 'number', describe: 'Run at most this many trials, then exit' }, ...WORKER_OPTIONS }),
  handler: handle<Args>((args) => runWorker(args, [args.id!], args.count === undefined ? undefined : positiveInt('count', args.count, 1))),
};
