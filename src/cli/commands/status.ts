import type { Argv } from 'yargs';
import { describeError } from '../../core/errors.js';
import type { ResolvedSweep } from '../../config/types.js';
import { LocalSweepStore } from '../../coordinator/file-store.js';
import type { WorkerInfo } from '../../coordinator/store.js';
import { countStates, type SweepMeta, type TrialDetail } from '../../coordinator/types.js';
import { loadBullmq } from '../../queue/index.js';
import type { RedisTrialStore } from '../../store/redis-store.js';
import { JSON_OPTION, RUNS_DIR_OPTION, runsDir } from '../common.js';
import { findJournals, readJournal } from '../../tracker/journal.js';
import { handle } from '../errors.js';
import { table } from '../output.js';
import { openRedisStore, REDIS_OPTIONS, redisConfigured, redisPrefix, redisUrl, type RedisArgs } from '../redis.js';
import { pickSweepId, redisLocation, sweepNotFound } from '../sweep-lookup.js';
import { sweepSummary, trialsTable } from '../summary.js';

interface Args extends RedisArgs {
  id?: string;
  json: boolean;
  'runs-dir'?: string;
}

interface Found {
  readonly meta: SweepMeta;
  readonly sweep: ResolvedSweep;
  readonly trials: readonly TrialDetail[];
  readonly location: string;
  readonly where: 'local' | 'redis';
}

function localSweeps(dir: string): Found[] {
  return LocalSweepStore.list(dir).map((f) => {
    const s = LocalSweepStore.open(dir, f.meta.id);
    return { meta: s.meta, sweep: s.sweep, trials: s.trials, location: s.dir, where: 'local' as const };
  });
}

async function redisSweeps(store: RedisTrialStore, location: string, only?: string): Promise<Found[]> {
  const metas = await store.listSweeps();
  const out: Found[] = [];
  for (const meta of metas) {
    if (only !== undefined && meta.id !== only) continue;
    const rec = await store.getSweep(meta.id);
    if (rec === undefined) continue;
    out.push({ meta: rec.meta, sweep: rec.sweep, trials: only === undefined ? [] : await store.getTrials(meta.id), location, where: 'redis' });
  }
  return out;
}

interface TrackedRun {
  readonly dir: string;
  readonly run_id: string;
  readonly backend: string;
  readonly state: string | null;
  readonly steps: number;
  readonly remote: Record<string, { status: string; url?: string; error?: string }>;
}

/** The tracked runs (local journals) of a sweep kept in the runs folder. */
function trackedRuns(sweepDir: string): TrackedRun[] {
  const out: TrackedRun[] = [];
  for (const dir of findJournals([sweepDir])) {
    try {
      const r = readJournal(dir);
      out.push({ dir, run_id: r.init.runId, backend: r.backend, state: r.state ?? null, steps: r.history.length, remote: r.remote as TrackedRun['remote'] });
    } catch {
      // not a journal we can read: leave it out of the summary
    }
  }
  return out;
}

function trackedLine(runs: readonly TrackedRun[]): string {
  const backends = [...new Set(runs.map((r) => r.backend))].join(', ');
  const pending = runs.filter((r) => Object.values(r.remote).some((x) => x.status === 'failed')).length;
  const synced = runs.filter((r) => Object.values(r.remote).some((x) => x.status === 'synced')).length;
  const remote = runs.some((r) => r.backend === 'wandb' || r.backend === 'mlflow');
  return `tracked runs: ${runs.length} (${backends})${remote ? `, ${synced} on the server, ${pending} kept locally for \`ff sync\`` : ''}`;
}

function workersTable(workers: readonly WorkerInfo[]): string {
  if (workers.length === 0) return 'live workers: none';
  return `live workers:\n${table(
    ['worker', 'host', 'pid', 'slots', 'running', 'sweeps', 'last seen'],
    workers.map((w) => [w.id, w.host, String(w.pid), String(w.concurrency), String(w.running), w.sweeps?.join(',') ?? 'all', w.lastSeen.slice(11, 19)]),
  )}`;
}

export const statusCommand = {
  command: 'status [id]',
  describe: 'Show sweeps (runs folder, and Redis when configured), or one sweep: trials with state, params, value, worker, attempts, stop explanation',
  builder: (y: Argv) =>
    y
      .positional('id', { type: 'string', describe: 'Sweep id (or a unique prefix); omit to list sweeps' })
      .options({ ...RUNS_DIR_OPTION, ...REDIS_OPTIONS, ...JSON_OPTION })
      .example('$0 status', 'list the sweeps in ./runs (and in Redis when --redis or REDIS_URL is set)')
      .example('$0 status k3x9 --json', 'one sweep as JSON'),
  handler: handle<Args>(async (args) => {
    const dir = runsDir(args['runs-dir']);
    const useRedis = redisConfigured(args);
    const local = localSweeps(dir);
    let store: RedisTrialStore | undefined;
    const location = redisLocation(args);
    try {
      if (useRedis) {
        try {
          store = await openRedisStore(args, () => undefined, 3000);
        } catch (err) {
          if (args.id === undefined || args['redis'] !== undefined) throw err;
          process.stderr.write(`note: ${describeError(err)}\n`);
        }
      }
      if (args.id === undefined) {
        const remote = store ? await redisSweeps(store, location) : [];
        const workers = store ? await store.liveWorkers() : [];
        const all = [...local, ...remote];
        if (args.json) {
          const rows = await Promise.all(
            all.map(async (f) => {
              const trials = f.where === 'redis' && store ? await store.getTrials(f.meta.id) : f.trials;
              return { sweep_id: f.meta.id, where: f.where, name: f.sweep.name ?? null, method: f.sweep.method, state: f.meta.state, created_at: f.meta.createdAt, trials: trials.length, counts: countStates(trials) };
            }),
          );
          process.stdout.write(`${JSON.stringify(store ? { sweeps: rows, workers } : rows, null, 2)}\n`);
          return;
        }
        if (all.length === 0) process.stdout.write(`no sweeps in ${dir}${store ? ` or in ${location}` : ''}\n`);
        else {
          const rows = await Promise.all(
            all.map(async (f) => {
              const trials = f.where === 'redis' && store ? await store.getTrials(f.meta.id) : f.trials;
              const c = countStates(trials);
              return [f.meta.id, f.where, f.sweep.name ?? '', f.sweep.method, f.meta.state, String(trials.length), `${c.queued + c.running}/${c.finished}/${c.stopped}/${c.failed}`, f.meta.createdAt.replace('T', ' ').slice(0, 19)];
            }),
          );
          process.stdout.write(`${table(['sweep', 'where', 'name', 'method', 'state', 'trials', 'active/done/stopped/failed', 'created'], rows)}\n`);
        }
        if (store) process.stdout.write(`\n${workersTable(workers)}\n`);
        return;
      }
      // one sweep: the runs folder first, then Redis
      let found = local.find((f) => f.meta.id === pickSweepId(local.map((l) => l.meta.id), args.id!));
      if (found === undefined && store) {
        const id = pickSweepId((await store.listSweeps()).map((m) => m.id), args.id);
        if (id !== undefined) found = (await redisSweeps(store, location, id))[0];
      }
      if (found === undefined) {
        throw sweepNotFound(args.id, { dir, ...(store ? { redis: location } : {}), redisConfigured: useRedis });
      }
      const summary = sweepSummary(found.sweep, found.meta, found.trials, found.location);
      let extra: { queue_waiting: number; workers: WorkerInfo[] } | undefined;
      if (found.where === 'redis' && store) {
        const { BullTrialQueue } = await loadBullmq();
        const queue = new BullTrialQueue({ connection: redisUrl(args), prefix: redisPrefix(args) });
        try {
          extra = { queue_waiting: await queue.waiting(found.meta.id), workers: (await store.liveWorkers()).filter((w) => !w.sweeps || w.sweeps.includes(found!.meta.id)) };
        } finally {
          await queue.close();
        }
      }
      const tracked = found.where === 'local' ? trackedRuns(found.location) : [];
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ ...summary, ...(extra ?? {}), tracked_runs: tracked }, null, 2)}\n`);
        return;
      }
      const s = found.sweep;
      process.stdout.write(`sweep ${summary.sweep_id}${s.name ? ` (${s.name})` : ''}: ${summary.state}${summary.ended_reason ? ` — ${summary.ended_reason}` : ''}\n`);
      process.stdout.write(`config ${summary.source}, method ${s.method}, seed ${summary.seed}${s.metric ? `, ${s.metric.goal} ${s.metric.name}` : ''}; kept in ${found.location}\n\n`);
      process.stdout.write(`${trialsTable(s, found.trials, true, found.where === 'redis')}\n`);
      if (summary.best && s.metric) process.stdout.write(`\nbest: trial ${summary.best.number}, ${s.metric.name} = ${summary.best.value}\n`);
      if (extra) process.stdout.write(`\nqueue: ${extra.queue_waiting} waiting\n${workersTable(extra.workers)}\n`);
      if (tracked.length > 0) process.stdout.write(`\n${trackedLine(tracked)}\n`);
    } finally {
      await store?.close();
    }
  }),
};
