import type { Argv } from 'yargs';
import { EXIT, FFError } from '../../core/errors.js';
import { findJournals } from '../../tracker/journal.js';
import { createMlflowBackend } from '../../tracker/mlflow.js';
import type { RemoteBackend } from '../../tracker/sink.js';
import { syncRun, type SyncResult } from '../../tracker/sync.js';
import { createWandbBackend } from '../../tracker/wandb.js';
import { JSON_OPTION, runsDir } from '../common.js';
import { handle } from '../errors.js';
import { settings } from '../settings.js';

interface Args {
  runs?: string[];
  to: 'wandb' | 'mlflow';
  force: boolean;
  project?: string;
  entity?: string;
  json: boolean;
}

export const syncCommand = {
  command: 'sync [runs..]',
  describe: 'Send locally kept runs (local tracker, W&B offline mode, or runs a server could not take) to W&B or MLflow',
  builder: (y: Argv) =>
    y
      .positional('runs', { type: 'string', array: true, describe: 'Run folders, or folders holding them (a sweep folder, the runs folder); default: the runs folder' })
      .options({
        to: { choices: ['wandb', 'mlflow'] as const, demandOption: true, describe: 'Where to send them (W&B: WANDB_API_KEY, WANDB_BASE_URL; MLflow: MLFLOW_TRACKING_URI)' },
        force: { type: 'boolean', default: false, describe: 'Also send runs already synced to that backend (the same remote run is updated, not duplicated)' },
        project: { type: 'string', describe: 'Project / experiment for runs that name none (settings tracker.project)' },
        entity: { type: 'string', describe: 'W&B entity for runs that name none' },
        ...JSON_OPTION,
      })
      .example('$0 sync runs --to mlflow', 'every local run not yet on MLflow')
      .example('WANDB_API_KEY=… $0 sync runs/3k2j9x0a --to wandb', 'the trials of one sweep')
      .epilogue('Runs already synced to the backend are skipped, so it is safe to run again. Exit codes: 0 every run synced or skipped, 1 some run failed, 2 bad usage or no run found.'),
  handler: handle<Args>(async (args) => {
    const s = settings({ 'tracker.project': args.project, 'tracker.entity': args.entity });
    const roots = args.runs !== undefined && args.runs.length > 0 ? args.runs : [runsDir(undefined)];
    const dirs = findJournals(roots);
    if (dirs.length === 0) throw new FFError('FF_NOT_FOUND', `no tracked runs (run.jsonl) under ${roots.join(', ')}; give a run folder or the runs folder`, EXIT.usage);
    const backend: RemoteBackend =
      args.to === 'mlflow'
        ? createMlflowBackend(s.tracker.project !== undefined ? { project: s.tracker.project } : {})
        : createWandbBackend({ ...(s.tracker.project !== undefined ? { project: s.tracker.project } : {}), ...(s.tracker.entity !== undefined ? { entity: s.tracker.entity } : {}) });
    const results: SyncResult[] = [];
    for (const dir of dirs) {
      const r = await syncRun(dir, backend, { timeoutMs: s.tracker.timeoutMs, retries: s.tracker.retries, force: args.force, ...(s.tracker.project !== undefined ? { project: s.tracker.project } : {}), ...(s.tracker.entity !== undefined ? { entity: s.tracker.entity } : {}) });
      results.push(r);
      if (!args.json) process.stderr.write(`${describe(r)}\n`);
    }
    const count = (st: SyncResult['status']): number => results.filter((r) => r.status === st).length;
    if (args.json) process.stdout.write(`${JSON.stringify({ to: args.to, where: backend.where, results }, null, 2)}\n`);
    else process.stdout.write(`${count('synced')} synced, ${count('skipped')} skipped, ${count('failed')} failed (${backend.where})\n`);
    return count('failed') > 0 ? EXIT.failure : EXIT.ok;
  }),
};

function describe(r: SyncResult): string {
  switch (r.status) {
    case 'synced':
      return `synced  ${r.dir} → ${r.url ?? r.id}`;
    case 'skipped':
      return `skipped ${r.dir}: ${r.reason}`;
    case 'failed':
      return `failed  ${r.dir}: ${r.error}`;
  }
}
