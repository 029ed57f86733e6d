import type { Argv } from 'yargs';
import { EXIT, FFError } from '../../core/errors.js';
import type { SweepState } from '../../coordinator/types.js';
import { loadBullmq } from '../../queue/index.js';
import type { TrialQueue } from '../../queue/contract.js';
import { handle } from '../errors.js';
import { logLine, openRedisStore, REDIS_OPTIONS, redisPrefix, redisUrl, type RedisArgs } from '../redis.js';

interface Args extends RedisArgs {
  id: string;
}

interface Action {
  readonly verb: 'pause' | 'resume' | 'stop' | 'cancel';
  readonly describe: string;
  readonly to: SweepState;
  /** States the action may start from. */
  readonly from: readonly SweepState[];
}

const ACTIONS: readonly Action[] = [
  { verb: 'pause', describe: 'Pause a sweep: no new trials; running trials go on', to: 'paused', from: ['running'] },
  { verb: 'resume', describe: 'Resume a paused sweep', to: 'running', from: ['paused'] },
  { verb: 'stop', describe: 'Stop a sweep: no new trials; running trials finish', to: 'stopped', from: ['running', 'paused'] },
  { verb: 'cancel', describe: 'Cancel a sweep: no new trials; running trials are stopped now', to: 'cancelled', from: ['running', 'paused', 'stopped'] },
];

function controlCommand(a: Action) {
  return {
    command: `${a.verb} <id>`,
    describe: a.describe,
    builder: (y: Argv) => y.positional('id', { type: 'string', demandOption: true, describe: 'Sweep id' }).options(REDIS_OPTIONS),
    handler: handle<Args>(async (args) => {
      const store = await openRedisStore(args, logLine(a.verb));
      try {
        const rec = await store.getSweep(args.id);
        if (rec === undefined) throw new FFError('FF_NOT_FOUND', `no sweep '${args.id}' in Redis (see \`ff status --redis\`)`);
        const state = rec.meta.state;
        if (state === a.to) {
          process.stdout.write(`sweep ${args.id} is already ${state}\n`);
          return EXIT.ok;
        }
        if (!a.from.includes(state)) {
          throw new FFError('FF_USAGE', `cannot ${a.verb} sweep ${args.id}: it is ${state} (${a.verb} applies to a ${a.from.join(' or ')} sweep)`, EXIT.failure);
        }
        // Pause holds the queue itself, not only the coordinator once it sees the new state: queued
        // trials must not start while it is down or restarting (it syncs the queue when it starts).
        // Held before the state changes, released after it.
        if (a.verb === 'pause') await withQueue(args, (q) => q.pause(args.id));
        await store.setSweepState(args.id, a.to, `${a.verb} by the user`);
        if (a.verb === 'resume') await withQueue(args, (q) => q.resume(args.id));
        process.stdout.write(`sweep ${args.id}: ${state} → ${a.to}\n`);
        return EXIT.ok;
      } finally {
        await store.close();
      }
    }),
  };
}

async function withQueue(args: Args, fn: (queue: TrialQueue) => Promise<void>): Promise<void> {
  const { BullTrialQueue } = await loadBullmq();
  const queue = new BullTrialQueue({ connection: redisUrl(args), prefix: redisPrefix(args) });
  try {
    await fn(queue);
  } finally {
    await queue.close();
  }
}

export const controlCommands = ACTIONS.map(controlCommand);
