/**
 * Real processes for the distributed integration tests: spawning the built CLI (`ff coordinator`,
 * `ff worker`, …), keeping their output for failure messages, killing them whatever happens, and
 * waiting for conditions by polling the trial store with a deadline (never timing assertions).
 *
 * A {@link Cluster} is one test's deployment: a Redis URL and key prefix, a work dir, the processes
 * started on it and a `RedisTrialStore` opened on the same URL/prefix to read results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreEvent } from '../../src/coordinator/store.js';
import type { SweepMeta, TrialDetail } from '../../src/coordinator/types.js';
import { RedisTrialStore } from '../../src/store/redis-store.js';
import { CLI, ROOT } from './cli.js';
import { cleanupPrefix } from './redis.js';

export interface ProcExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Jest timeout for one scenario: above every deadline below, so that a stuck scenario fails with
 * its context (processes' output, trials) instead of Jest's bare timeout.
 */
export const SCENARIO_TIMEOUT = 120_000;

/** Output kept per process: the tail is what helps when a test fails. */
const KEEP_CHARS = 200_000;

/** Every child still alive when the Jest worker exits is killed (no orphans, even after a crash). */
const LIVE = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of LIVE) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class Proc {
  readonly exited: Promise<ProcExit>;
  private out = '';
  private exitInfo: ProcExit | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    LIVE.add(child);
    const keep = (d: Buffer): void => {
      this.out += d.toString();
      if (this.out.length > KEEP_CHARS) this.out = this.out.slice(-KEEP_CHARS / 2);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        LIVE.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      child.once('error', (err) => {
        this.out += `\n[spawn error: ${err.message}]\n`;
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Everything it printed (stdout and stderr interleaved), possibly cut at the front. */
  output(): string {
    return this.out;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** SIGKILL, then wait until the process is gone. */
  async kill9(): Promise<ProcExit> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Waits for the exit (the deadline only keeps a broken test from hanging). */
  async waitExit(timeoutMs: number): Promise<ProcExit> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} (pid ${this.pid}) did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  describe(tailChars = 4000): string {
    const state = this.exitInfo === undefined ? 'running' : `exited code=${this.exitInfo.code} signal=${this.exitInfo.signal}`;
    const out = this.out.length > tailChars ? `…${this.out.slice(-tailChars)}` : this.out;
    return `--- ${this.name} (pid ${this.pid}, ${state}) ---\n${out}`;
  }
}

export class Procs {
  readonly all: Proc[] = [];

  /** Starts `node dist/src/cli/main.js ...args`. */
  cli(name: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Proc {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, FF_DEBUG: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p = new Proc(name, child);
    this.all.push(p);
    return p;
  }

  /** SIGKILLs every process still running and waits for them. Safe to call any number of times. */
  async killAll(): Promise<void> {
    await Promise.all(this.all.filter((p) => p.running).map((p) => p.kill9()));
  }

  describe(tailChars?: number): string {
    return this.all.map((p) => p.describe(tailChars)).join('\n');
  }
}

export interface WaitOptions {
  /** Only to keep a broken test from hanging; never an assertion about speed. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Appended to the timeout error (e.g. process output, store state). */
  readonly context?: () => string | Promise<string>;
}

/** Polls `probe` until it returns something other than undefined/false/null; throws at the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, opts: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err; // Redis may be reconnecting; keep polling until the deadline
    }
    if (Date.now() > deadline) {
      const ctx = opts.context ? await Promise.resolve(opts.context()).catch((e: unknown) => `(context failed: ${String(e)})`) : '';
      throw new Error(`timed out waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ''}\n${ctx}`);
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The pid part of a worker id (`<host>-<pid>-<hex>`), to find the process that runs a trial. */
export function workerPid(workerId: string | undefined): number | undefined {
  const m = /-(\d+)-[0-9a-f]+$/.exec(workerId ?? '');
  return m ? Number(m[1]) : undefined;
}

const TERMINAL = new Set(['finished', 'stopped', 'failed']);
/** Heads the context appended to failures (once: a timeout from waitFor already carries it). */
const CONTEXT_MARK = '=== store and processes ===';

export class Cluster {
  readonly procs = new Procs();
  readonly store: RedisTrialStore;
  readonly workDir: string;

  constructor(
    readonly url: string,
    readonly prefix: string,
  ) {
    this.store = new RedisTrialStore({ url, prefix, log: () => undefined });
    this.workDir = mkdtempSync(join(tmpdir(), 'ff-dist-'));
  }

  get redisArgs(): string[] {
    return ['--redis', this.url, '--prefix', this.prefix];
  }

  /** `ff sweep FILE --json`: registers the sweep, returns its id. */
  async sweep(file: string, seed = 1): Promise<string> {
    const p = this.procs.cli('sweep', ['sweep', file, ...this.redisArgs, '--seed', String(seed), '--json']);
    const exit = await p.waitExit(30000);
    if (exit.code !== 0) throw new Error(`ff sweep failed:\n${p.describe()}`);
    const line = p.output().split('\n').find((l) => l.startsWith('{'));
    return (JSON.parse(line ?? '{}') as { sweep_id: string }).sweep_id;
  }

  coordinator(extra: readonly string[] = [], name = 'coordinator'): Proc {
    return this.procs.cli(name, ['coordinator', ...this.redisArgs, '--lease-check', '0.3', ...extra]);
  }

  worker(extra: readonly string[] = [], opts: { name?: string; cwd?: string; env?: Record<string, string> } = {}): Proc {
    const name = opts.name ?? `worker${this.procs.all.filter((p) => p.name.startsWith('worker')).length + 1}`;
    return this.procs.cli(name, ['worker', ...this.redisArgs, '--work-dir', this.workDir, ...extra], { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}) });
  }

  /** Runs a short CLI command to completion (`ff pause ID`, `ff status ID --json`, …). */
  async cli(args: readonly string[]): Promise<{ code: number | null; out: string }> {
    const p = this.procs.cli(`ff ${args[0]}`, [...args, ...this.redisArgs]);
    const exit = await p.waitExit(30000);
    return { code: exit.code, out: p.output() };
  }

  async waitWorkers(n: number, timeoutMs = 30000): Promise<void> {
    await waitFor(`${n} live workers`, async () => (await this.store.liveWorkers()).length >= n, { timeoutMs, context: () => this.context() });
  }

  async trials(sweepId: string): Promise<TrialDetail[]> {
    return this.store.getTrials(sweepId);
  }

  async meta(sweepId: string): Promise<SweepMeta> {
    const rec = await this.store.getSweep(sweepId);
    if (rec === undefined) throw new Error(`sweep ${sweepId} is not in the store`);
    return rec.meta;
  }

  /** Waits until the coordinator has ended the sweep (endedAt set) and no trial is in flight. */
  async waitEnded(sweepId: string, timeoutMs = 60000): Promise<SweepMeta> {
    return waitFor(
      `sweep ${sweepId} to end`,
      async () => {
        const meta = await this.meta(sweepId);
        if (meta.endedAt === undefined || meta.state === 'paused') return undefined;
        const trials = await this.trials(sweepId);
        return trials.every((t) => TERMINAL.has(t.state)) ? meta : undefined;
      },
      { timeoutMs, context: () => this.context(sweepId) },
    );
  }

  /** Every event in the store's log, oldest first. */
  async events(): Promise<StoreEvent[]> {
    const out: StoreEvent[] = [];
    let cursor = '0-0';
    for (;;) {
      const batch = await this.store.readEvents(cursor, 0, 5000);
      if (batch.events.length === 0 && batch.cursor === cursor) return out;
      out.push(...batch.events);
      cursor = batch.cursor;
    }
  }

  /** How many times each trial of the sweep ended (from the event log): every value must be 1. */
  async endCounts(sweepId: string): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const e of await this.events()) {
      if (e.type === 'ended' && e.sweepId === sweepId) counts.set(e.number, (counts.get(e.number) ?? 0) + 1);
    }
    return counts;
  }

  /** What the store and the processes looked like, for failure messages. */
  async context(sweepId?: string): Promise<string> {
    let state = '';
    if (sweepId !== undefined) {
      try {
        const meta = await this.meta(sweepId);
        const trials = await this.trials(sweepId);
        state = `sweep ${sweepId}: ${meta.state} ${meta.endedReason ?? ''}\n${trials
          .map((t) => `  #${t.number} ${t.state} a${t.attempt}d${t.dispatch ?? 1} steps=${t.steps} worker=${t.worker ?? '-'} ${t.stopReason ?? ''}${t.error ?? ''}`)
          .join('\n')}\n`;
      } catch (err) {
        state = `(cannot read sweep ${sweepId}: ${String(err)})\n`;
      }
    }
    return `${CONTEXT_MARK}\n${state}${this.procs.describe()}`;
  }

  /** Runs a test body; a failure carries the processes' output (and the sweep's trials). */
  async explain<T>(body: () => Promise<T>, sweepId?: () => string | undefined): Promise<T> {
    try {
      return await body();
    } catch (err) {
      if (err instanceof Error && !err.message.includes(CONTEXT_MARK)) {
        err.message += `\n\n${await this.context(sweepId?.())}`;
      }
      throw err;
    }
  }

  /** Kills every process, deletes this prefix's keys (only those), closes the store. */
  async close(): Promise<void> {
    await this.procs.killAll();
    try {
      await cleanupPrefix(this.store.client, this.prefix);
    } finally {
      await this.store.close();
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}

/**
 * Every trial of the sweep ended exactly once (one `ended` event each, from the store's event log)
 * and none is left queued or running.
 */
export async function expectEachEndedOnce(cluster: Cluster, sweepId: string): Promise<TrialDetail[]> {
  const trials = await cluster.trials(sweepId);
  const counts = await cluster.endCounts(sweepId);
  expect(trials.filter((t) => !TERMINAL.has(t.state)).map((t) => `#${t.number} ${t.state}`)).toEqual([]);
  expect([...counts.keys()].sort((a, b) => a - b)).toEqual(trials.map((t) => t.number));
  expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  return trials;
}
