import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadSweepFile } from '../../config/index.js';
import type { ResolvedSweep } from '../../config/types.js';
import { EXIT, formatViolation } from '../../core/errors.js';
import { LocalSweepStore } from '../../coordinator/file-store.js';
import { runSweep } from '../../api.js';
import { chooseSeed, JSON_OPTION, newSweepId, openTracker, positiveInt, RUNS_DIR_OPTION, runsDir, TRACKER_OPTIONS, type TrackerArgs } from '../common.js';
import { localSource } from '../../compare/collect.js';
import { handle } from '../errors.js';
import { reportComparison } from './compare.js';
import { ProgressLine } from '../output.js';
import { describeTrialEnd, progressText, sweepSummary, printSummary } from '../summary.js';

interface Args extends TrackerArgs {
  file: string;
  parallel?: number;
  seed?: number;
  grace?: number;
  json: boolean;
  compare?: string;
  'runs-dir'?: string;
}

/**
 * W&B resolves `program` against the agent's working directory. We do too, and fall back to the
 * config file's folder when the program is not found there, so `ff run path/to/sweep.yaml` works
 * from anywhere.
 */
function trialCwd(sweep: ResolvedSweep, file: string): string {
  const program = sweep.program;
  if (program === undefined || isAbsolute(program) || existsSync(resolve(program))) return process.cwd();
  const beside = dirname(resolve(file));
  return existsSync(resolve(beside, program)) ? beside : process.cwd();
}

export const runCommand = {
  command: 'run <file>',
  describe: 'Run a whole sweep on this machine (no Redis): trials run as local processes',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Sweep config file' })
      .options({
        parallel: { type: 'number', alias: 'p', describe: 'Trials to run at once', default: 1 },
        seed: { type: 'number', describe: 'Sweep seed; same seed, same suggestions (default: random, printed)' },
        grace: { type: 'number', describe: 'Seconds between SIGTERM and SIGKILL when a trial is stopped', default: 30 },
        ...RUNS_DIR_OPTION,
        ...TRACKER_OPTIONS,
        compare: { type: 'string', describe: 'At the end, compare the values of this parameter (as `ff compare ID --by PARAM`) and write the HTML report; with --json, run `ff compare ID --json` instead' },
        ...JSON_OPTION,
      })
      .example('$0 run sweeps/demo.yaml --parallel 2 --seed 0', 'run the demo sweep, two trials at a time')
      .example('$0 run sweeps/router-comparison.yaml --parallel 2 --compare router_strategy', 'MALMAS router strategies side by side')
      .epilogue('Ctrl-C stops the sweep: running trials get SIGTERM (SIGKILL after --grace seconds). Exit codes: 0 the sweep ran to its end, 1 every trial failed, 2 invalid config or usage, 130 interrupted.'),
  handler: handle<Args>(async (args) => {
    const sweep = loadSweepFile(args.file, { onWarning: (w) => process.stderr.write(`warning: ${args.file}: ${formatViolation(w)}\n`) });
    const parallel = positiveInt('parallel', args.parallel, 1);
    const seed = chooseSeed(args.seed);
    const graceMs = Math.max(0, (args.grace ?? 30) * 1000);
    const dir = runsDir(args['runs-dir']);
    const cwd = trialCwd(sweep, args.file);
    const id = newSweepId();
    const err = process.stderr;
    const progress = new ProgressLine(err);
    const tracker = openTracker(args, dir, (line) => progress.log(line));
    const started = Date.now();
    err.write(`sweep ${id}: ${sweep.name ?? args.file} (${sweep.method}, seed ${seed}, ${parallel} at a time) → ${join(dir, id)}\n`);
    const cancel = new AbortController();
    let interrupts = 0;
    const onSignal = (): void => {
      interrupts += 1;
      if (interrupts === 1) {
        progress.log('interrupted: stopping running trials (Ctrl-C again to exit now)');
        cancel.abort('interrupted by the user (Ctrl-C)');
      } else {
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await runSweep({
        sweep,
        seed,
        parallel,
        runsDir: dir,
        cwd,
        graceMs,
        sweepId: id,
        source: resolve(args.file),
        signal: cancel.signal,
        tracker,
        log: (line) => progress.log(line),
        onEvent: (e, trials) => {
          if (e.type === 'trial-start' && !progress.live) progress.log(`trial ${e.trial.number} started`);
          if (e.type === 'stop') progress.log(`trial ${e.trial.number}: ${e.decision.explanation}`);
          if (e.type === 'trial-end') progress.log(describeTrialEnd(sweep, e.trial));
          progress.update(progressText(sweep, trials, Date.now() - started));
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.done();
    }
    const local = LocalSweepStore.open(dir, id);
    const summary = sweepSummary(sweep, local.meta, local.trials, local.dir);
    if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const hint = dir === runsDir(undefined) ? `ff status ${id}` : `ff status ${id} --runs-dir ${dir}`;
      printSummary(process.stdout, sweep, local.trials, summary, hint);
    }
    if (interrupts > 0) return 130;
    if (args.compare !== undefined && !args.json) {
      process.stdout.write('\n');
      const data = await localSource(dir).load(id);
      if (data !== undefined) reportComparison(data, { by: args.compare }, dir, dir);
    }
    const { trials } = local;
    return trials.length > 0 && trials.every((t) => t.state === 'failed') ? EXIT.failure : EXIT.ok;
  }),
};
