import type { Argv } from 'yargs';
import { loadSweepFile } from '../../config/index.js';
import { nestParams } from '../../core/params.js';
import type { TrialRecord } from '../../core/trial.js';
import { createSampler } from '../../search/registry.js';
import { chooseSeed, JSON_OPTION, positiveInt } from '../common.js';
import { handle } from '../errors.js';
import { fmtValue, table } from '../output.js';

interface Args {
  file: string;
  count?: number;
  seed?: number;
  json: boolean;
}

export const previewCommand = {
  command: 'preview <file>',
  describe: 'Show the parameter sets the sweep would start with, without running anything',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Sweep config file' })
      .options({
        count: { type: 'number', alias: 'n', describe: 'How many parameter sets', default: 10 },
        seed: { type: 'number', describe: 'Sweep seed (same seed, same sets)', default: 0 },
        ...JSON_OPTION,
      })
      .example('$0 preview sweeps/demo.yaml -n 5', 'the first five trials, as a table')
      .example('$0 preview sweeps/demo.yaml --json', 'a JSON array of config objects'),
  handler: handle<Args>(({ file, count, seed, json }) => {
    const sweep = loadSweepFile(file);
    const n = positiveInt('count', count, 10);
    const s = chooseSeed(seed ?? 0);
    const sampler = createSampler(sweep);
    const trials: TrialRecord[] = [];
    for (let i = 0; i < n; i++) {
      // earlier suggestions count as queued trials, exactly as in a live sweep with free slots
      const suggestion = sampler.suggest({ sweep, trials, seed: s, trialNumber: i });
      if (suggestion === null) break;
      trials.push({ number: i, params: suggestion.params, state: 'queued', metricHistory: [] });
    }
    if (json) {
      process.stdout.write(`${JSON.stringify(trials.map((t) => nestParams(sweep.parameters, t.params)), null, 2)}\n`);
      return;
    }
    const names = sweep.parameters.map((p) => p.name);
    process.stdout.write(`${table(['#', ...names], trials.map((t) => [String(t.number), ...names.map((k) => fmtValue(t.params[k]))]))}\n`);
    if (trials.length < n) process.stdout.write(`(the search space has only ${trials.length} points)\n`);
  }),
};
