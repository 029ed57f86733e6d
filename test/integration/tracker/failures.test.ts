/**
 * Failure isolation through the real registry and resilient wrapper, for MLflow and W&B alike:
 * a server that is down, flaky, failing, silent or refusing the credentials never fails or blocks
 * a trial; the run stays whole in its journal, the problem is reported once, and `syncRun` sends
 * the run later. Small timeouts keep this quick; times are only bounded generously ("does not
 * hang"), never measured.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FFError } from '../../../src/core/errors.js';
import { readJournal } from '../../../src/tracker/journal.js';
import { createTracker } from '../../../src/tracker/registry.js';
import { syncRun } from '../../../src/tracker/sync.js';
import type { Tracker, TrackerWarning } from '../../../src/tracker/types.js';
import { tempDir } from '../../helpers/cli.js';
import {
  CALL_MS,
  expectJournalHoldsRun,
  filesUnder,
  journalOf,
  mlflowHarness,
  playLifecycle,
  wandbHarness,
  within,
  writeFixtures,
} from './tracker-suite.js';
import type { Fixtures, RemoteHarness, RemoteServer } from './tracker-suite.js';

/** The call timeout where a server hangs: small, so the test is quick. */
const HANG_TIMEOUT_MS = 400;
/**
 * The call timeout everywhere else. Nothing waits for it there (refused connections and injected
 * statuses answer at once), but `finish` is bounded by 1.5 × it: on a loaded machine a short one
 * would cut a slow but working send (retries and backoff included) short and make the test flaky.
 */
const TIMEOUT_MS = 4_000;
/** What the registry gives `finish` (1.5 × the call timeout, which it floors at 1 s) plus slack. */
const HUNG_FINISH_MS = 1.5 * Math.max(HANG_TIMEOUT_MS, 1000) + 2_000;
const SYNC = { timeoutMs: 2_000, retries: 1 } as const;

let root: string;
let runsDir: string;
let fx: Fixtures;
let warnings: TrackerWarning[];
let servers: RemoteServer[];

beforeEach(() => {
  root = tempDir('ff-failures-');
  runsDir = join(root, 'runs');
  mkdirSync(runsDir);
  fx = writeFixtures(join(root, 'trial'));
  warnings = [];
  servers = [];
});

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
});

async function start(h: RemoteHarness, o: { readonly refuseCredentials?: boolean } = {}): Promise<RemoteServer> {
  const s = await h.start(o);
  servers.push(s);
  return s;
}

function tracker(h: RemoteHarness, env: Record<string, string>, o: { readonly retries?: number; readonly timeoutMs?: number } = {}): Tracker {
  return createTracker(h.backend, { runsDir, env, onWarning: (w) => warnings.push(w), timeoutMs: o.timeoutMs ?? TIMEOUT_MS, retries: o.retries ?? 1 });
}

describe.each([mlflowHarness, wandbHarness].map((h) => [h.backend, h] as const))('%s: failure isolation', (backend, h) => {
  it('server down: every call resolves, finish is bounded, the runs stay in their journals, one warning for three runs', async () => {
    const s = await start(h);
    await s.close();
    const t = tracker(h, s.env);
    // at once, so all three meet the dead server (none is spared by the cool-down)
    await Promise.all(['down-1', 'down-2', 'down-3'].map((id) => playLifecycle(t, id, fx)));
    await within(t.close(), CALL_MS, 'close');
    for (const id of ['down-1', 'down-2', 'down-3']) {
      const j = journalOf(runsDir, id);
      expectJournalHoldsRun(j, id, backend);
      expect(j.remote[backend]).toMatchObject({ status: 'failed', error: expect.stringMatching(/cannot reach/) });
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ backend, message: expect.stringContaining(`ff sync ${runsDir} --to ${backend}`) });
  });

  it('transient 500 then 503: retried, the run arrives complete, no warning', async () => {
    const s = await start(h);
    s.failNext(500, 1);
    s.failNext(503, 1);
    const t = tracker(h, s.env, { retries: 2 });
    await playLifecycle(t, 'flaky-1', fx);
    await t.close();
    // the failures were really answered, and the same call went through after them
    expect(s.statuses().filter((st) => st >= 500)).toEqual([500, 503]);
    s.expectRun('flaky-1', journalOf(runsDir, 'flaky-1'));
    expect(warnings).toEqual([]);
  });

  it('persistent 500: the run is kept locally and reported once; the next run does not wait on the server', async () => {
    const s = await start(h);
    s.failNext(500, 10_000);
    const t = tracker(h, s.env);
    await playLifecycle(t, 'broken-1', fx);
    const seen = s.requests();
    await playLifecycle(t, 'broken-2', fx);
    await t.close();
    // for 30 s after a retryable failure new runs skip the server (registry COOL_DOWN_MS)
    expect(s.requests()).toBe(seen);
    for (const id of ['broken-1', 'broken-2']) {
      const j = journalOf(runsDir, id);
      expectJournalHoldsRun(j, id, backend);
      expect(j.remote[backend]?.status).toBe('failed');
    }
    expect(s.statuses()).toContain(500);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('HTTP 500');
  });

  it('a server that never answers: finish returns within its bound and the journal says remote-failed', async () => {
    const s = await start(h);
    s.hang();
    // retries enough that the calls alone would outlast finish's bound: finish must cut them off
    const t = tracker(h, s.env, { retries: 3, timeoutMs: HANG_TIMEOUT_MS });
    await playLifecycle(t, 'hung-1', fx, { finishMs: HUNG_FINISH_MS });
    await within(t.close(), CALL_MS, 'close');
    const j = journalOf(runsDir, 'hung-1');
    expectJournalHoldsRun(j, 'hung-1', backend);
    expect(j.remote[backend]).toMatchObject({ status: 'failed', error: expect.stringMatching(/did not take the run within 1\.5 s/) });
    expect(s.requests()).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
  });

  it('bad credentials: one warning naming the credential variable; later runs are not sent at all', async () => {
    const s = await start(h, { refuseCredentials: true });
    const t = tracker(h, s.env);
    await playLifecycle(t, 'auth-1', fx);
    const seen = s.requests();
    await playLifecycle(t, 'auth-2', fx);
    await playLifecycle(t, 'auth-3', fx);
    await t.close();
    expect(s.statuses()).toContain(401);
    // retrying cannot fix a key: one attempt, and nothing at all for the later runs
    expect(s.statuses().filter((st) => st === 401)).toHaveLength(1);
    expect(s.requests()).toBe(seen);
    for (const id of ['auth-1', 'auth-2', 'auth-3']) {
      const j = journalOf(runsDir, id);
      expectJournalHoldsRun(j, id, backend);
      expect(j.remote[backend]?.status).toBe('failed');
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(s.credential);
  });

  it('recovery: a run kept while the server was down is sent whole by syncRun, then skipped; force sends it again without a twin', async () => {
    const down = await start(h);
    await down.close();
    const t = tracker(h, down.env);
    await playLifecycle(t, 'later-1', fx);
    await t.close();
    const dir = journalOf(runsDir, 'later-1').dir;
    expect(readJournal(dir).remote[backend]?.status).toBe('failed');

    const fresh = await start(h);
    expect(await syncRun(dir, fresh.remoteBackend(), SYNC)).toMatchObject({ dir, status: 'synced' });
    fresh.expectRun('later-1', readJournal(dir));

    const seen = fresh.requests();
    expect(await syncRun(dir, fresh.remoteBackend(), SYNC)).toMatchObject({ dir, status: 'skipped', reason: expect.stringContaining(`already on ${backend}`) });
    expect(fresh.requests()).toBe(seen);

    expect(await syncRun(dir, fresh.remoteBackend(), { ...SYNC, force: true })).toMatchObject({ dir, status: 'synced' });
    expect(fresh.requests()).toBeGreaterThan(seen);
    // sent again into the same remote run (MLflow finds it by tag, W&B upserts it by id): still one, still whole
    fresh.expectRun('later-1', readJournal(dir));
  });
});

describe("mlflow: one run's own problem stays with that run", () => {
  it('a param logged again with another value abandons that run only: the next runs are sent whole, one warning', async () => {
    const s = await start(mlflowHarness);
    const t = tracker(mlflowHarness, s.env);
    // MLflow params are write-once: the second value is refused (a non-retryable 400-class problem)
    for (const id of ['changed-1', 'changed-2']) {
      const run = await t.initRun({ name: id, runId: id, project: 'ff-conflicts', config: { dataset: 'data/my.csv' } });
      await run.logParams({ dataset: 'my' });
      await run.logMetrics({ loss: 1 });
      await within(run.finish(), CALL_MS, 'finish');
      expect(journalOf(runsDir, id).remote.mlflow).toMatchObject({ status: 'failed', error: expect.stringContaining('write-once') });
    }
    await playLifecycle(t, 'after-1', fx);
    await t.close();
    s.expectRun('after-1', journalOf(runsDir, 'after-1'));
    // the same problem in two runs (their ids aside) is one warning, and it promises nothing about later runs
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('write-once');
    expect(warnings[0]!.message).not.toContain('later runs are kept locally');
  });
});

describe('WANDB_MODE', () => {
  it('offline: nothing is sent, the run is journaled whole and waits for ff sync', async () => {
    const s = await start(wandbHarness);
    // no API key needed offline
    const t = createTracker('wandb', { runsDir, env: { WANDB_MODE: 'offline', WANDB_BASE_URL: s.env['WANDB_BASE_URL']! }, onWarning: (w) => warnings.push(w), timeoutMs: TIMEOUT_MS, retries: 1 });
    expect(t.backend).toBe('wandb');
    await playLifecycle(t, 'offline-1', fx);
    await t.close();
    expect(s.requests()).toBe(0);
    const j = journalOf(runsDir, 'offline-1');
    expectJournalHoldsRun(j, 'offline-1', 'wandb');
    expect(j.remote.wandb?.status).not.toBe('synced');
    expect(j.remote.wandb?.error).toMatch(/offline/);
    expect(warnings).toEqual([]);
    // and it is the sync that sends it
    expect(await syncRun(j.dir, s.remoteBackend(), SYNC)).toMatchObject({ status: 'synced' });
    s.expectRun('offline-1', readJournal(j.dir));
  });

  it('disabled: nothing is sent and nothing is written', async () => {
    const s = await start(wandbHarness);
    const t = createTracker('wandb', { runsDir, env: { ...s.env, WANDB_MODE: 'disabled' }, onWarning: (w) => warnings.push(w) });
    expect(t.backend).toBe('none');
    await playLifecycle(t, 'disabled-1', fx);
    await t.close();
    expect(s.requests()).toBe(0);
    expect(filesUnder(runsDir)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('an unknown mode is a usage error naming the value as given', () => {
    const make = (): Tracker => createTracker('wandb', { runsDir, env: { WANDB_API_KEY: 'k', WANDB_MODE: 'Offlin' } });
    expect(make).toThrow(FFError);
    expect(make).toThrow(/WANDB_MODE=Offlin\b.*online, offline, disabled/);
  });
});
