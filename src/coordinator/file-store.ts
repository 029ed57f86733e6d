/**
 * The runs folder: one directory per sweep, kept so `ff status` can show a past sweep and so a
 * reported step is on disk before the report is acknowledged.
 *
 *   <runsDir>/<sweepId>/sweep.json                  meta + the config as written
 *   <runsDir>/<sweepId>/trials/<n>/trial.json       the trial record (params, state, value, decision…)
 *   <runsDir>/<sweepId>/trials/<n>/history.jsonl    one JSON object per logged step (appended)
 *   <runsDir>/<sweepId>/trials/<n>/output.log       the trial's own output (written by the executor)
 *
 * history.jsonl is the source of truth for metrics: trial.json is rewritten on state changes only.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FFError } from '../core/errors.js';
import type { ResolvedSweep } from '../config/types.js';
import type { SweepMeta, TrialDetail } from './types.js';
import { metricValue } from './policy.js';

export interface StoredStep {
  readonly _step: number;
  readonly _time: string;
  readonly [key: string]: unknown;
}

export interface SweepFile {
  readonly meta: SweepMeta;
  /** The resolved config (its `raw` is the config as written). */
  readonly sweep: ResolvedSweep;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export class LocalSweepStore {
  private readonly trialList: TrialDetail[] = [];

  private constructor(
    readonly dir: string,
    private metaRecord: SweepMeta,
    readonly sweep: ResolvedSweep,
  ) {}

  static create(runsDir: string, sweep: ResolvedSweep, meta: SweepMeta): LocalSweepStore {
    const dir = join(runsDir, meta.id);
    mkdirSync(join(dir, 'trials'), { recursive: true });
    const store = new LocalSweepStore(dir, meta, sweep);
    store.saveSweep();
    return store;
  }

  /** Reads a sweep back from disk (for `ff status`); tolerates a sweep that crashed mid-way. */
  static open(runsDir: string, sweepId: string): LocalSweepStore {
    const dir = join(runsDir, sweepId);
    const file = join(dir, 'sweep.json');
    if (!existsSync(file)) {
      throw new FFError('FF_NOT_FOUND', `no sweep '${sweepId}' in ${runsDir} (run \`ff status --runs-dir ${runsDir}\` to list sweeps)`);
    }
    const data = JSON.parse(readFileSync(file, 'utf8')) as SweepFile;
    const store = new LocalSweepStore(dir, data.meta, data.sweep);
    const metricName = data.sweep.metric?.name;
    const trialsDir = join(dir, 'trials');
    const numbers = existsSync(trialsDir)
      ? readdirSync(trialsDir).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b)
      : [];
    for (const n of numbers) {
      const tfile = join(trialsDir, String(n), 'trial.json');
      if (!existsSync(tfile)) continue;
      const trial = JSON.parse(readFileSync(tfile, 'utf8')) as TrialDetail;
      const steps = readSteps(join(trialsDir, String(n), 'history.jsonl'));
      trial.steps = steps.length;
      if (metricName !== undefined) {
        trial.metricHistory = steps.map((s) => metricValue(metricName, s)).filter((v): v is number => v !== undefined);
      }
      if (steps.length > 0) trial.lastMetrics = stripMeta(steps[steps.length - 1]!);
      store.trialList.push(trial);
    }
    return store;
  }

  /** Sweep ids under a runs folder, newest first. */
  static list(runsDir: string): SweepFile[] {
    if (!existsSync(runsDir)) return [];
    const out: SweepFile[] = [];
    for (const id of readdirSync(runsDir)) {
      const file = join(runsDir, id, 'sweep.json');
      if (!existsSync(file)) continue;
      try {
        out.push(JSON.parse(readFileSync(file, 'utf8')) as SweepFile);
      } catch {
        // a half-written or foreign file: not a sweep we can show
      }
    }
    return out.sort((a, b) => b.meta.createdAt.localeCompare(a.meta.createdAt));
  }

  get meta(): SweepMeta {
    return this.metaRecord;
  }

  get trials(): readonly TrialDetail[] {
    return this.trialList;
  }

  trialDir(number: number): string {
    return join(this.dir, 'trials', String(number));
  }

  updateSweep(patch: Partial<SweepMeta>): void {
    this.metaRecord = { ...this.metaRecord, ...patch };
    this.saveSweep();
  }

  addTrial(trial: TrialDetail): void {
    if (trial.number !== this.trialList.length) {
      throw new FFError('FF_STORE', `trial numbers must be dense: expected ${this.trialList.length}, got ${trial.number}`);
    }
    mkdirSync(this.trialDir(trial.number), { recursive: true });
    this.trialList.push(trial);
    this.saveTrial(trial.number);
  }

  /** Appends one logged step; it is on disk when this returns. */
  appendStep(number: number, step: StoredStep): void {
    appendFileSync(join(this.trialDir(number), 'history.jsonl'), `${JSON.stringify(step)}\n`);
  }

  /** Steps of a trial as stored. */
  history(number: number): StoredStep[] {
    return readSteps(join(this.trialDir(number), 'history.jsonl'));
  }

  saveTrial(number: number): void {
    const t = this.trialList[number];
    if (t === undefined) throw new FFError('FF_STORE', `no trial ${number} in sweep ${this.metaRecord.id}`);
    writeJsonAtomic(join(this.trialDir(number), 'trial.json'), t);
  }

  private saveSweep(): void {
    const data: SweepFile = { meta: this.metaRecord, sweep: this.sweep };
    writeJsonAtomic(join(this.dir, 'sweep.json'), data);
  }
}

function readSteps(path: string): StoredStep[] {
  if (!existsSync(path)) return [];
  const out: StoredStep[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as StoredStep);
    } catch {
      // a line cut short by a crash: everything before it is intact
    }
  }
  return out;
}

function stripMeta(step: StoredStep): Record<string, unknown> {
  const { _step: _s, _time: _t, ...rest } = step;
  return rest;
}
