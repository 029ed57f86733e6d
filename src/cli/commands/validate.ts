import type { Argv } from 'yargs';
import { checkSweepFile } from '../../config/index.js';
import { EXIT, formatViolation } from '../../core/errors.js';
import { gridSize } from '../../search/grid.js';
import { handle } from '../errors.js';
import { JSON_OPTION } from '../common.js';

interface Args {
  file: string;
  json: boolean;
}

export const validateCommand = {
  command: 'validate <file>',
  describe: 'Check a sweep config (W&B YAML or JSON) and report every problem at once',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Sweep config file (.yaml, .yml or .json)' })
      .options(JSON_OPTION)
      .example('$0 validate sweeps/demo.yaml', 'exit 0 when valid, 2 with a list of problems when not'),
  handler: handle<Args>(({ file, json }) => {
    const { sweep, violations, warnings } = checkSweepFile(file);
    const valid = sweep !== undefined && violations.length === 0;
    if (json) {
      const out = {
        file,
        valid,
        method: sweep?.method,
        parameters: sweep?.parameters.map((p) => ({ name: p.name, distribution: p.distribution })),
        grid_size: sweep?.method === 'grid' ? gridSize(sweep) : undefined,
        violations,
        warnings,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return valid ? EXIT.ok : EXIT.usage;
    }
    for (const w of warnings) process.stderr.write(`warning: ${file}: ${formatViolation(w)}\n`);
    if (!valid) {
      process.stderr.write(`${file}: invalid sweep config (${violations.length} problem${violations.length === 1 ? '' : 's'}):\n`);
      for (const v of violations) process.stderr.write(`  - ${formatViolation(v)}\n`);
      return EXIT.usage;
    }
    const size = sweep.method === 'grid' ? `, ${gridSize(sweep)} grid points` : '';
    const metric = sweep.metric ? `, ${sweep.metric.goal} ${sweep.metric.name}` : '';
    process.stdout.write(`${file}: valid (${sweep.method}, ${sweep.parameters.length} parameters${size}${metric})\n`);
    return EXIT.ok;
  }),
};
