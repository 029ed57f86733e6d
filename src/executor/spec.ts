/**
 * From a sweep's `program` / `command` to an executor. `program: ff:<name>` names a built-in
 * objective run inside the worker (`ff:malmas`, the MALMAS engineer; `ff:synthetic`); anything else
 * is a command run as `wandb agent` would run it.
 */
import type { ResolvedSweep } from '../config/types.js';
import { EXIT, FFError } from '../core/errors.js';
import type { ExecutorSpec } from '../queue/contract.js';
import { malmasObjective } from './builtin/malmas.js';
import { syntheticObjective } from './builtin/synthetic.js';
import { CommandExecutor } from './command.js';
import { FunctionExecutor, type TrialFunction } from './function.js';
import type { Executor } from './types.js';

export const BUILTIN_PREFIX = 'ff:';

export const BUILTINS = {
  synthetic: syntheticObjective,
  malmas: malmasObjective,
} as const satisfies Record<string, TrialFunction>;

export type BuiltinName = keyof typeof BUILTINS;

function isBuiltin(name: string): name is BuiltinName {
  return Object.prototype.hasOwnProperty.call(BUILTINS, name);
}

/** The executor a sweep's trials need. Throws a clear error for an unknown built-in. */
export function executorSpecFor(sweep: ResolvedSweep, cwd?: string): ExecutorSpec {
  const program = sweep.program;
  if (program?.startsWith(BUILTIN_PREFIX)) {
    const name = program.slice(BUILTIN_PREFIX.length);
    if (!isBuiltin(name)) {
      throw new FFError(
        'FF_CONFIG_INVALID',
        `${sweep.source}: program '${program}' is not a built-in objective; built-ins are ${Object.keys(BUILTINS).map((b) => BUILTIN_PREFIX + b).join(', ')} (or give the path of a program to run)`,
        EXIT.usage,
      );
    }
    return { kind: 'builtin', name };
  }
  if (program === undefined && sweep.command === undefined) {
    throw new FFError('FF_CONFIG_INVALID', `${sweep.source}: the sweep has neither 'program' nor 'command': nothing to run`, EXIT.usage);
  }
  return {
    kind: 'command',
    ...(program !== undefined ? { program } : {}),
    ...(sweep.command !== undefined ? { command: sweep.command } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
  };
}

export interface ExecutorRuntimeOptions {
  /** Milliseconds between SIGTERM and SIGKILL for command trials. */
  readonly graceMs: number;
  /** Working directory for command trials without their own. */
  readonly cwd?: string;
}

export function createExecutor(spec: ExecutorSpec, opts: ExecutorRuntimeOptions): Executor {
  if (spec.kind === 'builtin') {
    if (!isBuiltin(spec.name)) throw new FFError('FF_EXECUTOR', `this worker has no built-in objective '${spec.name}'; upgrade the worker`);
    return new FunctionExecutor(BUILTINS[spec.name]);
  }
  const cwd = spec.cwd ?? opts.cwd;
  return new CommandExecutor({
    ...(spec.program !== undefined ? { program: spec.program } : {}),
    ...(spec.command !== undefined ? { command: spec.command } : {}),
    ...(cwd !== undefined ? { cwd } : {}),
    graceMs: opts.graceMs,
  });
}
