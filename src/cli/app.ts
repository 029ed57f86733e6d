/**
 * `ff` / `feature-forge`: the command line, as a function of its arguments (main.ts runs it; the
 * entry points under workers/ run one command of it). Exit codes: 0 ok, 1 failure, 2 bad usage or
 * invalid config (130 when interrupted).
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { EXIT } from '../core/errors.js';
import { agentCommand, workerCommand } from './commands/worker.js';
import { controlCommands } from './commands/control.js';
import { compareCommand } from './commands/compare.js';
import { coordinatorCommand } from './commands/coordinator.js';
import { feCommand } from './commands/fe.js';
import { previewCommand } from './commands/preview.js';
import { sweepCommand } from './commands/sweep.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { validateCommand } from './commands/validate.js';
import { reportError } from './errors.js';
import { useSettingsFile } from './settings.js';

/**
 * A flag given twice takes its last value (as in most CLIs) unless it is a list option. yargs
 * passes its instance as a second argument, which its type declarations leave out.
 */
function lastValueWins(argv: Record<string, unknown>, y?: { getOptions(): { array: string[] } }): void {
  if (y === undefined) return;
  const lists = new Set(y.getOptions().array);
  for (const [k, v] of Object.entries(argv)) if (k !== '_' && Array.isArray(v) && !lists.has(k)) argv[k] = v[v.length - 1];
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('ff')
    .usage('$0 <command> [options]\n\nfeature-forge: W&B-format hyperparameter sweeps (grid, random, TPE, hyperband) run on this machine or across many.')
    .command(validateCommand)
    .command(previewCommand)
    .command(runCommand)
    .command(statusCommand)
    .command(compareCommand)
    .command(sweepCommand)
    .command(coordinatorCommand)
    .command(workerCommand)
    .command(agentCommand)
    .command(controlCommands)
    .command(feCommand)
    .command(syncCommand)
    .option('settings', { type: 'string', global: true, describe: 'Settings file (default ./config/settings.yaml when present; env FF_SETTINGS)' })
    .middleware((argv) => useSettingsFile(typeof argv['settings'] === 'string' ? argv['settings'] : undefined))
    .middleware(lastValueWins)
    .demandCommand(1, 'Name a command (see the list above).')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(version())
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue('Run `ff <command> --help` for a command\'s options. Docs: README.md.')
    .fail((msg, err) => {
      if (err) {
        process.exitCode = reportError(err);
        return;
      }
      process.stderr.write(`error: ${msg}\nRun \`ff --help\` (or \`ff <command> --help\`) for usage.\n`);
      process.exitCode = EXIT.usage;
    });
  await cli.parseAsync();
}

/** Runs `main` as a process's whole job: an unexpected rejection becomes a message and exit code 1. */
export function runAsProcess(argv: string[]): void {
  main(argv).catch((err: unknown) => {
    process.exitCode = reportError(err);
  });
}
