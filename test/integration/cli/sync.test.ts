/**
 * `ff sync` end to end: runs journaled by a `local` tracker in this process are sent by the built
 * CLI, a child process, to a local MLflow server (test/helpers/fake-mlflow.ts) running here and
 * reached over HTTP. "Arrived" is checked as in the tracker suite (the whole lifecycle run).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../../src/tracker/journal.js';
import { createTracker } from '../../../src/tracker/registry.js';
import type { SyncResult } from '../../../src/tracker/sync.js';
import { runCli, tempDir } from '../../helpers/cli.js';
import type { CliResult } from '../../helpers/cli.js';
import { journalOf, mlflowHarness, playLifecycle, writeFixtures } from '../tracker/tracker-suite.js';
import type { RemoteServer } from '../tracker/tracker-suite.js';

interface SyncOutput {
  readonly to: string;
  readonly where: string;
  readonly results: SyncResult[];
}

const RUN_IDS = ['cli-1', 'cli-2'];
/** A stack frame as Node prints it ("    at fn (file.js:1:2)"). */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

let root: string;
let runsDir: string;
let server: RemoteServer | undefined;

beforeEach(async () => {
  root = tempDir('ff-sync-cli-');
  runsDir = join(root, 'runs');
  mkdirSync(runsDir);
  server = undefined;
  const tracker = createTracker('local', { runsDir });
  const fx = writeFixtures(join(root, 'trial'));
  for (const id of RUN_IDS) await playLifecycle(tracker, id, fx);
  await tracker.close();
});

afterEach(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** `ff sync …` with quick remote calls; the cwd has no settings file, so only `env` configures it. */
function sync(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(['sync', ...args], { cwd: root, env: { FF_TRACKER__TIMEOUT_SECONDS: '2', FF_TRACKER__RETRIES: '1', ...env } });
}

function output(r: CliResult): SyncOutput {
  return JSON.parse(r.stdout) as SyncOutput;
}

describe('ff sync --to mlflow', () => {
  it('sends every local run whole, then skips them when run again', async () => {
    server = await mlflowHarness.start();
    const first = await sync([runsDir, '--to', 'mlflow', '--json'], server.env);
    expect(first.stderr).not.toMatch(STACK_FRAME);
    expect(first.code).toBe(0);
    const out = output(first);
    expect(out).toMatchObject({ to: 'mlflow', where: `MLflow at ${server.env['MLFLOW_TRACKING_URI']}` });
    expect(out.results.map((r) => r.status)).toEqual(['synced', 'synced']);
    for (const id of RUN_IDS) {
      const j = journalOf(runsDir, id);
      expect(out.results.find((r) => r.dir === j.dir)).toMatchObject({ status: 'synced', id: j.remote.mlflow?.id });
      server.expectRun(id, j);
    }

    const seen = server.requests();
    const again = await sync([runsDir, '--to', 'mlflow', '--json'], server.env);
    expect(again.code).toBe(0);
    expect(output(again).results).toEqual(RUN_IDS.map((id) => ({ dir: journalOf(runsDir, id).dir, status: 'skipped', reason: expect.stringContaining('already on mlflow') })));
    expect(server.requests()).toBe(seen);
    expect(again.stderr).not.toMatch(STACK_FRAME);
  });

  it('a folder with no runs: exit 2 and a sentence saying so', async () => {
    server = await mlflowHarness.start();
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const r = await sync([empty, '--to', 'mlflow', '--json'], server.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: no tracked runs (run.jsonl) under ${empty}`);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(server.requests()).toBe(0);
  });

  it('server down: exit 1, each run named with its failure, journals left unsynced', async () => {
    server = await mlflowHarness.start();
    await server.close();
    // with a retry, so the child sits in a backoff with nothing else to do: it must not end there
    const r = await sync([runsDir, '--to', 'mlflow'], server.env);
    expect(r.code).toBe(1);
    for (const id of RUN_IDS) {
      const j = journalOf(runsDir, id);
      expect(r.stderr).toMatch(new RegExp(`^failed {2}${j.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*cannot reach`, 'm'));
      expect(readJournal(j.dir).remote.mlflow).toBeUndefined();
    }
    expect(r.stdout).toContain('0 synced, 0 skipped, 2 failed');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('ff sync --to wandb', () => {
  it('without WANDB_API_KEY: exit 2 naming the variable', async () => {
    const r = await sync([runsDir, '--to', 'wandb'], { WANDB_API_KEY: '', WANDB_MODE: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: WANDB_API_KEY is not set/m);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });
});
