/**
 * Executors by name (a registry typed from its map, as Vitest does for reporters): a new executor is
 * one file plus one entry here; the names allowed elsewhere come from the keys.
 */
import type { Executor } from './types.js';
import { CommandExecutor, type CommandExecutorOptions } from './command.js';
import { FunctionExecutor, type TrialFunction } from './function.js';

export const EXECUTORS = {
  command: (options: CommandExecutorOptions): Executor => new CommandExecutor(options),
  function: (fn: TrialFunction): Executor => new FunctionExecutor(fn),
} as const;

export type ExecutorName = keyof typeof EXECUTORS;
export type ExecutorOptions<K extends ExecutorName> = Parameters<(typeof EXECUTORS)[K]>[0];

export const EXECUTOR_NAMES = Object.keys(EXECUTORS) as readonly ExecutorName[];

export function isExecutorName(name: string): name is ExecutorName {
  return Object.prototype.hasOwnProperty.call(EXECUTORS, name);
}

export function createExecutor<K extends ExecutorName>(name: K, options: ExecutorOptions<K>): Executor {
  const factory = EXECUTORS[name] as (o: ExecutorOptions<K>) => Executor;
  return factory(options);
}
