/** Options and helpers shared by several commands. */
import { randomBytes, randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { EXIT, FFError } from '../core/errors.js';

export const RUNS_DIR_OPTION = {
  'runs-dir': {
    type: 'string',
    describe: 'Folder where sweeps and their trials are kept (env FF_RUNS_DIR)',
    default: process.env.FF_RUNS_DIR ?? 'runs',
    defaultDescription: '$FF_RUNS_DIR or ./runs',
  },
} as const;

export const JSON_OPTION = {
  json: { type: 'boolean', describe: 'Print machine-readable JSON on stdout (progress goes to stderr)', default: false },
} as const;

export function runsDir(arg: string | undefined): string {
  return resolve(arg ?? process.env.FF_RUNS_DIR ?? 'runs');
}

/** W&B-style sweep id: 8 lowercase base-36 characters. Not part of any seeded choice. */
export function newSweepId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(8);
  let id = '';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return id;
}

/** A fresh seed when the user gave none; it is recorded with the sweep and printed. */
export function chooseSeed(seed: number | undefined): number {
  if (seed === undefined) return randomInt(0, 2 ** 31 - 1);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new FFError('FF_USAGE', `--seed must be a non-negative integer (got ${seed})`, EXIT.usage);
  }
  return seed;
}

export function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new FFError('FF_USAGE', `--${name} must be a positive integer (got ${value})`, EXIT.usage);
  }
  return value;
}
