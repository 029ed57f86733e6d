import type { Argv } from 'yargs';
import { EXIT, FFError } from '../../core/errors.js';
import { LocalSweepStore } from '../../coordinator/file-store.js';
import { countStates } from '../../coordinator/types.js';
import { JSON_OPTION, RUNS_DIR_OPTION, runsDir } from '../common.js';
import { handle } from '../errors.js';
import { table } from '../output.js';
import { sweepSummary, trialsTable } from '../summary.js';

interface Args {
  id?: string;
  json: boolean;
  'runs-dir'?: string;
}

/** Finds a sweep by id or unique id prefix. */
function resolveId(dir: string, id: string): string {
  const ids = LocalSweepStore.list(dir).map((s) => s.meta.id);
  if (ids.includes(id)) return id;
  const matches = ids.filter((x) => x.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new FFError('FF_USAGE', `sweep id '${id}' is ambiguous: ${matches.join(', ')}`, EXIT.usage);
  throw new FFError('FF_NOT_FOUND', `no sweep '${id}' in ${dir}${ids.length ? ` (known: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})` : ' (it holds no sweeps)'}`);
}

export const statusCommand = {
  command: 'status [id]',
  describe: 'Show sweeps, or one sweep: its trials with state, params, value and stop explanation',
  builder: (y: Argv) =>
    y
      .positional('id', { type: 'string', describe: 'Sweep id (or a unique prefix); omit to list sweeps' })
      .options({ ...RUNS_DIR_OPTION, ...JSON_OPTION })
      .example('$0 status', 'list the sweeps in ./runs')
      .example('$0 status k3x9 --json', 'one sweep as JSON'),
  handler: handle<Args>(({ id, json, 'runs-dir': runsArg }) => {
    const dir = runsDir(runsArg);
    if (id === undefined) {
      const sweeps = LocalSweepStore.list(dir).map((f) => {
        const store = LocalSweepStore.open(dir, f.meta.id);
        return { store, counts: countStates(store.trials) };
      });
      if (json) {
        const out = sweeps.map(({ store, counts }) => ({
          sweep_id: store.meta.id,
          name: store.sweep.name ?? null,
          method: store.sweep.method,
          state: store.meta.state,
          created_at: store.meta.createdAt,
          trials: store.trials.length,
          counts,
        }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      if (sweeps.length === 0) {
        process.stdout.write(`no sweeps in ${dir}\n`);
        return;
      }
      const rows = sweeps.map(({ store, counts }) => [
        store.meta.id,
        store.sweep.name ?? '',
        store.sweep.method,
        store.meta.state,
        String(store.trials.length),
        `${counts.finished}/${counts.stopped}/${counts.failed}`,
        store.meta.createdAt.replace('T', ' ').slice(0, 19),
      ]);
      process.stdout.write(`${table(['sweep', 'name', 'method', 'state', 'trials', 'done/stopped/failed', 'created'], rows)}\n`);
      return;
    }
    const store = LocalSweepStore.open(dir, resolveId(dir, id));
    const summary = sweepSummary(store.sweep, store);
    if (json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const s = store.sweep;
    process.stdout.write(`sweep ${summary.sweep_id}${s.name ? ` (${s.name})` : ''}: ${summary.state}${summary.ended_reason ? ` — ${summary.ended_reason}` : ''}\n`);
    process.stdout.write(`config ${summary.source}, method ${s.method}, seed ${summary.seed}${s.metric ? `, ${s.metric.goal} ${s.metric.name}` : ''}\n\n`);
    process.stdout.write(`${trialsTable(s, store.trials, true)}\n`);
    if (summary.best && s.metric) process.stdout.write(`\nbest: trial ${summary.best.number}, ${s.metric.name} = ${summary.best.value}\n`);
  }),
};
