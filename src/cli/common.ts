/** Options and helpers shared by several commands. */
import { randomBytes, randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { EXIT, FFError } from '../core/errors.js';
import { createTracker } from '../tracker/registry.js';
import type { Tracker } from '../tracker/types.js';
import { settings, TRACKER_CHOICES } from './settings.js';

export const RUNS_DIR_OPTION = {
  'runs-dir': {
    type: 'string',
    describe: 'Folder where sweeps, their trials and local runs are kept (settings runs_dir, env FF_RUNS_DIR)',
    defaultDescription: './runs',
  },
} as const;

export const TRACKER_OPTIONS = {
  tracker: { type: 'string', choices: TRACKER_CHOICES, describe: 'Experiment tracker for every trial (settings tracker.backend, env FF_TRACKER__BACKEND)', defaultDescription: 'local' },
  project: { type: 'string', describe: "W&B project / MLflow experiment, unless the sweep file names one (settings tracker.project)", defaultDescription: '$WANDB_PROJECT / $MLFLOW_EXPERIMENT_NAME, else feature-forge' },
  entity: { type: 'string', describe: "W&B entity, unless the sweep file names one (settings tracker.entity)" },
} as const;

export interface TrackerArgs {
  tracker?: string;
  project?: string;
  entity?: string;
}

/**
 * The tracker chosen by flags over environment over settings file; its warnings (a failing server,
 * once per problem) go to `log`. Configuration errors (a missing API key) are FFErrors.
 */
export function openTracker(args: TrackerArgs, runsDirPath: string, log: (line: string) => void): Tracker {
  const s = settings({ 'tracker.backend': args.tracker, 'tracker.project': args.project, 'tracker.entity': args.entity });
  return createTracker(s.tracker.backend, {
    runsDir: runsDirPath,
    ...(s.tracker.project !== undefined ? { project: s.tracker.project } : {}),
    ...(s.tracker.entity !== undefined ? { entity: s.tracker.entity } : {}),
    timeoutMs: s.tracker.timeoutMs,
    retries: s.tracker.retries,
    onWarning: (w) => log(`warning: ${w.backend} tracking: ${w.message}`),
  });
}

export const JSON_OPTION = {
  json: { type: 'boolean', describe: 'Print machine-readable JSON on stdout (progress goes to stderr)', default: false },
} as const;

export function runsDir(arg: string | undefined): string {
  return resolve(arg ?? settings().runsDir);
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
